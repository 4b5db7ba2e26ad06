import { describe, expect, it, vi, type Mock } from 'vitest';
import { argumentRules, RAW_CALLS, type ArgumentRule, type RuledCall } from '../../src/arguments.js';
import { BoundBackend, bind, bindCalls, dispatch, unbound } from '../../src/api/bind.js';
import type { Backend } from '../../src/backend/backend.js';
import { SecError, secError } from '../../src/errors.js';
import { makeHandle, type HandleKind } from '../../src/handles.js';

// DESIGN.md principles 4 and 5, docs/architecture.md "api/bind.ts": every raw call is bound
// once over a backend; its arguments are checked (errSecParam naming the argument) before the
// backend is asked for; anything thrown becomes a rejected Promise carrying a SecError.

const CALLS = Object.keys(argumentRules) as RuledCall[];

/** A backend whose every method is a spy; `impl` overrides some of them. */
function fakeBackend(impl: Partial<Record<string, (...args: unknown[]) => unknown>> = {}): Backend {
  const backend: Record<string, unknown> = { name: 'fake' };
  for (const call of CALLS) backend[call] = vi.fn(impl[call] ?? (async () => `${call} answered`));
  for (const sync of ['laContextCreate', 'laContextBiometryType', 'laContextGet', 'laContextSet', 'laContextInvalidate', 'close']) {
    backend[sync] = vi.fn(impl[sync] ?? (() => `${sync} answered`));
  }
  return backend as unknown as Backend;
}

/** The spy behind one of a fake backend's methods. */
const spy = (backend: Backend, name: string): Mock => (backend as unknown as Record<string, Mock>)[name]!;

/** Arguments that pass each call's row. */
function validArgs(call: RuledCall): unknown[] {
  return argumentRules[call].map(([, rule]) => {
    switch (rule as ArgumentRule) {
      case 'dictionary': return { class: 'genp' };
      case 'data': return Buffer.from('x');
      case 'string':
      case 'nonEmptyString': return 'x';
      case 'integer':
      case 'flags': return 1;
      default: return makeHandle(rule as HandleKind, 'fake', {});
    }
  });
}

/** A bad value for a call's first argument (none of the rules accepts a symbol). */
const badArgs = (call: RuledCall): unknown[] => [Symbol('bad'), ...validArgs(call).slice(1)];

const invoke = (calls: object, call: RuledCall, args: unknown[]): Promise<unknown> =>
  (calls as Record<string, (...a: unknown[]) => Promise<unknown>>)[call]!(...args);

describe('bindCalls', () => {
  it('DESIGN public contract: binds every row of argumentRules, the raw calls included', () => {
    const calls = bindCalls(() => fakeBackend());
    expect(Object.keys(calls).sort()).toEqual([...CALLS].sort());
    for (const call of RAW_CALLS) expect(typeof (calls as Record<string, unknown>)[call]).toBe('function');
  });

  it.each(CALLS)('2.9: %s with a bad argument rejects with errSecParam before the backend is asked for', async (call) => {
    const getBackend = vi.fn((): Backend => {
      throw new Error('the backend must not be asked for');
    });
    const calls = bindCalls(getBackend);
    const error = await invoke(calls, call, badArgs(call)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SecError);
    expect(error).toMatchObject({ code: 'errSecParam', status: -50 });
    expect((error as SecError).message).toContain(argumentRules[call][0]![0]);
    expect(getBackend).not.toHaveBeenCalled();
  });

  it.each(CALLS)('2.9: %s with good arguments asks for the backend once and passes the checked arguments in order', async (call) => {
    const backend = fakeBackend();
    const getBackend = vi.fn(() => backend);
    const args = validArgs(call);
    await expect(invoke(bindCalls(getBackend), call, args)).resolves.toBe(`${call} answered`);
    expect(getBackend).toHaveBeenCalledTimes(1);
    expect(spy(backend, call)).toHaveBeenCalledTimes(1);
    expect(spy(backend, call).mock.calls[0]).toEqual(args);
    expect(spy(backend, call).mock.contexts[0]).toBe(backend);
  });

  it('2.9: the backend receives a copy of a dictionary, not the caller\'s object', async () => {
    const backend = fakeBackend();
    const dict = { class: 'genp', v_Data: Buffer.from('pw') };
    await bindCalls(() => backend).SecItemAdd(dict);
    const received = spy(backend, 'SecItemAdd').mock.calls[0]![0] as Record<string, unknown>;
    expect(received).toEqual(dict);
    expect(received).not.toBe(dict);
  });

  it('2.9: ignores arguments beyond the row', async () => {
    const backend = fakeBackend();
    await invoke(bindCalls(() => backend), 'SecItemDelete', [{ class: 'genp' }, 'extra']);
    expect(spy(backend, 'SecItemDelete').mock.calls[0]).toEqual([{ class: 'genp' }]);
  });

  it('DESIGN 4: a bad argument never throws synchronously: the call returns a rejected Promise', () => {
    const calls = bindCalls(() => fakeBackend());
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = invoke(calls, 'SecItemAdd', ['not a dictionary']);
    }).not.toThrow();
    expect(promise).toBeInstanceOf(Promise);
    return expect(promise).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('DESIGN 4: a backend method that throws a SecError synchronously gives a rejected Promise with that SecError', async () => {
    const thrown = secError('errSecDuplicateItem', 'taken');
    const calls = bindCalls(() => fakeBackend({
      SecItemAdd: () => {
        throw thrown;
      },
    }));
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = calls.SecItemAdd({ class: 'genp' });
    }).not.toThrow();
    await expect(promise).rejects.toBe(thrown);
  });

  it('DESIGN 5: a backend method that throws something else gives errSecInternalComponent, with the original as its cause', async () => {
    const bug = new TypeError('x is undefined');
    const calls = bindCalls(() => fakeBackend({
      SecItemCopyMatching: () => {
        throw bug;
      },
    }));
    const error = await calls.SecItemCopyMatching({ class: 'genp' }).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SecError);
    expect(error).toMatchObject({ code: 'errSecInternalComponent', status: -2070 });
    expect((error as SecError).cause).toBe(bug);
    expect((error as SecError).message).toContain('x is undefined');
  });

  it('DESIGN 5: a backend Promise rejected with something else gives errSecInternalComponent too', async () => {
    const calls = bindCalls(() => fakeBackend({ SecItemDelete: () => Promise.reject(new RangeError('nope')) }));
    await expect(calls.SecItemDelete({ class: 'genp' })).rejects.toMatchObject({ code: 'errSecInternalComponent' });
  });

  it('DESIGN 5: a backend Promise rejected with a SecError keeps that SecError', async () => {
    const error = secError('errSecItemNotFound', 'none');
    const calls = bindCalls(() => fakeBackend({ SecItemDelete: () => Promise.reject(error) }));
    await expect(calls.SecItemDelete({ class: 'genp' })).rejects.toBe(error);
  });

  it('DESIGN 5: a backend getter that throws (after the arguments passed) gives a rejected Promise', async () => {
    const calls = bindCalls(() => {
      throw secError('errSecNotAvailable', 'no backend');
    });
    await expect(calls.SecItemAdd({ class: 'genp' })).rejects.toMatchObject({ code: 'errSecNotAvailable' });
    const broken = bindCalls(() => {
      throw new Error('cannot load');
    });
    await expect(broken.SecItemAdd({ class: 'genp' })).rejects.toMatchObject({ code: 'errSecInternalComponent' });
  });

  it('DESIGN keychain(): asks for the backend at every call (the default backend may change between calls)', async () => {
    const first = fakeBackend();
    const second = fakeBackend();
    let current = first;
    const calls = bindCalls(() => current);
    await calls.SecItemDelete({ class: 'genp' });
    current = second;
    await calls.SecItemDelete({ class: 'genp' });
    expect(spy(first, 'SecItemDelete')).toHaveBeenCalledTimes(1);
    expect(spy(second, 'SecItemDelete')).toHaveBeenCalledTimes(1);
  });

  it('2.9: a bound backend returned by the getter is unwrapped (no second check): its own backend answers', async () => {
    const raw = fakeBackend();
    const calls = bindCalls(() => bind(raw));
    await calls.SecItemCopyMatching({ class: 'genp' });
    expect(spy(raw, 'SecItemCopyMatching')).toHaveBeenCalledTimes(1);
    expect(spy(raw, 'SecItemCopyMatching').mock.contexts[0]).toBe(raw);
  });
});

describe('dispatch', () => {
  it('DESIGN 4: resolves with the value, whether the function returns it or a Promise of it', async () => {
    await expect(dispatch(() => 7)).resolves.toBe(7);
    await expect(dispatch(async () => 8)).resolves.toBe(8);
  });

  it('DESIGN 5: turns a thrown non-Error value into errSecInternalComponent', async () => {
    await expect(dispatch(() => {
      throw 'text';
    })).rejects.toMatchObject({ code: 'errSecInternalComponent', cause: 'text' });
  });
});

describe('bind / unbound / BoundBackend', () => {
  it('DESIGN 5: bind() returns the same object for the same backend', () => {
    const backend = fakeBackend();
    const a = bind(backend);
    expect(a).toBeInstanceOf(BoundBackend);
    expect(bind(backend)).toBe(a);
    expect(bind(fakeBackend())).not.toBe(a);
  });

  it('DESIGN 5: bind() of a bound backend is that bound backend', () => {
    const b = bind(fakeBackend());
    expect(bind(b)).toBe(b);
  });

  it('DESIGN 5: unbound() gives the wrapped backend; a backend that is not bound is its own', () => {
    const backend = fakeBackend();
    expect(unbound(bind(backend))).toBe(backend);
    expect(unbound(backend)).toBe(backend);
    expect(unbound(new BoundBackend(backend))).toBe(backend);
  });

  it('DESIGN keychain(): keeps the backend\'s name', () => {
    expect(bind(fakeBackend()).name).toBe('fake');
  });

  it('2.9: its raw calls are checked: a bad argument never reaches the backend', async () => {
    const backend = fakeBackend();
    const bound = bind(backend);
    for (const call of CALLS) {
      await expect(invoke(bound, call, badArgs(call))).rejects.toMatchObject({ code: 'errSecParam' });
      expect(spy(backend, call)).not.toHaveBeenCalled();
    }
  });

  it('2.9: its raw calls reach the backend with good arguments', async () => {
    const backend = fakeBackend();
    const bound = bind(backend);
    for (const call of CALLS) {
      await expect(invoke(bound, call, validArgs(call))).resolves.toBe(`${call} answered`);
      expect(spy(backend, call)).toHaveBeenCalledTimes(1);
    }
  });

  it('17: passes the synchronous LAContext methods and close() straight to the backend', () => {
    const backend = fakeBackend();
    const bound = bind(backend);
    const ctx = makeHandle('LAContext', 'fake', {});
    expect(bound.laContextCreate()).toBe('laContextCreate answered');
    expect(bound.laContextBiometryType(ctx)).toBe('laContextBiometryType answered');
    bound.laContextGet(ctx, 'localizedReason');
    bound.laContextSet(ctx, 'interactionNotAllowed', true);
    bound.laContextInvalidate(ctx);
    bound.close();
    expect(spy(backend, 'laContextBiometryType')).toHaveBeenCalledWith(ctx);
    expect(spy(backend, 'laContextGet')).toHaveBeenCalledWith(ctx, 'localizedReason');
    expect(spy(backend, 'laContextSet')).toHaveBeenCalledWith(ctx, 'interactionNotAllowed', true);
    expect(spy(backend, 'laContextInvalidate')).toHaveBeenCalledWith(ctx);
    expect(spy(backend, 'close')).toHaveBeenCalledTimes(1);
  });
});
