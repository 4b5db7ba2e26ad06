// Linux harness: stand-in SecCertificate, SecIdentity and SecPKCS12Import, with the ownership
// rules of Apple's headers (SecCertificate.h, SecIdentity.h, SecImportExport.h): Create/Copy
// results and out-parameters are +1, a certificate holds its DER, an identity retains its
// certificate and its private key.
//
// What is modelled, and what is not:
// - SecCertificateCreateWithData returns NULL unless the bytes are one DER SEQUENCE holding a
//   TBSCertificate SEQUENCE, an AlgorithmIdentifier SEQUENCE and a signature BIT STRING, with
//   nothing after it (the shape of X.509; no signature is checked).
// - SecCertificateCopySubjectSummary: the subject's commonName, else its organizationName,
//   else NULL. SecCertificateCopyKey: a public SecKey for an EC or RSA subject key, NULL for
//   any other algorithm (Ed25519, say), as the header says.
// - SecPKCS12Import does no PKCS #12 cryptography. It takes a PFX-shaped fixture the drivers
//   build: SEQUENCE { INTEGER 3 (PFX version v3), OCTET STRING passphrase (UTF-8),
//   SEQUENCE { certificate… (leaf first) } }. Data of another shape is errSecDecode; a
//   kSecImportExportPassphrase that differs (or is missing) is errSecAuthFailed (the status
//   codes of SecImportExport.h). The result is Apple's: a +1 CFArray of one CFDictionary with
//   kSecImportItemLabel, kSecImportItemKeyID, kSecImportItemCertChain, kSecImportItemIdentity
//   and kSecImportItemTrust (a stand-in SecTrust, counted like every object, so a run that does
//   not release it ends with a live object).
// Every function first consults the fault table (faults.h).
#include <Security/Security.h>

#include "faults.h"
#include "model.h"

#include <cstring>

using namespace standin;

namespace standin {

struct Certificate : Object {
  std::vector<uint8_t> der;
};
struct Identity : Object {
  CFTypeRef certificate = nullptr;  // retained
  CFTypeRef privateKey = nullptr;   // retained
  ~Identity() {
    if (certificate) CFRelease(certificate);
    if (privateKey) CFRelease(privateKey);
  }
};
STANDIN_CLASS Class gCertificateClass{nullptr, "SecCertificate", kSecCertificate, {}, Destroy<Certificate>};
STANDIN_CLASS Class gIdentityClass{nullptr, "SecIdentity", kSecIdentity, {}, Destroy<Identity>};
STANDIN_CLASS Class gTrustClass{nullptr, "SecTrust", kSecTrust, {}, Destroy<Plain>};

namespace {

// One DER element: its tag, and where its contents lie.
struct Element {
  uint8_t tag = 0;
  const uint8_t* contents = nullptr;
  size_t length = 0;
  const uint8_t* end = nullptr;  // just past the element
};

// Reads the element at [p, limit); false when it does not fit or is not DER-shaped.
bool Read(const uint8_t* p, const uint8_t* limit, Element& out) {
  if (limit - p < 2) return false;
  out.tag = p[0];
  size_t length = p[1];
  const uint8_t* q = p + 2;
  if (length & 0x80) {
    size_t bytes = length & 0x7F;
    if (bytes == 0 || bytes > 4 || static_cast<size_t>(limit - q) < bytes) return false;
    length = 0;
    for (size_t i = 0; i < bytes; i++) length = (length << 8) | *q++;
  }
  if (static_cast<size_t>(limit - q) < length) return false;
  out.contents = q;
  out.length = length;
  out.end = q + length;
  return true;
}

bool IsCertificate(const uint8_t* bytes, size_t length) {
  Element outer, tbs, algorithm, signature;
  const uint8_t* limit = bytes + length;
  if (!Read(bytes, limit, outer) || outer.tag != 0x30 || outer.end != limit) return false;
  const uint8_t* inner = outer.contents + outer.length;
  if (!Read(outer.contents, inner, tbs) || tbs.tag != 0x30) return false;
  if (!Read(tbs.end, inner, algorithm) || algorithm.tag != 0x30) return false;
  return Read(algorithm.end, inner, signature) && signature.tag == 0x03 && signature.end == inner;
}

// The text of the last attribute with this OID (the subject's: it follows the issuer's).
bool LastAttribute(const std::vector<uint8_t>& der, const uint8_t* oid, size_t oidLength, std::string& out) {
  bool found = false;
  for (size_t i = 0; i + 2 + oidLength < der.size(); i++) {
    if (der[i] != 0x06 || der[i + 1] != oidLength || memcmp(&der[i + 2], oid, oidLength) != 0) continue;
    Element value;
    if (!Read(&der[i + 2 + oidLength], der.data() + der.size(), value)) continue;
    if (value.tag != 0x0C && value.tag != 0x13 && value.tag != 0x16 && value.tag != 0x14) continue;
    out.assign(reinterpret_cast<const char*>(value.contents), value.length);
    found = true;
  }
  return found;
}

bool Contains(const std::vector<uint8_t>& der, const uint8_t* oid, size_t oidLength) {
  for (size_t i = 0; i + 2 + oidLength <= der.size(); i++) {
    if (der[i] == 0x06 && der[i + 1] == oidLength && memcmp(&der[i + 2], oid, oidLength) == 0) return true;
  }
  return false;
}

const uint8_t kCommonName[] = {0x55, 0x04, 0x03};                                           // 2.5.4.3
const uint8_t kOrganization[] = {0x55, 0x04, 0x0A};                                         // 2.5.4.10
const uint8_t kEcPublicKey[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};                  // 1.2.840.10045.2.1
const uint8_t kRsaEncryption[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};    // 1.2.840.113549.1.1.1

std::string SummaryOf(const Certificate* certificate) {
  std::string text;
  if (LastAttribute(certificate->der, kCommonName, sizeof kCommonName, text)) return text;
  if (LastAttribute(certificate->der, kOrganization, sizeof kOrganization, text)) return text;
  return {};
}

// A fault for a function returning an object: true when the fault decides, with `result`
// (+1) set from it (NULL for returnNull).
bool ObjectFaulted(const char* function, CFTypeRef& result) {
  Fault fault;
  if (!TakeFault(function, fault) || !Decides(fault)) return false;
  result = fault.result ? fault.result.copy() : nullptr;
  return true;
}

CFStringRef Text(const std::string& utf8) { return MakeCFString(utf8.c_str()); }

}  // namespace

CFTypeRef MakeCertificate(const uint8_t* der, size_t length) {
  auto* certificate = New<Certificate>(&gCertificateClass);
  certificate->der.assign(der, der + length);
  return certificate;
}

CFTypeRef MakeIdentity(CFTypeRef certificate, CFTypeRef privateKey) {
  Expect(certificate, kSecCertificate, "MakeIdentity");
  Expect(privateKey, kSecKey, "MakeIdentity");
  auto* identity = New<Identity>(&gIdentityClass);
  identity->certificate = CFRetain(certificate);
  identity->privateKey = CFRetain(privateKey);
  return identity;
}

}  // namespace standin

extern "C" {

SecCertificateRef SecCertificateCreateWithData(CFAllocatorRef, CFDataRef data) {
  Expect(data, kData, "SecCertificateCreateWithData");
  NoteCall("SecCertificateCreateWithData", data);
  CFTypeRef result = nullptr;
  if (ObjectFaulted("SecCertificateCreateWithData", result)) return static_cast<SecCertificateRef>(const_cast<void*>(result));
  const uint8_t* bytes = CFDataGetBytePtr(data);
  size_t length = static_cast<size_t>(CFDataGetLength(data));
  if (!IsCertificate(bytes, length)) return nullptr;
  return static_cast<SecCertificateRef>(const_cast<void*>(MakeCertificate(bytes, length)));
}

CFDataRef SecCertificateCopyData(SecCertificateRef certificate) {
  Expect(certificate, kSecCertificate, "SecCertificateCopyData");
  NoteCall("SecCertificateCopyData", nullptr);
  CFTypeRef result = nullptr;
  if (ObjectFaulted("SecCertificateCopyData", result)) return static_cast<CFDataRef>(result);
  auto& der = static_cast<Certificate*>(O(certificate))->der;
  return CFDataCreate(nullptr, der.data(), static_cast<CFIndex>(der.size()));
}

CFStringRef SecCertificateCopySubjectSummary(SecCertificateRef certificate) {
  Expect(certificate, kSecCertificate, "SecCertificateCopySubjectSummary");
  NoteCall("SecCertificateCopySubjectSummary", nullptr);
  CFTypeRef result = nullptr;
  if (ObjectFaulted("SecCertificateCopySubjectSummary", result)) return static_cast<CFStringRef>(result);
  std::string summary = SummaryOf(static_cast<Certificate*>(O(certificate)));
  return summary.empty() ? nullptr : Text(summary);
}

SecKeyRef SecCertificateCopyKey(SecCertificateRef certificate) {
  Expect(certificate, kSecCertificate, "SecCertificateCopyKey");
  NoteCall("SecCertificateCopyKey", nullptr);
  CFTypeRef result = nullptr;
  if (ObjectFaulted("SecCertificateCopyKey", result)) return static_cast<SecKeyRef>(const_cast<void*>(result));
  auto& der = static_cast<Certificate*>(O(certificate))->der;
  if (!Contains(der, kEcPublicKey, sizeof kEcPublicKey) && !Contains(der, kRsaEncryption, sizeof kRsaEncryption)) return nullptr;
  return static_cast<SecKeyRef>(const_cast<void*>(MakeKey(false)));
}

OSStatus SecIdentityCopyCertificate(SecIdentityRef identity, SecCertificateRef* certificateRef) {
  Expect(identity, kSecIdentity, "SecIdentityCopyCertificate");
  if (!certificateRef) Die("SecIdentityCopyCertificate: certificateRef is __nonnull");
  NoteCall("SecIdentityCopyCertificate", nullptr);
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecIdentityCopyCertificate", &out, status)) {
    *certificateRef = static_cast<SecCertificateRef>(const_cast<void*>(out));
    return status;
  }
  *certificateRef = static_cast<SecCertificateRef>(const_cast<void*>(CFRetain(static_cast<Identity*>(O(identity))->certificate)));
  return errSecSuccess;
}

OSStatus SecIdentityCopyPrivateKey(SecIdentityRef identity, SecKeyRef* privateKeyRef) {
  Expect(identity, kSecIdentity, "SecIdentityCopyPrivateKey");
  if (!privateKeyRef) Die("SecIdentityCopyPrivateKey: privateKeyRef is __nonnull");
  NoteCall("SecIdentityCopyPrivateKey", nullptr);
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecIdentityCopyPrivateKey", &out, status)) {
    *privateKeyRef = static_cast<SecKeyRef>(const_cast<void*>(out));
    return status;
  }
  *privateKeyRef = static_cast<SecKeyRef>(const_cast<void*>(CFRetain(static_cast<Identity*>(O(identity))->privateKey)));
  return errSecSuccess;
}

OSStatus SecPKCS12Import(CFDataRef pkcs12Data, CFDictionaryRef options, CFArrayRef* items) {
  Expect(pkcs12Data, kData, "SecPKCS12Import");
  Expect(options, kDictionary, "SecPKCS12Import");
  if (!items) Die("SecPKCS12Import: items is __nonnull");
  NoteCall("SecPKCS12Import", options);
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecPKCS12Import", &out, status)) {
    *items = static_cast<CFArrayRef>(out);
    return status;
  }
  const uint8_t* bytes = CFDataGetBytePtr(pkcs12Data);
  const uint8_t* limit = bytes + CFDataGetLength(pkcs12Data);
  Element pfx, version, passphrase, certificates;
  if (!Read(bytes, limit, pfx) || pfx.tag != 0x30 || pfx.end != limit) return errSecDecode;
  if (!Read(pfx.contents, pfx.end, version) || version.tag != 0x02 || version.length != 1 || version.contents[0] != 3) return errSecDecode;
  if (!Read(version.end, pfx.end, passphrase) || passphrase.tag != 0x04) return errSecDecode;
  if (!Read(passphrase.end, pfx.end, certificates) || certificates.tag != 0x30 || certificates.end != pfx.end) return errSecDecode;

  CFTypeRef given = CFDictionaryGetValue(options, kSecImportExportPassphrase);  // Get rule
  std::string expected(reinterpret_cast<const char*>(passphrase.contents), passphrase.length);
  if (!given || !StringIs(given, expected.c_str())) return errSecAuthFailed;

  Ref chain = Ref::Adopt(CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks));
  for (const uint8_t* p = certificates.contents; p < certificates.end;) {
    Element certificate;
    if (!Read(p, certificates.end, certificate) || !IsCertificate(p, static_cast<size_t>(certificate.end - p))) return errSecDecode;
    Ref made = Ref::Adopt(MakeCertificate(p, static_cast<size_t>(certificate.end - p)));
    CFArrayAppendValue(reinterpret_cast<CFMutableArrayRef>(const_cast<void*>(chain.get())), made.get());
    p = certificate.end;
  }
  if (CFArrayGetCount(static_cast<CFArrayRef>(chain.get())) == 0) return errSecDecode;

  CFTypeRef leaf = CFArrayGetValueAtIndex(static_cast<CFArrayRef>(chain.get()), 0);
  Ref key = Ref::Adopt(MakeKey(true));
  Ref identity = Ref::Adopt(MakeIdentity(leaf, key.get()));
  Ref trust = Ref::Adopt(New<Plain>(&gTrustClass));
  Ref label = Ref::Adopt(Text(SummaryOf(static_cast<Certificate*>(O(leaf)))));
  uint8_t keyID[20];
  for (size_t i = 0; i < sizeof keyID; i++) keyID[i] = static_cast<uint8_t>(i * 7 + 1);
  Ref keyIDData = Ref::Adopt(CFDataCreate(nullptr, keyID, sizeof keyID));

  CFMutableDictionaryRef item =
      CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  Ref itemRef = Ref::Adopt(item);
  CFDictionarySetValue(item, kSecImportItemLabel, label.get());
  CFDictionarySetValue(item, kSecImportItemKeyID, keyIDData.get());
  CFDictionarySetValue(item, kSecImportItemCertChain, chain.get());
  CFDictionarySetValue(item, kSecImportItemIdentity, identity.get());
  CFDictionarySetValue(item, kSecImportItemTrust, trust.get());
  CFMutableArrayRef result = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
  CFArrayAppendValue(result, item);
  *items = result;  // +1 to the caller
  return errSecSuccess;
}

}  // extern "C"
