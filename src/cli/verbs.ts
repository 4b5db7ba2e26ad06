/**
 * The `secitem` verbs and their flags, as data. Verb names and single-letter flags are those
 * of macOS `security(1)` so someone who knows that tool can use this one; each flag names the
 * typed attribute it sets (src/typed/schema.ts), which names Apple's key.
 */
import type { ItemClassName } from '../typed/types.js';

export type VerbName =
  | 'add-generic-password' | 'find-generic-password' | 'delete-generic-password'
  | 'add-internet-password' | 'find-internet-password' | 'delete-internet-password'
  | 'dump-keychain'
  | 'import' | 'find-certificate' | 'find-identity' | 'delete-certificate' | 'delete-identity' | 'find-key';

/** A flag that sets one attribute of the item or query. */
export interface AttributeFlag {
  readonly kind: 'attribute';
  readonly attribute: string;
  readonly arg: string;
  readonly help: string;
}

/** A flag that changes what the verb does or prints. */
export interface SwitchFlag {
  readonly kind: 'switch' | 'value';
  readonly name: string;
  readonly arg?: string;
  readonly help: string;
}

export type Flag = AttributeFlag | SwitchFlag;

export interface Verb {
  readonly name: VerbName;
  readonly action: 'add' | 'find' | 'delete' | 'dump' | CertificateAction;
  readonly itemClass?: ItemClassName;
  readonly summary: string;
  readonly flags: Readonly<Record<string, Flag>>;
  /** The name of the one argument that is not a flag (import's file). */
  readonly positional?: string;
}

/** The certificate, identity and key verbs (cli/certificateVerbs.ts). */
export type CertificateAction = 'import' | 'findCertificate' | 'findIdentity' | 'deleteCertificate' | 'deleteIdentity' | 'findKey';

export function isCertificateAction(action: Verb['action']): action is CertificateAction {
  return !['add', 'find', 'delete', 'dump'].includes(action);
}

const attr = (attribute: string, arg: string, help: string): AttributeFlag => ({ kind: 'attribute', attribute, arg, help });

/** Flags common to both password classes (security(1) letters). */
const common = {
  '-a': attr('account', 'account', 'account name (kSecAttrAccount)'),
  '-c': attr('creator', 'creator', 'creator, four characters (kSecAttrCreator)'),
  '-C': attr('type', 'type', 'type, four characters (kSecAttrType)'),
  '-D': attr('description', 'kind', 'kind/description (kSecAttrDescription)'),
  '-j': attr('comment', 'comment', 'comment (kSecAttrComment)'),
  '-l': attr('label', 'label', 'label (kSecAttrLabel)'),
} as const;

const generic = {
  ...common,
  '-s': attr('service', 'service', 'service name (kSecAttrService)'),
  '-G': attr('generic', 'value', 'generic attribute, stored as UTF-8 bytes (kSecAttrGeneric)'),
} as const;

const internet = {
  ...common,
  '-s': attr('server', 'server', 'server name (kSecAttrServer)'),
  '-d': attr('securityDomain', 'domain', 'security domain (kSecAttrSecurityDomain)'),
  '-p': attr('path', 'path', 'path (kSecAttrPath)'),
  '-P': attr('port', 'port', 'port number (kSecAttrPort)'),
  '-r': attr('protocol', 'protocol', 'protocol: a four-character code such as "htps" or a word such as "https" (kSecAttrProtocol)'),
  '-t': attr('authenticationType', 'type', 'authentication type: a four-character code such as "dflt" or a word such as "default" (kSecAttrAuthenticationType)'),
} as const;

/** Attributes only the data protection keychain stores; long options, security(1) has none. */
const dataProtection = {
  '--access-group': attr('accessGroup', 'group', 'access group (kSecAttrAccessGroup; data protection keychain)'),
  '--accessible': attr('accessible', 'when', 'accessibility word, e.g. afterFirstUnlock (kSecAttrAccessible; data protection keychain)'),
} as const;

const addFlags = {
  '-w': { kind: 'value', name: 'password', arg: 'password', help: 'the password; as the last argument with no value, it is read from standard input (a terminal prompts without echo)' },
  '-X': { kind: 'value', name: 'passwordHex', arg: 'hex', help: 'the password as hexadecimal bytes' },
  '-U': { kind: 'switch', name: 'update', help: 'update the item if it already exists (otherwise that is errSecDuplicateItem)' },
  '--synchronizable': { kind: 'switch', name: 'synchronizable', help: 'make the item synchronizable (kSecAttrSynchronizable; data protection keychain)' },
} as const satisfies Record<string, Flag>;

const findFlags = {
  '-g': { kind: 'switch', name: 'showPassword', help: 'also print the password (to standard error, as security(1) does; in the JSON output with --json)' },
  '-w': { kind: 'switch', name: 'onlyPassword', help: 'print only the password, nothing else' },
} as const satisfies Record<string, Flag>;

export const verbs: readonly Verb[] = [
  { name: 'add-generic-password', action: 'add', itemClass: 'genericPassword', summary: 'Add a generic password item.', flags: { ...generic, ...dataProtection, ...addFlags } },
  { name: 'add-internet-password', action: 'add', itemClass: 'internetPassword', summary: 'Add an internet password item.', flags: { ...internet, ...dataProtection, ...addFlags } },
  { name: 'find-generic-password', action: 'find', itemClass: 'genericPassword', summary: 'Find a generic password item.', flags: { ...generic, ...dataProtection, ...findFlags } },
  { name: 'find-internet-password', action: 'find', itemClass: 'internetPassword', summary: 'Find an internet password item.', flags: { ...internet, ...dataProtection, ...findFlags } },
  { name: 'delete-generic-password', action: 'delete', itemClass: 'genericPassword', summary: 'Delete a generic password item.', flags: { ...generic, ...dataProtection } },
  { name: 'delete-internet-password', action: 'delete', itemClass: 'internetPassword', summary: 'Delete an internet password item.', flags: { ...internet, ...dataProtection } },
  {
    name: 'dump-keychain', action: 'dump', summary: 'List every password item (attributes; secrets only with -d).',
    flags: { '-d': { kind: 'switch', name: 'showData', help: 'also print each item\'s secret' } },
  },
  {
    name: 'import', action: 'import', positional: 'file',
    summary: 'Import a .p12/.pfx (SecPKCS12Import: identities and their certificates) or the certificates of a .pem/.der file.',
    flags: { '-P': { kind: 'value', name: 'passphrase', arg: 'passphrase', help: 'the .p12 file\'s password (kSecImportExportPassphrase)' } },
  },
  {
    name: 'find-certificate', action: 'findCertificate', summary: 'Find a certificate (the first match; every one with -a).',
    flags: {
      '-c': { kind: 'value', name: 'name', arg: 'name', help: 'the subject (summary, name or label) contains this text' },
      '-e': { kind: 'value', name: 'email', arg: 'email', help: 'the certificate has this email address' },
      '-a': { kind: 'switch', name: 'all', help: 'every matching certificate, not only the first' },
      '-p': { kind: 'switch', name: 'pem', help: 'print each certificate in PEM form' },
      '-Z': { kind: 'switch', name: 'hashes', help: 'print each certificate\'s SHA-256 and SHA-1 hashes' },
    },
  },
  {
    name: 'find-identity', action: 'findIdentity', summary: 'List identities: certificates whose private key is in the keychain.',
    flags: { '-c': { kind: 'value', name: 'name', arg: 'name', help: 'the subject (summary, name or label) contains this text' } },
  },
  {
    name: 'delete-certificate', action: 'deleteCertificate', summary: 'Delete one certificate, named by -c or by its hash (-Z).',
    flags: {
      '-c': { kind: 'value', name: 'name', arg: 'name', help: 'the subject (summary, name or label) contains this text' },
      '-Z': { kind: 'value', name: 'hash', arg: 'hash', help: 'the certificate\'s SHA-1 or SHA-256 hash, in hexadecimal' },
    },
  },
  {
    name: 'delete-identity', action: 'deleteIdentity', summary: 'Delete one identity: its certificate and, unless another certificate uses it, its private key.',
    flags: {
      '-c': { kind: 'value', name: 'name', arg: 'name', help: 'the subject (summary, name or label) contains this text' },
      '-Z': { kind: 'value', name: 'hash', arg: 'hash', help: 'the certificate\'s SHA-1 or SHA-256 hash, in hexadecimal' },
    },
  },
  {
    name: 'find-key', action: 'findKey', summary: 'List key items (attributes, never key bytes): the first match; every one with -a.',
    flags: {
      '-l': { kind: 'value', name: 'label', arg: 'label', help: 'label (kSecAttrLabel)' },
      '-a': { kind: 'switch', name: 'all', help: 'every matching key, not only the first' },
    },
  },
];

/** Options every verb takes (long names; they are not security(1)'s). */
export const globalFlags: Readonly<Record<string, SwitchFlag>> = {
  '--json': { kind: 'switch', name: 'json', help: 'print stable JSON on standard output (errors as JSON on standard error)' },
  '--backend': { kind: 'value', name: 'backend', arg: 'native|emulator', help: 'which backend; default: SECURITY_FRAMEWORK_BACKEND, else the platform default' },
  '--store': { kind: 'value', name: 'store', arg: 'path', help: 'the emulator\'s store file (implies --backend emulator); default: SECURITY_FRAMEWORK_STORE, else the user data directory' },
  '--keychain': { kind: 'value', name: 'keychain', arg: 'file|dataProtection', help: 'pin the call to one keychain (kSecUseDataProtectionKeychain false/true); default: Apple\'s routing' },
  '--help': { kind: 'switch', name: 'help', help: 'show help for the verb' },
};

/**
 * Commands beside the keychain verbs, with options of their own (`secitem <command> --help`):
 * `conformance` runs the package's conformance scenarios (src/conformance/cli.ts); `doctor` and
 * `migrate` are src/cli/doctor.ts.
 */
export const commands = [
  { name: 'conformance', summary: 'Run the shipped conformance scenarios on the emulator, this Mac\'s keychain or both (--backend emulator|native|both, --report dir).' },
  { name: 'doctor', summary: 'Why a call prompts or fails: the process\'s signature and entitlements, which keychains it can use, and where an item is (-s, -a; --json).' },
  { name: 'migrate', summary: 'Move file-based password items into the data protection keychain (--access-group group, --dry-run; -s, -a).' },
] as const;

export function findVerb(name: string): Verb | undefined {
  return verbs.find((v) => v.name === name);
}
