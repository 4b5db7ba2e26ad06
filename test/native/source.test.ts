// Checks of the native addon's sources that run on every platform: the addon registers
// exactly the functions of src/backend/addon.ts, binding.gyp builds every source file, the
// generated constants table is current and covers every exported constant, and the package
// never compiles anything on install off macOS.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as exported from '../../src/index.js';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Member names of the NativeAddon interface, read from its declaration. */
function addonContract(): string[] {
  const source = read('src/backend/addon.ts');
  const body = source.slice(source.indexOf('export interface NativeAddon {'));
  const members = [...body.matchAll(/^ {2}(?:readonly )?(\w+)[(:]/gm)].map((m) => m[1]!);
  return [...new Set(members)].sort();
}

describe('native/addon.mm', () => {
  const source = read('native/addon.mm');
  const table = [...source.matchAll(/\{"(\w+)", sf::(\w+)JS\}/g)].map((m) => ({ name: m[1]!, implementation: m[2]! }));

  it('registers every NativeAddon member of src/backend/addon.ts, and nothing else', () => {
    const registered = [...table.map((t) => t.name), ...[...source.matchAll(/exports\.Set\("(\w+)"/g)].map((m) => m[1]!)].sort();
    expect(registered).toEqual(addonContract());
    expect(registered).toContain('laContextEvaluatePolicy');
    expect(registered).toContain('constants');
  });

  it('binds each name to the implementation of the same name (secItemAdd → SecItemAddJS)', () => {
    expect(table.length).toBeGreaterThan(20);
    for (const { name, implementation } of table) {
      expect(implementation, name).toBe((name[0]!.toUpperCase() + name.slice(1)).replace(/^La/, 'LA'));
    }
  });
});

describe('native/constants.mm', () => {
  it('tests the macOS 14 constants by address, not with @available (which imports ___isPlatformVersionAtLeast, only Apple\'s clang links it)', () => {
    const source = read('native/constants.mm');
    expect(source).not.toMatch(/(@available|__builtin_available)\s*\(/);
    expect(source).toMatch(/if \(c\.symbol != nullptr\)/);
  });
});

describe('binding.gyp', () => {
  const gyp = read('binding.gyp');

  it('compiles every native/*.mm file and no other', () => {
    const listed = [...gyp.matchAll(/'native\/([\w.]+\.mm)'/g)].map((m) => m[1]!).sort();
    const present = readdirSync(join(root, 'native')).filter((f) => f.endsWith('.mm')).sort();
    expect(listed).toEqual(present);
  });

  it('builds nothing off macOS, with ARC, C++ exceptions and an explicit deployment target on macOS', () => {
    expect(gyp).toMatch(/\['OS=="mac"'/);
    expect(gyp).toMatch(/'type': 'none'/);
    expect(gyp).toMatch(/'CLANG_ENABLE_OBJC_ARC': 'YES'/);
    expect(gyp).toMatch(/'GCC_ENABLE_CPP_EXCEPTIONS': 'YES'/);
    expect(gyp).toMatch(/'NAPI_CPP_EXCEPTIONS'/);
    expect(gyp).toMatch(/'MACOSX_DEPLOYMENT_TARGET': '11\.0'/);
    for (const framework of ['Security', 'CoreFoundation', 'Foundation', 'LocalAuthentication']) {
      expect(gyp).toContain(`${framework}.framework`);
    }
    // node-addon-api's gyp targets would force a 10.7 deployment target (docs/native.md).
    expect(gyp).not.toMatch(/node_addon_api/);
  });
});

describe('native/constants.mm', () => {
  it('is what scripts/gen-native-constants.mjs writes today', async () => {
    const gen = await import('../../scripts/gen-native-constants.mjs');
    const { specDir } = await import('../../scripts/gen-constants.mjs');
    const spec = JSON.parse(readFileSync(join(specDir, 'constants.json'), 'utf8'));
    expect(read('native/constants.mm')).toBe(gen.renderNative(spec));
  });

  it('reads every constant the package exports, except the few it names with a reason', async () => {
    const gen = await import('../../scripts/gen-native-constants.mjs');
    const table = read('native/constants.mm');
    const inTable = new Set([...table.matchAll(/\{"(\w+)", /g)].map((m) => m[1]!));
    inTable.add('LAErrorDomain');
    inTable.add('LATouchIDAuthenticationMaximumAllowableReuseDuration');
    const exportedNames = Object.entries(exported)
      .filter(([name, value]) => /^(kSec|LA)/.test(name) && (typeof value === 'string' || typeof value === 'number'))
      .map(([name]) => name);
    const missing = exportedNames.filter((n) => !inTable.has(n)).sort();
    expect(missing).toEqual(Object.keys(gen.NOT_READABLE).filter((n) => exportedNames.includes(n)).sort());
    // Names the table reads that the package does not export would be dead weight.
    expect([...inTable].filter((n) => !exportedNames.includes(n))).toEqual([]);
  });
});

describe('installation', () => {
  const pkg = JSON.parse(read('package.json')) as {
    scripts: Record<string, string>; files: string[]; dependencies: Record<string, string>; devDependencies: Record<string, string>;
  };

  it('has an explicit install script, so npm never runs node-gyp by itself', () => {
    expect(pkg.scripts.install).toBe('node scripts/install.js');
    // npm runs a script named "prebuild" before every `npm run build` (and so on install, via prepare).
    expect(pkg.scripts.prebuild).toBeUndefined();
    expect(pkg.scripts['build:native']).toBe('node-gyp rebuild');
  });

  it('ships the sources, binding.gyp, the install script and the prebuilds, never build/', () => {
    for (const entry of ['native/', 'binding.gyp', 'scripts/install.js', 'prebuilds/']) expect(pkg.files).toContain(entry);
    expect(pkg.files.some((f) => f.startsWith('build'))).toBe(false);
    expect(pkg.dependencies).toHaveProperty('node-gyp-build');
    expect(pkg.dependencies).toHaveProperty('node-addon-api');
    // @electron/rebuild treats a module as prebuilt only when prebuildify is a devDependency.
    expect(pkg.devDependencies).toHaveProperty('prebuildify');
  });

  it.skipIf(process.platform === 'darwin')('scripts/install.js exits 0 at once off macOS, starting nothing', () => {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'install.js')], { encoding: 'utf8', timeout: 10_000 });
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });
});
