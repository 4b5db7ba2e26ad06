/**
 * `security-framework/keytar` as a keytar user meets it: the package as `npm pack` ships it,
 * installed into a fresh CommonJS project, then
 * - type-checked by this repository's TypeScript under every `moduleResolution` a project may
 *   use: `node` (node10, which ignores `exports`), `node16`, `nodenext` and `bundler`;
 * - resolved by resolvers that read only `main` (jest 26, older bundlers): Node given the
 *   folder's path, and a resolver written here that follows `main` and package folders only,
 *   as jest 26's did; what they find is loaded and used.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMainOnly } from '../fixtures/mainOnlyResolver.js';
import { packedConsumer } from '../fixtures/packedConsumer.js';

const root = join(__dirname, '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

let dir: string;
/** The consumer project; the package is in its node_modules/security-framework. */
let app: string;
let installed: string;
let shipped: string[];

beforeAll(() => {
  ({ dir, app, installed, shipped } = packedConsumer(root, 'keytar-consumer'));
  // What a keytar user wrote, with the import changed; the expect-error lines prove the types
  // are keytar's, not `any`.
  writeFileSync(join(app, 'index.ts'), [
    "import * as keytar from 'security-framework/keytar';",
    "import keytarDefault, { createKeytar, getPassword, type KeytarApi, type KeytarArgumentError } from 'security-framework/keytar';",
    '',
    "export const a: Promise<string | null> = keytar.getPassword('svc', 'alice');",
    "export const b: Promise<void> = keytarDefault.setPassword('svc', 'alice', 'pw');",
    "export const c: Promise<Array<{ account: string; password: string }>> = keytar.findCredentials('svc');",
    'export const d: KeytarApi = createKeytar();',
    "export const e: Promise<boolean> = keytar.deletePassword('svc', 'alice');",
    "export function f(error: KeytarArgumentError): [-50, 'errSecParam', string] { return [error.status, error.code, error.message]; }",
    '// @ts-expect-error getPassword takes an account',
    "void getPassword('svc');",
    '// @ts-expect-error findPassword resolves a string or null',
    "export const g: Promise<number> = keytar.findPassword('svc');",
    '',
  ].join('\n'));
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('security-framework/keytar installed from the packed tarball', () => {
  it('the tarball ships the keytar/ folder and what its package.json points at', () => {
    expect(shipped).toContain('keytar/package.json');
    const folder = JSON.parse(readFileSync(join(installed, 'keytar', 'package.json'), 'utf8')) as { main: string; types: string };
    expect(folder).toMatchObject({ main: '../dist/typed/keytar.js', types: '../dist/typed/keytar.d.ts' });
    expect(shipped).toEqual(expect.arrayContaining(['dist/typed/keytar.js', 'dist/typed/keytar.d.ts']));
    // The folder and the exports map name the same files.
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports['./keytar']).toEqual({
      import: { types: './dist/typed/keytar.d.mts', default: './dist/typed/keytar.mjs' },
      default: { types: './dist/typed/keytar.d.ts', default: './dist/typed/keytar.js' },
    });
  });

  // `node` is what the keytar users' tsconfigs say; TypeScript reads it as node10.
  const modes = [
    ['node', 'commonjs'], ['node10', 'commonjs'], ['node16', 'node16'], ['nodenext', 'nodenext'], ['bundler', 'esnext'],
  ] as const;
  it.each(modes)('type-checks in a CommonJS project with moduleResolution %s', async (moduleResolution, module) => {
    const config = join(app, `tsconfig.${moduleResolution}.json`);
    writeFileSync(config, JSON.stringify({
      compilerOptions: {
        module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false,
        typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
      },
      files: ['index.ts'],
    }));
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', config], { cwd: app, encoding: 'utf8' })
      .then(() => 'ok', (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`);
    expect(result).toBe('ok');
  }, 60_000);
});

describe('security-framework/keytar for tools that read only main', () => {
  /**
   * Loads `target` by its absolute path in a fresh process (which must not load node:sqlite,
   * a built-in such tools may not know) and uses it on an emulator store.
   */
  const use = (target: string) => execFileSync(process.execPath, ['-e', `
    const keytar = require(${JSON.stringify(target)});
    const sqliteOnLoad = process.moduleLoadList.some((m) => /\\bsqlite\\b/.test(m));
    let thrown;
    try { keytar.getPassword('svc', ''); } catch (e) { thrown = [e.constructor.name, e.message, e.status, e.code].join('|'); }
    (async () => {
      await keytar.setPassword('svc', 'alice', 'pw');
      console.log(sqliteOnLoad, thrown, await keytar.getPassword('svc', 'alice'), await keytar.deletePassword('svc', 'alice'));
    })();`], {
    cwd: app, encoding: 'utf8',
    env: { ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator', SECURITY_FRAMEWORK_STORE: join(dir, `store-${Math.random()}.sqlite`) },
  }).trim();

  it('Node given the folder path (no exports applied) loads dist/typed/keytar.js', () => {
    const target = join(installed, 'keytar');
    expect(createRequire(join(app, 'index.js')).resolve(target)).toBe(join(installed, 'dist', 'typed', 'keytar.js'));
    expect(use(target)).toBe('false Error|Account is required.|-50|errSecParam pw true');
  });

  it('a resolver that follows only main and package folders (as jest 26 does) finds and loads it', () => {
    expect(resolveMainOnly('security-framework', app)).toBe(join(installed, 'dist', 'index.js'));
    const found = resolveMainOnly('security-framework/keytar', app);
    expect(found).toBe(join(installed, 'dist', 'typed', 'keytar.js'));
    expect(use(found!)).toBe('false Error|Account is required.|-50|errSecParam pw true');
  });
});
