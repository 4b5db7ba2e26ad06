import { SecError, secError, unexpectedError, type StatusName } from '../errors.js';

/**
 * A failure inside the emulator: a status and what went wrong, as a plain value. It carries
 * no stack, so making and discarding one costs nothing — the routing merges the two
 * keychains' outcomes (spec/semantics.md 1.4) and most failures of one side never reach the
 * caller. Only a failure that does reach the caller becomes a SecError ({@link toSecError}).
 */
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
  return error instanceof Failure ? secError(error.code, error.detail) : unexpectedError(error);
}

/** Whether a thrown value is a keychain status (either form), as opposed to a bug. */
export function isStatus(error: unknown): error is Failure | SecError {
  return error instanceof Failure || error instanceof SecError;
}

/** The status name of either form. */
export function statusOf(error: Failure | SecError): string {
  return error.code;
}
