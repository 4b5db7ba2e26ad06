/**
 * Persistent references (spec/semantics.md 12).
 *
 * Data protection: the 4 ASCII bytes of the class followed by the item's 16-byte UUID (the
 * form macOS 14 and 15 hand out), or by an 8-byte big-endian row id (older form, only parsed).
 * File-based: a long opaque value naming the keychain and the record's primary key (12.4); the
 * emulator writes it as a tagged JSON text, which never parses as a data protection ref.
 */
const DP_CLASSES = new Set(['genp', 'inet', 'cert', 'keys', 'idnt']);

export type DataProtectionRef =
  | { cls: string; uuid: Buffer; rowid?: undefined }
  | { cls: string; rowid: number; uuid?: undefined };

export function isDataProtectionRef(bytes: Uint8Array): boolean {
  return parseDataProtectionRef(bytes) !== undefined;
}

export function parseDataProtectionRef(bytes: Uint8Array): DataProtectionRef | undefined {
  if (bytes.length !== 20 && bytes.length !== 12) return undefined;
  const buf = Buffer.from(bytes);
  const cls = buf.subarray(0, 4).toString('latin1');
  if (!DP_CLASSES.has(cls)) return undefined;
  if (buf.length === 20) return { cls, uuid: Buffer.from(buf.subarray(4)) };
  const rowid = buf.readBigUInt64BE(4);
  return { cls, rowid: Number(rowid) };
}

export function makeDataProtectionRef(cls: string, uuid: Buffer): Buffer {
  return Buffer.concat([Buffer.from(cls, 'latin1'), uuid]);
}

/** The file-based login keychain's identifier, as macOS abbreviates its path. */
export const LOGIN_KEYCHAIN = '~/Library/Keychains/login.keychain-db';

const FB_TAG = 'kcpr:';

export interface FileBasedRef {
  keychain: string;
  cls: string;
  pk: string;
}

export function makeFileBasedRef(cls: string, pk: string): Buffer {
  return Buffer.from(FB_TAG + JSON.stringify({ keychain: LOGIN_KEYCHAIN, cls, pk }), 'utf8');
}

export function parseFileBasedRef(bytes: Uint8Array): FileBasedRef | undefined {
  const text = Buffer.from(bytes).toString('utf8');
  if (!text.startsWith(FB_TAG)) return undefined;
  try {
    const parsed = JSON.parse(text.slice(FB_TAG.length)) as Partial<FileBasedRef>;
    if (typeof parsed.cls === 'string' && typeof parsed.pk === 'string' && typeof parsed.keychain === 'string') {
      return { keychain: parsed.keychain, cls: parsed.cls, pk: parsed.pk };
    }
  } catch {
    // not one of ours
  }
  return undefined;
}
