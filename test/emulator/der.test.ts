// The DER reader under certificates and PKCS #12 (src/emulator/der.ts): malformed input is a
// DerError, which its callers report as their own status (errSecParam, errSecDecode).
import { describe, expect, it } from 'vitest';
import { DerError, oidText, readOnly } from '../../src/emulator/der.js';

describe('der.ts', () => {
  it('an object identifier reads as its dotted form', () => {
    expect(oidText(Buffer.from('2a864886f70d010701', 'hex'))).toBe('1.2.840.113549.1.7.1');
  });

  it('an object identifier that stops inside a subidentifier is a DerError, not a shorter identifier', () => {
    // pkcs7-data with one more octet that announces a continuation and has none.
    expect(() => oidText(Buffer.from('2a864886f70d01070181', 'hex'))).toThrow(DerError);
  });

  it('indefinite lengths nested without end are a DerError, not a stack overflow', () => {
    const depth = 100_000;
    const nested = Buffer.concat([Buffer.from('3080'.repeat(depth), 'hex'), Buffer.alloc(2 * depth)]);
    expect(() => readOnly(nested)).toThrow(DerError);
    // A few levels, as PKCS #12 producers write them, still read.
    const few = Buffer.concat([Buffer.from('3080'.repeat(8), 'hex'), Buffer.alloc(16)]);
    expect(readOnly(few).bytes.length).toBe(few.length);
  });
});
