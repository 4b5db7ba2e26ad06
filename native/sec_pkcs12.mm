// SecPKCS12Import (Security/SecImportExport.h, macOS 14.2 SDK, macOS 10.6):
//   OSStatus SecPKCS12Import(CFDataRef pkcs12_data, CFDictionaryRef options,
//       CFArrayRef * __nonnull CF_RETURNS_RETAINED items);
// "Your code must CFRelease the array when it is no longer needed": +1, adopted at once, also
// on a failed status. "errSecDecode means either the blob can't be read or it is malformed.
// errSecAuthFailed means an incorrect password was supplied, or data in the container is
// damaged." Both reach JavaScript as the status.
//
// Options pass through as a dictionary: kSecImportExportPassphrase ("passphrase", a CFString)
// and whatever else the caller sets. kSecImportToMemoryOnly ("memory") is not declared by the
// macOS 14.2 SDK this addon is built against (it is macOS 15), so the addon does not name the
// symbol; a "memory" key still reaches the framework as an equal CFString, which a dictionary
// lookup finds on macOS 15, and which older systems ignore. On macOS the imported items are
// otherwise added to the default keychain, which may prompt: the call runs on the security queue.
//
// Each element of `items` is a CFDictionary keyed by kSecImportItemLabel, kSecImportItemKeyID,
// kSecImportItemCertChain (a CFArray of SecCertificate), kSecImportItemIdentity and
// kSecImportItemTrust. SecTrust is not bound, so the trust is taken out of each dictionary here,
// off the JavaScript thread: each dictionary is copied (CFDictionaryCreateMutableCopy, +1) and
// the trust removed from the copy, which releases the copy's retain of it; the framework's own
// array, and with it the trust, is released when `owned` goes out of scope.
#include "calls.h"

#include "async_call.h"
#include "marshal.h"

namespace sf {

namespace {

// A new array (+1) of the items without kSecImportItemTrust. Elements that are not
// dictionaries are kept as they are (conversion reports any type it does not know).
CFRef<CFTypeRef> WithoutTrust(CFArrayRef items) {
  CFIndex count = CFArrayGetCount(items);
  CFMutableArrayRef out = CFArrayCreateMutable(kCFAllocatorDefault, count, &kCFTypeArrayCallBacks);  // +1
  CFRef<CFTypeRef> holder = CFRef<CFTypeRef>::Adopt(out);
  for (CFIndex i = 0; i < count; i++) {
    CFTypeRef item = CFArrayGetValueAtIndex(items, i);  // Get rule
    if (!item || CFGetTypeID(item) != CFDictionaryGetTypeID()) {
      if (item) CFArrayAppendValue(out, item);  // the array retains it
      continue;
    }
    CFRef<CFMutableDictionaryRef> copy = CFRef<CFMutableDictionaryRef>::Adopt(
        CFDictionaryCreateMutableCopy(kCFAllocatorDefault, 0, static_cast<CFDictionaryRef>(item)));  // +1
    CFDictionaryRemoveValue(copy.get(), kSecImportItemTrust);  // the copy drops its retain of the trust
    CFArrayAppendValue(out, copy.get());
  }
  return holder;
}

Napi::Value ConvertItems(Napi::Env env, Outcome& out) {
  return out.value ? FromCF(env, out.value.get()) : Napi::Array::New(env);
}

}  // namespace

Napi::Promise SecPKCS12ImportJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecPKCS12Import", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{ToCFData(env, info[0], "pkcs12Data"), ToCFDictionary(env, info[1], "options")};
      },
      [](Outcome& out, const CFRef<CFDataRef>& pkcs12Data, const CFRef<CFDictionaryRef>& options) {
        CFArrayRef items = nullptr;
        OSStatus status = SecPKCS12Import(pkcs12Data.get(), options.get(), &items);
        CFRef<CFArrayRef> owned = CFRef<CFArrayRef>::Adopt(items);  // +1 or NULL
        if (status != errSecSuccess) return FailWithStatus(out, status);
        if (!owned) return;  // success with nothing to return: an empty array
        if (CFGetTypeID(owned.get()) != CFArrayGetTypeID()) return FailInternally(out, "SecPKCS12Import returned no array");
        out.value = WithoutTrust(owned.get());
      },
      ConvertItems);
}

}  // namespace sf
