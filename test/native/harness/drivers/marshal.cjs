// Linux harness driver: values crossing JavaScript → Core Foundation → JavaScript (DESIGN.md,
// "Values crossing the API"): random dictionaries round-tripped exactly, the CF type each
// JavaScript value becomes, and every CF type a framework may return.
'use strict';
const assert = require('node:assert/strict');
const { rejection } = require('./expect.cjs');

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomString(next) {
  const length = Math.floor(next() * 12);
  const units = [];
  for (let i = 0; i < length; i++) {
    const pick = next();
    if (pick < 0.6) units.push(0x20 + Math.floor(next() * 95));
    else if (pick < 0.8) units.push(0xa0 + Math.floor(next() * 0x2000));
    else if (pick < 0.9) units.push(0xd83d, 0xde00 + Math.floor(next() * 0x40));  // a pair: 😀…
    else units.push(0xd800 + Math.floor(next() * 0x800));                       // a lone surrogate
  }
  return String.fromCharCode(...units);
}

function randomValue(next, depth) {
  const pick = next();
  if (pick < 0.2) return randomString(next);
  if (pick < 0.3) return Math.floor((next() - 0.5) * 2 ** 53);
  if (pick < 0.37) return (next() - 0.5) * 1e6 + 0.25;
  if (pick < 0.42) return BigInt(Math.floor(next() * 2 ** 30)) * 2n ** 32n + 2n ** 62n;  // beyond 2^53: a bigint
  if (pick < 0.5) return next() < 0.5;
  if (pick < 0.6) return Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256)));
  if (pick < 0.66) return new Date(Math.floor((next() - 0.3) * 4e12));
  if (pick < 0.8 && depth < 5) return Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
  if (depth < 5) return randomDictionary(next, depth + 1);
  return randomString(next);
}

function randomDictionary(next, depth) {
  const out = {};
  const size = Math.floor(next() * 6);
  for (let i = 0; i < size; i++) {
    const key = randomString(next) || 'k';
    // Two keys take only handles (kSecUseAuthenticationContext, kSecAttrAccessControl).
    if (key === 'u_AuthCtx' || key === 'accc' || key === '__proto__') continue;
    out[key] = randomValue(next, depth);
  }
  return out;
}

const int64 = (v) => ({ t: 'int64', v: String(v) });

exports.cases = {
  async '1,500 random dictionaries cross JS → CF → JS exactly'({ addon, control }) {
    control.inject('SecItemCopyMatching', { echo: true });
    const next = random(20261206);
    for (let i = 0; i < 1500; i++) {
      const query = { class: 'genp', ...randomDictionary(next, 0) };
      const back = await addon.secItemCopyMatching(query);
      assert.deepStrictEqual(back, query, `dictionary ${i}`);
    }
  },
  async 'integers cross as SInt64 CFNumbers — also whole numbers beyond 2^53 — and fractions as Float64'({ addon, control }) {
    await addon.secItemAdd({ class: 'genp', small: 42, safe: 2 ** 53 - 1, beyond: 2 ** 60, negative: -(2 ** 62), fraction: 1.5,
      huge: 2 ** 70, big: 2n ** 62n });
    const sent = Object.fromEntries(control.lastArgument('SecItemAdd').v.map(([k, v]) => [k.v, v]));
    assert.deepEqual(sent.small, int64(42));
    assert.deepEqual(sent.safe, int64(2 ** 53 - 1));
    assert.deepEqual(sent.beyond, int64(2n ** 60n));
    assert.deepEqual(sent.negative, int64(-(2n ** 62n)));
    assert.deepEqual(sent.big, int64(2n ** 62n));
    assert.deepEqual(sent.fraction, { t: 'float64', v: 1.5 });
    assert.deepEqual(sent.huge, { t: 'float64', v: 2 ** 70 }, 'beyond the SInt64 range a whole number stays a double');
  },
  async 'SInt64 results beyond 2^53 are bigints, Float64 results numbers, booleans booleans'({ addon, control }) {
    control.inject('SecItemCopyMatching', { result: { a: { $int64: '9007199254740993' }, b: { $double: 2.5 }, c: { $double: 3 },
      d: { $int64: '-9223372036854775808' }, e: true, f: 7 } });
    const out = await addon.secItemCopyMatching({ class: 'genp' });
    assert.deepStrictEqual(out, { a: 9007199254740993n, b: 2.5, c: 3, d: -(2n ** 63n), e: true, f: 7 });
  },
  async 'every CF type a result may hold converts, handles included'({ addon, control }) {
    control.inject('SecItemCopyMatching', { result: [
      's', 1, true, Buffer.from([1, 2]), new Date(1000), null, [1, [2]], { k: { n: 'v' } },
      { $key: 'private' }, { $certificate: true }, { $identity: true }, { $accessControl: true }, { $keychainItem: true },
    ] });
    const out = await addon.secItemCopyMatching({ class: 'genp' });
    assert.deepStrictEqual(out.slice(0, 8), ['s', 1, true, Buffer.from([1, 2]), new Date(1000), null, [1, [2]], { k: { n: 'v' } }]);
    assert.deepEqual(out.slice(8).map((h) => h.kind), ['SecKey', 'SecCertificate', 'SecIdentity', 'SecAccessControl', 'SecKeychainItem']);
  },
  async 'a "__proto__" key in a result is an own property and changes no prototype'({ addon, control }) {
    control.inject('SecItemCopyMatching', { result: { __proto__: null, ['__proto__']: { polluted: true }, acct: 'a' } });
    const out = await addon.secItemCopyMatching({ class: 'genp' });
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(out.polluted, undefined);
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { polluted: true });
    assert.equal(out.acct, 'a');
  },
  async 'a result key that is not a string is left out'({ addon, control }) {
    control.inject('SecItemCopyMatching', { result: { $entries: [[1, 'one'], ['two', 2]] } });
    assert.deepStrictEqual(await addon.secItemCopyMatching({ class: 'genp' }), { two: 2 });
  },
  async 'a CFSet or a type the addon does not know in a result is errSecInternalComponent naming it'({ addon, control }) {
    for (const [result, name] of [[{ $set: true }, 'CFSet'], [{ $unknown: true }, 'SFUnknownType'], [{ nested: [{ $set: true }] }, 'CFSet']]) {
      control.inject('SecItemCopyMatching', { result });
      const e = await rejection(addon.secItemCopyMatching({ class: 'genp' }));
      assert.equal(e.status, -2070, name);
      assert.equal(e.operation, 'SecItemCopyMatching');
      assert.match(e.message, new RegExp(name));
    }
  },
  async 'strings cross as UTF-16 code units, lone surrogates included, both ways'({ addon, control }) {
    const odd = 'k\uD800 \uDBFF\uDFFF \uDC00 ✓ 😀';
    control.inject('SecItemCopyMatching', { echo: true });
    const back = await addon.secItemCopyMatching({ class: 'genp', acct: odd, [odd]: odd });
    assert.deepStrictEqual(back, { class: 'genp', acct: odd, [odd]: odd });
    control.inject('SecItemCopyMatching', { result: { acct: odd } });
    assert.equal((await addon.secItemCopyMatching({ class: 'genp' })).acct, odd);
  },
  async 'strings equal to a framework constant are passed as that constant'({ addon, control }) {
    control.inject('SecItemCopyMatching', { echo: true });
    const back = await addon.secItemCopyMatching({ class: 'genp', m_Limit: 'm_LimitAll', r_Data: true });
    assert.deepStrictEqual(back, { class: 'genp', m_Limit: 'm_LimitAll', r_Data: true });
  },
};
