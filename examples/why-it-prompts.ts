// Why does it prompt after an update? (docs/why-it-prompts.md)
import { diagnose, kSecAttrAccount, kSecAttrService, kSecClass, kSecClassGenericPassword } from 'security-framework';

/** Why reading alice's password prompts or fails, in sentences. */
export async function whyItPrompts(): Promise<readonly string[]> {
  const report = await diagnose({ [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.app', [kSecAttrAccount]: 'alice' });
  return report.verdicts;
}
