// `prepack` (so `npm pack` and `npm publish`): refuses a tarball without the macOS binary.
// The package runs no install script and compiles nothing on a user's machine, so a tarball
// packed without prebuilds/darwin-x64+arm64/node.napi.node (any pack off a Mac, or before the
// macOS workflow's prebuild) would leave every macOS user without the native backend.
//
// The file must be one universal Mach-O holding both an arm64 and an x86_64 slice; this reads
// the fat header itself, so the check is the same on every OS. A development pack (a tarball
// for a test, never published) sets SECURITY_FRAMEWORK_DEV_PACK=1; `npm pack --ignore-scripts`
// skips the check as it skips every script. docs/native.md, "Publishing".
'use strict';

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ADDON = 'prebuilds/darwin-x64+arm64/node.napi.node';
const CPU = { 0x0100000c: 'arm64', 0x01000007: 'x86_64' }; // CPU_TYPE_ARM64, CPU_TYPE_X86_64 (mach/machine.h)

/** The architectures of a universal ("fat") Mach-O file, or a reason it is not one. */
function fatArchitectures(bytes) {
  if (bytes.length < 8) return { error: 'it is too short to be a Mach-O file' };
  const magic = bytes.readUInt32BE(0);
  // FAT_MAGIC and FAT_MAGIC_64 (mach-o/fat.h): the header is big-endian; fat_arch is 20
  // bytes, fat_arch_64 32, both starting with cputype.
  const entry = magic === 0xcafebabe ? 20 : magic === 0xcafebabf ? 32 : 0;
  if (!entry) return { error: `it is not a universal Mach-O file (magic 0x${magic.toString(16)}): a single-architecture build` };
  const count = bytes.readUInt32BE(4);
  if (bytes.length < 8 + count * entry) return { error: 'its universal header is truncated' };
  const archs = [];
  for (let i = 0; i < count; i++) {
    const type = bytes.readUInt32BE(8 + i * entry);
    archs.push(CPU[type] ?? `cputype 0x${type.toString(16)}`);
  }
  return { archs };
}

function check(root) {
  let bytes;
  try {
    bytes = readFileSync(join(root, ADDON));
  } catch {
    return `${ADDON} is missing`;
  }
  const { error, archs } = fatArchitectures(bytes);
  if (error) return `${ADDON}: ${error}`;
  const missing = ['arm64', 'x86_64'].filter((a) => !archs.includes(a));
  if (missing.length) return `${ADDON} holds ${archs.join(' + ')}, without ${missing.join(' and ')}`;
  return undefined;
}

if (require.main === module) {
  const problem = check(join(__dirname, '..'));
  if (problem && process.env.SECURITY_FRAMEWORK_DEV_PACK === '1') {
    console.warn(`security-framework: development pack (SECURITY_FRAMEWORK_DEV_PACK=1): ${problem}; this tarball must not be published.`);
  } else if (problem) {
    console.error([
      `security-framework: refusing to pack: ${problem}.`,
      'A published tarball must carry the universal (arm64 + x86_64) macOS binary: users install no compiler and run no install script.',
      'Build it on a Mac with `npm run prebuilds`, or take the `prebuilds` artifact of the macOS workflow into prebuilds/.',
      'For a development tarball that will never be published, set SECURITY_FRAMEWORK_DEV_PACK=1.',
    ].join('\n'));
    process.exit(1);
  }
}

module.exports = { ADDON, check, fatArchitectures };
