// SecItemAdd, SecItemCopyMatching, SecItemUpdate, SecItemDelete (Security/SecItem.h):
//   OSStatus SecItemAdd(CFDictionaryRef attributes, CFTypeRef * __nullable CF_RETURNS_RETAINED result);
//   OSStatus SecItemCopyMatching(CFDictionaryRef query, CFTypeRef * __nullable CF_RETURNS_RETAINED result);
//   OSStatus SecItemUpdate(CFDictionaryRef query, CFDictionaryRef attributesToUpdate);
//   OSStatus SecItemDelete(CFDictionaryRef query);
// `result` is +1 (CF_RETURNS_RETAINED) and may stay NULL when no return key was asked for; its
// type depends on the query, so it is converted by its CFTypeID, never by assumption.
#include "calls.h"

#include "async_call.h"
#include "marshal.h"

namespace sf {

namespace {

Napi::Value ConvertResult(Napi::Env env, Outcome& out) {
  return out.value ? FromCF(env, out.value.get()) : env.Undefined();
}

}  // namespace

Napi::Promise SecItemAddJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecItemAdd", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{ToCFDictionary(env, info[0], "attributes")}; },
      [](Outcome& out, const CFRef<CFDictionaryRef>& attributes) {
        CFTypeRef result = nullptr;
        OSStatus status = SecItemAdd(attributes.get(), &result);
        CFRef<CFTypeRef> owned = CFRef<CFTypeRef>::Adopt(result);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);
        out.value = owned;
      },
      ConvertResult);
}

Napi::Promise SecItemCopyMatchingJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecItemCopyMatching", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{ToCFDictionary(env, info[0], "query")}; },
      [](Outcome& out, const CFRef<CFDictionaryRef>& query) {
        CFTypeRef result = nullptr;
        OSStatus status = SecItemCopyMatching(query.get(), &result);
        CFRef<CFTypeRef> owned = CFRef<CFTypeRef>::Adopt(result);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);  // errSecItemNotFound included
        out.value = owned;
      },
      ConvertResult);
}

Napi::Promise SecItemUpdateJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecItemUpdate", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{ToCFDictionary(env, info[0], "query"), ToCFDictionary(env, info[1], "attributesToUpdate")};
      },
      [](Outcome& out, const CFRef<CFDictionaryRef>& query, const CFRef<CFDictionaryRef>& attributesToUpdate) {
        OSStatus status = SecItemUpdate(query.get(), attributesToUpdate.get());
        if (status != errSecSuccess) FailWithStatus(out, status);
      },
      ConvertNothing);
}

Napi::Promise SecItemDeleteJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecItemDelete", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{ToCFDictionary(env, info[0], "query")}; },
      [](Outcome& out, const CFRef<CFDictionaryRef>& query) {
        OSStatus status = SecItemDelete(query.get());
        if (status != errSecSuccess) FailWithStatus(out, status);
      },
      ConvertNothing);
}

}  // namespace sf
