/**
 * How the store seals a secret (docs/emulator-store.md, "What is encrypted"): AES-256-GCM,
 * laid out as nonce(12) ‖ tag(16) ‖ ciphertext, with a fresh random nonce for every value.
 *
 * A secret of up to CHUNK_SIZE bytes is one sealed value in its item's row, with the item's
 * uuid as associated data (the layout of every schema version). A larger secret is a run of
 * sealed chunks of CHUNK_SIZE bytes (the last one shorter), each with its own nonce and, as
 * associated data, the item's uuid, the chunk's index and the secret's whole length: a chunk
 * moved to another item or another place, a chunk dropped or added, or a changed length fails
 * authentication. Chunks let a large secret be written and read a chunk at a time, so that
 * neither the store nor SQLite ever holds a second copy of the whole secret.
 *
 * Functions throw node:crypto's error when a value fails authentication; the store reports it.
 */
import { createCipheriv, createDecipheriv, randomFillSync, type KeyObject } from 'node:crypto';

/** The bytes a sealed value adds: nonce and authentication tag. */
export const SEAL_OVERHEAD = 28;
/** The largest secret kept whole in its item's row, and the size of every chunk but the last. */
export const CHUNK_SIZE = 1 << 20;
/** How much is passed to the cipher at a time (its output is a new buffer each time). */
const PIECE = 1 << 16;

/** Whether a secret of `length` bytes is kept in chunks rather than in its item's row. */
export const isChunked = (length: number): boolean => length > CHUNK_SIZE;

/** How many chunks a secret of `length` bytes takes. */
export const chunkCount = (length: number): number => Math.ceil(length / CHUNK_SIZE);

/** The plaintext length of chunk `index` of a secret of `length` bytes. */
export const chunkLength = (length: number, index: number): number => Math.min(CHUNK_SIZE, length - index * CHUNK_SIZE);

/** A chunk's associated data: uuid(16) ‖ index (4 bytes, big-endian) ‖ length (8 bytes, big-endian). */
export function chunkAad(uuid: Uint8Array, index: number, length: number): Buffer {
  const aad = Buffer.allocUnsafe(uuid.byteLength + 12);
  aad.set(uuid, 0);
  aad.writeUInt32BE(index, uuid.byteLength);
  aad.writeBigUInt64BE(BigInt(length), uuid.byteLength + 4);
  return aad;
}

/**
 * Seals `data` into `out` (a new buffer when absent; else one of at least data.length +
 * SEAL_OVERHEAD bytes, reused by the caller) and returns the sealed bytes, a view of `out`.
 * The caller's bytes are read a piece at a time, never copied whole.
 */
export function seal(key: KeyObject, data: Uint8Array, aad: Uint8Array, out?: Buffer): Buffer {
  const target = out ?? Buffer.allocUnsafe(SEAL_OVERHEAD + data.byteLength);
  randomFillSync(target, 0, 12);
  const cipher = createCipheriv('aes-256-gcm', key, target.subarray(0, 12));
  cipher.setAAD(aad);
  let at = SEAL_OVERHEAD;
  for (let i = 0; i < data.byteLength; i += PIECE) at += cipher.update(data.subarray(i, i + PIECE)).copy(target, at);
  at += cipher.final().copy(target, at);
  cipher.getAuthTag().copy(target, 12);
  return at === target.length ? target : target.subarray(0, at);
}

/** Decrypts the body of `sealed` into `out` at `offset`; the number of bytes written. */
function decryptInto(key: KeyObject, sealed: Uint8Array, body: Buffer, aad: Uint8Array, out: Buffer, offset: number): number {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(12, SEAL_OVERHEAD));
  let at = offset;
  for (let i = 0; i < body.length; i += PIECE) at += decipher.update(body.subarray(i, i + PIECE)).copy(out, at);
  at += decipher.final().copy(out, at);
  return at - offset;
}

const bodyOf = (sealed: Uint8Array): Buffer =>
  Buffer.from(sealed.buffer, sealed.byteOffset + SEAL_OVERHEAD, sealed.byteLength - SEAL_OVERHEAD);

/** Opens a sealed value into `out` at `offset`; the number of bytes written. */
export function openInto(key: KeyObject, sealed: Uint8Array, aad: Uint8Array, out: Buffer, offset: number): number {
  return decryptInto(key, sealed, bodyOf(sealed), aad, out, offset);
}

/**
 * Opens a sealed value over its own ciphertext (the bytes must be the caller's own copy, as
 * a value read from SQLite is): the secret is not held twice.
 */
export function openInPlace(key: KeyObject, sealed: Uint8Array, aad: Uint8Array): Buffer {
  const body = bodyOf(sealed);
  const n = decryptInto(key, sealed, body, aad, body, 0);
  return n === body.length ? body : body.subarray(0, n);
}
