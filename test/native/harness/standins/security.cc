// Linux harness: a stand-in Security framework — an in-memory keychain for the four SecItem
// calls, fake SecKey and SecAccessControl objects, SecCopyErrorMessageString — following the
// ownership rules of Apple's headers (results and CFError out-parameters are +1; a failed
// SecItem call leaves *result untouched). Every function first consults the fault table, so a
// test can make any of them fail, return NULL, return any CF value or take its time.
#include <Security/Security.h>

#include "faults.h"
#include "model.h"

#include <cstring>
#include <mutex>

using namespace standin;

// The string constants, with the raw values of spec/constants.json (generated).
#define STANDIN_STRING(name, value) extern "C" const CFStringRef name = StringConstant(value);
namespace {
CFStringRef StringConstant(const char* utf8) {
  String* s = MakeString(Utf16(utf8));
  MakeImmortal(s);
  return reinterpret_cast<CFStringRef>(s);
}
}  // namespace
#include "standin_constants.inc"

namespace standin {

struct Key : Object {
  bool isPrivate = true;
  CFTypeRef publicKey = nullptr;  // retained
  ~Key() {
    if (publicKey) CFRelease(publicKey);
  }
};
struct AccessControl : Object {
  CFOptionFlags flags = 0;
};
STANDIN_CLASS Class gKeyClass{nullptr, "SecKey", kSecKey, {}, Destroy<Key>};
// SecCertificate and SecIdentity: certificates.cc.
STANDIN_CLASS Class gAccessControlClass{nullptr, "SecAccessControl", kSecAccessControl, {}, Destroy<AccessControl>};
// A file-based keychain's item reference (what kSecReturnRef gives for a password there).
STANDIN_CLASS Class gKeychainItemClass{nullptr, "SecKeychainItem", kSecKeychainItem, {}, Destroy<Plain>};

CFTypeRef MakeKey(bool isPrivate) {
  Key* key = New<Key>(&gKeyClass);
  key->isPrivate = isPrivate;
  if (isPrivate) {
    Key* publicKey = New<Key>(&gKeyClass);
    publicKey->isPrivate = false;
    key->publicKey = publicKey;
  }
  return key;
}

CFTypeRef MakeAccessControl(CFOptionFlags flags) {
  auto* access = New<AccessControl>(&gAccessControlClass);
  access->flags = flags;
  return access;
}

namespace {

// Never destroyed: the exit report empties the keychain after static destructors may have run.
std::mutex& gKeychainMutex = *new std::mutex;
std::vector<Ref>& gItems = *new std::vector<Ref>;  // CFMutableDictionaries

// A SecKey/SecAccessControl fault: fills *error and/or *result as the fault says.
bool Faulted(const char* function, CFErrorRef* error, CFTypeRef* result, CFTypeRef argument) {
  Fault fault;
  if (!TakeFault(function, fault) || !Decides(fault)) return false;
  *result = nullptr;
  if (fault.status != 0 && error) {
    *error = reinterpret_cast<CFErrorRef>(MakeError(kCFErrorDomainOSStatus, fault.status, "failed (stand-in fault)"));
  } else if (fault.error && error) {
    *error = reinterpret_cast<CFErrorRef>(const_cast<void*>(fault.error.copy()));
  } else if (fault.result) {
    *result = fault.result.copy();
  } else if (fault.echo && argument) {
    *result = CFRetain(argument);
  }
  return true;
}

void Fail(CFErrorRef* error, OSStatus status, const char* description) {
  if (error) *error = reinterpret_cast<CFErrorRef>(MakeError(kCFErrorDomainOSStatus, status, description));
}

bool IsControlKey(const std::u16string& key) {
  // r_Data, m_Limit, u_AuthCtx, … steer a call; they are not attributes.
  return key.size() > 1 && key[1] == u'_' && (key[0] == u'r' || key[0] == u'm' || key[0] == u'u');
}

bool Matches(CFDictionaryRef item, CFDictionaryRef query) {
  for (auto& entry : static_cast<Dictionary*>(O(query))->entries) {
    if (TypeOf(entry.first) != kString) return false;
    const std::u16string& key = static_cast<String*>(O(entry.first))->units;
    if (IsControlKey(key) || key == u"v_Data") continue;
    CFTypeRef value = CFDictionaryGetValue(item, entry.first);
    if (!value || !CFEqual(value, entry.second)) return false;
  }
  return true;
}

// The result a query asks for (kSecReturnAttributes / kSecReturnData), +1, or NULL.
CFTypeRef Shape(CFDictionaryRef item, CFDictionaryRef query) {
  bool attributes = IsTrue(Lookup(query, "r_Attributes"));
  bool data = IsTrue(Lookup(query, "r_Data"));
  if (attributes) {
    CFMutableDictionaryRef out =
        CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    for (auto& entry : static_cast<Dictionary*>(O(item))->entries) {
      if (data || !StringIs(entry.first, "v_Data")) CFDictionarySetValue(out, entry.first, entry.second);
    }
    return out;
  }
  if (data) {
    CFTypeRef value = Lookup(item, "v_Data");
    return value ? CFRetain(value) : nullptr;
  }
  return nullptr;
}

// A SecItem fault: the status to return, with *result filled as the fault says.
bool ItemFaulted(const char* function, CFDictionaryRef query, CFTypeRef* result, OSStatus& status) {
  Fault fault;
  if (!TakeFault(function, fault) || !Decides(fault)) return false;
  status = fault.status;
  if (status == errSecSuccess && result) {
    if (fault.result) *result = fault.result.copy();
    if (fault.echo) *result = CFRetain(query);
  }
  return true;
}

}  // namespace

void ClearKeychain() {
  std::vector<Ref> old;
  std::lock_guard<std::mutex> lock(gKeychainMutex);
  old.swap(gItems);
}

}  // namespace standin

extern "C" {

CFTypeID SecKeyGetTypeID(void) { return kSecKey; }
CFTypeID SecCertificateGetTypeID(void) { return kSecCertificate; }
CFTypeID SecIdentityGetTypeID(void) { return kSecIdentity; }
CFTypeID SecAccessControlGetTypeID(void) { return kSecAccessControl; }
CFTypeID SecKeychainItemGetTypeID(void) { return kSecKeychainItem; }

OSStatus SecItemAdd(CFDictionaryRef attributes, CFTypeRef* result) {
  Expect(attributes, kDictionary, "SecItemAdd");
  NoteCall("SecItemAdd", attributes);
  OSStatus status = 0;
  if (ItemFaulted("SecItemAdd", attributes, result, status)) return status;
  std::lock_guard<std::mutex> lock(gKeychainMutex);
  if (!Lookup(attributes, "class")) return errSecParam;
  for (const Ref& item : gItems) {
    if (Matches(static_cast<CFDictionaryRef>(item.get()), attributes)) return errSecDuplicateItem;
  }
  CFMutableDictionaryRef copy =
      CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  for (auto& entry : static_cast<Dictionary*>(O(attributes))->entries) {
    if (!IsControlKey(static_cast<String*>(O(entry.first))->units)) CFDictionarySetValue(copy, entry.first, entry.second);
  }
  gItems.push_back(Ref::Adopt(copy));
  if (result) *result = Shape(copy, attributes);
  return errSecSuccess;
}

OSStatus SecItemCopyMatching(CFDictionaryRef query, CFTypeRef* result) {
  Expect(query, kDictionary, "SecItemCopyMatching");
  NoteCall("SecItemCopyMatching", query);
  OSStatus status = 0;
  if (ItemFaulted("SecItemCopyMatching", query, result, status)) return status;
  std::lock_guard<std::mutex> lock(gKeychainMutex);
  std::vector<CFDictionaryRef> found;
  for (const Ref& item : gItems) {
    if (Matches(static_cast<CFDictionaryRef>(item.get()), query)) found.push_back(static_cast<CFDictionaryRef>(item.get()));
  }
  if (found.empty()) return errSecItemNotFound;
  if (!result) return errSecSuccess;
  if (StringIs(Lookup(query, "m_Limit"), "m_LimitAll")) {
    CFMutableArrayRef all = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    for (CFDictionaryRef item : found) {
      Ref value = Ref::Adopt(Shape(item, query));
      if (value) CFArrayAppendValue(all, value.get());
    }
    *result = all;
  } else {
    *result = Shape(found[0], query);
  }
  return errSecSuccess;
}

OSStatus SecItemUpdate(CFDictionaryRef query, CFDictionaryRef attributesToUpdate) {
  Expect(query, kDictionary, "SecItemUpdate");
  Expect(attributesToUpdate, kDictionary, "SecItemUpdate");
  NoteCall("SecItemUpdate", attributesToUpdate);
  NoteCall("SecItemUpdate.query", query);  // the dictionary that selects the items
  OSStatus status = 0;
  if (ItemFaulted("SecItemUpdate", query, nullptr, status)) return status;
  std::lock_guard<std::mutex> lock(gKeychainMutex);
  bool any = false;
  for (const Ref& item : gItems) {
    if (!Matches(static_cast<CFDictionaryRef>(item.get()), query)) continue;
    any = true;
    for (auto& entry : static_cast<Dictionary*>(O(attributesToUpdate))->entries) {
      CFDictionarySetValue(reinterpret_cast<CFMutableDictionaryRef>(const_cast<void*>(item.get())), entry.first, entry.second);
    }
  }
  return any ? errSecSuccess : errSecItemNotFound;
}

OSStatus SecItemDelete(CFDictionaryRef query) {
  Expect(query, kDictionary, "SecItemDelete");
  NoteCall("SecItemDelete", query);
  OSStatus status = 0;
  if (ItemFaulted("SecItemDelete", query, nullptr, status)) return status;
  std::vector<Ref> removed;  // released outside the lock
  std::lock_guard<std::mutex> lock(gKeychainMutex);
  for (auto it = gItems.begin(); it != gItems.end();) {
    if (Matches(static_cast<CFDictionaryRef>(it->get()), query)) {
      removed.push_back(std::move(*it));
      it = gItems.erase(it);
    } else {
      ++it;
    }
  }
  return removed.empty() ? errSecItemNotFound : errSecSuccess;
}

// Apple: "reserved: Reserved for future use. Pass NULL"; returns a +1 string, possibly NULL.
CFStringRef SecCopyErrorMessageString(OSStatus status, void* reserved) {
  if (reserved) Die("SecCopyErrorMessageString: reserved must be NULL");
  NoteCall("SecCopyErrorMessageString", nullptr);
  Fault fault;
  if (TakeFault("SecCopyErrorMessageString", fault) && Decides(fault)) {
    return static_cast<CFStringRef>(fault.result ? fault.result.copy() : nullptr);
  }
  if (status == errSecItemNotFound) return MakeCFString("The specified item could not be found in the keychain.");
  if (status == errSecDuplicateItem) return MakeCFString("The specified item already exists in the keychain.");
  return MakeCFString(("OSStatus " + std::to_string(status)).c_str());
}

SecKeyRef SecKeyCreateRandomKey(CFDictionaryRef parameters, CFErrorRef* error) {
  Expect(parameters, kDictionary, "SecKeyCreateRandomKey");
  NoteCall("SecKeyCreateRandomKey", parameters);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCreateRandomKey", error, &result, parameters)) return static_cast<SecKeyRef>(const_cast<void*>(result));
  if (!Lookup(parameters, "type")) {
    Fail(error, errSecParam, "Key generation failed, error -50");
    return nullptr;
  }
  return static_cast<SecKeyRef>(const_cast<void*>(MakeKey(true)));
}

SecKeyRef SecKeyCreateWithData(CFDataRef keyData, CFDictionaryRef attributes, CFErrorRef* error) {
  Expect(keyData, kData, "SecKeyCreateWithData");
  Expect(attributes, kDictionary, "SecKeyCreateWithData");
  NoteCall("SecKeyCreateWithData", attributes);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCreateWithData", error, &result, attributes)) return static_cast<SecKeyRef>(const_cast<void*>(result));
  if (CFDataGetLength(keyData) != 65) {
    Fail(error, errSecParam, "EC public key creation from data failed");
    return nullptr;
  }
  return static_cast<SecKeyRef>(const_cast<void*>(MakeKey(false)));
}

SecKeyRef SecKeyCopyPublicKey(SecKeyRef key) {
  Expect(key, kSecKey, "SecKeyCopyPublicKey");
  NoteCall("SecKeyCopyPublicKey", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCopyPublicKey", nullptr, &result, nullptr)) return static_cast<SecKeyRef>(const_cast<void*>(result));
  auto* k = static_cast<Key*>(O(key));
  if (!k->isPrivate) return static_cast<SecKeyRef>(const_cast<void*>(CFRetain(key)));
  return k->publicKey ? static_cast<SecKeyRef>(const_cast<void*>(CFRetain(k->publicKey))) : nullptr;
}

CFDictionaryRef SecKeyCopyAttributes(SecKeyRef key) {
  Expect(key, kSecKey, "SecKeyCopyAttributes");
  NoteCall("SecKeyCopyAttributes", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCopyAttributes", nullptr, &result, nullptr)) return static_cast<CFDictionaryRef>(result);
  CFMutableDictionaryRef out =
      CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  int64_t bits = 256;
  Ref size = Ref::Adopt(CFNumberCreate(nullptr, kCFNumberSInt64Type, &bits));
  Ref sizeKey = Ref::Adopt(MakeCFString("bsiz"));
  Ref typeKey = Ref::Adopt(MakeCFString("type"));
  Ref type = Ref::Adopt(MakeCFString("73"));
  CFDictionarySetValue(out, sizeKey.get(), size.get());
  CFDictionarySetValue(out, typeKey.get(), type.get());
  return out;
}

CFDataRef SecKeyCopyExternalRepresentation(SecKeyRef key, CFErrorRef* error) {
  Expect(key, kSecKey, "SecKeyCopyExternalRepresentation");
  NoteCall("SecKeyCopyExternalRepresentation", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCopyExternalRepresentation", error, &result, nullptr)) return static_cast<CFDataRef>(result);
  uint8_t point[65] = {4};
  return CFDataCreate(nullptr, point, sizeof point);
}

// The fake signature is 0x30 followed by the message: verifiable, and tamper-evident.
CFDataRef SecKeyCreateSignature(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef dataToSign, CFErrorRef* error) {
  Expect(key, kSecKey, "SecKeyCreateSignature");
  Expect(algorithm, kString, "SecKeyCreateSignature");
  Expect(dataToSign, kData, "SecKeyCreateSignature");
  NoteCall("SecKeyCreateSignature", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCreateSignature", error, &result, nullptr)) return static_cast<CFDataRef>(result);
  if (!static_cast<Key*>(O(key))->isPrivate) {
    Fail(error, errSecParam, "key does not support signing");
    return nullptr;
  }
  std::vector<uint8_t> signature{0x30};
  signature.insert(signature.end(), CFDataGetBytePtr(dataToSign), CFDataGetBytePtr(dataToSign) + CFDataGetLength(dataToSign));
  return CFDataCreate(nullptr, signature.data(), static_cast<CFIndex>(signature.size()));
}

Boolean SecKeyVerifySignature(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef signedData, CFDataRef signature,
                              CFErrorRef* error) {
  Expect(key, kSecKey, "SecKeyVerifySignature");
  Expect(algorithm, kString, "SecKeyVerifySignature");
  Expect(signedData, kData, "SecKeyVerifySignature");
  Expect(signature, kData, "SecKeyVerifySignature");
  NoteCall("SecKeyVerifySignature", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyVerifySignature", error, &result, nullptr)) {
    bool valid = result && IsTrue(result);
    if (result) CFRelease(result);
    return valid;
  }
  bool valid = CFDataGetLength(signature) == CFDataGetLength(signedData) + 1 &&
               memcmp(CFDataGetBytePtr(signature) + 1, CFDataGetBytePtr(signedData), static_cast<size_t>(CFDataGetLength(signedData))) == 0;
  if (!valid) Fail(error, errSecVerifyFailed, "EC signature verification failed (ccerr -7)");
  return valid;
}

CFDataRef SecKeyCreateEncryptedData(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef plaintext, CFErrorRef* error) {
  Expect(key, kSecKey, "SecKeyCreateEncryptedData");
  Expect(plaintext, kData, "SecKeyCreateEncryptedData");
  NoteCall("SecKeyCreateEncryptedData", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCreateEncryptedData", error, &result, nullptr)) return static_cast<CFDataRef>(result);
  return static_cast<CFDataRef>(CFRetain(plaintext));
}

CFDataRef SecKeyCreateDecryptedData(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef ciphertext, CFErrorRef* error) {
  Expect(key, kSecKey, "SecKeyCreateDecryptedData");
  Expect(ciphertext, kData, "SecKeyCreateDecryptedData");
  NoteCall("SecKeyCreateDecryptedData", nullptr);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCreateDecryptedData", error, &result, nullptr)) return static_cast<CFDataRef>(result);
  return static_cast<CFDataRef>(CFRetain(ciphertext));
}

CFDataRef SecKeyCopyKeyExchangeResult(SecKeyRef privateKey, SecKeyAlgorithm algorithm, SecKeyRef publicKey,
                                      CFDictionaryRef parameters, CFErrorRef* error) {
  Expect(privateKey, kSecKey, "SecKeyCopyKeyExchangeResult");
  Expect(publicKey, kSecKey, "SecKeyCopyKeyExchangeResult");
  Expect(parameters, kDictionary, "SecKeyCopyKeyExchangeResult");
  NoteCall("SecKeyCopyKeyExchangeResult", parameters);
  CFTypeRef result = nullptr;
  if (Faulted("SecKeyCopyKeyExchangeResult", error, &result, parameters)) return static_cast<CFDataRef>(result);
  uint8_t secret[32] = {1};
  return CFDataCreate(nullptr, secret, sizeof secret);
}

Boolean SecKeyIsAlgorithmSupported(SecKeyRef key, SecKeyOperationType operation, SecKeyAlgorithm algorithm) {
  Expect(key, kSecKey, "SecKeyIsAlgorithmSupported");
  Expect(algorithm, kString, "SecKeyIsAlgorithmSupported");
  NoteCall("SecKeyIsAlgorithmSupported", nullptr);
  return operation == kSecKeyOperationTypeSign && static_cast<Key*>(O(key))->isPrivate;
}

SecAccessControlRef SecAccessControlCreateWithFlags(CFAllocatorRef, CFTypeRef protection, SecAccessControlCreateFlags flags,
                                                    CFErrorRef* error) {
  NoteCall("SecAccessControlCreateWithFlags", protection);
  CFTypeRef result = nullptr;
  if (Faulted("SecAccessControlCreateWithFlags", error, &result, nullptr)) {
    return static_cast<SecAccessControlRef>(const_cast<void*>(result));
  }
  if (!StringIs(protection, "ak") && !StringIs(protection, "ck") && !StringIs(protection, "cku") &&
      !StringIs(protection, "aku") && !StringIs(protection, "akpu")) {
    Fail(error, errSecParam, "SecAccessControl: invalid protection");
    return nullptr;
  }
  return static_cast<SecAccessControlRef>(const_cast<void*>(MakeAccessControl(flags)));
}

}  // extern "C"
