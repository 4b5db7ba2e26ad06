import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The docs show code only from examples/, which the type checker compiles and
// test/typed/examples.test.ts runs: every ```ts block must be (part of) one of those files.
const root = join(__dirname, '..', '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'))
  .map((f) => readFileSync(join(root, 'examples', f), 'utf8'));

function tsBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
}

/** The README section this work owns (other sections show raw-layer code of their own). */
function readmeSection(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Typed API');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('code in the docs', () => {
  const docs: [string, string][] = [
    ['docs/cookbook.md', readFileSync(join(root, 'docs', 'cookbook.md'), 'utf8')],
    ['docs/migrating-from-keytar.md', readFileSync(join(root, 'docs', 'migrating-from-keytar.md'), 'utf8')],
    ['README.md (typed section)', readmeSection()],
  ];
  for (const [name, text] of docs) {
    it(`${name}: every ts block is type-checked code from examples/`, () => {
      const blocks = tsBlocks(text);
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) expect(examples.some((source) => source.includes(block)), block.slice(0, 80)).toBe(true);
    });
  }
});
