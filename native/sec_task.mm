// One entitlement of the running process (Security/SecTask.h, macOS 14.2 SDK, macOS 10.7), for
// diagnose():
//   SecTaskRef SecTaskCreateFromSelf(CFAllocatorRef __nullable allocator);
//       "The newly created SecTask object or NULL on error. The caller must CFRelease the returned object."
//   __nullable CFTypeRef SecTaskCopyValueForEntitlement(SecTaskRef task, CFStringRef entitlement, CFErrorRef *error);
//       "The caller must release the returned object." "A NULL return may indicate an error, or
//       it may indicate that the entitlement is simply not present. In the latter case, no
//       CFError is returned."
// So NULL with a CFError (+1, released by FailWithCFError) rejects, and NULL without one
// resolves null: the process does not have the entitlement. The value is a property list
// (an array of strings for keychain-access-groups, a string for application-identifier).
// Nothing here prompts.
#include "calls.h"

#include "async_call.h"
#include "marshal.h"

namespace sf {

Napi::Promise SecTaskCopyValueForEntitlementJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "SecTaskCopyValueForEntitlement", OnQueue{SecurityQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) { return std::tuple{ToCFString(env, info[0], "entitlement")}; },
      [](Outcome& out, const CFRef<CFStringRef>& entitlement) {
        CFRef<SecTaskRef> task = CFRef<SecTaskRef>::Adopt(SecTaskCreateFromSelf(kCFAllocatorDefault));  // +1 or NULL
        if (!task) return FailInternally(out, "SecTaskCreateFromSelf returned NULL");
        CFErrorRef error = nullptr;
        CFTypeRef value = SecTaskCopyValueForEntitlement(task.get(), entitlement.get(), &error);  // +1 or NULL
        CFRef<CFTypeRef> owned = CFRef<CFTypeRef>::Adopt(value);
        if (!owned && error) return FailWithCFError(out, error, "SecTaskCopyValueForEntitlement");
        if (error) CFRelease(error);  // a value and an error: the value is the answer
        out.value = owned;
      },
      [](Napi::Env env, Outcome& out) -> Napi::Value { return out.value ? FromCF(env, out.value.get()) : env.Null(); });
}

}  // namespace sf
