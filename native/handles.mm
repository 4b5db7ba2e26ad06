#include "handles.h"

namespace sf {

namespace {

// Marks objects made by this class, so that an object another addon wrapped cannot pass for a
// handle even with NativeHandle.prototype as its prototype (the wrap slot is shared).
const napi_type_tag kHandleTag = {0x5ecf4a3e1d2b4c07ULL, 0x9a61c3b2e8d70f15ULL};

class NativeHandle : public Napi::ObjectWrap<NativeHandle> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "NativeHandle",
                       {
                           InstanceAccessor<&NativeHandle::Kind>("kind"),
                           InstanceAccessor<&NativeHandle::Released>("released"),
                           InstanceMethod<&NativeHandle::Release>("release"),
                       });
  }

  // new NativeHandle(external, kind). Only native code can make an External, so JavaScript
  // cannot forge a handle around an arbitrary pointer.
  explicit NativeHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeHandle>(info) {
    if (info.Length() < 2 || !info[0].IsExternal() || !info[1].IsString()) {
      throw Napi::TypeError::New(info.Env(), "native handles are created by the library");
    }
    ref_ = CFRef<CFTypeRef>::Retain(static_cast<CFTypeRef>(info[0].As<Napi::External<void>>().Data()));
    kind_ = info[1].As<Napi::String>().Utf8Value();
    info.This().As<Napi::Object>().TypeTag(&kHandleTag);
  }

  // A retained copy for a job; empty after release().
  CFRef<CFTypeRef> ref() const { return ref_; }
  const std::string& kind() const { return kind_; }

 private:
  Napi::Value Kind(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kind_); }
  Napi::Value Released(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !ref_); }
  Napi::Value Release(const Napi::CallbackInfo& info) {
    ref_ = CFRef<CFTypeRef>();  // drops our retain now; jobs hold their own
    return info.Env().Undefined();
  }

  CFRef<CFTypeRef> ref_;  // released by the destructor, which the GC finalizer runs
  std::string kind_;
};

NativeHandle* AsHandle(Napi::Env env, const Napi::Value& value) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (!data || !value.IsObject()) return nullptr;
  Napi::Object object = value.As<Napi::Object>();
  if (!object.InstanceOf(data->handleConstructor.Value()) || !object.CheckTypeTag(&kHandleTag)) return nullptr;
  // Object.create(NativeHandle.prototype) passes InstanceOf but wraps nothing. napi_unwrap
  // (called directly: ObjectWrap::Unwrap would throw) then fails without raising, and such an
  // object is simply not a handle.
  NativeHandle* handle = nullptr;
  void* raw = nullptr;
  if (napi_unwrap(env, object, &raw) == napi_ok) handle = static_cast<NativeHandle*>(raw);
  return handle;
}

}  // namespace

Napi::Function DefineHandleClass(Napi::Env env) { return NativeHandle::Define(env); }

std::string KindOf(CFTypeRef object) {
  CFTypeID type = CFGetTypeID(object);
  if (type == SecKeyGetTypeID()) return "SecKey";
  if (type == SecCertificateGetTypeID()) return "SecCertificate";
  if (type == SecIdentityGetTypeID()) return "SecIdentity";
  if (type == SecAccessControlGetTypeID()) return "SecAccessControl";
  // What kSecReturnRef gives for a password in the file-based keychain. SecKeychainItem's
  // functions are deprecated, but its type ID is the only exact way to recognise one.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
  if (type == SecKeychainItemGetTypeID()) return "SecKeychainItem";
#pragma clang diagnostic pop
  return {};
}

Napi::Object WrapHandle(Napi::Env env, CFTypeRef object, const std::string& kind) {
  AddonData* data = env.GetInstanceData<AddonData>();
  // The constructor takes its own retain; the caller's reference is untouched.
  return data->handleConstructor.New(
      {Napi::External<void>::New(env, const_cast<void*>(object)), Napi::String::New(env, kind)});
}

bool IsHandle(Napi::Env env, const Napi::Value& value) { return AsHandle(env, value) != nullptr; }

CFRef<CFTypeRef> UnwrapHandle(Napi::Env env, const Napi::Value& value, const char* kind, const std::string& what) {
  NativeHandle* handle = AsHandle(env, value);
  if (!handle) throw ParamError(env, what + ": expected a " + (kind ? kind : std::string("native")) + " handle");
  if (kind && handle->kind() != kind) {
    throw ParamError(env, what + ": expected a " + kind + " handle, got a " + handle->kind());
  }
  CFRef<CFTypeRef> ref = handle->ref();
  if (!ref) throw ParamError(env, what + ": the " + handle->kind() + " handle was released");
  return ref;
}

CFRef<CFTypeRef> UnwrapItemReference(Napi::Env env, const Napi::Value& value, const std::string& what) {
  static const char* const kItemKinds = "a SecKey, SecCertificate, SecIdentity or SecKeychainItem handle";
  NativeHandle* handle = AsHandle(env, value);
  if (!handle) throw ParamError(env, what + ": expected " + kItemKinds);
  const std::string& kind = handle->kind();
  if (kind != "SecKey" && kind != "SecCertificate" && kind != "SecIdentity" && kind != "SecKeychainItem") {
    throw ParamError(env, what + ": expected " + kItemKinds + ", got a " + kind);
  }
  CFRef<CFTypeRef> ref = handle->ref();
  if (!ref) throw ParamError(env, what + ": the " + kind + " handle was released");
  return ref;
}

LAContext* UnwrapContext(Napi::Env env, const Napi::Value& value, const std::string& what) {
  CFRef<CFTypeRef> ref = UnwrapHandle(env, value, "LAContext", what);
  // The handle holds the context's retain (CFBridgingRetain in la_context.mm); __bridge gives
  // ARC a strong reference of its own for as long as the caller keeps it.
  return (__bridge LAContext*)ref.get();
}

}  // namespace sf
