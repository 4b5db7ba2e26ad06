// JavaScript values to Core Foundation and back, generically and by type (DESIGN.md's value
// rules; native-guide.md §6). All conversions run on the JavaScript thread: inputs are copied
// into CF objects before a job leaves it, results are turned into JavaScript values after the
// job comes back.
#pragma once

#include "common.h"

namespace sf {

// Converts a value. `path` names it in errors (a dictionary key such as "acct", or an argument
// name). Throws errSecParam for a value with no CF counterpart (symbol, function, null,
// NaN, an unsafe or fractional bigint, a non-Uint8Array typed array, a class instance that is
// not a handle) or nesting deeper than 32 levels — before anything reaches the framework.
CFRef<CFTypeRef> ToCF(Napi::Env env, const Napi::Value& value, const std::string& path, int depth = 0);

// A dictionary argument (a plain object) as a CFDictionary.
CFRef<CFDictionaryRef> ToCFDictionary(Napi::Env env, const Napi::Value& value, const std::string& path);
// A string argument as a CFString.
CFRef<CFStringRef> ToCFString(Napi::Env env, const Napi::Value& value, const std::string& path);
// A Buffer / Uint8Array / ArrayBuffer argument as CFData (copied).
CFRef<CFDataRef> ToCFData(Napi::Env env, const Napi::Value& value, const std::string& path);
// An integer argument in [min, max].
int64_t ToInteger(Napi::Env env, const Napi::Value& value, const std::string& path, int64_t min, int64_t max);
// A non-empty string argument as an NSString (LocalAuthentication raises on an empty reason).
NSString* ToReason(Napi::Env env, const Napi::Value& value, const std::string& path);

// Converts a framework result: CFString → string, CFBoolean → boolean, CFNumber → number (or
// bigint beyond 2^53), CFData → Buffer (copied), CFDate → Date, CFNull → null, CFArray → Array,
// CFDictionary → plain object (string keys, each an own property), SecKey, SecCertificate,
// SecIdentity, SecAccessControl and SecKeychainItem → a native handle. Any other type throws
// errSecInternalComponent naming it.
Napi::Value FromCF(Napi::Env env, CFTypeRef value, int depth = 0);

}  // namespace sf
