// Migrating from keytar: change the import; the calls and the stored items stay the same.
//   before: import * as keytar from 'keytar';
import * as keytar from 'security-framework/keytar';

export async function login(service: string, account: string, fresh: () => Promise<string>): Promise<string> {
  const saved = await keytar.getPassword(service, account);   // string | null
  if (saved !== null) return saved;
  const password = await fresh();
  await keytar.setPassword(service, account, password);
  return password;
}

export async function accounts(service: string): Promise<string[]> {
  return (await keytar.findCredentials(service)).map((c) => c.account);
}
