import { describe, expect, it } from 'vitest';
import { SecCopyErrorMessageString, SecError } from '../src/index.js';

describe('SecError', () => {
  it('carries the status, Apple\'s name and message, and a hint', () => {
    const e = new SecError(-25299, 'detail here');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('SecError');
    expect(e.status).toBe(-25299);
    expect(e.code).toBe('errSecDuplicateItem');
    expect(e.message).toBe('The specified item already exists in the keychain. (detail here)');
    expect(e.hint).toMatch(/primary key/);
  });

  it.each([-34018, -25308, -25300, -25299, -25293, -128, -50])('has a hint for %i', (status) => {
    expect(new SecError(status).hint).toEqual(expect.any(String));
  });

  it('has no hint for other statuses and a generic name for unknown ones', () => {
    expect(new SecError(-4).hint).toBeUndefined();
    expect(new SecError(-4).code).toBe('errSecUnimplemented');
    expect(new SecError(12345).code).toBe('OSStatus 12345');
  });
});

describe('SecCopyErrorMessageString (spec 18.1)', () => {
  it('18.1 returns the SecBase.h comment text for known codes', () => {
    expect(SecCopyErrorMessageString(-25300)).toBe('The specified item could not be found in the keychain.');
    expect(SecCopyErrorMessageString(-34018)).toBe("A required entitlement isn't present.");
    expect(SecCopyErrorMessageString(0)).toBe('No error.');
  });

  it('18.1 returns the bare identifier for a code whose header line has no comment', () => {
    expect(SecCopyErrorMessageString(-2070)).toBe('errSecInternalComponent');
  });

  it('18.1 formats 100000–100255 as UNIX[strerror]', () => {
    expect(SecCopyErrorMessageString(100002)).toMatch(/^UNIX\[.+\]$/);
  });

  it('18.1 returns "OSStatus <n>" for unknown codes', () => {
    expect(SecCopyErrorMessageString(-1234567)).toBe('OSStatus -1234567');
  });
});
