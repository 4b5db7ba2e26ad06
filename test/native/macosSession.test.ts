// The caller's security session through the addon on a real Mac (SessionGetInfo,
// Security/AuthSession.h). Off macOS the suite is skipped and its name says why; the Linux
// harness (test/native/harness/drivers/session.cjs) covers the same call against a stand-in.
import { describe, expect, it } from 'vitest';
import { interactiveFromEnvironment } from '../../src/api/interaction.js';
import { loadNativeBackend } from '../../src/backend/native.js';

const onMac = process.platform === 'darwin';

describe.skipIf(!onMac)(`the security session on macOS${onMac ? '' : ` (skipped: needs macOS, this is ${process.platform})`}`, () => {
  it('SessionGetInfo answers for this process: a real session id and the attribute bits, which the default\'s decision names', () => {
    const session = loadNativeBackend().callerSecuritySession();
    expect(session).toMatchObject({ known: true, status: 0 });
    if (!session.known) return;
    // callerSecuritySession (-1) and noSecuritySession (0) are never returned (AuthSession.h).
    expect(session.sessionId).not.toBe(0);
    expect(session.sessionId).not.toBe(0xffffffff);
    // An SSH login without a window server: whatever else, the default must not be interactive.
    if (!session.hasGraphicAccess) expect(interactiveFromEnvironment({}, () => session).interactive).toBe(false);
    expect(interactiveFromEnvironment({}, () => session).reason).toContain(`0x${session.attributes.toString(16)}`);
  });
});
