// node-forge, the PKCS #12 decoder's dependency, is loaded the first time a PKCS #12 file is
// read: importing the package, or using the emulator's other calls, does not load it
// (src/emulator/pkcs12Crypto.ts). In a file of its own, so no other test has loaded it first.
import { afterAll, expect, it } from 'vitest';
import { createEmulator, kSecImportExportPassphrase, kSecImportToMemoryOnly } from '../../src/index.js';
import { cleanup, makeCertificate, makePkcs12 } from '../fixtures/openssl.js';

afterAll(cleanup);

const forgeLoaded = () => Object.keys(require.cache).some((path) => /[\\/]node-forge[\\/]/.test(path));

it('importing the package and the certificate calls leave node-forge unloaded; SecPKCS12Import loads it', async () => {
  const made = makeCertificate();
  const kc = createEmulator();
  await kc.SecCertificateCopyKey(await kc.SecCertificateCreateWithData(made.der));
  expect(forgeLoaded()).toBe(false);
  await kc.SecPKCS12Import(makePkcs12(made), { [kSecImportExportPassphrase]: 'secret', [kSecImportToMemoryOnly]: true });
  expect(forgeLoaded()).toBe(true);
  kc.close();
});
