import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeValue, expectedStatus, resolveRef, substitutePrefix } from '../../src/conformance/format.js';
import { filterScenarios, loadCorpus } from '../../src/conformance/loader.js';

describe('scenario values', () => {
  it('decodes tags into CF values and substitutes the prefix', () => {
    const saved = new Map<string, unknown>([['r', [{ v_PersistentRef: Buffer.from('ab') }]]]);
    const out = decodeValue({
      acct: '{{p}}a', d: { $utf8: '{{p}}x' }, h: { $hex: '0aff' }, t: { $date: '2001-01-01T00:00:00Z' },
      ref: { $ref: 'r[0].v_PersistentRef' }, list: ['{{p}}1', 2, true], nested: { k: '{{p}}' },
    }, 'P-', saved);
    expect(out).toEqual({
      acct: 'P-a', d: Buffer.from('P-x'), h: Buffer.from([10, 255]), t: new Date('2001-01-01T00:00:00Z'),
      ref: Buffer.from('ab'), list: ['P-1', 2, true], nested: { k: 'P-' },
    });
  });

  it('rejects null and unknown tags', () => {
    expect(() => decodeValue(null, '', new Map())).toThrow(/null/);
    expect(() => decodeValue({ $base32: 'x' }, '', new Map())).toThrow(/not a value encoding/);
  });

  it('decodes $base64 to data (a certificate\'s DER, a .p12 file)', () => {
    expect(decodeValue({ $base64: 'AAEC/w==' }, '', new Map())).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('resolves references through saved results and says what is missing', () => {
    const saved = new Map<string, unknown>([['a', { b: [1, 2] }]]);
    expect(resolveRef('a.b[1]', saved)).toBe(2);
    expect(() => resolveRef('z', saved)).toThrow(/no saved result "z"/);
    expect(() => resolveRef('a.c', saved)).toThrow(/no such value/);
  });

  it('names statuses by Apple name or number', () => {
    expect(expectedStatus('errSecDuplicateItem')).toBe(-25299);
    expect(expectedStatus('errSecMissingEntitlement')).toBe(-34018);
    expect(expectedStatus(-50)).toBe(-50);
    expect(() => expectedStatus('errSecNope')).toThrow(/unknown OSStatus/);
    expect(substitutePrefix('{{p}}a{{p}}', 'x')).toBe('xax');
  });
});

describe('loadCorpus', () => {
  const corpora: string[] = [];
  afterEach(() => {
    for (const dir of corpora.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function corpusWith(files: Record<string, unknown>): string {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    corpora.push(dir);
    for (const f of ['scenario.schema.json', 'sources.json']) {
      writeFileSync(join(dir, f), readFileSync(join(__dirname, '..', '..', 'conformance', 'scenarios', f)));
    }
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(data));
    return dir;
  }
  const step = { call: 'SecItemDelete', query: { class: 'genp', acct: '{{p}}a' }, expect: { status: 0 } };

  it('reports schema problems, wrong sections, unknown statuses, early references and duplicate ids', () => {
    const dir = corpusWith({
      'a.json': { section: '3', scenarios: [
        { id: 'one', title: 'ok one', rule: '3.5', steps: [step] },
        { id: 'two', title: 'wrong section', rule: '4.1', steps: [step] },
        { id: 'three', title: 'bad status', rule: '3.5', steps: [{ ...step, expect: { status: 'errSecNope' } }] },
        { id: 'four', title: 'early ref', rule: '3.5', steps: [{ ...step, query: { v_PersistentRef: { $ref: 'later' } } }, { ...step, save: 'later' }] },
      ] },
      'b.json': { section: '3', scenarios: [{ id: 'one', title: 'duplicate', rule: '3.5', steps: [step] }] },
      'c.json': { section: '3', scenarios: [{ id: 'bad', rule: '3.5', steps: [step] }] },
      'd.json': { section: '3', scenarios: [{ id: 'nosrc', title: 'no source', rule: '3.99', steps: [step] }] },
    });
    const corpus = loadCorpus(dir);
    const text = corpus.problems.join('\n');
    expect(text).toMatch(/a\.json: two: rule 4\.1 is not in section 3/);
    expect(text).toMatch(/a\.json: three: step 1: unknown OSStatus name "errSecNope"/);
    expect(text).toMatch(/a\.json: four: step 1 refers to later before a step saves it/);
    expect(text).toMatch(/b\.json: duplicate scenario id one/);
    expect(text).toMatch(/c\.json: .*missing required property "title"/);
    expect(text).toMatch(/d\.json: nosrc: rule 3\.99 has no entry in sources\.json/);
    expect(corpus.problems).toHaveLength(6);
  });

  it('resolves sources from the rule and filters by id, rule or title', () => {
    const dir = corpusWith({ 'a.json': { section: '3', scenarios: [
      { id: 'one', title: 'first', rule: '3.5', steps: [step] },
      { id: 'two', title: 'second', rule: '3.11', source: 'my own observation', steps: [step] },
    ] } });
    const { scenarios, problems } = loadCorpus(dir);
    expect(problems).toEqual([]);
    expect(scenarios[0]!.source).toMatch(/SecDbItem/);
    expect(scenarios[1]!.source).toBe('my own observation');
    expect(filterScenarios(scenarios, 'rule 3\\.11$').map((s) => s.id)).toEqual(['two']);
    expect(filterScenarios(scenarios, '^one$').map((s) => s.id)).toEqual(['one']);
    expect(filterScenarios(scenarios, 'second').map((s) => s.id)).toEqual(['two']);
  });
});
