#!/usr/bin/env node
// Runs the keychain conformance scenarios (docs/conformance.md) from the compiled package.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { run } = require(join(root, 'dist', 'conformance', 'cli.js'));
run(process.argv.slice(2), root);
