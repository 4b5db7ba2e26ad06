// The caller's security session (Security/AuthSession.h, macOS 14.2 SDK), for choosing whether
// the process default may prompt (src/api/select.ts):
//   OSStatus SessionGetInfo(SecuritySessionId session, SecuritySessionId* __nullable sessionId,
//                           SessionAttributeBits* __nullable attributes);
//       "Use the callerSecuritySession constant to ask about your own session (the one your
//       process is in)."
// The attribute bits are AuthSession.h's: sessionIsRoot 0x0001 ("is the root session
// (startup/system programs)"), sessionHasGraphicAccess 0x0010 ("graphic subsystem (CoreGraphics
// et al) available"), sessionHasTTY 0x0020 ("/dev/tty is available"), sessionIsRemote 0x1000
// ("session was established over the network"). The addon hands JavaScript the status and the
// raw bits; what they mean for prompting is decided in src/backend/session.ts.
//
// Synchronous: SessionGetInfo only reads the process's own session, takes no lock the keychain
// calls hold and never waits for a person, and the default backend is chosen synchronously.
// It resolves every status, failures included: a failed read means "unknown", not an error.
#include "calls.h"

namespace sf {

Napi::Value SessionGetInfoJS(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SecuritySessionId session = noSecuritySession;
  SessionAttributeBits attributes = 0;
  OSStatus status = SessionGetInfo(callerSecuritySession, &session, &attributes);
  Napi::Object out = Napi::Object::New(env);
  out.Set("status", Napi::Number::New(env, static_cast<double>(status)));
  if (status == errSecSuccess) {
    out.Set("sessionId", Napi::Number::New(env, static_cast<double>(session)));
    out.Set("attributes", Napi::Number::New(env, static_cast<double>(attributes)));
  }
  return out;
}

}  // namespace sf
