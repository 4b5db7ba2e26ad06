// Module registration: the functions of src/backend/addon.ts (NativeAddon), under the same
// names, and the framework's constant values. Node-API modules are context-aware: per-
// environment state lives in instance data, never in C++ globals.
#include "common.h"

#include "constants.h"
#include "handles.h"
#include "la_context.h"
#include "sec_access_control.h"
#include "secitem.h"
#include "seckey.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new sf::AddonData();
  data->handleConstructor = Napi::Persistent(sf::DefineHandleClass(env));
  env.SetInstanceData<sf::AddonData>(data);  // deleted by Node-API when the environment ends

  exports.Set("constants", sf::ConstantsObject(env));

  exports.Set("secItemAdd", Napi::Function::New(env, sf::SecItemAddJS, "secItemAdd"));
  exports.Set("secItemCopyMatching", Napi::Function::New(env, sf::SecItemCopyMatchingJS, "secItemCopyMatching"));
  exports.Set("secItemUpdate", Napi::Function::New(env, sf::SecItemUpdateJS, "secItemUpdate"));
  exports.Set("secItemDelete", Napi::Function::New(env, sf::SecItemDeleteJS, "secItemDelete"));

  exports.Set("secKeyCreateRandomKey", Napi::Function::New(env, sf::SecKeyCreateRandomKeyJS, "secKeyCreateRandomKey"));
  exports.Set("secKeyCopyPublicKey", Napi::Function::New(env, sf::SecKeyCopyPublicKeyJS, "secKeyCopyPublicKey"));
  exports.Set("secKeyCopyAttributes", Napi::Function::New(env, sf::SecKeyCopyAttributesJS, "secKeyCopyAttributes"));
  exports.Set("secKeyCopyExternalRepresentation",
              Napi::Function::New(env, sf::SecKeyCopyExternalRepresentationJS, "secKeyCopyExternalRepresentation"));
  exports.Set("secKeyCreateWithData", Napi::Function::New(env, sf::SecKeyCreateWithDataJS, "secKeyCreateWithData"));
  exports.Set("secKeyCreateSignature", Napi::Function::New(env, sf::SecKeyCreateSignatureJS, "secKeyCreateSignature"));
  exports.Set("secKeyVerifySignature", Napi::Function::New(env, sf::SecKeyVerifySignatureJS, "secKeyVerifySignature"));
  exports.Set("secKeyCreateEncryptedData",
              Napi::Function::New(env, sf::SecKeyCreateEncryptedDataJS, "secKeyCreateEncryptedData"));
  exports.Set("secKeyCreateDecryptedData",
              Napi::Function::New(env, sf::SecKeyCreateDecryptedDataJS, "secKeyCreateDecryptedData"));
  exports.Set("secKeyCopyKeyExchangeResult",
              Napi::Function::New(env, sf::SecKeyCopyKeyExchangeResultJS, "secKeyCopyKeyExchangeResult"));
  exports.Set("secKeyIsAlgorithmSupported",
              Napi::Function::New(env, sf::SecKeyIsAlgorithmSupportedJS, "secKeyIsAlgorithmSupported"));

  exports.Set("secAccessControlCreateWithFlags",
              Napi::Function::New(env, sf::SecAccessControlCreateWithFlagsJS, "secAccessControlCreateWithFlags"));

  exports.Set("laContextCreate", Napi::Function::New(env, sf::LAContextCreateJS, "laContextCreate"));
  exports.Set("laContextCanEvaluatePolicy",
              Napi::Function::New(env, sf::LAContextCanEvaluatePolicyJS, "laContextCanEvaluatePolicy"));
  exports.Set("laContextEvaluatePolicy", Napi::Function::New(env, sf::LAContextEvaluatePolicyJS, "laContextEvaluatePolicy"));
  exports.Set("laContextEvaluateAccessControl",
              Napi::Function::New(env, sf::LAContextEvaluateAccessControlJS, "laContextEvaluateAccessControl"));
  exports.Set("laContextGet", Napi::Function::New(env, sf::LAContextGetJS, "laContextGet"));
  exports.Set("laContextSet", Napi::Function::New(env, sf::LAContextSetJS, "laContextSet"));
  exports.Set("laContextInvalidate", Napi::Function::New(env, sf::LAContextInvalidateJS, "laContextInvalidate"));
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
