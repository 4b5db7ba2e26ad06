// SecKey functions (Security/SecKey.h, all API_AVAILABLE(macos(10.12))):
//   SecKeyRef _Nullable SecKeyCreateRandomKey(CFDictionaryRef parameters, CFErrorRef *error);
//   SecKeyRef _Nullable SecKeyCreateWithData(CFDataRef keyData, CFDictionaryRef attributes, CFErrorRef *error);
//   CFDataRef _Nullable SecKeyCopyExternalRepresentation(SecKeyRef key, CFErrorRef *error);
//   CFDictionaryRef _Nullable SecKeyCopyAttributes(SecKeyRef key);
//   SecKeyRef _Nullable SecKeyCopyPublicKey(SecKeyRef key);
//   CFDataRef _Nullable SecKeyCreateSignature(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef dataToSign, CFErrorRef *error);
//   Boolean SecKeyVerifySignature(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef signedData, CFDataRef signature, CFErrorRef *error);
//   CFDataRef _Nullable SecKeyCreateEncryptedData(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef plaintext, CFErrorRef *error);
//   CFDataRef _Nullable SecKeyCreateDecryptedData(SecKeyRef key, SecKeyAlgorithm algorithm, CFDataRef ciphertext, CFErrorRef *error);
//   CFDataRef _Nullable SecKeyCopyKeyExchangeResult(SecKeyRef privateKey, SecKeyAlgorithm algorithm, SecKeyRef publicKey, CFDictionaryRef parameters, CFErrorRef *error);
//   Boolean SecKeyIsAlgorithmSupported(SecKeyRef key, SecKeyOperationType operation, SecKeyAlgorithm algorithm);
// Every returned object is +1 (Create/Copy rule) and goes into a CFRef at once; a filled
// CFErrorRef is +1 and FailWithCFError releases it. SecKeyAlgorithm is a CFStringRef.
// Signing, decryption and key exchange with an access-controlled key can show UI, so every
// call runs on the security queue.
#include "calls.h"

#include "async_call.h"
#include "handles.h"
#include "marshal.h"

namespace sf {

namespace {

SecKeyRef AsKey(const CFRef<CFTypeRef>& ref) { return static_cast<SecKeyRef>(const_cast<void*>(ref.get())); }

CFRef<CFTypeRef> Key(Napi::Env env, const Napi::Value& value, const char* what) {
  return UnwrapHandle(env, value, "SecKey", what);
}

Napi::Value ConvertHandle(Napi::Env env, Outcome& out) { return FromCF(env, out.value.get()); }
Napi::Value ConvertValue(Napi::Env env, Outcome& out) { return out.value ? FromCF(env, out.value.get()) : env.Null(); }
Napi::Value ConvertFlag(Napi::Env env, Outcome& out) { return Napi::Boolean::New(env, out.flag); }

// The data-in, data-out shape shared by signing, encryption and decryption.
using DataFunction = CFDataRef (*)(SecKeyRef, SecKeyAlgorithm, CFDataRef, CFErrorRef*);

Napi::Promise KeyAlgorithmData(const Napi::CallbackInfo& info, const char* operation, DataFunction function,
                               const char* dataName) {
  return AsyncCall(
      info, operation, OnQueue{SecurityQueue()},
      [dataName](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{Key(env, info[0], "key"), ToCFString(env, info[1], "algorithm"), ToCFData(env, info[2], dataName)};
      },
      [function, operation](Outcome& out, const CFRef<CFTypeRef>& key, const CFRef<CFStringRef>& algorithm,
                            const CFRef<CFDataRef>& data) {
        CFErrorRef error = nullptr;
        CFDataRef result = function(AsKey(key), algorithm.get(), data.get(), &error);  // +1 or NULL
        if (!result) return FailWithCFError(out, error, operation);
        out.value = CFRef<CFTypeRef>::Adopt(result);
        if (error) CFRelease(error);  // not expected on success; released if present
      },
      ConvertValue);
}

}  // namespace

Napi::Promise SecKeyCreateRandomKeyJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyCreateRandomKey", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{ToCFDictionary(env, info[0], "parameters")}; },
      [](Outcome& out, const CFRef<CFDictionaryRef>& parameters) {
        CFErrorRef error = nullptr;
        SecKeyRef key = SecKeyCreateRandomKey(parameters.get(), &error);  // +1 or NULL
        if (!key) return FailWithCFError(out, error, "SecKeyCreateRandomKey");
        out.value = CFRef<CFTypeRef>::Adopt(key);
      },
      ConvertHandle);
}

Napi::Promise SecKeyCopyPublicKeyJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyCopyPublicKey", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Key(env, info[0], "key")}; },
      [](Outcome& out, const CFRef<CFTypeRef>& key) {
        // NULL when the key has no public key (not an error); the Promise resolves null.
        out.value = CFRef<CFTypeRef>::Adopt(SecKeyCopyPublicKey(AsKey(key)));
      },
      ConvertValue);
}

Napi::Promise SecKeyCopyAttributesJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyCopyAttributes", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Key(env, info[0], "key")}; },
      [](Outcome& out, const CFRef<CFTypeRef>& key) {
        CFDictionaryRef attributes = SecKeyCopyAttributes(AsKey(key));  // +1 or NULL (no error object)
        if (!attributes) return FailWithCFError(out, nullptr, "SecKeyCopyAttributes");
        out.value = CFRef<CFTypeRef>::Adopt(attributes);
      },
      ConvertValue);
}

Napi::Promise SecKeyCopyExternalRepresentationJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyCopyExternalRepresentation", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Key(env, info[0], "key")}; },
      [](Outcome& out, const CFRef<CFTypeRef>& key) {
        CFErrorRef error = nullptr;
        CFDataRef data = SecKeyCopyExternalRepresentation(AsKey(key), &error);  // +1 or NULL
        if (!data) return FailWithCFError(out, error, "SecKeyCopyExternalRepresentation");
        out.value = CFRef<CFTypeRef>::Adopt(data);
      },
      ConvertValue);
}

Napi::Promise SecKeyCreateWithDataJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyCreateWithData", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{ToCFData(env, info[0], "keyData"), ToCFDictionary(env, info[1], "attributes")};
      },
      [](Outcome& out, const CFRef<CFDataRef>& keyData, const CFRef<CFDictionaryRef>& attributes) {
        CFErrorRef error = nullptr;
        SecKeyRef key = SecKeyCreateWithData(keyData.get(), attributes.get(), &error);  // +1 or NULL
        if (!key) return FailWithCFError(out, error, "SecKeyCreateWithData");
        out.value = CFRef<CFTypeRef>::Adopt(key);
      },
      ConvertHandle);
}

Napi::Promise SecKeyCreateSignatureJS(const Napi::CallbackInfo& info) {
  return KeyAlgorithmData(info, "SecKeyCreateSignature", &SecKeyCreateSignature, "dataToSign");
}

Napi::Promise SecKeyCreateEncryptedDataJS(const Napi::CallbackInfo& info) {
  return KeyAlgorithmData(info, "SecKeyCreateEncryptedData", &SecKeyCreateEncryptedData, "plaintext");
}

Napi::Promise SecKeyCreateDecryptedDataJS(const Napi::CallbackInfo& info) {
  return KeyAlgorithmData(info, "SecKeyCreateDecryptedData", &SecKeyCreateDecryptedData, "ciphertext");
}

Napi::Promise SecKeyVerifySignatureJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyVerifySignature", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{Key(env, info[0], "key"), ToCFString(env, info[1], "algorithm"),
                          ToCFData(env, info[2], "signedData"), ToCFData(env, info[3], "signature")};
      },
      [](Outcome& out, const CFRef<CFTypeRef>& key, const CFRef<CFStringRef>& algorithm,
         const CFRef<CFDataRef>& signedData, const CFRef<CFDataRef>& signature) {
        CFErrorRef error = nullptr;
        Boolean valid = SecKeyVerifySignature(AsKey(key), algorithm.get(), signedData.get(), signature.get(), &error);
        // false with an error object: rejected with that error (a bad signature is
        // errSecVerifyFailed); false without one: resolved false.
        if (!valid && error) return FailWithCFError(out, error, "SecKeyVerifySignature");
        if (error) CFRelease(error);
        out.flag = valid;
      },
      ConvertFlag);
}

Napi::Promise SecKeyCopyKeyExchangeResultJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyCopyKeyExchangeResult", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{Key(env, info[0], "privateKey"), ToCFString(env, info[1], "algorithm"),
                          Key(env, info[2], "publicKey"), ToCFDictionary(env, info[3], "parameters")};
      },
      [](Outcome& out, const CFRef<CFTypeRef>& privateKey, const CFRef<CFStringRef>& algorithm,
         const CFRef<CFTypeRef>& publicKey, const CFRef<CFDictionaryRef>& parameters) {
        CFErrorRef error = nullptr;
        CFDataRef secret = SecKeyCopyKeyExchangeResult(AsKey(privateKey), algorithm.get(), AsKey(publicKey),
                                                       parameters.get(), &error);  // +1 or NULL
        if (!secret) return FailWithCFError(out, error, "SecKeyCopyKeyExchangeResult");
        out.value = CFRef<CFTypeRef>::Adopt(secret);
      },
      ConvertValue);
}

Napi::Promise SecKeyIsAlgorithmSupportedJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecKeyIsAlgorithmSupported", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        // SecKeyOperationType: kSecKeyOperationTypeSign (0) … kSecKeyOperationTypeKeyExchange (4).
        return std::tuple{Key(env, info[0], "key"),
                          ToInteger(env, info[1], "operation", kSecKeyOperationTypeSign, kSecKeyOperationTypeKeyExchange),
                          ToCFString(env, info[2], "algorithm")};
      },
      [](Outcome& out, const CFRef<CFTypeRef>& key, int64_t operation, const CFRef<CFStringRef>& algorithm) {
        out.flag = SecKeyIsAlgorithmSupported(AsKey(key), static_cast<SecKeyOperationType>(operation), algorithm.get());
      },
      ConvertFlag);
}

}  // namespace sf
