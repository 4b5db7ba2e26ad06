import { describe, expect, it } from 'vitest';
import {
  decodeAttributes, encodeAttributes, isAccessControlSpec, matchKey, toNumber, type AttrValue, type Attributes,
} from '../../src/emulator/codec.js';
import { Failure } from '../../src/emulator/failure.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const roundTrip = (attrs: Attributes): Attributes => decodeAttributes(encodeAttributes(attrs));

describe('encodeAttributes / decodeAttributes (spec 2.6, 14.2: the stored type is kept)', () => {
  it.each<[string, AttrValue]>([
    ['a string', 'alice'],
    ['the empty string', ''],
    ['a string of digits (stays a string)', '42'],
    ['a string that looks like an encoded date', '{"$date":5}'],
    ['a string with non-ASCII characters', 'señor 🔑'],
    ['an integer', 443],
    ['zero', 0],
    ['a negative integer', -7],
    ['a non-integer number', 2.5],
    ['the largest safe integer', Number.MAX_SAFE_INTEGER],
    ['true', true],
    ['false', false],
  ])('2.6: %s comes back as the same value and type', (_name, value) => {
    const back = roundTrip({ attr: value }).attr;
    expect(typeof back).toBe(typeof value);
    expect(back).toBe(value);
  });

  it('2.6: a Date comes back as a Date of the same instant', () => {
    const when = new Date('2024-02-29T12:34:56.789Z');
    const back = roundTrip({ cdat: when }).cdat;
    expect(back).toBeInstanceOf(Date);
    expect((back as Date).getTime()).toBe(when.getTime());
  });

  it.each<[string, Buffer]>([
    ['bytes', Buffer.from([0, 1, 2, 0xfe, 0xff])],
    ['empty data', Buffer.alloc(0)],
    ['UTF-8 text as data', Buffer.from('alice')],
  ])('2.6: data (%s) comes back as a Buffer with the same bytes', (_name, value) => {
    const back = roundTrip({ gena: value }).gena;
    expect(Buffer.isBuffer(back)).toBe(true);
    expect((back as Buffer).equals(value)).toBe(true);
  });

  it('2.6: a Buffer that views part of a larger buffer stores only its own bytes', () => {
    const whole = Buffer.from('xxabcxx');
    const back = roundTrip({ gena: whole.subarray(2, 5) }).gena as Buffer;
    expect(back.toString()).toBe('abc');
  });

  it('14.1: an access control spec comes back with its protection and flags', () => {
    const back = roundTrip({ accc: { protection: 'aku', flags: 0x40000001 } }).accc;
    expect(back).toEqual({ protection: 'aku', flags: 0x40000001 });
    expect(isAccessControlSpec(back)).toBe(true);
  });

  it('2.6: every type together in one dictionary, keys and values unchanged', () => {
    const attrs: Attributes = {
      acct: 'a', port: 8080, invi: true, cdat: new Date(1_700_000_000_000), gena: Buffer.from('g'),
      accc: { protection: 'ak', flags: 0 }, sync: 0, labl: '',
    };
    const back = roundTrip(attrs);
    expect(Object.keys(back)).toEqual(Object.keys(attrs));
    expect(back).toEqual(attrs);
  });

  it('2.6: the encoded text is JSON that tags dates, data and access controls (the store keeps it as text)', () => {
    const text = encodeAttributes({ acct: 'a', cdat: new Date(5), gena: Buffer.from('hi'), accc: { protection: 'ak', flags: 1 } });
    expect(JSON.parse(text)).toEqual({ acct: 'a', cdat: { $date: 5 }, gena: { $data: Buffer.from('hi').toString('base64') }, accc: { $ac: { protection: 'ak', flags: 1 } } });
  });
});

describe('isAccessControlSpec', () => {
  it('2.7: accepts a { protection, flags } object and nothing else', () => {
    expect(isAccessControlSpec({ protection: 'ak', flags: 0 })).toBe(true);
    expect(isAccessControlSpec('ak')).toBe(false);
    expect(isAccessControlSpec(null)).toBe(false);
    expect(isAccessControlSpec(new Date(0))).toBe(false);
    expect(isAccessControlSpec(Buffer.from('ak'))).toBe(false);
    expect(isAccessControlSpec({ flags: 0 })).toBe(false);
  });
});

describe('matchKey (spec 13.1, 13.3)', () => {
  it('13.1: hashed columns compare bytes: a string and data with the same UTF-8 bytes are equal', () => {
    expect(matchKey('alice', true)).toBe(matchKey(Buffer.from('alice', 'utf8'), true));
    expect(matchKey('señor', true)).toBe(matchKey(Buffer.from('señor', 'utf8'), true));
    expect(matchKey('', true)).toBe(matchKey(Buffer.alloc(0), true));
  });

  it('13.1: typed columns keep the type: a string and data with the same bytes differ', () => {
    expect(matchKey('alice', false)).not.toBe(matchKey(Buffer.from('alice'), false));
  });

  it('13.1: matching is exact and case-sensitive, hashed or not', () => {
    for (const hashed of [true, false]) {
      expect(matchKey('Alice', hashed)).not.toBe(matchKey('alice', hashed));
      expect(matchKey('alice ', hashed)).not.toBe(matchKey('alice', hashed));
      expect(matchKey('alice', hashed)).toBe(matchKey('alice', hashed));
    }
  });

  it('13.3: a number and a string of the same digits differ, hashed or not', () => {
    for (const hashed of [true, false]) {
      expect(matchKey(443, hashed)).not.toBe(matchKey('443', hashed));
      expect(matchKey(443, hashed)).toBe(matchKey(443, hashed));
    }
  });

  it('2.6: a boolean compares as the number 0/1 (Number columns store CFBoolean as 0/1)', () => {
    expect(matchKey(true, false)).toBe(matchKey(1, false));
    expect(matchKey(false, false)).toBe(matchKey(0, false));
    expect(matchKey(true, false)).not.toBe(matchKey(2, false));
  });

  it('13.1: dates compare by instant, and a date is not the number of its milliseconds', () => {
    expect(matchKey(new Date(1000), false)).toBe(matchKey(new Date(1000), false));
    expect(matchKey(new Date(1000), false)).not.toBe(matchKey(new Date(1001), false));
    expect(matchKey(new Date(1000), false)).not.toBe(matchKey(1000, false));
  });

  it('13.1: different data differ; equal data are equal, hashed or not', () => {
    for (const hashed of [true, false]) {
      expect(matchKey(Buffer.from([1, 2]), hashed)).toBe(matchKey(Buffer.from([1, 2]), hashed));
      expect(matchKey(Buffer.from([1, 2]), hashed)).not.toBe(matchKey(Buffer.from([1, 3]), hashed));
    }
  });

  it('2.7: access controls compare by protection and flags', () => {
    expect(matchKey({ protection: 'ak', flags: 1 }, false)).toBe(matchKey({ protection: 'ak', flags: 1 }, false));
    expect(matchKey({ protection: 'ak', flags: 1 }, false)).not.toBe(matchKey({ protection: 'ak', flags: 0 }, false));
    expect(matchKey({ protection: 'ak', flags: 1 }, false)).not.toBe(matchKey({ protection: 'ck', flags: 1 }, false));
  });
});

describe('toNumber', () => {
  it('2.6: passes numbers through unchanged', () => {
    expect(toNumber(42, 'port')).toBe(42);
    expect(toNumber(-1.5, 'port')).toBe(-1.5);
    expect(toNumber(Number.MAX_SAFE_INTEGER + 2, 'port')).toBe(Number.MAX_SAFE_INTEGER + 2);
  });

  it('2.6: turns a bigint within ±(2^53 − 1) into the same number', () => {
    expect(toNumber(0n, 'port')).toBe(0);
    expect(toNumber(443n, 'port')).toBe(443);
    expect(toNumber(2n ** 53n - 1n, 'port')).toBe(Number.MAX_SAFE_INTEGER);
    expect(toNumber(-(2n ** 53n - 1n), 'port')).toBe(Number.MIN_SAFE_INTEGER);
  });

  it.each([2n ** 53n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)])('2.6: a bigint beyond ±2^53 (%s) → errSecParam naming the key', (value) => {
    const error = thrown(() => toNumber(value, 'kSecAttrPort (port)'));
    expect(error).toBeInstanceOf(Failure);
    expect(error).toMatchObject({ code: 'errSecParam', detail: expect.stringContaining('kSecAttrPort (port)') });
  });
});
