import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate, type Schema } from '../../src/conformance/jsonSchema.js';

const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'conformance', 'scenarios', 'scenario.schema.json'), 'utf8')) as Schema;
const file = (scenario: unknown) => ({ section: '3', scenarios: [scenario] });
const good = {
  id: 's3-x', title: 'an example', rule: '3.5',
  steps: [{ call: 'SecItemAdd', attributes: { class: 'genp', acct: '{{p}}a', v_Data: { $utf8: 'pw' } }, expect: { status: 'errSecSuccess', result: null } }],
};

describe('the scenario schema and its checker', () => {
  it('accepts a well-formed file', () => {
    expect(validate(file(good), schema)).toEqual([]);
  });

  it.each([
    ['an unknown scenario property', { ...good, extra: 1 }],
    ['a bad id', { ...good, id: 'Bad Id' }],
    ['no steps', { ...good, steps: [] }],
    ['an unknown call', { ...good, steps: [{ call: 'SecItemFrob', query: {}, expect: { status: 0 } }] }],
    ['an add without attributes', { ...good, steps: [{ call: 'SecItemAdd', query: {}, expect: { status: 0 } }] }],
    ['an update without attributesToUpdate', { ...good, steps: [{ call: 'SecItemUpdate', query: {}, expect: { status: 0 } }] }],
    ['a status that is not a name', { ...good, steps: [{ call: 'SecItemDelete', query: {}, expect: { status: 'duplicate' } }] }],
    ['a bad hex value', { ...good, steps: [{ call: 'SecItemDelete', query: { acct: { $hex: 'xyz' } }, expect: { status: 0 } }] }],
    ['an unknown tag in a dictionary', { ...good, steps: [{ call: 'SecItemDelete', query: { acct: { $frob: 1 } }, expect: { status: 0 } }] }],
    ['an unknown matcher', { ...good, steps: [{ call: 'SecItemDelete', query: {}, expect: { status: 0, result: { $frob: 1 } } }] }],
    ['an unknown control', { ...good, steps: [{ control: 'reboot' }] }],
    ['null inside a dictionary', { ...good, steps: [{ call: 'SecItemDelete', query: { acct: null }, expect: { status: 0 } }] }],
  ])('rejects %s', (_name, scenario) => {
    expect(validate(file(scenario), schema).length).toBeGreaterThan(0);
  });

  it('refuses schema keywords it does not implement rather than ignoring them', () => {
    expect(() => validate(1, { format: 'date' })).toThrow(/not supported/);
  });

  it('implements the keywords it claims', () => {
    const s: Schema = { type: 'object', required: ['a'], properties: { a: { enum: [1, 2] } }, additionalProperties: false, minProperties: 1 };
    expect(validate({ a: 1 }, s)).toEqual([]);
    expect(validate({ a: 3 }, s)).toHaveLength(1);
    expect(validate({ a: 1, b: 2 }, s)).toHaveLength(1);
    expect(validate({}, s).length).toBeGreaterThan(0);
    expect(validate('x', { oneOf: [{ type: 'string' }, { pattern: 'x' }] })).toHaveLength(1);
    expect(validate(2.5, { type: 'integer' })).toHaveLength(1);
    expect(validate(-1, { minimum: 0 })).toHaveLength(1);
    expect(validate(['a'], { items: { minLength: 2 } })).toHaveLength(1);
    expect(validate({ $x: 1 }, { propertyNames: { not: { pattern: '^\\$' } } })).toHaveLength(1);
  });
});
