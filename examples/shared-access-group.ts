// An item shared by an app and its helper through a keychain access group.
//
// Both executables are signed by the same team and list the group in their
// keychain-access-groups entitlement, e.g. "TEAMID1234.com.example.shared". Access groups
// exist only in the data protection keychain, so both pin `keychain: 'dataProtection'`.
import { Keychain, genericPassword } from 'security-framework';

export const SHARED_GROUP = 'TEAMID1234.com.example.shared';

const sessionToken = genericPassword()
  .keychain('dataProtection')
  .accessGroup(SHARED_GROUP)
  .service('com.example.session')
  .account('current-user');

/** In the app: store the token where the helper can read it. */
export async function saveForHelper(kc: Keychain, token: string): Promise<void> {
  await kc.set(sessionToken.label('Example session').build(), token);
}

/** In the helper: read it back (null until the app has stored one). */
export async function readFromApp(kc: Keychain): Promise<string | null> {
  return kc.get(sessionToken.query(), { encoding: 'utf8' });
}
