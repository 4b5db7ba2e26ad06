#pragma once
#include "common.h"
namespace sf {
// The framework's own constant with these UTF-16 contents (a CFString the framework defines),
// or NULL. Dictionary keys and values that equal a framework constant are passed as that
// constant, so the framework sees its own object, not merely an equal string.
CFStringRef FrameworkString(const std::u16string& units);
// { AppleName: value } for every constant the addon can read (the addon's `constants`).
Napi::Object ConstantsObject(Napi::Env env);
}  // namespace sf
