// npm runs this on `npm install` (package.json "install"). Its presence also stops npm from
// running `node-gyp rebuild` by itself, which it does for any package with a binding.gyp and no
// install script.
//
// Off macOS there is nothing to build: the package uses its emulator, so this exits at once —
// no node-gyp, no Python, no compiler. On macOS, node-gyp-build loads a matching prebuild from
// prebuilds/ (or an existing build/Release) and compiles from source only when neither loads.
'use strict';

if (process.platform !== 'darwin') process.exit(0);

const { spawnSync } = require('node:child_process');

let bin;
try {
  bin = require.resolve('node-gyp-build/bin.js');
} catch {
  console.error('security-framework: node-gyp-build is missing, so the native addon cannot be located or built');
  process.exit(1);
}
const result = spawnSync(process.execPath, [bin], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
