#pragma once
#include "common.h"
namespace sf {
Napi::Value LAContextCreateJS(const Napi::CallbackInfo& info);
Napi::Value LAContextCanEvaluatePolicyJS(const Napi::CallbackInfo& info);
Napi::Value LAContextEvaluatePolicyJS(const Napi::CallbackInfo& info);
Napi::Value LAContextEvaluateAccessControlJS(const Napi::CallbackInfo& info);
Napi::Value LAContextGetJS(const Napi::CallbackInfo& info);
Napi::Value LAContextSetJS(const Napi::CallbackInfo& info);
Napi::Value LAContextInvalidateJS(const Napi::CallbackInfo& info);
}  // namespace sf
