/**
 * The per-binding call options (`interactive`, `timeout`) as one function over a backend, for
 * objects that take a backend and these options (Keychain): the same backend always gets the
 * same wrapper, so a `backend` option function that returns the process default does not make
 * a new wrapper per call.
 */
import type { Backend } from '../backend/backend.js';
import { applyInteraction } from './interaction.js';
import { limitCalls } from './timeout.js';

export function callBehaviour(interactive: boolean, timeout: number | undefined): (backend: Backend) => Backend {
  if (interactive && timeout === undefined) return (backend) => backend;
  const made = new WeakMap<Backend, Backend>();
  return (backend) => {
    let b = made.get(backend);
    if (!b) {
      b = applyInteraction(limitCalls(backend, timeout), interactive);
      made.set(backend, b);
    }
    return b;
  };
}
