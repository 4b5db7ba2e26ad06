import { describe, expect, it } from 'vitest';
import { SecCopyErrorMessageString, SecError, Status, secError } from '../../src/errors.js';
import { Failure, fail, isStatus, paramFailure, statusOf, toSecError } from '../../src/emulator/failure.js';

describe('Failure', () => {
  it('1.4: carries its status name and detail as plain fields', () => {
    const f = fail('errSecDuplicateItem', 'already there');
    expect(f).toBeInstanceOf(Failure);
    expect(f.code).toBe('errSecDuplicateItem');
    expect(f.detail).toBe('already there');
  });

  it('1.4: carries no stack and is not an Error (a discarded side costs nothing)', () => {
    const f = fail('errSecItemNotFound', 'nothing');
    expect(f).not.toBeInstanceOf(Error);
    expect('stack' in f).toBe(false);
    expect((f as unknown as { stack?: unknown }).stack).toBeUndefined();
    expect(Object.keys(f).sort()).toEqual(['code', 'detail']);
  });

  it('DESIGN 5: paramFailure is errSecParam with the detail naming the key', () => {
    const f = paramFailure('kSecAttrService ("svce") must be a string');
    expect(f).toBeInstanceOf(Failure);
    expect(f).toMatchObject({ code: 'errSecParam', detail: 'kSecAttrService ("svce") must be a string' });
  });
});

describe('toSecError', () => {
  it.each([
    ['errSecParam', -50],
    ['errSecDuplicateItem', -25299],
    ['errSecItemNotFound', -25300],
    ['errSecMissingEntitlement', -34018],
    ['errSecInteractionNotAllowed', -25308],
    ['errSecNoSuchAttr', -25303],
  ] as const)('DESIGN 5: a Failure of %s becomes the SecError of that status (%i)', (code, status) => {
    const error = toSecError(fail(code, 'what went wrong'));
    expect(error).toBeInstanceOf(SecError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ status, code, name: 'SecError' });
    expect(Status[code]).toBe(status);
  });

  it('DESIGN 5: keeps the message: Apple\'s text for the status and the Failure\'s detail, exactly as secError builds it', () => {
    const error = toSecError(fail('errSecDuplicateItem', 'an item with the same primary key exists')) as SecError;
    expect(error.message).toBe(`${SecCopyErrorMessageString(-25299)} (an item with the same primary key exists)`);
    expect(error.message).toBe(secError('errSecDuplicateItem', 'an item with the same primary key exists').message);
  });

  it('DESIGN 5: the SecError it makes has a stack (it reaches the caller)', () => {
    const error = toSecError(fail('errSecParam', 'x')) as SecError;
    expect(typeof error.stack).toBe('string');
  });

  it('DESIGN 5: a SecError passes through unchanged', () => {
    const sec = secError('errSecNotAvailable', 'closed');
    expect(toSecError(sec)).toBe(sec);
  });

  it.each<[string, unknown]>([
    ['a TypeError', new TypeError('boom')],
    ['a status-looking plain object', { code: 'errSecParam', detail: 'x' }],
    ['a string', 'text'],
    ['undefined', undefined],
  ])('DESIGN 5: anything else (%s, a bug) becomes errSecInternalComponent with the original as its cause', (_name, value) => {
    const error = toSecError(value);
    expect(error).toBeInstanceOf(SecError);
    expect(error).toMatchObject({ code: 'errSecInternalComponent', status: -2070 });
    expect(error.cause).toBe(value);
    expect(error.message).toContain(String(value));
  });
});

describe('isStatus / statusOf', () => {
  it('1.4: a Failure and a SecError are statuses; anything else is not', () => {
    expect(isStatus(fail('errSecParam', 'x'))).toBe(true);
    expect(isStatus(secError('errSecParam', 'x'))).toBe(true);
    expect(isStatus(new Error('x'))).toBe(false);
    expect(isStatus({ code: 'errSecParam', detail: 'x' })).toBe(false);
    expect(isStatus('errSecParam')).toBe(false);
    expect(isStatus(undefined)).toBe(false);
  });

  it('1.4: statusOf gives the status name of either form', () => {
    expect(statusOf(fail('errSecItemNotFound', 'x'))).toBe('errSecItemNotFound');
    expect(statusOf(secError('errSecItemNotFound', 'x'))).toBe('errSecItemNotFound');
  });
});
