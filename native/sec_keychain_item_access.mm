// A file-based keychain item's access control list, for diagnose() (macOS 14.2 SDK; every
// function here is API_DEPRECATED("SecKeychain is deprecated", macos(…, 10.10)) and still the
// only public reading of an item's ACL: the warnings are silenced for this file only):
//   SecKeychainItem.h  OSStatus SecKeychainItemCopyKeychain(SecKeychainItemRef itemRef,
//                          SecKeychainRef * __nonnull CF_RETURNS_RETAINED keychainRef);
//                      OSStatus SecKeychainItemCopyAccess(SecKeychainItemRef itemRef,
//                          SecAccessRef * __nonnull CF_RETURNS_RETAINED access);
//   SecAccess.h        OSStatus SecAccessCopyACLList(SecAccessRef accessRef,
//                          CFArrayRef * __nonnull CF_RETURNS_RETAINED aclList);   (of SecACLRef)
//   SecACL.h           CFArrayRef SecACLCopyAuthorizations(SecACLRef acl);        (Copy rule: +1)
//                      OSStatus SecACLCopyContents(SecACLRef acl,
//                          CFArrayRef * __nonnull CF_RETURNS_RETAINED applicationList,
//                          CFStringRef * __nonnull CF_RETURNS_RETAINED description,
//                          SecKeychainPromptSelector *promptSelector);
//   SecTrustedApplication.h  OSStatus SecTrustedApplicationCopyData(SecTrustedApplicationRef appRef,
//                          CFDataRef * __nonnull CF_RETURNS_RETAINED data);
// Every out-parameter and Copy result is +1 and adopted on the line that receives it; the ACLs
// and trusted applications inside the arrays are read under the Get rule. A NULL
// applicationList is the framework's "any application may use the item" (SecACL.h: the list
// is "the applications that will be allowed access without prompting"); an empty one, "none".
// An integrity (partition) entry also comes back with a NULL list, its description the
// partition data in hexadecimal (SecACL.cpp, SecACLCopySimpleContents); its authorization
// ("partition_id", "integrity") tells it apart. An entry of no simple form makes
// SecACLCopyContents fail with errSecACLNotSimple, and with it the whole read.
// A trusted application's data is its path as a C string (Apple's implementation stores it
// with its terminating NUL, which is dropped here). Its code requirement is not read: the
// public headers declare no SecTrustedApplication call that returns one.
//
// No prompt. Reading an ACL does not use the secret, and SecKeychainItemCopyAccess does not
// ask for the keychain password, but an ACL read from a locked keychain may need it unlocked;
// so the item's keychain is read first (SecKeychainGetStatus never prompts) and, when it is
// locked, the ACL is not read and the result says so (acl: null).
#include "calls.h"

#include "async_call.h"
#include "handles.h"
#include "keychain_facts.h"
#include "marshal.h"

#include <vector>

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"

namespace sf {

namespace {

struct AclEntryFacts {
  std::vector<std::u16string> authorizations;
  bool anyApplication = false;           // applicationList was NULL
  std::vector<std::string> applications;  // paths, UTF-8
  std::u16string description;
  uint32_t promptSelector = 0;
};

struct ItemAccessFacts {
  KeychainFacts keychain;
  bool read = false;  // false: the keychain is locked and the ACL was left alone
  std::vector<AclEntryFacts> acl;
};

// The names diagnose() reports for Apple's kSecACLAuthorization* constants (SecAccess.h).
struct AuthorizationName {
  const CFStringRef& constant;
  const char16_t* name;
};
const AuthorizationName kAuthorizations[] = {
    {kSecACLAuthorizationAny, u"any"},
    {kSecACLAuthorizationLogin, u"login"},
    {kSecACLAuthorizationGenKey, u"gen_key"},
    {kSecACLAuthorizationDelete, u"delete"},
    {kSecACLAuthorizationExportWrapped, u"export_wrapped"},
    {kSecACLAuthorizationExportClear, u"export_clear"},
    {kSecACLAuthorizationImportWrapped, u"import_wrapped"},
    {kSecACLAuthorizationImportClear, u"import_clear"},
    {kSecACLAuthorizationSign, u"sign"},
    {kSecACLAuthorizationEncrypt, u"encrypt"},
    {kSecACLAuthorizationDecrypt, u"decrypt"},
    {kSecACLAuthorizationMAC, u"mac"},
    {kSecACLAuthorizationDerive, u"derive"},
    {kSecACLAuthorizationKeychainCreate, u"keychain_create"},
    {kSecACLAuthorizationKeychainDelete, u"keychain_delete"},
    {kSecACLAuthorizationKeychainItemRead, u"keychain_item_read"},
    {kSecACLAuthorizationKeychainItemInsert, u"keychain_item_insert"},
    {kSecACLAuthorizationKeychainItemModify, u"keychain_item_modify"},
    {kSecACLAuthorizationKeychainItemDelete, u"keychain_item_delete"},
    {kSecACLAuthorizationChangeACL, u"change_acl"},
    {kSecACLAuthorizationChangeOwner, u"change_owner"},
    {kSecACLAuthorizationPartitionID, u"partition_id"},
    {kSecACLAuthorizationIntegrity, u"integrity"},
};

// An authorization's name, or the framework's own string for one this table does not know.
std::u16string AuthorizationNameOf(CFTypeRef value) {
  if (!value || CFGetTypeID(value) != CFStringGetTypeID()) return u"unknown";
  for (const auto& known : kAuthorizations) {
    if (CFEqual(value, known.constant)) return known.name;
  }
  return CFStringToUtf16(static_cast<CFStringRef>(value));
}

// One ACL entry; the failed status otherwise.
OSStatus ReadEntry(SecACLRef acl, AclEntryFacts& entry) {
  CFRef<CFArrayRef> authorizations = CFRef<CFArrayRef>::Adopt(SecACLCopyAuthorizations(acl));  // +1 or NULL
  if (authorizations) {
    for (CFIndex i = 0, n = CFArrayGetCount(authorizations.get()); i < n; i++) {
      entry.authorizations.push_back(AuthorizationNameOf(CFArrayGetValueAtIndex(authorizations.get(), i)));
    }
  }
  CFArrayRef applications = nullptr;
  CFStringRef description = nullptr;
  SecKeychainPromptSelector selector = 0;
  OSStatus status = SecACLCopyContents(acl, &applications, &description, &selector);
  CFRef<CFArrayRef> ownedApplications = CFRef<CFArrayRef>::Adopt(applications);  // +1 or NULL
  CFRef<CFStringRef> ownedDescription = CFRef<CFStringRef>::Adopt(description);   // +1 or NULL
  if (status != errSecSuccess) return status;
  entry.description = CFStringToUtf16(ownedDescription.get());
  entry.promptSelector = selector;
  entry.anyApplication = !ownedApplications;
  if (!ownedApplications) return errSecSuccess;
  for (CFIndex i = 0, n = CFArrayGetCount(ownedApplications.get()); i < n; i++) {
    auto application = static_cast<SecTrustedApplicationRef>(const_cast<void*>(CFArrayGetValueAtIndex(ownedApplications.get(), i)));
    CFDataRef data = nullptr;
    status = SecTrustedApplicationCopyData(application, &data);
    CFRef<CFDataRef> owned = CFRef<CFDataRef>::Adopt(data);  // +1 or NULL
    if (status != errSecSuccess) return status;
    std::string path;
    if (owned) path.assign(reinterpret_cast<const char*>(CFDataGetBytePtr(owned.get())), static_cast<size_t>(CFDataGetLength(owned.get())));
    while (!path.empty() && path.back() == '\0') path.pop_back();
    entry.applications.push_back(path);
  }
  return errSecSuccess;
}

void Read(Outcome& out, SecKeychainItemRef item, ItemAccessFacts& facts) {
  SecKeychainRef keychain = nullptr;
  OSStatus status = SecKeychainItemCopyKeychain(item, &keychain);
  CFRef<SecKeychainRef> ownedKeychain = CFRef<SecKeychainRef>::Adopt(keychain);  // +1 or NULL
  if (status != errSecSuccess) return FailWithStatus(out, status);
  if (!ownedKeychain) return FailWithCFError(out, nullptr, "SecKeychainItemCopyKeychain");
  status = ReadKeychainFacts(ownedKeychain.get(), facts.keychain);
  if (status != errSecSuccess) return FailWithStatus(out, status);
  if ((facts.keychain.status & kSecUnlockStateStatus) == 0) return;  // locked: the ACL is not read

  SecAccessRef access = nullptr;
  status = SecKeychainItemCopyAccess(item, &access);
  CFRef<SecAccessRef> ownedAccess = CFRef<SecAccessRef>::Adopt(access);  // +1 or NULL
  if (status != errSecSuccess) return FailWithStatus(out, status);
  if (!ownedAccess) return FailWithCFError(out, nullptr, "SecKeychainItemCopyAccess");
  CFArrayRef list = nullptr;
  status = SecAccessCopyACLList(ownedAccess.get(), &list);
  CFRef<CFArrayRef> ownedList = CFRef<CFArrayRef>::Adopt(list);  // +1 or NULL
  if (status != errSecSuccess) return FailWithStatus(out, status);
  if (!ownedList) return FailWithCFError(out, nullptr, "SecAccessCopyACLList");
  for (CFIndex i = 0, n = CFArrayGetCount(ownedList.get()); i < n; i++) {
    AclEntryFacts entry;
    status = ReadEntry(static_cast<SecACLRef>(const_cast<void*>(CFArrayGetValueAtIndex(ownedList.get(), i))), entry);
    if (status != errSecSuccess) return FailWithStatus(out, status);
    facts.acl.push_back(std::move(entry));
  }
  facts.read = true;
}

Napi::Value ToJS(Napi::Env env, const ItemAccessFacts& facts) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("keychain", KeychainFactsToJS(env, facts.keychain));
  if (!facts.read) {
    result.Set("acl", env.Null());
    return result;
  }
  Napi::Array acl = Napi::Array::New(env, facts.acl.size());
  for (size_t i = 0; i < facts.acl.size(); i++) {
    const AclEntryFacts& entry = facts.acl[i];
    Napi::Object e = Napi::Object::New(env);
    Napi::Array authorizations = Napi::Array::New(env, entry.authorizations.size());
    for (size_t j = 0; j < entry.authorizations.size(); j++) authorizations.Set(static_cast<uint32_t>(j), Napi::String::New(env, entry.authorizations[j]));
    e.Set("authorizations", authorizations);
    if (entry.anyApplication) {
      e.Set("applications", env.Null());
    } else {
      Napi::Array applications = Napi::Array::New(env, entry.applications.size());
      for (size_t j = 0; j < entry.applications.size(); j++) applications.Set(static_cast<uint32_t>(j), Napi::String::New(env, entry.applications[j]));
      e.Set("applications", applications);
    }
    e.Set("description", Napi::String::New(env, entry.description));
    e.Set("promptSelector", Napi::Number::New(env, entry.promptSelector));
    acl.Set(static_cast<uint32_t>(i), e);
  }
  result.Set("acl", acl);
  return result;
}

}  // namespace

Napi::Promise SecKeychainItemCopyAccessJS(const Napi::CallbackInfo& info) {
  auto facts = std::make_shared<ItemAccessFacts>();
  return AsyncCall(
      info, "SecKeychainItemCopyAccess", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{UnwrapItemReference(env, info[0], "item")}; },
      [facts](Outcome& out, const CFRef<CFTypeRef>& item) {
        // A SecKey or SecCertificate of the file-based keychain is a keychain item too
        // (SecKeychainItem.h: "a reference to a keychain item"; the framework answers for any other).
        Read(out, static_cast<SecKeychainItemRef>(const_cast<void*>(item.get())), *facts);
      },
      [facts](Napi::Env env, Outcome&) -> Napi::Value { return ToJS(env, *facts); });
}

}  // namespace sf

#pragma clang diagnostic pop
