import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecAccessControlBiometryCurrentSet, kSecAttrAccessControl, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  kSecAttrTokenID, kSecAttrTokenIDSecureEnclave, kSecPrivateKeyAttrs, type Emulator, type SecHandle,
} from '../../src/index.js';
import { createDPoPProof, exportJWK, jwkThumbprint } from '../../src/jose/index.js';
import { checkDPoPProof, DPoPError } from './dpopVerifier.js';
import { makeKey, nodePrivateKey } from './keys.js';

// DPoP proofs (RFC 9449 §4.2) checked by a verifier written from §4.3 (./dpopVerifier.ts),
// with Secure Enclave keys of an entitled emulated app and the other key types.

let app: Emulator;
let enclaveKey: SecHandle;
beforeAll(async () => {
  app = createEmulator({ app: { accessGroups: ['TEAMID.com.example.app'] } });
  enclaveKey = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave });
});
afterAll(() => app.close());

const URL_ = 'https://api.example.com/resource';
const decode = (jwt: string, i: 0 | 1) => JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString()) as Record<string, unknown>;
const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as DPoPError);

describe('createDPoPProof (RFC 9449 §4.2) passes the §4.3 checks', () => {
  it('a Secure Enclave key: header { alg: ES256, typ: dpop+jwt, jwk }, claims jti, htm, htu, iat', async () => {
    const before = Math.floor(Date.now() / 1000);
    const proof = await createDPoPProof(enclaveKey, { htm: 'POST', htu: URL_, backend: app });
    const after = Math.floor(Date.now() / 1000);
    const { claims, jkt } = await checkDPoPProof({ dpop: proof, method: 'POST', url: URL_ });
    const jwk = await exportJWK(enclaveKey, { backend: app });
    expect(decode(proof, 0)).toEqual({ alg: 'ES256', typ: 'dpop+jwt', jwk });
    expect(Object.keys(claims).sort()).toEqual(['htm', 'htu', 'iat', 'jti']);
    expect(claims).toMatchObject({ htm: 'POST', htu: URL_ });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(after);
    expect(Buffer.from(claims.jti!, 'base64url')).toHaveLength(16);
    expect(jkt).toBe(await jwkThumbprint(jwk));
  });

  it('with a nonce and an access token: nonce, and ath = base64url(SHA-256(token)) bound to the key\'s thumbprint', async () => {
    const jkt = await jwkThumbprint(await exportJWK(enclaveKey, { backend: app }));
    const accessToken = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
    const proof = await createDPoPProof(enclaveKey, { htm: 'GET', htu: URL_, nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v', accessToken, backend: app });
    const { claims } = await checkDPoPProof({ dpop: proof, method: 'GET', url: URL_, nonce: 'eyJ7S_zG.eyJH0-Z.HX4w-7v', accessToken: { value: accessToken, jkt } });
    // RFC 9449 §7.1's example token and its ath.
    expect(claims.ath).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
    expect(claims.nonce).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
  });

  for (const [name, alg] of [['P-384', 'ES384'], ['P-521', 'ES512'], ['RSA-2048', 'RS256'], ['RSA-2048', 'PS256']] as const) {
    it(`a ${name} key with ${alg}`, async () => {
      const key = await makeKey(app, name);
      const proof = await createDPoPProof(key, { htm: 'DELETE', htu: URL_, alg, backend: app });
      expect(decode(proof, 0).alg).toBe(alg);
      await expect(checkDPoPProof({ dpop: proof, method: 'DELETE', url: URL_ })).resolves.toBeTruthy();
    });
  }

  it('htu leaves out the query and the fragment (§4.2) and is normalized; a URL object works', async () => {
    const proof = await createDPoPProof(enclaveKey, { htm: 'GET', htu: 'https://API.Example.com:443/a/../resource?x=1&y=2#top', backend: app });
    expect(decode(proof, 1).htu).toBe(URL_);
    await expect(checkDPoPProof({ dpop: proof, method: 'GET', url: `${URL_}?x=1&y=2` })).resolves.toBeTruthy();
    const fromUrl = await createDPoPProof(enclaveKey, { htm: 'GET', htu: new URL('http://localhost:8080/token?q'), backend: app });
    expect(decode(fromUrl, 1).htu).toBe('http://localhost:8080/token');
  });

  it('every proof has its own jti', async () => {
    const jtis = new Set<unknown>();
    for (let i = 0; i < 50; i++) jtis.add(decode(await createDPoPProof(enclaveKey, { htm: 'GET', htu: URL_, backend: app }), 1).jti);
    expect(jtis.size).toBe(50);
  });

  it('an access-controlled Secure Enclave key prompts for each proof; a cancel is errSecUserCanceled', async () => {
    const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryCurrentSet);
    const key = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecPrivateKeyAttrs]: { [kSecAttrAccessControl]: ac } });
    const before = app.prompts.length;
    await checkDPoPProof({ dpop: await createDPoPProof(key, { htm: 'GET', htu: URL_, backend: app }), method: 'GET', url: URL_ });
    expect(app.prompts.length).toBe(before + 1);
    expect(app.prompts.at(-1)).toMatchObject({ constraints: ['biometryCurrentSet'], response: 'approve' });
    app.user.response = 'cancel';
    try {
      await expect(createDPoPProof(key, { htm: 'GET', htu: URL_, backend: app })).rejects.toMatchObject({ code: 'errSecUserCanceled' });
    } finally {
      app.user.response = 'approve';
    }
  });
});

describe('the §4.3 verifier refuses what it must (so its pass means something)', () => {
  let proof: string;
  let jkt: string;
  beforeAll(async () => {
    proof = await createDPoPProof(enclaveKey, { htm: 'POST', htu: URL_, nonce: 'n-1', accessToken: 'token-1', backend: app });
    jkt = await jwkThumbprint(await exportJWK(enclaveKey, { backend: app }));
  });
  const ok = () => ({ dpop: proof, method: 'POST', url: URL_, nonce: 'n-1', accessToken: { value: 'token-1', jkt } });

  it('passes the proof as made', async () => {
    await expect(checkDPoPProof(ok())).resolves.toMatchObject({ jkt });
  });

  it('fails each check that does not hold', async () => {
    const cases: [Partial<ReturnType<typeof ok>> & { now?: number; seen?: Set<string> }, string][] = [
      [{ dpop: [proof, proof] as never }, '4.3 (1)'],
      [{ dpop: 'not.a.jwt' }, '4.3 (2)'],
      [{ method: 'GET' }, '4.3 (8)'],
      [{ url: 'https://api.example.com/other' }, '4.3 (9)'],
      [{ nonce: 'n-2' }, '4.3 (10)'],
      [{ now: Math.floor(Date.now() / 1000) + 3600 }, '4.3 (11)'],
      [{ accessToken: { value: 'token-2', jkt } }, '4.3 (12)'],
      [{ accessToken: { value: 'token-1', jkt: 'another-key' } }, '4.3 (12)'],
    ];
    for (const [change, rule] of cases) expect((await rejection(checkDPoPProof({ ...ok(), ...change })))?.rule, rule).toBe(rule);
    const seen = new Set<string>();
    await checkDPoPProof({ ...ok(), seen });
    expect((await rejection(checkDPoPProof({ ...ok(), seen })))?.rule).toBe('11.1');
  });

  it('fails a proof with the wrong typ, a private jwk, a jwk of another key, or no jwk', async () => {
    const signer = await makeKey(app, 'P-256');
    const privateKey = await nodePrivateKey(app, signer);
    const publicJwk = await exportJWK(signer, { backend: app });
    const claims = decode(proof, 1);
    const forge = (header: jose.CompactJWSHeaderParameters) => new jose.CompactSign(Buffer.from(JSON.stringify(claims))).setProtectedHeader(header).sign(privateKey);
    const cases: [jose.CompactJWSHeaderParameters, string][] = [
      [{ alg: 'ES256', typ: 'JWT', jwk: publicJwk }, '4.3 (4)'],
      [{ alg: 'ES256', typ: 'dpop+jwt', jwk: await jose.exportJWK(privateKey) }, '4.3 (7)'],
      [{ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(enclaveKey, { backend: app }) }, '4.3 (6)'],
      [{ alg: 'ES256', typ: 'dpop+jwt' }, '4.3 (3)'],
    ];
    for (const [header, rule] of cases) expect((await rejection(checkDPoPProof({ ...ok(), dpop: await forge(header) })))?.rule, rule).toBe(rule);
    // The same forger with its own jwk passes every check but 12: the token is bound to the enclave key.
    expect((await rejection(checkDPoPProof({ ...ok(), dpop: await forge({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk }) })))?.rule).toBe('4.3 (12)');
  });
});

describe('createDPoPProof: bad input is errSecParam naming the option, before any prompt', () => {
  it('htm, htu, nonce, accessToken, alg, the key', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ htu: URL_ }, 'options.htm'],
      [{ htm: 'GET POST', htu: URL_ }, 'options.htm'],
      [{ htm: '', htu: URL_ }, 'options.htm'],
      [{ htm: 'GET' }, 'options.htu'],
      [{ htm: 'GET', htu: 'not a uri' }, 'options.htu'],
      [{ htm: 'GET', htu: '/relative' }, 'options.htu'],
      [{ htm: 'GET', htu: 'ftp://example.com/file' }, 'options.htu must be an http or https URI'],
      [{ htm: 'GET', htu: 'https://alice:pw@example.com/' }, 'options.htu must not hold a user name'],
      [{ htm: 'GET', htu: 42 }, 'options.htu must be a string or a URL'],
      [{ htm: 'GET', htu: new Proxy(new URL(URL_), {}) }, 'options.htu is a Proxy'],
      [{ htm: 'GET', htu: URL_, nonce: '' }, 'options.nonce'],
      [{ htm: 'GET', htu: URL_, nonce: 'has"quote' }, 'options.nonce'],
      [{ htm: 'GET', htu: URL_, nonce: 'back\\slash' }, 'options.nonce'],
      [{ htm: 'GET', htu: URL_, accessToken: '' }, 'options.accessToken'],
      [{ htm: 'GET', htu: URL_, accessToken: 'a b' }, 'options.accessToken'],
      [{ htm: 'GET', htu: URL_, accessToken: 'tökén' }, 'options.accessToken'],
      [{ htm: 'GET', htu: URL_, alg: 'none' }, 'options.alg must be one of'],
      [{ htm: 'GET', htu: URL_, alg: 'ES384' }, 'options.alg: ES384 needs a P-384'],
      [{ htm: 'GET', htu: URL_, backend: 'app' }, 'options.backend'],
    ];
    const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryCurrentSet);
    const guarded = await makeKey(app, 'P-256', { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecPrivateKeyAttrs]: { [kSecAttrAccessControl]: ac } });
    const before = app.prompts.length;
    for (const [options, message] of cases) {
      await expect(createDPoPProof(guarded, { backend: app, ...options } as never), message).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining(message) });
    }
    expect(app.prompts.length).toBe(before);
    await expect(createDPoPProof(guarded, undefined as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('options.htm') });
    await expect(createDPoPProof(null as never, { htm: 'GET', htu: URL_, backend: app })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('key must be a SecKey') });
  });
});
