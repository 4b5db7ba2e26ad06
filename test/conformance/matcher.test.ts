import { describe, expect, it } from 'vitest';
import { makeHandle } from '../../src/handles.js';
import { differences, match, normalize, sameValue, toView } from '../../src/conformance/matcher.js';
import type { Json } from '../../src/conformance/format.js';

const ctx = { prefix: 'P-', saved: new Map<string, unknown>([['pref', Buffer.from('genp0123456789abcdef')], ['before', { mdat: new Date(1000) }]]) };
const ok = (m: Json, v: unknown) => expect(match(m, v, ctx)).toEqual([]);
const bad = (m: Json, v: unknown) => expect(match(m, v, ctx).length).toBeGreaterThan(0);

describe('match', () => {
  it('compares scalars exactly, with the prefix placeholder, and keeps booleans apart from numbers', () => {
    ok('{{p}}acct', 'P-acct');
    bad('{{p}}acct', '{{p}}acct');
    ok(1, 1);
    bad(1, true);
    bad(true, 1);
    ok(null, undefined);
    bad(null, 0);
  });

  it('compares data by bytes and dates by time', () => {
    ok({ $utf8: '{{p}}x' }, Buffer.from('P-x'));
    ok({ $hex: '00ff' }, Buffer.from([0, 255]));
    bad({ $hex: '00ff' }, Buffer.from([0, 254]));
    bad({ $utf8: 'x' }, 'x');
    ok({ $date: '2001-01-01T00:00:00Z' }, new Date('2001-01-01T00:00:00Z'));
    bad({ $date: '2001-01-01T00:00:00Z' }, new Date('2001-01-01T00:00:01Z'));
  });

  it('matches any-of-a-kind, data shapes and handles', () => {
    ok({ $any: 'data' }, Buffer.alloc(3));
    bad({ $any: 'data' }, 'abc');
    ok({ $any: 'date' }, new Date());
    bad({ $any: 'value' }, undefined);
    ok({ $data: { length: 20, startsWith: { $utf8: 'genp' } } }, Buffer.from('genp0123456789abcdef'));
    bad({ $data: { length: 20, startsWith: { $utf8: 'inet' } } }, Buffer.from('genp0123456789abcdef'));
    bad({ $data: { length: 12 } }, Buffer.from('genp0123456789abcdef'));
    const h = makeHandle('SecKeychainItem', 'emulator', {});
    ok({ $handle: 'SecKeychainItem' }, h);
    bad({ $handle: 'SecKey' }, h);
  });

  it('treats a plain object as an exact dictionary and $contains as a subset, with $absent', () => {
    ok({ a: 1, b: 'x' }, { a: 1, b: 'x' });
    expect(match({ a: 1 }, { a: 1, b: 2 }, ctx)).toEqual(['result.b: unexpected key (value 2)']);
    ok({ $contains: { a: 1 } }, { a: 1, b: 2 });
    expect(match({ $contains: { c: 1 } }, { a: 1 }, ctx)).toEqual(['result.c: missing']);
    ok({ $contains: { c: { $absent: true } } }, { a: 1 });
    bad({ $contains: { a: { $absent: true } } }, { a: 1 });
  });

  it('checks arrays in order and by length', () => {
    ok([{ $utf8: 'a' }, { $utf8: 'b' }], [Buffer.from('a'), Buffer.from('b')]);
    bad([{ $utf8: 'a' }, { $utf8: 'b' }], [Buffer.from('b'), Buffer.from('a')]);
    bad([{ $utf8: 'a' }], [Buffer.from('a'), Buffer.from('b')]);
    ok([], []);
    ok({ $length: 2 }, [1, 2]);
    bad({ $length: 2 }, [1]);
    ok({ $each: { $contains: { a: 1 } } }, [{ a: 1 }, { a: 1, b: 2 }]);
    bad({ $each: { $contains: { a: 1 } } }, [{ a: 1 }, { a: 2 }]);
    bad({ $each: 1 }, []);
  });

  it('refers to earlier results: $ref, $later, $not, $oneOf', () => {
    ok({ $ref: 'pref' }, Buffer.from('genp0123456789abcdef'));
    bad({ $ref: 'pref' }, Buffer.from('genp0123456789abcdeX'));
    ok({ $later: 'before.mdat' }, new Date(2000));
    bad({ $later: 'before.mdat' }, new Date(1000));
    ok({ $not: { $ref: 'pref' } }, Buffer.from('other'));
    bad({ $not: 1 }, 1);
    ok({ $oneOf: [1, 'x'] }, 'x');
    bad({ $oneOf: [1, 'x'] }, 2);
    expect(() => match({ $ref: 'missing' }, 1, ctx)).toThrow(/no saved result/);
  });

  it('names the path of a mismatch inside the result', () => {
    expect(match([{ $contains: { acct: 'x' } }], [{ acct: 'y' }], ctx)).toEqual(['result[0].acct: expected "x", got "y"']);
  });
});

describe('views and both-mode comparison', () => {
  it('shows data as text when printable, else hex; dates and handles tagged', () => {
    expect(toView(Buffer.from('pw'))).toEqual({ $utf8: 'pw' });
    expect(toView(Buffer.from([0, 1]))).toEqual({ $hex: '0001' });
    expect(toView(new Date(0))).toEqual({ $date: '1970-01-01T00:00:00.000Z' });
    expect(toView(makeHandle('SecKey', 'native', {}))).toEqual({ $handle: 'SecKey' });
    expect(toView(undefined)).toBeNull();
  });

  it('normalises dates, persistent refs, the prefix and loosely matched positions', () => {
    const a = toView({ cdat: new Date(1), acct: 'P-a', v_PersistentRef: Buffer.from('genp0123456789abcdef'), sha1: Buffer.from([1]) }) as Json;
    const b = toView({ cdat: new Date(2), acct: 'Q-a', v_PersistentRef: Buffer.from('genpffffffffffffffff'), sha1: Buffer.from([2]) }) as Json;
    const m: Json = { $contains: { sha1: { $any: 'data' } } };
    expect(differences(normalize(a, m, 'P-'), normalize(b, m, 'Q-'))).toEqual([]);
    expect(differences(normalize(a, undefined, 'P-'), normalize(b, undefined, 'Q-'))).toEqual(['result.sha1']);
  });

  it('lists the paths that differ', () => {
    expect(differences({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3], c: true })).toEqual(['result.b[1]', 'result.c']);
    expect(differences([1], [1, 2])).toEqual(['result']);
    expect(sameValue({ a: Buffer.from('x') }, { a: Buffer.from('x') })).toBe(true);
  });
});
