// Shared declarations for every native/*.mm file: framework imports, the Core Foundation
// ownership holder, the outcome of a framework call, and error helpers.
//
// Ownership rules used throughout (Core Foundation "Create/Copy rule"): a function whose name
// contains Create or Copy, and the CFTypeRef/CFErrorRef out-parameters of SecItem and SecKey
// calls, hand us one retain (+1) that we must release exactly once. Every such value is put
// into a CFRef with CFRef::Adopt on the line that receives it, so the release happens when the
// CFRef goes out of scope, on every path. Values obtained under the "Get rule" (framework
// constants, CFDictionaryGetValue, CFErrorGetDomain) are never released; CFRef::Retain takes
// a retain of its own when one must outlive its owner. ARC manages Objective-C objects
// (LAContext, NSError, NSString) and never CF types.
#pragma once

#if !__has_feature(objc_arc)
#error "native/ is written for ARC: build with CLANG_ENABLE_OBJC_ARC=YES (binding.gyp sets it)"
#endif

#import <Foundation/Foundation.h>
#import <LocalAuthentication/LocalAuthentication.h>
#import <Security/Security.h>

#include <napi.h>

#include <exception>
#include <memory>
#include <string>
#include <utility>

namespace sf {

// One owned reference to a CF object (or nothing). Copying retains, destruction releases, so a
// CFRef can be captured by value in a block or lambda that outlives the JavaScript call.
template <typename T>
class CFRef {
 public:
  CFRef() = default;
  // Takes over a +1 reference (from a Create/Copy function or an out-parameter).
  static CFRef Adopt(T p) {
    CFRef r;
    r.p_ = p;
    return r;
  }
  // Keeps a Get-rule value alive by taking a retain of our own.
  static CFRef Retain(T p) {
    CFRef r;
    r.p_ = p;
    if (p) CFRetain(p);
    return r;
  }
  CFRef(const CFRef& o) : p_(o.p_) {
    if (p_) CFRetain(p_);
  }
  CFRef(CFRef&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  CFRef& operator=(CFRef o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~CFRef() {
    if (p_) CFRelease(p_);
  }
  T get() const { return p_; }
  // Hands the +1 on to the caller, who now owns it.
  T release() { return std::exchange(p_, nullptr); }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  T p_ = nullptr;
};

// What a framework call produced, captured off the JavaScript thread in plain C++ so that the
// JavaScript values can be made later on the JavaScript thread.
struct Outcome {
  bool ok = true;
  OSStatus osStatus = 0;   // the OSStatus, when the failure is one
  std::string domain;      // "NSOSStatusErrorDomain", a CFError domain, or LAErrorDomain
  long code = 0;           // the code in that domain
  std::u16string message;  // Apple's text, copied as UTF-16 code units (exact, even if malformed)
  CFRef<CFTypeRef> value;  // a +1 result, converted on the JavaScript thread
  bool flag = false;       // a Boolean result (SecKeyVerifySignature, canEvaluatePolicy)
};

// Text of a CFString as UTF-8 (empty for NULL, or when it cannot be encoded). Any thread.
std::string CFStringToUtf8(CFStringRef s);
// Text of a CFString, or of an NSString, as its UTF-16 code units (empty for NULL/nil): exact,
// also for text that is not valid Unicode. Any thread.
std::u16string CFStringToUtf16(CFStringRef s);
std::u16string ToUtf16(NSString* s);
// Text of an NSString as UTF-8 (empty for nil). Any thread.
std::string ToStd(NSString* s);
// ASCII or UTF-8 text of our own (operation names, fixed messages) as UTF-16.
std::u16string Utf16(const std::string& utf8);

// Records a failed OSStatus with Apple's message for it. Any thread.
void FailWithStatus(Outcome& out, OSStatus status);
// Records a failure reported through a CFErrorRef out-parameter and releases that error
// (it arrives +1). A NULL error means the call failed without saying why. Any thread.
void FailWithCFError(Outcome& out, CFErrorRef error, const char* operation);
// Records a failure reported as an NSError (LocalAuthentication). Any thread.
void FailWithNSError(Outcome& out, NSError* error, const char* operation);
// Records errSecInternalComponent with a message of our own. Any thread.
void FailInternally(Outcome& out, const std::string& message);
// Records errSecParam with a message of our own naming the argument, for a framework call that
// answers a bad argument with NULL and nothing else (SecCertificateCreateWithData). Any thread.
void FailWithParam(Outcome& out, const std::string& message);
// "<call> raised <exception name>: <reason>", the message of an Objective-C exception turned
// into errSecInternalComponent (LocalAuthentication raises for misuse it detects). Any thread.
std::string DescribeRaised(const std::string& call, NSException* exception);

// JavaScript thread only.
// errSecParam (-50) with a message naming the offending key or argument.
Napi::Error ParamError(Napi::Env env, const std::string& message);
// errSecInternalComponent (-2070) naming the operation (when known here; a rejection names
// it otherwise): the framework did something the addon cannot pass on (an Objective-C
// exception, a result of a type it does not convert).
Napi::Error InternalError(Napi::Env env, const std::string& operation, const std::string& message);
// The Error a rejected Promise carries: message plus status, domain, nativeCode, operation.
Napi::Error MakeNativeError(Napi::Env env, const std::string& operation, const Outcome& out);
// A Promise already rejected with `error` (which gets `operation` if it has none), so every
// async entry point returns a Promise.
Napi::Promise RejectedPromise(Napi::Env env, const Napi::Error& error, const char* operation);
// Reads a JavaScript string as an NSString from its UTF-16 code units (never fails).
NSString* ToNSString(const Napi::String& s);
// An NSString as a JavaScript string (UTF-16, exact).
Napi::Value FromNSString(Napi::Env env, NSString* s);

// Runs `body` inside an autorelease pool and returns its result. Node's JavaScript thread has
// no autorelease pool of its own (Electron's main thread does), so Objective-C objects
// autoreleased there would pile up until the thread ends. A C++ exception leaving an
// @autoreleasepool block would skip the pool's pop, so the exception is caught inside the
// pool and rethrown after it.
template <typename Body>
auto WithAutoreleasePool(Body body) -> decltype(body()) {
  decltype(body()) result;
  std::exception_ptr failure;
  @autoreleasepool {
    try {
      result = body();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
  return result;
}

}  // namespace sf
