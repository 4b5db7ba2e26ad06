// Linux harness: the object model every stand-in shares. Each object starts with an isa
// pointer (so Objective-C messages and CF calls reach the same objects, as toll-free bridging
// does on a Mac) and a reference count; each type counts its live objects, so a run can end by
// proving that native/ released everything it was handed. Misuse that crashes (or raises) on
// a Mac — CFRelease(NULL), an over-release, NULL into a collection, a CF call on the wrong
// type, an unknown selector — aborts the process here with a message naming it.
#pragma once

#include <CoreFoundation/CoreFoundation.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace standin {

// CFTypeIDs. The CF ones are arbitrary but distinct; Set and Opaque are types native/ never
// expects, used to check what it does with a result it does not know.
enum TypeId : CFTypeID {
  kNone = 0,
  kNull = 16,
  kSet = 17,
  kDictionary = 18,
  kArray = 19,
  kData = 20,
  kBoolean = 21,
  kNumber = 22,
  kString = 7,
  kDate = 42,
  kError = 30,
  kOpaque = 99,
  kSecKey = 100,
  kSecCertificate = 101,
  kSecIdentity = 102,
  kSecAccessControl = 103,
  kSecKeychainItem = 104,
  kSecTrust = 105,
  kSecCode = 106,
  kSecTask = 107,
  kSecKeychain = 108,
  kSecAccess = 109,
  kSecACL = 110,
  kSecTrustedApplication = 111,
  kException = 150,
  kLAContext = 200,
  kTypeCount = 256,
};

struct Object;
struct Class {
  Class* isa;  // the metaclass, for class objects that receive messages
  const char* name;
  CFTypeID type;
  std::unordered_map<std::string, void*> methods;  // selector name → implementation
  void (*destroy)(Object*);
};

struct Object {
  Class* isa;
  std::atomic<long> rc{1};
};

constexpr long kImmortal = 1L << 60;

// Classes are built before any other static object, whatever the link order: constants made
// of them and the method tables filled into them come later (default priority).
#define STANDIN_CLASS __attribute__((init_priority(200)))

[[noreturn]] void Die(const char* what);
[[noreturn]] void DieWrongType(const char* function, CFTypeRef object);

void Counted(CFTypeID type, int delta);
long Live(CFTypeID type);
void NotePoollessAutorelease();
long PoollessAutoreleases();

inline Object* O(CFTypeRef p) { return const_cast<Object*>(static_cast<const Object*>(p)); }
inline CFTypeID TypeOf(CFTypeRef p) { return O(p)->isa->type; }
void Expect(CFTypeRef object, CFTypeID type, const char* function);

template <typename T>
T* New(Class* c) {
  T* object = new T();
  object->isa = c;
  Counted(c->type, +1);
  return object;
}
template <typename T>
void Destroy(Object* object) {
  Counted(object->isa->type, -1);
  delete static_cast<T*>(object);
}
// Makes an object live for the process (constants): retain and release leave it alone.
void MakeImmortal(Object* object);

struct String : Object {
  std::u16string units;
  std::string utf8;  // filled by -UTF8String
};
struct Number : Object {
  bool isFloat = false;
  int64_t integer = 0;
  double real = 0;
};
struct BooleanObject : Object {
  bool value = false;
};
struct Data : Object {
  std::vector<uint8_t> bytes;
};
struct Date : Object {
  double at = 0;
};
struct Array : Object {
  std::vector<CFTypeRef> values;  // each retained
  ~Array();
};
struct Dictionary : Object {
  std::vector<std::pair<CFTypeRef, CFTypeRef>> entries;  // keys and values retained
  ~Dictionary();
};
struct Error : Object {
  CFStringRef domain = nullptr;
  long code = 0;
  CFStringRef description = nullptr;
  ~Error();
};
struct Plain : Object {};  // a type with no contents (CFNull, CFSet, an unknown type)

extern Class gStringClass, gNumberClass, gBooleanClass, gDataClass, gDateClass, gNullClass, gArrayClass,
    gDictionaryClass, gErrorClass, gSetClass, gOpaqueClass, gExceptionClass;

// Constructors (+1).
String* MakeString(const std::u16string& units);
CFStringRef MakeCFString(const char* utf8);
std::u16string Utf16(const char* utf8);
bool ToUtf8(const std::u16string& units, std::string& out);  // false for unpaired surrogates
Error* MakeError(CFStringRef domain, long code, const char* description);
Error* MakeError(CFStringRef domain, long code, const std::u16string& description);
CFTypeRef MakePlain(Class* c);

// Get-rule helpers over dictionaries.
CFTypeRef Lookup(CFDictionaryRef dictionary, const char* key);
bool IsTrue(CFTypeRef value);
bool StringIs(CFTypeRef value, const char* utf8);

}  // namespace standin

namespace standin {
// One owned reference (the stand-ins' own bookkeeping, not native/'s).
class Ref {
 public:
  Ref() = default;
  static Ref Adopt(CFTypeRef p) {
    Ref r;
    r.p_ = p;
    return r;
  }
  static Ref Retain(CFTypeRef p) { return Adopt(p ? CFRetain(p) : nullptr); }
  Ref(const Ref& o) : p_(o.p_ ? CFRetain(o.p_) : nullptr) {}
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    if (p_) CFRelease(p_);
  }
  CFTypeRef get() const { return p_; }
  CFTypeRef copy() const { return p_ ? CFRetain(p_) : nullptr; }  // +1 for a caller
  explicit operator bool() const { return p_ != nullptr; }

 private:
  CFTypeRef p_ = nullptr;
};
}  // namespace standin

namespace standin {
// Security objects (security.cc), for results a test injects.
CFTypeRef MakeKey(bool isPrivate);
CFTypeRef MakeAccessControl(CFOptionFlags flags);
extern Class gKeyClass, gCertificateClass, gIdentityClass, gAccessControlClass, gKeychainItemClass, gTrustClass;
// certificates.cc: a certificate holding a copy of `der`; an identity retaining both (+1 each).
CFTypeRef MakeCertificate(const uint8_t* der, size_t length);
CFTypeRef MakeIdentity(CFTypeRef certificate, CFTypeRef privateKey);
// LocalAuthentication (local_authentication.cc).
extern Class gLAContextClass;
}  // namespace standin

namespace standin {
// Empties the stand-in keychain (security.cc).
void ClearKeychain();
}  // namespace standin

namespace standin {
// diagnosis.cc: which process the stand-ins report ("unsigned", "adhoc" or "team"), and the
// default keychain's SecKeychainStatus; ResetDiagnosis() restores an unsigned process and an
// unlocked, readable, writable keychain.
extern Class gCodeClass, gTaskClass, gKeychainClass, gAccessClass, gACLClass, gTrustedApplicationClass;
bool SetProcessProfile(const std::string& profile);
void SetKeychainStatus(uint32_t status);
void ResetDiagnosis();
}  // namespace standin

namespace standin {
// session.cc: the caller's SessionAttributeBits (AuthSession.h); ResetSession() restores a
// logged-in console session (sessionHasGraphicAccess | sessionHasTTY).
void SetSessionAttributes(uint32_t attributes);
void ResetSession();
}  // namespace standin

namespace standin {
// Every class whose objects are counted (exit_report.cc).
const std::vector<Class*>& AllClasses();
}  // namespace standin
