// Where framework calls run. Security calls may block until the user answers a prompt, so none
// runs on the JavaScript thread (in Electron's main process that thread is the Cocoa main
// thread). Each runs as a block on a private serial dispatch queue — Apple asks that such
// calls be serialized rather than issued concurrently — and its outcome comes back to the
// JavaScript thread through a thread-safe function that settles a Promise. Entry points reach
// both through AsyncCall (async_call.h).
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
//
// The environment that made the Promise may end first (a worker thread terminated, an Electron
// renderer reloaded, process.exit()). Then Node-API finalizes the thread-safe function and hands
// every outcome still queued to Settle with no environment, which frees it — and with it the
// +1 framework object it holds; an outcome delivered after that is freed by Deliver itself.
// Nothing may throw out of Settle: an exception leaving a Node-API callback ends the process.
class Completion {
 public:
  // Convert: Napi::Value(Napi::Env, Outcome&) — runs on the JavaScript thread.
  using Convert = std::function<Napi::Value(Napi::Env, Outcome&)>;

  // Creates the thread-safe function; call it last on the JavaScript thread, right before
  // handing the Completion to another thread, so nothing can throw in between and leave a
  // thread-safe function that is never released (it would keep the process alive).
  Completion(Napi::Env env, const char* operation, Convert convert)
      : call_(std::make_shared<Call>(Napi::Promise::Deferred::New(env), operation, std::move(convert))) {
    // The finalizer runs when the function is gone (also when its environment ends with this
    // call pending; Node versions before 24.14 free the function then even though this thread
    // still holds it). It owns one reference to the Call, so Deliver() can still see that the
    // function is gone. Owned here until New() succeeds: a throwing New() leaks nothing.
    auto keep = std::make_unique<std::shared_ptr<Call>>(call_);
    tsfn_ = Function::New(env, operation, 0, 1, call_.get(),
                          [](Napi::Env, std::shared_ptr<Call>* keep, Call*) {
                            {
                              std::lock_guard<std::mutex> lock((*keep)->mutex);
                              (*keep)->finalized = true;
                            }
                            delete keep;
                          },
                          keep.get());
    keep.release();  // now the finalizer's
  }

  Napi::Promise Promise() const { return call_->deferred.Promise(); }

  // Any thread. Queues the settling of the Promise on the JavaScript thread.
  void Deliver(std::shared_ptr<Outcome> outcome) const {
    auto payload = std::make_unique<std::shared_ptr<Outcome>>(std::move(outcome));
    // Held through BlockingCall and Release, so the environment cannot finalize the function
    // in between. BlockingCall does not wait (the queue is unbounded), so this cannot deadlock.
    std::lock_guard<std::mutex> lock(call_->mutex);
    if (call_->finalized || call_->delivered) return;  // nobody to tell, or told already: the payload is freed here
    call_->delivered = true;
    napi_status status = tsfn_.BlockingCall(payload.get());
    if (status == napi_ok) payload.release();  // Settle frees it
    // napi_closing: the environment is shutting down and has already dropped this thread's
    // use of the function; Release() must not be called then.
    if (status == napi_ok) tsfn_.Release();
  }

 private:
  struct Call {
    Call(Napi::Promise::Deferred d, const char* op, Convert c)
        : deferred(std::move(d)), operation(op), convert(std::move(c)) {}
    Napi::Promise::Deferred deferred;
    std::string operation;
    Convert convert;
    std::mutex mutex;
    bool finalized = false;
    bool delivered = false;  // exactly once, even if a framework both replies and raises
  };

  // On the JavaScript thread, or with env == nullptr while the function is being finalized.
  static void Settle(Napi::Env env, Napi::Function, Call* call, std::shared_ptr<Outcome>* payload) {
    std::unique_ptr<std::shared_ptr<Outcome>> owned(payload);  // freed on every path
    if (env == nullptr || call == nullptr) return;
    Outcome& outcome = **owned;
    try {
      if (!outcome.ok) {
        call->deferred.Reject(MakeNativeError(env, call->operation, outcome).Value());
      } else {
        call->deferred.Resolve(call->convert(env, outcome));
      }
    } catch (const Napi::Error& e) {
      try {
        if (!e.Value().Has("operation")) e.Value().Set("operation", Napi::String::New(env, call->operation));
        call->deferred.Reject(e.Value());
      } catch (...) {
        // The environment is terminating: nobody is waiting for the result.
      }
    } catch (...) {
    }
  }

  using Function = Napi::TypedThreadSafeFunction<Call, std::shared_ptr<Outcome>, Settle>;

  std::shared_ptr<Call> call_;
  Function tsfn_;
};

}  // namespace sf
