import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/conformance/loader.js';
import { runScenario } from '../../src/conformance/runner.js';
import { emulatorFactory } from '../../src/conformance/targets.js';
import sources from '../../conformance/scenarios/sources.json';

// The corpus itself: every file valid against scenario.schema.json, and every scenario run on a
// fresh emulator (spec/semantics.md is the judge: a failure here is an emulator bug or a corpus
// bug, never something to relax).
const corpus = loadCorpus(join(__dirname, '..', '..', 'conformance', 'scenarios'));

describe('conformance corpus', () => {
  it('loads without schema or consistency problems', () => {
    expect(corpus.problems).toEqual([]);
  });

  it('has at least 150 scenarios, each naming its rule and source', () => {
    expect(corpus.scenarios.length).toBeGreaterThanOrEqual(150);
    for (const s of corpus.scenarios) {
      expect(s.source.length, s.id).toBeGreaterThan(10);
      expect(Object.keys(sources), s.id).toContain(s.rule);
    }
  });

  it('covers both keychains: data protection scenarios run as an entitled app, file-based ones unsigned', () => {
    const entitled = corpus.scenarios.filter((s) => s.app !== undefined).length;
    const unsigned = corpus.scenarios.length - entitled;
    expect(entitled).toBeGreaterThan(50);
    expect(unsigned).toBeGreaterThan(50);
  });
});

describe('conformance corpus on the emulator', () => {
  for (const scenario of corpus.scenarios) {
    it(`${scenario.id} (rule ${scenario.rule})`, async () => {
      const report = await runScenario(scenario, { emulator: emulatorFactory }, 'emulator', 'sfconf-test-');
      const problems = report.steps.flatMap((st) => (st.emulator?.mismatches ?? []).map((m) => `step ${st.index + 1}: ${m}`));
      if (report.error) problems.push(report.error);
      if (scenario.knownDifference !== undefined) {
        // A documented emulator limit must still be a real difference, or the note is stale.
        expect(problems.length).toBeGreaterThan(0);
        return;
      }
      expect(problems).toEqual([]);
      expect(report.verdict).toBe('passed');
    });
  }
});
