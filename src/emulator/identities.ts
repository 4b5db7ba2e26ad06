/**
 * SecIdentity on the emulator (SecIdentity.h): a certificate and the private key of its
 * public key. A keychain has no identity items of its own: it pairs certificate items with
 * private-key items whose application label equals the certificate's public key hash
 * (spec/semantics.md 15.1).
 */
import { paramError } from '../errors.js';
import { SecHandle, handlePayload, makeHandle } from '../handles.js';
import { EMULATOR } from './keyModel.js';

/** What the emulator keeps in a SecIdentity handle. */
export interface EmulatedIdentity {
  readonly certificate: SecHandle;
  readonly privateKey: SecHandle;
}

/** An identity of a certificate handle and a private SecKey handle of the emulator. */
export function identityHandle(certificate: SecHandle, privateKey: SecHandle): SecHandle {
  if (certificate.kind !== 'SecCertificate' || certificate.backend !== EMULATOR) throw paramError('certificate must be a SecCertificate of this emulator');
  if (privateKey.kind !== 'SecKey' || privateKey.backend !== EMULATOR) throw paramError('privateKey must be a SecKey of this emulator');
  return makeHandle('SecIdentity', EMULATOR, { certificate, privateKey } satisfies EmulatedIdentity);
}

/** The identity inside a handle, or undefined for anything else. */
export function emulatedIdentity(handle: unknown): EmulatedIdentity | undefined {
  return handle instanceof SecHandle && handle.kind === 'SecIdentity' ? handlePayload<EmulatedIdentity>(handle, EMULATOR) : undefined;
}

/** The identity inside a handle; errSecParam naming `what` otherwise. */
export function requireIdentity(handle: unknown, what: string): EmulatedIdentity {
  const identity = emulatedIdentity(handle);
  if (!identity) throw paramError(`${what} must be a SecIdentity of this emulator`);
  return identity;
}
