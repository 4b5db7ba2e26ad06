import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, setDefaultBackend, type Emulator, type SecHandle } from '../../src/index.js';
import { createDPoPProof, exportJWK, sign, verify } from '../../src/jose/index.js';
import { makeKey } from './keys.js';

// Which backend does the SecKey work (src/jose/backend.ts): options.backend, else the process
// default — opened only once every argument has passed, as the raw calls do (api/bind.ts).

let kc: Emulator;
let key: SecHandle;
let dir: string;
const saved = { ...process.env };
beforeAll(async () => {
  kc = createEmulator();
  key = await makeKey(kc, 'P-256');
  // A default store that cannot be opened: a path below a regular file.
  dir = mkdtempSync(join(tmpdir(), 'sf-jose-'));
  writeFileSync(join(dir, 'file'), '');
  process.env.SECURITY_FRAMEWORK_BACKEND = 'emulator';
  process.env.SECURITY_FRAMEWORK_STORE = join(dir, 'file', 'store', 'keychain.sqlite');
  setDefaultBackend(undefined);
});
afterAll(() => {
  setDefaultBackend(undefined);
  process.env = { ...saved };
  kc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the process default is opened only for a call whose arguments passed', () => {
  it('bad input without options.backend is errSecParam, not the default\'s failure to open', async () => {
    const jws = await sign(key, 'x', {}, { backend: kc });
    const bad: [Promise<unknown>, string][] = [
      [exportJWK('key' as never), 'key must be a SecKey'],
      [sign(key, 42 as never), 'payload'],
      [sign(key, 'x', { alg: 'none' } as never), 'protectedHeader.alg'],
      [verify(key, 'a.b'), 'three parts'],
      [verify(key, jws, { algorithms: ['HS256'] as never }), 'options.algorithms'],
      [createDPoPProof(key, { htm: 'GET', htu: 'ftp://x' }), 'options.htu'],
    ];
    for (const [call, message] of bad) await expect(call, message).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining(message) });
  });

  it('a good call without options.backend goes to the default, whose failure it reports', async () => {
    const failure = await sign(key, 'x').then(() => undefined, (e: { code: string }) => e);
    expect(failure).toBeDefined();
    expect(failure!.code).not.toBe('errSecParam');
    // With options.backend the same call works.
    expect(await sign(key, 'x', {}, { backend: kc })).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
