/**
 * A small JSON Schema checker for the subset conformance/scenarios/scenario.schema.json uses
 * (draft 2020-12 keywords: type, properties, required, additionalProperties,
 * patternProperties, propertyNames, items, enum, const, pattern, minLength, minItems,
 * minimum, minProperties, maxProperties, anyOf, oneOf, not, $ref to "#/$defs/…"). Enough to
 * validate the corpus without a dependency; an unsupported keyword is an error, so the schema
 * cannot silently say more than is checked.
 */
export type Schema = boolean | { [keyword: string]: unknown };

const SUPPORTED = new Set([
  '$schema', '$id', '$defs', '$comment', 'title', 'description', 'examples',
  'type', 'properties', 'required', 'additionalProperties', 'patternProperties', 'propertyNames',
  'items', 'enum', 'const', 'pattern', 'minLength', 'minItems', 'minimum', 'minProperties',
  'maxProperties', 'anyOf', 'oneOf', 'not', '$ref',
]);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Validates `value`; returns the problems as "path: message" (empty = valid). */
export function validate(value: unknown, schema: Schema, root: Schema = schema, path = '$'): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path}: not allowed`];
  for (const keyword of Object.keys(schema)) {
    if (!SUPPORTED.has(keyword)) throw new Error(`schema keyword ${keyword} is not supported by this checker`);
  }
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const name = /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1];
    const defs = (root as Record<string, unknown>).$defs as Record<string, Schema> | undefined;
    const target = name === undefined ? undefined : defs?.[name];
    if (target === undefined) throw new Error(`unresolved $ref ${s.$ref}`);
    const problems = validate(value, target, root, path);
    if (problems.length > 0) return problems;
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(value, t))) return [`${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  }
  const problems: string[] = [];
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  }
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) {
    problems.push(`${path}: expected ${JSON.stringify(s.const)}`);
  }
  if (typeof value === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) {
      problems.push(`${path}: ${JSON.stringify(value)} does not match /${s.pattern}/`);
    }
    if (typeof s.minLength === 'number' && [...value].length < s.minLength) problems.push(`${path}: shorter than ${s.minLength}`);
  }
  if (typeof value === 'number' && typeof s.minimum === 'number' && value < s.minimum) {
    problems.push(`${path}: less than ${s.minimum}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) problems.push(`${path}: fewer than ${s.minItems} items`);
    if (s.items !== undefined) value.forEach((v, i) => problems.push(...validate(v, s.items as Schema, root, `${path}[${i}]`)));
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (typeof s.minProperties === 'number' && keys.length < s.minProperties) problems.push(`${path}: fewer than ${s.minProperties} properties`);
    if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) problems.push(`${path}: more than ${s.maxProperties} properties`);
    for (const req of (s.required as string[] | undefined) ?? []) {
      if (!(req in obj)) problems.push(`${path}: missing required property ${JSON.stringify(req)}`);
    }
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, Schema>);
    for (const key of keys) {
      const child = `${path}.${key}`;
      if (s.propertyNames !== undefined) problems.push(...validate(key, s.propertyNames as Schema, root, `${child} (name)`));
      let covered = false;
      if (key in props) {
        covered = true;
        problems.push(...validate(obj[key], props[key]!, root, child));
      }
      for (const [pattern, sub] of patterns) {
        if (new RegExp(pattern, 'u').test(key)) {
          covered = true;
          problems.push(...validate(obj[key], sub, root, child));
        }
      }
      if (!covered && s.additionalProperties !== undefined) {
        problems.push(...validate(obj[key], s.additionalProperties as Schema, root, child));
      }
    }
  }
  if (Array.isArray(s.anyOf) && !(s.anyOf as Schema[]).some((sub) => validate(value, sub, root, path).length === 0)) {
    problems.push(`${path}: matches none of the allowed forms`);
  }
  if (Array.isArray(s.oneOf)) {
    const matching = (s.oneOf as Schema[]).filter((sub) => validate(value, sub, root, path).length === 0).length;
    if (matching !== 1) problems.push(`${path}: matches ${matching} of the oneOf forms, expected exactly 1`);
  }
  if (s.not !== undefined && validate(value, s.not as Schema, root, path).length === 0) {
    problems.push(`${path}: matches a form that is not allowed`);
  }
  return problems;
}
