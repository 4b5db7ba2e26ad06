// Module registration: the functions of src/backend/addon.ts (NativeAddon), under the same
// names, and the framework's constant values. Node-API modules are context-aware: per-
// environment state lives in instance data, never in C++ globals.
#include "common.h"

#include "calls.h"
#include "constants.h"
#include "handles.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new sf::AddonData();
  data->handleConstructor = Napi::Persistent(sf::DefineHandleClass(env));
  env.SetInstanceData<sf::AddonData>(data);  // deleted by Node-API when the environment ends

  exports.Set("constants", sf::ConstantsObject(env));

  // Every function of NativeAddon, under its addon.ts name (test/native/source.test.ts checks both lists).
  const struct {
    const char* name;
    Napi::Value (*function)(const Napi::CallbackInfo&);
  } functions[] = {
      {"secItemAdd", sf::SecItemAddJS},
      {"secItemCopyMatching", sf::SecItemCopyMatchingJS},
      {"secItemUpdate", sf::SecItemUpdateJS},
      {"secItemDelete", sf::SecItemDeleteJS},
      {"secKeyCreateRandomKey", sf::SecKeyCreateRandomKeyJS},
      {"secKeyCopyPublicKey", sf::SecKeyCopyPublicKeyJS},
      {"secKeyCopyAttributes", sf::SecKeyCopyAttributesJS},
      {"secKeyCopyExternalRepresentation", sf::SecKeyCopyExternalRepresentationJS},
      {"secKeyCreateWithData", sf::SecKeyCreateWithDataJS},
      {"secKeyCreateSignature", sf::SecKeyCreateSignatureJS},
      {"secKeyVerifySignature", sf::SecKeyVerifySignatureJS},
      {"secKeyCreateEncryptedData", sf::SecKeyCreateEncryptedDataJS},
      {"secKeyCreateDecryptedData", sf::SecKeyCreateDecryptedDataJS},
      {"secKeyCopyKeyExchangeResult", sf::SecKeyCopyKeyExchangeResultJS},
      {"secKeyIsAlgorithmSupported", sf::SecKeyIsAlgorithmSupportedJS},
      {"secAccessControlCreateWithFlags", sf::SecAccessControlCreateWithFlagsJS},
      {"laContextCreate", sf::LAContextCreateJS},
      {"laContextCanEvaluatePolicy", sf::LAContextCanEvaluatePolicyJS},
      {"laContextEvaluatePolicy", sf::LAContextEvaluatePolicyJS},
      {"laContextEvaluateAccessControl", sf::LAContextEvaluateAccessControlJS},
      {"laContextGet", sf::LAContextGetJS},
      {"laContextSet", sf::LAContextSetJS},
      {"laContextInvalidate", sf::LAContextInvalidateJS},
  };
  for (const auto& entry : functions) {
    exports.Set(entry.name, Napi::Function::New(env, entry.function, entry.name));
  }
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
