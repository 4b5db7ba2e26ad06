#pragma once
#include "common.h"
namespace sf {
Napi::Value SecAccessControlCreateWithFlagsJS(const Napi::CallbackInfo& info);
}  // namespace sf
