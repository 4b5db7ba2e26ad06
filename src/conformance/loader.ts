/**
 * Loads the scenario corpus: every *.json file of a directory except the schema and the
 * source table, each validated against scenario.schema.json, ids unique, each scenario's
 * source resolved from its rule (sources.json) unless it names one itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate, type Schema } from './jsonSchema.js';
import { expectedStatus, isCallStep, type LoadedScenario, type ScenarioFile } from './format.js';

export const SCHEMA_FILE = 'scenario.schema.json';
export const SOURCES_FILE = 'sources.json';

export interface Corpus {
  scenarios: LoadedScenario[];
  /** Problems found while loading; a corpus with problems must not be run. */
  problems: string[];
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** The corpus files of a directory, sorted by name. */
export function corpusFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== SCHEMA_FILE && f !== SOURCES_FILE)
    .sort();
}

/** Checks one parsed file against the schema and the rules a schema cannot say. */
export function checkFile(data: unknown, schema: Schema, sources: Record<string, string>, file: string): { scenarios: LoadedScenario[]; problems: string[] } {
  const problems = validate(data, schema).map((p) => `${file}: ${p}`);
  if (problems.length > 0) return { scenarios: [], problems };
  const parsed = data as ScenarioFile;
  const scenarios: LoadedScenario[] = [];
  for (const scenario of parsed.scenarios) {
    const where = `${file}: ${scenario.id}`;
    const source = scenario.source ?? sources[scenario.rule];
    if (source === undefined) problems.push(`${where}: rule ${scenario.rule} has no entry in ${SOURCES_FILE} and the scenario names no source`);
    if (!scenario.rule.startsWith(`${parsed.section}.`) && scenario.rule !== parsed.section) {
      problems.push(`${where}: rule ${scenario.rule} is not in section ${parsed.section}`);
    }
    const names = new Set<string>();
    for (const [i, step] of scenario.steps.entries()) {
      if (!isCallStep(step)) continue;
      try {
        expectedStatus(step.expect.status);
      } catch (error) {
        problems.push(`${where}: step ${i + 1}: ${(error as Error).message}`);
      }
      for (const ref of JSON.stringify(step).matchAll(/"\$(?:ref|later)":"([^".[\]]+)/g)) {
        if (!names.has(ref[1]!)) problems.push(`${where}: step ${i + 1} refers to ${ref[1]} before a step saves it`);
      }
      if (step.save !== undefined) names.add(step.save);
    }
    scenarios.push({ ...scenario, file, source: source ?? '' });
  }
  return { scenarios, problems };
}

/** Loads and checks every corpus file of `dir`. */
export function loadCorpus(dir: string): Corpus {
  const schema = readJson(join(dir, SCHEMA_FILE)) as Schema;
  const sources = readJson(join(dir, SOURCES_FILE)) as Record<string, string>;
  const scenarios: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const file of corpusFiles(dir)) {
    let data: unknown;
    try {
      data = readJson(join(dir, file));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    const checked = checkFile(data, schema, sources, file);
    scenarios.push(...checked.scenarios);
    problems.push(...checked.problems);
  }
  const seen = new Set<string>();
  for (const s of scenarios) {
    if (seen.has(s.id)) problems.push(`${s.file}: duplicate scenario id ${s.id}`);
    seen.add(s.id);
  }
  return { scenarios, problems };
}

/** The scenarios whose id, rule or title matches `filter` (a regular expression). */
export function filterScenarios(scenarios: LoadedScenario[], filter: string | undefined): LoadedScenario[] {
  if (filter === undefined) return scenarios;
  const re = new RegExp(filter);
  return scenarios.filter((s) => re.test(s.id) || re.test(`rule ${s.rule}`) || re.test(s.title));
}
