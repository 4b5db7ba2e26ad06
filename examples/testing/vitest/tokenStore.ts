// A tiny app: it keeps each account's API token with keytar.
import keytar from 'keytar';

const SERVICE = 'com.example.cli';

export async function signIn(account: string, token: string): Promise<void> {
  await keytar.setPassword(SERVICE, account, token);
}

export async function tokenFor(account: string): Promise<string | null> {
  return keytar.getPassword(SERVICE, account);
}

export async function signedIn(): Promise<string[]> {
  return (await keytar.findCredentials(SERVICE)).map((c) => c.account).sort();
}

export async function signOut(account: string): Promise<boolean> {
  return keytar.deletePassword(SERVICE, account);
}
