/**
 * The keychain emulator, loaded at its first use rather than when the package is imported.
 *
 * The emulator is most of the package (routing, both keychain sides, SecKey algorithms,
 * certificates, PKCS#12, the SQLite store): a process that imports the package and uses the
 * real keychain, or only its constants, never loads it. `require` with a literal path keeps it
 * synchronous — a caller's arguments are read before anything else happens, as without the
 * seam — and lets bundlers follow it.
 */
import type * as EmulatorModule from '../emulator/emulator.js';

let loaded: typeof EmulatorModule | undefined;

/** The emulator's module (src/emulator/emulator.ts), loaded on the first call. */
export function emulatorModule(): typeof EmulatorModule {
  loaded ??= require('../emulator/emulator.js') as typeof EmulatorModule;
  return loaded;
}

/**
 * @internal For a runner that loads the TypeScript sources itself (this repository's test
 * suite: vitest transforms src/*.ts, which Node's `require` cannot load): the module it loaded,
 * so the seam hands out that one and every class has one identity.
 */
export function provideEmulatorModule(module: typeof EmulatorModule): void {
  loaded = module;
}
