import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // examples/ import the package by name, as users do; in tests that name means src/.
  resolve: {
    alias: [
      { find: /^security-framework\/keytar$/, replacement: fileURLToPath(new URL('./src/typed/keytar.ts', import.meta.url)) },
      { find: /^security-framework\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^security-framework\/jose$/, replacement: fileURLToPath(new URL('./src/jose/index.ts', import.meta.url)) },
      { find: /^security-framework$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    // examples/testing/vitest/ is the vitest example of security-framework/testing, run as users run it.
    include: ['test/**/*.test.ts', 'examples/testing/vitest/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    // The emulator is loaded lazily by `require`, which cannot load src/*.ts: hand it vitest's module.
    setupFiles: ['test/setup/emulatorModule.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file gets its own emulator instances; forks keep node:sqlite handles per process.
    pool: 'forks',
  },
});
