import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/cli/main.js';
import { verbs } from '../../src/cli/verbs.js';

// The command runs as a real process on the compiled package (test/setup/build.ts builds dist/).
const root = join(__dirname, '..', '..');
const bin = join(root, 'dist', 'cli', 'main.js');
let dir: string;
let store: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-cli-'));
  store = join(dir, 'store.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function secitem(args: string[], input?: string | Buffer) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    input, encoding: 'utf8',
    env: { ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator', SECURITY_FRAMEWORK_STORE: join(dir, 'unused.sqlite') },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const s = (...args: string[]) => secitem([...args, '--store', store]);

describe('secitem, the command line itself', () => {
  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(secitem(['--version'])).toEqual({ status: 0, stdout: `secitem (security-framework) ${version}\n`, stderr: '' });
    expect(secitem(['-V']).stdout).toContain(version);
  });

  it('no arguments is a usage error (exit 2, usage on stderr), not success', () => {
    const r = secitem([]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: secitem <verb>');
  });

  it('a --store in a directory that does not exist: errSecNoSuchKeychain, nothing created', () => {
    const missing = join(dir, 'missing', 'store.sqlite');
    const r = secitem(['find-generic-password', '-s', 'svc', '--store', missing]);
    expect(r.status).toBe(exitCodeFor(-25294));
    expect(r.stderr).toContain('errSecNoSuchKeychain');
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('secitem, generic passwords', () => {
  it('adds, then find -w prints only the secret', () => {
    expect(s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'pä🔑 s3cret', '-l', 'My label', '-j', 'note')).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(s('find-generic-password', '-s', 'svc', '-w')).toEqual({ status: 0, stdout: 'pä🔑 s3cret\n', stderr: '' });
  });

  it('never echoes the secret unless asked', () => {
    s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'TOPSECRET');
    for (const args of [['find-generic-password', '-s', 'svc'], ['find-generic-password', '-s', 'svc', '--json'], ['dump-keychain'], ['dump-keychain', '--json'],
      ['add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'TOPSECRET'], ['delete-generic-password', '-s', 'svc']]) {
      const r = s(...args);
      expect(r.stdout + r.stderr).not.toContain('TOPSECRET');
    }
  });

  it('find prints security(1)-style attributes; -g adds the password on stderr', () => {
    s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'pw', '-l', 'Label');
    const plain = s('find-generic-password', '-s', 'svc', '-a', 'alice');
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('class: "genp"');
    expect(plain.stdout).toContain('"acct"<blob>="alice"');
    expect(plain.stdout).toContain('"labl"<blob>="Label"');
    const g = s('find-generic-password', '-s', 'svc', '-g');
    expect(g.stdout).not.toContain('pw"');
    expect(g.stderr).toBe('password: "pw"\n');
  });

  it('--json output is stable JSON with plain attribute names', () => {
    s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'pw', '-l', 'Label', '-j', 'c', '-D', 'kind', '-G', 'gen', '-c', 'abcd', '-C', 'wxyz');
    const r = s('find-generic-password', '-s', 'svc', '--json', '-g');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['class', 'keychain', 'service', 'generic', 'account', 'label', 'comment', 'description', 'creator', 'type',
      'synchronizable', 'creationDate', 'modificationDate', 'password', 'passwordHex']);
    expect(out).toMatchObject({
      class: 'genericPassword', keychain: 'file', service: 'svc', account: 'alice', label: 'Label', comment: 'c', description: 'kind',
      generic: Buffer.from('gen').toString('hex'), creator: 0x61626364, type: 0x7778797a, synchronizable: false, password: 'pw', passwordHex: '7077',
    });
    expect(new Date(out.creationDate as string).toISOString()).toBe(out.creationDate);
  });

  it('a duplicate add exits 45 (errSecDuplicateItem) with status, name, message and hint on stderr; -U updates', () => {
    s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'one');
    const dup = s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'two');
    expect(dup.status).toBe(45);
    expect(dup.stdout).toBe('');
    expect(dup.stderr).toMatch(/already exists/);
    expect(dup.stderr).toContain('status: -25299');
    expect(dup.stderr).toContain('name: errSecDuplicateItem');
    expect(dup.stderr).toContain('hint: ');
    expect(s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'two', '-U').status).toBe(0);
    expect(s('find-generic-password', '-s', 'svc', '-w').stdout).toBe('two\n');
  });

  it('a missing item exits 44 (errSecItemNotFound); with --json the error is JSON on stderr', () => {
    const r = s('find-generic-password', '-s', 'nothing', '--json');
    expect(r.status).toBe(44);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { status: -25300, name: 'errSecItemNotFound', message: expect.stringContaining('could not be found'), hint: expect.any(String) } });
  });

  it('delete removes one item; deleting again exits 44', () => {
    s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'a');
    s('add-generic-password', '-s', 'svc', '-a', 'bob', '-w', 'b');
    const del = s('delete-generic-password', '-s', 'svc', '-a', 'alice', '--json');
    expect(del.status).toBe(0);
    expect(JSON.parse(del.stdout)).toMatchObject({ ok: true, deleted: { service: 'svc', account: 'alice' } });
    expect(s('find-generic-password', '-s', 'svc', '-a', 'alice').status).toBe(44);
    expect(s('find-generic-password', '-s', 'svc', '-a', 'bob', '-w').stdout).toBe('b\n');
    expect(s('delete-generic-password', '-s', 'svc', '-a', 'alice').status).toBe(44);
  });

  it('-w as the last argument reads the password from standard input; -X takes hex bytes', () => {
    expect(secitem(['add-generic-password', '--store', store, '-s', 'svc', '-a', 'piped', '-w'], 'from stdin 🔒\n').status).toBe(0);
    expect(s('find-generic-password', '-a', 'piped', '-w').stdout).toBe('from stdin 🔒\n');
    expect(s('add-generic-password', '-s', 'svc', '-a', 'bin', '-X', '00ff10').status).toBe(0);
    // Bytes that are not UTF-8 text print as hex, as security(1) does.
    expect(s('find-generic-password', '-a', 'bin', '-w').stdout).toBe('00ff10\n');
    expect(JSON.parse(s('find-generic-password', '-a', 'bin', '-w', '--json').stdout)).toEqual({ password: null, passwordHex: '00ff10' });
    const bad = s('add-generic-password', '-s', 'svc', '-a', 'x', '-X', 'SECRETzz');
    expect(bad.status).toBe(206);
    expect(bad.stderr).not.toContain('SECRETzz');
  });
});

describe('secitem, internet passwords and dump-keychain', () => {
  it('takes security(1) four-character protocol codes or words, and finds by them', () => {
    expect(s('add-internet-password', '-s', 'example.com', '-a', 'bob', '-r', 'htps', '-P', '8443', '-p', '/x', '-d', 'realm', '-t', 'dflt', '-w', 'pw').status).toBe(0);
    const r = s('find-internet-password', '-s', 'example.com', '-r', 'https', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ class: 'internetPassword', server: 'example.com', protocol: 'https', port: 8443, path: '/x', securityDomain: 'realm', authenticationType: 'default', account: 'bob' });
    expect(s('find-internet-password', '-s', 'example.com', '-P', '443').status).toBe(44);
    expect(s('delete-internet-password', '-s', 'example.com').status).toBe(0);
    expect(s('find-internet-password', '-s', 'example.com').status).toBe(44);
  });

  it('a bad value is errSecParam (exit 206) naming the flag', () => {
    const r = s('add-internet-password', '-s', 'h', '-P', 'abc', '-w', 'pw');
    expect(r.status).toBe(206);
    expect(r.stderr).toContain('status: -50');
    expect(r.stderr).toMatch(/port \(-P\)/);
    expect(s('add-internet-password', '-s', 'h', '-r', 'gopher').status).toBe(206);
  });

  it('dump-keychain lists every item; secrets only with -d', () => {
    s('add-generic-password', '-s', 'svc', '-a', 'alice', '-w', 'g-secret');
    s('add-internet-password', '-s', 'host', '-a', 'bob', '-w', 'i-secret');
    const list = JSON.parse(s('dump-keychain', '--json').stdout) as Record<string, unknown>[];
    expect(list.map((i) => i.class)).toEqual(['genericPassword', 'internetPassword']);
    expect(list.every((i) => !('password' in i))).toBe(true);
    const withData = JSON.parse(s('dump-keychain', '-d', '--json').stdout) as Record<string, unknown>[];
    expect(withData.map((i) => i.password)).toEqual(['g-secret', 'i-secret']);
    const human = s('dump-keychain', '-d');
    expect(human.stdout).toContain('class: "inet"');
    expect(human.stdout).toContain('data:\n"i-secret"');
  });
});

describe('secitem, usage', () => {
  it('--help works for every verb and lists its flags', () => {
    for (const verb of verbs) {
      const r = secitem([verb.name, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`usage: secitem ${verb.name}`);
      for (const flag of Object.keys(verb.flags)) expect(r.stdout).toContain(flag);
      expect(r.stdout).toContain('--json');
    }
    const top = secitem(['--help']);
    expect(top.status).toBe(0);
    for (const verb of verbs) expect(top.stdout).toContain(verb.name);
  });

  it('usage errors exit 2 with the usage on stderr', () => {
    for (const args of [['bogus'], ['find-generic-password', '-Z'], ['find-generic-password', '-s'], ['find-generic-password', 'login.keychain'],
      ['dump-keychain', '--backend', 'other'], ['dump-keychain', '--backend', 'native', '--store', store]]) {
      const r = secitem(args);
      expect(r.status).toBe(USAGE);
      expect(r.stderr).toContain('usage: secitem');
    }
  });

  it('maps an OSStatus to its low byte, as security(1) does', () => {
    expect(exitCodeFor(-25300)).toBe(44);
    expect(exitCodeFor(-25299)).toBe(45);
    expect(exitCodeFor(-50)).toBe(206);
    expect(exitCodeFor(-34018)).toBe(30);
    expect(exitCodeFor(-256)).toBe(1);
  });

  it('is the package bin, with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.secitem).toBe('dist/cli/main.js');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

const USAGE = 2;
