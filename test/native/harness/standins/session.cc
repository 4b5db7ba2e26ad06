// Linux harness: a stand-in for SessionGetInfo (Security/AuthSession.h), the caller's security
// session, whose attribute bits control.setSession sets per test. The default is a logged-in
// console session: sessionHasGraphicAccess (0x0010) | sessionHasTTY (0x0020). As in Apple's
// header, both out-parameters are optional, the special session ids are accepted on input and
// never returned, and a failed call leaves the out-parameters alone. A fault's status
// ("SessionGetInfo") is returned as the call's status.
#include <Security/Security.h>

#include "faults.h"
#include "model.h"

#include <atomic>

using namespace standin;

namespace {
constexpr uint32_t kConsoleSession = 0x0010 | 0x0020;
constexpr SecuritySessionId kSessionId = 100008;
std::atomic<uint32_t> gAttributes{kConsoleSession};
}  // namespace

namespace standin {
void SetSessionAttributes(uint32_t attributes) { gAttributes = attributes; }
void ResetSession() { gAttributes = kConsoleSession; }
}  // namespace standin

extern "C" OSStatus SessionGetInfo(SecuritySessionId session, SecuritySessionId* sessionId, SessionAttributeBits* attributes) {
  NoteCall("SessionGetInfo", nullptr);
  Fault fault;
  if (TakeFault("SessionGetInfo", fault) && Decides(fault) && fault.status != 0) return fault.status;
  // Only the caller's own session is known here; any other id is errSessionInvalidId.
  if (session != callerSecuritySession && session != kSessionId) return -60500;
  if (sessionId) *sessionId = kSessionId;
  if (attributes) *attributes = gAttributes.load();
  return errSecSuccess;
}
