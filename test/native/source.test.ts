// Checks of the native addon's sources that run on every platform: the one list of calls
// (native/calls.def) names exactly the functions of src/backend/addon.ts and is what the addon
// registers and declares, binding.gyp builds every source file, the generated constants table
// is current and covers every exported constant, and the package installs with no script and no
// compiler: one universal macOS binary, required by a literal path, guarded at pack time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as exported from '../../src/index.js';
import { PREBUILT_ADDON } from '../../src/backend/native.js';

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

describe('installation: no script, no compiler, one universal binary', () => {
  const pkg = JSON.parse(read('package.json')) as {
    scripts: Record<string, string>; files: string[]; gypfile?: boolean;
    dependencies?: Record<string, string>; devDependencies: Record<string, string>;
  };

  it('declares no install script and "gypfile": false, so npm never runs one or node-gyp by itself', () => {
    for (const script of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts[script], script).toBeUndefined();
    expect(pkg.gypfile).toBe(false);
    expect(existsSync(join(root, 'scripts', 'install.js'))).toBe(false);
    // npm runs a script named "prebuild" before every `npm run build` (and so on install, via prepare).
    expect(pkg.scripts.prebuild).toBeUndefined();
    // The source build is an explicit command; its output is where the loader looks last.
    expect(pkg.scripts['build:native']).toBe('node-gyp rebuild');
    expect(pkg.scripts.prebuilds).toBe('bash scripts/prebuild-darwin.sh');
  });

  it('ships the universal binary and nothing to build: no binding.gyp, no native/, no build/', () => {
    expect(pkg.files).toContain(PREBUILT_ADDON);
    for (const entry of ['native/', 'binding.gyp', 'scripts/install.js', 'prebuilds/']) expect(pkg.files).not.toContain(entry);
    expect(pkg.files.some((f) => f.startsWith('build'))).toBe(false);
    // Nothing is located or compiled at install time; node-addon-api is the source build's.
    expect(pkg.dependencies?.['node-gyp-build']).toBeUndefined();
    expect(pkg.dependencies?.['node-addon-api']).toBeUndefined();
    expect(pkg.devDependencies).toHaveProperty('node-addon-api');
    expect(pkg.devDependencies).toHaveProperty('node-gyp');
  });

  it('the loader requires the binary by a literal path inside a darwin-only branch, the path the package ships', () => {
    const loader = read('src/backend/native.ts');
    const literal = `require('../../${PREBUILT_ADDON}')`;
    expect(loader).toContain(literal);
    const branch = loader.lastIndexOf("if (process.platform === 'darwin') {", loader.indexOf(literal));
    expect(branch).toBeGreaterThan(-1);
    expect(loader.slice(branch, loader.indexOf(literal))).not.toContain('}');
    expect(loader.match(/require\(/g)).toHaveLength(1);
    expect(loader).not.toContain('node-gyp-build');
  });

  it('scripts/prebuild-darwin.sh writes that file, and the macOS workflow checks, packs and installs it', () => {
    expect(read('scripts/prebuild-darwin.sh')).toContain(`out=${PREBUILT_ADDON}`);
    const workflow = read('.github/workflows/macos.yml');
    expect(workflow).toContain(PREBUILT_ADDON);
    expect(workflow).toContain('.ci/install-tarball tarball/*.tgz --ignore-scripts');
    expect(workflow).toMatch(/runner: \[macos-15, macos-15-intel\]/);
  });
});

describe('scripts/check-prebuild.js, the prepack guard', () => {
  const guard = join(root, 'scripts', 'check-prebuild.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ADDON, check, fatArchitectures } = require(guard) as {
    ADDON: string; check(root: string): string | undefined; fatArchitectures(bytes: Buffer): { archs?: string[]; error?: string };
  };
  /** A universal Mach-O header (mach-o/fat.h) with these CPU types, as lipo writes it. */
  const fat = (...cpuTypes: number[]) => {
    const bytes = Buffer.alloc(8 + cpuTypes.length * 20 + 16);
    bytes.writeUInt32BE(0xcafebabe, 0);
    bytes.writeUInt32BE(cpuTypes.length, 4);
    cpuTypes.forEach((type, i) => bytes.writeUInt32BE(type, 8 + i * 20));
    return bytes;
  };
  const ARM64 = 0x0100000c;
  const X86_64 = 0x01000007;

  it('runs as prepack and checks the path the loader requires', () => {
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.prepack).toBe('node scripts/check-prebuild.js');
    expect(ADDON).toBe(PREBUILT_ADDON);
  });

  it('reads the architectures of a universal file, and refuses a thin one', () => {
    expect(fatArchitectures(fat(X86_64, ARM64)).archs).toEqual(['x86_64', 'arm64']);
    const thin = Buffer.alloc(32);
    thin.writeUInt32LE(0xfeedfacf, 0); // MH_MAGIC_64, as a single-architecture Mach-O begins
    expect(fatArchitectures(thin).error).toMatch(/not a universal Mach-O file/);
    expect(fatArchitectures(Buffer.alloc(2)).error).toMatch(/too short/);
  });

  it('accepts a package root with both slices; names what is missing otherwise', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-prepack-'));
    try {
      expect(check(dir)).toBe(`${PREBUILT_ADDON} is missing`);
      const file = join(dir, ...PREBUILT_ADDON.split('/'));
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, fat(ARM64));
      expect(check(dir)).toBe(`${PREBUILT_ADDON} holds arm64, without x86_64`);
      writeFileSync(file, fat(X86_64, ARM64));
      expect(check(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(existsSync(join(root, PREBUILT_ADDON)))('refuses to pack this checkout (no binary) with a clear message, unless SECURITY_FRAMEWORK_DEV_PACK=1', () => {
    const { SECURITY_FRAMEWORK_DEV_PACK, ...env } = process.env;
    void SECURITY_FRAMEWORK_DEV_PACK;
    const refused = spawnSync(process.execPath, [guard], { encoding: 'utf8', env, timeout: 10_000 });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`refusing to pack: ${PREBUILT_ADDON} is missing`);
    expect(refused.stderr).toContain('SECURITY_FRAMEWORK_DEV_PACK=1');
    const dev = spawnSync(process.execPath, [guard], { encoding: 'utf8', env: { ...env, SECURITY_FRAMEWORK_DEV_PACK: '1' }, timeout: 10_000 });
    expect(dev.status).toBe(0);
    expect(dev.stderr).toContain('must not be published');
  });
});
