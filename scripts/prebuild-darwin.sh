#!/usr/bin/env bash
# `npm run prebuilds`: builds the one binary the package ships,
# prebuilds/darwin-x64+arm64/node.napi.node — a universal (arm64 + x86_64) Node-API file —
# on one Mac of either architecture: each slice with node-gyp (the other one cross-compiled),
# stripped, joined with lipo, re-signed ad hoc, and checked: both architectures, the macOS 11.0
# deployment target, and loading on this Mac. The macOS workflow also loads it on a Mac of the
# other architecture before a tarball is packed. docs/native.md, "Prebuilds".
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)" != Darwin ]; then
  echo "prebuilds are built on macOS only (this is $(uname -s))" >&2
  exit 1
fi
out=prebuilds/darwin-x64+arm64/node.napi.node
slices=build/slices
rm -rf prebuilds "$slices"
mkdir -p "$(dirname "$out")" "$slices"
# -t/--target: this Node's headers (a Node-API build loads in every later Node and in Electron).
target=$(node -p process.versions.node)
for arch in arm64 x64; do
  npx node-gyp rebuild --target="$target" --arch="$arch"
  lipo_arch=$([ "$arch" = x64 ] && echo x86_64 || echo arm64)
  built=build/Release/security_framework.node
  [ "$(lipo -archs "$built")" = "$lipo_arch" ] || { echo "$built is built for '$(lipo -archs "$built")', expected '$lipo_arch'" >&2; exit 1; }
  cp "$built" "$slices/$lipo_arch.node"
  strip -x "$slices/$lipo_arch.node"
done
# Leave no single-architecture build/Release behind for the loader to find instead.
rm -rf build/Release
lipo -create -output "$out" "$slices/arm64.node" "$slices/x86_64.node"
# strip and lipo invalidate the linker's ad-hoc signature, and arm64 runs no unsigned code.
codesign --force --sign - "$out"
codesign --verify --verbose "$out"
# lipo lists the architectures in the file's order: compare them as a set.
archs=$(lipo -archs "$out" | tr ' ' '\n' | sort | xargs)
[ "$archs" = "arm64 x86_64" ] || { echo "$out holds '$archs', expected 'arm64 x86_64'" >&2; exit 1; }
for arch in arm64 x86_64; do
  otool -arch "$arch" -l "$out" | grep -A4 LC_BUILD_VERSION | grep -q 'minos 11.0' \
    || { echo "$out ($arch) does not target macOS 11.0" >&2; otool -arch "$arch" -l "$out" | grep -A4 LC_BUILD_VERSION >&2; exit 1; }
done
node scripts/check-prebuild.js
node -e "const a = require('./$out'); if (a.constants.kSecClass !== 'class') throw new Error('constants'); console.log('loads on ' + process.arch + ': ' + Object.keys(a).length + ' exports')"
echo "built $out ($archs, macOS 11.0)"
