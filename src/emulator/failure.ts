import { SecError, secError, unexpectedError, type StatusName } from '../errors.js';

/**
 * A failure inside the emulator: a status and what went wrong, as a plain value. It carries
 * no stack, so making and discarding one costs nothing — the routing merges the two
 * keychains' outcomes (as SecItem.cpp does) and most failures of one side never reach the
 * caller. Only a failure that does reach the caller becomes a SecError ({@link toSecError}).
 */
// spec/semantics.md 1.4 (merging the two keychains' outcomes)
export class Failure {
  constructor(readonly code: StatusName, readonly detail: string) {}
}

/** A failure with a status given by name. */
export function fail(code: StatusName, detail: string): Failure {
  return new Failure(code, detail);
}

/** errSecParam naming the offending key or argument. */
export function paramFailure(detail: string): Failure {
  return new Failure('errSecParam', detail);
}

/**
 * What the caller gets: a Failure becomes the SecError it stands for, a SecError stays, and
 * anything else (a bug) is errSecInternalComponent — a backend rejects only with SecError.
 */
export function toSecError(error: unknown): SecError {
  if (error instanceof Failure) return secError(error.code, error.detail);
  const sqlite = sqliteFailure(error);
  return sqlite ?? unexpectedError(error);
}

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;

/**
 * The store's own failures (node:sqlite throws an Error with `errcode`): a lock that did not
 * clear within the busy timeout or a file the system will not read or write is errSecIO, a
 * file that became read-only errSecReadOnly — never errSecInternalComponent, which would say
 * the package is at fault.
 */
function sqliteFailure(error: unknown): SecError | undefined {
  const e = error as { code?: unknown; errcode?: unknown; errstr?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object' || e.code !== 'ERR_SQLITE_ERROR' || typeof e.errcode !== 'number') return undefined;
  const primary = e.errcode & 0xff;
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) {
    return secError('errSecIO', 'the store is locked by another process and did not become free within 10 s', { cause: error });
  }
  if (primary === SQLITE_READONLY) return secError('errSecReadOnly', `the store cannot be written: ${String(e.message)}`, { cause: error });
  return secError('errSecIO', `the store failed: ${String(e.message)} (SQLite ${e.errcode})`, { cause: error });
}

/** Whether a thrown value is a keychain status (either form), as opposed to a bug. */
export function isStatus(error: unknown): error is Failure | SecError {
  return error instanceof Failure || error instanceof SecError;
}

/** The status name of either form. */
export function statusOf(error: Failure | SecError): string {
  return error.code;
}
