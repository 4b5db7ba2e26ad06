import * as c from '../constants.js';
import type {
  CertificateItem, GenericPasswordItem, IdentityItem, InternetPasswordItem, ItemClassName, KeyItem, PasswordClassName,
  StoredPasswordAttributes, StoredRefAttributes,
} from './types.js';

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
  | 'authenticationType'
  | 'keyClass'      // one of the key class words
  | 'keyType'       // one of the key type words
  | 'integer';      // CFNumber, a non-negative integer

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
  /** Stored by reference (kSecValueRef) rather than with a secret: keys, certificates, identities. */
  readonly byRef?: 'SecKey' | 'SecCertificate' | 'SecIdentity';
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

/** What every key, certificate and identity item reports beside its class's own attributes. */
const refAttributes = {
  accessGroup: { key: c.kSecAttrAccessGroup, kind: 'string', primaryKey: true },
  accessible: { key: c.kSecAttrAccessible, kind: 'accessible' },
  accessControl: { key: c.kSecAttrAccessControl, kind: 'accessControl' },
  synchronizable: { key: c.kSecAttrSynchronizable, kind: 'synchronizable', primaryKey: true },
  creationDate: { key: c.kSecAttrCreationDate, kind: 'date', readOnly: true },
  modificationDate: { key: c.kSecAttrModificationDate, kind: 'date', readOnly: true },
} as const satisfies Record<Exclude<keyof StoredRefAttributes, 'keychain' | 'ref' | 'raw'>, AttributeDef>;

type RefClassKeys<I> = Exclude<keyof I, keyof StoredRefAttributes | 'class'>;

// spec classes.json, keys: the primary key is kcls, klbl, atag, type, bsiz, esiz (and the DP columns).
const keyAttributes = {
  label: { key: c.kSecAttrLabel, kind: 'string' },
  applicationLabel: { key: c.kSecAttrApplicationLabel, kind: 'data', primaryKey: true },
  applicationTag: { key: c.kSecAttrApplicationTag, kind: 'data', primaryKey: true },
  keyClass: { key: c.kSecAttrKeyClass, kind: 'keyClass', primaryKey: true },
  keyType: { key: c.kSecAttrKeyType, kind: 'keyType', primaryKey: true },
  keySizeInBits: { key: c.kSecAttrKeySizeInBits, kind: 'integer', primaryKey: true },
  canSign: { key: c.kSecAttrCanSign, kind: 'boolean' },
  canVerify: { key: c.kSecAttrCanVerify, kind: 'boolean' },
  canEncrypt: { key: c.kSecAttrCanEncrypt, kind: 'boolean' },
  canDecrypt: { key: c.kSecAttrCanDecrypt, kind: 'boolean' },
  canDerive: { key: c.kSecAttrCanDerive, kind: 'boolean' },
  canWrap: { key: c.kSecAttrCanWrap, kind: 'boolean' },
  canUnwrap: { key: c.kSecAttrCanUnwrap, kind: 'boolean' },
} as const satisfies Record<RefClassKeys<KeyItem>, AttributeDef>;

// spec classes.json, certificates: the primary key is ctyp, issr, slnr (and the DP columns).
const certificateAttributes = {
  label: { key: c.kSecAttrLabel, kind: 'string' },
  subject: { key: c.kSecAttrSubject, kind: 'data' },
  issuer: { key: c.kSecAttrIssuer, kind: 'data', primaryKey: true },
  serialNumber: { key: c.kSecAttrSerialNumber, kind: 'data', primaryKey: true },
  subjectKeyID: { key: c.kSecAttrSubjectKeyID, kind: 'data' },
  publicKeyHash: { key: c.kSecAttrPublicKeyHash, kind: 'data' },
  certificateType: { key: c.kSecAttrCertificateType, kind: 'integer', primaryKey: true },
  certificateEncoding: { key: c.kSecAttrCertificateEncoding, kind: 'integer' },
} as const satisfies Record<RefClassKeys<CertificateItem>, AttributeDef>;

export const keySchema: ClassSchema = {
  name: 'key', classValue: c.kSecClassKey, byRef: 'SecKey',
  attributes: { ...keyAttributes, ...refAttributes }, emptyPrimaryKey: {},
};

export const certificateSchema: ClassSchema = {
  name: 'certificate', classValue: c.kSecClassCertificate, byRef: 'SecCertificate',
  attributes: { ...certificateAttributes, ...refAttributes }, emptyPrimaryKey: {},
};

/** An identity's attributes are its certificate's and its private key's (spec/semantics.md 15.1); uniqueness is the certificate's. */
const { label: _keyLabel, ...identityKeyAttributes } = keyAttributes;
export const identitySchema: ClassSchema = {
  name: 'identity', classValue: c.kSecClassIdentity, byRef: 'SecIdentity',
  attributes: { ...certificateAttributes, ...identityKeyAttributes, ...refAttributes } satisfies Record<RefClassKeys<IdentityItem>, AttributeDef>,
  emptyPrimaryKey: {},
};

export const schemas: Readonly<Record<ItemClassName, ClassSchema>> = {
  genericPassword: genericPasswordSchema,
  internetPassword: internetPasswordSchema,
  key: keySchema,
  certificate: certificateSchema,
  identity: identitySchema,
};

/** The password classes, in the order `Keychain.list` and `dump-keychain` list them. */
export const PASSWORD_CLASSES: readonly PasswordClassName[] = ['genericPassword', 'internetPassword'];

/** The schema for a raw `kSecClass` value, or undefined. */
export function schemaForClassValue(value: unknown): ClassSchema | undefined {
  return Object.values(schemas).find((s) => s.classValue === value);
}
