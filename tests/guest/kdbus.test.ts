// SPDX-License-Identifier: MIT
/**
 * Runs the in-guest kdbus TAP suite (guest-image/tests) in the real guest and
 * reports every TAP test point as its own vitest test, plus whole-run checks:
 * the plan is met, nothing is "not ok", and the kernel stayed clean.
 *
 * Test names are known at collection time: the suite is built and its
 * `--list` output read from the guest before the tests are declared; the
 * full run happens once, in beforeAll. If the guest kernel dies (panic) or
 * the run stops answering, the machine is restarted and the suite resumed
 * after the test that was running (`--from`), which is reported as failed.
 * Kernel reports (Oops, BUG, WARNING) are charged to the test that ran.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTap, type TapPoint } from '../../src/tap/parse.js';
import { bootGuest, KERNEL_TROUBLE, type TestGuest } from '../helpers/guest.js';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const suiteDir = join(top, 'guest-image/tests');
const outDir = join(suiteDir, 'build');
const binary = join(outDir, 'kdbus-tests');
const guestBinary = '/tmp/kdbus-tests';
const CC = 'i686-linux-gnu-gcc';
/** Budget for the whole suite, restarts included (in-guest per-test timeouts keep it far below). */
const RUN_BUDGET_MS = 840_000;
const MAX_RESUMES = 12;

function build(): string | null {
  const cc = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    return `${CC} is not installed: the in-guest kdbus suite cannot be built ` +
      '(Debian: apt-get install gcc-i686-linux-gnu libc6-dev-i386-cross)';
  }
  const make = spawnSync('make', ['-C', suiteDir, `OUT=${outDir}`], { encoding: 'utf8' });
  if (make.error || make.status !== 0) {
    return `building the kdbus suite failed (make -C ${suiteDir}):\n${make.stdout}${make.stderr}${make.error?.message ?? ''}`;
  }
  return null;
}

/** Number of the last test point in partial TAP output (0 if none). */
function lastPoint(out: string): number {
  let last = 0;
  for (const m of out.matchAll(/^(?:not )?ok (\d+)\b/gm)) last = Number(m[1]);
  return last;
}

interface KernelEvent {
  /** The test that was running: one after the last finished point. */
  test: number;
  line: string;
}

interface SuiteRun {
  points: Map<number, TapPoint>;
  plan: number | null;
  status: number | null;
  stderr: string;
  /** Why a run was cut short, per affected test. */
  interrupted: Map<number, string>;
  events: KernelEvent[];
}

const bytes = (): Uint8Array => new Uint8Array(readFileSync(binary));

async function prepare(): Promise<{ error: string | null; guest: TestGuest | null; names: string[] }> {
  const error = build();
  if (error) return { error, guest: null, names: [] };
  let guest: TestGuest;
  try {
    guest = await bootGuest('snapshot');
  } catch (e) {
    return { error: `could not boot the guest: ${String(e)}`, guest: null, names: [] };
  }
  try {
    await guest.machine.putFile(guestBinary, bytes(), 0o755);
    const list = await guest.run(`${guestBinary} --list`);
    if (list.status !== 0) throw new Error(`kdbus-tests --list exited with ${list.status}: ${list.stderr}`);
    return { error: null, guest, names: list.stdout.split('\n').filter((l) => l.length > 0) };
  } catch (e) {
    await guest.machine.stop();
    return { error: `could not list the suite in the guest: ${String(e)}`, guest: null, names: [] };
  }
}

async function runSuite(guest: TestGuest, total: number): Promise<SuiteRun> {
  const run: SuiteRun = { points: new Map(), plan: null, status: null, stderr: '', interrupted: new Map(), events: [] };
  let out = '';
  let base = 0;
  guest.machine.onKernelReport((r) => run.events.push({ test: Math.max(base, lastPoint(out)) + 1, line: r.line }));
  const deadline = Date.now() + RUN_BUDGET_MS;
  let from = 1;
  for (let attempt = 0; attempt <= MAX_RESUMES && from <= total; attempt++) {
    out = '';
    base = from - 1;
    const dec = new TextDecoder();
    const edec = new TextDecoder();
    let failure: string | null = null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())); });
    try {
      const exec = guest.machine.exec(
        `${guestBinary}${from > 1 ? ` --from ${from}` : ''}`,
        (b) => { out += dec.decode(b, { stream: true }); },
        (b) => { run.stderr += edec.decode(b, { stream: true }); },
      );
      const r = await Promise.race([exec, timeout]);
      if (r === 'timeout') failure = `the suite did not finish within ${RUN_BUDGET_MS / 1000} s`;
      else run.status = r.status;
    } catch (e) {
      failure = `the guest stopped answering: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      clearTimeout(timer);
    }
    const tap = parseTap(out);
    if (run.plan === null && tap.plan) run.plan = tap.plan.end;
    for (const p of tap.points) run.points.set(p.id, p);
    if (failure === null) break;
    const stuck = Math.max(base, lastPoint(out)) + 1;
    run.interrupted.set(stuck, failure);
    run.status = null;
    from = stuck + 1;
    if (from > total || Date.now() >= deadline) break;
    await guest.machine.restart();
    await guest.machine.putFile(guestBinary, bytes(), 0o755);
  }
  return run;
}

const prepared = await prepare();

describe('kdbus in-guest TAP suite', () => {
  const { guest, names } = prepared;
  let run: SuiteRun | null = null;
  let runError: string | null = null;
  let dmesg = '';

  beforeAll(async () => {
    if (!guest) return;
    try {
      run = await runSuite(guest, names.length);
      dmesg = (await guest.run('dmesg')).stdout;
    } catch (e) {
      runError = String(e);
    }
  }, RUN_BUDGET_MS + 120_000);

  afterAll(async () => {
    await guest?.machine.stop();
  });

  it('builds and lists the suite', () => {
    if (prepared.error) throw new Error(prepared.error);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size, 'test descriptions are unique').toBe(names.length);
  });

  names.forEach((name, i) => {
    const id = i + 1;
    it(name, (ctx) => {
      if (!run) throw new Error(`the suite did not run: ${runError ?? prepared.error ?? 'unknown'}`);
      const kernel = run.events.filter((e) => e.test === id).map((e) => `kernel: ${e.line}`);
      const point = run.points.get(id);
      const why = run.interrupted.get(id);
      if (!point) {
        throw new Error([why ?? `test point ${id} never reported (last run exit status ${run.status})`,
          ...kernel, run.stderr ? `stderr:\n${run.stderr}` : ''].filter(Boolean).join('\n'));
      }
      expect(point.description).toBe(name);
      if (!point.ok || kernel.length > 0) {
        throw new Error([`${point.ok ? 'ok' : 'not ok'} ${id} - ${name}`, ...point.diagnostics, ...kernel].join('\n'));
      }
      if (point.directive?.kind === 'SKIP') ctx.skip(point.directive.reason);
    });
  });

  it('the TAP plan matches the listed tests and every test point was seen', () => {
    if (!run) throw new Error(`the suite did not run: ${runError ?? prepared.error ?? 'unknown'}`);
    expect(run.plan, 'plan').toBe(names.length);
    const missing = names.map((_, i) => i + 1).filter((id) => !run?.points.has(id));
    expect(missing, 'test points never reported').toEqual([]);
    expect([...run.interrupted.entries()].map(([t, why]) => `test ${t}: ${why}`), 'interrupted runs').toEqual([]);
  });

  it('has no "not ok" and exits 0', () => {
    if (!run) throw new Error(`the suite did not run: ${runError ?? prepared.error ?? 'unknown'}`);
    const failed = [...run.points.values()].filter((p) => !p.ok).map((p) => `not ok ${p.id} - ${p.description}`);
    expect(failed).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('caused no kernel Oops/BUG/WARNING/panic reports', () => {
    if (!guest) throw new Error(prepared.error ?? 'no guest');
    expect(guest.reports.map((r) => `${r.kind}: ${r.line}`)).toEqual([]);
    expect(guest.console().split('\n').filter((l) => KERNEL_TROUBLE.test(l))).toEqual([]);
  });

  it('left dmesg clean', () => {
    if (!guest) throw new Error(prepared.error ?? 'no guest');
    expect(runError).toBeNull();
    expect(dmesg.split('\n').filter((l) => KERNEL_TROUBLE.test(l))).toEqual([]);
  });
});
