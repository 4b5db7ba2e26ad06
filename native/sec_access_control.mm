// SecAccessControlCreateWithFlags (Security/SecAccessControl.h, API_AVAILABLE(macos(10.10))):
//   __nullable SecAccessControlRef SecAccessControlCreateWithFlags(CFAllocatorRef __nullable allocator,
//       CFTypeRef protection, SecAccessControlCreateFlags flags, CFErrorRef *error);
// SecAccessControlCreateFlags is CF_OPTIONS(CFOptionFlags, …): an unsigned long whose defined
// bits all fit in 32 (kSecAccessControlApplicationPassword is 1u << 31). The result is +1; a
// NULL result fills *error (+1).
#include "calls.h"

#include "async_call.h"
#include "handles.h"
#include "marshal.h"

namespace sf {

Napi::Promise SecAccessControlCreateWithFlagsJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecAccessControlCreateWithFlags", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        // protection: one of the kSecAttrAccessible* values ("ak", "cku", …).
        return std::tuple{ToCFString(env, info[0], "protection"), ToInteger(env, info[1], "flags", 0, 0xFFFFFFFFll)};
      },
      [](Outcome& out, const CFRef<CFStringRef>& protection, int64_t flags) {
        CFErrorRef error = nullptr;
        SecAccessControlRef access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault, protection.get(), static_cast<SecAccessControlCreateFlags>(flags), &error);  // +1 or NULL
        if (!access) return FailWithCFError(out, error, "SecAccessControlCreateWithFlags");
        out.value = CFRef<CFTypeRef>::Adopt(access);
      },
      [](Napi::Env env, Outcome& out) -> Napi::Value { return WrapHandle(env, out.value.get(), "SecAccessControl"); });
}

}  // namespace sf
