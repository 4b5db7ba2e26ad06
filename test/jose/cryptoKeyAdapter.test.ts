import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, kSecAttrTokenID, kSecAttrTokenIDSecureEnclave, type Emulator, type SecHandle } from '../../src/index.js';
import { exportJWK, sign } from '../../src/jose/index.js';
import { makeKey } from './keys.js';

// Can a keychain key be handed to the jose package as a CryptoKey-like object, so that jose
// signs with it, without copying the private key? No: jose passes a look-alike through its own
// checks, but then calls WebCrypto's crypto.subtle.sign, which takes only a genuine CryptoKey
// (an object with internal slots that only WebCrypto creates), and a KeyObject cannot be made
// around a key node:crypto does not hold. A Secure Enclave key cannot be exported at all. What
// works: the public key in jose (verification), and JWTs signed by this package's sign().
// These tests pin that finding; if one fails, the finding needs another look.

let app: Emulator;
let key: SecHandle;
beforeAll(async () => {
  app = createEmulator({ app: { accessGroups: ['TEAMID.com.example.app'] } });
  key = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave });
});
afterAll(() => app.close());

describe('a CryptoKey-like adapter for jose: not possible without the private key', () => {
  it('jose accepts a CryptoKey look-alike, but crypto.subtle.sign refuses it', async () => {
    let called = false;
    const lookAlike = {
      [Symbol.toStringTag]: 'CryptoKey', type: 'private', extractable: false, usages: ['sign'],
      algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
      // What an adapter would do: have the keychain sign. Nothing ever calls it.
      sign: () => { called = true; },
    };
    const signing = new jose.CompactSign(Buffer.from('x')).setProtectedHeader({ alg: 'ES256' }).sign(lookAlike as never);
    await expect(signing).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('not of type CryptoKey') });
    expect(called).toBe(false);
  });

  it('an object inheriting from CryptoKey.prototype is not a CryptoKey either (no internal slots)', async () => {
    const inherited = Object.create(CryptoKey.prototype, {
      type: { value: 'private' }, algorithm: { value: { name: 'ECDSA', namedCurve: 'P-256' } }, usages: { value: ['sign'] },
    }) as never;
    // Node 24 says TypeError, Node 22 a DOMException: either way crypto.subtle refuses it.
    const refusal = await new jose.CompactSign(Buffer.from('x')).setProtectedHeader({ alg: 'ES256' }).sign(inherited).then(() => undefined, (e: unknown) => e);
    expect(refusal instanceof TypeError || refusal instanceof DOMException).toBe(true);
  });

  it('a KeyObject look-alike ends in the same crypto.subtle.sign refusal', async () => {
    const genuine = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const lookAlike = {
      [Symbol.toStringTag]: 'KeyObject', type: 'private', asymmetricKeyType: 'ec', asymmetricKeyDetails: { namedCurve: 'prime256v1' },
      toCryptoKey: (...args: unknown[]) => ({ ...(genuine.toCryptoKey as (...a: unknown[]) => object)(...args) }),
    };
    await expect(new jose.CompactSign(Buffer.from('x')).setProtectedHeader({ alg: 'ES256' }).sign(lookAlike as never)).rejects.toBeInstanceOf(TypeError);
  });

  it('the Secure Enclave key itself cannot be exported to make a real CryptoKey', async () => {
    await expect(app.SecKeyCopyExternalRepresentation(key)).rejects.toMatchObject({ status: expect.any(Number) });
  });
});

describe('what works with jose instead', () => {
  it('the public key: exportJWK → jose.importJWK (a CryptoKey) or createPublicKey (a KeyObject) verifies', async () => {
    const jws = await sign(key, 'payload', {}, { backend: app });
    const jwk = await exportJWK(key, { backend: app });
    await expect(jose.compactVerify(jws, await jose.importJWK(jwk, 'ES256'))).resolves.toBeTruthy();
    await expect(jose.compactVerify(jws, createPublicKey({ key: jwk, format: 'jwk' }))).resolves.toBeTruthy();
  });

  it('a JWT for jose.jwtVerify: sign(key, JSON.stringify(claims), { typ: "JWT" })', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: 'device-1', aud: 'https://api.example.com', sub: 'alice', iat: now, exp: now + 60 };
    const jwt = await sign(key, JSON.stringify(claims), { typ: 'JWT', kid: 'device-1' }, { backend: app });
    const publicKey = await jose.importJWK(await exportJWK(key, { backend: app }), 'ES256');
    const { payload, protectedHeader } = await jose.jwtVerify(jwt, publicKey, { issuer: 'device-1', audience: 'https://api.example.com', typ: 'JWT' });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'device-1' });
    // And an expired one is refused by jose, so the check above means something.
    const stale = await sign(key, JSON.stringify({ ...claims, exp: now - 3600 }), { typ: 'JWT' }, { backend: app });
    await expect(jose.jwtVerify(stale, publicKey)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });
});
