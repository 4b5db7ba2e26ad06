// Turning the three ways the frameworks report failure (OSStatus, CFErrorRef, NSError) into an
// Outcome off the JavaScript thread, and an Outcome into a JavaScript Error on it.
#include "common.h"

#include <cstring>

namespace sf {

std::string CFStringToUtf8(CFStringRef s) {
  if (!s) return {};
  // CFStringGetMaximumSizeForEncoding gives an upper bound in bytes; +1 for the terminator.
  CFIndex max = CFStringGetMaximumSizeForEncoding(CFStringGetLength(s), kCFStringEncodingUTF8) + 1;
  std::string buffer(static_cast<size_t>(max), '\0');
  if (!CFStringGetCString(s, buffer.data(), max, kCFStringEncodingUTF8)) return {};
  buffer.resize(std::strlen(buffer.c_str()));
  return buffer;
}

std::u16string CFStringToUtf16(CFStringRef s) {
  if (!s) return {};
  CFIndex length = CFStringGetLength(s);
  std::u16string units(static_cast<size_t>(length), u'\0');
  if (length > 0) CFStringGetCharacters(s, CFRangeMake(0, length), reinterpret_cast<UniChar*>(units.data()));
  return units;
}

std::u16string ToUtf16(NSString* s) {
  if (!s) return {};
  NSUInteger length = s.length;
  std::u16string units(length, u'\0');
  if (length > 0) [s getCharacters:reinterpret_cast<unichar*>(units.data()) range:NSMakeRange(0, length)];
  return units;
}

std::u16string Utf16(const std::string& utf8) {
  std::u16string out;
  for (size_t i = 0; i < utf8.size();) {
    uint32_t c = static_cast<unsigned char>(utf8[i++]);
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more > 0) c &= 0x3Fu >> more;
    while (more-- > 0 && i < utf8.size()) c = (c << 6) | (static_cast<unsigned char>(utf8[i++]) & 0x3Fu);
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

std::string ToStd(NSString* s) {
  const char* p = s ? [s UTF8String] : nullptr;  // owned by the autorelease pool: copy now
  return p ? std::string(p) : std::string();
}

void FailWithStatus(Outcome& out, OSStatus status) {
  out.ok = false;
  out.osStatus = status;
  out.domain = "NSOSStatusErrorDomain";
  out.code = status;
  // SecCopyErrorMessageString: Copy rule, may return NULL; the reserved argument must be NULL.
  CFRef<CFStringRef> message = CFRef<CFStringRef>::Adopt(SecCopyErrorMessageString(status, nullptr));
  out.message = message ? CFStringToUtf16(message.get()) : Utf16("OSStatus " + std::to_string(status));
}

namespace {

// A call reported failure (NULL, NO) without filling in its error out-parameter.
void FailWithoutError(Outcome& out, const char* operation) {
  FailInternally(out, std::string(operation) + " failed without an error object");
}

}  // namespace

void FailInternally(Outcome& out, const std::string& message) {
  out.ok = false;
  out.osStatus = errSecInternalComponent;
  out.domain = "NSOSStatusErrorDomain";
  out.code = errSecInternalComponent;
  out.message = Utf16(message);
}

void FailWithParam(Outcome& out, const std::string& message) {
  out.ok = false;
  out.osStatus = errSecParam;
  out.domain = "NSOSStatusErrorDomain";
  out.code = errSecParam;
  out.message = Utf16(message);
}

std::string DescribeRaised(const std::string& call, NSException* exception) {
  return call + " raised " + ToStd(exception.name) + ": " + ToStd(exception.reason);
}

void FailWithCFError(Outcome& out, CFErrorRef error, const char* operation) {
  if (!error) return FailWithoutError(out, operation);
  out.ok = false;
  CFRef<CFErrorRef> owned = CFRef<CFErrorRef>::Adopt(error);  // the out-parameter is +1
  CFStringRef domain = CFErrorGetDomain(error);                // Get rule
  out.domain = CFStringToUtf8(domain);
  out.code = static_cast<long>(CFErrorGetCode(error));
  if (domain && CFEqual(domain, kCFErrorDomainOSStatus)) out.osStatus = static_cast<OSStatus>(out.code);
  CFRef<CFStringRef> description = CFRef<CFStringRef>::Adopt(CFErrorCopyDescription(error));  // Copy rule
  out.message = CFStringToUtf16(description.get());
}

void FailWithNSError(Outcome& out, NSError* error, const char* operation) {
  if (!error) return FailWithoutError(out, operation);
  out.ok = false;
  out.domain = ToStd(error.domain);
  out.code = static_cast<long>(error.code);
  if ([error.domain isEqualToString:NSOSStatusErrorDomain]) out.osStatus = static_cast<OSStatus>(error.code);
  out.message = ToUtf16(error.localizedDescription);
}

Napi::Error ParamError(Napi::Env env, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("status", Napi::Number::New(env, errSecParam));
  e.Set("domain", Napi::String::New(env, "NSOSStatusErrorDomain"));
  e.Set("nativeCode", Napi::Number::New(env, errSecParam));
  return e;
}

Napi::Error InternalError(Napi::Env env, const std::string& operation, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("status", Napi::Number::New(env, errSecInternalComponent));
  e.Set("domain", Napi::String::New(env, "NSOSStatusErrorDomain"));
  e.Set("nativeCode", Napi::Number::New(env, errSecInternalComponent));
  if (!operation.empty()) e.Set("operation", Napi::String::New(env, operation));
  return e;
}

Napi::Error MakeNativeError(Napi::Env env, const std::string& operation, const Outcome& out) {
  // Made from the UTF-16 text itself: Napi::Error::New takes UTF-8, which cannot carry text
  // that is not valid Unicode.
  Napi::String text = Napi::String::New(env, out.message.empty() ? Utf16(operation + " failed") : out.message);
  napi_value raw = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_create_error(env, nullptr, text, &raw), Napi::Error());
  Napi::Error e(env, raw);
  e.Set("operation", Napi::String::New(env, operation));
  e.Set("domain", Napi::String::New(env, out.domain));
  e.Set("nativeCode", Napi::Number::New(env, static_cast<double>(out.code)));
  // status: the OSStatus when there is one, else the domain's own code (an LAError, say);
  // `domain` tells the two apart.
  e.Set("status", Napi::Number::New(env, out.osStatus != 0 ? static_cast<double>(out.osStatus) : static_cast<double>(out.code)));
  return e;
}

Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error, const char* operation) {
  if (!error.Value().Has("operation")) error.Value().Set("operation", Napi::String::New(env, operation));
  auto deferred = Napi::Promise::Deferred::New(env);
  deferred.Reject(error.Value());
  return deferred.Promise();
}

NSString* ToNSString(const Napi::String& s) {
  std::u16string units = s.Utf16Value();
  return [NSString stringWithCharacters:reinterpret_cast<const unichar*>(units.data()) length:units.size()];
}

Napi::Value FromNSString(Napi::Env env, NSString* s) {
  if (!s) return env.Null();
  NSUInteger length = s.length;
  std::u16string units(length, u'\0');
  if (length > 0) [s getCharacters:reinterpret_cast<unichar*>(units.data()) range:NSMakeRange(0, length)];
  return Napi::String::New(env, units);
}

}  // namespace sf
