// SecItemAdd, SecItemCopyMatching, SecItemUpdate, SecItemDelete (Security/SecItem.h):
//   OSStatus SecItemAdd(CFDictionaryRef attributes, CFTypeRef * __nullable CF_RETURNS_RETAINED result);
//   OSStatus SecItemCopyMatching(CFDictionaryRef query, CFTypeRef * __nullable CF_RETURNS_RETAINED result);
//   OSStatus SecItemUpdate(CFDictionaryRef query, CFDictionaryRef attributesToUpdate);
//   OSStatus SecItemDelete(CFDictionaryRef query);
// `result` is +1 (CF_RETURNS_RETAINED) and may stay NULL when no return key was asked for; its
// type depends on the query, so it is converted by its CFTypeID, never by assumption.
#include "calls.h"

#include "marshal.h"
#include "sec_queue.h"

namespace sf {

namespace {

Napi::Value ConvertResult(Napi::Env env, Outcome& out) {
  return out.value ? FromCF(env, out.value.get()) : env.Undefined();
}

Napi::Value ConvertNothing(Napi::Env env, Outcome&) { return env.Undefined(); }

}  // namespace

Napi::Value SecItemAddJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFDictionaryRef> attributes;
  try {
    attributes = ToCFDictionary(env, info[0], "attributes");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecItemAdd");
  }
  return RunOnSecurityQueue(
      env, "SecItemAdd",
      [attributes](Outcome& out) {
        CFTypeRef result = nullptr;
        OSStatus status = SecItemAdd(attributes.get(), &result);
        CFRef<CFTypeRef> owned = CFRef<CFTypeRef>::Adopt(result);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);
        out.value = owned;
      },
      ConvertResult);
}

Napi::Value SecItemCopyMatchingJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFDictionaryRef> query;
  try {
    query = ToCFDictionary(env, info[0], "query");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecItemCopyMatching");
  }
  return RunOnSecurityQueue(
      env, "SecItemCopyMatching",
      [query](Outcome& out) {
        CFTypeRef result = nullptr;
        OSStatus status = SecItemCopyMatching(query.get(), &result);
        CFRef<CFTypeRef> owned = CFRef<CFTypeRef>::Adopt(result);
        if (status != errSecSuccess) return FailWithStatus(out, status);  // errSecItemNotFound included
        out.value = owned;
      },
      ConvertResult);
}

Napi::Value SecItemUpdateJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFDictionaryRef> query;
  CFRef<CFDictionaryRef> attributesToUpdate;
  try {
    query = ToCFDictionary(env, info[0], "query");
    attributesToUpdate = ToCFDictionary(env, info[1], "attributesToUpdate");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecItemUpdate");
  }
  return RunOnSecurityQueue(
      env, "SecItemUpdate",
      [query, attributesToUpdate](Outcome& out) {
        OSStatus status = SecItemUpdate(query.get(), attributesToUpdate.get());
        if (status != errSecSuccess) FailWithStatus(out, status);
      },
      ConvertNothing);
}

Napi::Value SecItemDeleteJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFDictionaryRef> query;
  try {
    query = ToCFDictionary(env, info[0], "query");
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecItemDelete");
  }
  return RunOnSecurityQueue(
      env, "SecItemDelete",
      [query](Outcome& out) {
        OSStatus status = SecItemDelete(query.get());
        if (status != errSecSuccess) FailWithStatus(out, status);
      },
      ConvertNothing);
}

}  // namespace sf
