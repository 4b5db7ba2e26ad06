// LAContext (LocalAuthentication/LAContext.h):
//   - (BOOL)canEvaluatePolicy:(LAPolicy)policy error:(NSError * __autoreleasing *)error;
//   - (void)evaluatePolicy:(LAPolicy)policy localizedReason:(NSString *)localizedReason
//                    reply:(void (^)(BOOL success, NSError * __nullable error))reply;
//   - (void)evaluateAccessControl:(SecAccessControlRef)accessControl operation:(LAAccessControlOperation)operation
//                 localizedReason:(NSString *)localizedReason reply:(void (^)(BOOL success, NSError * __nullable error))reply;
//   - (void)invalidate;
//   @property (nonatomic, nullable, copy) NSString *localizedFallbackTitle;
//   @property (nonatomic, nullable, copy) NSString *localizedCancelTitle;
//   @property (nonatomic) NSTimeInterval touchIDAuthenticationAllowableReuseDuration;
//   @property (nonatomic, copy) NSString *localizedReason;
//   @property (nonatomic) BOOL interactionNotAllowed;
//   @property (nonatomic, readonly) LABiometryType biometryType;
// ARC owns the LAContext. A handle keeps it alive through one CFBridgingRetain (+1 handed to
// the handle's CFRef, released with the handle); blocks and lambdas that use it capture a
// strong pointer, so a context cannot be deallocated during an evaluation.
//
// evaluatePolicy and evaluateAccessControl are asynchronous: they are called on the JavaScript
// thread and return at once; the reply block runs on a private framework queue and settles
// the Promise through a thread-safe function. canEvaluatePolicy runs on its own serial queue,
// never inside a reply (Apple: that deadlocks). Property access is immediate.
//
// LocalAuthentication raises Objective-C exceptions for misuse it detects (an unknown policy,
// an empty reason, …). The addon checks what it knows of before calling, and catches the rest:
// an exception escaping a call on the JavaScript thread would end the process, so each becomes
// errSecInternalComponent naming the call and the exception.
#include "calls.h"

#include "async_call.h"
#include "handles.h"
#include "marshal.h"

#include <cmath>

namespace sf {

namespace {

// The LAPolicy values macOS knows: LAPolicyDeviceOwnerAuthenticationWithBiometrics (1) …
// LAPolicyDeviceOwnerAuthenticationWithBiometricsOrWatch (4). Others (5, wrist detection, is
// watchOS-only) make LocalAuthentication raise "Unknown policy", an Objective-C exception that
// would end the process, so they are errSecParam here, before the framework sees them.
constexpr int64_t kMinPolicy = 1;
constexpr int64_t kMaxPolicy = 4;

// Runs a property access; an exception becomes a thrown errSecInternalComponent.
template <typename Access>
void Guarded(Napi::Env env, const std::string& property, Access access) {
  std::string failure;
  @try {
    access();
  } @catch (NSException* exception) {
    failure = DescribeRaised("LAContext." + property, exception);
  }
  if (!failure.empty()) throw InternalError(env, "LAContext." + property, failure);
}

}  // namespace

Napi::Value LAContextCreateJS(const Napi::CallbackInfo& info) {
  return WithAutoreleasePool([&]() -> Napi::Value {
    Napi::Env env = info.Env();
    LAContext* context = [[LAContext alloc] init];
    // CFBridgingRetain gives CF one retain of its own (+1), adopted here; the handle takes its
    // own retain in its constructor, and this CFRef drops ours on return.
    CFRef<CFTypeRef> ref = CFRef<CFTypeRef>::Adopt(CFBridgingRetain(context));
    return WrapHandle(env, ref.get(), "LAContext");
  });
}

Napi::Promise LAContextCanEvaluatePolicyJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "LAContext.canEvaluatePolicy", OnQueue{AuthenticationQueue()},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{UnwrapContext(env, info[0], "context"), ToInteger(env, info[1], "policy", kMinPolicy, kMaxPolicy)};
      },
      [](Outcome& out, LAContext* context, int64_t policy) {
        NSError* error = nil;
        @try {
          out.flag = [context canEvaluatePolicy:static_cast<LAPolicy>(policy) error:&error];
        } @catch (NSException* exception) {
          return FailInternally(out, DescribeRaised("LAContext.canEvaluatePolicy", exception));
        }
        if (!out.flag && error) {
          // NO is an answer, not a failure: the Promise resolves with the LAError code.
          out.domain = ToStd(error.domain);
          out.code = static_cast<long>(error.code);
          out.message = ToUtf16(error.localizedDescription);
        }
      },
      [](Napi::Env env, Outcome& out) -> Napi::Value {
        Napi::Object result = Napi::Object::New(env);
        result.Set("ok", Napi::Boolean::New(env, out.flag));
        if (!out.flag && !out.domain.empty()) {
          result.Set("code", Napi::Number::New(env, static_cast<double>(out.code)));
          result.Set("message", Napi::String::New(env, out.message));
        }
        return result;
      });
}

// The two evaluations start on the JavaScript thread and reply on a framework queue. Each
// reply block captures the context (strongly), so it cannot be deallocated mid-evaluation.
Napi::Promise LAContextEvaluatePolicyJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "LAContext.evaluatePolicy", ByReply{},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{UnwrapContext(env, info[0], "context"), ToInteger(env, info[1], "policy", kMinPolicy, kMaxPolicy),
                          // An empty reason raises inside the framework.
                          ToReason(env, info[2], "localizedReason")};
      },
      [](Reply reply, LAContext* context, int64_t policy, NSString* reason) {
        [context evaluatePolicy:static_cast<LAPolicy>(policy)
                localizedReason:reason
                          reply:^(BOOL success, NSError* error) {
                            (void)context;  // captured strongly: the context outlives the evaluation
                            reply(success, error);
                          }];
      },
      ConvertNothing);
}

Napi::Promise LAContextEvaluateAccessControlJS(const Napi::CallbackInfo& info) {
  return AsyncCall(
      info, "LAContext.evaluateAccessControl", ByReply{},
      [](Napi::Env env, const Napi::CallbackInfo& info) {
        return std::tuple{UnwrapContext(env, info[0], "context"),
                          UnwrapHandle(env, info[1], "SecAccessControl", "accessControl"),
                          // LAAccessControlOperation: CreateItem (0) … UseKeyKeyExchange (5).
                          ToInteger(env, info[2], "operation", LAAccessControlOperationCreateItem,
                                    LAAccessControlOperationUseKeyKeyExchange),
                          ToReason(env, info[3], "localizedReason")};
      },
      [](Reply reply, LAContext* context, CFRef<CFTypeRef> access, int64_t operation, NSString* reason) {
        SecAccessControlRef accessControl = static_cast<SecAccessControlRef>(const_cast<void*>(access.get()));
        [context evaluateAccessControl:accessControl
                             operation:static_cast<LAAccessControlOperation>(operation)
                       localizedReason:reason
                                 reply:^(BOOL success, NSError* error) {
                                   (void)context;  // kept alive until the reply
                                   (void)access;   // the CFRef copy keeps the access control alive too
                                   reply(success, error);
                                 }];
      },
      ConvertNothing);
}

Napi::Value LAContextGetJS(const Napi::CallbackInfo& info) {
  return WithAutoreleasePool([&]() -> Napi::Value {
    Napi::Env env = info.Env();
    LAContext* context = UnwrapContext(env, info[0], "context");
    if (!info[1].IsString()) throw ParamError(env, "property: expected a property name");
    std::string property = info[1].As<Napi::String>().Utf8Value();
    if (property == "biometryType") return Napi::Number::New(env, static_cast<double>(context.biometryType));
    if (property == "touchIDAuthenticationAllowableReuseDuration") {
      return Napi::Number::New(env, context.touchIDAuthenticationAllowableReuseDuration);
    }
    if (property == "localizedReason") return FromNSString(env, context.localizedReason);
    if (property == "localizedCancelTitle") return FromNSString(env, context.localizedCancelTitle);
    if (property == "localizedFallbackTitle") return FromNSString(env, context.localizedFallbackTitle);
    if (property == "interactionNotAllowed") return Napi::Boolean::New(env, context.interactionNotAllowed);
    throw ParamError(env, "property: LAContext has no property \"" + property + "\"");
  });
}

Napi::Value LAContextSetJS(const Napi::CallbackInfo& info) {
  return WithAutoreleasePool([&]() -> Napi::Value {
    Napi::Env env = info.Env();
    LAContext* context = UnwrapContext(env, info[0], "context");
    if (!info[1].IsString()) throw ParamError(env, "property: expected a property name");
    std::string property = info[1].As<Napi::String>().Utf8Value();
    Napi::Value value = info[2];
    if (property == "touchIDAuthenticationAllowableReuseDuration") {
      if (!value.IsNumber() || !std::isfinite(value.As<Napi::Number>().DoubleValue()) ||
          value.As<Napi::Number>().DoubleValue() < 0) {
        throw ParamError(env, property + ": expected a number of seconds, 0 or more");
      }
      // The framework caps it at LATouchIDAuthenticationMaximumAllowableReuseDuration itself.
      double seconds = value.As<Napi::Number>().DoubleValue();
      Guarded(env, property, [&] { context.touchIDAuthenticationAllowableReuseDuration = seconds; });
    } else if (property == "interactionNotAllowed") {
      if (!value.IsBoolean()) throw ParamError(env, property + ": expected a boolean");
      BOOL flag = value.As<Napi::Boolean>().Value() ? YES : NO;
      Guarded(env, property, [&] { context.interactionNotAllowed = flag; });
    } else if (property == "localizedReason") {
      // Declared nonnull, and an empty reason makes LocalAuthentication raise: a non-empty string.
      NSString* reason = ToReason(env, value, property);
      Guarded(env, property, [&] { context.localizedReason = reason; });
    } else if (property == "localizedCancelTitle" || property == "localizedFallbackTitle") {
      // Declared nullable: null restores the system's title.
      if (!value.IsString() && !value.IsNull()) throw ParamError(env, property + ": expected a string or null");
      NSString* title = value.IsNull() ? nil : ToNSString(value.As<Napi::String>());
      Guarded(env, property, [&] {
        if (property == "localizedCancelTitle") {
          context.localizedCancelTitle = title;
        } else {
          context.localizedFallbackTitle = title;
        }
      });
    } else {
      throw ParamError(env, "property: \"" + property + "\" is not a settable LAContext property");
    }
    return env.Undefined();
  });
}

Napi::Value LAContextInvalidateJS(const Napi::CallbackInfo& info) {
  return WithAutoreleasePool([&]() -> Napi::Value {
    Napi::Env env = info.Env();
    LAContext* context = UnwrapContext(env, info[0], "context");
    // Cancels a running evaluation (its reply gets LAErrorAppCancel); the context cannot be
    // evaluated again (LAErrorInvalidContext). Never called from a finalizer: garbage collection
    // must not cancel a prompt the user is looking at.
    [context invalidate];
    return env.Undefined();
  });
}

}  // namespace sf
