#!/usr/bin/env bash
# `npm run prebuilds`: builds this Mac's Node-API prebuild into prebuilds/darwin-<arch>/, under
# the file names both node-gyp-build and @electron/rebuild recognise, re-signs it ad hoc and
# checks its architecture and deployment target. Run it on a Mac of each architecture (the
# macOS workflow uses an arm64 and an x64 runner); docs/native.md, "Prebuilds".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" != Darwin ]; then
  echo "prebuilds are built on macOS only (this is $(uname -s))" >&2
  exit 1
fi
case "$(uname -m)" in
  arm64)  dir=prebuilds/darwin-arm64 name=node.napi.armv8.node arch=arm64 ;;
  x86_64) dir=prebuilds/darwin-x64   name=node.napi.node       arch=x86_64 ;;
  *) echo "unsupported architecture $(uname -m)" >&2; exit 1 ;;
esac
rm -rf "$dir"
# -t: build against this Node's headers (a Node-API build loads in every later Node and in Electron).
npx prebuildify --napi --strip -t "$(node -p process.versions.node)"
built=$(find "$dir" -name '*.node' | head -n 1)
[ -n "$built" ] || { echo "prebuildify produced no .node file in $dir" >&2; exit 1; }
[ "$built" = "$dir/$name" ] || mv "$built" "$dir/$name"
# strip can invalidate the linker's ad-hoc signature, and arm64 refuses unsigned code.
codesign --force --sign - "$dir/$name"
codesign --verify --verbose "$dir/$name"
archs=$(lipo -archs "$dir/$name")
[ "$archs" = "$arch" ] || { echo "$dir/$name is built for '$archs', expected '$arch'" >&2; exit 1; }
otool -l "$dir/$name" | grep -A4 LC_BUILD_VERSION | grep -q 'minos 11.0' \
  || { echo "$dir/$name does not target macOS 11.0" >&2; otool -l "$dir/$name" | grep -A4 LC_BUILD_VERSION >&2; exit 1; }
echo "built $dir/$name ($archs, macOS 11.0)"
