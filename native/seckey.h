#pragma once
#include "common.h"
namespace sf {
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
}  // namespace sf
