/**
 * Prints each part's figures after the run, one line per part, in a fixed order — the
 * numbers the parts recorded with reportFigures (support/figures.ts).
 */
import type { Reporter, TestModule } from 'vitest/node';

const ORDER = ['SIGKILL', 'Concurrency', 'Bad files', 'Fuzz'];

export default class FiguresReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const lines: { part: string; line: string; state: string }[] = [];
    for (const module of testModules) {
      // A part that sums up several tests keeps its line on the file (bad-files.reliability.ts).
      const own = module.meta().reliabilityFigures;
      if (own) lines.push({ ...own, state: module.state() });
      for (const test of module.children.allTests()) {
        const figures = test.meta().reliabilityFigures;
        if (figures) lines.push({ ...figures, state: test.result().state });
      }
    }
    lines.sort((a, b) => ORDER.indexOf(a.part) - ORDER.indexOf(b.part));
    const out = ['', ' Reliability figures'];
    for (const l of lines) out.push(`   ${l.state === 'passed' ? '✓' : l.state === 'failed' ? '✗' : '·'} ${l.line}`);
    if (lines.length === 0) out.push('   (no part reported figures)');
    process.stdout.write(`${out.join('\n')}\n\n`);
  }
}
