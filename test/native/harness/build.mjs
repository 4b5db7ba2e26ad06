// Linux harness: builds the unmodified native/*.mm as Objective-C++ (ARC, GNUstep-2.0 ABI)
// with AddressSanitizer and UndefinedBehaviorSanitizer, links it against the stand-in
// frameworks (one shared library, libsecurity_standins.so) into security_framework.node, and
// builds the stand-ins' control module beside it. The product's defines are read from
// binding.gyp, so the harness compiles what a Mac compiles. Skips the work when nothing it
// depends on changed. Needs Debian's clang-19, libclang-rt-19-dev and libblocksruntime-dev.
//
//   node test/native/harness/build.mjs      (prints where the build is)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);
export const buildDir = join(root, 'build', 'native-harness');
const CLANG = 'clang++-19';
const SANITIZE = ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-g', '-O1'];
const INSTALL = 'apt-get install -y clang-19 libclang-rt-19-dev libblocksruntime-dev';

/** Why the harness cannot be built on this machine, or null when it can. */
export function missingToolchain() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `the harness runs on x86-64 Linux (this is ${process.platform}/${process.arch})`;
  if (spawnSync(CLANG, ['--version']).status !== 0) return `${CLANG} is not installed (${INSTALL})`;
  if (!existsSync(asanRuntime())) return `the AddressSanitizer runtime is missing (${INSTALL})`;
  if (!existsSync('/usr/include/Block.h') && spawnSync('sh', ['-c', 'echo "#include <Block.h>" | clang-19 -fblocks -E -x c - >/dev/null 2>&1']).status !== 0) {
    return `the blocks runtime is missing (${INSTALL})`;
  }
  return null;
}

/** The AddressSanitizer runtime that must be preloaded into node (node itself is not instrumented). */
export function asanRuntime() {
  const r = spawnSync('clang-19', ['-print-file-name=libclang_rt.asan-x86_64.so'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** The product's preprocessor defines, from binding.gyp's macOS target. */
function productDefines() {
  const gyp = readFileSync(join(root, 'binding.gyp'), 'utf8');
  const block = gyp.match(/'defines':\s*\[([\s\S]*?)\]/);
  if (!block) throw new Error('binding.gyp has no defines list');
  return [...block[1].matchAll(/'([^']+)'/g)].map((m) => m[1]).filter((d) => !d.startsWith('__ASSERT_MACROS'));
}

function sources() {
  const list = (dir, pattern) => readdirSync(dir).filter((f) => pattern.test(f)).sort().map((f) => join(dir, f));
  return {
    native: list(join(root, 'native'), /\.mm$/),
    nativeHeaders: list(join(root, 'native'), /\.(h|def)$/),
    standins: list(join(here, 'standins'), /\.(cc|S)$/).filter((f) => !f.endsWith('control.cc')),
    standinHeaders: list(join(here, 'standins'), /\.h$/),
    control: join(here, 'standins', 'control.cc'),
    includes: ['CoreFoundation/CoreFoundation.h', 'Foundation/Foundation.h', 'dispatch/dispatch.h'].map((h) => join(here, 'include', h)),
  };
}

function fingerprint(files) {
  const hash = createHash('sha256');
  for (const file of [...files, join(root, 'binding.gyp'), join(here, 'generate.mjs'), fileURLToPath(import.meta.url),
    join(root, 'src', 'constants.ts'), join(root, 'src', 'errorTable.ts'), join(root, 'scripts', 'gen-native-constants.mjs'), require.resolve('node-addon-api/package.json')]) {
    hash.update(file).update(readFileSync(file));
  }
  hash.update(execFileSync(CLANG, ['--version'], { encoding: 'utf8' }));
  return hash.digest('hex');
}

/** Runs commands, at most `jobs` at a time; rejects with the compiler's output on failure. */
async function runAll(commands, jobs = 2) {
  const { spawn } = await import('node:child_process');
  const queue = [...commands];
  const failures = [];
  const worker = async () => {
    for (let command = queue.shift(); command; command = queue.shift()) {
      await new Promise((resolve) => {
        const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d) => { output += d; });
        child.stderr.on('data', (d) => { output += d; });
        child.on('close', (code) => {
          if (code !== 0 || /warning:/.test(output)) failures.push(`${command.join(' ')}\n${output}`);
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  if (failures.length > 0) {
    throw new Error(`native harness build failed (errors and warnings both fail it):\n${failures.map((f) => f.slice(0, 4000)).join('\n')}`);
  }
}

/** Framework and Objective-C runtime symbols the addon needs that no stand-in defines. */
function unresolved(addon, library) {
  const nm = (args) => execFileSync('nm', args, { encoding: 'utf8' }).split('\n').map((l) => l.trim().split(/\s+/).pop()).filter(Boolean);
  const provided = new Set(nm(['-D', '--defined-only', library]));
  return nm(['-D', '--undefined-only', addon])
    .filter((s) => /^(k?CF|k?Sec|errSec|LA|NS|dispatch_|objc_|\._OBJC_|__objc|__gnustep)/.test(s))
    .filter((s) => !provided.has(s));
}

export async function build({ quiet = false } = {}) {
  const why = missingToolchain();
  if (why) throw new Error(`cannot build the native harness: ${why}`);
  const src = sources();
  const stamp = join(buildDir, 'stamp');
  const print = gen => quiet || console.log(gen);
  const all = [...src.native, ...src.nativeHeaders, ...src.standins, ...src.standinHeaders, src.control, ...src.includes];
  const id = fingerprint(all);
  const result = {
    dir: buildDir,
    addon: join(buildDir, 'security_framework.node'),
    control: join(buildDir, 'standin_control.node'),
    preload: asanRuntime(),
  };
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === id && existsSync(result.addon) && existsSync(result.control)) return result;

  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(join(buildDir, 'obj'), { recursive: true });
  const generated = generate(buildDir);
  print(`native harness: ${generated.strings} string constants, ${generated.numbers} numbers, ${generated.functions} Security functions stood in`);

  const napi = [require('node-api-headers').include_dir, dirname(require.resolve('node-addon-api/package.json'))];
  const includes = ['-I', join(buildDir, 'include'), '-I', join(here, 'include'), ...napi.flatMap((d) => ['-I', d])];
  const defines = [...productDefines(), 'NODE_GYP_MODULE_NAME=security_framework'].map((d) => `-D${d}`);
  const objcxx = ['-x', 'objective-c++', '-std=c++20', '-fPIC', ...SANITIZE, '-fobjc-runtime=gnustep-2.0', '-fobjc-arc', '-fblocks',
    '-fexceptions', '-fobjc-exceptions', '-fno-rtti', '-fvisibility=hidden', '-Wall', '-Wextra', '-Wno-unused-parameter'];
  const cxx = ['-std=c++20', '-fPIC', ...SANITIZE, '-fblocks', '-Wall', '-Wextra', '-Wno-unused-parameter'];
  const obj = (file, prefix) => join(buildDir, 'obj', `${prefix}-${file.split('/').pop().replace(/\.\w+$/, '.o')}`);

  const compile = [
    ...src.native.map((f) => [CLANG, ...objcxx, ...defines, ...includes, '-I', join(root, 'native'), '-c', f, '-o', obj(f, 'native')]),
    ...src.standins.map((f) => f.endsWith('.S')
      ? ['clang-19', '-c', f, '-o', obj(f, 'standin')]
      : [CLANG, ...cxx, ...includes, '-I', buildDir, '-c', f, '-o', obj(f, 'standin')]),
    [CLANG, ...cxx, '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', ...includes, '-c', src.control, '-o', obj(src.control, 'control')],
  ];
  const started = Date.now();
  await runAll(compile);

  const library = join(buildDir, 'libsecurity_standins.so');
  const link = ['-shared', '-fsanitize=address,undefined', '-shared-libsan'];
  const objects = (prefix) => readdirSync(join(buildDir, 'obj')).filter((f) => f.startsWith(`${prefix}-`)).map((f) => join(buildDir, 'obj', f));
  execFileSync(CLANG, [...link, '-o', library, ...objects('standin'), '-lBlocksRuntime', '-lpthread'], { stdio: 'inherit' });
  const rpath = ['-L', buildDir, '-lsecurity_standins', '-Wl,-rpath,$ORIGIN'];
  execFileSync(CLANG, [...link, '-o', result.addon, ...objects('native'), ...rpath], { stdio: 'inherit' });
  execFileSync(CLANG, [...link, '-o', result.control, ...objects('control'), ...rpath], { stdio: 'inherit' });

  const missing = unresolved(result.addon, library);
  if (missing.length > 0) {
    throw new Error(`the addon needs ${missing.join(', ')}, which no stand-in defines: implement each in test/native/harness/standins/`);
  }
  writeFileSync(stamp, id);
  print(`native harness: built in ${((Date.now() - started) / 1000).toFixed(0)} s at ${buildDir}`);
  return result;
}

if (process.argv[1] && process.argv[1] === fileURLToPath(import.meta.url)) {
  build().then((r) => console.log(JSON.stringify(r)), (e) => {
    console.error(e.message);
    process.exit(1);
  });
}
