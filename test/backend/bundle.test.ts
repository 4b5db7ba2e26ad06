/**
 * The package inside a bundle. A small app that imports `security-framework` is bundled with
 * esbuild from a project where the package is installed as the tarball would install it (dist/
 * and package.json, plus the universal macOS binary), then run here: the emulator works from the
 * bundle, and the bundle still holds the darwin-only branch that requires the addon by its
 * literal path — so a bundler can follow it (esbuild's `file` loader copies the binary beside
 * the bundle) or leave it to the package (`external`), and nothing is located at run time.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREBUILT_ADDON } from '../../src/backend/native.js';

const root = join(__dirname, '..', '..');
/** A stand-in for the universal binary when this checkout has none (any machine but a release Mac). */
const PLACEHOLDER = Buffer.from('placeholder for the universal macOS addon');

let dir: string;
let app: string;

const APP = `
const { createEmulator, keychain, kSecClass, kSecClassGenericPassword, kSecAttrService, kSecAttrAccount, kSecValueData, kSecReturnData } = require('security-framework');
(async () => {
  const kc = createEmulator();
  await kc.SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'bundle', [kSecAttrAccount]: 'alice', [kSecValueData]: Buffer.from('s3cret') });
  const found = await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'bundle', [kSecAttrAccount]: 'alice', [kSecReturnData]: true });
  console.log('found ' + Buffer.from(found).toString());
  kc.close();
  if (process.env.SECURITY_FRAMEWORK_BACKEND === 'native') {
    try { await keychain().SecItemDelete({ [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'bundle' }); }
    catch (error) { console.log('native: ' + error.code); }
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-bundle-'));
  app = join(dir, 'app');
  const installed = join(app, 'node_modules', 'security-framework');
  mkdirSync(installed, { recursive: true });
  cpSync(join(root, 'dist'), join(installed, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(installed, 'package.json'));
  const addon = join(installed, ...PREBUILT_ADDON.split('/'));
  mkdirSync(dirname(addon), { recursive: true });
  const shipped = join(root, ...PREBUILT_ADDON.split('/'));
  if (existsSync(shipped)) cpSync(shipped, addon);
  else writeFileSync(addon, PLACEHOLDER);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bundled-app', private: true }));
  writeFileSync(join(app, 'main.js'), APP);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Runs a bundle with this Node, outside the repository, with a clean backend choice. */
function run(bundle: string, env: Record<string, string> = {}): string {
  const { SECURITY_FRAMEWORK_BACKEND, SECURITY_FRAMEWORK_ADDON, ...rest } = process.env;
  void SECURITY_FRAMEWORK_BACKEND; void SECURITY_FRAMEWORK_ADDON;
  return execFileSync(process.execPath, [bundle], { cwd: dirname(bundle), encoding: 'utf8', env: { ...rest, ...env }, timeout: 20_000 });
}

describe('security-framework bundled by esbuild', () => {
  it('with the addon external: the bundle requires it by the literal path, inside the darwin branch, and runs here', async () => {
    const outfile = join(dir, 'external', 'app.js');
    await build({
      entryPoints: [join(app, 'main.js')], bundle: true, platform: 'node', format: 'cjs', outfile,
      external: ['*.node'], logLevel: 'silent', absWorkingDir: app,
    });
    const text = readFileSync(outfile, 'utf8');
    // The whole package is in the bundle: nothing of it is resolved from node_modules at run time.
    expect(text).not.toMatch(/require\(["']security-framework/);
    expect(text).not.toContain('node-gyp-build');
    const literal = `require("../../${PREBUILT_ADDON}")`;
    expect(text).toContain(literal);
    const branch = text.lastIndexOf('process.platform === "darwin"', text.indexOf(literal));
    expect(branch).toBeGreaterThan(-1);
    expect(text.indexOf(literal) - branch).toBeLessThan(300);
    if (process.platform !== 'darwin') {
      expect(run(outfile).trim()).toBe('found s3cret');
      // Off macOS the native backend still says why it is unavailable, from inside the bundle.
      expect(run(outfile, { SECURITY_FRAMEWORK_BACKEND: 'native' }).trim().split('\n')).toEqual(['found s3cret', 'native: errSecUnimplemented']);
    }
  });

  it("with esbuild's file loader: the bundler follows the literal path and copies the binary beside the bundle", async () => {
    const outdir = join(dir, 'embedded');
    await build({
      entryPoints: [join(app, 'main.js')], bundle: true, platform: 'node', format: 'cjs', outdir,
      loader: { '.node': 'file' }, logLevel: 'silent', absWorkingDir: app,
    });
    const copies = readdirSync(outdir).filter((f) => f.endsWith('.node'));
    expect(copies).toHaveLength(1);
    const shipped = join(app, 'node_modules', 'security-framework', ...PREBUILT_ADDON.split('/'));
    expect(readFileSync(join(outdir, copies[0]!))).toEqual(readFileSync(shipped));
    const text = readFileSync(join(outdir, 'main.js'), 'utf8');
    expect(text).toContain(copies[0]);
    expect(text).toContain('process.platform === "darwin"');
    if (process.platform !== 'darwin') expect(run(join(outdir, 'main.js')).trim()).toBe('found s3cret');
  });
});
