// Linux harness: the Objective-C runtime entry points clang emits for ARC code on the
// GNUstep-2.0 ABI (retain/release, autorelease pools, strong stores, message lookup for the
// objc_msgSend trampoline, class references), and Objective-C exceptions. Autorelease pools
// are per thread; an object autoreleased with no pool is counted, because on a Mac it would
// leak (Node's JavaScript thread has no pool of its own).
#include "objc_runtime.h"

#include <cstdio>
#include <cstring>
#include <cxxabi.h>
#include <typeinfo>

namespace standin {

namespace {
thread_local std::vector<Object*> tPool;
thread_local int tDepth = 0;
}  // namespace

void* Autorelease(void* object) {
  if (!object) return object;
  if (tDepth == 0) {
    NotePoollessAutorelease();
  } else {
    tPool.push_back(O(object));
  }
  return object;
}

}  // namespace standin

// GNUstep's C++ type_info for Objective-C classes. clang's @catch (NSException* e) in
// Objective-C++ names `__objc_eh_typeinfo_NSException`, a type_info whose vtable is this
// class's; libstdc++'s personality asks it (via __do_catch) whether a thrown type matches.
namespace gnustep::libobjc {
struct __objc_class_type_info : std::type_info {
  explicit __objc_class_type_info(const char* name) : std::type_info(name) {}
  ~__objc_class_type_info() override;
  bool __is_pointer_p() const override { return true; }  // an Objective-C exception is an object pointer
  bool __do_catch(const std::type_info* thrown, void** object, unsigned) const override;
};
__objc_class_type_info::~__objc_class_type_info() = default;
// Only NSException is ever raised here: a catch for NSException, or for the class thrown,
// matches. (`id` catch-alls are not used by native/.)
bool __objc_class_type_info::__do_catch(const std::type_info* thrown, void**, unsigned) const {
  const auto* objc = dynamic_cast<const __objc_class_type_info*>(thrown);
  return objc && (strcmp(name(), "NSException") == 0 || strcmp(name(), objc->name()) == 0);
}
}  // namespace gnustep::libobjc

namespace standin {

namespace {
gnustep::libobjc::__objc_class_type_info gNSExceptionTypeInfo("NSException");

struct ExceptionObject : Object {
  CFStringRef name = nullptr;
  CFStringRef reason = nullptr;
  ~ExceptionObject() {
    CFRelease(name);
    CFRelease(reason);
  }
};
}  // namespace

STANDIN_CLASS Class gExceptionClass{nullptr, "NSException", kException, {}, Destroy<ExceptionObject>};

void RaiseException(const char* name, const char* reason) {
  auto* exception = New<ExceptionObject>(&gExceptionClass);
  exception->name = MakeCFString(name);
  exception->reason = MakeCFString(reason);
  // The thrown C++ object is the pointer; the exception's destructor drops its +1.
  void** slot = static_cast<void**>(__cxxabiv1::__cxa_allocate_exception(sizeof(void*)));
  *slot = exception;
  __cxxabiv1::__cxa_throw(slot, &gNSExceptionTypeInfo, [](void* thrown) -> void {
    CFRelease(*static_cast<void**>(thrown));
  });
}

namespace {
void* ExceptionName(ExceptionObject* e, Selector*) { return const_cast<void*>(static_cast<const void*>(e->name)); }
void* ExceptionReason(ExceptionObject* e, Selector*) { return const_cast<void*>(static_cast<const void*>(e->reason)); }
struct RegisterException {
  RegisterException() {
    gExceptionClass.methods = {{"name", reinterpret_cast<void*>(ExceptionName)},
                               {"reason", reinterpret_cast<void*>(ExceptionReason)}};
  }
} gRegisterException;
}  // namespace

}  // namespace standin

using namespace standin;

extern "C" {

// Called by the objc_msgSend trampoline: the implementation for `selector` on `self`'s class.
void* standin_lookup(Object* self, Selector* selector) {
  auto& methods = self->isa->methods;
  auto found = methods.find(selector->name);
  if (found == methods.end()) {
    fprintf(stderr, "-[%s %s]: unrecognized selector sent to instance\n", self->isa->name, selector->name);
    Die("unrecognized selector (NSInvalidArgumentException)");
  }
  return found->second;
}

void* objc_retain(void* object) {
  if (object && O(object)->rc < kImmortal / 2) O(object)->rc++;
  return object;
}
void objc_release(void* object) {
  if (!object || O(object)->rc >= kImmortal / 2) return;
  long count = --O(object)->rc;
  if (count == 0) {
    if (!O(object)->isa->destroy) Die("release of an object that cannot be destroyed");
    O(object)->isa->destroy(O(object));
  } else if (count < 0) {
    Die("over-release");
  }
}
void* objc_autorelease(void* object) { return Autorelease(object); }
void* objc_autoreleaseReturnValue(void* object) { return Autorelease(object); }
void* objc_retainAutoreleasedReturnValue(void* object) { return objc_retain(object); }
void* objc_retainAutoreleaseReturnValue(void* object) { return Autorelease(objc_retain(object)); }
void* objc_retainAutorelease(void* object) { return Autorelease(objc_retain(object)); }
void objc_storeStrong(void** location, void* value) {
  objc_retain(value);
  void* old = *location;
  *location = value;
  objc_release(old);
}
void* objc_autoreleasePoolPush(void) {
  tDepth++;
  return reinterpret_cast<void*>(tPool.size() + 1);
}
void objc_autoreleasePoolPop(void* token) {
  size_t mark = reinterpret_cast<size_t>(token) - 1;
  while (tPool.size() > mark) {
    Object* object = tPool.back();
    tPool.pop_back();
    objc_release(object);
  }
  tDepth--;
}
// The GNUstep-2.0 ABI registers each object file's classes, selectors and strings with the
// runtime at load; the stand-in resolves classes through the references below instead.
void __objc_load(void*) {}

struct _Unwind_Exception;
struct _Unwind_Context;
int __gxx_personality_v0(int, int, uint64_t, _Unwind_Exception*, _Unwind_Context*);
// Objective-C++ frames use GNUstep's personality; on this ABI Objective-C exceptions are C++
// exceptions, so libstdc++'s personality does the work.
int __gnustep_objcxx_personality_v0(int version, int actions, uint64_t klass, _Unwind_Exception* exception,
                                    _Unwind_Context* context) {
  return __gxx_personality_v0(version, actions, klass, exception, context);
}

}  // extern "C"
