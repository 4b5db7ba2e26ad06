// SecIdentity functions (Security/SecIdentity.h, macOS 14.2 SDK, both macOS 10.3):
//   OSStatus SecIdentityCopyCertificate(SecIdentityRef identityRef,
//       SecCertificateRef * __nonnull CF_RETURNS_RETAINED certificateRef);
//   OSStatus SecIdentityCopyPrivateKey(SecIdentityRef identityRef,
//       SecKeyRef * __nonnull CF_RETURNS_RETAINED privateKeyRef);
// "You are responsible for releasing this reference by calling the CFRelease function": the
// out-parameter is +1 and is adopted on the line that receives it, also when the status is a
// failure (a framework that filled it in anyway must not leak it). Reading the private key of
// a file-based keychain identity may show an access prompt, so both run on the security queue.
#include "calls.h"

#include "async_call.h"
#include "handles.h"
#include "marshal.h"

namespace sf {

namespace {

SecIdentityRef AsIdentity(const CFRef<CFTypeRef>& ref) { return static_cast<SecIdentityRef>(const_cast<void*>(ref.get())); }

CFRef<CFTypeRef> Identity(Napi::Env env, const Napi::Value& value) {
  return UnwrapHandle(env, value, "SecIdentity", "identity");
}

// success with no object would break the header's promise: errSecInternalComponent.
Napi::Value ConvertHandle(Napi::Env env, Outcome& out) { return FromCF(env, out.value.get()); }

// The shape both calls share: an identity in, an OSStatus and a +1 object out.
template <typename Result>
using CopyFunction = OSStatus (*)(SecIdentityRef, Result*);

template <typename Result>
Napi::Promise CopyFromIdentity(const Napi::CallbackInfo& info, const char* operation, CopyFunction<Result> function) {
  return AsyncCall(
      info, operation, OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Identity(env, info[0])}; },
      [operation, function](Outcome& out, const CFRef<CFTypeRef>& identity) {
        Result result = nullptr;
        OSStatus status = function(AsIdentity(identity), &result);
        CFRef<CFTypeRef> owned = CFRef<CFTypeRef>::Adopt(result);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);
        if (!owned) return FailWithCFError(out, nullptr, operation);
        out.value = owned;
      },
      ConvertHandle);
}

}  // namespace

Napi::Promise SecIdentityCopyCertificateJS(const Napi::CallbackInfo& info) {
  return CopyFromIdentity<SecCertificateRef>(info, "SecIdentityCopyCertificate", &SecIdentityCopyCertificate);
}

Napi::Promise SecIdentityCopyPrivateKeyJS(const Napi::CallbackInfo& info) {
  return CopyFromIdentity<SecKeyRef>(info, "SecIdentityCopyPrivateKey", &SecIdentityCopyPrivateKey);
}

}  // namespace sf
