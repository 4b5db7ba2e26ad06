// secitem's certificate, identity and key verbs (src/cli/certificateVerbs.ts), modelled on
// security(1)'s import, find-certificate, find-identity, delete-certificate and
// delete-identity, run as a real process on the compiled package (test/setup/build.ts builds
// dist/) over an emulator store file. Files are made with openssl.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/main.js';
import { cleanup, makeCertificate, makePkcs12 } from '../fixtures/openssl.js';

let dir: string;
let store: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-cli-certs-'));
  store = join(dir, 'store.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(cleanup);

const bin = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

async function secitem(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const r = spawnSync(process.execPath, [bin, ...args, '--store', store], {
    encoding: 'utf8', env: { ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator' },
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, bytes: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const alice = makeCertificate({ subject: '/O=Example/CN=Alice Example', key: 'ec' });
const bob = makeCertificate({ subject: '/O=Example/CN=Bob Example', key: 'rsa' });
const sha1 = (der: Buffer) => createHash('sha1').update(der).digest('hex').toUpperCase();

describe('secitem import', () => {
  it('a .p12 with -P: "1 identity imported.", and find-identity lists it (SecPKCS12Import into the login keychain)', async () => {
    const r = await secitem('import', file('alice.p12', makePkcs12(alice, { password: 'pw' })), '-P', 'pw');
    expect(r).toMatchObject({ status: 0, stdout: '1 identity imported.\n' });
    const identities = await secitem('find-identity');
    expect(identities.stdout).toContain(`1) ${sha1(alice.der)} "Alice Example"`);
    expect(identities.stdout).toContain('1 identity found');
  });

  it('a .p12 with the wrong passphrase: errSecAuthFailed, its exit status', async () => {
    const r = await secitem('import', file('alice.p12', makePkcs12(alice, { password: 'pw' })), '-P', 'wrong', '--json');
    expect(r.status).toBe(exitCodeFor(-25293));
    expect(JSON.parse(r.stderr).error.name).toBe('errSecAuthFailed');
  });

  it('a .pem with two certificates adds both; a .der adds one; again is not an error', async () => {
    expect((await secitem('import', file('two.pem', alice.certPem + bob.certPem))).stdout).toBe('2 certificates imported.\n');
    expect((await secitem('import', file('alice.der', alice.der))).stdout).toBe('0 certificates imported.\n');
    const json = JSON.parse((await secitem('find-certificate', '-a', '--json')).stdout) as { sha1: string }[];
    expect(json.map((c) => c.sha1).sort()).toEqual([sha1(alice.der), sha1(bob.der)].sort());
  });

  it('a file that cannot be read is errSecIO; no file is errSecParam', async () => {
    expect((await secitem('import', join(dir, 'missing.p12'))).stderr).toContain('errSecIO');
    expect((await secitem('import')).stderr).toContain('errSecParam');
  });
});

describe('secitem find-certificate, delete-certificate', () => {
  it('-c finds by name; -p prints PEM; -Z prints the hashes; --json has both', async () => {
    await secitem('import', file('two.pem', alice.certPem + bob.certPem));
    const found = await secitem('find-certificate', '-c', 'Bob', '-p', '-Z');
    expect(found.status).toBe(0);
    expect(found.stdout).toContain(`SHA-1 hash: ${sha1(bob.der)}`);
    expect(found.stdout.replace(/\s/g, '')).toContain(bob.certPem.replace(/\s/g, ''));
    expect(found.stdout).not.toContain(sha1(alice.der));
    const [json] = JSON.parse((await secitem('find-certificate', '-c', 'Alice', '--json', '-p')).stdout) as Record<string, string>[];
    expect(json).toMatchObject({ subjectSummary: 'Alice Example', sha1: sha1(alice.der) });
    expect(json!.pem!.replace(/\s/g, '')).toBe(alice.certPem.replace(/\s/g, ''));
  });

  it('no match is errSecItemNotFound (exit 44)', async () => {
    expect((await secitem('find-certificate', '-c', 'nobody')).status).toBe(44);
  });

  it('delete-certificate -Z removes that one certificate', async () => {
    await secitem('import', file('two.pem', alice.certPem + bob.certPem));
    expect((await secitem('delete-certificate', '-Z', sha1(alice.der))).status).toBe(0);
    const left = JSON.parse((await secitem('find-certificate', '-a', '--json')).stdout) as { sha1: string }[];
    expect(left.map((c) => c.sha1)).toEqual([sha1(bob.der)]);
    expect((await secitem('delete-certificate')).stderr).toContain('needs -c name or -Z hash');
  });
});

describe('secitem delete-identity, find-key', () => {
  it('15.2 delete-identity deletes the certificate and its private key', async () => {
    await secitem('import', file('alice.p12', makePkcs12(alice, { password: 'pw' })), '-P', 'pw');
    expect(JSON.parse((await secitem('find-key', '-a', '--json')).stdout)).toHaveLength(1);
    const r = await secitem('delete-identity', '-c', 'Alice', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, keyDeleted: true });
    expect((await secitem('find-identity')).stdout).toContain('0 identities found');
    expect((await secitem('find-key')).status).toBe(44);
  });

  it('find-key lists key items without their bytes; an imported key\'s application label is its certificate\'s public key hash (15.1)', async () => {
    await secitem('import', file('alice.p12', makePkcs12(alice, { password: 'pw' })), '-P', 'pw');
    const [key] = JSON.parse((await secitem('find-key', '-a', '--json')).stdout) as Record<string, unknown>[];
    const point = createPublicKey(alice.keyPem).export({ format: 'jwk' });
    const pkhh = createHash('sha1').update(Buffer.concat([Buffer.from([4]), Buffer.from(point.x!, 'base64url'), Buffer.from(point.y!, 'base64url')])).digest('hex');
    expect(key).toMatchObject({ keyClass: 'private', keyType: 'EC', keySizeInBits: 256, applicationLabel: pkhh });
    expect(Object.keys(key!).sort()).toEqual(['applicationLabel', 'applicationTag', 'keyClass', 'keySizeInBits', 'keyType', 'label']);
    expect((await secitem('find-key', '-l', 'no such label')).status).toBe(44);
  });
});
