import * as c from '../constants.js';

/**
 * Plain words for Apple's enumerated attribute values, one table per attribute. Each table
 * maps the word the typed API uses to Apple's raw value; the reverse direction (results) is
 * derived from the same table, so a word can never map one way and not the other.
 */

/** `kSecAttrAccessible`: when the item's secret can be decrypted. */
// spec/semantics.md 9.1
export const accessibilityWords = {
  whenUnlocked: c.kSecAttrAccessibleWhenUnlocked,
  afterFirstUnlock: c.kSecAttrAccessibleAfterFirstUnlock,
  /** @deprecated by Apple; kept because existing items may carry it. */
  always: c.kSecAttrAccessibleAlways,
  whenPasscodeSetThisDeviceOnly: c.kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly,
  whenUnlockedThisDeviceOnly: c.kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  afterFirstUnlockThisDeviceOnly: c.kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
  /** @deprecated by Apple; kept because existing items may carry it. */
  alwaysThisDeviceOnly: c.kSecAttrAccessibleAlwaysThisDeviceOnly,
} as const;

/** `kSecAttrProtocol` of an internet password. */
export const protocolWords = {
  ftp: c.kSecAttrProtocolFTP,
  ftpAccount: c.kSecAttrProtocolFTPAccount,
  http: c.kSecAttrProtocolHTTP,
  irc: c.kSecAttrProtocolIRC,
  nntp: c.kSecAttrProtocolNNTP,
  pop3: c.kSecAttrProtocolPOP3,
  smtp: c.kSecAttrProtocolSMTP,
  socks: c.kSecAttrProtocolSOCKS,
  imap: c.kSecAttrProtocolIMAP,
  ldap: c.kSecAttrProtocolLDAP,
  appleTalk: c.kSecAttrProtocolAppleTalk,
  afp: c.kSecAttrProtocolAFP,
  telnet: c.kSecAttrProtocolTelnet,
  ssh: c.kSecAttrProtocolSSH,
  ftps: c.kSecAttrProtocolFTPS,
  https: c.kSecAttrProtocolHTTPS,
  httpProxy: c.kSecAttrProtocolHTTPProxy,
  httpsProxy: c.kSecAttrProtocolHTTPSProxy,
  ftpProxy: c.kSecAttrProtocolFTPProxy,
  smb: c.kSecAttrProtocolSMB,
  rtsp: c.kSecAttrProtocolRTSP,
  rtspProxy: c.kSecAttrProtocolRTSPProxy,
  daap: c.kSecAttrProtocolDAAP,
  eppc: c.kSecAttrProtocolEPPC,
  ipp: c.kSecAttrProtocolIPP,
  nntps: c.kSecAttrProtocolNNTPS,
  ldaps: c.kSecAttrProtocolLDAPS,
  telnets: c.kSecAttrProtocolTelnetS,
  imaps: c.kSecAttrProtocolIMAPS,
  ircs: c.kSecAttrProtocolIRCS,
  pop3s: c.kSecAttrProtocolPOP3S,
} as const;

/** `kSecAttrKeyClass` values (SecItem.h). */
export const keyClassWords = {
  public: c.kSecAttrKeyClassPublic,
  private: c.kSecAttrKeyClassPrivate,
  symmetric: c.kSecAttrKeyClassSymmetric,
} as const;

/** `kSecAttrKeyType` values of the keys this package creates and imports (SecItem.h). */
export const keyTypeWords = {
  ec: c.kSecAttrKeyTypeECSECPrimeRandom,
  rsa: c.kSecAttrKeyTypeRSA,
} as const;

/** `kSecAttrAuthenticationType` of an internet password. */
export const authenticationTypeWords = {
  ntlm: c.kSecAttrAuthenticationTypeNTLM,
  msn: c.kSecAttrAuthenticationTypeMSN,
  dpa: c.kSecAttrAuthenticationTypeDPA,
  rpa: c.kSecAttrAuthenticationTypeRPA,
  httpBasic: c.kSecAttrAuthenticationTypeHTTPBasic,
  httpDigest: c.kSecAttrAuthenticationTypeHTTPDigest,
  htmlForm: c.kSecAttrAuthenticationTypeHTMLForm,
  default: c.kSecAttrAuthenticationTypeDefault,
} as const;

export type Accessibility = keyof typeof accessibilityWords;
/** The accessibilities that keep an item on this device; Apple's SecItem.h says such items must not be synchronizable. */
export type ThisDeviceOnlyAccessibility = Extract<Accessibility, `${string}ThisDeviceOnly`>;
export type InternetProtocol = keyof typeof protocolWords;
export type AuthenticationType = keyof typeof authenticationTypeWords;
export type KeyClass = keyof typeof keyClassWords;
export type KeyType = keyof typeof keyTypeWords;

/** Word → raw value and raw value → word for one table. */
export interface WordTable<W extends string> {
  readonly name: string;
  readonly toRaw: Readonly<Record<W, string>>;
  readonly fromRaw: ReadonlyMap<string, W>;
}

function wordTable<W extends string>(name: string, toRaw: Readonly<Record<W, string>>): WordTable<W> {
  const fromRaw = new Map<string, W>();
  for (const [word, raw] of Object.entries(toRaw) as [W, string][]) fromRaw.set(raw, word);
  return { name, toRaw, fromRaw };
}

export const accessibility = wordTable<Accessibility>('accessible', accessibilityWords);
export const protocols = wordTable<InternetProtocol>('protocol', protocolWords);
export const authenticationTypes = wordTable<AuthenticationType>('authenticationType', authenticationTypeWords);
export const keyClasses = wordTable<KeyClass>('keyClass', keyClassWords);
export const keyTypes = wordTable<KeyType>('keyType', keyTypeWords);

export function isThisDeviceOnly(word: Accessibility): word is ThisDeviceOnlyAccessibility {
  return word.endsWith('ThisDeviceOnly');
}
