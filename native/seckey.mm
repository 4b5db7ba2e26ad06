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

#include "handles.h"
#include "marshal.h"
#include "sec_queue.h"

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

Napi::Value KeyAlgorithmData(const Napi::CallbackInfo& info, const char* operation, DataFunction function,
                             const char* dataName) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> key;
  CFRef<CFStringRef> algorithm;
  CFRef<CFDataRef> data;
  try {
    key = Key(env, info[0], "key");
    algorithm = ToCFString(env, info[1], "algorithm");
    data = ToCFData(env, info[2], dataName);
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, operation);
  }
  return RunOnSecurityQueue(
      env, operation,
      [key, algorithm, data, function, operation](Outcome& out) {
        CFErrorRef error = nullptr;
        CFDataRef result = function(AsKey(key), algorithm.get(), data.get(), &error);  // +1 or NULL
        if (!result) return FailWithCFError(out, error, operation);
        out.value = CFRef<CFTypeRef>::Adopt(result);
        if (error) CFRelease(error);  // not expected on success; released if present
      },
      ConvertValue);
}

}  // namespace

Napi::Value SecKeyCreateRandomKeyJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFDictionaryRef> parameters;
  try {
    parameters = ToCFDictionary(env, info[0], "parameters");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyCreateRandomKey");
  }
  return RunOnSecurityQueue(
      env, "SecKeyCreateRandomKey",
      [parameters](Outcome& out) {
        CFErrorRef error = nullptr;
        SecKeyRef key = SecKeyCreateRandomKey(parameters.get(), &error);  // +1 or NULL
        if (!key) return FailWithCFError(out, error, "SecKeyCreateRandomKey");
        out.value = CFRef<CFTypeRef>::Adopt(key);
      },
      ConvertHandle);
}

Napi::Value SecKeyCopyPublicKeyJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> key;
  try {
    key = Key(env, info[0], "key");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyCopyPublicKey");
  }
  return RunOnSecurityQueue(
      env, "SecKeyCopyPublicKey",
      [key](Outcome& out) {
        // NULL when the key has no public key (not an error); the Promise resolves null.
        out.value = CFRef<CFTypeRef>::Adopt(SecKeyCopyPublicKey(AsKey(key)));
      },
      [](Napi::Env env, Outcome& out) -> Napi::Value {
        return out.value ? FromCF(env, out.value.get()) : env.Null();
      });
}

Napi::Value SecKeyCopyAttributesJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> key;
  try {
    key = Key(env, info[0], "key");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyCopyAttributes");
  }
  return RunOnSecurityQueue(
      env, "SecKeyCopyAttributes",
      [key](Outcome& out) {
        CFDictionaryRef attributes = SecKeyCopyAttributes(AsKey(key));  // +1 or NULL (no error object)
        if (!attributes) return FailWithCFError(out, nullptr, "SecKeyCopyAttributes");
        out.value = CFRef<CFTypeRef>::Adopt(attributes);
      },
      ConvertValue);
}

Napi::Value SecKeyCopyExternalRepresentationJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> key;
  try {
    key = Key(env, info[0], "key");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyCopyExternalRepresentation");
  }
  return RunOnSecurityQueue(
      env, "SecKeyCopyExternalRepresentation",
      [key](Outcome& out) {
        CFErrorRef error = nullptr;
        CFDataRef data = SecKeyCopyExternalRepresentation(AsKey(key), &error);  // +1 or NULL
        if (!data) return FailWithCFError(out, error, "SecKeyCopyExternalRepresentation");
        out.value = CFRef<CFTypeRef>::Adopt(data);
      },
      ConvertValue);
}

Napi::Value SecKeyCreateWithDataJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFDataRef> keyData;
  CFRef<CFDictionaryRef> attributes;
  try {
    keyData = ToCFData(env, info[0], "keyData");
    attributes = ToCFDictionary(env, info[1], "attributes");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyCreateWithData");
  }
  return RunOnSecurityQueue(
      env, "SecKeyCreateWithData",
      [keyData, attributes](Outcome& out) {
        CFErrorRef error = nullptr;
        SecKeyRef key = SecKeyCreateWithData(keyData.get(), attributes.get(), &error);  // +1 or NULL
        if (!key) return FailWithCFError(out, error, "SecKeyCreateWithData");
        out.value = CFRef<CFTypeRef>::Adopt(key);
      },
      ConvertHandle);
}

Napi::Value SecKeyCreateSignatureJS(const Napi::CallbackInfo& info) {
  return KeyAlgorithmData(info, "SecKeyCreateSignature", &SecKeyCreateSignature, "dataToSign");
}

Napi::Value SecKeyCreateEncryptedDataJS(const Napi::CallbackInfo& info) {
  return KeyAlgorithmData(info, "SecKeyCreateEncryptedData", &SecKeyCreateEncryptedData, "plaintext");
}

Napi::Value SecKeyCreateDecryptedDataJS(const Napi::CallbackInfo& info) {
  return KeyAlgorithmData(info, "SecKeyCreateDecryptedData", &SecKeyCreateDecryptedData, "ciphertext");
}

Napi::Value SecKeyVerifySignatureJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> key;
  CFRef<CFStringRef> algorithm;
  CFRef<CFDataRef> signedData;
  CFRef<CFDataRef> signature;
  try {
    key = Key(env, info[0], "key");
    algorithm = ToCFString(env, info[1], "algorithm");
    signedData = ToCFData(env, info[2], "signedData");
    signature = ToCFData(env, info[3], "signature");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyVerifySignature");
  }
  return RunOnSecurityQueue(
      env, "SecKeyVerifySignature",
      [key, algorithm, signedData, signature](Outcome& out) {
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

Napi::Value SecKeyCopyKeyExchangeResultJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> privateKey;
  CFRef<CFStringRef> algorithm;
  CFRef<CFTypeRef> publicKey;
  CFRef<CFDictionaryRef> parameters;
  try {
    privateKey = Key(env, info[0], "privateKey");
    algorithm = ToCFString(env, info[1], "algorithm");
    publicKey = Key(env, info[2], "publicKey");
    parameters = ToCFDictionary(env, info[3], "parameters");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyCopyKeyExchangeResult");
  }
  return RunOnSecurityQueue(
      env, "SecKeyCopyKeyExchangeResult",
      [privateKey, algorithm, publicKey, parameters](Outcome& out) {
        CFErrorRef error = nullptr;
        CFDataRef secret = SecKeyCopyKeyExchangeResult(AsKey(privateKey), algorithm.get(), AsKey(publicKey),
                                                       parameters.get(), &error);  // +1 or NULL
        if (!secret) return FailWithCFError(out, error, "SecKeyCopyKeyExchangeResult");
        out.value = CFRef<CFTypeRef>::Adopt(secret);
      },
      ConvertValue);
}

Napi::Value SecKeyIsAlgorithmSupportedJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFTypeRef> key;
  int64_t operation = 0;
  CFRef<CFStringRef> algorithm;
  try {
    key = Key(env, info[0], "key");
    // SecKeyOperationType: kSecKeyOperationTypeSign (0) … kSecKeyOperationTypeKeyExchange (4).
    operation = ToInteger(env, info[1], "operation", kSecKeyOperationTypeSign, kSecKeyOperationTypeKeyExchange);
    algorithm = ToCFString(env, info[2], "algorithm");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecKeyIsAlgorithmSupported");
  }
  return RunOnSecurityQueue(
      env, "SecKeyIsAlgorithmSupported",
      [key, operation, algorithm](Outcome& out) {
        out.flag = SecKeyIsAlgorithmSupported(AsKey(key), static_cast<SecKeyOperationType>(operation), algorithm.get());
      },
      ConvertFlag);
}

}  // namespace sf
