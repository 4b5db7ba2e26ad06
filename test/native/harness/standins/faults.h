// Linux harness: what a test asks a stand-in function to do instead of its normal work, and a
// record of the calls native/ made. A fault is keyed by the function's name ("SecItemAdd",
// "SecKeyCreateSignature", "LAContext.evaluatePolicy", "LAContext.set", …) and applies to its
// next `remaining` calls (all of them when negative) until cleared.
#pragma once

#include "model.h"

#include <string>

namespace standin {

struct Fault {
  OSStatus status = 0;      // SecItem: returned; SecKey/SecAccessControl: an OSStatus CFError
  Ref error;                // a CFError (NSError for LocalAuthentication) to hand out
  bool returnNull = false;  // NULL (or NO) without an error object
  Ref result;               // returned instead of the normal result (+1 to the caller)
  bool echo = false;        // SecItem*: the query itself is the result
  int delayMs = 0;          // waits first (a prompt the user has not answered yet)
  std::string raise;        // raises an NSException with this name instead of returning
  std::string replyOn;      // LAContext: "caller" (before returning) or "thread" (default)
  bool success = false;     // LAContext: reply YES
  long remaining = -1;
};

void SetFault(const std::string& function, Fault fault);
void ClearFaults();
// The fault for this call, if any (and counts the call down). Any thread.
bool TakeFault(const char* function, Fault& out);

// Call records: how many times each function ran, and its last dictionary argument.
void NoteCall(const char* function, CFTypeRef argument);
long CallCount(const std::string& function);
Ref LastArgument(const std::string& function);
void ClearCalls();

// Applies the common parts of a fault (delay, raise). Returns true when the fault says what to
// return (status, error, NULL or a result), so the caller should return it now.
bool Decides(const Fault& fault);

// A fault for a function returning an OSStatus and a +1 out-parameter: true when the fault
// decides, with `status` set from it and *out filled from its result (+1) when it has one
// (also with a failed status, as a framework may do).
bool StatusFaulted(const char* function, CFTypeRef* out, OSStatus& status);

}  // namespace standin
