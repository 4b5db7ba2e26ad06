// SecCertificate functions (Security/SecCertificate.h, macOS 14.2 SDK; the header is inside
// CF_ASSUME_NONNULL and CF_IMPLICIT_BRIDGING, so an unannotated result is non-NULL):
//   __nullable SecCertificateRef SecCertificateCreateWithData(CFAllocatorRef __nullable allocator, CFDataRef data);
//       macOS 10.6. "Return NULL if the passed-in data is not a valid DER-encoded X.509 certificate."
//   CFDataRef SecCertificateCopyData(SecCertificateRef certificate);                  macOS 10.6
//   __nullable CFStringRef SecCertificateCopySubjectSummary(SecCertificateRef certificate);  macOS 10.6
//       "A CFStringRef which the caller should CFRelease() once it's no longer needed."
//   __nullable CF_RETURNS_RETAINED SecKeyRef SecCertificateCopyKey(SecCertificateRef certificate);
//       macOS 10.14; NULL when "the public key has an encoding issue or uses an unsupported algorithm".
// All four follow the Create/Copy rule: the result is +1 and goes into a CFRef at once. None
// has an error out-parameter, so a NULL is either an answer (the summary, the key: resolved
// null) or, where the header promises an object, errSecInternalComponent naming the call. None
// shows UI, but like every Security call they run on the security queue.
#include "calls.h"

#include "async_call.h"
#include "handles.h"
#include "marshal.h"

namespace sf {

namespace {

SecCertificateRef AsCertificate(const CFRef<CFTypeRef>& ref) {
  return static_cast<SecCertificateRef>(const_cast<void*>(ref.get()));
}

CFRef<CFTypeRef> Certificate(Napi::Env env, const Napi::Value& value) {
  return UnwrapHandle(env, value, "SecCertificate", "certificate");
}

// The result, or null for a NULL the header allows.
Napi::Value ConvertValue(Napi::Env env, Outcome& out) { return out.value ? FromCF(env, out.value.get()) : env.Null(); }

}  // namespace

Napi::Promise SecCertificateCreateWithDataJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecCertificateCreateWithData", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{ToCFData(env, info[0], "data")}; },
      [](Outcome& out, const CFRef<CFDataRef>& data) {
        SecCertificateRef certificate = SecCertificateCreateWithData(kCFAllocatorDefault, data.get());  // +1 or NULL
        // NULL is Apple's only answer for bytes that are not one DER X.509 certificate: the
        // argument was bad, so errSecParam naming it (there is no OSStatus to pass on).
        if (!certificate) return FailWithParam(out, "data: not a DER-encoded X.509 certificate");
        out.value = CFRef<CFTypeRef>::Adopt(certificate);
      },
      ConvertValue);
}

Napi::Promise SecCertificateCopyDataJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecCertificateCopyData", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Certificate(env, info[0])}; },
      [](Outcome& out, const CFRef<CFTypeRef>& certificate) {
        CFDataRef der = SecCertificateCopyData(AsCertificate(certificate));  // +1; non-NULL per the header
        if (!der) return FailWithCFError(out, nullptr, "SecCertificateCopyData");
        out.value = CFRef<CFTypeRef>::Adopt(der);
      },
      ConvertValue);
}

Napi::Promise SecCertificateCopySubjectSummaryJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecCertificateCopySubjectSummary", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Certificate(env, info[0])}; },
      [](Outcome& out, const CFRef<CFTypeRef>& certificate) {
        // NULL when the certificate has nothing to summarise: resolved null, not an error.
        out.value = CFRef<CFTypeRef>::Adopt(SecCertificateCopySubjectSummary(AsCertificate(certificate)));  // +1 or NULL
      },
      ConvertValue);
}

Napi::Promise SecCertificateCopyKeyJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecCertificateCopyKey", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{Certificate(env, info[0])}; },
      [](Outcome& out, const CFRef<CFTypeRef>& certificate) {
        // CF_RETURNS_RETAINED; NULL for a key Apple does not support: resolved null.
        out.value = CFRef<CFTypeRef>::Adopt(SecCertificateCopyKey(AsCertificate(certificate)));  // +1 or NULL
      },
      ConvertValue);
}

}  // namespace sf
