// Once for every test file (jest.config.cjs, setupFilesAfterEnv): keytar is replaced by the
// test keychain's, and each test starts with a fresh, empty test keychain.
const { resetTestKeychain } = require('security-framework/testing');

// `virtual: true` only because keytar is not installed in this repository: leave it out in
// an app that depends on keytar.
jest.mock('keytar', () => require('security-framework/testing').keytar, { virtual: true });

beforeEach(resetTestKeychain);
