// Linux harness: a reference-counted CoreFoundation subset (the functions native/ calls), over
// the shared object model. Follows Apple's contracts where native/ depends on them: Create and
// Copy return +1, Get returns borrowed references, collections retain what they hold and
// refuse NULL, CFNumberGetValue reports a lossy conversion.
#include "model.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace standin {

namespace {
std::atomic<long> gLive[kTypeCount];
std::atomic<long> gPoolless{0};
}  // namespace

void Die(const char* what) {
  fprintf(stderr, "STAND-IN ABORT: %s\n", what);
  fflush(stderr);
  abort();
}

void DieWrongType(const char* function, CFTypeRef object) {
  fprintf(stderr, "STAND-IN ABORT: %s called on a %s\n", function, O(object)->isa->name);
  fflush(stderr);
  abort();
}

void Counted(CFTypeID type, int delta) { gLive[type % kTypeCount] += delta; }
long Live(CFTypeID type) { return gLive[type % kTypeCount].load(); }
void NotePoollessAutorelease() { gPoolless++; }
long PoollessAutoreleases() { return gPoolless.load(); }

void Expect(CFTypeRef object, CFTypeID type, const char* function) {
  if (!object) {
    fprintf(stderr, "STAND-IN ABORT: %s(NULL)\n", function);
    abort();
  }
  if (TypeOf(object) != type) DieWrongType(function, object);
}

void MakeImmortal(Object* object) {
  object->rc = kImmortal;
  Counted(object->isa->type, -1);
}

Array::~Array() {
  for (CFTypeRef value : values) CFRelease(value);
}
Dictionary::~Dictionary() {
  for (auto& entry : entries) {
    CFRelease(entry.first);
    CFRelease(entry.second);
  }
}
Error::~Error() {
  CFRelease(domain);
  CFRelease(description);
}

STANDIN_CLASS Class gStringClass{nullptr, "CFString", kString, {}, Destroy<String>};
STANDIN_CLASS Class gNumberClass{nullptr, "CFNumber", kNumber, {}, Destroy<Number>};
STANDIN_CLASS Class gBooleanClass{nullptr, "CFBoolean", kBoolean, {}, nullptr};
STANDIN_CLASS Class gDataClass{nullptr, "CFData", kData, {}, Destroy<Data>};
STANDIN_CLASS Class gDateClass{nullptr, "CFDate", kDate, {}, Destroy<Date>};
STANDIN_CLASS Class gNullClass{nullptr, "CFNull", kNull, {}, Destroy<Plain>};
STANDIN_CLASS Class gArrayClass{nullptr, "CFArray", kArray, {}, Destroy<Array>};
STANDIN_CLASS Class gDictionaryClass{nullptr, "CFDictionary", kDictionary, {}, Destroy<Dictionary>};
STANDIN_CLASS Class gErrorClass{nullptr, "CFError", kError, {}, Destroy<Error>};
STANDIN_CLASS Class gSetClass{nullptr, "CFSet", kSet, {}, Destroy<Plain>};
STANDIN_CLASS Class gOpaqueClass{nullptr, "SFUnknownType", kOpaque, {}, Destroy<Plain>};

String* MakeString(const std::u16string& units) {
  String* s = New<String>(&gStringClass);
  s->units = units;
  return s;
}

std::u16string Utf16(const char* utf8) {
  std::u16string out;
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(utf8); *p;) {
    uint32_t c = *p++;
    if (c >= 0xC0) {
      int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      c &= 0x3F >> more;
      while (more-- && *p) c = (c << 6) | (*p++ & 0x3F);
    }
    if (c > 0xFFFF) {
      c -= 0x10000;
      out += static_cast<char16_t>(0xD800 + (c >> 10));
      out += static_cast<char16_t>(0xDC00 + (c & 0x3FF));
    } else {
      out += static_cast<char16_t>(c);
    }
  }
  return out;
}

bool ToUtf8(const std::u16string& units, std::string& out) {
  out.clear();
  for (size_t i = 0; i < units.size(); i++) {
    uint32_t c = units[i];
    if (c >= 0xD800 && c < 0xDC00) {
      if (i + 1 >= units.size() || units[i + 1] < 0xDC00 || units[i + 1] > 0xDFFF) return false;
      c = 0x10000 + ((c - 0xD800) << 10) + (units[++i] - 0xDC00);
    } else if (c >= 0xDC00 && c < 0xE000) {
      return false;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | c >> 6);
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | c >> 12);
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | c >> 18);
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return true;
}

CFStringRef MakeCFString(const char* utf8) { return reinterpret_cast<CFStringRef>(MakeString(Utf16(utf8))); }

Error* MakeError(CFStringRef domain, long code, const std::u16string& description) {
  Error* e = New<Error>(&gErrorClass);
  e->domain = static_cast<CFStringRef>(CFRetain(domain));
  e->code = code;
  e->description = reinterpret_cast<CFStringRef>(MakeString(description));
  return e;
}
Error* MakeError(CFStringRef domain, long code, const char* description) { return MakeError(domain, code, Utf16(description)); }

CFTypeRef MakePlain(Class* c) { return New<Plain>(c); }

CFTypeRef Lookup(CFDictionaryRef dictionary, const char* key) {
  CFStringRef k = MakeCFString(key);
  CFTypeRef value = CFDictionaryGetValue(dictionary, k);
  CFRelease(k);
  return value;
}
bool IsTrue(CFTypeRef value) { return value && TypeOf(value) == kBoolean && static_cast<BooleanObject*>(O(value))->value; }
bool StringIs(CFTypeRef value, const char* utf8) {
  return value && TypeOf(value) == kString && static_cast<String*>(O(value))->units == Utf16(utf8);
}

namespace {
BooleanObject* MakeBooleanConstant(bool value) {
  BooleanObject* b = New<BooleanObject>(&gBooleanClass);
  b->value = value;
  MakeImmortal(b);
  return b;
}
String* MakeStringConstant(const char* utf8) {
  String* s = MakeString(Utf16(utf8));
  MakeImmortal(s);
  return s;
}
}  // namespace

}  // namespace standin

using namespace standin;

extern "C" {

// Objective-C's retain and release are the same operation (toll-free bridging).
void* objc_retain(void* object);
void objc_release(void* object);

const CFArrayCallBacks kCFTypeArrayCallBacks = {0};
const CFDictionaryKeyCallBacks kCFTypeDictionaryKeyCallBacks = {0};
const CFDictionaryValueCallBacks kCFTypeDictionaryValueCallBacks = {0};
const CFAllocatorRef kCFAllocatorDefault = nullptr;
const CFTimeInterval kCFAbsoluteTimeIntervalSince1970 = 978307200.0;
const CFBooleanRef kCFBooleanTrue = reinterpret_cast<CFBooleanRef>(MakeBooleanConstant(true));
const CFBooleanRef kCFBooleanFalse = reinterpret_cast<CFBooleanRef>(MakeBooleanConstant(false));
const CFStringRef kCFErrorDomainOSStatus =
    reinterpret_cast<CFStringRef>(MakeStringConstant("NSOSStatusErrorDomain"));
// NSOSStatusErrorDomain is the same string (toll-free bridged).
extern void* const NSOSStatusErrorDomain;
void* const NSOSStatusErrorDomain = const_cast<void*>(static_cast<const void*>(kCFErrorDomainOSStatus));

CFTypeRef CFRetain(CFTypeRef cf) {
  if (!cf) Die("CFRetain(NULL)");
  return objc_retain(const_cast<void*>(cf));
}
void CFRelease(CFTypeRef cf) {
  if (!cf) Die("CFRelease(NULL)");
  objc_release(const_cast<void*>(cf));
}
CFTypeID CFGetTypeID(CFTypeRef cf) {
  if (!cf) Die("CFGetTypeID(NULL)");
  return TypeOf(cf);
}
CFTypeID CFStringGetTypeID(void) { return kString; }
CFTypeID CFDataGetTypeID(void) { return kData; }
CFTypeID CFNumberGetTypeID(void) { return kNumber; }
CFTypeID CFBooleanGetTypeID(void) { return kBoolean; }
CFTypeID CFDateGetTypeID(void) { return kDate; }
CFTypeID CFNullGetTypeID(void) { return kNull; }
CFTypeID CFArrayGetTypeID(void) { return kArray; }
CFTypeID CFDictionaryGetTypeID(void) { return kDictionary; }

CFStringRef CFCopyTypeIDDescription(CFTypeID type) {
  for (Class* c : AllClasses()) {
    if (c->type == type) return MakeCFString(c->name);
  }
  return MakeCFString("CFType");
}

Boolean CFEqual(CFTypeRef a, CFTypeRef b) {
  if (!a || !b) Die("CFEqual(NULL)");
  if (a == b) return true;
  if (TypeOf(a) != TypeOf(b)) return false;
  switch (TypeOf(a)) {
    case kString: return static_cast<String*>(O(a))->units == static_cast<String*>(O(b))->units;
    case kData: return static_cast<Data*>(O(a))->bytes == static_cast<Data*>(O(b))->bytes;
    case kDate: return static_cast<Date*>(O(a))->at == static_cast<Date*>(O(b))->at;
    case kNumber: {
      auto* x = static_cast<Number*>(O(a));
      auto* y = static_cast<Number*>(O(b));
      if (!x->isFloat && !y->isFloat) return x->integer == y->integer;
      return (x->isFloat ? x->real : static_cast<double>(x->integer)) == (y->isFloat ? y->real : static_cast<double>(y->integer));
    }
    default: return false;
  }
}

CFStringRef CFStringCreateWithCharacters(CFAllocatorRef, const UniChar* chars, CFIndex count) {
  if (count < 0 || (count > 0 && !chars)) Die("CFStringCreateWithCharacters: no characters");
  return reinterpret_cast<CFStringRef>(MakeString(std::u16string(reinterpret_cast<const char16_t*>(chars), static_cast<size_t>(count))));
}
CFIndex CFStringGetLength(CFStringRef s) {
  Expect(s, kString, "CFStringGetLength");
  return static_cast<CFIndex>(static_cast<String*>(O(s))->units.size());
}
void CFStringGetCharacters(CFStringRef s, CFRange range, UniChar* buffer) {
  Expect(s, kString, "CFStringGetCharacters");
  const std::u16string& units = static_cast<String*>(O(s))->units;
  if (range.location < 0 || range.length < 0 || static_cast<size_t>(range.location + range.length) > units.size()) {
    Die("CFStringGetCharacters: range out of bounds");
  }
  memcpy(buffer, units.data() + range.location, static_cast<size_t>(range.length) * sizeof(UniChar));
}
CFIndex CFStringGetMaximumSizeForEncoding(CFIndex length, CFStringEncoding) { return length * 3; }
// Like Apple's: false when the text cannot be encoded (unpaired surrogates) or does not fit.
Boolean CFStringGetCString(CFStringRef s, char* buffer, CFIndex size, CFStringEncoding) {
  Expect(s, kString, "CFStringGetCString");
  std::string utf8;
  if (!ToUtf8(static_cast<String*>(O(s))->units, utf8) || static_cast<CFIndex>(utf8.size()) + 1 > size) return false;
  memcpy(buffer, utf8.c_str(), utf8.size() + 1);
  return true;
}

CFDataRef CFDataCreate(CFAllocatorRef, const uint8_t* bytes, CFIndex length) {
  if (length < 0 || (length > 0 && !bytes)) Die("CFDataCreate: no bytes");
  Data* d = New<Data>(&gDataClass);
  if (length > 0) d->bytes.assign(bytes, bytes + length);
  return reinterpret_cast<CFDataRef>(d);
}
const uint8_t* CFDataGetBytePtr(CFDataRef d) {
  Expect(d, kData, "CFDataGetBytePtr");
  return static_cast<Data*>(O(d))->bytes.data();
}
CFIndex CFDataGetLength(CFDataRef d) {
  Expect(d, kData, "CFDataGetLength");
  return static_cast<CFIndex>(static_cast<Data*>(O(d))->bytes.size());
}

CFNumberRef CFNumberCreate(CFAllocatorRef, CFNumberType type, const void* value) {
  if (!value) Die("CFNumberCreate: NULL value");
  Number* n = New<Number>(&gNumberClass);
  switch (type) {
    case kCFNumberSInt32Type: n->integer = *static_cast<const int32_t*>(value); break;
    case kCFNumberSInt64Type: n->integer = *static_cast<const int64_t*>(value); break;
    case kCFNumberFloat64Type:
    case kCFNumberDoubleType:
      n->isFloat = true;
      n->real = *static_cast<const double*>(value);
      break;
    default: Die("CFNumberCreate: a number type the stand-in does not model");
  }
  return reinterpret_cast<CFNumberRef>(n);
}
// Returns false when the value does not fit the asked type exactly (Apple: "lossy").
Boolean CFNumberGetValue(CFNumberRef number, CFNumberType type, void* out) {
  Expect(number, kNumber, "CFNumberGetValue");
  auto* n = static_cast<Number*>(O(number));
  switch (type) {
    case kCFNumberSInt64Type: {
      if (!n->isFloat) {
        *static_cast<int64_t*>(out) = n->integer;
        return true;
      }
      bool fits = n->real >= -9223372036854775808.0 && n->real < 9223372036854775808.0;
      int64_t i = fits ? static_cast<int64_t>(n->real) : (n->real < 0 ? INT64_MIN : INT64_MAX);
      *static_cast<int64_t*>(out) = i;
      return fits && static_cast<double>(i) == n->real;
    }
    case kCFNumberSInt32Type: {
      int64_t i = n->isFloat ? static_cast<int64_t>(n->real) : n->integer;
      *static_cast<int32_t*>(out) = static_cast<int32_t>(i);
      return !n->isFloat && i == static_cast<int32_t>(i);
    }
    case kCFNumberFloat64Type:
    case kCFNumberDoubleType: {
      double d = n->isFloat ? n->real : static_cast<double>(n->integer);
      *static_cast<double*>(out) = d;
      return n->isFloat || static_cast<int64_t>(d) == n->integer;
    }
    default: Die("CFNumberGetValue: a number type the stand-in does not model");
  }
}
Boolean CFNumberIsFloatType(CFNumberRef number) {
  Expect(number, kNumber, "CFNumberIsFloatType");
  return static_cast<Number*>(O(number))->isFloat;
}
Boolean CFBooleanGetValue(CFBooleanRef b) {
  Expect(b, kBoolean, "CFBooleanGetValue");
  return static_cast<BooleanObject*>(O(b))->value;
}

CFDateRef CFDateCreate(CFAllocatorRef, CFAbsoluteTime at) {
  Date* d = New<Date>(&gDateClass);
  d->at = at;
  return reinterpret_cast<CFDateRef>(d);
}
CFAbsoluteTime CFDateGetAbsoluteTime(CFDateRef d) {
  Expect(d, kDate, "CFDateGetAbsoluteTime");
  return static_cast<Date*>(O(d))->at;
}

CFMutableArrayRef CFArrayCreateMutable(CFAllocatorRef, CFIndex, const CFArrayCallBacks* callBacks) {
  if (callBacks != &kCFTypeArrayCallBacks) Die("CFArrayCreateMutable: not kCFTypeArrayCallBacks");
  return reinterpret_cast<CFMutableArrayRef>(New<Array>(&gArrayClass));
}
void CFArrayAppendValue(CFMutableArrayRef array, const void* value) {
  Expect(array, kArray, "CFArrayAppendValue");
  if (!value) Die("CFArrayAppendValue: NULL into a CFArray");
  static_cast<Array*>(O(array))->values.push_back(CFRetain(value));
}
CFIndex CFArrayGetCount(CFArrayRef array) {
  Expect(array, kArray, "CFArrayGetCount");
  return static_cast<CFIndex>(static_cast<Array*>(O(array))->values.size());
}
const void* CFArrayGetValueAtIndex(CFArrayRef array, CFIndex index) {
  Expect(array, kArray, "CFArrayGetValueAtIndex");
  auto& values = static_cast<Array*>(O(array))->values;
  if (index < 0 || static_cast<size_t>(index) >= values.size()) Die("CFArrayGetValueAtIndex: index out of bounds");
  return values[static_cast<size_t>(index)];
}

CFMutableDictionaryRef CFDictionaryCreateMutable(CFAllocatorRef, CFIndex, const CFDictionaryKeyCallBacks* keys,
                                                 const CFDictionaryValueCallBacks* values) {
  if (keys != &kCFTypeDictionaryKeyCallBacks || values != &kCFTypeDictionaryValueCallBacks) {
    Die("CFDictionaryCreateMutable: not the kCFType callbacks");
  }
  return reinterpret_cast<CFMutableDictionaryRef>(New<Dictionary>(&gDictionaryClass));
}
void CFDictionarySetValue(CFMutableDictionaryRef dictionary, const void* key, const void* value) {
  Expect(dictionary, kDictionary, "CFDictionarySetValue");
  if (!key || !value) Die("CFDictionarySetValue: NULL key or value");
  CFRetain(key);
  CFRetain(value);
  for (auto& entry : static_cast<Dictionary*>(O(dictionary))->entries) {
    if (CFEqual(entry.first, key)) {
      CFRelease(entry.first);
      CFRelease(entry.second);
      entry = {key, value};
      return;
    }
  }
  static_cast<Dictionary*>(O(dictionary))->entries.emplace_back(key, value);
}
CFIndex CFDictionaryGetCount(CFDictionaryRef dictionary) {
  Expect(dictionary, kDictionary, "CFDictionaryGetCount");
  return static_cast<CFIndex>(static_cast<Dictionary*>(O(dictionary))->entries.size());
}
void CFDictionaryGetKeysAndValues(CFDictionaryRef dictionary, const void** keys, const void** values) {
  Expect(dictionary, kDictionary, "CFDictionaryGetKeysAndValues");
  size_t i = 0;
  for (auto& entry : static_cast<Dictionary*>(O(dictionary))->entries) {
    if (keys) keys[i] = entry.first;
    if (values) values[i] = entry.second;
    i++;
  }
}
const void* CFDictionaryGetValue(CFDictionaryRef dictionary, const void* key) {
  Expect(dictionary, kDictionary, "CFDictionaryGetValue");
  for (auto& entry : static_cast<Dictionary*>(O(dictionary))->entries) {
    if (CFEqual(entry.first, key)) return entry.second;
  }
  return nullptr;
}
// CFDictionary.h: "capacity … 0 … the dictionary can grow"; a nonzero capacity smaller than the
// count is a misuse Apple's CF asserts on. The copy retains every key and value again (+1 copy).
CFMutableDictionaryRef CFDictionaryCreateMutableCopy(CFAllocatorRef, CFIndex capacity, CFDictionaryRef dictionary) {
  Expect(dictionary, kDictionary, "CFDictionaryCreateMutableCopy");
  auto& entries = static_cast<Dictionary*>(O(dictionary))->entries;
  if (capacity != 0 && static_cast<size_t>(capacity) < entries.size()) Die("CFDictionaryCreateMutableCopy: capacity below the count");
  auto* copy = New<Dictionary>(&gDictionaryClass);
  for (auto& entry : entries) copy->entries.emplace_back(CFRetain(entry.first), CFRetain(entry.second));
  return reinterpret_cast<CFMutableDictionaryRef>(copy);
}
// Releases the key and value the dictionary held; an absent key is no error.
void CFDictionaryRemoveValue(CFMutableDictionaryRef dictionary, const void* key) {
  Expect(dictionary, kDictionary, "CFDictionaryRemoveValue");
  if (!key) Die("CFDictionaryRemoveValue: NULL key");
  auto& entries = static_cast<Dictionary*>(O(dictionary))->entries;
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (CFEqual(it->first, key)) {
      CFTypeRef k = it->first, v = it->second;
      entries.erase(it);
      CFRelease(k);
      CFRelease(v);
      return;
    }
  }
}

CFStringRef CFErrorGetDomain(CFErrorRef e) {
  Expect(e, kError, "CFErrorGetDomain");
  return static_cast<Error*>(O(e))->domain;
}
CFIndex CFErrorGetCode(CFErrorRef e) {
  Expect(e, kError, "CFErrorGetCode");
  return static_cast<Error*>(O(e))->code;
}
CFStringRef CFErrorCopyDescription(CFErrorRef e) {
  Expect(e, kError, "CFErrorCopyDescription");
  return static_cast<CFStringRef>(CFRetain(static_cast<Error*>(O(e))->description));
}

}  // extern "C"
