import type { SecHandle } from '../handles.js';
import type { CFDictionary, CFResult } from '../values.js';
import type { Accessibility, AuthenticationType, InternetProtocol, KeyClass, KeyType, ThisDeviceOnlyAccessibility } from './words.js';

/**
 * The typed item model. Attributes have plain names; each class's table in schema.ts maps
 * them to Apple's keys. The types carry Apple's rules so the compiler rejects what the
 * keychain would: an attribute the class does not have, a value of the wrong type, or a
 * synchronizable item with a ThisDeviceOnly accessibility.
 */

/** Which macOS keychain a call targets: `kSecUseDataProtectionKeychain` false or true. Absent = Apple's routing. */
// spec/semantics.md 1.1, 1.2
export type KeychainKind = 'file' | 'dataProtection';

/** A FourCharCode (`kSecAttrCreator`, `kSecAttrType`): a 32-bit number or its four ASCII characters. */
export type FourCharCode = number | string;

/** The password classes: items that hold a secret you give (`set`, `get`). */
export type PasswordClassName = 'genericPassword' | 'internetPassword';
/**
 * The classes whose items are objects — a SecKey, a SecCertificate, a SecIdentity — stored by
 * reference (`add({ class, ref })`, kSecValueRef) and found with their `ref`.
 */
export type RefClassName = 'key' | 'certificate' | 'identity';
/** Item classes the typed layer knows, by plain name. */
export type ItemClassName = PasswordClassName | RefClassName;

/** Attributes every password class has (SecItem.h, "Attribute Key Constants"). */
export interface PasswordAttributes {
  /** `kSecAttrAccount` */
  account?: string;
  /** `kSecAttrLabel`: the name Keychain Access shows. */
  label?: string;
  /** `kSecAttrComment` */
  comment?: string;
  /** `kSecAttrDescription`: the "kind" Keychain Access shows. */
  description?: string;
  /** `kSecAttrCreator` */
  creator?: FourCharCode;
  /** `kSecAttrType` */
  type?: FourCharCode;
  /** `kSecAttrIsInvisible` */
  isInvisible?: boolean;
  /** `kSecAttrIsNegative` */
  isNegative?: boolean;
  /** `kSecAttrAccessGroup` (data protection keychain only; the file-based keychain ignores it). */
  accessGroup?: string;
}

/** `kSecClassGenericPassword` attributes. */
export interface GenericPasswordAttributes extends PasswordAttributes {
  /** `kSecAttrService` */
  service?: string;
  /** `kSecAttrGeneric`: application data; results return it as a Buffer. */
  generic?: Uint8Array | string;
}

/** `kSecClassInternetPassword` attributes. */
export interface InternetPasswordAttributes extends PasswordAttributes {
  /** `kSecAttrServer` */
  server?: string;
  /** `kSecAttrProtocol` */
  protocol?: InternetProtocol;
  /** `kSecAttrPort` */
  port?: number;
  /** `kSecAttrPath` */
  path?: string;
  /** `kSecAttrSecurityDomain` */
  securityDomain?: string;
  /** `kSecAttrAuthenticationType` */
  authenticationType?: AuthenticationType;
}

/** `kSecClassKey` attributes (SecItem.h, "Key attributes"). */
export interface KeyAttributes {
  /** `kSecAttrLabel` */
  label?: string;
  /** `kSecAttrApplicationLabel`: for a public or private key, the SHA-1 of its public key (15.1). */
  applicationLabel?: Uint8Array | string;
  /** `kSecAttrApplicationTag`: your own bytes to find the key by. */
  applicationTag?: Uint8Array | string;
  /** `kSecAttrKeyClass` */
  keyClass?: KeyClass;
  /** `kSecAttrKeyType` */
  keyType?: KeyType;
  /** `kSecAttrKeySizeInBits` */
  keySizeInBits?: number;
  /** `kSecAttrCanSign` … `kSecAttrCanUnwrap`: what the key may be used for. */
  canSign?: boolean;
  canVerify?: boolean;
  canEncrypt?: boolean;
  canDecrypt?: boolean;
  canDerive?: boolean;
  canWrap?: boolean;
  canUnwrap?: boolean;
  /** `kSecAttrAccessGroup` (data protection keychain only). */
  accessGroup?: string;
}

/** `kSecClassCertificate` attributes (SecItem.h, "Certificate attributes"); the keychain derives all but the label from the DER. */
export interface CertificateAttributes {
  /** `kSecAttrLabel` */
  label?: string;
  /** `kSecAttrSubject`: the normalized subject name, as the keychain stores it. */
  subject?: Uint8Array;
  /** `kSecAttrIssuer`: the normalized issuer name. */
  issuer?: Uint8Array;
  /** `kSecAttrSerialNumber`: the serial number's DER content octets. */
  serialNumber?: Uint8Array;
  /** `kSecAttrSubjectKeyID` */
  subjectKeyID?: Uint8Array;
  /** `kSecAttrPublicKeyHash`: the SHA-1 of the public key, equal to its private key's applicationLabel. */
  publicKeyHash?: Uint8Array;
  /** `kSecAttrCertificateType`: 1, 2 or 3 for X.509 v1, v2, v3. */
  certificateType?: number;
  /** `kSecAttrCertificateEncoding`: 3 for DER. */
  certificateEncoding?: number;
  /** `kSecAttrAccessGroup` (data protection keychain only). */
  accessGroup?: string;
}

/** `kSecClassIdentity` attributes: a certificate's and its private key's. */
// spec/semantics.md 15.1
export type IdentityAttributes = CertificateAttributes & Omit<KeyAttributes, 'label' | 'accessGroup'>;

/** Attributes per class name. */
export interface ClassAttributes {
  genericPassword: GenericPasswordAttributes;
  internetPassword: InternetPasswordAttributes;
  key: KeyAttributes;
  certificate: CertificateAttributes;
  identity: IdentityAttributes;
}

/** What `add` stores for a class stored by reference: its object (kSecValueRef). */
export interface RefOf {
  /** A SecKey from SecKeyCreateRandomKey, SecKeyCreateWithData or SecCertificateCopyKey. */
  key: { ref: SecHandle };
  /** A SecCertificate from SecCertificateCreateWithData. */
  certificate: { ref: SecHandle };
  /** A SecIdentity from SecPKCS12Import: its certificate and private key are added (15.2). */
  identity: { ref: SecHandle };
}

/**
 * What `accessControl` must be when `accessible` or `synchronizable: true` stands beside it: a
 * type no value has, whose one property is the rule, so the compiler's error states it. Apple
 * answers the pair with errSecParam: an access control carries its own accessibility (the
 * `protection` given to `SecAccessControlCreateWithFlags`), and securityd refuses a second one
 * beside it (Security: OSX/sec/Security/SecItem.m `SecItemAttributesPrepare`,
 * keychain/securityd/SecDbQuery.c `query_add_attribute`); a synchronizable item cannot have a
 * constrained access control (SecItem.m `SecItemAuthDoQuery`).
 */
export interface AccessControlStandsAlone {
  readonly 'kSecAttrAccessible cannot be given beside kSecAttrAccessControl, which carries its own accessibility; nor can kSecAttrSynchronizable true (errSecParam)': never;
}

/**
 * Protection of a stored item: `accessible`, `synchronizable`, or an `accessControl`. The pairs
 * Apple refuses do not compile: a ThisDeviceOnly accessibility with synchronizable (SecItem.h),
 * an access control with an accessibility (it carries its own; errSecParam) or with
 * synchronizable (errSecParam for a constrained one); for the last two the error names
 * {@link AccessControlStandsAlone}.
 */
// spec/semantics.md 2.7, 3.7. `accessible` is the discriminant: with a value it selects the
// first two members, whose `accessControl` is AccessControlStandsAlone, so the compiler reports
// that property (the rule) rather than listing the accessibility words.
export type Protection =
  | { synchronizable?: false; accessible?: Accessibility; accessControl?: AccessControlStandsAlone }
  | { synchronizable: true; accessible?: Exclude<Accessibility, ThisDeviceOnlyAccessibility>; accessControl?: AccessControlStandsAlone }
  | {
    /**
     * `kSecAttrAccessControl`: a SecAccessControl from `SecAccessControlCreateWithFlags`, e.g.
     * Touch ID for every read. Items with one live in the data protection keychain.
     */
    accessControl: SecHandle;
    accessible?: undefined;
    synchronizable?: false;
  };

/** Fields every typed item description has: its class and, optionally, which keychain. */
export interface ItemBase<C extends ItemClassName> {
  class: C;
  /** Which keychain; absent = Apple's routing (the file-based keychain for a plain add, 1.3). */
  keychain?: KeychainKind;
}

/** An item to store: class, attributes and protection (and, for a key, certificate or identity, its `ref`). */
export type ItemSpec<C extends ItemClassName> = ItemBase<C> & ClassAttributes[C] & Protection & (C extends RefClassName ? RefOf[C] : unknown);
export type GenericPasswordSpec = ItemSpec<'genericPassword'>;
export type InternetPasswordSpec = ItemSpec<'internetPassword'>;
export type KeySpec = ItemSpec<'key'>;
export type CertificateSpec = ItemSpec<'certificate'>;
export type IdentitySpec = ItemSpec<'identity'>;
export type AnyPasswordSpec = GenericPasswordSpec | InternetPasswordSpec;
export type AnyRefSpec = KeySpec | CertificateSpec | IdentitySpec;
export type AnyItemSpec = AnyPasswordSpec | AnyRefSpec;

/**
 * A search: class plus any attributes to match exactly.
 * `synchronizable` is tri-state here: `'any'` matches both (`kSecAttrSynchronizableAny`).
 */
// spec/semantics.md 13.1, 7.1
export type ItemQuery<C extends ItemClassName> = ItemBase<C> & ClassAttributes[C] & {
  synchronizable?: boolean | 'any';
  accessible?: Accessibility;
};
export type GenericPasswordQuery = ItemQuery<'genericPassword'>;
export type InternetPasswordQuery = ItemQuery<'internetPassword'>;
export type KeyQuery = ItemQuery<'key'>;
export type CertificateQuery = ItemQuery<'certificate'>;
export type IdentityQuery = ItemQuery<'identity'>;
export type AnyPasswordQuery = GenericPasswordQuery | InternetPasswordQuery;
export type AnyItemQuery = AnyPasswordQuery | KeyQuery | CertificateQuery | IdentityQuery;

/** What `update` may change: attributes (not the class or keychain) and protection. */
export type ItemChanges<C extends ItemClassName> = ClassAttributes[C] & Protection;

/** Attributes of a stored item as the keychain reports them. */
export interface StoredPasswordAttributes {
  account: string;
  label?: string;
  comment?: string;
  description?: string;
  creator?: number;
  type?: number;
  isInvisible?: boolean;
  isNegative?: boolean;
  accessGroup?: string;
  accessible?: Accessibility;
  /** `kSecAttrAccessControl` as the data protection keychain reports it (every item there has one, 14.1). */
  accessControl?: SecHandle;
  /** false for file-based items, which cannot be synchronizable. */
  synchronizable: boolean;
  creationDate?: Date;
  modificationDate?: Date;
  /** Which keychain the item lives in, told by the shape of Apple's answer. */
  // spec/semantics.md 14.1, 14.3
  keychain: KeychainKind;
  /** The secret, when the call asked for it. */
  data?: Buffer;
  /** Apple's attribute dictionary as returned, for attributes the typed layer does not name. */
  raw: { readonly [key: string]: CFResult };
}

export interface GenericPasswordItem extends StoredPasswordAttributes {
  class: 'genericPassword';
  service: string;
  generic?: Buffer;
}

export interface InternetPasswordItem extends StoredPasswordAttributes {
  class: 'internetPassword';
  server: string;
  protocol?: InternetProtocol;
  port?: number;
  path?: string;
  securityDomain?: string;
  authenticationType?: AuthenticationType;
}

/** What a stored key, certificate or identity reports, beside its class's attributes. */
export interface StoredRefAttributes {
  accessGroup?: string;
  accessible?: Accessibility;
  accessControl?: SecHandle;
  synchronizable: boolean;
  creationDate?: Date;
  modificationDate?: Date;
  keychain: KeychainKind;
  /** The object: a SecKey, SecCertificate or SecIdentity to use with the raw calls. */
  ref?: SecHandle;
  raw: { readonly [key: string]: CFResult };
}

export interface KeyItem extends StoredRefAttributes {
  class: 'key';
  label?: string;
  applicationLabel?: Buffer;
  applicationTag?: Buffer;
  keyClass?: KeyClass;
  keyType?: KeyType;
  keySizeInBits?: number;
  canSign?: boolean;
  canVerify?: boolean;
  canEncrypt?: boolean;
  canDecrypt?: boolean;
  canDerive?: boolean;
  canWrap?: boolean;
  canUnwrap?: boolean;
}

export interface CertificateItem extends StoredRefAttributes {
  class: 'certificate';
  label?: string;
  subject?: Buffer;
  issuer?: Buffer;
  serialNumber?: Buffer;
  subjectKeyID?: Buffer;
  publicKeyHash?: Buffer;
  certificateType?: number;
  certificateEncoding?: number;
}

export interface IdentityItem extends Omit<CertificateItem, 'class'>, Omit<KeyItem, 'class' | keyof StoredRefAttributes | 'label'> {
  class: 'identity';
}

export interface ClassItems {
  genericPassword: GenericPasswordItem;
  internetPassword: InternetPasswordItem;
  key: KeyItem;
  certificate: CertificateItem;
  identity: IdentityItem;
}
export type AnyPasswordItem = GenericPasswordItem | InternetPasswordItem;
export type AnyItem = AnyPasswordItem | KeyItem | CertificateItem | IdentityItem;
/** The result type for a query: the item type of the query's class. */
export type ItemOf<Q extends { class: ItemClassName }> = ClassItems[Q['class']];

/** Options every Keychain method takes. */
export interface CallOptions {
  /**
   * Cancels the call if it has not reached the keychain yet: the Promise rejects with
   * `signal.reason` (an `AbortError` DOMException unless the caller gave another reason).
   * A keychain call already running is not interrupted (Apple's calls cannot be cancelled),
   * but a multi-step method (`set`) checks the signal again between its steps.
   */
  signal?: AbortSignal;
  /** `kSecUseOperationPrompt`: the reason shown if reading the item needs Touch ID or the password. */
  prompt?: string;
  /**
   * Escape hatch: raw Apple keys merged into the dictionary the method builds (after the
   * typed attributes, so a raw key wins), e.g. `{ [kSecUseAuthenticationContext]: context }`.
   */
  raw?: CFDictionary;
}

export interface FindOptions extends CallOptions {
  /** At most this many items; default all. */
  limit?: number | 'all';
  /** Also return each item's secret in `data`. */
  data?: boolean;
}
