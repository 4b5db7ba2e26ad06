/** What a file and its directory look like, to prove that something left them alone. */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

export interface Fingerprint {
  sha256: string;
  size: number;
  mode: string;
}

/** A file's bytes (as a hash), size and permission bits; null when it does not exist. */
export function fingerprint(path: string): Fingerprint | null {
  if (!existsSync(path)) return null;
  const stat = statSync(path);
  return { sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), size: stat.size, mode: (stat.mode & 0o7777).toString(8).padStart(4, '0') };
}

/** The names in a directory, sorted; null when it does not exist. */
export function listing(dir: string): string[] | null {
  return existsSync(dir) ? readdirSync(dir).sort() : null;
}
