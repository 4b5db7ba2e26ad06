import { describe, expect, it } from 'vitest';
import { checkDictionary, describeKey } from '../src/values.js';

const param = { code: 'errSecParam', status: -50 };

describe('checkDictionary (DESIGN.md, values crossing the API)', () => {
  it('accepts every CF-representable value and copies it deeply', () => {
    const data = Buffer.from('x');
    const input = { s: 'a', n: 1, d: 1.5, b: true, big: 5n, t: new Date(0), data, list: [1, 'a'], dict: { k: 'v' } };
    const out = checkDictionary(input, 'query');
    expect(out).toEqual(input);
    data[0] = 0;
    expect((out.data as Uint8Array)[0]).toBe('x'.charCodeAt(0));
  });

  it.each([
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['a bigint beyond int64', 2n ** 64n],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined', undefined],
    ['null', null],
    ['a Map', new Map()],
    ['an invalid Date', new Date(Number.NaN)],
  ])('rejects %s with errSecParam naming the key', (_label, value) => {
    expect(() => checkDictionary({ acct: value }, 'query')).toThrow(expect.objectContaining(param));
    expect(() => checkDictionary({ acct: value }, 'query')).toThrow(/kSecAttrAccount \("acct"\)/);
  });

  it('rejects a cyclic structure', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => checkDictionary({ gena: cyclic }, 'query')).toThrow(/cyclic/);
  });

  it('names nested paths', () => {
    expect(() => checkDictionary({ list: [1, { k: Symbol('x') }] }, 'query')).toThrow(/"list"\[1\]\.k/);
  });

  it('rejects a missing or non-object dictionary', () => {
    expect(() => checkDictionary(undefined, 'query')).toThrow(expect.objectContaining(param));
    expect(() => checkDictionary([], 'query')).toThrow(/plain object/);
    expect(() => checkDictionary('genp', 'query')).toThrow(/plain object/);
  });

  it('describes keys by their Apple names', () => {
    expect(describeKey('type')).toBe('kSecAttrType/kSecAttrKeyType ("type")');
    expect(describeKey('zzzz')).toBe('"zzzz"');
  });
});
