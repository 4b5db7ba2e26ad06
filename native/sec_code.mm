// The running process's code signature (Security/SecCode.h, macOS 14.2 SDK, all macOS 10.5+),
// for diagnose():
//   OSStatus SecCodeCopySelf(SecCSFlags flags, SecCodeRef * __nonnull CF_RETURNS_RETAINED self);
//   OSStatus SecCodeCheckValidity(SecCodeRef code, SecCSFlags flags, SecRequirementRef __nullable requirement);
//   OSStatus SecCodeCopySigningInformation(SecStaticCodeRef code, SecCSFlags flags,
//       CFDictionaryRef * __nonnull CF_RETURNS_RETAINED information);
// Both out-parameters are +1 and are adopted on the line that receives them, also on a failed
// status. A SecCodeRef may be passed where a SecStaticCodeRef is asked for ("For a Code
// argument, its StaticCode is processed as per SecCodeCopyStaticCode").
//
// SecCodeCheckValidity's status is the answer, not a failure of the call: errSecSuccess for a
// valid signature (ad hoc ones included), errSecCSUnsigned (-67062) for unsigned code, another
// CSCommon.h status for a broken one. The Promise resolves with it.
//
// SecCodeCopySigningInformation "will succeed and return a dictionary that does NOT contain the
// kSecCodeInfoIdentifier key" for unsigned code. kSecCodeInfoTeamIdentifier needs
// kSecCSSigningInformation; kSecCodeInfoIdentifier, kSecCodeInfoFlags (SecCodeSignatureFlags,
// kSecCodeSignatureAdhoc = 0x2) and kSecCodeInfoEntitlementsDict are "generic" and come with any
// flags. The dictionary also holds "live" objects (a SecTrust, certificates, CFURLs) this addon
// does not convert, so only those four are read; each is copied out off the JavaScript thread
// (strings as UTF-16, the flags as a number) except the entitlements dictionary, a property
// list, which is kept (retained) and converted on the JavaScript thread. Nothing here prompts.
#include "calls.h"

#include "async_call.h"
#include "marshal.h"

#include <optional>

namespace sf {

namespace {

// The +1 SecCode of this process, or the failed status recorded in `out`.
CFRef<SecCodeRef> Self(Outcome& out) {
  SecCodeRef code = nullptr;
  OSStatus status = SecCodeCopySelf(kSecCSDefaultFlags, &code);
  CFRef<SecCodeRef> owned = CFRef<SecCodeRef>::Adopt(code);  // +1 or NULL
  if (status != errSecSuccess) {
    FailWithStatus(out, status);
    return {};
  }
  if (!owned) FailWithCFError(out, nullptr, "SecCodeCopySelf");
  return owned;
}

// What the call reads out of the signing information.
struct Signing {
  std::optional<std::u16string> identifier;
  std::optional<std::u16string> teamIdentifier;
  std::optional<int64_t> flags;
  CFRef<CFTypeRef> entitlements;  // a CFDictionary, or nothing
};

std::optional<std::u16string> StringAt(CFDictionaryRef information, CFStringRef key) {
  CFTypeRef value = CFDictionaryGetValue(information, key);  // Get rule
  if (!value || CFGetTypeID(value) != CFStringGetTypeID()) return std::nullopt;
  return CFStringToUtf16(static_cast<CFStringRef>(value));
}

}  // namespace

Napi::Promise SecCodeCheckValidityJS(const Napi::CallbackInfo& info) {
  auto validity = std::make_shared<OSStatus>(errSecSuccess);
  return AsyncCall(
      info, "SecCodeCheckValidity", OnQueue{SecurityQueue()},
      [](Napi::Env, const Napi::CallbackInfo&) { return std::tuple{}; },
      [validity](Outcome& out) {
        CFRef<SecCodeRef> code = Self(out);
        if (!code) return;
        *validity = SecCodeCheckValidity(code.get(), kSecCSDefaultFlags, nullptr);
      },
      [validity](Napi::Env env, Outcome&) -> Napi::Value { return Napi::Number::New(env, *validity); });
}

Napi::Promise SecCodeCopySigningInformationJS(const Napi::CallbackInfo& info) {
  auto signing = std::make_shared<Signing>();
  return AsyncCall(
      info, "SecCodeCopySigningInformation", OnQueue{SecurityQueue()},
      [](Napi::Env, const Napi::CallbackInfo&) { return std::tuple{}; },
      [signing](Outcome& out) {
        CFRef<SecCodeRef> code = Self(out);
        if (!code) return;
        CFDictionaryRef information = nullptr;
        OSStatus status = SecCodeCopySigningInformation(code.get(), kSecCSSigningInformation, &information);
        CFRef<CFDictionaryRef> owned = CFRef<CFDictionaryRef>::Adopt(information);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);
        if (!owned || CFGetTypeID(owned.get()) != CFDictionaryGetTypeID()) {
          return FailInternally(out, "SecCodeCopySigningInformation returned no dictionary");
        }
        signing->identifier = StringAt(owned.get(), kSecCodeInfoIdentifier);
        signing->teamIdentifier = StringAt(owned.get(), kSecCodeInfoTeamIdentifier);
        CFTypeRef flags = CFDictionaryGetValue(owned.get(), kSecCodeInfoFlags);  // Get rule
        int64_t word = 0;
        if (flags && CFGetTypeID(flags) == CFNumberGetTypeID() && CFNumberGetValue(static_cast<CFNumberRef>(flags), kCFNumberSInt64Type, &word)) {
          signing->flags = word;
        }
        CFTypeRef entitlements = CFDictionaryGetValue(owned.get(), kSecCodeInfoEntitlementsDict);  // Get rule
        if (entitlements && CFGetTypeID(entitlements) == CFDictionaryGetTypeID()) {
          signing->entitlements = CFRef<CFTypeRef>::Retain(entitlements);  // outlives `owned`
        }
      },
      [signing](Napi::Env env, Outcome&) -> Napi::Value {
        Napi::Object result = Napi::Object::New(env);
        if (signing->identifier) result.Set("identifier", Napi::String::New(env, *signing->identifier));
        if (signing->teamIdentifier) result.Set("teamIdentifier", Napi::String::New(env, *signing->teamIdentifier));
        if (signing->flags) result.Set("flags", Napi::Number::New(env, static_cast<double>(*signing->flags)));
        if (signing->entitlements) result.Set("entitlements", FromCF(env, signing->entitlements.get()));
        return result;
      });
}

}  // namespace sf
