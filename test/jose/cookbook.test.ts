import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as jose from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, kSecAttrTokenID, kSecAttrTokenIDSecureEnclave, SecError, type Emulator } from 'security-framework';
import { createDeviceKey, dpopFetch } from '../../examples/dpop-secure-enclave.js';
import { checkDPoPProof } from './dpopVerifier.js';
import { nodePublicKey } from './keys.js';

// The cookbook recipe "A Secure Enclave key that signs DPoP proofs" (docs/cookbook.md,
// examples/dpop-secure-enclave.ts), run on the emulator as an entitled app against a resource
// server that checks proofs as RFC 9449 §4.3 says and asks for a nonce first (§9).

const open: (Emulator | Server)[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

interface Seen { nonce: unknown; status: number; reason?: string }

/** A resource server: one access token bound to `jkt`, a nonce demanded first (RFC 9449 §9). */
async function resourceServer(accessToken: string, jkt: string): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const nonce = 'server-nonce-1';
  const server = createServer((req, res) => {
    const proof = req.headers.dpop;
    const claims = typeof proof === 'string' ? jose.decodeJwt(proof) : {};
    if (claims.nonce !== nonce) {
      seen.push({ nonce: claims.nonce, status: 401 });
      res.writeHead(401, { 'DPoP-Nonce': nonce, 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' }).end();
      return;
    }
    const presented = /^DPoP (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    checkDPoPProof({
      dpop: proof, method: req.method!, url: `http://${req.headers.host}${req.url}`, nonce,
      accessToken: { value: presented ?? '', jkt }, seen: new Set(),
    }).then(
      () => { seen.push({ nonce: claims.nonce, status: presented === accessToken ? 200 : 401 }); res.writeHead(presented === accessToken ? 200 : 401).end('{"ok":true}'); },
      (error: Error) => { seen.push({ nonce: claims.nonce, status: 401, reason: error.message }); res.writeHead(401).end(); },
    );
  });
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('cookbook: a Secure Enclave key that signs DPoP proofs', () => {
  it('makes the key in the Secure Enclave; its jkt is the thumbprint jose computes', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID1234.com.example.app'] } });
    open.push(app);
    const { key, jkt } = await createDeviceKey(app);
    expect((await app.SecKeyCopyAttributes(key))[kSecAttrTokenID]).toBe(kSecAttrTokenIDSecureEnclave);
    expect(jkt).toBe(await jose.calculateJwkThumbprint(await jose.exportJWK(await nodePublicKey(app, key))));
  });

  it('a request with an access token bound to the key: the server asks for a nonce, the second proof passes §4.3', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID1234.com.example.app'] } });
    open.push(app);
    const { key, jkt } = await createDeviceKey(app);
    const { base, seen } = await resourceServer('token-1', jkt);
    const response = await dpopFetch(key, `${base}/me?fields=name#top`, { method: 'POST', accessToken: 'token-1', backend: app });
    expect(seen).toEqual([{ nonce: undefined, status: 401 }, { nonce: 'server-nonce-1', status: 200 }]);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    // kSecAccessControlPrivateKeyUsage alone: the Secure Enclave signs without a prompt.
    expect(app.prompts).toHaveLength(0);
  });

  it('a token bound to another key is refused by the server (check 12), so the binding is real', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID1234.com.example.app'] } });
    open.push(app);
    const mine = await createDeviceKey(app);
    const other = await createDeviceKey(app);
    const { base, seen } = await resourceServer('token-1', other.jkt);
    expect((await dpopFetch(mine.key, `${base}/me`, { accessToken: 'token-1', backend: app })).status).toBe(401);
    expect(seen.at(-1)!.reason).toContain('§4.3 (12)');
  });

  it('an unsigned process cannot make a Secure Enclave key: errSecMissingEntitlement', async () => {
    const plain = createEmulator();
    open.push(plain);
    await expect(createDeviceKey(plain)).rejects.toSatisfy((e: unknown) => e instanceof SecError && e.status === -34018);
  });
});
