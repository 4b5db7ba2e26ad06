import * as c from '../constants.js';
import type { ItemClassName, StoredPasswordAttributes, GenericPasswordItem, InternetPasswordItem } from './types.js';

/**
 * One table per item class: plain attribute name → Apple key and value kind. Encoding
 * (typed → Apple dictionary) and decoding (Apple dictionary → typed result) both read these
 * tables; adding a class (keys, certificates) means adding a table.
 */

/** How a value is checked on the way in and converted on the way out. */
export type AttributeKind =
  | 'string'        // CFString
  | 'data'          // CFData; a string is sent as its UTF-8 bytes so results are always Buffers
  | 'boolean'       // CFBoolean; data protection results use 0/1 (spec/semantics.md 14.2)
  | 'fourCharCode'  // CFNumber (UInt32); a 4-character string is packed big-endian
  | 'port'          // CFNumber, 0–65535
  | 'date'          // CFDate, set by the system: read-only
  | 'accessible'    // one of the accessibility words
  | 'synchronizable'// CFBoolean, or kSecAttrSynchronizableAny in a search
  | 'accessControl' // a SecAccessControl handle
  | 'protocol'      // one of the protocol words
  | 'authenticationType';

export interface AttributeDef {
  readonly key: string;
  readonly kind: AttributeKind;
  /** Part of the class's primary key (spec classes.json: DP primaryKeyRaw, FB primaryKeyPublic). */
  readonly primaryKey?: boolean;
  /** The system sets it; callers cannot (3.4). */
  readonly readOnly?: boolean;
}

export interface ClassSchema {
  readonly name: ItemClassName;
  /** Apple's `kSecClass` value. */
  readonly classValue: string;
  readonly attributes: Readonly<Record<string, AttributeDef>>;
  /**
   * The value the keychain stores for a primary-key attribute the add left out (classes.json
   * `filledOnAdd`: '' for strings, 0 for numbers; FB stores an absent protocol or
   * authentication type as "any"). Needed to name exactly the colliding item after
   * errSecDuplicateItem: leaving such an attribute out of a query would match every value.
   */
  readonly emptyPrimaryKey: Readonly<Record<string, string | number>>;
}

/** Every attribute of a stored item except the class-specific ones, keyed like the result types. */
type CommonResultKeys = Exclude<keyof StoredPasswordAttributes, 'keychain' | 'data' | 'raw'>;

const passwordAttributes = {
  account: { key: c.kSecAttrAccount, kind: 'string', primaryKey: true },
  label: { key: c.kSecAttrLabel, kind: 'string' },
  comment: { key: c.kSecAttrComment, kind: 'string' },
  description: { key: c.kSecAttrDescription, kind: 'string' },
  creator: { key: c.kSecAttrCreator, kind: 'fourCharCode' },
  type: { key: c.kSecAttrType, kind: 'fourCharCode' },
  isInvisible: { key: c.kSecAttrIsInvisible, kind: 'boolean' },
  isNegative: { key: c.kSecAttrIsNegative, kind: 'boolean' },
  accessGroup: { key: c.kSecAttrAccessGroup, kind: 'string', primaryKey: true },
  accessible: { key: c.kSecAttrAccessible, kind: 'accessible' },
  synchronizable: { key: c.kSecAttrSynchronizable, kind: 'synchronizable', primaryKey: true },
  accessControl: { key: c.kSecAttrAccessControl, kind: 'accessControl' },
  creationDate: { key: c.kSecAttrCreationDate, kind: 'date', readOnly: true },
  modificationDate: { key: c.kSecAttrModificationDate, kind: 'date', readOnly: true },
} as const satisfies Record<CommonResultKeys, AttributeDef>;

type ClassKeys<I> = Exclude<keyof I, CommonResultKeys | 'class' | 'keychain' | 'data' | 'raw'>;

export const genericPasswordSchema: ClassSchema = {
  name: 'genericPassword',
  classValue: c.kSecClassGenericPassword,
  // Class-specific attributes first: that is the order results and JSON output list them in.
  attributes: {
    ...({
      service: { key: c.kSecAttrService, kind: 'string', primaryKey: true },
      generic: { key: c.kSecAttrGeneric, kind: 'data' },
    } as const satisfies Record<ClassKeys<GenericPasswordItem>, AttributeDef>),
    ...passwordAttributes,
  },
  emptyPrimaryKey: { [c.kSecAttrAccount]: '', [c.kSecAttrService]: '' },
};

export const internetPasswordSchema: ClassSchema = {
  name: 'internetPassword',
  classValue: c.kSecClassInternetPassword,
  // Class-specific attributes first: that is the order results and JSON output list them in.
  attributes: {
    ...({
      server: { key: c.kSecAttrServer, kind: 'string', primaryKey: true },
      protocol: { key: c.kSecAttrProtocol, kind: 'protocol', primaryKey: true },
      port: { key: c.kSecAttrPort, kind: 'port', primaryKey: true },
      path: { key: c.kSecAttrPath, kind: 'string', primaryKey: true },
      securityDomain: { key: c.kSecAttrSecurityDomain, kind: 'string', primaryKey: true },
      authenticationType: { key: c.kSecAttrAuthenticationType, kind: 'authenticationType', primaryKey: true },
    } as const satisfies Record<ClassKeys<InternetPasswordItem>, AttributeDef>),
    ...passwordAttributes,
  },
  emptyPrimaryKey: {
    [c.kSecAttrAccount]: '',
    [c.kSecAttrServer]: '',
    [c.kSecAttrPath]: '',
    [c.kSecAttrSecurityDomain]: '',
    [c.kSecAttrPort]: 0,
    [c.kSecAttrProtocol]: 0,
    [c.kSecAttrAuthenticationType]: '',
  },
};

export const schemas: Readonly<Record<ItemClassName, ClassSchema>> = {
  genericPassword: genericPasswordSchema,
  internetPassword: internetPasswordSchema,
};

/** The schema for a raw `kSecClass` value, or undefined. */
export function schemaForClassValue(value: unknown): ClassSchema | undefined {
  return Object.values(schemas).find((s) => s.classValue === value);
}
