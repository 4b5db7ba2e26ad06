// Plain CommonJS tests of a plain CommonJS app: nothing to transpile.
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['**/*.test.cjs'],
  transform: {},
  setupFilesAfterEnv: ['<rootDir>/keychain.setup.cjs'],
};
