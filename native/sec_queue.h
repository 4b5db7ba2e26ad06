// Where framework calls run. Security calls may block until the user answers a prompt, so none
// runs on the JavaScript thread (in Electron's main process that thread is the Cocoa main
// thread). Each runs as a block on a private serial dispatch queue — Apple asks that such
// calls be serialized rather than issued concurrently — and its outcome comes back to the
// JavaScript thread through a thread-safe function that settles a Promise.
#pragma once

#include "common.h"

#include <dispatch/dispatch.h>

#include <functional>
#include <mutex>

namespace sf {

// The one serial queue for Security calls (SecItem, SecKey, SecAccessControl).
dispatch_queue_t SecurityQueue();
// A separate serial queue for LAContext queries that never show UI (canEvaluatePolicy), so
// they do not wait behind a keychain call that is waiting for the user.
dispatch_queue_t AuthenticationQueue();

// Settles one Promise from any thread, exactly once. Made on the JavaScript thread; Deliver()
// may be called from a dispatch queue or a framework reply block.
class Completion {
 public:
  // Convert: Napi::Value(Napi::Env, Outcome&) — runs on the JavaScript thread.
  using Convert = std::function<Napi::Value(Napi::Env, Outcome&)>;

  // Creates the thread-safe function; call it last on the JavaScript thread, right before
  // handing the Completion to another thread, so nothing can throw in between and leave a
  // thread-safe function that is never released (it would keep the process alive).
  Completion(Napi::Env env, const char* operation, Convert convert)
      : deferred_(Napi::Promise::Deferred::New(env)),
        operation_(operation),
        convert_(std::move(convert)),
        state_(std::make_shared<State>()) {
    // The finalizer runs when the function is gone — also when a worker thread or an Electron
    // renderer ends while this call is pending; Node versions before 24.14 free the function
    // then even though this thread still holds it. After that, Deliver() must not touch it.
    auto* keep = new std::shared_ptr<State>(state_);
    tsfn_ = Napi::ThreadSafeFunction::New(
        env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), operation, 0, 1,
        [](Napi::Env, std::shared_ptr<State>* state) {
          {
            std::lock_guard<std::mutex> lock((*state)->mutex);
            (*state)->finalized = true;
          }
          delete state;
        },
        keep);
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  // Any thread. Queues the settling of the Promise on the JavaScript thread.
  void Deliver(std::shared_ptr<Outcome> outcome) const {
    // Held through BlockingCall and Release, so the environment cannot finalize the function
    // in between. BlockingCall does not wait (the queue is unbounded), so this cannot deadlock.
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->finalized) return;  // the environment is gone: nobody is waiting for the result
    Napi::Promise::Deferred deferred = deferred_;
    std::string operation = operation_;
    Convert convert = convert_;
    napi_status status = tsfn_.BlockingCall([deferred, operation, convert, outcome](Napi::Env env, Napi::Function) {
      try {
        if (!outcome->ok) {
          deferred.Reject(MakeNativeError(env, operation, *outcome).Value());
        } else {
          deferred.Resolve(convert(env, *outcome));
        }
      } catch (const Napi::Error& e) {
        deferred.Reject(e.Value());
      }
    });
    // napi_closing: the environment is shutting down and has already dropped this thread's
    // use of the function; Release() must not be called then.
    if (status == napi_ok) tsfn_.Release();
  }

 private:
  struct State {
    std::mutex mutex;
    bool finalized = false;
  };

  Napi::Promise::Deferred deferred_;
  std::string operation_;
  Convert convert_;
  std::shared_ptr<State> state_;
  Napi::ThreadSafeFunction tsfn_;
};

// Runs `work` (void(Outcome&), must not touch JavaScript) on `queue` and settles the returned
// Promise with `convert` of its outcome, or rejects it with the failure `work` recorded.
template <typename Work>
Napi::Promise RunOnQueue(Napi::Env env, dispatch_queue_t queue, const char* operation, Work work,
                         Completion::Convert convert) {
  auto completion = std::make_shared<Completion>(env, operation, std::move(convert));
  Napi::Promise promise = completion->Promise();
  std::string name(operation);
  dispatch_async(queue, ^{
    auto outcome = std::make_shared<Outcome>();
    @autoreleasepool {
      try {
        work(*outcome);
      } catch (...) {
        // An exception must never leave a dispatch block (GCD would terminate the process).
        outcome = std::make_shared<Outcome>();
        outcome->ok = false;
        outcome->osStatus = errSecInternalComponent;
        outcome->domain = "NSOSStatusErrorDomain";
        outcome->code = errSecInternalComponent;
        outcome->message = name + " failed with an internal error";
      }
    }
    completion->Deliver(outcome);
  });
  return promise;
}

template <typename Work>
Napi::Promise RunOnSecurityQueue(Napi::Env env, const char* operation, Work work, Completion::Convert convert) {
  return RunOnQueue(env, SecurityQueue(), operation, std::move(work), std::move(convert));
}

}  // namespace sf
