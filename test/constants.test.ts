import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import * as constants from '../src/constants.js';

const specDir = join(__dirname, '..', '..', 'shared', 'spec');
const haveSpec = existsSync(join(specDir, 'constants.json'));

describe('constants', () => {
  it('exports the Apple raw values DESIGN.md quotes', () => {
    expect(api.kSecAttrAccount).toBe('acct');
    expect(api.kSecClass).toBe('class');
    expect(api.kSecClassGenericPassword).toBe('genp');
    expect(api.kSecAttrAccessibleWhenUnlocked).toBe('ak');
    expect(api.kSecMatchLimitAll).toBe('m_LimitAll');
    expect(api.kSecUseDataProtectionKeychain).toBe('nleg');
    expect(api.kSecKeyAlgorithmECDSASignatureMessageX962SHA256).toBe('algid:sign:ECDSA:message-X962:SHA256');
    expect(api.kSecAccessControlBiometryCurrentSet).toBe(8);
    expect(api.LAPolicyDeviceOwnerAuthentication).toBe(2);
  });

  it('every constant of the public surface is a string or a number', () => {
    for (const [name, value] of Object.entries(constants)) {
      expect(['string', 'number'], name).toContain(typeof value);
    }
  });

  it('constant types are literal types', () => {
    const genp: 'genp' = api.kSecClassGenericPassword;
    const flag: 1 = api.kSecAccessControlUserPresence;
    expect([genp, flag]).toEqual(['genp', 1]);
  });

  describe.skipIf(!haveSpec)('against spec/constants.json (skipped: ../shared/spec is not beside the checkout)', () => {
    it('exports every public constant of spec/constants.json with its exact value', () => {
      const spec = JSON.parse(readFileSync(join(specDir, 'constants.json'), 'utf8')) as Record<string, Record<string, unknown>>;
      const groups = ['itemClass', 'attribute', 'attributeValues', 'search', 'returnType', 'value', 'other',
        'keyParameters', 'keyAlgorithms', 'accessControlFlags', 'laPolicy', 'laError', 'laOther', 'unconfirmed'];
      let count = 0;
      for (const group of groups) {
        for (const [name, value] of Object.entries(spec[group]!)) {
          if (name.startsWith('_')) continue;
          expect((api as Record<string, unknown>)[name], name).toBe(value);
          count++;
        }
      }
      expect(count).toBeGreaterThan(250);
    });

    it('the generated files are what scripts/gen-constants.mjs writes today', async () => {
      const gen = await import('../scripts/gen-constants.mjs');
      const read = (f: string) => JSON.parse(readFileSync(join(specDir, f), 'utf8')) as unknown;
      const spec = read('constants.json');
      const { constants: c, tables } = gen.render(spec);
      const src = join(__dirname, '..', 'src');
      expect(readFileSync(join(src, 'constants.ts'), 'utf8')).toBe(c);
      expect(readFileSync(join(src, 'constantTables.ts'), 'utf8')).toBe(tables);
      expect(readFileSync(join(src, 'errorTable.ts'), 'utf8')).toBe(gen.renderErrors(read('errors.json')));
      expect(readFileSync(join(src, 'emulator', 'schemaTables.ts'), 'utf8')).toBe(gen.renderSchema(read('classes.json'), spec));
    });
  });
});
