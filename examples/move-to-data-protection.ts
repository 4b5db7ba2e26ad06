// Moving to the data protection keychain (docs/data-protection-migration.md).
import {
  migrateToDataProtection, kSecAttrAccessibleAfterFirstUnlock, kSecAttrService, kSecClass, kSecClassGenericPassword,
  type MigrationResult,
} from 'security-framework';

const query = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.app' };

/** What would move: attributes only — no secret is read, nothing changes. */
export async function planMigration(accessGroup: string): Promise<unknown[]> {
  const plan = await migrateToDataProtection(query, { accessGroup, dryRun: true });
  return plan.items.map((item) => item.attributes.acct);
}

/** Moves them; safe to run at every start-up (a second run finds nothing to do). */
export async function moveToDataProtection(accessGroup: string): Promise<MigrationResult['counts']> {
  const result = await migrateToDataProtection(query, { accessGroup, accessible: kSecAttrAccessibleAfterFirstUnlock });
  return result.counts;
}
