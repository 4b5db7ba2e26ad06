// The default file-based keychain (Security/SecKeychain.h, macOS 14.2 SDK), for diagnose():
//   OSStatus SecKeychainCopyDefault(SecKeychainRef * __nonnull CF_RETURNS_RETAINED keychain);
//   OSStatus SecKeychainGetPath(SecKeychainRef __nullable keychain, UInt32 *ioPathLength, char *pathName);
//       "ioPathLength: On input, a pointer to the size of the buffer pointed to by pathName. On
//       return, the size of the buffer without the zero termination."
//   OSStatus SecKeychainGetStatus(SecKeychainRef __nullable keychain, SecKeychainStatus *keychainStatus);
// All three are API_DEPRECATED("SecKeychain is deprecated", macos(10.2, 10.10)) and still the
// only public way to read these facts of the file-based keychain; the deprecation warnings are
// silenced for this file only. SecKeychainCopyDefault's keychain is +1, adopted at once.
// Without a default keychain it fails with errSecNoDefaultKeychain, which rejects. None of the
// three unlocks the keychain or prompts: they read what securityd already knows.
#include "calls.h"

#include "async_call.h"
#include "keychain_facts.h"

#include <algorithm>
#include <vector>

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"

namespace sf {

OSStatus ReadKeychainFacts(SecKeychainRef keychain, KeychainFacts& facts) {
  std::vector<char> buffer(4096);
  UInt32 length = static_cast<UInt32>(buffer.size());
  OSStatus status = SecKeychainGetPath(keychain, &length, buffer.data());
  if (status != errSecSuccess) return status;
  facts.path.assign(buffer.data(), std::min<size_t>(length, buffer.size()));
  SecKeychainStatus word = 0;
  status = SecKeychainGetStatus(keychain, &word);
  if (status != errSecSuccess) return status;
  facts.status = word;
  return errSecSuccess;
}

Napi::Object KeychainFactsToJS(Napi::Env env, const KeychainFacts& facts) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("path", Napi::String::New(env, facts.path));
  result.Set("status", Napi::Number::New(env, facts.status));
  return result;
}

Napi::Promise SecKeychainCopyDefaultJS(const Napi::CallbackInfo& info) {
  auto facts = std::make_shared<KeychainFacts>();
  return AsyncCall(
      info, "SecKeychainCopyDefault", OnQueue{SecurityQueue()},
      [](Napi::Env, const Napi::CallbackInfo&) { return std::tuple{}; },
      [facts](Outcome& out) {
        SecKeychainRef keychain = nullptr;
        OSStatus status = SecKeychainCopyDefault(&keychain);
        CFRef<SecKeychainRef> owned = CFRef<SecKeychainRef>::Adopt(keychain);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);
        if (!owned) return FailWithCFError(out, nullptr, "SecKeychainCopyDefault");
        status = ReadKeychainFacts(owned.get(), *facts);
        if (status != errSecSuccess) return FailWithStatus(out, status);
      },
      [facts](Napi::Env env, Outcome&) -> Napi::Value { return KeychainFactsToJS(env, *facts); });
}

}  // namespace sf

#pragma clang diagnostic pop
