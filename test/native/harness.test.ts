// The native addon's own code, run on Linux: the unmodified native/*.mm compiled as
// Objective-C++ with ARC under AddressSanitizer and UBSan, against the stand-in frameworks of
// test/native/harness/, loaded into Node and driven through every entry point. Each driver runs
// in its own process; besides its cases, every run must end with 0 sanitizer reports, 0 aborts
// from the stand-ins, 0 live CF objects and nothing autoreleased without a pool.
import { cpSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from './harness/generate.mjs';
import { driversDir, harnessStatus, root, runCases, runNode, skipReason, transcript, type NodeRun } from './harness/session.js';

const status = harnessStatus();
const build = status.ready ? status.build : undefined;
const caseNames = (driver: string): string[] => Object.keys(createRequire(__filename)(join(driversDir, driver)).cases);

/** The checks every harness process must pass, whatever it ran. */
function expectCleanProcess(run: NodeRun): void {
  const why = transcript(run);
  expect(run.standinAborts, why).toEqual([]);
  expect(run.sanitizerReports, why).toBe(0);
  expect(run.signal, why).toBe(null);
  expect(run.status, why).toBe(0);
  expect(run.exit, why).toBeDefined();
  expect(run.exit!.live, why).toBe(0);
  expect(run.exit!.poolless, why).toBe(0);
}

const drivers: Array<[driver: string, title: string]> = [
  ['secitem.cjs', 'SecItem entry points'],
  ['marshal.cjs', 'values JS → CF → JS'],
  ['seckey.cjs', 'SecKey and SecAccessControl entry points'],
  ['certificates.cjs', 'SecCertificate, SecIdentity and SecPKCS12Import entry points'],
  ['diagnosis.cjs', 'code signature, entitlements, default keychain and item ACL entry points'],
  ['lacontext.cjs', 'LAContext entry points'],
  ['exceptions.cjs', 'Objective-C exceptions and undecodable text'],
  ['concurrency.cjs', 'calls in flight and handles collected mid-call'],
  ['session.cjs', 'the caller\'s security session and the default\'s interactive decision'],
  ['noninteractive.cjs', 'non-interactive mode as the framework receives it'],
];

for (const [driver, title] of drivers) {
  describe.skipIf(!build)(`native harness: ${title}${skipReason(status)}`, () => {
    let run: NodeRun;
    beforeAll(() => {
      run = runCases(build!, driver);
    }, 180_000);

    it.each(caseNames(driver))('%s', (name) => {
      const event = run.events.find((e) => e.case === name);
      expect(event, transcript(run)).toBeDefined();
      expect(event!.message ?? '', `case ${name}`).toBe('');
      expect(event!.ok).toBe(true);
    });

    it('the process ends cleanly: 0 sanitizer reports, 0 live CF objects, nothing autoreleased without a pool', () => {
      const stats = run.events.find((e) => 'stats' in e)?.stats as { total: number } | undefined;
      expect(stats?.total, transcript(run)).toBe(0);
      expectCleanProcess(run);
    });
  });
}

describe.skipIf(!build)(`native harness: environments that end with calls pending${skipReason(status)}`, () => {
  it('process.exit() with calls pending exits cleanly; only what the calls in flight hold is still alive', () => {
    const run = runNode(build!, join(driversDir, 'exit.cjs'));
    const why = transcript(run);
    expect(run.events, why).toContainEqual({ exiting: true });
    expect(run.standinAborts, why).toEqual([]);
    expect(run.sanitizerReports, why).toBe(0);
    expect(run.status, why).toBe(0);
    expect(run.exit?.poolless, why).toBe(0);
    // The process ends while the framework still works on two queries (one waiting, one queued,
    // with the result the first will return) and one evaluation: those objects are the
    // framework's to release, and exit() comes first. Nothing else may be alive.
    const held = { CFDictionary: 3, CFString: 2, LAContext: 1 };
    for (const [type, count] of Object.entries(run.exit?.types ?? {})) {
      expect(count, `${type} ${why}`).toBeLessThanOrEqual(held[type as keyof typeof held] ?? 0);
    }
  });

  // 20 repetitions, as separate processes: the abort this guards against came in about half the runs.
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('a worker terminated with calls pending, run %i of 20', (i) => {
    const run = runNode(build!, join(driversDir, 'worker.cjs'), [String(i % 4 === 0 ? 3 : 1)]);
    expect(run.events.find((e) => 'mainEnvironmentWorks' in e), transcript(run)).toMatchObject({ mainEnvironmentWorks: true });
    expectCleanProcess(run);
  }, 60_000);
});

describe('native harness: stand-in headers follow native/', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sf-harness-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('declares every framework name native/ uses', () => {
    expect(generate(join(scratch, 'out')).functions).toBeGreaterThan(20);
  });

  it('stops with a message naming a framework function native/ starts to use before a stand-in has it', () => {
    const native = join(scratch, 'native');
    cpSync(join(root, 'native'), native, { recursive: true });
    appendFileSync(join(native, 'secitem.mm'), '\nstatic OSStatus Probe(SecTrustRef t) { return SecTrustEvaluateWithError(t, nullptr); }\n');
    expect(() => generate(join(scratch, 'out2'), native)).toThrow(/native\/ uses SecTrustEvaluateWithError, SecTrustRef, which the Linux harness does not provide/);
    writeFileSync(join(native, 'secitem.mm'), '');
  });
});
