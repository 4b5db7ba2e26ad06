#!/usr/bin/env node
/**
 * `secitem`: the keychain from the command line, modelled on macOS `security(1)` — the same
 * verb names and single-letter flags — over this package's typed Keychain, so it runs on the
 * real keychain (native backend) or on the emulator anywhere.
 *
 * Exit status: 0 on success; for a keychain failure the low byte of the OSStatus, as
 * security(1) does (errSecItemNotFound -25300 → 44, errSecDuplicateItem -25299 → 45,
 * errSecParam -50 → 206); 2 for a usage error (unknown verb or flag, missing argument).
 * `secitem conformance …` is the conformance runner (src/conformance/cli.ts) with its own
 * options and exit statuses (docs/conformance.md).
 */
// First: silence node:sqlite's experimental warning before anything loads it (see quiet.ts).
import './quiet.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import { keychain, openBackend as open } from '../api/default.js';
import { optionsFromEnvironment } from '../api/select.js';
import { paramError, SecError, secError } from '../errors.js';
import { Keychain } from '../typed/keychain.js';
import type { AnyPasswordItem, AnyPasswordQuery, AnyPasswordSpec, ItemClassName, KeychainKind } from '../typed/types.js';
import { primaryKeyQuery } from '../typed/codec.js';
import { PASSWORD_CLASSES, schemas } from '../typed/schema.js';
import type { CFValue } from '../values.js';
import { accessibility, authenticationTypes, protocols, type WordTable } from '../typed/words.js';
import { itemForHumans, itemForJson, secretForHumans, type JsonValue } from './format.js';
import { runCertificateVerb } from './certificateVerbs.js';
import { commands, findVerb, globalFlags, isCertificateAction, verbs, type Flag, type Verb } from './verbs.js';
import { runCommand } from './doctor.js';

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/** A mistake in the command line itself: usage text, exit status 2. */
class UsageError extends Error {}

export const USAGE_EXIT = 2;

/** security(1)'s exit status for an OSStatus: its low byte, never 0 for a failure. */
export function exitCodeFor(status: number): number {
  return (status & 0xff) || 1;
}

interface Parsed {
  verb: Verb;
  attributes: Record<string, string>;
  switches: Set<string>;
  values: Record<string, string>;
  /** `-w` given as the last argument: read the password from standard input. */
  promptPassword: boolean;
}

function flagUsage(flag: string, f: Flag): string {
  const arg = f.kind === 'attribute' || f.kind === 'value' ? ` ${f.arg ?? ''}`.trimEnd() : '';
  return `    ${`${flag}${arg}`.padEnd(30)} ${f.help}`;
}

export function verbHelp(verb: Verb): string {
  return [
    `usage: secitem ${verb.name} [options]`,
    `    ${verb.summary}`,
    '',
    ...Object.entries(verb.flags).map(([k, f]) => flagUsage(k, f)),
    ...Object.entries(globalFlags).map(([k, f]) => flagUsage(k, f)),
    '',
  ].join('\n');
}

export function mainHelp(): string {
  return [
    'usage: secitem <verb> [options]     (secitem <verb> --help for its options; secitem --version)',
    '',
    ...verbs.map((v) => `    ${v.name.padEnd(28)} ${v.summary}`),
    ...commands.map((c) => `    ${c.name.padEnd(28)} ${c.summary}`),
    '',
    'Options for every keychain verb:',
    ...Object.entries(globalFlags).map(([k, f]) => flagUsage(k, f)),
    '',
    'Exit status: 0 on success; the low byte of the OSStatus on a keychain error (as security(1):',
    'errSecItemNotFound → 44, errSecDuplicateItem → 45, errSecParam → 206); 2 for a usage error.',
    'secitem conformance: 0 when nothing failed, 1 on a failure or difference, 2 on a usage error or',
    'a missing native backend, 130 when interrupted (secitem conformance --help).',
    '',
  ].join('\n');
}

function parse(argv: readonly string[]): Parsed | 'help' | 'version' {
  const [name, ...rest] = argv;
  if (name === undefined) throw new UsageError('a verb is needed');
  if (name === '--help' || name === '-h' || name === 'help') return 'help';
  if (name === '--version' || name === '-V') return 'version';
  const verb = findVerb(name);
  if (verb === undefined) throw new UsageError(`unknown verb ${JSON.stringify(name)}`);
  const parsed: Parsed = { verb, attributes: {}, switches: new Set(), values: {}, promptPassword: false };
  for (let i = 0; i < rest.length; i++) {
    let token = rest[i]!;
    let inline: string | undefined;
    if (token.startsWith('--') && token.includes('=')) {
      inline = token.slice(token.indexOf('=') + 1);
      token = token.slice(0, token.indexOf('='));
    }
    if (token === '-h') token = '--help';
    const flag: Flag | undefined = verb.flags[token] ?? globalFlags[token];
    if (flag === undefined && verb.positional !== undefined && !token.startsWith('-') && parsed.values[verb.positional] === undefined) {
      parsed.values[verb.positional] = token;
      continue;
    }
    if (flag === undefined) {
      throw new UsageError(token.startsWith('-') ? `unknown option ${token}` : `unexpected argument ${JSON.stringify(token)} (secitem has no keychain-file argument; see --store)`);
    }
    if (flag.kind === 'switch') {
      if (inline !== undefined) throw new UsageError(`${token} takes no value`);
      parsed.switches.add(flag.name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= rest.length) {
        // security(1): "-w" as the last argument makes the tool ask for the password.
        if (flag.kind === 'value' && flag.name === 'password') { parsed.promptPassword = true; continue; }
        throw new UsageError(`${token} needs a value`);
      }
      value = rest[++i]!;
    }
    if (flag.kind === 'attribute') parsed.attributes[flag.attribute] = value;
    else parsed.values[flag.name] = value;
  }
  return parsed;
}

/** A word from its word or from Apple's raw value (security(1) takes four-character codes such as "htps"). */
function wordOrCode<W extends string>(table: WordTable<W>, value: string): string {
  if (Object.hasOwn(table.toRaw, value)) return value;
  return table.fromRaw.get(value) ?? table.fromRaw.get(value.padEnd(4, ' ')) ?? value;
}

/** Command-line strings → typed attribute values (the typed layer then checks them). */
function typedAttributes(itemClass: ItemClassName, raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    switch (name) {
      case 'port':
        if (!/^\d+$/.test(value)) throw paramError(`port (-P) must be a number from 0 to 65535; got ${JSON.stringify(value)}`);
        out.port = Number(value);
        break;
      case 'protocol': out.protocol = wordOrCode(protocols, value); break;
      case 'authenticationType': out.authenticationType = wordOrCode(authenticationTypes, value); break;
      case 'accessible': out.accessible = wordOrCode(accessibility, value); break;
      default: out[name] = value;
    }
  }
  return { class: itemClass, ...out };
}

async function readSecret(io: Io): Promise<Buffer> {
  const stdin = io.stdin;
  if (stdin.isTTY && stdin.setRawMode) {
    // A terminal: prompt on stderr and read one line without echo, as security(1) does.
    io.stderr.write('password data for new item: ');
    stdin.setRawMode(true);
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const onData = (chunk: Buffer | string) => {
          const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
          for (const byte of bytes) {
            if (byte === 0x03) { cleanup(); reject(secError('errSecUserCanceled', 'interrupted')); return; }
            if (byte === 0x0d || byte === 0x0a || byte === 0x04) { cleanup(); io.stderr.write('\n'); resolve(Buffer.concat(chunks)); return; }
            chunks.push(Buffer.from([byte]));
          }
        };
        const cleanup = () => { stdin.removeListener('data', onData); stdin.pause(); };
        stdin.on('data', onData);
        stdin.resume();
      });
    } finally {
      stdin.setRawMode(false);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const all = Buffer.concat(chunks);
  // One trailing newline ends the line the user typed or echo printed; it is not part of the secret.
  const end = all.at(-1) === 0x0a ? (all.at(-2) === 0x0d ? all.length - 2 : all.length - 1) : all.length;
  return all.subarray(0, end);
}

async function secretFor(parsed: Parsed, io: Io): Promise<Buffer> {
  const { password, passwordHex } = parsed.values;
  const given = [password !== undefined, passwordHex !== undefined, parsed.promptPassword].filter(Boolean).length;
  if (given > 1) throw new UsageError('give the password once: -w password, -w as the last argument, or -X hex');
  if (passwordHex !== undefined) {
    // The message never repeats the value: it is a secret.
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(passwordHex)) throw paramError('-X needs an even number of hexadecimal digits');
    return Buffer.from(passwordHex, 'hex');
  }
  if (password !== undefined) return Buffer.from(password, 'utf8');
  if (parsed.promptPassword) return readSecret(io);
  // security(1) adds an item with an empty password when none is given.
  return Buffer.alloc(0);
}

interface OpenBackend { backend: Backend; close(): void }

function openBackend(values: Record<string, string>): OpenBackend {
  const name = values.backend;
  if (name !== undefined && name !== 'native' && name !== 'emulator') throw new UsageError('--backend must be "native" or "emulator"');
  if (values.store !== undefined) {
    if (name === 'native') throw new UsageError('--store names an emulator store; it cannot be used with --backend native');
    const emulator = open({ backend: 'emulator', path: values.store });
    return { backend: emulator, close: () => emulator.close() };
  }
  if (name === undefined) return { backend: keychain(), close: () => undefined };
  // --backend: the environment's store for the emulator, as the default would use.
  const backend = open(optionsFromEnvironment(undefined, undefined, name));
  return { backend, close: () => backend.close() };
}

function keychainOption(values: Record<string, string>): KeychainKind | undefined {
  const k = values.keychain;
  if (k === undefined || k === 'file' || k === 'dataProtection') return k;
  throw new UsageError('--keychain must be "file" or "dataProtection"');
}

function writeJson(io: Io, value: JsonValue): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

async function run(parsed: Parsed, io: Io): Promise<void> {
  const { verb, switches, values } = parsed;
  const json = switches.has('json');
  const kcKind = keychainOption(values);
  const opened = openBackend(values);
  try {
    if (isCertificateAction(verb.action)) {
      const dataProtection = kcKind === undefined ? undefined : kcKind === 'dataProtection';
      await runCertificateVerb(opened.backend, { action: verb.action, switches, values, dataProtection, json }, io);
      return;
    }
    const kc = new Keychain({ backend: opened.backend, ...(kcKind ? { keychain: kcKind } : {}) });
    if (verb.action === 'dump') {
      const items = await kc.list(PASSWORD_CLASSES, { data: switches.has('showData') });
      if (json) {
        writeJson(io, items.map((item) => itemForJson(item, switches.has('showData'))));
      } else {
        for (const item of items) {
          io.stdout.write(`${itemForHumans(item)}\n`);
          if (switches.has('showData')) io.stdout.write(`data:\n${secretForHumans(item.data ?? Buffer.alloc(0))}\n`);
        }
      }
      return;
    }
    const typed = typedAttributes(verb.itemClass!, parsed.attributes);
    if (verb.action === 'add') {
      if (switches.has('synchronizable')) typed.synchronizable = true;
      const data = await secretFor(parsed, io);
      const update = switches.has('update');
      if (update) await kc.set(typed as unknown as AnyPasswordSpec, data);
      else await kc.add(typed as unknown as AnyPasswordSpec, data);
      if (json) writeJson(io, { ok: true, action: update ? 'set' : 'added' });
      return;
    }
    if (verb.action === 'delete') {
      // security(1) deletes one item: the first match. A query that matches several deletes only that one.
      const [item] = await kc.find(typed as unknown as AnyPasswordQuery, { limit: 1 });
      if (item === undefined) throw secError('errSecItemNotFound');
      await deleteExactly(kc, item);
      if (json) writeJson(io, { ok: true, deleted: itemForJson(item, false) });
      else io.stdout.write(`${itemForHumans(item)}\npassword has been deleted.\n`);
      return;
    }
    // find
    const onlyPassword = switches.has('onlyPassword');
    const showPassword = switches.has('showPassword') || onlyPassword;
    const [item] = await kc.find(typed as unknown as AnyPasswordQuery, { limit: 1, data: showPassword });
    if (item === undefined) throw secError('errSecItemNotFound');
    if (json) {
      writeJson(io, onlyPassword ? { password: itemForJson(item, true).password!, passwordHex: (item.data ?? Buffer.alloc(0)).toString('hex') } : itemForJson(item, showPassword));
    } else if (onlyPassword) {
      const data = item.data ?? Buffer.alloc(0);
      const text = secretForHumans(data);
      // -w prints the bare secret: text as is (no quotes), other bytes as hex, as security(1) does.
      io.stdout.write(`${text.startsWith('"') ? data.toString('utf8') : data.toString('hex')}\n`);
    } else {
      io.stdout.write(`${itemForHumans(item)}\n`);
      if (showPassword) io.stderr.write(`password: ${secretForHumans(item.data ?? Buffer.alloc(0))}\n`);
    }
  } finally {
    opened.close();
  }
}

/**
 * Deletes exactly one found item: its class, keychain and primary key as the keychain
 * reported them (raw values, so nothing is lost in translation), with the stored empty value
 * for key attributes it did not report (codec.ts `primaryKeyQuery`).
 */
async function deleteExactly(kc: Keychain, item: AnyPasswordItem): Promise<boolean> {
  const raw = primaryKeyQuery(schemas[item.class], item.raw as Record<string, CFValue>);
  return kc.delete({ class: item.class, keychain: item.keychain } as AnyPasswordQuery, { raw });
}

function reportError(error: unknown, verb: string | undefined, json: boolean, io: Io): number {
  const e = error instanceof SecError ? error : secError('errSecInternalComponent', String(error));
  if (json) {
    io.stderr.write(`${JSON.stringify({ error: { status: e.status, name: e.code, message: e.message, hint: e.hint ?? null } })}\n`);
  } else {
    io.stderr.write([
      `secitem: ${verb ?? 'error'}: ${e.message}`,
      `    status: ${e.status}`,
      `    name: ${e.code}`,
      ...(e.hint ? [`    hint: ${e.hint}`] : []),
      '',
    ].join('\n'));
  }
  return exitCodeFor(e.status);
}

/** This package's root: two folders up from src/cli or dist/cli. */
const packageRoot = join(__dirname, '..', '..');

/** This package's version, from its package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * `secitem conformance …`: the conformance runner over the scenarios shipped in the package
 * (conformance/scenarios/), loaded only when asked for. Its output, reports and exit statuses
 * are those of docs/conformance.md.
 */
async function conformance(argv: readonly string[], io: Io): Promise<number> {
  const cli = await import('../conformance/cli.js');
  const command = 'secitem conformance';
  if (io === process) return cli.runProcess(argv, packageRoot, command);
  return cli.main(argv, packageRoot, { command, out: (line) => { io.stdout.write(`${line}\n`); } });
}

/** Runs one command line; resolves to the exit status. */
export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  if (argv[0] === 'conformance') return conformance(argv.slice(1), io);
  if (argv[0] === 'doctor' || argv[0] === 'migrate') return runCommand(argv[0], argv.slice(1), io);
  const json = argv.includes('--json');
  let parsed: Parsed | 'help' | 'version';
  try {
    parsed = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`secitem: ${error.message}\n\n`);
      const verb = argv[0] === undefined ? undefined : findVerb(argv[0]);
      io.stderr.write(verb ? verbHelp(verb) : mainHelp());
      return USAGE_EXIT;
    }
    return reportError(error, argv[0], json, io);
  }
  if (parsed === 'help') { io.stdout.write(mainHelp()); return 0; }
  if (parsed === 'version') { io.stdout.write(`secitem (security-framework) ${packageVersion()}\n`); return 0; }
  if (parsed.switches.has('help')) { io.stdout.write(verbHelp(parsed.verb)); return 0; }
  try {
    await run(parsed, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`secitem: ${error.message}\n\n${verbHelp(parsed.verb)}`);
      return USAGE_EXIT;
    }
    return reportError(error, parsed.verb.name, json, io);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
