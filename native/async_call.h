// The one shape of every Promise-returning entry point (native-guide.md §5.2): AsyncCall.
//
//   return AsyncCall(info, "SecItemDelete", OnQueue{SecurityQueue()},
//       [](Napi::Env env, const Napi::CallbackInfo& info) {          // parse   (JavaScript thread)
//         return std::tuple{ToCFDictionary(env, info[0], "query")};
//       },
//       [](Outcome& out, const CFRef<CFDictionaryRef>& query) {      // work    (the serial queue)
//         OSStatus status = SecItemDelete(query.get());
//         if (status != errSecSuccess) FailWithStatus(out, status);
//       },
//       ConvertNothing);                                             // convert (JavaScript thread)
//
// parse: std::tuple<…>(Napi::Env, const Napi::CallbackInfo&). Reads the JavaScript arguments
//   into values that own what they hold (CFRef, numbers, NSString* and LAContext* under ARC).
//   Build the tuple with braces, std::tuple{…}: a braced list is evaluated left to right, so
//   the first bad argument is the one reported (the arguments of std::make_tuple(…) are not
//   ordered). A Napi::Error it throws (errSecParam, marshal.h) becomes a rejected Promise
//   carrying the operation's name; nothing has reached a framework yet.
// work, where `where` is OnQueue{queue}: void(Outcome&, arguments…). Runs as a block on that
//   serial queue, inside an autorelease pool, and records the framework's answer in the Outcome:
//   a failure through Fail*, a +1 result adopted into Outcome::value, a Boolean in
//   Outcome::flag. It must not touch JavaScript. An exception leaving it becomes
//   errSecInternalComponent (an exception leaving a dispatch block would end the process).
// work, where `where` is ByReply{}: void(Reply, arguments…). For a framework call that is
//   itself asynchronous (LAContext's evaluations): runs on the JavaScript thread, starts the
//   call and returns; the framework's reply block hands its answer to the Reply, on any thread.
//   Its parameters are values, not references: the reply block captures them, and a block
//   captures a C++ reference as a reference, not as a copy. An Objective-C exception it raises
//   becomes errSecInternalComponent naming the call and the exception.
// convert: Napi::Value(Napi::Env, Outcome&). Turns a successful Outcome into the value the
//   Promise resolves with; a failed Outcome rejects with MakeNativeError instead, and a
//   Napi::Error convert throws (errSecInternalComponent for a result it cannot convert)
//   rejects with that error.
//
// The arguments are moved from parse into the job and released with it, after the Promise has
// been settled (or dropped, if the environment ended first).
#pragma once

#include "common.h"
#include "sec_queue.h"

#include <optional>
#include <tuple>
#include <type_traits>

namespace sf {

// Where an AsyncCall's work runs.
struct OnQueue {
  dispatch_queue_t queue;  // SecurityQueue() or AuthenticationQueue()
};
struct ByReply {};

// The answer of a framework call that replies through a block (ByReply). Copyable; any thread;
// the first answer settles the Promise and any later one is dropped (Completion::Deliver).
class Reply {
 public:
  Reply(std::shared_ptr<Completion> completion, const char* operation)
      : completion_(std::move(completion)), operation_(operation) {}

  // Cocoa's completion-handler convention: success, or the NSError saying why not. Everything
  // is copied out of the NSError here: it belongs to the framework's thread.
  void operator()(BOOL success, NSError* error) const {
    @autoreleasepool {
      auto outcome = std::make_shared<Outcome>();
      if (!success) FailWithNSError(*outcome, error, operation_.c_str());
      completion_->Deliver(outcome);
    }
  }

  // errSecInternalComponent with `message`.
  void Fail(const std::string& message) const {
    auto outcome = std::make_shared<Outcome>();
    FailInternally(*outcome, message);
    completion_->Deliver(outcome);
  }

 private:
  std::shared_ptr<Completion> completion_;
  std::string operation_;
};

namespace detail {

template <typename T>
struct IsTuple : std::false_type {};
template <typename... T>
struct IsTuple<std::tuple<T...>> : std::true_type {};

// OnQueue: the work runs as a block on the queue; its Outcome settles the Promise.
template <typename Arguments, typename Work>
void Launch(OnQueue where, const char* operation, std::shared_ptr<Completion> completion, Arguments arguments, Work work) {
  std::string name(operation);
  // The block copies what it captures: the Completion, the arguments (a CFRef copy retains,
  // an ARC pointer copy is strong) and the work.
  dispatch_async(where.queue, ^{
    auto outcome = std::make_shared<Outcome>();
    @autoreleasepool {
      try {
        std::apply([&](const auto&... argument) { work(*outcome, argument...); }, arguments);
      } catch (...) {
        // An exception must never leave a dispatch block (GCD would terminate the process).
        outcome = std::make_shared<Outcome>();
        FailInternally(*outcome, name + " failed with an internal error");
      }
    }
    completion->Deliver(outcome);
  });
}

// ByReply: the work starts the framework call here, on the JavaScript thread; the reply block
// settles the Promise. If the framework raises instead of replying, the Promise rejects.
template <typename Arguments, typename Work>
void Launch(ByReply, const char* operation, std::shared_ptr<Completion> completion, Arguments arguments, Work work) {
  Reply reply(std::move(completion), operation);
  std::string failure;
  try {
    @try {
      std::apply([&](const auto&... argument) { work(reply, argument...); }, arguments);
    } @catch (NSException* exception) {
      failure = DescribeRaised(operation, exception);
    }
  } catch (...) {
    failure = std::string(operation) + " failed with an internal error";
  }
  // Outside the handlers: a thread-safe function left unsettled would keep the process alive.
  if (!failure.empty()) reply.Fail(failure);
}

}  // namespace detail

// The convert of a call whose Promise resolves with nothing.
inline Napi::Value ConvertNothing(Napi::Env env, Outcome&) { return env.Undefined(); }

// Parses the arguments of `info` with `parse`, runs `work` where `where` says, and returns a
// Promise settled with `convert` of the outcome — or rejected with the errSecParam that
// `parse` threw, or with the failure `work` recorded. `operation` (a string literal) names the
// call in every rejection.
template <typename Where, typename Parse, typename Work, typename Convert>
Napi::Promise AsyncCall(const Napi::CallbackInfo& info, const char* operation, Where where, Parse parse, Work work,
                        Convert convert) {
  using Arguments = decltype(parse(info.Env(), info));
  static_assert(detail::IsTuple<Arguments>::value, "parse returns its values as std::tuple{…}");
  return WithAutoreleasePool([&]() -> Napi::Promise {
    Napi::Env env = info.Env();
    std::optional<Arguments> arguments;
    try {
      arguments.emplace(parse(env, info));
    } catch (const Napi::Error& e) {
      return RejectedPromise(env, e, operation);
    }
    // The thread-safe function is made last, right before the job leaves this thread, so that
    // nothing can throw in between and leave it unreleased (it would keep the process alive).
    auto completion = std::make_shared<Completion>(env, operation, std::move(convert));
    Napi::Promise promise = completion->Promise();
    detail::Launch(where, operation, std::move(completion), std::move(*arguments), std::move(work));
    return promise;
  });
}

}  // namespace sf
