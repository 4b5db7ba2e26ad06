#!/usr/bin/env node
// `npm run demo`: the SecItem API on the keychain emulator, step by step. Every dictionary
// that goes in or comes out is printed with Apple's constant names beside the raw keys.
import { inspect } from 'node:util';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const sf = require('../dist/index.js');
const {
  createEmulator, SecError,
  kSecClass, kSecClassGenericPassword, kSecClassInternetPassword, kSecAttrService, kSecAttrAccount,
  kSecAttrServer, kSecAttrProtocol, kSecAttrProtocolHTTPS, kSecAttrPort, kSecAttrLabel, kSecValueData,
  kSecReturnAttributes, kSecReturnData, kSecMatchLimit, kSecMatchLimitAll, kSecUseDataProtectionKeychain,
  kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeySizeInBits, kSecKeyAlgorithmECDSASignatureMessageX962SHA256,
} = sf;

// Colour only on a terminal, and never with NO_COLOR set (no-color.org).
const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (text) => (colour ? `\u001b[1m${text}\u001b[0m` : text);
const red = (text) => (colour ? `\u001b[31m${text}\u001b[0m` : text);

// raw key -> its Apple names, for display ("type" is kSecAttrType and kSecAttrKeyType)
const names = new Map();
for (const [name, value] of Object.entries(sf)) {
  if (typeof value !== 'string' || !/^kSec(Attr|Class$|Value|Return|Match|Use)/.test(name)) continue;
  if (!names.has(value)) names.set(value, []);
  names.get(value).push(name);
}
// raw key -> (raw value -> the constant's name), for attributes whose values are constants:
// kSecAttrKeyType '73' is kSecAttrKeyTypeECSECPrimeRandom.
const valueNames = new Map();
for (const [key, keyNames] of names) {
  for (const [name, value] of Object.entries(sf)) {
    if (typeof value !== 'string' || !keyNames.some((k) => name.startsWith(k) && name !== k)) continue;
    if (!valueNames.has(key)) valueNames.set(key, new Map());
    const known = valueNames.get(key);
    known.set(value, known.has(value) ? `${known.get(value)}/${name}` : name);
  }
}
const classNames = new Map(Object.entries(sf).filter(([n]) => /^kSecClass.+/.test(n)).map(([n, v]) => [v, n]));
const label = (v) => (typeof v === 'string' && names.has(v) ? names.get(v).join('/') : v);
const valueLabel = (key, v) => {
  const name = typeof v === 'string' ? valueNames.get(key)?.get(v) : undefined;
  return name ? `${name} (${JSON.stringify(v)})` : v;
};
function show(title, value) {
  const pretty = (v) => {
    if (Buffer.isBuffer(v)) {
      const text = v.toString('utf8');
      return /^[\x20-\x7e]*$/.test(text) ? `<data ${JSON.stringify(text)}>` : `<data 0x${v.toString('hex')}>`;
    }
    if (Array.isArray(v)) return v.map(pretty);
    if (v && typeof v === 'object' && !(v instanceof Date) && v.constructor === Object) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [`${label(k)}${names.has(k) ? ` (${k})` : ''}`, k === 'class' ? classNames.get(x) ?? x : valueLabel(k, pretty(x))]));
    }
    return v;
  };
  console.log(`\n${bold(title)}`);
  console.log(inspect(pretty(value), { depth: 4, colors: colour, breakLength: 100 }));
}
async function call(title, fn, ...args) {
  args.forEach((a, i) => show(`${title} — ${args.length === 1 ? 'dictionary' : i === 0 ? 'query' : 'attributes to update'}`, a));
  try {
    const result = await fn(...args);
    show(`${title} — result`, result);
    return result;
  } catch (error) {
    if (!(error instanceof SecError)) throw error;
    console.log(`${red(`${title} — ${error.code} (${error.status})`)}: ${error.message}`);
    if (error.hint) console.log(`  hint: ${error.hint}`);
    return undefined;
  }
}

console.log('security-framework demo: a keychain emulator in memory, behaving as macOS does for a plain `node` process.');
const kc = createEmulator();

const generic = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.demo', [kSecAttrAccount]: 'alice' };
await call('1. SecItemAdd a generic password', (d) => kc.SecItemAdd(d), { ...generic, [kSecValueData]: Buffer.from('s3cret'), [kSecReturnAttributes]: true });
await call('2. SecItemCopyMatching its attributes and data', (d) => kc.SecItemCopyMatching(d), { ...generic, [kSecReturnAttributes]: true, [kSecReturnData]: true });
await call('3. SecItemUpdate the password', (q, a) => kc.SecItemUpdate(q, a), generic, { [kSecValueData]: Buffer.from('n3w-s3cret'), [kSecAttrLabel]: 'Demo login' });
await call('4. SecItemCopyMatching the new password', (d) => kc.SecItemCopyMatching(d), { ...generic, [kSecReturnData]: true });

const internet = { [kSecClass]: kSecClassInternetPassword, [kSecAttrServer]: 'example.com', [kSecAttrProtocol]: kSecAttrProtocolHTTPS, [kSecAttrPort]: 443, [kSecAttrAccount]: 'alice@example.com' };
await call('5. SecItemAdd an internet password', (d) => kc.SecItemAdd(d), { ...internet, [kSecValueData]: Buffer.from('hunter2') });
await call('6. SecItemCopyMatching every internet password of example.com', (d) => kc.SecItemCopyMatching(d), { [kSecClass]: kSecClassInternetPassword, [kSecAttrServer]: 'example.com', [kSecMatchLimit]: kSecMatchLimitAll, [kSecReturnAttributes]: true });
await call('7. SecItemUpdate the internet password', (q, a) => kc.SecItemUpdate(q, a), internet, { [kSecValueData]: Buffer.from('correct horse') });

console.log(`\n${bold('Three errors, as the real keychain reports them:')}`);
await call('8. SecItemAdd the same generic password again (duplicate)', (d) => kc.SecItemAdd(d), { ...generic, [kSecValueData]: Buffer.from('other') });
await call('9. SecItemDelete the generic password', (d) => kc.SecItemDelete(d), generic);
await call('10. SecItemDelete the internet password', (d) => kc.SecItemDelete(d), internet);
await call('11. SecItemCopyMatching the deleted item (not found)', (d) => kc.SecItemCopyMatching(d), { ...generic, [kSecReturnData]: true });
await call('12. SecItemAdd to the data protection keychain from an unsigned process (missing entitlement)', (d) => kc.SecItemAdd(d), { ...generic, [kSecUseDataProtectionKeychain]: true, [kSecValueData]: Buffer.from('s3cret') });

const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example.demo'] } });
await call('13. The same add from an app entitled to the access group TEAMID.com.example.demo', (d) => app.SecItemAdd(d), { ...generic, [kSecUseDataProtectionKeychain]: true, [kSecValueData]: Buffer.from('s3cret'), [kSecReturnAttributes]: true });

console.log(`\n${bold('A key, in memory:')}`);
const key = await call('14. SecKeyCreateRandomKey a P-256 key', (d) => kc.SecKeyCreateRandomKey(d), { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 });
const message = Buffer.from('sign me');
const signature = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
show('15. SecKeyCreateSignature (ECDSA, X9.62 DER, SHA-256) — result', signature);
const publicKey = await kc.SecKeyCopyPublicKey(key);
show('16. SecKeyCopyExternalRepresentation of the public key (04 ‖ X ‖ Y) — result', await kc.SecKeyCopyExternalRepresentation(publicKey));
await call('17. SecKeyVerifySignature with the public key', () => kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature));
await call('18. SecKeyVerifySignature of other data (verification failure)', () => kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('other'), signature));
kc.close();
app.close();
