// An item readable in the background: a refresh token a launch agent or a background task
// reads while the screen is locked. `afterFirstUnlock` keeps it readable from the first
// unlock after a restart until the next restart; the default, `whenUnlocked`, would fail
// with errSecInteractionNotAllowed (-25308) while the device is locked.
import { Keychain, type GenericPasswordSpec } from 'security-framework';

const refreshToken: GenericPasswordSpec = {
  class: 'genericPassword',
  keychain: 'dataProtection',
  service: 'com.example.sync',
  account: 'refresh-token',
  accessible: 'afterFirstUnlock',
};

export async function saveRefreshToken(kc: Keychain, token: string): Promise<void> {
  await kc.set(refreshToken, token);
}

/** Safe to call from a background job: no prompt, works while locked (after the first unlock). */
export async function refreshTokenInBackground(kc: Keychain): Promise<string | null> {
  return kc.get(refreshToken, { encoding: 'utf8' });
}
