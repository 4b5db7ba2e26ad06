// Checks of the native addon's sources that run on every platform: the one list of calls
// (native/calls.def) names exactly the functions of src/backend/addon.ts and is what the addon
// registers and declares, binding.gyp builds every source file, the generated constants table
// is current and covers every exported constant, and the package never compiles anything on
// install off macOS.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as exported from '../../src/index.js';

const root = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The NativeAddon interface of src/backend/addon.ts: each member's name and its type as written. */
function addonContract(): Map<string, string> {
  const source = read('src/backend/addon.ts');
  const body = source.slice(source.indexOf('export interface NativeAddon {'));
  const members = new Map<string, string>();
  for (const m of body.slice(0, body.indexOf('\n}')).matchAll(/^ {2}(?:readonly )?(\w+)([(:].*)$/gm)) {
    if (members.has(m[1]!)) throw new Error(`NativeAddon declares ${m[1]} twice`);
    members.set(m[1]!, m[2]!);
  }
  return members;
}

interface NativeCall {
  name: string;
  entryPoint: string;
  returns: 'Promise' | 'Value';
}

/** The calls of native/calls.def, in order. Any line that is not a comment, a blank line, an
 * SF_CALL entry or the file's own preprocessor guard fails here, so no entry can hide. */
function nativeCalls(): NativeCall[] {
  const lines = read('native/calls.def').split('\n').map((l) => l.replace(/\/\/.*$/, '').trim());
  const calls: NativeCall[] = [];
  for (const line of lines) {
    if (line === '' || /^#(ifndef SF_CALL|error |endif|undef SF_CALL)/.test(line)) continue;
    const m = line.match(/^SF_CALL\((\w+), (\w+), (Promise|Value)\)$/);
    if (!m) throw new Error(`native/calls.def: not an SF_CALL(name, entryPoint, Promise|Value) entry: ${line}`);
    calls.push({ name: m[1]!, entryPoint: m[2]!, returns: m[3] as NativeCall['returns'] });
  }
  return calls;
}

/** Entry points as defined in native/*.mm: `Napi::Promise|Value Name(const Napi::CallbackInfo& info) {`. */
function definedEntryPoints(): Array<{ entryPoint: string; returns: string; file: string }> {
  return readdirSync(join(root, 'native')).filter((f) => f.endsWith('.mm')).flatMap((file) =>
    [...read(`native/${file}`).matchAll(/^Napi::(\w+) (\w+)\(const Napi::CallbackInfo& info\) \{/gm)]
      .map((m) => ({ entryPoint: m[2]!, returns: m[1]!, file })));
}

describe('native/calls.def, the one list of calls', () => {
  it('names exactly the functions of NativeAddon (src/backend/addon.ts), each once, under the same names', () => {
    const calls = nativeCalls();
    const contract = addonContract();
    expect(calls.length).toBeGreaterThan(20);
    const names = calls.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    // `constants` is a value, not a call: addon.mm sets it on its own.
    const functions = [...contract.keys()].filter((name) => name !== 'constants');
    expect([...names].sort()).toEqual(functions.sort());
    expect(contract.get('constants')).toMatch(/^:/);
  });

  it('lists a Promise call exactly where NativeAddon returns a Promise', () => {
    const contract = addonContract();
    for (const { name, returns } of nativeCalls()) {
      const returnType = contract.get(name)!.match(/\): (.+);$/)?.[1];
      expect(returnType, name).toBeDefined();
      expect(returnType!.startsWith('Promise<'), `${name} returns ${returnType}`).toBe(returns === 'Promise');
    }
  });

  it('binds each name to the entry point of the same name (secItemAdd → SecItemAddJS)', () => {
    for (const { name, entryPoint } of nativeCalls()) {
      expect(entryPoint, name).toBe(`${(name[0]!.toUpperCase() + name.slice(1)).replace(/^La/, 'LA')}JS`);
    }
  });

  it('is what addon.mm registers and calls.h declares, by expansion, with nothing written beside it', () => {
    const addon = read('native/addon.mm');
    expect(addon).toMatch(/^#define SF_CALL\(name, entryPoint, returns\) exports\.Set\(#name, Napi::Function::New\(env, sf::entryPoint, #name\)\);\n#include "calls\.def"$/m);
    expect([...addon.matchAll(/exports\.Set\("(\w+)"/g)].map((m) => m[1])).toEqual(['constants']);
    const header = read('native/calls.h');
    expect(header).toMatch(/^#define SF_CALL\(name, entryPoint, returns\) Napi::returns entryPoint\(const Napi::CallbackInfo& info\);\n#include "calls\.def"$/m);
    expect(header.match(/\w+JS\(/g)).toBeNull();
  });

  it('lists every entry point defined in native/*.mm, each defined once with the type the list gives', () => {
    const calls = nativeCalls();
    const defined = definedEntryPoints();
    expect(defined.map((d) => d.entryPoint).sort()).toEqual(calls.map((c) => c.entryPoint).sort());
    for (const { entryPoint, returns } of calls) {
      expect(defined.find((d) => d.entryPoint === entryPoint)!.returns, entryPoint).toBe(returns);
    }
  });

  it('has every Promise entry point go through AsyncCall (async_call.h): no entry point file makes a Promise or a job of its own', () => {
    // A Napi::Promise comes from AsyncCall, RejectedPromise or a Deferred; only the first is
    // left to the files that define entry points.
    const files = new Set(definedEntryPoints().filter((d) => d.returns === 'Promise').map((d) => d.file));
    expect(files.size).toBeGreaterThan(3);
    for (const file of new Set(definedEntryPoints().map((d) => d.file))) {
      const code = read(`native/${file}`).replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/\b(dispatch_async|RejectedPromise|Deferred|Completion|ThreadSafeFunction)\b/);
      if (files.has(file)) expect(code, file).toMatch(/\bAsyncCall\(/);
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
