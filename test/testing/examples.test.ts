import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The examples of docs/testing.md, run by the runner each was written for, from the built
// package (dist/) as an app's tests would run them. The vitest example runs in this suite
// itself (vitest.config.mts includes examples/testing/vitest/).
const root = join(__dirname, '..', '..');
const examples = join(root, 'examples', 'testing');
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'sf-testing-examples-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The environment's default store, which the examples must never create. */
const env = () => ({ ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator', SECURITY_FRAMEWORK_STORE: join(dir, 'store.sqlite'), NO_COLOR: '1' });
const testsIn = (file: string) => readFileSync(file, 'utf8').match(/^test\(/gm)?.length ?? 0;

describe('examples/testing', () => {
  it('jest: the keytar mock over the test keychain', () => {
    const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
    const out = execFileSync(process.execPath, [jest, '--config', join(examples, 'jest', 'jest.config.cjs'), '--ci', '--json', '--cacheDirectory', join(dir, 'jest-cache')], {
      cwd: root, encoding: 'utf8', env: env(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = JSON.parse(out) as { success: boolean; numPassedTests: number; numFailedTests: number; numTotalTestSuites: number };
    expect(result).toMatchObject({ success: true, numFailedTests: 0, numTotalTestSuites: 1 });
    expect(result.numPassedTests).toBe(testsIn(join(examples, 'jest', 'tokenStore.test.cjs')));
    expect(existsSync(join(dir, 'store.sqlite'))).toBe(false);
  });

  it('node:test: the process default is the test keychain, in the state the options describe', () => {
    const file = join(examples, 'node-test', 'vault.test.mjs');
    const out = execFileSync(process.execPath, ['--test', '--test-reporter=tap', file], {
      cwd: root, encoding: 'utf8', env: env(), stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toMatch(/^# fail 0$/m);
    expect(out).toMatch(new RegExp(`^# pass ${testsIn(file)}$`, 'm'));
    expect(existsSync(join(dir, 'store.sqlite'))).toBe(false);
  });

  it('every example folder is run: vitest here, jest and node:test above', () => {
    expect(readdirSync(examples).sort()).toEqual(['jest', 'node-test', 'vitest']);
    const config = readFileSync(join(root, 'vitest.config.mts'), 'utf8');
    expect(config).toContain("'examples/testing/vitest/**/*.test.ts'");
  });
});

describe('docs/testing.md and the README\'s testing section', () => {
  const sources = () => ['jest', 'node-test', 'vitest'].flatMap((folder) => readdirSync(join(examples, folder))
    .map((f) => readFileSync(join(examples, folder, f), 'utf8')));
  const blocks = (markdown: string) => [...markdown.matchAll(/```(?:ts|js)\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
  const readme = () => {
    const text = readFileSync(join(root, 'README.md'), 'utf8');
    const start = text.indexOf('## Testing an app that uses the keychain');
    expect(start).toBeGreaterThanOrEqual(0);
    const end = text.indexOf('\n## ', start + 1);
    return text.slice(start, end === -1 ? undefined : end);
  };

  it.each([
    ['docs/testing.md', () => readFileSync(join(root, 'docs', 'testing.md'), 'utf8')],
    ['README.md', readme],
  ])('%s shows only code from examples/testing/, which runs', (_, text) => {
    const found = blocks(text());
    expect(found.length).toBeGreaterThan(0);
    const code = sources();
    for (const block of found) expect(code.some((source) => source.includes(block)), block.slice(0, 80)).toBe(true);
  });
});
