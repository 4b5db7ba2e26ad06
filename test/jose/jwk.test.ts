import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecAccessControlBiometryAny, kSecAttrAccessControl, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  kSecAttrTokenID, kSecAttrTokenIDSecureEnclave, kSecPrivateKeyAttrs, type Emulator, type SecHandle,
} from '../../src/index.js';
import { exportJWK, jwkThumbprint } from '../../src/jose/index.js';
import { makeHandle } from '../../src/handles.js';
import { makeKey, nodePublicKey, type KeyName } from './keys.js';

// exportJWK and jwkThumbprint against the jose package (the oracle): the same public key, read
// by node:crypto from the bytes the emulator exports, must give the same JWK and thumbprints.

let kc: Emulator;
const keys = {} as Record<KeyName, SecHandle>;
const NAMES: KeyName[] = ['P-256', 'P-384', 'P-521', 'RSA-2048', 'RSA-3072'];

beforeAll(async () => {
  kc = createEmulator();
  for (const name of NAMES) keys[name] = await makeKey(kc, name);
});
afterAll(() => kc.close());

describe('exportJWK (RFC 7517, RFC 7518 §6)', () => {
  for (const name of NAMES) {
    it(`${name}: the JWK jose exports for the same public key, from the private key or the public key`, async () => {
      const expected = await jose.exportJWK(await nodePublicKey(kc, keys[name]));
      const fromPrivate = await exportJWK(keys[name], { backend: kc });
      expect(fromPrivate).toStrictEqual({ ...expected });
      expect(await exportJWK((await kc.SecKeyCopyPublicKey(keys[name]))!, { backend: kc })).toStrictEqual(fromPrivate);
      // Only the public key: never a private member.
      expect(Object.keys(fromPrivate).sort()).toEqual(name.startsWith('P-') ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n']);
    });
  }

  it('a Secure Enclave key of an entitled app: a P-256 JWK, no prompt for it', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example.app'] } });
    try {
      const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
      const key = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecPrivateKeyAttrs]: { [kSecAttrAccessControl]: ac } });
      const jwk = await exportJWK(key, { backend: app });
      expect(jwk).toStrictEqual(await jose.exportJWK(await nodePublicKey(app, key)));
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
      expect(app.prompts).toHaveLength(0);
    } finally {
      app.close();
    }
  });

  it('bad input is errSecParam naming the argument, with no SecKey call', async () => {
    const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, 0);
    for (const bad of ['key', null, undefined, {}, ac]) {
      await expect(exportJWK(bad as never, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('key must be a SecKey') });
    }
    await expect(exportJWK(keys['P-256'], { backend: {} as never })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.backend') });
    await expect(exportJWK(keys['P-256'], 'emulator' as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options') });
    // A key of another backend kind is refused before the backend is asked.
    const nativeKey = makeHandle('SecKey', 'native', {});
    await expect(exportJWK(nativeKey, { backend: kc })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('native backend') });
  });

  it('every failure is a rejected Promise, never a synchronous throw', async () => {
    const pending = exportJWK(null as never);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({ code: 'errSecParam' });
  });
});

describe('jwkThumbprint (RFC 7638)', () => {
  it('RFC 7638 §3.1: the example key\'s thumbprint; optional members do not change it', async () => {
    const jwk = {
      kty: 'RSA', e: 'AQAB', alg: 'RS256', kid: '2011-04-29',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    };
    expect(await jwkThumbprint(jwk)).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });

  for (const name of NAMES) {
    it(`${name}: jose's calculateJwkThumbprint, SHA-256, SHA-384 and SHA-512`, async () => {
      const jwk = await exportJWK(keys[name], { backend: kc });
      const theirs = await jose.exportJWK(await nodePublicKey(kc, keys[name]));
      for (const digest of ['sha256', 'sha384', 'sha512'] as const) {
        expect(await jwkThumbprint(jwk, { digest })).toBe(await jose.calculateJwkThumbprint(theirs, digest));
      }
      expect(await jwkThumbprint(jwk)).toBe(await jose.calculateJwkThumbprint(theirs));
    });
  }

  it('any public JWK jose takes: an OKP (Ed25519) key, a private JWK (only the public members count)', async () => {
    const ed = await jose.exportJWK(generateKeyPairSync('ed25519').publicKey);
    expect(await jwkThumbprint(ed as { kty: string })).toBe(await jose.calculateJwkThumbprint(ed));
    const priv = await jose.exportJWK(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    expect(await jwkThumbprint(priv as { kty: string })).toBe(await jose.calculateJwkThumbprint(priv));
  });

  it('bad input is errSecParam naming the member', async () => {
    await expect(jwkThumbprint(null as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('jwk') });
    await expect(jwkThumbprint({ kty: 'EC', crv: 'P-256', x: 'AA' } as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('jwk.y') });
    await expect(jwkThumbprint({ kty: 'RSA', n: 5, e: 'AQAB' } as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('jwk.n') });
    await expect(jwkThumbprint({ kty: 'XYZ' })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('jwk.kty') });
    await expect(jwkThumbprint({ kty: 'oct', k: 'AA' }, { digest: 'md5' as never })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.digest') });
    // A member inherited through a "__proto__" key is not the JWK's own.
    await expect(jwkThumbprint(JSON.parse('{"kty":"oct","__proto__":{"k":"AA"}}'))).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('jwk.k') });
    await expect(jwkThumbprint(new Proxy({ kty: 'oct', k: 'AA' }, {}))).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('Proxy') });
  });
});
