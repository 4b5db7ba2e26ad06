/**
 * The run's reports: JSON (everything, for tools) and one self-contained HTML page for
 * people — a table with one row per scenario (verdict, rule, source), failures and
 * differences listed first, and per scenario its steps with the dictionaries sent and both
 * outcomes side by side, the differing parts highlighted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from './format.js';
import { summaryLine, type Report, type ScenarioReport, type SideOutcome, type StepReport } from './runner.js';

export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function pretty(value: Json | undefined): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}

/**
 * Pretty-printed JSON as HTML, with the values at the differing paths ("result.labl",
 * "result[1]") wrapped in <mark>, so the eye finds the difference inside a large dictionary.
 */
export function markedJson(value: Json, marks: ReadonlySet<string>, path = 'result', indent = ''): string {
  let body: string;
  if (value !== null && typeof value === 'object') {
    const inner = `${indent}  `;
    const isArray = Array.isArray(value);
    const entries = isArray
      ? value.map((v, i) => `${inner}${markedJson(v, marks, `${path}[${i}]`, inner)}`)
      : Object.entries(value).map(([k, v]) => `${inner}${esc(JSON.stringify(k))}: ${markedJson(v, marks, `${path}.${k}`, inner)}`);
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    body = entries.length === 0 ? `${open}${close}` : `${open}\n${entries.join(',\n')}\n${indent}${close}`;
  } else {
    body = esc(JSON.stringify(value));
  }
  return marks.has(path) ? `<mark>${body}</mark>` : body;
}

function outcomeCell(side: SideOutcome | undefined, differs: boolean, marks: ReadonlySet<string> = new Set()): string {
  if (!side) return '<td class="none">not run</td>';
  const cls = side.mismatches.length > 0 || differs ? ' class="diff"' : '';
  const lines = [
    `<div class="status">${marks.has('status') ? `<mark>${side.status} ${esc(side.statusName)}</mark>` : `${side.status} ${esc(side.statusName)}`}</div>`,
    side.result === null ? '<div class="muted">no result</div>' : `<pre>${markedJson(side.result, marks)}</pre>`,
  ];
  if (side.message) lines.push(`<div class="muted">${esc(side.message)}</div>`);
  if (side.mismatches.length > 0) {
    lines.push(`<ul class="mismatch">${side.mismatches.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>`);
  }
  return `<td${cls}>${lines.join('')}</td>`;
}

function stepRow(step: StepReport, mode: Report['mode']): string {
  const what = step.call ?? (step.prompts !== undefined ? 'prompts shown so far (emulator)' : `control: ${step.control ?? ''}`);
  const dicts = step.dictionaries.map((d) => `<pre>${esc(pretty(d))}</pre>`).join('');
 const expect = step.prompts !== undefined ? `<div class="status">${step.prompts}</div>` : step.expect
    ? `<div class="status">${esc(String(step.expect.status))}</div>${step.expect.result === undefined ? '<div class="muted">result not checked</div>' : `<pre>${esc(pretty(step.expect.result))}</pre>`}`
    : '';
  const differs = step.differences.length > 0;
  const marks = new Set(step.differences);
  const diffNote = differs ? `<div class="difflist">differs at: ${step.differences.map(esc).join(', ')}</div>` : '';
  const sides = mode === 'native' ? [outcomeCell(step.native, differs)]
    : mode === 'emulator' ? [outcomeCell(step.emulator, differs)]
      : [outcomeCell(step.emulator, differs, marks), outcomeCell(step.native, differs, marks)];
  return `<tr><td>${step.index + 1}</td><td><b>${esc(what)}</b>${step.note ? `<div class="muted">${esc(step.note)}</div>` : ''}${dicts}${diffNote}</td><td>${expect}</td>${sides.join('')}</tr>`;
}

function scenarioDetail(s: ScenarioReport, mode: Report['mode']): string {
  const heads = mode === 'both' ? '<th>emulator</th><th>native</th>' : `<th>${mode}</th>`;
  const meta = [
    `<div><b>rule ${esc(s.rule)}</b> — ${esc(s.source)}</div>`,
    `<div class="muted">${esc(s.file)}${s.app ? ` · app ${esc(JSON.stringify(s.app.accessGroups))}` : ' · unsigned process'}</div>`,
  ];
  if (s.knownDifference) meta.push(`<div class="known">known difference: ${esc(s.knownDifference)}</div>`);
  if (s.reason) meta.push(`<div class="muted">${esc(s.reason)}</div>`);
  if (s.error) meta.push(`<div class="mismatch">${esc(s.error)}</div>`);
  return `<section id="${esc(s.id)}" class="${s.verdict}"><h3>${esc(s.id)} — ${esc(s.title)} <span class="badge ${s.verdict}">${s.verdict}</span></h3>${meta.join('')}
<table class="steps"><tr><th>#</th><th>call and dictionaries</th><th>expected</th>${heads}</tr>${s.steps.map((st) => stepRow(st, mode)).join('')}</table></section>`;
}

function differsAnywhere(s: ScenarioReport): boolean {
  return s.steps.some((st) => st.differences.length > 0);
}

function overviewRow(s: ScenarioReport): string {
  const diffs = s.steps.flatMap((st) => st.differences.map((d) => `step ${st.index + 1} ${d}`));
  const mismatches = s.steps.flatMap((st) => [...(st.emulator?.mismatches ?? []), ...(st.native?.mismatches ?? [])]
    .map((m) => `step ${st.index + 1} ${m}`));
  const detail = diffs.length > 0 ? `differs: ${diffs.join('; ')}` : mismatches.join('; ') || s.reason || s.error || '';
  return `<tr class="${s.verdict}"><td><span class="badge ${s.verdict}">${s.verdict}</span></td><td><a href="#${esc(s.id)}">${esc(s.id)}</a></td><td>${esc(s.rule)}</td><td>${esc(s.title)}</td><td class="small">${esc(detail)}</td></tr>`;
}

const STYLE = `body{font:14px/1.4 -apple-system,system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top;text-align:left}
pre{margin:2px 0;font-size:12px;white-space:pre-wrap;word-break:break-all}.muted{color:#777;font-size:12px}.small{font-size:12px}
.badge{padding:1px 6px;border-radius:8px;font-size:11px;color:#fff}.badge.passed{background:#2a7d2a}.badge.failed{background:#c0392b}.badge.skipped{background:#888}
tr.failed td{background:#fdecea}mark{background:#ffd54f;font-weight:bold}td.diff{background:#ffe3e0;border:2px solid #c0392b}.difflist,.mismatch{color:#c0392b;font-size:12px}
.known{color:#8a6d00}section{border-top:2px solid #ddd;margin-top:1.5em}section.failed h3{color:#c0392b}.status{font-weight:bold}td.none{color:#aaa}`;

/** The HTML report: one page, no external resources. */
export function reportHtml(report: Report): string {
  const ordered = [...report.scenarios].sort((a, b) => rank(a) - rank(b));
  const differing = report.scenarios.filter(differsAnywhere).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Keychain conformance — ${esc(summaryLine(report.summary))}</title><style>${STYLE}</style></head><body>
<h1>Keychain conformance report</h1>
<p><b>${esc(summaryLine(report.summary))}</b> · backend <b>${report.mode}</b>${report.mode === 'both' ? ` · ${differing} scenario(s) where the emulator and the real keychain differ` : ''} · started ${esc(report.startedAt)} · run prefix <code>${esc(report.prefix)}</code></p>
<p class="muted">Failures first. In <b>both</b> mode a scenario fails when the two backends' statuses or results differ (dates, persistent references and values the scenario accepts loosely are compared by kind); a red cell marks the side(s) that differ or miss the scenario's expectation.</p>
<table><tr><th>verdict</th><th>scenario</th><th>rule</th><th>title</th><th>what differs</th></tr>${ordered.map(overviewRow).join('')}</table>
${ordered.map((s) => scenarioDetail(s, report.mode)).join('\n')}
</body></html>
`;
}

function rank(s: ScenarioReport): number {
  return s.verdict === 'failed' ? 0 : s.verdict === 'skipped' ? 2 : 1;
}

/** Writes report.json and report.html into `dir`; returns their paths. */
export function writeReports(report: Report, dir: string): { json: string; html: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  writeFileSync(json, reportJson(report));
  writeFileSync(html, reportHtml(report));
  return { json, html };
}
