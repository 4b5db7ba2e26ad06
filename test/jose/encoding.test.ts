import { generateKeyPairSync, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64url, decodeBase64url } from '../../src/jose/base64url.js';
import { derToRaw, rawToDer } from '../../src/jose/ecdsaSignature.js';

describe('base64url (RFC 7515 §2): unpadded, one spelling per value', () => {
  it('encodes bytes and strings (as UTF-8) without padding', () => {
    expect(base64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64url('✓')).toBe('4pyT');
    expect(base64url(Buffer.from('abcd').subarray(1, 3))).toBe('YmM');
  });

  it('decodes only the canonical spelling', () => {
    expect(decodeBase64url('-_8')).toEqual(Buffer.from([0xfb, 0xff]));
    expect(decodeBase64url('')).toEqual(Buffer.alloc(0));
    for (const bad of ['-_8=', '+/8', 'ab c', 'a', 'YmN', 'Y\u00e9']) expect(decodeBase64url(bad), bad).toBeUndefined();
  });
});

describe('ECDSA signatures: X9.62 DER ⇄ JOSE r‖s (RFC 7518 §3.4)', () => {
  for (const [curve, size] of [['P-256', 32], ['P-384', 48], ['P-521', 66]] as const) {
    it(`${curve}: node:crypto's DER signatures convert to its IEEE P1363 form and back, byte for byte`, () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
      let short = 0;
      for (let i = 0; i < 300; i++) {
        const data = Buffer.from(`message ${i}`);
        const der = cryptoSign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
        const raw = derToRaw(der, size);
        expect(raw).toHaveLength(2 * size);
        expect(cryptoVerify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
        expect(rawToDer(raw, size)).toEqual(der);
        if (raw[0] === 0 || raw[size] === 0) short++;
      }
      // P-521's top byte is at most 1, so its r and s are nearly always "short": the padding path runs.
      if (curve === 'P-521') expect(short).toBeGreaterThan(0);
    });
  }

  it('integers with the high bit set get a 0x00 in DER and lose it in r‖s; short integers are padded', () => {
    const raw = Buffer.concat([Buffer.alloc(31), Buffer.from([1]), Buffer.from([0x80]), Buffer.alloc(31, 0xff)]);
    const der = rawToDer(raw, 32)!;
    expect(der.toString('hex')).toBe(`3026020101022100${'80'}${'ff'.repeat(31)}`);
    expect(derToRaw(der, 32)).toEqual(raw);
  });

  it('r‖s of the wrong length, or with r or s zero, has no DER form (a failed verification)', () => {
    expect(rawToDer(Buffer.alloc(63, 1), 32)).toBeUndefined();
    expect(rawToDer(Buffer.concat([Buffer.alloc(32), Buffer.alloc(32, 1)]), 32)).toBeUndefined();
    expect(rawToDer(Buffer.concat([Buffer.alloc(32, 1), Buffer.alloc(32)]), 32)).toBeUndefined();
  });

  it('a backend answer that is not a strict DER signature is errSecInternalComponent', () => {
    const cases = [
      '',                                  // nothing
      '3006020101020101ff',                // trailing byte
      '3007020101020101',                  // sequence length too long
      '300602010102010',                   // truncated
      '3106020101020101',                  // not a SEQUENCE
      '3006020181020101',                  // negative r
      '300702020001020101',                // non-minimal r
      '3006020101030101',                  // s not an INTEGER
      '3045022100ff',                      // r cut short
      `3026022100${'01'.repeat(33)}020101`, // r longer than the curve
    ];
    for (const hex of cases) {
      expect(() => derToRaw(Buffer.from(hex, 'hex'), 32), hex).toThrow(expect.objectContaining({ code: 'errSecInternalComponent' }));
    }
  });
});
