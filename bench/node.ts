// SPDX-License-Identifier: MIT
/**
 * The guest in Node: restore or cold boot to a prompt, and how fast a kernel
 * panic becomes the 'crashed' status. Every run is a fresh Node process (as
 * the CLI is), so each one pays for compiling v86.wasm and for reading the
 * files, and no run inherits another's heap: run.ts calls runInChild(), which
 * starts this file with a job on the command line and reads one result line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BootMode, MachineStatus } from '../emulator/api.js';
import { REPO_ROOT } from '../emulator/node/assets.js';
import { bootGuest } from '../tests/helpers/guest.js';
import { measureIpc, type IpcResult } from './ipc.js';
import { measureTrace, type TraceBenchResult } from './trace.js';

export interface BootRun {
  /** start() called → start() resolved (ready: the shell answers). */
  ms: number;
  /** The machine's own figure: emulator created → ready. */
  msToReady: number;
}

export interface CrashRun {
  /** Command written to the shell's tty → 'crashed' status. */
  writeToCrashedMs: number;
  /** "Kernel panic" first on the console → 'crashed' status. */
  panicToCrashedMs: number;
  line: string;
}

/** ipc: run the compiled guest-image/bench/ipc-bench `runs` times in one guest (ipc.ts). */
export type Job = { kind: 'boot'; mode: BootMode } | { kind: 'crash' } | { kind: 'ipc'; runs: number; binary: string }
  | { kind: 'trace'; runs: number };
type JobResult = BootRun | CrashRun | IpcResult | TraceBenchResult;

const RESULT = 'BENCH-RESULT ';
const CRASH_COMMAND = 'echo c > /proc/sysrq-trigger\r';

export async function measureBoot(mode: BootMode): Promise<BootRun> {
  const t0 = performance.now();
  // bootGuest only makes the machine and listeners before calling start().
  const guest = await bootGuest(mode);
  const ms = performance.now() - t0;
  try {
    const ready = guest.statuses.find((s): s is Extract<MachineStatus, { state: 'ready' }> => s.state === 'ready');
    if (!ready) throw new Error('start() resolved without a ready status');
    if (ready.mode !== mode) throw new Error(`asked for ${mode}, got ${ready.mode} (${JSON.stringify(guest.statuses)})`);
    return { ms, msToReady: ready.msToReady };
  } finally {
    await guest.machine.stop();
  }
}

export async function measureCrash(timeout = 60_000): Promise<CrashRun> {
  const guest = await bootGuest('snapshot');
  try {
    let text = '';
    let panicAt: number | null = null;
    const decoder = new TextDecoder();
    guest.machine.onConsole((b) => {
      if (panicAt !== null) return;
      text = (text + decoder.decode(b, { stream: true })).slice(-4096);
      if (text.includes('Kernel panic')) panicAt = performance.now();
    });
    const crashed = new Promise<{ at: number; line: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no crashed status ${timeout} ms after the panic command`)), timeout);
      guest.machine.onStatus((s) => {
        if (s.state !== 'crashed') return;
        clearTimeout(timer);
        resolve({ at: performance.now(), line: s.report.line.trim() });
      });
    });
    const writeAt = performance.now();
    guest.machine.write(new TextEncoder().encode(CRASH_COMMAND));
    const { at, line } = await crashed;
    if (panicAt === null) throw new Error(`crashed (${line}) but no "Kernel panic" on the console`);
    return { writeToCrashedMs: at - writeAt, panicToCrashedMs: at - panicAt, line };
  } finally {
    await guest.machine.stop();
  }
}

function runJob(job: Job): Promise<JobResult> {
  if (job.kind === 'ipc') return measureIpc(job.runs, job.binary);
  if (job.kind === 'trace') return measureTrace(job.runs, (l) => process.stderr.write(`${l}\n`));
  return job.kind === 'boot' ? measureBoot(job.mode) : measureCrash();
}

/** Runs one job in a fresh Node process; a failure carries the first line of its stderr. */
export function runInChild<T extends JobResult>(job: Job, timeout = 180_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(job)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => { out += s; });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { err += s; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code === 0 && line) return resolve(JSON.parse(line.slice(RESULT.length)) as T);
      const why = err.trim().split('\n')[0] || out.trim().split('\n').at(-1) || 'no output';
      reject(new Error(`${JSON.stringify(job)} failed (${signal ?? `exit ${code}`}): ${why}`));
    });
  });
}

async function childMain(arg: string): Promise<void> {
  try {
    const result = await runJob(JSON.parse(arg) as Job);
    process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2]) {
  void childMain(process.argv[2]);
}
