import { describe, expect, it } from 'vitest';
import { markedJson, reportHtml } from '../../src/conformance/report.js';
import type { Report, ScenarioReport } from '../../src/conformance/runner.js';

describe('markedJson', () => {
  const text = (html: string) => html.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  it('prints JSON and marks exactly the differing paths', () => {
    const html = markedJson({ a: 1, b: ['x', { c: '<y>' }] }, new Set(['result.b[1].c']));
    expect(html).toContain('&lt;y&gt;');
    expect(text(html)).toBe('{\n  "a": 1,\n  "b": [\n    "x",\n    {\n      "c": <mark>"<y>"</mark>\n    }\n  ]\n}');
    expect(JSON.parse(text(markedJson({ a: [1, {}], b: [] }, new Set())))).toEqual({ a: [1, {}], b: [] });
    expect(text(markedJson({ a: 1 }, new Set(['result'])))).toBe('<mark>{\n  "a": 1\n}</mark>');
  });
});

describe('reportHtml', () => {
  const scenario = (id: string, verdict: ScenarioReport['verdict'], emulatorStatus: number, nativeStatus: number): ScenarioReport => ({
    id, title: `title of ${id}`, rule: '4.6', source: 'src', file: 'f.json', verdict,
    steps: [{
      index: 0, call: 'SecItemCopyMatching', dictionaries: [{ class: 'genp' }], expect: { status: 'errSecItemNotFound' },
      emulator: { status: emulatorStatus, statusName: 'a', result: null, mismatches: [] },
      native: { status: nativeStatus, statusName: 'b', result: null, mismatches: emulatorStatus === nativeStatus ? [] : ['status: …'] },
      differences: emulatorStatus === nativeStatus ? [] : ['status'],
    }],
  });
  const report: Report = {
    mode: 'both', prefix: 'p-', startedAt: 't', summary: { passed: 1, failed: 1, skipped: 0 },
    scenarios: [scenario('s4-same', 'passed', -25300, -25300), scenario('s4-differs', 'failed', -25300, -50)],
  };

  it('lists failures first, one row per scenario, and marks the differing status', () => {
    const html = reportHtml(report);
    const rows = [...html.matchAll(/<tr class="(passed|failed|skipped)"><td>.*?href="#([^"]+)"/g)].map((m) => m[2]);
    expect(rows).toEqual(['s4-differs', 's4-same']);
    expect(html).toContain('1 scenario(s) where the emulator and the real keychain differ');
    expect(html).toContain('<mark>-50 b</mark>');
    expect(html).toContain('differs: step 1 status');
  });
});
