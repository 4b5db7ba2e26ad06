// The emulator's SecKey algorithm table (src/emulator/keyAlgorithms.ts), spec/semantics.md 16.3
// and 16.4: one row per kSecKeyAlgorithm* constant, looked up by the constant's identifier.
import { describe, expect, it } from 'vitest';
import * as constants from '../../src/constants.js';
import { ALGORITHMS, HASH_LENGTH, algorithmFor, type Algorithm, type AlgorithmName } from '../../src/emulator/keyAlgorithms.js';

const algorithmConstants = (Object.entries(constants) as [string, unknown][])
  .filter((entry): entry is [string, string] => entry[0].startsWith('kSecKeyAlgorithm') && typeof entry[1] === 'string');
const rows = Object.entries(ALGORITHMS) as [AlgorithmName, (typeof ALGORITHMS)[AlgorithmName]][];
const supportedRows = rows.filter((entry): entry is [AlgorithmName, Algorithm] => !('unsupported' in entry[1]));
const identifier = (name: AlgorithmName) => (constants as Record<string, unknown>)[name] as string;

describe('the algorithm table (spec 16.4)', () => {
  it('16.4 every kSecKeyAlgorithm* constant has exactly one line: a row, or a reason it is unsupported', () => {
    expect(algorithmConstants.length).toBeGreaterThan(80);
    expect(new Set(rows.map(([name]) => name))).toEqual(new Set(algorithmConstants.map(([name]) => name)));
    for (const [name, id] of algorithmConstants) {
      const line = ALGORITHMS[name as AlgorithmName];
      if ('unsupported' in line) {
        expect(line.unsupported, name).not.toBe('');
        expect(algorithmFor(id), name).toBeUndefined();
      } else {
        expect(algorithmFor(id), name).toBe(line);
      }
    }
  });

  it('16.4 a row agrees with its identifier: operation, key type, padding and hash', () => {
    for (const [name, row] of supportedRows) {
      const id = identifier(name);
      const parts = id.split(':');
      expect(parts[0], name).toBe('algid');
      expect(parts[1], name).toBe(row.operation.toLowerCase());
      expect(id.includes(':RSA:'), name).toBe(row.keyType === 'rsa');
      expect(row.padding === 'none', name).toBe(row.keyType === 'ec');
      if (row.padding !== 'none') expect(id, name).toContain({ raw: ':raw', pkcs1v15: 'PKCS1', pss: '-PSS:', oaep: ':OAEP:' }[row.padding]);
      const hashes = parts.filter((p) => /^SHA\d+$/.test(p));
      expect(hashes.every((h) => h === hashes[0]), name).toBe(true);
      expect(row.digest, name).toBe(hashes[0]?.toLowerCase() ?? null);
    }
  });

  it('16.4 a row agrees with its identifier: input, format and ECDH variant', () => {
    for (const [name, row] of supportedRows) {
      const id = identifier(name);
      if (row.operation === 'sign') expect(row.input, name).toBe(id.includes(':message-') ? 'message' : row.padding === 'raw' ? 'block' : 'digest');
      const format = 'format' in row ? row.format : undefined;
      expect(format === 'x962-der', name).toBe(id.includes('X962'));
      expect(format === 'rfc4754-raw', name).toBe(id.includes('RFC4754'));
      expect(format === 'oaep-aes-gcm' || format === 'aes-gcm-zero-iv' || format === 'aes-gcm-kdf-iv', name).toBe(id.includes(':AESGCM'));
      expect(format === 'aes-gcm-kdf-iv', name).toBe(id.endsWith(':AESGCM-KDFIV'));
      expect(format === 'x963-kdf' || format === 'aes-gcm-zero-iv' || format === 'aes-gcm-kdf-iv', name).toBe(id.includes(':KDFX963:'));
      expect('ecdh' in row ? row.ecdh : undefined, name).toBe(id.includes(':ECDHC') ? 'cofactor' : id.includes(':ECDH') ? 'standard' : undefined);
    }
  });

  it('16.4 the rows hold what the operations need: a hash for message input, PSS, OAEP and ECIES', () => {
    for (const [name, row] of supportedRows) {
      if (row.operation === 'sign' && row.input === 'message') expect(row.digest, name).not.toBeNull();
      if (row.padding === 'pss' || row.padding === 'oaep') expect(row.digest, name).not.toBeNull();
      if (row.operation === 'encrypt' && row.keyType === 'ec') expect(row.digest, name).not.toBeNull();
      if (row.digest) expect(HASH_LENGTH[row.digest], name).toBeGreaterThan(0);
    }
  });

  it('16.4 some rows, column by column', () => {
    expect(algorithmFor(constants.kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toEqual(
      { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha256', format: 'x962-der' });
    expect(algorithmFor(constants.kSecKeyAlgorithmECDSASignatureDigestRFC4754)).toEqual(
      { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest', digest: null, format: 'rfc4754-raw' });
    // The legacy name signs a digest of any length in the RFC 4754 format, as DigestRFC4754 does.
    expect(algorithmFor(constants.kSecKeyAlgorithmECDSASignatureRFC4754)).toEqual(algorithmFor(constants.kSecKeyAlgorithmECDSASignatureDigestRFC4754));
    expect(algorithmFor(constants.kSecKeyAlgorithmRSASignatureDigestPKCS1v15Raw)).toEqual(
      { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest', digest: null });
    // Apple's identifier says a 24-byte salt; the row's hash (and so the salt) is SHA-224's 28 bytes.
    expect(algorithmFor(constants.kSecKeyAlgorithmRSASignatureDigestPSSSHA224)).toEqual(
      { operation: 'sign', keyType: 'rsa', padding: 'pss', input: 'digest', digest: 'sha224' });
    expect(algorithmFor(constants.kSecKeyAlgorithmRSASignatureRaw)).toEqual(
      { operation: 'sign', keyType: 'rsa', padding: 'raw', input: 'block', digest: null });
    expect(algorithmFor(constants.kSecKeyAlgorithmRSAEncryptionPKCS1)).toEqual(
      { operation: 'encrypt', keyType: 'rsa', padding: 'pkcs1v15', digest: null });
    expect(algorithmFor(constants.kSecKeyAlgorithmRSAEncryptionOAEPSHA384AESGCM)).toEqual(
      { operation: 'encrypt', keyType: 'rsa', padding: 'oaep', digest: 'sha384', format: 'oaep-aes-gcm' });
    expect(algorithmFor(constants.kSecKeyAlgorithmECIESEncryptionStandardX963SHA1AESGCM)).toEqual(
      { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha1', ecdh: 'standard', format: 'aes-gcm-zero-iv' });
    expect(algorithmFor(constants.kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA512AESGCM)).toEqual(
      { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'cofactor', format: 'aes-gcm-kdf-iv' });
    expect(algorithmFor(constants.kSecKeyAlgorithmECDHKeyExchangeCofactor)).toEqual(
      { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: null, ecdh: 'cofactor', format: 'shared-secret' });
    expect(algorithmFor(constants.kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA256)).toEqual(
      { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'standard', format: 'x963-kdf' });
  });

  it('16.3 an identifier that is not one of Apple\'s constants has no row, however close it is to one', () => {
    for (const id of [
      '', 'algid', 'ECDSA', 'algid:sign:ECDSA', 'algid:sign:ECDSA:message-X962', 'algid:sign:ECDSA:message-X962:SHA256:SHA256',
      'algid:sign:RSA:digest-PSS:SHA256:SHA256:20', 'algid:sign:RSA:digest-PSS:SHA256:SHA1:32',
      'algid:encrypt:ECIES:ECDH:KDFX963:SHA1:AESGCM-KDFIV', 'algid:keyexchange:ECDH:KDFX963', 'algid:sign:ecdsa:message-x962:sha256',
      'toString', 'constructor', '__proto__',
    ]) {
      expect(algorithmFor(id), id).toBeUndefined();
    }
  });
});
