/**
 * Strings are compared as CFString compares them, code unit by code unit: a lone surrogate is
 * kept, not replaced by U+FFFD, so 'k\uD800', 'k\uDBFF' and 'k\uFFFD' are three accounts in
 * both keychains (codec.ts matchKey, stringBytes; docs/emulator-differences.md).
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { matchKey, stringBytes } from '../../src/emulator/codec.js';

const ACCOUNTS = ['k\uD800', 'k\uDBFF', 'k\uFFFD', 'k\uDC00', 'k\uD83D\uDE00'];

describe('lone surrogates', () => {
  it.each([['the file-based keychain', false], ['the data protection keychain', true]])('13.1: %s keeps the accounts apart', async (_name, dp) => {
    const kc = createEmulator({ app: { accessGroups: ['TEAM.strings'] } });
    for (const acct of ACCOUNTS) await kc.SecItemAdd({ class: 'genp', nleg: dp, svce: 's', acct, v_Data: Buffer.from(acct.codePointAt(1)!.toString(16)) });
    for (const acct of ACCOUNTS) {
      const found = await kc.SecItemCopyMatching({ class: 'genp', nleg: dp, svce: 's', acct, r_Data: true, r_Attributes: true }) as Record<string, unknown>;
      expect(found.acct).toBe(acct);
      expect(String(found.v_Data)).toBe(acct.codePointAt(1)!.toString(16));
    }
    kc.close();
  });

  it('13.1: the bytes of a well-formed string are its UTF-8; a lone surrogate gets its own three bytes', () => {
    expect(stringBytes('k\uD83D\uDE00')).toEqual(Buffer.from('k\uD83D\uDE00', 'utf8'));
    expect(stringBytes('k\uD800')).toEqual(Buffer.from([0x6b, 0xed, 0xa0, 0x80]));
    expect(stringBytes('k\uFFFD')).toEqual(Buffer.from([0x6b, 0xef, 0xbf, 0xbd]));
    expect(new Set(ACCOUNTS.map((a) => matchKey(a, true))).size).toBe(ACCOUNTS.length);
    expect(new Set(ACCOUNTS.map((a) => matchKey(a, false))).size).toBe(ACCOUNTS.length);
  });

  it('3.5: a key joined from strings with "|" and "\\\\" cannot be mistaken for another', () => {
    const join = (...values: string[]) => values.map((v) => matchKey(v, false)).join('|');
    expect(join('a|s:b', 'c')).not.toBe(join('a', 'b|s:c'));
    expect(join('a\\', '|b')).not.toBe(join('a\\|', 'b'));
    expect(matchKey('plain', false)).toBe('s:plain'); // strings without them keep the form version 1 stored
  });
});
