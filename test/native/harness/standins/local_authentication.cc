// Linux harness: a stand-in LAContext. Evaluations reply asynchronously on a thread of their
// own (as LocalAuthentication does, on a private queue) or, when a test asks, on the calling
// thread before the method returns; -invalidate cancels a running evaluation with
// LAErrorAppCancel, and an invalidated context answers LAErrorInvalidContext at once. Like
// the real framework it raises NSInvalidArgumentException for an unknown policy or an empty
// reason. Faults: "LAContext.canEvaluatePolicy", "LAContext.evaluatePolicy",
// "LAContext.evaluateAccessControl" and "LAContext.set" (every property setter).
#include "faults.h"
#include "model.h"
#include "objc_runtime.h"

#include <Block.h>

#include <chrono>
#include <thread>

using namespace standin;

namespace {

constexpr long kLAErrorUserCancel = -2;
constexpr long kLAErrorAppCancel = -9;
constexpr long kLAErrorInvalidContext = -10;
constexpr long kLAErrorBiometryNotAvailable = -6;
constexpr long kLAErrorNotInteractive = -1004;

struct Context : Object {
  std::atomic<bool> invalidated{false};
  std::atomic<bool> interactionNotAllowed{false};
  double reuseDuration = 0;
  CFTypeRef reason = nullptr, cancelTitle = nullptr, fallbackTitle = nullptr;  // retained
  ~Context() {
    for (CFTypeRef p : {reason, cancelTitle, fallbackTitle}) {
      if (p) CFRelease(p);
    }
  }
};

STANDIN_CLASS Class gContextMetaclass{nullptr, "LAContext class", kNone, {}, nullptr};
STANDIN_CLASS Class gContextClassObject{&gContextMetaclass, "LAContext", kNone, {}, nullptr};

CFStringRef gDomain = [] {
  String* s = MakeString(Utf16("com.apple.LocalAuthentication"));
  MakeImmortal(s);
  return reinterpret_cast<CFStringRef>(s);
}();

using Reply = void (^)(bool success, void* error);

void CheckPolicy(long policy) {
  // LAPolicy 1…5 exist; macOS raises for the others (and, on macOS, for 5: wrist detection).
  if (policy < 1 || policy > 5) RaiseException("NSInvalidArgumentException", "Unknown policy");
}

void CheckReason(String* reason) {
  if (!reason || reason->units.empty()) {
    RaiseException("NSInvalidArgumentException", "Non-empty localizedReason must be provided.");
  }
}

// Sends `reply` its answer: on this thread now, or on another thread later.
void Answer(Context* context, const char* function, Reply reply) {
  Fault fault;
  bool faulted = TakeFault(function, fault);
  if (faulted && !fault.raise.empty()) RaiseException(fault.raise.c_str(), "raised by the harness");
  if (context->invalidated) {
    Error* e = MakeError(gDomain, kLAErrorInvalidContext, "The context has been invalidated.");
    reply(false, e);
    CFRelease(e);
    return;
  }
  auto decide = [context, fault, faulted](bool& success, Ref& error) {
    success = faulted && fault.success;
    if (success) return;
    if (faulted && fault.error) {
      error = fault.error;
    } else if (faulted && fault.returnNull) {
      error = Ref();  // NO without an NSError
    } else {
      long code = context->invalidated ? kLAErrorAppCancel : context->interactionNotAllowed ? kLAErrorNotInteractive : kLAErrorUserCancel;
      const char* text = code == kLAErrorAppCancel ? "Canceled by another authentication."
                         : code == kLAErrorNotInteractive ? "User interaction is required."
                                                          : "Canceled by user.";
      error = Ref::Adopt(MakeError(gDomain, code, text));
    }
  };
  if (faulted && fault.replyOn == "caller") {
    bool success = false;
    Ref error;
    decide(success, error);
    reply(success, const_cast<void*>(error.get()));
    return;
  }
  int delay = faulted && fault.delayMs > 0 ? fault.delayMs : 5;
  auto copied = reinterpret_cast<Reply>(_Block_copy(reply));
  CFRetain(context);
  std::thread([context, copied, decide, delay] {
    std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    bool success = false;
    Ref error;
    decide(success, error);
    copied(success, const_cast<void*>(error.get()));
    _Block_release(copied);
    CFRelease(context);
  }).detach();
}

void* Alloc(void*, Selector*) { return New<Context>(&gLAContextClass); }
void* Init(Context* c, Selector*) { return c; }

bool CanEvaluatePolicy(Context* c, Selector*, long policy, void** error) {
  CheckPolicy(policy);
  Fault fault;
  if (TakeFault("LAContext.canEvaluatePolicy", fault)) {
    if (!fault.raise.empty()) RaiseException(fault.raise.c_str(), "raised by the harness");
    if (fault.success) return true;
    if (error && fault.error) *error = Autorelease(const_cast<void*>(fault.error.copy()));
    return false;
  }
  // Out-parameters declared __autoreleasing: the caller does not own the error.
  if (error) *error = Autorelease(MakeError(gDomain, kLAErrorBiometryNotAvailable, "Biometry is not available on this device."));
  return false;
}
void EvaluatePolicy(Context* c, Selector*, long policy, String* reason, Reply reply) {
  CheckPolicy(policy);
  CheckReason(reason);
  // Recorded: whether the context forbade interaction when it was evaluated.
  NoteCall("LAContext.evaluatePolicy", c->interactionNotAllowed ? kCFBooleanTrue : kCFBooleanFalse);
  Answer(c, "LAContext.evaluatePolicy", reply);
}
void EvaluateAccessControl(Context* c, Selector*, void* accessControl, long operation, String* reason, Reply reply) {
  Expect(accessControl, kSecAccessControl, "-[LAContext evaluateAccessControl:operation:localizedReason:reply:]");
  if (operation < 0 || operation > 5) RaiseException("NSInvalidArgumentException", "Unknown operation");
  CheckReason(reason);
  Answer(c, "LAContext.evaluateAccessControl", reply);
}
void Invalidate(Context* c, Selector*) { c->invalidated = true; }

void SetterFault() {
  Fault fault;
  if (TakeFault("LAContext.set", fault) && !fault.raise.empty()) RaiseException(fault.raise.c_str(), "raised by the harness");
}
void Store(CFTypeRef& slot, String* value) {
  if (value) CFRetain(value);
  if (slot) CFRelease(slot);
  slot = value;
}
void* Reason(Context* c, Selector*) { return const_cast<void*>(c->reason); }
void SetReason(Context* c, Selector*, String* s) {
  SetterFault();
  CheckReason(s);
  Store(c->reason, s);
}
void* CancelTitle(Context* c, Selector*) { return const_cast<void*>(c->cancelTitle); }
void SetCancelTitle(Context* c, Selector*, String* s) {
  SetterFault();
  Store(c->cancelTitle, s);
}
void* FallbackTitle(Context* c, Selector*) { return const_cast<void*>(c->fallbackTitle); }
void SetFallbackTitle(Context* c, Selector*, String* s) {
  SetterFault();
  Store(c->fallbackTitle, s);
}
double ReuseDuration(Context* c, Selector*) { return c->reuseDuration; }
void SetReuseDuration(Context* c, Selector*, double d) {
  SetterFault();
  c->reuseDuration = d > 300 ? 300 : d;  // capped at LATouchIDAuthenticationMaximumAllowableReuseDuration
}
bool InteractionNotAllowed(Context* c, Selector*) { return c->interactionNotAllowed; }
void SetInteractionNotAllowed(Context* c, Selector*, bool value) {
  SetterFault();
  NoteCall("LAContext.interactionNotAllowed", value ? kCFBooleanTrue : kCFBooleanFalse);
  c->interactionNotAllowed = value;
}
long BiometryType(Context*, Selector*) { return 0; }

struct Register {
  Register() {
    auto m = [](auto f) { return reinterpret_cast<void*>(f); };
    gContextMetaclass.methods = {{"alloc", m(Alloc)}};
    gLAContextClass.methods = {
        {"init", m(Init)},
        {"canEvaluatePolicy:error:", m(CanEvaluatePolicy)},
        {"evaluatePolicy:localizedReason:reply:", m(EvaluatePolicy)},
        {"evaluateAccessControl:operation:localizedReason:reply:", m(EvaluateAccessControl)},
        {"invalidate", m(Invalidate)},
        {"localizedReason", m(Reason)},
        {"setLocalizedReason:", m(SetReason)},
        {"localizedCancelTitle", m(CancelTitle)},
        {"setLocalizedCancelTitle:", m(SetCancelTitle)},
        {"localizedFallbackTitle", m(FallbackTitle)},
        {"setLocalizedFallbackTitle:", m(SetFallbackTitle)},
        {"touchIDAuthenticationAllowableReuseDuration", m(ReuseDuration)},
        {"setTouchIDAuthenticationAllowableReuseDuration:", m(SetReuseDuration)},
        {"interactionNotAllowed", m(InteractionNotAllowed)},
        {"setInteractionNotAllowed:", m(SetInteractionNotAllowed)},
        {"biometryType", m(BiometryType)},
    };
  }
} gRegister;

}  // namespace

namespace standin {
STANDIN_CLASS Class gLAContextClass{nullptr, "LAContext", kLAContext, {}, Destroy<Context>};
}

extern "C" {
extern void* const LAErrorDomain;
void* const LAErrorDomain = const_cast<void*>(static_cast<const void*>(gDomain));
extern const double LATouchIDAuthenticationMaximumAllowableReuseDuration;
const double LATouchIDAuthenticationMaximumAllowableReuseDuration = 300;
}

Class* gLAContextReference __asm__("._OBJC_REF_CLASS_LAContext") = &gContextClassObject;
