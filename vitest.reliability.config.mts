import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (`npm run test:reliability`): crash safety, several processes, bad
 * files and fuzzing of the emulator's store. Not part of `npm test`: it starts hundreds of
 * processes and runs for a couple of minutes. Its files are test/reliability/**\/*.reliability.ts
 * (a suffix the main config's `*.test.ts` does not pick up); each part has its own time budget
 * and prints its figures at the end (figures-reporter.ts).
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.reliability.ts'],
    globalSetup: ['test/reliability/setup.ts'],
    // The emulator is loaded lazily by `require`, which cannot load src/*.ts: hand it vitest's module.
    setupFiles: ['test/setup/emulatorModule.ts'],
    reporters: ['default', './test/reliability/figures-reporter.ts'],
    pool: 'forks',
    // One part at a time: the parts time their own child processes, and two cores are the budget.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
