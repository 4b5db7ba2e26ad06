#pragma once
#include "common.h"
namespace sf {
Napi::Value SecItemAddJS(const Napi::CallbackInfo& info);
Napi::Value SecItemCopyMatchingJS(const Napi::CallbackInfo& info);
Napi::Value SecItemUpdateJS(const Napi::CallbackInfo& info);
Napi::Value SecItemDeleteJS(const Napi::CallbackInfo& info);
}  // namespace sf
