// SPDX-License-Identifier: MIT
/**
 * kdbus vs AF_UNIX round trips in the guest: guest-image/bench/ipc-bench.c,
 * compiled here with i686-linux-gnu-gcc, put into one booted guest and run
 * K times there. Each run prints one JSON line per transport and payload
 * size (64 B, 64 KiB, 1 MiB); this file turns them into medians, the
 * kdbus/AF_UNIX latency ratio per size, and the goal "kdbus <= 1.5x the
 * AF_UNIX latency at 64 B" as PASS/MISS (a miss is not a failure).
 *
 * run.ts measures it in a fresh Node process (node.ts, job 'ipc'); for a
 * quick look alone: npx tsx bench/ipc.ts [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../emulator/node/assets.js';
import { bootGuest, KERNEL_TROUBLE } from '../tests/helpers/guest.js';
import { formatMs, table, verdict } from './report.js';
import { summarize, type Summary } from './stats.js';

export const IPC_SOURCE = join(REPO_ROOT, 'guest-image/bench/ipc-bench.c');
const CC = 'i686-linux-gnu-gcc';
const GUEST_BINARY = '/tmp/ipc-bench';
/** Round trips per run: 64 B, and 64 KiB / 1 MiB (each after a tenth as warm-up). */
export const IPC_ITERATIONS = { small: 500, big: 20 };
/** The goal: a 64-byte kdbus call takes at most this many AF_UNIX round trips. */
export const IPC_TARGET_RATIO = 1.5;
const PER_RUN_TIMEOUT_MS = 300_000;

export type Transport = 'kdbus' | 'af_unix';

/** One line of ipc-bench output. */
export interface IpcLine {
  transport: Transport;
  bytes: number;
  iterations: number;
  warmup: number;
  seconds: number;
  rtt_us: number;
  per_sec: number;
}

export interface IpcResult {
  /** Lines of each guest run, in run order. */
  runs: IpcLine[][];
  /** The guest's dmesg lines that look like kernel trouble after all runs (should be none). */
  dmesgTrouble: string[];
}

export interface IpcRow {
  bytes: number;
  kdbusUs: Summary;
  unixUs: Summary;
  kdbusPerSec: number;
  unixPerSec: number;
  /** median kdbus round trip / median AF_UNIX round trip */
  ratio: number;
  targetRatio?: number;
  pass?: boolean;
}

/** Compiles ipc-bench (static i386) into a scratch folder; returns its path. */
export function compileIpcBench(): string {
  const cc = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    throw new Error(`${CC} is not installed (Debian: apt-get install gcc-i686-linux-gnu libc6-dev-i386-cross)`);
  }
  const binary = join(mkdtempSync(join(tmpdir(), 'kp-ipc-bench-')), 'ipc-bench');
  const r = spawnSync(CC, ['-static', '-O2', '-s', '-Wall', '-Wextra', '-Werror',
    '-I', join(REPO_ROOT, 'guest-image/kdbus/uapi'), '-o', binary, IPC_SOURCE], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${CC} failed on ${IPC_SOURCE}: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  }
  return binary;
}

/** Compiles ipc-bench, hands its path to fn and removes it afterwards. */
export async function withIpcBench<T>(fn: (binary: string) => Promise<T>): Promise<T> {
  const binary = compileIpcBench();
  try {
    return await fn(binary);
  } finally {
    rmSync(dirname(binary), { recursive: true, force: true });
  }
}

export function parseIpcOutput(stdout: string): IpcLine[] {
  const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as IpcLine);
  for (const l of lines) {
    if ((l.transport !== 'kdbus' && l.transport !== 'af_unix') || !(l.rtt_us > 0) || !(l.per_sec > 0)) {
      throw new Error(`unexpected ipc-bench line: ${JSON.stringify(l)}`);
    }
  }
  return lines;
}

/** Boots one guest (snapshot), puts the binary in and runs it `runs` times. */
export async function measureIpc(runs: number, binary: string, log: (line: string) => void = () => {}): Promise<IpcResult> {
  const guest = await bootGuest('snapshot');
  try {
    await guest.machine.putFile(GUEST_BINARY, new Uint8Array(readFileSync(binary)), 0o755);
    const cmd = `${GUEST_BINARY} -n ${IPC_ITERATIONS.small} -N ${IPC_ITERATIONS.big}`;
    // One run first, not counted: v86 compiles hot guest code as it goes, and
    // the guest gets faster for many seconds (kdbus's paths start cold).
    const warm = await withTimeout(guest.run(cmd), PER_RUN_TIMEOUT_MS, 'the ipc-bench warm-up run hung');
    if (warm.status !== 0) throw new Error(`ipc-bench warm-up run exited with ${warm.status}: ${warm.stderr.trim() || warm.stdout.trim()}`);
    log(`  IPC warm-up run (not counted): ${describeRun(parseIpcOutput(warm.stdout))}`);
    const result: IpcResult = { runs: [], dmesgTrouble: [] };
    for (let i = 1; i <= runs; i++) {
      const r = await withTimeout(guest.run(cmd), PER_RUN_TIMEOUT_MS, `ipc-bench run ${i} took over ${PER_RUN_TIMEOUT_MS / 1000} s`);
      if (r.status !== 0) throw new Error(`ipc-bench run ${i} exited with ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`);
      const lines = parseIpcOutput(r.stdout);
      if (lines.length !== 6) throw new Error(`ipc-bench run ${i} printed ${lines.length} results, not 6: ${r.stdout}`);
      log(`  IPC run ${i}/${runs}: ${describeRun(lines)}`);
      result.runs.push(lines);
    }
    const dmesg = (await guest.run('dmesg')).stdout;
    result.dmesgTrouble = dmesg.split('\n').filter((l) => KERNEL_TROUBLE.test(l));
    const reports = guest.reports.map((r) => `${r.kind}: ${r.line}`);
    if (reports.length) throw new Error(`the guest kernel reported trouble during ipc-bench: ${reports.join('; ')}`);
    return result;
  } finally {
    await guest.machine.stop();
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export function sizeName(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes >> 20} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes >> 10} KiB`;
  return `${bytes} B`;
}

/** One run's round trips on one line, for the progress log. */
export function describeRun(lines: readonly IpcLine[]): string {
  return lines.map((l) => `${l.transport} ${sizeName(l.bytes)} ${formatUs(l.rtt_us)}`).join(', ');
}

export function formatUs(us: number): string {
  return us < 1000 ? `${Math.round(us)} µs` : formatMs(us / 1000);
}

/** Medians per payload size over all runs, and the kdbus/AF_UNIX ratio. */
export function ipcRows(result: IpcResult): IpcRow[] {
  const sizes = [...new Set(result.runs.flat().map((l) => l.bytes))].sort((a, b) => a - b);
  return sizes.map((bytes) => {
    const of = (t: Transport) => result.runs.flat().filter((l) => l.transport === t && l.bytes === bytes);
    const k = of('kdbus');
    const u = of('af_unix');
    if (!k.length || !u.length) throw new Error(`no ${k.length ? 'AF_UNIX' : 'kdbus'} figure for ${sizeName(bytes)}`);
    const kdbusUs = summarize(k.map((l) => l.rtt_us));
    const unixUs = summarize(u.map((l) => l.rtt_us));
    const ratio = kdbusUs.median / unixUs.median;
    const targetRatio = bytes === 64 ? IPC_TARGET_RATIO : undefined;
    return {
      bytes, kdbusUs, unixUs, ratio, targetRatio,
      kdbusPerSec: summarize(k.map((l) => l.per_sec)).median,
      unixPerSec: summarize(u.map((l) => l.per_sec)).median,
      pass: targetRatio === undefined ? undefined : ratio <= targetRatio,
    };
  });
}

export function ipcTable(rows: readonly IpcRow[]): string {
  return table(
    ['Payload', 'kdbus RTT', '(min-max)', 'AF_UNIX RTT', '(min-max)', 'kdbus rt/s', 'AF_UNIX rt/s', 'kdbus/AF_UNIX', 'target', 'result'],
    rows.map((r) => [
      sizeName(r.bytes),
      formatUs(r.kdbusUs.median), `${formatUs(r.kdbusUs.min)}-${formatUs(r.kdbusUs.max)}`,
      formatUs(r.unixUs.median), `${formatUs(r.unixUs.min)}-${formatUs(r.unixUs.max)}`,
      r.kdbusPerSec.toFixed(0), r.unixPerSec.toFixed(0),
      `${r.ratio.toFixed(2)}x`, r.targetRatio === undefined ? '-' : `<= ${r.targetRatio}x`, verdict(r.pass),
    ]),
    new Set([1, 3, 5, 6, 7]),
  );
}

/** The report section: table, goal line and what was measured. */
export function ipcReport(rows: readonly IpcRow[], runs: number): string[] {
  const small = rows.find((r) => r.bytes === 64);
  return [
    `kdbus vs AF_UNIX round trips in the guest (${runs} run${runs === 1 ? '' : 's'} of guest-image/bench/ipc-bench`
    + ' in one boot after a warm-up run, medians):',
    ipcTable(rows),
    '',
    small
      ? `Goal: kdbus <= ${IPC_TARGET_RATIO}x the AF_UNIX latency at 64 B: ${small.ratio.toFixed(2)}x, ${verdict(small.pass)}`
      : 'Goal: kdbus <= 1.5x the AF_UNIX latency at 64 B: no 64 B figure',
    'A round trip carries the payload both ways: a kdbus SYNC_REPLY call by connection ID (PAYLOAD_VEC, no',
    'metadata) vs write/read over an AF_UNIX stream socketpair between two processes; per run'
    + ` ${IPC_ITERATIONS.small} round trips at 64 B`,
    `and ${IPC_ITERATIONS.big} at 64 KiB and 1 MiB, after a tenth as many for warm-up, timed in alternating slices.`,
    'The guest is emulated (v86) on a shared host: compare ratios, not absolute times.',
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', short: 'n', default: '5' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs wants a whole number >= 1, not ${values.runs}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const result = await withIpcBench((binary) => measureIpc(runs, binary, log));
  process.stdout.write(`${ipcReport(ipcRows(result), runs).join('\n')}\n`);
  if (result.dmesgTrouble.length) process.stdout.write(`dmesg trouble:\n${result.dmesgTrouble.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`ipc: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
