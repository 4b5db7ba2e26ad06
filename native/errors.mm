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
  out.message = message ? CFStringToUtf8(message.get()) : "OSStatus " + std::to_string(status);
}

namespace {

// A call reported failure (NULL, NO) without filling in its error out-parameter.
void FailWithoutError(Outcome& out, const char* operation) {
  out.ok = false;
  out.osStatus = errSecInternalComponent;
  out.domain = "NSOSStatusErrorDomain";
  out.code = errSecInternalComponent;
  out.message = std::string(operation) + " failed without an error object";
}

}  // namespace

void FailWithCFError(Outcome& out, CFErrorRef error, const char* operation) {
  if (!error) return FailWithoutError(out, operation);
  out.ok = false;
  CFRef<CFErrorRef> owned = CFRef<CFErrorRef>::Adopt(error);  // the out-parameter is +1
  CFStringRef domain = CFErrorGetDomain(error);                // Get rule
  out.domain = CFStringToUtf8(domain);
  out.code = static_cast<long>(CFErrorGetCode(error));
  if (domain && CFEqual(domain, kCFErrorDomainOSStatus)) out.osStatus = static_cast<OSStatus>(out.code);
  CFRef<CFStringRef> description = CFRef<CFStringRef>::Adopt(CFErrorCopyDescription(error));  // Copy rule
  out.message = CFStringToUtf8(description.get());
}

void FailWithNSError(Outcome& out, NSError* error, const char* operation) {
  if (!error) return FailWithoutError(out, operation);
  out.ok = false;
  out.domain = ToStd(error.domain);
  out.code = static_cast<long>(error.code);
  if ([error.domain isEqualToString:NSOSStatusErrorDomain]) out.osStatus = static_cast<OSStatus>(error.code);
  out.message = ToStd(error.localizedDescription);
}

Napi::Error ParamError(Napi::Env env, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("status", Napi::Number::New(env, errSecParam));
  e.Set("domain", Napi::String::New(env, "NSOSStatusErrorDomain"));
  e.Set("nativeCode", Napi::Number::New(env, errSecParam));
  return e;
}

Napi::Error MakeNativeError(Napi::Env env, const std::string& operation, const Outcome& out) {
  Napi::Error e = Napi::Error::New(env, out.message.empty() ? operation + " failed" : out.message);
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
