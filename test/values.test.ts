import { describe, expect, it } from 'vitest';
import { SecError } from '../src/errors.js';
import { SecHandle } from '../src/handles.js';
import { MAX_DEPTH, MAX_VALUES, checkDictionary, describeKey, describeValue } from '../src/values.js';

function secErrorOf(run: () => unknown): SecError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

const param = { code: 'errSecParam', status: -50 };

describe('checkDictionary (DESIGN.md, values crossing the API)', () => {
  it('accepts every CF-representable value and copies its structure deeply; data stays the caller\'s bytes', () => {
    const data = Buffer.from('x');
    const input = { s: 'a', n: 1, d: 1.5, b: true, big: 5n, t: new Date(0), data, list: [1, 'a'], dict: { k: 'v' } };
    const out = checkDictionary(input, 'query');
    expect(out).toEqual(input);
    input.list.push(2);
    input.dict.k = 'w';
    expect(out.list).toEqual([1, 'a']);
    expect(out.dict).toEqual({ k: 'v' });
    // A view of the same memory, not a copy: every backend reads it before the call returns.
    expect(out.data).not.toBe(data);
    expect((out.data as Buffer).buffer).toBe(data.buffer);
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

describe('checkDictionary refuses what it cannot read safely (DESIGN.md principle 5)', () => {
  const nestedIn = (levels: number): Record<string, unknown> => {
    let value: unknown = 'leaf';
    for (let i = 0; i < levels; i++) value = { k: value };
    return value as Record<string, unknown>;
  };

  it(`takes values ${MAX_DEPTH} levels below the argument, as the native marshaller does (kMaxDepth)`, () => {
    // { gena: { k: … 'leaf' } }: gena's value is level 1, the leaf level MAX_DEPTH.
    expect(() => checkDictionary({ gena: nestedIn(MAX_DEPTH - 1) }, 'query')).not.toThrow();
    expect(() => checkDictionary({ gena: nestedIn(MAX_DEPTH) }, 'query'))
      .toThrow(expect.objectContaining({ ...param, message: expect.stringMatching(new RegExp(`"gena"\\)(\\.k){${MAX_DEPTH}} is nested more than ${MAX_DEPTH} levels deep`)) }));
    expect(() => checkDictionary({ list: [[[[nestedIn(MAX_DEPTH)]]]] }, 'query')).toThrow(/"list"\[0\]\[0\]\[0\]\[0\](\.k)+ is nested more than 32/);
  });

  it('refuses a dictionary nested 10,000 deep with errSecParam, not a stack overflow', () => {
    expect(() => checkDictionary({ gena: nestedIn(10_000) }, 'query')).toThrow(expect.objectContaining(param));
  });

  it(`refuses a structure that shares one object in many places beyond ${MAX_VALUES} values, at once`, () => {
    let shared: unknown = 'x';
    for (let i = 0; i < 30; i++) shared = { a: shared, b: shared }; // 2^31 values as a tree
    // Walked without the bound, these 2^31 values would not finish: the refusal is the check.
    expect(() => checkDictionary({ gena: shared }, 'query')).toThrow(expect.objectContaining({ ...param, message: expect.stringContaining(`more than ${MAX_VALUES} values`) }));
    // Sharing as such is fine: a small DAG is copied as the tree it reads as.
    const leaf = { k: 'v' };
    expect(checkDictionary({ a: leaf, b: leaf }, 'query')).toEqual({ a: { k: 'v' }, b: { k: 'v' } });
  });

  it('refuses a Proxy anywhere without running its traps', () => {
    let trapped = 0;
    const handler: ProxyHandler<object> = { get: (t, k) => { trapped++; return Reflect.get(t, k); }, ownKeys: (t) => { trapped++; return Reflect.ownKeys(t); } };
    expect(() => checkDictionary(new Proxy({ class: 'genp' }, handler), 'query')).toThrow(expect.objectContaining({ ...param, message: expect.stringContaining('query is a Proxy') }));
    expect(() => checkDictionary({ nested: { p: new Proxy({}, handler) } }, 'query')).toThrow(/"nested"\)?\.p is a Proxy|nested\.p is a Proxy/);
    expect(() => checkDictionary({ list: [new Proxy([], handler)] }, 'query')).toThrow(expect.objectContaining(param));
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => checkDictionary({ acct: proxy }, 'query')).toThrow(expect.objectContaining(param));
    expect(() => checkDictionary({ acct: new Proxy(new Uint8Array(1), handler) }, 'query')).toThrow(expect.objectContaining(param));
    expect(trapped).toBe(0);
  });

  it('a getter that throws, on a dictionary or an array element, is errSecParam naming it, with the cause', () => {
    const boom = new Error('boom');
    const error = secErrorOf(() => checkDictionary({ get acct(): string { throw boom; } }, 'query'));
    expect(error).toMatchObject({ ...param, message: expect.stringContaining('kSecAttrAccount ("acct") could not be read') });
    expect(error.cause).toBe(boom);
    const list: unknown[] = ['a', 'b'];
    Object.defineProperty(list, 1, { get() { throw boom; } });
    expect(() => checkDictionary({ list }, 'query')).toThrow(/"list"\[1\] could not be read/);
  });

  it('a getter is read once: the copy is what the backend sees', () => {
    let reads = 0;
    const out = checkDictionary({ get acct(): string { reads++; return `read ${reads}`; } }, 'query');
    expect(out.acct).toBe('read 1');
    expect(out.acct).toBe('read 1');
    expect(reads).toBe(1);
  });

  it('a hole in an array is errSecParam (a CFArray cannot hold nothing)', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => checkDictionary({ list: [1, , 3] }, 'query')).toThrow(/"list"\[1\] is undefined/);
    const huge: unknown[] = [];
    huge.length = 2 ** 32 - 1;
    expect(() => checkDictionary({ list: huge }, 'query')).toThrow(/\[0\] is undefined/);
  });

  it('a look-alike of a handle is not a handle', () => {
    const fake = Object.create(SecHandle.prototype) as object;
    Object.defineProperty(fake, 'kind', { get() { throw new Error('kind was read'); } });
    expect(() => checkDictionary({ v_Ref: fake }, 'query')).toThrow(expect.objectContaining(param));
  });
});

describe('describeValue (messages from any input)', () => {
  it('shows JSON-like text for plain values and the type for others, never running the caller\'s code', () => {
    expect(describeValue(5n)).toBe('5n');
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue({ a: [1, 'b', 2n] })).toBe('{"a":[1,"b",2n]}');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(Object.create(null))).toBe('{}');
    expect(describeValue(new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } }))).toBe('a Proxy');
    expect(describeValue({ toJSON() { throw new Error('toJSON ran'); } })).toBe('{"toJSON":a function}');
    expect(describeValue({ get x() { throw new Error('getter'); } })).toBe('an object');
  });

  it('stops after about 80 characters, whatever the depth, sharing or cycles', () => {
    let shared: unknown = 'x';
    for (let i = 0; i < 60; i++) shared = { a: shared, b: shared };
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [shared, cyclic, 'y'.repeat(10_000)]) {
      const text = describeValue(value);
      expect(text.length).toBeLessThanOrEqual(81);
      expect(text.endsWith('…')).toBe(true);
    }
  });
});
