// The items both sides of the benchmark hold, and which of them each operation touches.
//
// Generic passwords in the file-based keychain (no kSecUseDataProtectionKeychain, no app
// identity). Item i has account `account-<i>` and belongs to one of n/100 services, so every
// service holds 100 items at every size and "all of a service" returns ~100 items.

/** How many services a keychain of n items has. */
export const serviceCount = (n) => Math.max(1, Math.round(n / 100));
export const service = (i, n) => `service-${i % serviceCount(n)}`;
export const account = (i) => `account-${i}`;

/** A 32-byte secret; `version` changes its bytes, never its length. */
export const secret = (i, version = 0) => Buffer.from(`secret-${i}-v${version}`.padEnd(32, '.'));

/** The SecItemAdd dictionary of item i (key order decides the stored attrs JSON's order). */
export const item = (i, n, version = 0) => ({ class: 'genp', svce: service(i, n), acct: account(i), v_Data: secret(i, version) });

/** The primary-key query of item i. */
export const query = (i, n) => ({ class: 'genp', svce: service(i, n), acct: account(i) });

/** The j-th existing item an operation reads or updates: spread over the keychain, different each rep. */
export const pick = (j, n, rep) => (j * 7919 + (rep + 1) * 104_729) % n; // rep ≥ -1 (warm-up)
