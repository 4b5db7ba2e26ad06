/**
 * The data protection keychain's attribute kinds (classes.json _meta.dataProtectionKinds): how
 * a value given for a column of each kind is stored — kept, converted or refused with
 * errSecParam (spec/semantics.md 2.6; SecDbItem.c copyBlob, copyNumber, copyData, copyDate).
 */
import { paramFailure } from './failure.js';
import { SecHandle } from '../handles.js';
import { describeKey, type CFValue } from '../values.js';
import { stringBytes, toNumber, type AttrValue } from './codec.js';
import { accessControlSpec } from './items.js';

/** Coerces one attribute value to its column kind (spec 2.6). */
export function coerce(kind: string, key: string, value: CFValue): AttrValue {
  const bad = (): never => {
    throw paramFailure(`${describeKey(key)} cannot take a value of type ${value instanceof SecHandle ? value.kind : Array.isArray(value) ? 'array' : value instanceof Date ? 'Date' : value instanceof Uint8Array ? 'data' : typeof value}`);
  };
  switch (kind) {
    case 'Blob':
      if (typeof value === 'string') return value;
      if (value instanceof Uint8Array) return Buffer.from(value);
      if (typeof value === 'number' || typeof value === 'bigint') return toNumber(value, key);
      return bad();
    case 'Number':
      if (typeof value === 'number' || typeof value === 'bigint') return toNumber(value, key);
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'string') {
        const n = Number(value);
        return /^[+-]?\d+$/.test(value) && String(n) === value.replace(/^\+/, '') ? n : value;
      }
      return bad();
    case 'Data':
    case 'UUID':
    case 'SHA1':
      if (value instanceof Uint8Array) return Buffer.from(value);
      if (typeof value === 'string') return stringBytes(value);
      if (typeof value === 'number' && kind === 'Data') {
        const b = Buffer.alloc(4);
        b.writeInt32LE(value | 0);
        return b;
      }
      return bad();
    case 'String':
      if (typeof value === 'string') return value;
      if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
      return bad();
    case 'Date':
    case 'CreationDate':
    case 'ModificationDate':
      return value instanceof Date ? value : bad();
    case 'Access':
      return typeof value === 'string' ? value : bad();
    case 'Sync':
    case 'Tomb':
      if (typeof value === 'boolean') return value ? 1 : 0;
      if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0 ? 1 : 0;
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return Number(value) !== 0 ? 1 : 0;
      return bad();
    case 'AccessControl': {
      const spec = accessControlSpec(value);
      return spec ?? bad();
    }
    default:
      return bad();
  }
}
