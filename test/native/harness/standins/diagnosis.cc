// Linux harness: stand-ins for what diagnose() reads — the process's code signature (SecCode),
// its entitlements (SecTask), the default keychain (SecKeychain) and a file-based item's ACL
// (SecAccess, SecACL, SecTrustedApplication) — with the ownership rules of Apple's headers:
// out-parameters and Create/Copy results are +1, objects inside returned arrays belong to the
// array. Each object is counted, so a run that leaks one ends with a live object.
//
// What is modelled:
// - Three processes (control.setProcess): "unsigned" — SecCodeCheckValidity answers
//   errSecCSUnsigned (-67062) and the signing information has no kSecCodeInfoIdentifier
//   (SecCode.h: "the recommended way to check quickly whether a code is signed"); "adhoc" — a
//   valid signature with kSecCodeSignatureAdhoc (0x2) in kSecCodeInfoFlags, an identifier, no
//   team, no entitlements; "team" — a Developer ID style signature with a team identifier (only
//   with kSecCSSigningInformation, as SecCode.h marks it "Signing"), and entitlements, which
//   SecTaskCopyValueForEntitlement also answers. Every signing information dictionary also
//   holds objects native/ must leave alone (a SecTrust, certificates), as Apple's does.
// - One default keychain at a fixed path whose status control.setKeychainStatus sets; every
//   item is in it. SecKeychainGetPath fails with errSecBufferTooSmall when the buffer is short.
// - Every item's ACL is the one SecAccessCreate gives an item with no trusted list (SecAccess.h:
//   the creating application is the sole trusted application): encrypt for any application
//   (a NULL application list), the secret-using operations for this process's executable
//   (kSecKeychainPromptUnsigned, 0x10), change_acl for no application (an empty list, prompting
//   with kSecKeychainPromptRequirePassphase, 0x1).
// Every function first consults the fault table (faults.h).
#include <Security/Security.h>

#include "faults.h"
#include "model.h"

#include <cstring>
#include <mutex>

using namespace standin;

namespace standin {

struct Code : Object {};
struct Task : Object {};
struct Keychain : Object {};
struct Access : Object {};
struct ACL : Object {
  std::vector<const char*> authorizations;  // kSecACLAuthorization* names
  bool anyApplication = false;
  std::vector<std::string> applications;
  std::string description;
  uint16_t selector = 0;
};
struct TrustedApplication : Object {
  std::string path;
};
STANDIN_CLASS Class gCodeClass{nullptr, "SecCode", kSecCode, {}, Destroy<Code>};
STANDIN_CLASS Class gTaskClass{nullptr, "SecTask", kSecTask, {}, Destroy<Task>};
STANDIN_CLASS Class gKeychainClass{nullptr, "SecKeychain", kSecKeychain, {}, Destroy<Keychain>};
STANDIN_CLASS Class gAccessClass{nullptr, "SecAccess", kSecAccess, {}, Destroy<Access>};
STANDIN_CLASS Class gACLClass{nullptr, "SecACL", kSecACL, {}, Destroy<ACL>};
STANDIN_CLASS Class gTrustedApplicationClass{nullptr, "SecTrustedApplication", kSecTrustedApplication, {}, Destroy<TrustedApplication>};

namespace {

enum class Profile { kUnsigned, kAdhoc, kTeam };
std::mutex& gMutex = *new std::mutex;
Profile gProfile = Profile::kUnsigned;
uint32_t gKeychainStatus = 7;

const char* const kKeychainPath = "/Users/harness/Library/Keychains/login.keychain-db";
const char* const kExecutable = "/usr/local/bin/node";
const OSStatus errSecCSUnsignedCode = -67062;  // CSCommon.h errSecCSUnsigned

Profile CurrentProfile() {
  std::lock_guard<std::mutex> lock(gMutex);
  return gProfile;
}

void Set(CFMutableDictionaryRef dictionary, const char* key, CFTypeRef value) {
  Ref k = Ref::Adopt(MakeCFString(key));
  CFDictionarySetValue(dictionary, k.get(), value);
}

CFMutableDictionaryRef NewDictionary() {
  return CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
}

CFTypeRef StringArray(std::initializer_list<const char*> values) {
  CFMutableArrayRef array = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
  for (const char* v : values) {
    Ref s = Ref::Adopt(MakeCFString(v));
    CFArrayAppendValue(array, s.get());
  }
  return array;
}

// The team-signed process's entitlements (+1).
CFTypeRef TeamEntitlements() {
  CFMutableDictionaryRef entitlements = NewDictionary();
  Ref groups = Ref::Adopt(StringArray({"ABCDE12345.com.example.shared", "ABCDE12345.com.example.app"}));
  Ref appId = Ref::Adopt(MakeCFString("ABCDE12345.com.example.app"));
  Ref appGroups = Ref::Adopt(StringArray({"ABCDE12345.group.example"}));
  Ref hardened = Ref::Retain(kCFBooleanTrue);
  Set(entitlements, "keychain-access-groups", groups.get());
  Set(entitlements, "application-identifier", appId.get());
  Set(entitlements, "com.apple.security.application-groups", appGroups.get());
  Set(entitlements, "com.apple.security.cs.allow-jit", hardened.get());
  return entitlements;
}

CFTypeRef MakeNumber(int64_t value) { return CFNumberCreate(nullptr, kCFNumberSInt64Type, &value); }

// The default ACL of an item this process created (see the file comment), +1 each.
std::vector<Ref> DefaultAcl() {
  std::vector<Ref> entries;
  auto* encrypt = New<ACL>(&gACLClass);
  encrypt->authorizations = {"ACLAuthorizationEncrypt"};
  encrypt->anyApplication = true;
  encrypt->description = "harness item";
  entries.push_back(Ref::Adopt(encrypt));
  auto* use = New<ACL>(&gACLClass);
  use->authorizations = {"ACLAuthorizationDecrypt", "ACLAuthorizationDerive", "ACLAuthorizationExportClear",
                         "ACLAuthorizationExportWrapped", "ACLAuthorizationMAC", "ACLAuthorizationSign"};
  use->applications = {kExecutable};
  use->description = "harness item";
  use->selector = 0x10;
  entries.push_back(Ref::Adopt(use));
  auto* change = New<ACL>(&gACLClass);
  change->authorizations = {"ACLAuthorizationChangeACL", "ACLAuthorizationNotInTheHeaders"};
  change->description = "harness item";
  change->selector = 0x1;
  entries.push_back(Ref::Adopt(change));
  return entries;
}

bool IsItem(CFTypeRef object) {
  CFTypeID type = TypeOf(object);
  return type == kSecKeychainItem || type == kSecKey || type == kSecCertificate;
}

}  // namespace

bool SetProcessProfile(const std::string& profile) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (profile == "unsigned") gProfile = Profile::kUnsigned;
  else if (profile == "adhoc") gProfile = Profile::kAdhoc;
  else if (profile == "team") gProfile = Profile::kTeam;
  else return false;
  return true;
}

void SetKeychainStatus(uint32_t status) {
  std::lock_guard<std::mutex> lock(gMutex);
  gKeychainStatus = status;
}

void ResetDiagnosis() {
  std::lock_guard<std::mutex> lock(gMutex);
  gProfile = Profile::kUnsigned;
  gKeychainStatus = 7;
}

}  // namespace standin

extern "C" {

OSStatus SecCodeCopySelf(SecCSFlags flags, SecCodeRef* self) {
  if (!self) Die("SecCodeCopySelf: self is __nonnull");
  NoteCall("SecCodeCopySelf", nullptr);
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecCodeCopySelf", &out, status)) {
    *self = static_cast<SecCodeRef>(const_cast<void*>(out));
    return status;
  }
  *self = reinterpret_cast<SecCodeRef>(New<Code>(&gCodeClass));
  return errSecSuccess;
}

OSStatus SecCodeCheckValidity(SecCodeRef code, SecCSFlags flags, SecRequirementRef requirement) {
  Expect(code, kSecCode, "SecCodeCheckValidity");
  if (requirement) Die("SecCodeCheckValidity: the stand-in takes no requirement");
  NoteCall("SecCodeCheckValidity", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecCodeCheckValidity", nullptr, status)) return status;
  return CurrentProfile() == Profile::kUnsigned ? errSecCSUnsignedCode : errSecSuccess;
}

OSStatus SecCodeCopySigningInformation(SecStaticCodeRef code, SecCSFlags flags, CFDictionaryRef* information) {
  Expect(code, kSecCode, "SecCodeCopySigningInformation");
  if (!information) Die("SecCodeCopySigningInformation: information is __nonnull");
  Ref flagsNumber = Ref::Adopt(MakeNumber(flags));
  NoteCall("SecCodeCopySigningInformation", flagsNumber.get());
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecCodeCopySigningInformation", &out, status)) {
    *information = static_cast<CFDictionaryRef>(out);
    return status;
  }
  CFMutableDictionaryRef info = NewDictionary();
  Ref format = Ref::Adopt(MakeCFString("Mach-O thin (x86_64)"));
  Set(info, "format", format.get());
  Profile profile = CurrentProfile();
  if (profile != Profile::kUnsigned) {
    bool team = profile == Profile::kTeam;
    Ref identifier = Ref::Adopt(MakeCFString(team ? "com.example.app" : "node-55554944a1b2c3d4"));
    Set(info, "identifier", identifier.get());
    Ref word = Ref::Adopt(MakeNumber(team ? 0x10000 : 0x20002));  // runtime; adhoc | linker-signed
    Set(info, "flags", word.get());
    if (team) {
      Ref entitlements = Ref::Adopt(TeamEntitlements());
      Set(info, "entitlements-dict", entitlements.get());
      if (flags & kSecCSSigningInformation) {
        Ref teamId = Ref::Adopt(MakeCFString("ABCDE12345"));
        Set(info, "teamid", teamId.get());
        Ref trust = Ref::Adopt(New<Plain>(&gTrustClass));
        Set(info, "trust", trust.get());
        const uint8_t none[] = {0};
        Ref certificate = Ref::Adopt(MakeCertificate(none, sizeof none));
        CFMutableArrayRef chain = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
        Ref chainRef = Ref::Adopt(chain);
        CFArrayAppendValue(chain, certificate.get());
        Set(info, "certificates", chain);
      }
    }
  }
  *information = info;
  return errSecSuccess;
}

SecTaskRef SecTaskCreateFromSelf(CFAllocatorRef) {
  NoteCall("SecTaskCreateFromSelf", nullptr);
  Fault fault;
  if (TakeFault("SecTaskCreateFromSelf", fault) && Decides(fault)) return nullptr;
  return reinterpret_cast<SecTaskRef>(New<Task>(&gTaskClass));
}

CFTypeRef SecTaskCopyValueForEntitlement(SecTaskRef task, CFStringRef entitlement, CFErrorRef* error) {
  Expect(task, kSecTask, "SecTaskCopyValueForEntitlement");
  Expect(entitlement, kString, "SecTaskCopyValueForEntitlement");
  NoteCall("SecTaskCopyValueForEntitlement", entitlement);
  Fault fault;
  if (TakeFault("SecTaskCopyValueForEntitlement", fault) && Decides(fault)) {
    if (fault.status != 0 && error) *error = reinterpret_cast<CFErrorRef>(MakeError(kCFErrorDomainOSStatus, fault.status, "failed (stand-in fault)"));
    return fault.result ? fault.result.copy() : nullptr;
  }
  if (CurrentProfile() != Profile::kTeam) return nullptr;  // not present: NULL and no error
  Ref entitlements = Ref::Adopt(TeamEntitlements());
  CFTypeRef value = CFDictionaryGetValue(static_cast<CFDictionaryRef>(entitlements.get()), entitlement);
  return value ? CFRetain(value) : nullptr;
}

OSStatus SecKeychainCopyDefault(SecKeychainRef* keychain) {
  if (!keychain) Die("SecKeychainCopyDefault: keychain is __nonnull");
  NoteCall("SecKeychainCopyDefault", nullptr);
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecKeychainCopyDefault", &out, status)) {
    *keychain = static_cast<SecKeychainRef>(const_cast<void*>(out));
    return status;
  }
  *keychain = reinterpret_cast<SecKeychainRef>(New<Keychain>(&gKeychainClass));
  return errSecSuccess;
}

OSStatus SecKeychainGetPath(SecKeychainRef keychain, UInt32* ioPathLength, char* pathName) {
  if (keychain) Expect(keychain, kSecKeychain, "SecKeychainGetPath");
  if (!ioPathLength || !pathName) Die("SecKeychainGetPath: ioPathLength and pathName are required");
  NoteCall("SecKeychainGetPath", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecKeychainGetPath", nullptr, status)) return status;
  size_t length = strlen(kKeychainPath);
  if (*ioPathLength < length + 1) return errSecBufferTooSmall;
  memcpy(pathName, kKeychainPath, length + 1);
  *ioPathLength = static_cast<UInt32>(length);
  return errSecSuccess;
}

OSStatus SecKeychainGetStatus(SecKeychainRef keychain, SecKeychainStatus* keychainStatus) {
  if (keychain) Expect(keychain, kSecKeychain, "SecKeychainGetStatus");
  if (!keychainStatus) Die("SecKeychainGetStatus: keychainStatus is required");
  NoteCall("SecKeychainGetStatus", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecKeychainGetStatus", nullptr, status)) return status;
  std::lock_guard<std::mutex> lock(gMutex);
  *keychainStatus = gKeychainStatus;
  return errSecSuccess;
}

OSStatus SecKeychainItemCopyKeychain(SecKeychainItemRef item, SecKeychainRef* keychain) {
  if (!item) Die("SecKeychainItemCopyKeychain: itemRef is NULL");
  if (!keychain) Die("SecKeychainItemCopyKeychain: keychainRef is __nonnull");
  NoteCall("SecKeychainItemCopyKeychain", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecKeychainItemCopyKeychain", nullptr, status)) return status;
  if (!IsItem(item)) return errSecInvalidItemRef;
  *keychain = reinterpret_cast<SecKeychainRef>(New<Keychain>(&gKeychainClass));
  return errSecSuccess;
}

OSStatus SecKeychainItemCopyAccess(SecKeychainItemRef item, SecAccessRef* access) {
  if (!item) Die("SecKeychainItemCopyAccess: itemRef is NULL");
  if (!access) Die("SecKeychainItemCopyAccess: access is __nonnull");
  NoteCall("SecKeychainItemCopyAccess", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecKeychainItemCopyAccess", nullptr, status)) return status;
  if (!IsItem(item)) return errSecInvalidItemRef;
  *access = reinterpret_cast<SecAccessRef>(New<Access>(&gAccessClass));
  return errSecSuccess;
}

OSStatus SecAccessCopyACLList(SecAccessRef access, CFArrayRef* aclList) {
  Expect(access, kSecAccess, "SecAccessCopyACLList");
  if (!aclList) Die("SecAccessCopyACLList: aclList is __nonnull");
  NoteCall("SecAccessCopyACLList", nullptr);
  OSStatus status = 0;
  CFTypeRef out = nullptr;
  if (StatusFaulted("SecAccessCopyACLList", &out, status)) {
    *aclList = static_cast<CFArrayRef>(out);
    return status;
  }
  CFMutableArrayRef list = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
  for (const Ref& entry : DefaultAcl()) CFArrayAppendValue(list, entry.get());
  *aclList = list;
  return errSecSuccess;
}

CFArrayRef SecACLCopyAuthorizations(SecACLRef acl) {
  Expect(acl, kSecACL, "SecACLCopyAuthorizations");
  NoteCall("SecACLCopyAuthorizations", nullptr);
  Fault fault;
  if (TakeFault("SecACLCopyAuthorizations", fault) && Decides(fault)) return static_cast<CFArrayRef>(fault.result ? fault.result.copy() : nullptr);
  CFMutableArrayRef out = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
  for (const char* name : static_cast<ACL*>(O(acl))->authorizations) {
    Ref s = Ref::Adopt(MakeCFString(name));
    CFArrayAppendValue(out, s.get());
  }
  return out;
}

OSStatus SecACLCopyContents(SecACLRef acl, CFArrayRef* applicationList, CFStringRef* description, SecKeychainPromptSelector* promptSelector) {
  Expect(acl, kSecACL, "SecACLCopyContents");
  if (!applicationList || !description || !promptSelector) Die("SecACLCopyContents: every out-parameter is required");
  NoteCall("SecACLCopyContents", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecACLCopyContents", nullptr, status)) return status;
  auto* entry = static_cast<ACL*>(O(acl));
  if (entry->anyApplication) {
    *applicationList = nullptr;
  } else {
    CFMutableArrayRef apps = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    for (const std::string& path : entry->applications) {
      auto* app = New<TrustedApplication>(&gTrustedApplicationClass);
      app->path = path;
      CFArrayAppendValue(apps, app);
      CFRelease(app);
    }
    *applicationList = apps;
  }
  *description = MakeCFString(entry->description.c_str());
  *promptSelector = entry->selector;
  return errSecSuccess;
}

OSStatus SecTrustedApplicationCopyData(SecTrustedApplicationRef app, CFDataRef* data) {
  Expect(app, kSecTrustedApplication, "SecTrustedApplicationCopyData");
  if (!data) Die("SecTrustedApplicationCopyData: data is __nonnull");
  NoteCall("SecTrustedApplicationCopyData", nullptr);
  OSStatus status = 0;
  if (StatusFaulted("SecTrustedApplicationCopyData", nullptr, status)) return status;
  const std::string& path = static_cast<TrustedApplication*>(O(app))->path;
  // Apple's data is the path with its terminating NUL.
  *data = CFDataCreate(nullptr, reinterpret_cast<const uint8_t*>(path.c_str()), static_cast<CFIndex>(path.size() + 1));
  return errSecSuccess;
}

}  // extern "C"
