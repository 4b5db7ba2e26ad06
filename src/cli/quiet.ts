/**
 * Loaded first by the `secitem` entry point. On Node 22, loading `node:sqlite` (the emulator's
 * store) prints "ExperimentalWarning: SQLite is an experimental feature" on standard error,
 * which would break the command's promise that standard error holds only its own messages
 * (one JSON line with --json). This drops that one warning and passes every other through.
 */
const emitWarning = process.emitWarning.bind(process);

process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning instanceof Error ? warning.name : undefined);
  if (type === 'ExperimentalWarning' && /SQLite/i.test(text)) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
