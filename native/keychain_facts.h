// A file-based keychain's path and lock state, read the same way for the default keychain
// (sec_keychain.mm) and for the keychain an item is in (sec_keychain_item_access.mm).
#pragma once

#include "common.h"

namespace sf {

struct KeychainFacts {
  std::string path;       // SecKeychainGetPath: a POSIX path, UTF-8
  uint32_t status = 0;    // SecKeychainGetStatus: kSecUnlockStateStatus | kSecReadPermStatus | kSecWritePermStatus
};

// Reads `keychain`'s path and status into `facts`; the first failed status otherwise. Neither
// call prompts. Any thread.
OSStatus ReadKeychainFacts(SecKeychainRef keychain, KeychainFacts& facts);

// { path, status } for JavaScript.
Napi::Object KeychainFactsToJS(Napi::Env env, const KeychainFacts& facts);

}  // namespace sf
