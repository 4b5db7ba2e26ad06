import { describe, expect, it } from 'vitest';
import {
  LOGIN_KEYCHAIN, isDataProtectionRef, makeDataProtectionRef, makeFileBasedRef, parseDataProtectionRef, parseFileBasedRef,
} from '../../src/emulator/persistentRef.js';

const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');

function rowIdRef(cls: string, rowid: bigint): Buffer {
  const b = Buffer.alloc(12);
  b.write(cls, 0, 'latin1');
  b.writeBigUInt64BE(rowid, 4);
  return b;
}

describe('data protection persistent refs (spec 12.1)', () => {
  it('12.1: the current form is the 4 ASCII bytes of the class followed by the 16-byte UUID (20 bytes)', () => {
    const ref = makeDataProtectionRef('genp', uuid);
    expect(ref).toBeInstanceOf(Buffer);
    expect(ref).toHaveLength(20);
    expect(ref.subarray(0, 4).toString('latin1')).toBe('genp');
    expect(ref.subarray(4).equals(uuid)).toBe(true);
  });

  it.each(['genp', 'inet', 'cert', 'keys', 'idnt'])('12.1: a UUID ref of class %s parses back to its class and UUID', (cls) => {
    const parsed = parseDataProtectionRef(makeDataProtectionRef(cls, uuid));
    expect(parsed).toEqual({ cls, uuid });
    expect(parsed?.rowid).toBeUndefined();
    expect(isDataProtectionRef(makeDataProtectionRef(cls, uuid))).toBe(true);
  });

  it('12.1: a plain Uint8Array is parsed like a Buffer', () => {
    const ref = new Uint8Array(makeDataProtectionRef('inet', uuid));
    expect(parseDataProtectionRef(ref)).toEqual({ cls: 'inet', uuid });
  });

  it('12.1: the parsed UUID is a copy: changing the ref afterwards does not change it', () => {
    const ref = makeDataProtectionRef('genp', uuid);
    const parsed = parseDataProtectionRef(ref)!;
    ref.fill(0);
    expect(parsed.uuid!.equals(uuid)).toBe(true);
  });

  it('12.1: the older form, class + 8-byte big-endian row id (12 bytes), is still parsed', () => {
    expect(parseDataProtectionRef(rowIdRef('genp', 1n))).toEqual({ cls: 'genp', rowid: 1 });
    expect(parseDataProtectionRef(rowIdRef('keys', 0x0102030405n))).toEqual({ cls: 'keys', rowid: 0x0102030405 });
    expect(isDataProtectionRef(rowIdRef('inet', 7n))).toBe(true);
  });

  it.each([0, 4, 11, 13, 19, 21, 64])('12.1: %i bytes is not a data protection ref', (length) => {
    const bytes = Buffer.alloc(length, 0x41);
    if (length >= 4) bytes.write('genp', 0, 'latin1');
    expect(parseDataProtectionRef(bytes)).toBeUndefined();
    expect(isDataProtectionRef(bytes)).toBe(false);
  });

  it.each(['GENP', 'abcd', 'gen\u0000', 'kcpr'])('12.1: a 20-byte value whose first 4 bytes are %j is not a ref (not a class)', (prefix) => {
    const bytes = Buffer.concat([Buffer.from(prefix, 'latin1'), uuid]);
    expect(bytes).toHaveLength(20);
    expect(parseDataProtectionRef(bytes)).toBeUndefined();
    expect(parseDataProtectionRef(Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.alloc(8)]))).toBeUndefined();
  });
});

describe('file-based persistent refs (spec 12.4)', () => {
  it('12.4: names the login keychain, the class and the primary key, and parses back', () => {
    const ref = makeFileBasedRef('inet', 's:alice|s:|s:example.com');
    expect(parseFileBasedRef(ref)).toEqual({ keychain: LOGIN_KEYCHAIN, cls: 'inet', pk: 's:alice|s:|s:example.com' });
  });

  it('12.4: is much longer than a data protection ref and never parses as one', () => {
    for (const [cls, pk] of [['genp', ''], ['genp', '-|-'], ['inet', 's:a']] as const) {
      const ref = makeFileBasedRef(cls, pk);
      expect(ref.length).toBeGreaterThan(20);
      expect(isDataProtectionRef(ref)).toBe(false);
    }
  });

  it('12.4: a primary key with any characters survives the round trip', () => {
    const pk = 's:"quoted"|s:back\\slash|s:ünï|s:\u0000';
    expect(parseFileBasedRef(makeFileBasedRef('genp', pk))?.pk).toBe(pk);
  });

  it('12.4: a data protection ref is not a file-based ref', () => {
    expect(parseFileBasedRef(makeDataProtectionRef('genp', uuid))).toBeUndefined();
    expect(parseFileBasedRef(rowIdRef('genp', 1n))).toBeUndefined();
  });

  it.each<[string, string]>([
    ['the empty value', ''],
    ['untagged JSON', JSON.stringify({ keychain: LOGIN_KEYCHAIN, cls: 'genp', pk: 'x' })],
    ['the tag and broken JSON', 'kcpr:{'],
    ['the tag and a non-object', 'kcpr:42'],
    ['the tag and JSON null', 'kcpr:null'],
    ['the tag and a number for the class', `kcpr:${JSON.stringify({ keychain: LOGIN_KEYCHAIN, cls: 1, pk: 'x' })}`],
    ['the tag without the primary key', `kcpr:${JSON.stringify({ keychain: LOGIN_KEYCHAIN, cls: 'genp' })}`],
    ['the tag without the keychain', `kcpr:${JSON.stringify({ cls: 'genp', pk: 'x' })}`],
  ])('12.4: %s is not a file-based ref', (_name, text) => {
    expect(parseFileBasedRef(Buffer.from(text, 'utf8'))).toBeUndefined();
  });
});
