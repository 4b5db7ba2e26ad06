/**
 * Tests run the TypeScript sources through vitest, and src/api/emulatorLoader.ts loads the
 * emulator lazily with Node's `require`, which cannot load a .ts file. This hands the seam the
 * module vitest loads, the same instance every test file imports, before any test runs.
 * (The package's own laziness is tested on the built dist/: test/package.test.ts.)
 */
import * as emulator from '../../src/emulator/emulator.js';
import { provideEmulatorModule } from '../../src/api/emulatorLoader.js';

provideEmulatorModule(emulator);
