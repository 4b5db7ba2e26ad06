#include "marshal.h"

#include "constants.h"
#include "handles.h"

#include <cmath>
#include <vector>

namespace sf {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1
constexpr double kTwoTo63 = 9223372036854775808.0;      // SInt64 holds [-2^63, 2^63)
constexpr int kMaxDepth = 32;

std::string Describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "boolean";
    case napi_number: return "number";
    case napi_string: return "string";
    case napi_symbol: return "symbol";
    case napi_function: return "function";
    case napi_bigint: return "bigint";
    case napi_external: return "external";
    default: return "object";
  }
}

bool IsPlainObject(Napi::Env env, const Napi::Value& value) {
  if (!value.IsObject() || value.IsArray() || value.IsFunction() || value.IsTypedArray() ||
      value.IsArrayBuffer() || value.IsDate() || value.IsPromise() || value.IsDataView()) {
    return false;
  }
  // Only Object.prototype or null as prototype: a class instance is not a dictionary.
  napi_value prototype;
  if (napi_get_prototype(env, value, &prototype) != napi_ok) return false;
  Napi::Value proto(env, prototype);
  if (proto.IsNull()) return true;
  Napi::Object objectPrototype = env.Global().Get("Object").As<Napi::Object>().Get("prototype").As<Napi::Object>();
  return proto.StrictEquals(objectPrototype);
}

CFRef<CFNumberRef> ToCFNumber(Napi::Env env, const Napi::Value& value, const std::string& path) {
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t i = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) throw ParamError(env, path + ": bigint does not fit in a signed 64-bit integer");
    return CFRef<CFNumberRef>::Adopt(CFNumberCreate(kCFAllocatorDefault, kCFNumberSInt64Type, &i));
  }
  double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d)) throw ParamError(env, path + ": number must be finite");
  // Every whole number SInt64 can hold is an integer (DESIGN.md: integers ⇄ SInt64), also
  // beyond 2^53, where a double is still exactly that integer; only outside SInt64's range
  // does a whole number stay a double.
  if (std::trunc(d) == d && d >= -kTwoTo63 && d < kTwoTo63) {
    int64_t i = static_cast<int64_t>(d);  // -0 becomes 0
    return CFRef<CFNumberRef>::Adopt(CFNumberCreate(kCFAllocatorDefault, kCFNumberSInt64Type, &i));
  }
  return CFRef<CFNumberRef>::Adopt(CFNumberCreate(kCFAllocatorDefault, kCFNumberFloat64Type, &d));
}

CFRef<CFDateRef> ToCFDate(Napi::Env env, const Napi::Value& value, const std::string& path) {
  double ms = value.As<Napi::Date>().ValueOf();
  if (!std::isfinite(ms)) throw ParamError(env, path + ": invalid Date");
  // CFAbsoluteTime counts seconds from 2001-01-01; JavaScript counts milliseconds from 1970.
  return CFRef<CFDateRef>::Adopt(CFDateCreate(kCFAllocatorDefault, ms / 1000.0 - kCFAbsoluteTimeIntervalSince1970));
}

CFRef<CFTypeRef> ToCFArray(Napi::Env env, const Napi::Array& array, const std::string& path, int depth) {
  CFMutableArrayRef raw = CFArrayCreateMutable(kCFAllocatorDefault, 0, &kCFTypeArrayCallBacks);  // +1
  CFRef<CFTypeRef> holder = CFRef<CFTypeRef>::Adopt(raw);  // released if an element throws
  for (uint32_t i = 0; i < array.Length(); i++) {
    CFRef<CFTypeRef> element = ToCF(env, array.Get(i), path + "[" + std::to_string(i) + "]", depth + 1);
    CFArrayAppendValue(raw, element.get());  // the array retains the element
  }
  return holder;
}

// kSecMatchItemList (SecItem.h): "a CFArray of SecKeychainItemRef, SecKeyRef, SecCertificateRef,
// or SecIdentityRef items", or on macOS of persistent references (CFData). Anything else in it
// would reach framework code that takes each element for an item.
CFRef<CFTypeRef> ToCFItemList(Napi::Env env, const Napi::Value& value, const std::string& path) {
  if (!value.IsArray()) throw ParamError(env, path + ": expected an array of item handles or persistent references, got " + Describe(value));
  Napi::Array array = value.As<Napi::Array>();
  CFMutableArrayRef raw = CFArrayCreateMutable(kCFAllocatorDefault, 0, &kCFTypeArrayCallBacks);  // +1
  CFRef<CFTypeRef> holder = CFRef<CFTypeRef>::Adopt(raw);
  for (uint32_t i = 0; i < array.Length(); i++) {
    Napi::Value element = array.Get(i);
    std::string elementPath = path + "[" + std::to_string(i) + "]";
    CFRef<CFTypeRef> item = element.IsTypedArray() || element.IsArrayBuffer()
                                ? CFRef<CFTypeRef>::Adopt(ToCFData(env, element, elementPath).release())
                                : UnwrapItemReference(env, element, elementPath);
    CFArrayAppendValue(raw, item.get());  // the array retains the element
  }
  return holder;
}

CFRef<CFTypeRef> ToCFDictionaryAt(Napi::Env env, const Napi::Object& object, const std::string& path, int depth) {
  // Own enumerable string keys only: inherited properties are not part of a dictionary.
  napi_value names;
  if (napi_get_all_property_names(env, object, napi_key_own_only,
                                  static_cast<napi_key_filter>(napi_key_enumerable | napi_key_skip_symbols),
                                  napi_key_numbers_to_strings, &names) != napi_ok) {
    throw ParamError(env, path + ": cannot enumerate the dictionary's keys");
  }
  Napi::Array keys(env, names);
  CFMutableDictionaryRef raw = CFDictionaryCreateMutable(kCFAllocatorDefault, 0, &kCFTypeDictionaryKeyCallBacks,
                                                         &kCFTypeDictionaryValueCallBacks);  // +1
  CFRef<CFTypeRef> holder = CFRef<CFTypeRef>::Adopt(raw);
  for (uint32_t i = 0; i < keys.Length(); i++) {
    Napi::String key = keys.Get(i).As<Napi::String>();
    Napi::Value value = object.Get(key);
    if (value.IsUndefined()) continue;  // an absent key, as in Apple's dictionaries
    CFRef<CFStringRef> cfKey = ToCFString(env, key, path);
    // Errors name the key as Apple spells it ("acct"), nested keys by their path ("private.labl").
    std::string childPath = depth == 0 ? key.Utf8Value() : path + "." + key.Utf8Value();
    // Two keys take one kind of object only, and anything else could reach code in the framework
    // that sends it messages it does not understand: check the handle's kind here.
    const char* kind = CFEqual(cfKey.get(), kSecUseAuthenticationContext) ? "LAContext"
                       : CFEqual(cfKey.get(), kSecAttrAccessControl)     ? "SecAccessControl"
                                                                          : nullptr;
    CFRef<CFTypeRef> cfValue = kind                                       ? UnwrapHandle(env, value, kind, childPath)
                               : CFEqual(cfKey.get(), kSecValueRef)      ? UnwrapItemReference(env, value, childPath)
                               : CFEqual(cfKey.get(), kSecMatchItemList) ? ToCFItemList(env, value, childPath)
                                                                          : ToCF(env, value, childPath, depth + 1);
    CFDictionarySetValue(raw, cfKey.get(), cfValue.get());  // the dictionary retains both
  }
  return holder;
}

Napi::Value FromCFNumber(Napi::Env env, CFNumberRef number) {
  if (CFNumberIsFloatType(number)) {
    double d = 0;
    CFNumberGetValue(number, kCFNumberFloat64Type, &d);
    return Napi::Number::New(env, d);
  }
  int64_t i = 0;
  if (!CFNumberGetValue(number, kCFNumberSInt64Type, &i)) {  // does not fit (an unsigned 64-bit value)
    double d = 0;
    CFNumberGetValue(number, kCFNumberFloat64Type, &d);
    return Napi::Number::New(env, d);
  }
  if (std::fabs(static_cast<double>(i)) > kMaxSafeInteger) return Napi::BigInt::New(env, i);
  return Napi::Number::New(env, static_cast<double>(i));
}

Napi::Value FromCFString(Napi::Env env, CFStringRef s) {
  CFIndex length = CFStringGetLength(s);
  std::u16string units(static_cast<size_t>(length), u'\0');
  if (length > 0) CFStringGetCharacters(s, CFRangeMake(0, length), reinterpret_cast<UniChar*>(units.data()));
  return Napi::String::New(env, units);
}

}  // namespace

CFRef<CFStringRef> ToCFString(Napi::Env env, const Napi::Value& value, const std::string& path) {
  if (!value.IsString()) throw ParamError(env, path + ": expected a string, got " + Describe(value));
  // UTF-16 code units both ways, so every string (lone surrogates included) round-trips.
  std::u16string units = value.As<Napi::String>().Utf16Value();
  // A string equal to a framework constant ("acct", "genp", an algorithm name) is passed as
  // that constant (Get rule: Retain takes our own reference).
  if (CFStringRef constant = FrameworkString(units)) return CFRef<CFStringRef>::Retain(constant);
  CFStringRef s = CFStringCreateWithCharacters(kCFAllocatorDefault, reinterpret_cast<const UniChar*>(units.data()),
                                               static_cast<CFIndex>(units.size()));  // +1
  if (!s) throw ParamError(env, path + ": the string could not be converted");
  return CFRef<CFStringRef>::Adopt(s);
}

CFRef<CFDataRef> ToCFData(Napi::Env env, const Napi::Value& value, const std::string& path) {
  const uint8_t* bytes = nullptr;
  size_t length = 0;
  // IsBuffer() is true of every ArrayBuffer view (Int16Array, DataView, …), so test the type:
  // a Buffer is a Uint8Array. Data() already accounts for a view's byteOffset.
  if (value.IsTypedArray()) {
    if (value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
      throw ParamError(env, path + ": expected a Buffer, Uint8Array or ArrayBuffer, got another typed array");
    }
    auto array = value.As<Napi::Uint8Array>();
    bytes = array.Data();
    length = array.ByteLength();
  } else if (value.IsArrayBuffer()) {
    auto buffer = value.As<Napi::ArrayBuffer>();
    bytes = static_cast<const uint8_t*>(buffer.Data());
    length = buffer.ByteLength();
  } else {
    throw ParamError(env, path + ": expected a Buffer, Uint8Array or ArrayBuffer, got " + Describe(value));
  }
  // CFDataCreate copies: JavaScript memory may move or be freed once this call returns.
  return CFRef<CFDataRef>::Adopt(CFDataCreate(kCFAllocatorDefault, bytes, static_cast<CFIndex>(length)));
}

CFRef<CFDictionaryRef> ToCFDictionary(Napi::Env env, const Napi::Value& value, const std::string& path) {
  if (!IsPlainObject(env, value)) throw ParamError(env, path + ": expected a dictionary (a plain object), got " + Describe(value));
  CFRef<CFTypeRef> dictionary = ToCFDictionaryAt(env, value.As<Napi::Object>(), path, 0);
  return CFRef<CFDictionaryRef>::Adopt(static_cast<CFDictionaryRef>(dictionary.release()));
}

int64_t ToInteger(Napi::Env env, const Napi::Value& value, const std::string& path, int64_t min, int64_t max) {
  if (!value.IsNumber()) throw ParamError(env, path + ": expected an integer, got " + Describe(value));
  double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    throw ParamError(env, path + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return static_cast<int64_t>(d);
}

NSString* ToReason(Napi::Env env, const Napi::Value& value, const std::string& path) {
  if (!value.IsString() || value.As<Napi::String>().Utf16Value().empty()) {
    throw ParamError(env, path + ": expected a non-empty string");
  }
  return ToNSString(value.As<Napi::String>());
}

CFRef<CFTypeRef> ToCF(Napi::Env env, const Napi::Value& value, const std::string& path, int depth) {
  if (depth > kMaxDepth) throw ParamError(env, path + ": nested more than 32 levels deep");
  // Handles first: a handle is also an object.
  if (IsHandle(env, value)) return UnwrapHandle(env, value, nullptr, path);
  if (value.IsBoolean()) {
    // The CFBoolean constants follow the Get rule; Retain gives this CFRef a reference of its own.
    return CFRef<CFTypeRef>::Retain(value.As<Napi::Boolean>().Value() ? kCFBooleanTrue : kCFBooleanFalse);
  }
  if (value.IsString()) return CFRef<CFTypeRef>::Adopt(ToCFString(env, value, path).release());
  if (value.IsNumber() || value.IsBigInt()) return CFRef<CFTypeRef>::Adopt(ToCFNumber(env, value, path).release());
  if (value.IsDate()) return CFRef<CFTypeRef>::Adopt(ToCFDate(env, value, path).release());
  if (value.IsTypedArray() || value.IsArrayBuffer()) return CFRef<CFTypeRef>::Adopt(ToCFData(env, value, path).release());
  if (value.IsArray()) return ToCFArray(env, value.As<Napi::Array>(), path, depth);
  if (IsPlainObject(env, value)) return ToCFDictionaryAt(env, value.As<Napi::Object>(), path, depth);
  throw ParamError(env, path + ": a " + Describe(value) + " has no Core Foundation counterpart");
}

Napi::Value FromCF(Napi::Env env, CFTypeRef value, int depth) {
  if (!value) return env.Null();
  if (depth > kMaxDepth) throw Napi::RangeError::New(env, "a framework result is nested more than 32 levels deep");
  CFTypeID type = CFGetTypeID(value);
  if (type == CFStringGetTypeID()) return FromCFString(env, static_cast<CFStringRef>(value));
  // CFBoolean before CFNumber: both answer to number-like questions.
  if (type == CFBooleanGetTypeID()) return Napi::Boolean::New(env, CFBooleanGetValue(static_cast<CFBooleanRef>(value)));
  if (type == CFNumberGetTypeID()) return FromCFNumber(env, static_cast<CFNumberRef>(value));
  if (type == CFDataGetTypeID()) {
    CFDataRef data = static_cast<CFDataRef>(value);
    // Copied into a JavaScript-owned Buffer (Electron forbids external buffers).
    return Napi::Buffer<uint8_t>::Copy(env, CFDataGetBytePtr(data), static_cast<size_t>(CFDataGetLength(data)));
  }
  if (type == CFDateGetTypeID()) {
    // A JavaScript time value is a whole number of milliseconds; the nearest one, so a Date
    // that went to CF comes back exactly (truncation would lose one before 2001).
    double ms = (CFDateGetAbsoluteTime(static_cast<CFDateRef>(value)) + kCFAbsoluteTimeIntervalSince1970) * 1000.0;
    return Napi::Date::New(env, std::round(ms));
  }
  if (type == CFNullGetTypeID()) return env.Null();
  if (type == CFArrayGetTypeID()) {
    CFArrayRef array = static_cast<CFArrayRef>(value);
    CFIndex count = CFArrayGetCount(array);
    Napi::Array out = Napi::Array::New(env, static_cast<size_t>(count));
    for (CFIndex i = 0; i < count; i++) {
      out.Set(static_cast<uint32_t>(i), FromCF(env, CFArrayGetValueAtIndex(array, i), depth + 1));  // Get rule
    }
    return out;
  }
  if (type == CFDictionaryGetTypeID()) {
    CFDictionaryRef dictionary = static_cast<CFDictionaryRef>(value);
    CFIndex count = CFDictionaryGetCount(dictionary);
    std::vector<const void*> keys(static_cast<size_t>(count));
    std::vector<const void*> values(static_cast<size_t>(count));
    if (count > 0) CFDictionaryGetKeysAndValues(dictionary, keys.data(), values.data());  // Get rule
    Napi::Object out = Napi::Object::New(env);
    for (CFIndex i = 0; i < count; i++) {
      CFTypeRef key = static_cast<CFTypeRef>(keys[static_cast<size_t>(i)]);
      if (!key || CFGetTypeID(key) != CFStringGetTypeID()) continue;  // only string keys have a JavaScript form
      // Defined, not assigned: a "__proto__" key is then an own property like any other, and
      // cannot replace the result's prototype.
      Napi::Value name = FromCFString(env, static_cast<CFStringRef>(key));
      Napi::Value element = FromCF(env, static_cast<CFTypeRef>(values[static_cast<size_t>(i)]), depth + 1);
      out.DefineProperty(Napi::PropertyDescriptor::Value(name, element, napi_default_jsproperty));
    }
    return out;
  }
  // SecKey, SecCertificate, SecIdentity, SecAccessControl, a file-based keychain's item
  // reference: a handle with its own retain. Anything else has no JavaScript form here.
  std::string kind = KindOf(value);
  if (kind.empty()) {
    CFRef<CFStringRef> description = CFRef<CFStringRef>::Adopt(CFCopyTypeIDDescription(type));  // Copy rule
    std::string name = CFStringToUtf8(description.get());
    throw InternalError(env, "", "the framework returned a " + (name.empty() ? std::string("CF object") : name) +
                                     ", which the addon does not convert");
  }
  return WrapHandle(env, value, kind);
}

}  // namespace sf
