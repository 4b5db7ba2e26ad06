import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The compile error a typed caller meets for an accessibility or synchronizable: true beside an
// access control states Apple's rule (spec 2.7, 3.7), not the list of accessibility words.
// types.test.ts proves that these lines fail to compile; this proves what the error says.

const root = join(__dirname, '..', '..');
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'sf-protection-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The compiler's messages, flattened, for one statement using GenericPasswordSpec and an access control `ac`. */
function diagnose(statement: string): string[] {
  const file = join(dir, `case-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(file, [
    `import type { GenericPasswordSpec } from ${JSON.stringify(join(root, 'src', 'typed', 'types.js'))};`,
    `import type { SecHandle } from ${JSON.stringify(join(root, 'src', 'handles.js'))};`,
    'declare const ac: SecHandle;',
    statement,
  ].join('\n'));
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2023,
    strict: true, noEmit: true, skipLibCheck: true, types: [],
  });
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const RULE = 'kSecAttrAccessible cannot be given beside kSecAttrAccessControl, which carries its own accessibility; nor can kSecAttrSynchronizable true (errSecParam)';

describe('the compile error for a protection Apple refuses', () => {
  it('2.7 accessible beside accessControl: the error states the rule and lists no accessibility words', () => {
    for (const accessible of ['whenUnlocked', 'afterFirstUnlockThisDeviceOnly']) {
      const [message, ...more] = diagnose(`export const a: GenericPasswordSpec = { class: 'genericPassword', service: 's', accessControl: ac, accessible: '${accessible}' };`);
      expect(more).toEqual([]);
      expect(message).toContain(RULE);
      expect(message).not.toContain('"afterFirstUnlock"');
    }
  }, 30_000);

  it('2.7 also when the accessibility comes from a variable of the Accessibility type', () => {
    const messages = diagnose(`import type { Accessibility } from ${JSON.stringify(join(root, 'src', 'typed', 'words.js'))};
      declare const level: Accessibility;
      export const a: GenericPasswordSpec = { class: 'genericPassword', accessControl: ac, accessible: level };`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(RULE);
  }, 30_000);

  it('3.7 synchronizable: true beside accessControl: the same rule', () => {
    const messages = diagnose("export const a: GenericPasswordSpec = { class: 'genericPassword', accessControl: ac, synchronizable: true };");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(RULE);
  }, 30_000);

  it('what Apple accepts still compiles: an access control alone, an accessibility alone, either with synchronizable false', () => {
    expect(diagnose(`export const a: GenericPasswordSpec[] = [
      { class: 'genericPassword', accessControl: ac },
      { class: 'genericPassword', accessControl: ac, synchronizable: false, accessible: undefined },
      { class: 'genericPassword', accessible: 'whenUnlockedThisDeviceOnly', synchronizable: false },
      { class: 'genericPassword', accessible: 'afterFirstUnlock', synchronizable: true },
    ];`)).toEqual([]);
  }, 30_000);

  it('a wrong accessibility word alone still lists the words (that error is the right one there)', () => {
    const messages = diagnose("export const a: GenericPasswordSpec = { class: 'genericPassword', accessible: 'sometimes' };");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('"afterFirstUnlock"');
  }, 30_000);
});
