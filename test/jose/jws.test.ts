import { constants, verify as cryptoVerify } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecAccessControlBiometryAny, kSecAttrAccessControl, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  kSecAttrTokenID, kSecAttrTokenIDSecureEnclave, kSecPrivateKeyAttrs, setDefaultBackend, SecError, type Emulator, type SecHandle,
} from '../../src/index.js';
import { makeHandle } from '../../src/handles.js';
import { exportJWK, sign, verify, type JwsAlgorithm } from '../../src/jose/index.js';
import { makeKey, nodePrivateKey, nodePublicKey, type KeyName } from './keys.js';
import { statusOf } from '../fixtures/status.js';

// Every JWS made here must verify with the jose package and with node:crypto on its own, for
// every algorithm; and verify() must accept what jose signs and refuse what is not genuine.

let kc: Emulator;
const keys = {} as Record<KeyName | 'RSA-1024', SecHandle>;

beforeAll(async () => {
  kc = createEmulator();
  for (const name of ['P-256', 'P-384', 'P-521', 'RSA-2048'] as const) keys[name] = await makeKey(kc, name);
  keys['RSA-1024'] = await kc.SecKeyCreateRandomKey({ type: '42', bsiz: 1024 } as never);
});
afterAll(() => kc.close());

const part = (jws: string, i: number) => jws.split('.')[i]!;
const decodeJson = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Record<string, unknown>;

/** RFC 7518 §3.1: each algorithm, the key it runs on, and how node:crypto checks it. */
const CASES: [JwsAlgorithm, KeyName, string, object][] = [
  ['ES256', 'P-256', 'sha256', { dsaEncoding: 'ieee-p1363' }],
  ['ES384', 'P-384', 'sha384', { dsaEncoding: 'ieee-p1363' }],
  ['ES512', 'P-521', 'sha512', { dsaEncoding: 'ieee-p1363' }],
  ['RS256', 'RSA-2048', 'sha256', { padding: constants.RSA_PKCS1_PADDING }],
  ['RS384', 'RSA-2048', 'sha384', { padding: constants.RSA_PKCS1_PADDING }],
  ['RS512', 'RSA-2048', 'sha512', { padding: constants.RSA_PKCS1_PADDING }],
  ['PS256', 'RSA-2048', 'sha256', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }],
  ['PS384', 'RSA-2048', 'sha384', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }],
  ['PS512', 'RSA-2048', 'sha512', { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }],
];

describe('sign → jose, node:crypto and verify (RFC 7515 §7.1, RFC 7518 §3)', () => {
  for (const [alg, name, hash, check] of CASES) {
    it(`${alg} with a ${name} key`, async () => {
      const payload = Buffer.from(`{"sub":"alice","n":${alg.length}}`);
      const jws = await sign(keys[name], payload, { alg, kid: 'device-1' }, { backend: kc });
      const publicKey = await nodePublicKey(kc, keys[name]);

      const byJose = await jose.compactVerify(jws, publicKey, { algorithms: [alg] });
      expect(Buffer.from(byJose.payload)).toEqual(payload);
      expect(byJose.protectedHeader).toEqual({ alg, kid: 'device-1' });

      const signature = Buffer.from(part(jws, 2), 'base64url');
      const signingInput = Buffer.from(`${part(jws, 0)}.${part(jws, 1)}`);
      expect(cryptoVerify(hash, signingInput, { key: publicKey, ...check } as never, signature)).toBe(true);
      if (alg.startsWith('ES')) expect(signature.length).toBe({ ES256: 64, ES384: 96, ES512: 132 }[alg as 'ES256']);

      const mine = await verify((await kc.SecKeyCopyPublicKey(keys[name]))!, jws, { backend: kc });
      expect(mine.payload).toEqual(payload);
      expect(mine.protectedHeader).toEqual({ alg, kid: 'device-1' });
    });

    it(`${alg}: verify() accepts a JWS that jose signed with the same key, and refuses a changed one`, async () => {
      const jws = await new jose.CompactSign(Buffer.from('from jose')).setProtectedHeader({ alg, typ: 'JWT' }).sign(await nodePrivateKey(kc, keys[name]));
      const result = await verify(keys[name], jws, { backend: kc }); // a private key: its public key verifies
      expect(result.payload.toString()).toBe('from jose');
      expect(result.protectedHeader).toEqual({ alg, typ: 'JWT' });
      const changed = `${part(jws, 0)}.${Buffer.from('from eve').toString('base64url')}.${part(jws, 2)}`;
      expect(await statusOf(verify(keys[name], changed, { backend: kc }))).toBe(-67808);
    });
  }

  it('the algorithm comes from the key when the header names none: ES256/384/512 by curve, RS256 for RSA', async () => {
    for (const [name, alg] of [['P-256', 'ES256'], ['P-384', 'ES384'], ['P-521', 'ES512'], ['RSA-2048', 'RS256']] as const) {
      const jws = await sign(keys[name], 'hello', undefined, { backend: kc });
      expect(decodeJson(part(jws, 0))).toEqual({ alg });
      await expect(jose.compactVerify(jws, await nodePublicKey(kc, keys[name]))).resolves.toBeTruthy();
    }
  });

  it('payloads: a string is its UTF-8 bytes, bytes are taken as they are, an empty payload works', async () => {
    const text = 'héllo ✓';
    const jws = await sign(keys['P-256'], text, {}, { backend: kc });
    expect(Buffer.from(part(jws, 1), 'base64url').toString('utf8')).toBe(text);
    const bytes = new Uint8Array([0, 255, 1, 254]);
    expect(Buffer.from(part(await sign(keys['P-256'], bytes, {}, { backend: kc }), 1), 'base64url')).toEqual(Buffer.from(bytes));
    const empty = await sign(keys['P-256'], '', {}, { backend: kc });
    expect((await verify(keys['P-256'], empty, { backend: kc })).payload.length).toBe(0);
  });

  it('the header is serialized as given, alg first, other members passed through as JSON', async () => {
    const header = { typ: 'JWT', cty: 'json', x5c: ['AAAA'], 'x5t#S256': 'abc', ext: { nested: [1, true, null, 'x'] }, __proto__: null };
    const jws = await sign(keys['P-256'], 'x', header as never, { backend: kc });
    expect(Buffer.from(part(jws, 0), 'base64url').toString()).toBe('{"alg":"ES256","typ":"JWT","cty":"json","x5c":["AAAA"],"x5t#S256":"abc","ext":{"nested":[1,true,null,"x"]}}');
    expect(jose.decodeProtectedHeader(jws)).toMatchObject({ alg: 'ES256', ext: { nested: [1, true, null, 'x'] } });
  });
});

describe('sign: bad input is errSecParam naming the argument, before any prompt', () => {
  it('an algorithm the key cannot do, an RSA key under 2048 bits, a public key', async () => {
    await expect(sign(keys['P-256'], 'x', { alg: 'ES384' }, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('protectedHeader.alg: ES384 needs a P-384') });
    await expect(sign(keys['P-256'], 'x', { alg: 'RS256' }, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('RS256 needs an RSA key') });
    await expect(sign(keys['RSA-2048'], 'x', { alg: 'ES256' }, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('ES256 needs a P-256') });
    await expect(sign(keys['RSA-1024'], 'x', {}, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('at least 2048 bits') });
    await expect(sign(keys['RSA-1024'], 'x', { alg: 'PS256' }, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('1024-bit RSA key') });
    const publicKey = (await kc.SecKeyCopyPublicKey(keys['P-256']))!;
    await expect(sign(publicKey, 'x', {}, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('key is a public key') });
  });

  it('headers: only JSON, the registered parameters typed, no b64 or crit, no private key in jwk', async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    const cases: [unknown, string][] = [
      [null, 'protectedHeader must be a plain object'],
      [[], 'protectedHeader must be a plain object'],
      [new Map(), 'protectedHeader must be a plain object'],
      [new Proxy({}, {}), 'protectedHeader is a Proxy'],
      [{ alg: 'none' }, 'protectedHeader.alg must be one of ES256'],
      [{ alg: 'HS256' }, 'protectedHeader.alg must be one of'],
      [{ kid: 7 }, 'protectedHeader.kid must be a string'],
      [{ x5c: ['a', 1] }, 'protectedHeader.x5c must be an array of strings'],
      [{ b64: false }, 'protectedHeader.b64 is not supported'],
      [{ crit: ['exp'], exp: 1 }, 'protectedHeader.crit is not supported'],
      [{ jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'secret' } }, 'protectedHeader.jwk holds "d"'],
      [{ jwk: 'key' }, 'protectedHeader.jwk must be a JSON Web Key'],
      [{ n: Number.NaN }, 'protectedHeader.n is NaN'],
      [{ f: () => 1 }, 'protectedHeader.f must be a JSON value'],
      [{ d: new Date(0) }, 'protectedHeader.d must be a JSON value'],
      [{ b: 1n }, 'protectedHeader.b must be a JSON value'],
      [{ a: [undefined] }, 'protectedHeader.a[0] is undefined'],
      [cycle, 'protectedHeader.self refers to itself'],
      [{ get boom() { throw new Error('no'); } }, 'protectedHeader.boom could not be read'],
    ];
    for (const [header, message] of cases) {
      await expect(sign(keys['P-256'], 'x', header as never, { backend: kc }), message).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining(message) });
    }
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = { deep };
    await expect(sign(keys['P-256'], 'x', deep as never, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('levels deep') });
    // undefined members are absent, as in JSON.stringify.
    const jws = await sign(keys['P-256'], 'x', { kid: undefined, typ: 'JWT' }, { backend: kc });
    expect(decodeJson(part(jws, 0))).toEqual({ alg: 'ES256', typ: 'JWT' });
  });

  it('the key, the payload and the options', async () => {
    await expect(sign('key' as never, 'x', {}, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('key must be a SecKey handle') });
    await expect(sign(keys['P-256'], 42 as never, {}, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('payload must be a string or a Uint8Array') });
    await expect(sign(keys['P-256'], { a: 1 } as never, {}, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('payload') });
    await expect(sign(keys['P-256'], 'x', {}, { backend: 'emulator' as never })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.backend must be a backend') });
    await expect(sign(makeHandle('SecKey', 'native', {}), 'x', {}, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('SecKey of the native backend') });
  });
});

describe('verify: what is not a genuine JWS for the key', () => {
  let good: string;
  beforeAll(async () => { good = await sign(keys['P-256'], 'payload', { typ: 'JWT' }, { backend: kc }); });
  const [h, p, s] = [() => part(good, 0), () => part(good, 1), () => part(good, 2)];
  const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

  it('a changed header, payload or signature, or another key\'s signature: errSecVerifyFailed', async () => {
    const other = await sign(await makeKey(kc, 'P-256'), 'payload', { typ: 'JWT' }, { backend: kc });
    const raw = Buffer.from(s(), 'base64url');
    const zeroR = Buffer.concat([Buffer.alloc(32), raw.subarray(32)]).toString('base64url');
    const flipped = Buffer.from(raw);
    flipped[10]! ^= 1;
    for (const jws of [
      `${b64({ alg: 'ES256', typ: 'JWS' })}.${p()}.${s()}`,
      `${h()}.${b64('payloaD')}.${s()}`,
      `${h()}.${p()}.${flipped.toString('base64url')}`,
      `${h()}.${p()}.${part(other, 2)}`,
      `${h()}.${p()}.${zeroR}`,
      `${h()}.${p()}.${raw.subarray(0, 63).toString('base64url')}`,        // r‖s must be 64 bytes
      `${h()}.${p()}.`,
    ]) {
      await expect(verify(keys['P-256'], jws, { backend: kc }), jws).rejects.toMatchObject({ code: 'errSecVerifyFailed', status: -67808 });
    }
    // RS256 → PS256 on the same RSA key: the same key, another algorithm, so no match.
    const rs = await sign(keys['RSA-2048'], 'x', { alg: 'RS256' }, { backend: kc });
    await expect(verify(keys['RSA-2048'], `${b64({ alg: 'PS256' })}.${part(rs, 1)}.${part(rs, 2)}`, { backend: kc })).rejects.toMatchObject({ code: 'errSecVerifyFailed' });
  });

  it('not a compact JWS, an algorithm not supported or not allowed, one the key cannot verify: errSecParam', async () => {
    const cases: [unknown, string][] = [
      [42, 'jws must be a compact JWS string'],
      [`${h()}.${p()}`, 'three parts'],
      [`${h()}.${p()}.${s()}.x`, 'three parts'],
      [`${h()}=.${p()}.${s()}`, 'the jws header is not base64url'],
      [`${h()}.${p()}+.${s()}`, 'the jws payload is not base64url'],
      [`${h()}.${p()}.${s()}=`, 'the jws signature is not base64url'],
      [`${b64('not json')}.${p()}.${s()}`, 'the jws header is not JSON'],
      [`${b64([1])}.${p()}.${s()}`, 'not a JSON object'],
      [`${b64({ typ: 'JWT' })}.${p()}.${s()}`, 'the jws header.alg'],
      [`${b64({ alg: 'none' })}.${p()}.`, 'the jws header.alg must be one of'],
      [`${b64({ alg: 'HS256' })}.${p()}.${s()}`, 'the jws header.alg must be one of'],
      [`${b64({ alg: 'ES256', crit: ['exp'], exp: 1 })}.${p()}.${s()}`, 'the jws header.crit is not supported'],
      [`${b64({ alg: 'ES256', b64: false })}.${p()}.${s()}`, 'the jws header.b64 is not supported'],
      [`${b64({ alg: 'ES384' })}.${p()}.${s()}`, 'ES384 needs a P-384'],
      [`${b64({ alg: 'RS256' })}.${p()}.${s()}`, 'RS256 needs an RSA key'],
    ];
    for (const [jws, message] of cases) {
      await expect(verify(keys['P-256'], jws as never, { backend: kc }), String(jws)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining(message) });
    }
    await expect(verify(keys['P-256'], good, { backend: kc, algorithms: ['ES384', 'RS256'] })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('not one of options.algorithms') });
    await expect(verify(keys['P-256'], good, { backend: kc, algorithms: ['none'] as never })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.algorithms') });
    await expect(verify(keys['P-256'], good, { backend: kc, algorithms: new Proxy(['ES256'], {}) as never })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.algorithms is a Proxy') });
    await expect(verify(keys['P-256'], good, { backend: kc, algorithms: [] })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.algorithms') });
    expect((await verify(keys['P-256'], good, { backend: kc, algorithms: ['ES256'] })).payload.toString()).toBe('payload');
    await expect(verify('key' as never, good, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('publicKey must be a SecKey') });
  });

  it('a non-canonical base64url spelling of the same signature is refused (one spelling per JWS)', async () => {
    // The last character of a 64-byte signature carries 4 unused bits; setting one changes the text, not the bytes.
    const last = s().at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) + 1]!;
    expect(Buffer.from(s().slice(0, -1) + sibling, 'base64url')).toEqual(Buffer.from(s(), 'base64url'));
    await expect(verify(keys['P-256'], `${h()}.${p()}.${s().slice(0, -1)}${sibling}`, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam' });
  });
});

describe('Secure Enclave and access-controlled keys (the emulator plays an entitled app)', () => {
  it('an ES256 JWS from a Secure Enclave key verifies with jose; signing prompts that emulator\'s user, verifying does not', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example.app'] } });
    const bystander = createEmulator({ app: { accessGroups: ['TEAMID.com.example.app'] } });
    try {
      const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
      const key = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecPrivateKeyAttrs]: { [kSecAttrAccessControl]: ac } });
      // The private key cannot be exported: the JWS is the only way to use it.
      await expect(app.SecKeyCopyExternalRepresentation(key)).rejects.toBeInstanceOf(SecError);

      const jws = await sign(key, 'attested', { typ: 'JWT' }, { backend: app });
      expect(app.prompts).toHaveLength(1);
      expect(bystander.prompts).toHaveLength(0);
      const publicJwk = await exportJWK(key, { backend: app });
      const { payload } = await jose.compactVerify(jws, await jose.importJWK(publicJwk, 'ES256'));
      expect(Buffer.from(payload).toString()).toBe('attested');
      expect((await verify(key, jws, { backend: app })).payload.toString()).toBe('attested');
      expect(app.prompts).toHaveLength(1);

      app.user.response = 'cancel';
      await expect(sign(key, 'x', {}, { backend: app })).rejects.toMatchObject({ code: 'errSecUserCanceled', status: -128 });
      app.user.response = 'fail';
      await expect(sign(key, 'x', {}, { backend: app })).rejects.toMatchObject({ code: 'errSecAuthFailed' });
      app.user.response = 'approve';
      // Bad input is refused before the key is used: no prompt.
      const before = app.prompts.length;
      await expect(sign(key, 'x', { alg: 'ES512' }, { backend: app })).rejects.toMatchObject({ code: 'errSecParam' });
      await expect(sign(key, 'x', { kid: 1 } as never, { backend: app })).rejects.toMatchObject({ code: 'errSecParam' });
      expect(app.prompts).toHaveLength(before);
    } finally {
      app.close();
      bystander.close();
    }
  });

  it('without options.backend the process default does the SecKey calls (setDefaultBackend)', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example.app'] } });
    try {
      const key = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave });
      setDefaultBackend(app);
      const jws = await sign(key, 'default');
      expect((await verify(key, jws)).payload.toString()).toBe('default');
      expect(await exportJWK(key)).toEqual(await exportJWK(key, { backend: app }));
      // A closed default: the call fails as every call of a closed emulator does.
      app.close();
      await expect(sign(key, 'x')).rejects.toMatchObject({ code: 'errSecNotAvailable' });
    } finally {
      setDefaultBackend(undefined);
      app.close();
    }
  });
});

describe('the signing input is what RFC 7515 §5.1 says', () => {
  it('ASCII(BASE64URL(header) || "." || BASE64URL(payload)), signed with the key (checked by hand with node:crypto)', async () => {
    const jws = await sign(keys['P-256'], 'abc', { typ: 'JWT' }, { backend: kc });
    expect(part(jws, 0)).toBe(Buffer.from('{"alg":"ES256","typ":"JWT"}').toString('base64url'));
    expect(part(jws, 1)).toBe('YWJj');
    expect(cryptoVerify('sha256', Buffer.from(`${part(jws, 0)}.${part(jws, 1)}`), { key: await nodePublicKey(kc, keys['P-256']), dsaEncoding: 'ieee-p1363' }, Buffer.from(part(jws, 2), 'base64url'))).toBe(true);
  });
});
