// Linux harness: the stand-ins' control panel, a Node-API module of its own
// (standin_control.node) loaded beside the addon; both link the one stand-in library, so they
// share its state. A test uses it to inject faults, build the CF values a stand-in returns,
// read what native/ passed to a framework call, and count live objects.
#include <napi.h>

#include <Security/Security.h>

#include "faults.h"
#include "model.h"

#include <cmath>
#include <cstdlib>
#include <string>

using namespace standin;

namespace {

// A JavaScript description of a value → a CF object (+1). Plain JSON-like values map as the
// addon maps them; objects with one `$` key build what the addon must also cope with.
Ref ToCF(Napi::Env env, const Napi::Value& value) {
  if (value.IsString()) {
    std::u16string units = value.As<Napi::String>().Utf16Value();
    return Ref::Adopt(MakeString(units));
  }
  if (value.IsBoolean()) return Ref::Retain(value.As<Napi::Boolean>().Value() ? kCFBooleanTrue : kCFBooleanFalse);
  if (value.IsNumber()) {
    double d = value.As<Napi::Number>().DoubleValue();
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) {
      int64_t i = static_cast<int64_t>(d);
      return Ref::Adopt(CFNumberCreate(nullptr, kCFNumberSInt64Type, &i));
    }
    return Ref::Adopt(CFNumberCreate(nullptr, kCFNumberFloat64Type, &d));
  }
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t i = value.As<Napi::BigInt>().Int64Value(&lossless);
    return Ref::Adopt(CFNumberCreate(nullptr, kCFNumberSInt64Type, &i));
  }
  if (value.IsNull()) return Ref::Adopt(MakePlain(&gNullClass));
  if (value.IsTypedArray()) {
    auto bytes = value.As<Napi::Uint8Array>();
    return Ref::Adopt(CFDataCreate(nullptr, bytes.Data(), static_cast<CFIndex>(bytes.ByteLength())));
  }
  if (value.IsDate()) {
    double ms = value.As<Napi::Date>().ValueOf();
    return Ref::Adopt(CFDateCreate(nullptr, ms / 1000.0 - kCFAbsoluteTimeIntervalSince1970));
  }
  if (value.IsArray()) {
    auto array = value.As<Napi::Array>();
    CFMutableArrayRef out = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    for (uint32_t i = 0; i < array.Length(); i++) CFArrayAppendValue(out, ToCF(env, array.Get(i)).get());
    return Ref::Adopt(out);
  }
  if (!value.IsObject()) throw Napi::TypeError::New(env, "control: no CF counterpart for this value");
  Napi::Object object = value.As<Napi::Object>();
  if (object.Has("$double")) {
    double d = object.Get("$double").As<Napi::Number>().DoubleValue();
    return Ref::Adopt(CFNumberCreate(nullptr, kCFNumberFloat64Type, &d));
  }
  if (object.Has("$int64")) {
    int64_t i = std::strtoll(object.Get("$int64").As<Napi::String>().Utf8Value().c_str(), nullptr, 10);
    return Ref::Adopt(CFNumberCreate(nullptr, kCFNumberSInt64Type, &i));
  }
  if (object.Has("$set")) return Ref::Adopt(MakePlain(&gSetClass));
  if (object.Has("$unknown")) return Ref::Adopt(MakePlain(&gOpaqueClass));
  if (object.Has("$key")) return Ref::Adopt(MakeKey(object.Get("$key").As<Napi::String>().Utf8Value() == "private"));
  if (object.Has("$certificate")) {  // { $certificate: DER bytes } (or true: a few bytes that are not DER)
    Napi::Value der = object.Get("$certificate");
    if (der.IsTypedArray()) {
      auto bytes = der.As<Napi::Uint8Array>();
      return Ref::Adopt(MakeCertificate(bytes.Data(), bytes.ByteLength()));
    }
    const uint8_t none[] = {0};
    return Ref::Adopt(MakeCertificate(none, sizeof none));
  }
  if (object.Has("$identity")) {  // an identity of a certificate (as $certificate) and a new private key
    Napi::Object description = Napi::Object::New(env);
    description.Set("$certificate", object.Get("$identity"));
    Ref certificate = ToCF(env, description);
    Ref key = Ref::Adopt(MakeKey(true));
    return Ref::Adopt(MakeIdentity(certificate.get(), key.get()));
  }
  if (object.Has("$trust")) return Ref::Adopt(MakePlain(&gTrustClass));
  if (object.Has("$keychainItem")) return Ref::Adopt(MakePlain(&gKeychainItemClass));
  if (object.Has("$accessControl")) return Ref::Adopt(MakeAccessControl(1));
  if (object.Has("$error")) {
    Napi::Object e = object.Get("$error").As<Napi::Object>();
    Ref domain = Ref::Adopt(MakeString(e.Get("domain").As<Napi::String>().Utf16Value()));
    return Ref::Adopt(MakeError(static_cast<CFStringRef>(domain.get()), static_cast<long>(e.Get("code").As<Napi::Number>().Int64Value()),
                                e.Get("description").As<Napi::String>().Utf16Value()));
  }
  if (object.Has("$entries")) {  // [[key, value], …] with keys of any type
    auto entries = object.Get("$entries").As<Napi::Array>();
    CFMutableDictionaryRef out =
        CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    for (uint32_t i = 0; i < entries.Length(); i++) {
      auto pair = entries.Get(i).As<Napi::Array>();
      CFDictionarySetValue(out, ToCF(env, pair.Get(0u)).get(), ToCF(env, pair.Get(1u)).get());
    }
    return Ref::Adopt(out);
  }
  Napi::Array names = object.GetPropertyNames();
  CFMutableDictionaryRef out =
      CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value key = names.Get(i);
    CFDictionarySetValue(out, ToCF(env, key.ToString()).get(), ToCF(env, object.Get(key)).get());
  }
  return Ref::Adopt(out);
}

// A CF object → { t: type, v: value }, exact: integers as decimal strings, floats as numbers.
Napi::Value Describe(Napi::Env env, CFTypeRef value) {
  Napi::Object out = Napi::Object::New(env);
  if (!value) {
    out.Set("t", "NULL");
    return out;
  }
  switch (TypeOf(value)) {
    case kString:
      out.Set("t", "string");
      out.Set("v", Napi::String::New(env, static_cast<String*>(O(value))->units));
      break;
    case kNumber: {
      auto* n = static_cast<Number*>(O(value));
      out.Set("t", n->isFloat ? "float64" : "int64");
      if (n->isFloat) {
        out.Set("v", n->real);
      } else {
        out.Set("v", std::to_string(n->integer));
      }
      break;
    }
    case kBoolean:
      out.Set("t", "boolean");
      out.Set("v", static_cast<bool>(CFBooleanGetValue(static_cast<CFBooleanRef>(value))));
      break;
    case kData: {
      auto& bytes = static_cast<Data*>(O(value))->bytes;
      out.Set("t", "data");
      out.Set("v", Napi::Buffer<uint8_t>::Copy(env, bytes.data(), bytes.size()));
      break;
    }
    case kDate:
      out.Set("t", "date");
      out.Set("v", static_cast<Date*>(O(value))->at);
      break;
    case kArray: {
      auto& values = static_cast<Array*>(O(value))->values;
      Napi::Array items = Napi::Array::New(env, values.size());
      for (size_t i = 0; i < values.size(); i++) items.Set(static_cast<uint32_t>(i), Describe(env, values[i]));
      out.Set("t", "array");
      out.Set("v", items);
      break;
    }
    case kDictionary: {
      auto& entries = static_cast<Dictionary*>(O(value))->entries;
      Napi::Array items = Napi::Array::New(env, entries.size());
      for (size_t i = 0; i < entries.size(); i++) {
        Napi::Array pair = Napi::Array::New(env, 2);
        pair.Set(0u, Describe(env, entries[i].first));
        pair.Set(1u, Describe(env, entries[i].second));
        items.Set(static_cast<uint32_t>(i), pair);
      }
      out.Set("t", "dictionary");
      out.Set("v", items);
      break;
    }
    default: out.Set("t", O(value)->isa->name);
  }
  return out;
}

Napi::Value Inject(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string function = info[0].As<Napi::String>().Utf8Value();
  Napi::Object spec = info[1].As<Napi::Object>();
  Fault fault;
  if (spec.Has("status")) fault.status = spec.Get("status").As<Napi::Number>().Int32Value();
  if (spec.Has("error")) fault.error = ToCF(env, spec.Get("error"));
  if (spec.Has("returnNull")) fault.returnNull = spec.Get("returnNull").ToBoolean();
  if (spec.Has("result")) fault.result = ToCF(env, spec.Get("result"));
  if (spec.Has("echo")) fault.echo = spec.Get("echo").ToBoolean();
  if (spec.Has("delayMs")) fault.delayMs = spec.Get("delayMs").As<Napi::Number>().Int32Value();
  if (spec.Has("raise")) fault.raise = spec.Get("raise").As<Napi::String>().Utf8Value();
  if (spec.Has("replyOn")) fault.replyOn = spec.Get("replyOn").As<Napi::String>().Utf8Value();
  if (spec.Has("success")) fault.success = spec.Get("success").ToBoolean();
  if (spec.Has("times")) fault.remaining = spec.Get("times").As<Napi::Number>().Int64Value();
  SetFault(function, std::move(fault));
  return env.Undefined();
}

Napi::Value Reset(const Napi::CallbackInfo& info) {
  ClearFaults();
  ClearCalls();
  ClearKeychain();
  ResetDiagnosis();
  ResetSession();
  return info.Env().Undefined();
}

Napi::Value Calls(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(CallCount(info[0].As<Napi::String>().Utf8Value())));
}

Napi::Value LastArgumentJS(const Napi::CallbackInfo& info) {
  Ref argument = LastArgument(info[0].As<Napi::String>().Utf8Value());
  return Describe(info.Env(), argument.get());
}

// Live objects per type name, and objects autoreleased with no pool.
Napi::Value Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object live = Napi::Object::New(env);
  long total = 0;
  for (Class* c : AllClasses()) {
    long n = Live(c->type);
    if (n != 0) live.Set(c->name, Napi::Number::New(env, static_cast<double>(n)));
    total += n;
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("live", live);
  out.Set("total", Napi::Number::New(env, static_cast<double>(total)));
  out.Set("poollessAutoreleases", Napi::Number::New(env, static_cast<double>(PoollessAutoreleases())));
  return out;
}

// The process the stand-ins report: "unsigned", "adhoc" or "team" (diagnosis.cc).
Napi::Value SetProcess(const Napi::CallbackInfo& info) {
  if (!SetProcessProfile(info[0].As<Napi::String>().Utf8Value())) throw Napi::Error::New(info.Env(), "control: unknown process profile");
  return info.Env().Undefined();
}

// The SecKeychainStatus of every stand-in keychain (kSecUnlockStateStatus 1 | kSecReadPermStatus 2 | kSecWritePermStatus 4).
Napi::Value SetKeychainStatusJS(const Napi::CallbackInfo& info) {
  SetKeychainStatus(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

// The SessionAttributeBits SessionGetInfo reports for the caller's session (session.cc).
Napi::Value SetSession(const Napi::CallbackInfo& info) {
  SetSessionAttributes(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("setSession", Napi::Function::New(env, SetSession));
  exports.Set("setProcess", Napi::Function::New(env, SetProcess));
  exports.Set("setKeychainStatus", Napi::Function::New(env, SetKeychainStatusJS));
  exports.Set("inject", Napi::Function::New(env, Inject));
  exports.Set("reset", Napi::Function::New(env, Reset));
  exports.Set("calls", Napi::Function::New(env, Calls));
  exports.Set("lastArgument", Napi::Function::New(env, LastArgumentJS));
  exports.Set("stats", Napi::Function::New(env, Stats));
  return exports;
}

}  // namespace

NODE_API_MODULE(standin_control, Init)
