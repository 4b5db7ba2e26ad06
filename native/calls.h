// The addon's JavaScript entry points, declared from the list in calls.def (which addon.mm
// registers from too). Each converts its arguments on the JavaScript thread; a Promise entry
// point hands its framework work to AsyncCall (async_call.h).
#pragma once
#include "common.h"
namespace sf {
#define SF_CALL(name, entryPoint, returns) Napi::returns entryPoint(const Napi::CallbackInfo& info);
#include "calls.def"
}  // namespace sf
