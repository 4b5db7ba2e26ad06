/**
 * The security session the process runs in, as Security's SessionGetInfo reports it
 * (Security/AuthSession.h): Apple's own record of whether a window server and a terminal are
 * there to show a prompt on. Read by the native backend only; the emulator has no session and
 * keeps its explicit `interactive` option.
 */

/** What the addon's sessionGetInfo returns: sessionId and attributes only when status is errSecSuccess (0). */
export interface NativeSessionInfo {
  status: number;
  sessionId?: number;
  attributes?: number;
}

/**
 * SessionAttributeBits (AuthSession.h, macOS 14.2 SDK), with Apple's comments:
 * - sessionIsRoot 0x0001 "is the root session (startup/system programs)";
 * - sessionHasGraphicAccess 0x0010 "graphic subsystem (CoreGraphics et al) available";
 * - sessionHasTTY 0x0020 "/dev/tty is available";
 * - sessionIsRemote 0x1000 "session was established over the network".
 */
export const SESSION_ATTRIBUTE_BITS = {
  sessionIsRoot: 0x0001,
  sessionHasGraphicAccess: 0x0010,
  sessionHasTTY: 0x0020,
  sessionIsRemote: 0x1000,
} as const;

/** SessionGetInfo(callerSecuritySession, …): its status, and what it read when that is 0. */
export type SecuritySession =
  | {
      readonly known: true;
      readonly status: 0;
      readonly sessionId: number;
      /** The raw SessionAttributeBits. */
      readonly attributes: number;
      readonly isRoot: boolean;
      readonly hasGraphicAccess: boolean;
      readonly hasTTY: boolean;
      readonly isRemote: boolean;
    }
  | {
      /** SessionGetInfo failed (errSessionInvalidId -60500, errSessionInternal -60008, …): nothing is known. */
      readonly known: false;
      readonly status: number;
    };

/** The addon's answer as a SecuritySession; anything malformed counts as unknown. */
export function securitySessionFrom(info: NativeSessionInfo): SecuritySession {
  const status = typeof info?.status === 'number' ? info.status : NaN;
  if (status !== 0 || typeof info.attributes !== 'number' || typeof info.sessionId !== 'number') {
    return { known: false, status: Number.isNaN(status) ? -2070 /* errSecInternalComponent */ : status };
  }
  const a = info.attributes;
  const has = (bit: number) => (a & bit) === bit;
  return {
    known: true,
    status: 0,
    sessionId: info.sessionId,
    attributes: a,
    isRoot: has(SESSION_ATTRIBUTE_BITS.sessionIsRoot),
    hasGraphicAccess: has(SESSION_ATTRIBUTE_BITS.sessionHasGraphicAccess),
    hasTTY: has(SESSION_ATTRIBUTE_BITS.sessionHasTTY),
    isRemote: has(SESSION_ATTRIBUTE_BITS.sessionIsRemote),
  };
}

/**
 * Whether a person can answer a prompt, from the session alone; undefined when the session is
 * unknown. A prompt needs the window server (sessionHasGraphicAccess), and a session
 * established over the network (sessionIsRemote) would show it on the Mac's own screen, not
 * to the person who connected.
 */
export function sessionAllowsPrompts(session: SecuritySession): { interactive: boolean; reason: string } | undefined {
  if (!session.known) return undefined;
  const bits = `SessionGetInfo attributes 0x${session.attributes.toString(16)}`;
  if (!session.hasGraphicAccess) {
    return {
      interactive: false,
      reason: `the process's security session has no graphic access (${bits}, sessionHasGraphicAccess not set${session.isRoot ? '; the root session of system daemons' : ''}): there is no window server to show a prompt on`,
    };
  }
  if (session.isRemote) {
    return { interactive: false, reason: `the process's security session was established over the network (${bits}, sessionIsRemote): a prompt would not reach the person who connected` };
  }
  return { interactive: true, reason: `the process's security session has graphic access (${bits}, sessionHasGraphicAccess), so a person is assumed to be at the screen` };
}
