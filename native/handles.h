// Opaque framework objects as JavaScript objects. One class, "NativeHandle", wraps any
// CF-compatible object (SecKey, SecCertificate, SecIdentity, SecAccessControl, a keychain
// item reference, or an LAContext bridged to CF) and owns exactly one retain of it. The retain
// is dropped by release() or, failing that, when the garbage collector finalizes the handle.
// A job that uses a handle copies the reference out (a CFRef, which retains) before it leaves
// the JavaScript thread, so releasing or collecting the handle meanwhile is safe.
#pragma once

#include "common.h"

namespace sf {

// Per-environment state (worker threads and Electron renderers load the addon again).
struct AddonData {
  Napi::FunctionReference handleConstructor;
};

// Defines the NativeHandle class for this environment.
Napi::Function DefineHandleClass(Napi::Env env);

// The kind name JavaScript sees for a framework object: "SecKey", "SecCertificate",
// "SecIdentity", "SecAccessControl" or "SecKeychainItem"; empty for any other type.
std::string KindOf(CFTypeRef object);

// A new handle holding its own retain of `object` (the caller keeps its reference).
Napi::Object WrapHandle(Napi::Env env, CFTypeRef object, const std::string& kind);

// True if `value` is one of our handles (released or not).
bool IsHandle(Napi::Env env, const Napi::Value& value);

// The object inside a handle, retained for the caller. Throws errSecParam naming `what` if
// `value` is not a handle, is a handle of another kind (when `kind` is given), or was released.
CFRef<CFTypeRef> UnwrapHandle(Napi::Env env, const Napi::Value& value, const char* kind, const std::string& what);

// The object inside a handle of a keychain item's kind (SecKey, SecCertificate, SecIdentity or
// SecKeychainItem: what kSecValueRef and kSecMatchItemList hold, SecItem.h), retained for the
// caller; errSecParam naming `what` otherwise.
CFRef<CFTypeRef> UnwrapItemReference(Napi::Env env, const Napi::Value& value, const std::string& what);

// The LAContext inside a handle of kind "LAContext"; errSecParam otherwise.
LAContext* UnwrapContext(Napi::Env env, const Napi::Value& value, const std::string& what);

}  // namespace sf
