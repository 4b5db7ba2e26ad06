// Linux harness: writes the stand-in Security and LocalAuthentication headers, and the string
// constants' definitions, into the build folder — from the names native/ actually uses and the
// values the package exports (src/constants.ts, src/api/*.ts, src/errorTable.ts). Then checks
// that every framework name native/ uses is declared by a stand-in header, so a new symbol in
// native/ stops the harness build with a message naming it, instead of a compiler error deep in
// a header or a load failure at run time.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_STRINGS } from '../../../scripts/gen-native-constants.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

/** Framework functions the stand-ins implement, with Apple's declarations (SDK headers). */
const SECURITY_FUNCTIONS = {
  SecItemAdd: 'OSStatus SecItemAdd(CFDictionaryRef attributes, CFTypeRef* result);',
  SecItemCopyMatching: 'OSStatus SecItemCopyMatching(CFDictionaryRef query, CFTypeRef* result);',
  SecItemUpdate: 'OSStatus SecItemUpdate(CFDictionaryRef query, CFDictionaryRef attributesToUpdate);',
  SecItemDelete: 'OSStatus SecItemDelete(CFDictionaryRef query);',
  SecCopyErrorMessageString: 'CFStringRef SecCopyErrorMessageString(OSStatus status, void* reserved);',
  SecKeyGetTypeID: 'CFTypeID SecKeyGetTypeID(void);',
  SecCertificateGetTypeID: 'CFTypeID SecCertificateGetTypeID(void);',
  SecIdentityGetTypeID: 'CFTypeID SecIdentityGetTypeID(void);',
  SecAccessControlGetTypeID: 'CFTypeID SecAccessControlGetTypeID(void);',
  SecKeychainItemGetTypeID: 'CFTypeID SecKeychainItemGetTypeID(void);',
  SecKeyCreateRandomKey: 'SecKeyRef SecKeyCreateRandomKey(CFDictionaryRef parameters, CFErrorRef* error);',
  SecKeyCreateWithData: 'SecKeyRef SecKeyCreateWithData(CFDataRef keyData, CFDictionaryRef attributes, CFErrorRef* error);',
  SecKeyCopyExternalRepresentation: 'CFDataRef SecKeyCopyExternalRepresentation(SecKeyRef key, CFErrorRef* error);',
  SecKeyCopyAttributes: 'CFDictionaryRef SecKeyCopyAttributes(SecKeyRef key);',
  SecKeyCopyPublicKey: 'SecKeyRef SecKeyCopyPublicKey(SecKeyRef key);',
  SecKeyCreateSignature: 'CFDataRef SecKeyCreateSignature(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef dataToSign, CFErrorRef* error);',
  SecKeyVerifySignature: 'Boolean SecKeyVerifySignature(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef signedData, CFDataRef signature, CFErrorRef* error);',
  SecKeyCreateEncryptedData: 'CFDataRef SecKeyCreateEncryptedData(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef plaintext, CFErrorRef* error);',
  SecKeyCreateDecryptedData: 'CFDataRef SecKeyCreateDecryptedData(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef ciphertext, CFErrorRef* error);',
  SecKeyCopyKeyExchangeResult: 'CFDataRef SecKeyCopyKeyExchangeResult(SecKeyRef privateKey, SecKeyAlgorithm algorithm, SecKeyRef publicKey, CFDictionaryRef parameters, CFErrorRef* error);',
  SecKeyIsAlgorithmSupported: 'Boolean SecKeyIsAlgorithmSupported(SecKeyRef key, SecKeyOperationType operation, SecKeyAlgorithm algorithm);',
  SecAccessControlCreateWithFlags: 'SecAccessControlRef SecAccessControlCreateWithFlags(CFAllocatorRef allocator, CFTypeRef protection, SecAccessControlCreateFlags flags, CFErrorRef* error);',
  SecCertificateCreateWithData: 'SecCertificateRef SecCertificateCreateWithData(CFAllocatorRef allocator, CFDataRef data);',
  SecCertificateCopyData: 'CFDataRef SecCertificateCopyData(SecCertificateRef certificate);',
  SecCertificateCopySubjectSummary: 'CFStringRef SecCertificateCopySubjectSummary(SecCertificateRef certificate);',
  SecCertificateCopyKey: 'SecKeyRef SecCertificateCopyKey(SecCertificateRef certificate);',
  SecIdentityCopyCertificate: 'OSStatus SecIdentityCopyCertificate(SecIdentityRef identityRef, SecCertificateRef* certificateRef);',
  SecIdentityCopyPrivateKey: 'OSStatus SecIdentityCopyPrivateKey(SecIdentityRef identityRef, SecKeyRef* privateKeyRef);',
  SecPKCS12Import: 'OSStatus SecPKCS12Import(CFDataRef pkcs12_data, CFDictionaryRef options, CFArrayRef* items);',
  // diagnose(): SecCode.h, SecTask.h, SecKeychain.h, SecKeychainItem.h, SecAccess.h, SecACL.h, SecTrustedApplication.h.
  SecCodeCopySelf: 'OSStatus SecCodeCopySelf(SecCSFlags flags, SecCodeRef* self);',
  SecCodeCheckValidity: 'OSStatus SecCodeCheckValidity(SecCodeRef code, SecCSFlags flags, SecRequirementRef requirement);',
  SecCodeCopySigningInformation: 'OSStatus SecCodeCopySigningInformation(SecStaticCodeRef code, SecCSFlags flags, CFDictionaryRef* information);',
  SecTaskCreateFromSelf: 'SecTaskRef SecTaskCreateFromSelf(CFAllocatorRef allocator);',
  SecTaskCopyValueForEntitlement: 'CFTypeRef SecTaskCopyValueForEntitlement(SecTaskRef task, CFStringRef entitlement, CFErrorRef* error);',
  SecKeychainCopyDefault: 'OSStatus SecKeychainCopyDefault(SecKeychainRef* keychain);',
  SecKeychainGetPath: 'OSStatus SecKeychainGetPath(SecKeychainRef keychain, UInt32* ioPathLength, char* pathName);',
  SecKeychainGetStatus: 'OSStatus SecKeychainGetStatus(SecKeychainRef keychain, SecKeychainStatus* keychainStatus);',
  SecKeychainItemCopyKeychain: 'OSStatus SecKeychainItemCopyKeychain(SecKeychainItemRef itemRef, SecKeychainRef* keychainRef);',
  SecKeychainItemCopyAccess: 'OSStatus SecKeychainItemCopyAccess(SecKeychainItemRef itemRef, SecAccessRef* access);',
  SecAccessCopyACLList: 'OSStatus SecAccessCopyACLList(SecAccessRef accessRef, CFArrayRef* aclList);',
  SecACLCopyAuthorizations: 'CFArrayRef SecACLCopyAuthorizations(SecACLRef acl);',
  SecACLCopyContents: 'OSStatus SecACLCopyContents(SecACLRef acl, CFArrayRef* applicationList, CFStringRef* description, SecKeychainPromptSelector* promptSelector);',
  SecTrustedApplicationCopyData: 'OSStatus SecTrustedApplicationCopyData(SecTrustedApplicationRef appRef, CFDataRef* data);',
  // The default's interactive decision: AuthSession.h.
  SessionGetInfo: 'OSStatus SessionGetInfo(SecuritySessionId session, SecuritySessionId* sessionId, SessionAttributeBits* attributes);',
};

/**
 * diagnose()'s framework constants, which the package does not export: the numbers are the SDK
 * headers' (CSCommon.h, SecCode.h, SecKeychain.h); the strings are Apple's values as far as the
 * stand-ins are concerned (any distinct strings would do: native/ compares by CFEqual).
 */
const DIAGNOSIS_VALUES = {
  kSecCSDefaultFlags: 0, kSecCSSigningInformation: 2, kSecUnlockStateStatus: 1,
  kSecCodeInfoIdentifier: 'identifier', kSecCodeInfoTeamIdentifier: 'teamid', kSecCodeInfoFlags: 'flags',
  kSecCodeInfoEntitlementsDict: 'entitlements-dict',
  ...Object.fromEntries(['Any', 'Login', 'GenKey', 'Delete', 'ExportWrapped', 'ExportClear', 'ImportWrapped', 'ImportClear', 'Sign',
    'Encrypt', 'Decrypt', 'MAC', 'Derive', 'KeychainCreate', 'KeychainDelete', 'KeychainItemRead', 'KeychainItemInsert',
    'KeychainItemModify', 'KeychainItemDelete', 'ChangeACL', 'ChangeOwner', 'PartitionID', 'Integrity']
    .map((n) => [`kSecACLAuthorization${n}`, `ACLAuthorization${n}`])),
};
const SECURITY_TYPES = ['SecKeyRef', 'SecCertificateRef', 'SecIdentityRef', 'SecAccessControlRef', 'SecKeyAlgorithm',
  'SecAccessControlCreateFlags', 'SecKeyOperationType', 'SecCodeRef', 'SecStaticCodeRef', 'SecRequirementRef', 'SecCSFlags',
  'SecTaskRef', 'SecKeychainRef', 'SecKeychainItemRef', 'SecAccessRef', 'SecACLRef', 'SecTrustedApplicationRef',
  'SecKeychainStatus', 'SecKeychainPromptSelector', 'SecuritySessionId'];
const LA_TYPES = ['LAPolicy', 'LAAccessControlOperation', 'LABiometryType', 'LAError', 'LAContext'];

/** `export const NAME = VALUE;` from a package source file. */
function exportedValues(path) {
  const values = new Map();
  for (const m of readFileSync(join(root, path), 'utf8').matchAll(/^export const (\w+) = ("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?);/gm)) {
    values.set(m[1], JSON.parse(m[2]));
  }
  return values;
}

/** The code of native/ without comments and string literals. */
function nativeCode(dir) {
  return readdirSync(dir).filter((f) => /\.(mm|h|def)$/.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, ' ').replace(/"(?:[^"\\\n]|\\.)*"/g, '""')).join('\n');
}

export function generate(outDir, nativeDir = join(root, 'native')) {
  const values = new Map([...exportedValues('src/constants.ts'), ...exportedValues('src/api/keys.ts'), ...exportedValues('src/api/laContext.ts'),
    // SecPKCS12Import's keys, as the addon's constant table has them (scripts/gen-native-constants.mjs).
    ...Object.entries(API_STRINGS), ...Object.entries(DIAGNOSIS_VALUES)]);
  const errors = [...readFileSync(join(root, 'src/errorTable.ts'), 'utf8').matchAll(/\[(-?\d+), \["(errSec\w+)"/g)].map((m) => [m[2], Number(m[1])]);
  const code = nativeCode(nativeDir);
  const used = new Set(code.match(/\b(?:kSec|Sec|LA|errSec|kCF|CF|NS|dispatch_|DISPATCH_|QOS_)\w+\b/g));
  // Names native/ defines itself (CFRef, SecurityQueue, SecItemAddJS, …) are not the framework's.
  const own = new Set([...code.matchAll(/^\s*(?:class|struct)\s+(\w+)|^(?:[\w:<>*&]+\s+)+\**(\w+)\(/gm)].map((m) => m[1] ?? m[2]));
  for (const name of own) used.delete(name);

  const strings = [...used].filter((n) => n.startsWith('kSec') && typeof values.get(n) === 'string').sort();
  // Enumerators; LATouchIDAuthenticationMaximumAllowableReuseDuration is a variable, declared below.
  const variables = new Set(['LATouchIDAuthenticationMaximumAllowableReuseDuration']);
  const numbers = [...used].filter((n) => /^(kSec|LA)/.test(n) && typeof values.get(n) === 'number' && !variables.has(n)).sort();

  const security = [
    '// Generated by test/native/harness/generate.mjs from the names native/ uses. Declarations follow',
    "// Apple's Security headers; values are the package's own (src/constants.ts, src/errorTable.ts).",
    '#pragma once',
    '#include <CoreFoundation/CoreFoundation.h>',
    '#ifdef __cplusplus', 'extern "C" {', '#endif',
    'typedef struct __SecKey* SecKeyRef;', 'typedef struct __SecCertificate* SecCertificateRef;',
    'typedef struct __SecIdentity* SecIdentityRef;', 'typedef struct __SecAccessControl* SecAccessControlRef;',
    'typedef struct __SecCode* SecCodeRef;', 'typedef const struct __SecCode* SecStaticCodeRef;',
    'typedef struct __SecRequirement* SecRequirementRef;', 'typedef uint32_t SecCSFlags;', 'typedef struct __SecTask* SecTaskRef;',
    'typedef struct __SecKeychain* SecKeychainRef;', 'typedef struct __SecKeychainItem* SecKeychainItemRef;',
    'typedef struct __SecAccess* SecAccessRef;', 'typedef struct __SecACL* SecACLRef;',
    'typedef struct __SecTrustedApplication* SecTrustedApplicationRef;', 'typedef uint32_t SecKeychainStatus;',
    'typedef uint16_t SecKeychainPromptSelector;', 'typedef uint32_t UInt32;',
    // AuthSession.h: SecuritySessionId's special values and SessionAttributeBits.
    'typedef UInt32 SecuritySessionId;', 'typedef UInt32 SessionAttributeBits;',
    'enum : SecuritySessionId { noSecuritySession = 0, callerSecuritySession = (SecuritySessionId)-1 };',
    'enum : SessionAttributeBits { sessionIsRoot = 0x0001, sessionHasGraphicAccess = 0x0010, sessionHasTTY = 0x0020, sessionIsRemote = 0x1000 };',
    'typedef CFStringRef SecKeyAlgorithm;', 'typedef CFOptionFlags SecAccessControlCreateFlags;', 'typedef CFIndex SecKeyOperationType;',
    // SecBase.h: one CF_ENUM(OSStatus) of every status.
    `enum : OSStatus { ${errors.map(([name, value]) => `${name} = ${value}`).join(', ')} };`,
    ...numbers.filter((n) => n.startsWith('kSec')).map((n) => `enum { ${n} = ${values.get(n)} };`),
    ...strings.map((n) => `extern const CFStringRef ${n};`),
    ...Object.values(SECURITY_FUNCTIONS),
    '#ifdef __cplusplus', '}', '#endif', '',
  ].join('\n');

  const la = [
    '// Generated by test/native/harness/generate.mjs. Declarations follow LocalAuthentication/LAContext.h.',
    '#pragma once', '#import <Foundation/Foundation.h>', '#include <Security/Security.h>',
    'typedef NSInteger LAPolicy;', 'typedef NSInteger LAAccessControlOperation;', 'typedef NSInteger LABiometryType;', 'typedef NSInteger LAError;',
    ...numbers.filter((n) => n.startsWith('LA')).map((n) => `enum { ${n} = ${values.get(n)} };`),
    'extern "C" NSString* const LAErrorDomain;',
    'extern "C" const NSTimeInterval LATouchIDAuthenticationMaximumAllowableReuseDuration;',
    '@interface LAContext : NSObject',
    '- (BOOL)canEvaluatePolicy:(LAPolicy)policy error:(NSError* __autoreleasing*)error;',
    '- (void)evaluatePolicy:(LAPolicy)policy localizedReason:(NSString*)localizedReason reply:(void (^)(BOOL success, NSError* error))reply;',
    '- (void)evaluateAccessControl:(SecAccessControlRef)accessControl operation:(LAAccessControlOperation)operation localizedReason:(NSString*)localizedReason reply:(void (^)(BOOL success, NSError* error))reply;',
    '- (void)invalidate;',
    '@property(nonatomic, copy) NSString* localizedFallbackTitle;',
    '@property(nonatomic, copy) NSString* localizedCancelTitle;',
    '@property(nonatomic) NSTimeInterval touchIDAuthenticationAllowableReuseDuration;',
    '@property(nonatomic, copy) NSString* localizedReason;',
    '@property(nonatomic) BOOL interactionNotAllowed;',
    '@property(nonatomic, readonly) LABiometryType biometryType;',
    '@end', '',
  ].join('\n');

  // Every framework name native/ uses must be declared somewhere the compiler will look.
  const handWritten = ['CoreFoundation/CoreFoundation.h', 'Foundation/Foundation.h', 'dispatch/dispatch.h']
    .map((h) => readFileSync(join(here, 'include', h), 'utf8')).join('\n');
  const declared = new Set([...`${handWritten}\n${security}\n${la}`.matchAll(/\b\w+\b/g)].map((m) => m[0]));
  for (const t of [...SECURITY_TYPES, ...LA_TYPES]) declared.add(t);
  const missing = [...used].filter((n) => !declared.has(n)).sort();
  if (missing.length > 0) {
    throw new Error(`native/ uses ${missing.join(', ')}, which the Linux harness does not provide yet. Add each one's ` +
      "declaration (from Apple's header) to test/native/harness/generate.mjs or include/, and its behaviour to standins/.");
  }

  mkdirSync(join(outDir, 'include', 'Security'), { recursive: true });
  mkdirSync(join(outDir, 'include', 'LocalAuthentication'), { recursive: true });
  writeFileSync(join(outDir, 'include', 'Security', 'Security.h'), security);
  writeFileSync(join(outDir, 'include', 'LocalAuthentication', 'LocalAuthentication.h'), la);
  writeFileSync(join(outDir, 'standin_constants.inc'),
    strings.map((n) => `STANDIN_STRING(${n}, ${JSON.stringify(values.get(n))})\n`).join(''));
  return { strings: strings.length, numbers: numbers.length, functions: Object.keys(SECURITY_FUNCTIONS).length };
}
