// SecAccessControlCreateWithFlags (Security/SecAccessControl.h, API_AVAILABLE(macos(10.10))):
//   __nullable SecAccessControlRef SecAccessControlCreateWithFlags(CFAllocatorRef __nullable allocator,
//       CFTypeRef protection, SecAccessControlCreateFlags flags, CFErrorRef *error);
// SecAccessControlCreateFlags is CF_OPTIONS(CFOptionFlags, …): an unsigned long whose defined
// bits all fit in 32 (kSecAccessControlApplicationPassword is 1u << 31). The result is +1; a
// NULL result fills *error (+1).
#include "calls.h"

#include "handles.h"
#include "marshal.h"
#include "sec_queue.h"

namespace sf {

Napi::Value SecAccessControlCreateWithFlagsJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CFRef<CFStringRef> protection;
  int64_t flags = 0;
  try {
    // protection: one of the kSecAttrAccessible* values ("ak", "cku", …).
    protection = ToCFString(env, info[0], "protection");
    flags = ToInteger(env, info[1], "flags", 0, 0xFFFFFFFFll);
  } catch (const Napi::Error& e) {
    return RejectedPromise(env, e, "SecAccessControlCreateWithFlags");
  }
  return RunOnSecurityQueue(
      env, "SecAccessControlCreateWithFlags",
      [protection, flags](Outcome& out) {
        CFErrorRef error = nullptr;
        SecAccessControlRef access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault, protection.get(), static_cast<SecAccessControlCreateFlags>(flags), &error);  // +1 or NULL
        if (!access) return FailWithCFError(out, error, "SecAccessControlCreateWithFlags");
        out.value = CFRef<CFTypeRef>::Adopt(access);
      },
      [](Napi::Env env, Outcome& out) -> Napi::Value { return WrapHandle(env, out.value.get(), "SecAccessControl"); });
}

}  // namespace sf
