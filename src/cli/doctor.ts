/**
 * `secitem doctor` and `secitem migrate`: the doctor's report (api/doctor.ts) and the
 * migration to the data protection keychain (api/migrate.ts) from the command line.
 *
 *   secitem doctor [-s service] [-a account] [--internet] [--access-group group] [--json]
 *   secitem migrate --access-group group [-s service] [-a account] [--internet]
 *                   [--accessible afterFirstUnlock] [--dry-run] [--json]
 *
 * Both take --backend and --store as the keychain verbs do. Exit status: 0, or the low byte of
 * the OSStatus (errSecMissingEntitlement -34018 → 30); 2 for a usage error; `migrate` exits 1
 * when it left an item in place (skipped).
 */
import type { Backend } from '../backend/backend.js';
import { keychain, openBackend as open } from '../api/default.js';
import { diagnoseBackend, type DiagnosisReport } from '../api/doctor.js';
import { migrateBackend, type MigrationResult } from '../api/migrate.js';
import { optionsFromEnvironment } from '../api/select.js';
import { SecError, secError } from '../errors.js';
import { SecHandle } from '../handles.js';
import { accessibility } from '../typed/words.js';
import type { CFDictionary } from '../values.js';
import type { JsonValue } from './format.js';

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

interface Flag { readonly name: string; readonly value: boolean; readonly help: string }

const FLAGS: Readonly<Record<string, Flag>> = {
  '-s': { name: 'service', value: true, help: 'service (kSecAttrService), or server with --internet (kSecAttrServer)' },
  '-a': { name: 'account', value: true, help: 'account (kSecAttrAccount)' },
  '-l': { name: 'label', value: true, help: 'label (kSecAttrLabel)' },
  '--internet': { name: 'internet', value: false, help: 'internet passwords (kSecClassInternetPassword) instead of generic passwords' },
  '--access-group': { name: 'accessGroup', value: true, help: 'doctor: the group to check; migrate: the group the copies go to (required)' },
  '--accessible': { name: 'accessible', value: true, help: 'migrate: the copies\' accessibility, e.g. afterFirstUnlock (default whenUnlocked)' },
  '--dry-run': { name: 'dryRun', value: false, help: 'migrate: list what would move, change nothing' },
  '--json': { name: 'json', value: false, help: 'print the report as JSON' },
  '--backend': { name: 'backend', value: true, help: 'native|emulator; default: SECURITY_FRAMEWORK_BACKEND, else the platform default' },
  '--store': { name: 'store', value: true, help: 'the emulator\'s store file (implies --backend emulator)' },
  '--app-groups': { name: 'appGroups', value: true, help: 'emulator only: run as an app with these keychain-access-groups (comma-separated)' },
  '--help': { name: 'help', value: false, help: 'show this help' },
};

class UsageError extends Error {}

export function commandHelp(command: 'doctor' | 'migrate'): string {
  const lines = command === 'doctor'
    ? ['usage: secitem doctor [options]', '    Why a keychain call prompts or fails: the process\'s signature and entitlements, which keychains it', '    can use, and, with -s/-a, where the items are and whether reading them prompts (docs/why-it-prompts.md).']
    : ['usage: secitem migrate --access-group group [options]', '    Move file-based password items into the data protection keychain: copy, verify byte for byte,', '    then delete the original (docs/data-protection-migration.md).'];
  return [...lines, '', ...Object.entries(FLAGS).map(([k, f]) => `    ${`${k}${f.value ? ' value' : ''}`.padEnd(30)} ${f.help}`), ''].join('\n');
}

function parse(argv: readonly string[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    let token = argv[i]!;
    let inline: string | undefined;
    if (token.startsWith('--') && token.includes('=')) {
      inline = token.slice(token.indexOf('=') + 1);
      token = token.slice(0, token.indexOf('='));
    }
    if (token === '-h') token = '--help';
    const flag = FLAGS[token];
    if (!flag) throw new UsageError(token.startsWith('-') ? `unknown option ${token}` : `unexpected argument ${JSON.stringify(token)}`);
    if (!flag.value) {
      if (inline !== undefined) throw new UsageError(`${token} takes no value`);
      out[flag.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`${token} needs a value`);
    out[flag.name] = value;
  }
  return out;
}

function backendFor(values: Record<string, string | true>): { backend: Backend; close(): void } {
  const name = values.backend;
  if (name !== undefined && name !== 'native' && name !== 'emulator') throw new UsageError('--backend must be "native" or "emulator"');
  const groups = typeof values.appGroups === 'string' ? values.appGroups.split(',').filter((g) => g !== '') : undefined;
  if (groups && name === 'native') throw new UsageError('--app-groups sets the emulated app; the native backend is this process as it is signed');
  const app = groups ? { app: { accessGroups: groups } } : {};
  if (typeof values.store === 'string') {
    if (name === 'native') throw new UsageError('--store names an emulator store; it cannot be used with --backend native');
    const emulator = open({ backend: 'emulator', path: values.store, ...app });
    return { backend: emulator, close: () => emulator.close() };
  }
  if (name === undefined && !groups) return { backend: keychain(), close: () => undefined };
  const backend = open({ ...optionsFromEnvironment(undefined, undefined, name ?? 'emulator'), ...app });
  return { backend, close: () => backend.close() };
}

function queryFor(values: Record<string, string | true>, always: boolean): CFDictionary | undefined {
  const internet = values.internet === true;
  const given = ['service', 'account', 'label'].some((k) => typeof values[k] === 'string');
  if (!given && !internet && !always) return undefined;
  const query: Record<string, string> = { class: internet ? 'inet' : 'genp' };
  if (typeof values.service === 'string') query[internet ? 'srvr' : 'svce'] = values.service;
  if (typeof values.account === 'string') query.acct = values.account;
  if (typeof values.label === 'string') query.labl = values.label;
  return query;
}

/** Report values as JSON: data as hex, dates as ISO strings, handles by kind. */
export function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof SecHandle) return `<${value.kind}>`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  return value as JsonValue;
}

const yesNo = (v: boolean | null): string => (v === null ? 'not read' : v ? 'yes' : 'no');

function doctorForHumans(report: DiagnosisReport): string {
  const p = report.process;
  const groups = p.entitlements?.['keychain-access-groups'];
  const dp = report.dataProtectionKeychain;
  const kc = report.defaultKeychain;
  const lines = [
    `backend            ${report.backend}`,
    `process            signed: ${yesNo(p.signed)}, ad hoc: ${yesNo(p.adHoc)}, team: ${p.teamIdentifier ?? (p.read ? '(none)' : 'not read')}, identifier: ${p.signingIdentifier ?? (p.read ? '(none)' : 'not read')}`,
    `  access groups    ${groups === undefined ? 'not read' : groups.length ? groups.join(', ') : '(none)'}`,
    `data protection    ${dp.available === null ? 'unknown' : dp.available ? 'available' : 'not available'}${dp.accessGroup ? ` (group ${dp.accessGroup})` : ''}`,
    `default keychain   ${kc.read ? `${kc.path} (${kc.unlocked ? 'unlocked' : 'locked'})` : 'not read'}`,
    `prompts            ${report.interaction.interactive ? 'allowed' : 'never (non-interactive)'}; environment default: ${report.interaction.environment.interactive ? 'allowed' : 'never'} — ${report.interaction.environment.reason}`,
  ];
  if (report.item) {
    lines.push(`items              ${report.item.items.length === 0 ? 'none matched' : `${report.item.items.length} in ${report.item.foundIn.join(' and ')}`}`);
  }
  lines.push('', ...report.verdicts.map((v) => `* ${v}`), '');
  return lines.join('\n');
}

function migrationForHumans(result: MigrationResult): string {
  const name = (a: Readonly<Record<string, unknown>>) => ['svce', 'srvr', 'acct'].filter((k) => typeof a[k] === 'string').map((k) => `${k}=${JSON.stringify(a[k])}`).join(' ');
  const lines = result.items.map((i) => `${i.outcome.padEnd(10)} ${name(i.attributes)}${i.reason ? ` — ${i.reason}` : ''}`);
  const c = result.counts;
  lines.push(result.dryRun
    ? `${c.wouldMove} item(s) would move to the data protection keychain (group ${result.accessGroup}); nothing was changed.`
    : `${c.moved} moved, ${c.resumed} finished from an earlier run, ${c.skipped} left in place (group ${result.accessGroup}).`);
  return `${lines.join('\n')}\n`;
}

function accessibleValue(word: string | true | undefined): string | undefined {
  if (word === undefined || word === true) return undefined;
  return Object.hasOwn(accessibility.toRaw, word) ? (accessibility.toRaw as Record<string, string>)[word] : word;
}

/** Runs `secitem doctor …` or `secitem migrate …`; resolves to the exit status. */
export async function runCommand(command: 'doctor' | 'migrate', argv: readonly string[], io: CommandIo): Promise<number> {
  const json = argv.includes('--json');
  let values: Record<string, string | true>;
  try {
    values = parse(argv);
    if (command === 'migrate' && values.help !== true && typeof values.accessGroup !== 'string') throw new UsageError('--access-group is required');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`secitem: ${error.message}\n\n${commandHelp(command)}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  let opened: { backend: Backend; close(): void } | undefined;
  try {
    opened = backendFor(values);
    if (command === 'doctor') {
      const report = await diagnoseBackend(opened.backend, queryFor(values, false), typeof values.accessGroup === 'string' ? values.accessGroup : undefined);
      io.stdout.write(json ? `${JSON.stringify(toJson(report), null, 2)}\n` : doctorForHumans(report));
      return 0;
    }
    const accessible = accessibleValue(values.accessible);
    const result = await migrateBackend(queryFor(values, true), {
      accessGroup: values.accessGroup, ...(accessible ? { accessible } : {}), dryRun: values.dryRun === true,
    }, opened.backend);
    io.stdout.write(json ? `${JSON.stringify(toJson(result), null, 2)}\n` : migrationForHumans(result));
    return result.counts.skipped > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`secitem: ${error.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    const e = error instanceof SecError ? error : secError('errSecInternalComponent', String(error));
    if (json) io.stderr.write(`${JSON.stringify({ error: { status: e.status, name: e.code, message: e.message, hint: e.hint ?? null } })}\n`);
    else io.stderr.write(`secitem: ${command}: ${e.message}\n    status: ${e.status}\n    name: ${e.code}\n${e.hint ? `    hint: ${e.hint}\n` : ''}`);
    return (e.status & 0xff) || 1;
  } finally {
    opened?.close();
  }
}
