/**
 * node:sqlite, loaded the first time the emulator opens a store — not when the package is
 * imported. Importing the package therefore works on a Node without it (and prints no
 * SQLite warning); only using the emulator there fails, with errSecUnimplemented naming the
 * Node it needs.
 */
import type * as Sqlite from 'node:sqlite';
import { secError } from '../errors.js';

let loaded: typeof Sqlite | undefined;

/** node:sqlite's DatabaseSync. */
export function sqlite(): typeof Sqlite.DatabaseSync {
  if (!loaded) {
    try {
      // A literal require of a built-in: what a bundler leaves alone and Node loads on demand.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('node:sqlite') as typeof Sqlite;
    } catch (error) {
      throw secError('errSecUnimplemented',
        `the keychain emulator keeps its store with node:sqlite, which Node ${process.versions.node} does not have; it needs Node 22.13 or later (or Electron 35 or later)`,
        { cause: error });
    }
  }
  return loaded.DatabaseSync;
}
