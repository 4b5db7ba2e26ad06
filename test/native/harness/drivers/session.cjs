// Linux harness driver: the caller's security session (SessionGetInfo) through the addon, and
// the default's interactive decision the package makes from it (src/api/interaction.ts, run
// from the compiled package in dist/, which the test setup builds): a graphic session is
// interactive, one with no graphic access or established over the network is not, a failed
// SessionGetInfo is unknown and the environment rule decides, and the environment variables
// come first.
'use strict';
const assert = require('node:assert/strict');
const { join } = require('node:path');

const dist = join(__dirname, '..', '..', '..', '..', 'dist');
const { NativeBackend } = require(join(dist, 'backend', 'native.js'));
const { interactiveFromEnvironment } = require(join(dist, 'api', 'interaction.js'));
const { optionsFromEnvironment, NON_INTERACTIVE_NATIVE_TIMEOUT } = require(join(dist, 'api', 'select.js'));

// SessionAttributeBits (AuthSession.h).
const IS_ROOT = 0x0001;
const GRAPHIC = 0x0010;
const TTY = 0x0020;
const REMOTE = 0x1000;

/** The default's decision and options on a Mac with the native backend, reading the session through the addon. */
function decide(addon, env = {}) {
  const backend = new NativeBackend(addon);
  const session = () => backend.callerSecuritySession();
  return { decision: interactiveFromEnvironment(env, session), options: optionsFromEnvironment(env, 'darwin', 'native', session) };
}

exports.cases = {
  async 'a logged-in console session (graphic access and a TTY): SessionGetInfo reads the caller\'s session and the default is interactive'({ addon, control }) {
    assert.deepEqual(addon.sessionGetInfo(), { status: 0, sessionId: 100008, attributes: GRAPHIC | TTY });
    const { decision, options } = decide(addon);
    assert.equal(decision.interactive, true);
    assert.match(decision.reason, /graphic access \(SessionGetInfo attributes 0x30, sessionHasGraphicAccess\)/);
    assert.deepEqual(options, { backend: 'native' });
    assert.equal(control.calls('SessionGetInfo'), 3);
  },
  async 'no graphic access — an SSH login (TTY, remote) or a launchd daemon in the root session — makes the default non-interactive, with the 30 s guard'({ addon, control }) {
    for (const [bits, words] of [[TTY | REMOTE, /no graphic access \(SessionGetInfo attributes 0x1020/], [IS_ROOT, /root session of system daemons/], [0, /no window server/]]) {
      control.setSession(bits);
      assert.equal(addon.sessionGetInfo().attributes, bits);
      const { decision, options } = decide(addon);
      assert.equal(decision.interactive, false, `attributes ${bits}`);
      assert.match(decision.reason, words);
      assert.deepEqual(options, { backend: 'native', interactive: false, timeout: NON_INTERACTIVE_NATIVE_TIMEOUT });
    }
  },
  async 'a graphic session established over the network is non-interactive: the prompt would not reach the person who connected'({ addon, control }) {
    control.setSession(GRAPHIC | TTY | REMOTE);
    const { decision } = decide(addon);
    assert.equal(decision.interactive, false);
    assert.match(decision.reason, /over the network \(SessionGetInfo attributes 0x1030, sessionIsRemote\)/);
  },
  async 'a failed SessionGetInfo is an unknown session: the environment rule decides (interactive without CI or SSH variables, not with them)'({ addon, control }) {
    control.inject('SessionGetInfo', { status: -60008 });  // errSessionInternal
    control.setSession(0);  // would be non-interactive if it were read
    assert.deepEqual(addon.sessionGetInfo(), { status: -60008 });
    const unknown = decide(addon);
    assert.equal(unknown.decision.interactive, true);
    assert.match(unknown.decision.reason, /SessionGetInfo failed \(status -60008\), so the security session is unknown/);
    assert.deepEqual(unknown.options, { backend: 'native' });
    assert.equal(decide(addon, { CI: 'true' }).decision.interactive, false);
    assert.equal(decide(addon, { SSH_TTY: '/dev/ttys003' }).decision.interactive, false);
  },
  async 'the environment comes first: SECURITY_FRAMEWORK_INTERACTIVE and CI decide without reading the session'({ addon, control }) {
    control.setSession(0);
    assert.deepEqual(decide(addon, { SECURITY_FRAMEWORK_INTERACTIVE: '1' }).decision,
      { interactive: true, reason: 'SECURITY_FRAMEWORK_INTERACTIVE is set to allow prompts' });
    control.setSession(GRAPHIC | TTY);
    assert.equal(decide(addon, { CI: 'true' }).decision.interactive, false);
    assert.equal(decide(addon, { SECURITY_FRAMEWORK_INTERACTIVE: '0' }).decision.interactive, false);
    assert.equal(control.calls('SessionGetInfo'), 0);
  },
};
