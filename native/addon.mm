// Module registration: the functions of src/backend/addon.ts (NativeAddon), under the same
// names (the list in calls.def), and the framework's constant values. Node-API modules are
// context-aware: per-environment state lives in instance data, never in C++ globals.
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

  // Every function of NativeAddon, under its addon.ts name: the list in calls.def.
#define SF_CALL(name, entryPoint, returns) exports.Set(#name, Napi::Function::New(env, sf::entryPoint, #name));
#include "calls.def"
  return exports;
}

}  // namespace

NODE_API_MODULE(NODE_GYP_MODULE_NAME, Init)
