// The addon's JavaScript entry points, one per NativeAddon function (src/backend/addon.ts),
// registered in addon.mm. Each converts its arguments on the JavaScript thread and, for a
// framework call that may wait for the user, returns a Promise (sec_queue.h).
#pragma once
#include "common.h"
namespace sf {
// secitem.mm
Napi::Value SecItemAddJS(const Napi::CallbackInfo& info);
Napi::Value SecItemCopyMatchingJS(const Napi::CallbackInfo& info);
Napi::Value SecItemUpdateJS(const Napi::CallbackInfo& info);
Napi::Value SecItemDeleteJS(const Napi::CallbackInfo& info);
// seckey.mm
Napi::Value SecKeyCreateRandomKeyJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCopyPublicKeyJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCopyAttributesJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCopyExternalRepresentationJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCreateWithDataJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCreateSignatureJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyVerifySignatureJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCreateEncryptedDataJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCreateDecryptedDataJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyCopyKeyExchangeResultJS(const Napi::CallbackInfo& info);
Napi::Value SecKeyIsAlgorithmSupportedJS(const Napi::CallbackInfo& info);
// sec_access_control.mm
Napi::Value SecAccessControlCreateWithFlagsJS(const Napi::CallbackInfo& info);
// la_context.mm
Napi::Value LAContextCreateJS(const Napi::CallbackInfo& info);
Napi::Value LAContextCanEvaluatePolicyJS(const Napi::CallbackInfo& info);
Napi::Value LAContextEvaluatePolicyJS(const Napi::CallbackInfo& info);
Napi::Value LAContextEvaluateAccessControlJS(const Napi::CallbackInfo& info);
Napi::Value LAContextGetJS(const Napi::CallbackInfo& info);
Napi::Value LAContextSetJS(const Napi::CallbackInfo& info);
Napi::Value LAContextInvalidateJS(const Napi::CallbackInfo& info);
}  // namespace sf
