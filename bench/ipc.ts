// SPDX-License-Identifier: MIT
/**
 * kdbus vs AF_UNIX round trips in the guest: guest-image/bench/ipc-bench.c,
 * compiled here with i686-linux-gnu-gcc, put into one booted guest and run
 * K times there. Each run prints one JSON line per benchmark, transport and
 * variant; this file turns them into medians and ratios, with the goals as
 * PASS/MISS (a miss is not a failure):
 *   rtt    payload both ways, 64 B, 64 KiB, 1 MiB: kdbus <= 1.5x the AF_UNIX
 *          latency at 64 B;
 *   memfd  1 MiB one way as a sealed memfd (re-sent, or made fresh per call;
 *          the receiver pread()s it, or mmap()s it) vs copied through AF_UNIX:
 *          re-sent memfd <= 0.5x AF_UNIX (issue #4);
 *   meta   64 B kdbus calls with all metadata attached vs none (no goal).
 *
 * run.ts measures it in a fresh Node process (node.ts, job 'ipc'); for a
 * quick look alone: npx tsx bench/ipc.ts [--runs N]. With --steps it runs
 * guest-image/bench/memfd-steps instead: every step of the memfd and AF_UNIX
 * transfers timed on its own in one guest process (where the time goes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../emulator/node/assets.js';
import { bootGuest, KERNEL_TROUBLE } from '../tests/helpers/guest.js';
import { formatMs, table, verdict } from './report.js';
import { summarize, type Summary } from './stats.js';

export const IPC_SOURCE = join(REPO_ROOT, 'guest-image/bench/ipc-bench.c');
export const MEMFD_STEPS_SOURCE = join(REPO_ROOT, 'guest-image/bench/memfd-steps.c');
const CC = 'i686-linux-gnu-gcc';
const GUEST_BINARY = '/tmp/ipc-bench';
const STEPS_BINARY = '/tmp/memfd-steps';
/**
 * Round trips per run (each after a tenth as warm-up): 64 B (rtt and meta),
 * 64 KiB / 1 MiB (rtt), and per case of the memfd benchmark.
 */
export const IPC_ITERATIONS = { small: 500, big: 20, memfd: 40 };
/** The goal: a 64-byte kdbus call takes at most this many AF_UNIX round trips. */
export const IPC_TARGET_RATIO = 1.5;
/** The goal of issue #4: passing 1 MiB as a re-sent sealed memfd takes at most this many AF_UNIX copies. */
export const IPC_MEMFD_TARGET_RATIO = 0.5;
/** Lines per run: 3 sizes x 2 transports, 5 memfd cases (2 x 2 kdbus, AF_UNIX), 2 metadata cases. */
const LINES_PER_RUN = 13;
const PER_RUN_TIMEOUT_MS = 300_000;

export type Transport = 'kdbus' | 'af_unix';
export type IpcBench = 'rtt' | 'memfd' | 'meta';
const BENCHES: readonly string[] = ['rtt', 'memfd', 'meta'];
/** kdbus memfd cases: one memfd re-sent by every call, or one made (and timed) per call. */
export type MemfdVariant = 'resent' | 'fresh';
/**
 * How the kdbus receiver takes in the memfd: pread() of all of it into its
 * buffer, or mmap() read-only (the only way before the "receive" field).
 */
export type MemfdReceive = 'pread' | 'mmap';
const RECEIVES: readonly string[] = ['pread', 'mmap'];
/** Attach masks of both connections of the meta benchmark: 0 or _KDBUS_ATTACH_ALL. */
export type MetaVariant = 'none' | 'all';

/** One line of ipc-bench output. */
export interface IpcLine {
  /** Absent in results from before the memfd and meta benchmarks: 'rtt'. */
  bench?: IpcBench;
  transport: Transport;
  /** rtt: vec (kdbus) / copy; memfd: resent / fresh (kdbus) / copy; meta: none / all. */
  variant?: string;
  bytes: number;
  iterations: number;
  warmup: number;
  seconds: number;
  rtt_us: number;
  per_sec: number;
  /** meta only: kdbus_msg.size of a reply (header, items, metadata; no payload). */
  msg_size?: number;
  /** meta only: the metadata items of that reply, in pool order (e.g. "creds"). */
  meta_items?: string[];
  /** memfd kdbus lines only: how the receiver took the memfd in; absent in older results: mmap. */
  receive?: MemfdReceive;
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

/** memfd: one kdbus case vs the AF_UNIX copy of the same 1 MiB. */
export interface MemfdRow {
  variant: MemfdVariant;
  receive: MemfdReceive;
  bytes: number;
  kdbusUs: Summary;
  unixUs: Summary;
  /** median kdbus round trip / median AF_UNIX round trip */
  ratio: number;
  targetRatio?: number;
  pass?: boolean;
}

/** meta: the 64-byte call without and with all metadata. */
export interface MetaRow {
  variant: MetaVariant;
  us: Summary;
  perSec: number;
  /** kdbus_msg.size of a reply in the last run (header, items, metadata). */
  msgSize: number;
  metaItems: string[];
}

export interface MetaSummary {
  rows: MetaRow[];
  /** median round trip with all metadata / median with none */
  ratio: number;
}

/** Everything ipc-bench measured, summarized over the runs. */
export interface IpcSummary {
  rtt: IpcRow[];
  memfd: MemfdRow[];
  meta: MetaSummary;
}

/** Compiles a guest benchmark program (static i386) into a scratch folder; returns its path. */
export function compileIpcBench(source: string = IPC_SOURCE): string {
  const cc = spawnSync(CC, ['--version'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) {
    throw new Error(`${CC} is not installed (Debian: apt-get install gcc-i686-linux-gnu libc6-dev-i386-cross)`);
  }
  const binary = join(mkdtempSync(join(tmpdir(), 'kp-ipc-bench-')), basename(source, '.c'));
  const r = spawnSync(CC, ['-static', '-O2', '-s', '-Wall', '-Wextra', '-Werror',
    '-I', join(REPO_ROOT, 'guest-image/kdbus/uapi'), '-o', binary, source], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${CC} failed on ${source}: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  }
  return binary;
}

/** Compiles ipc-bench (or another guest benchmark), hands its path to fn and removes it afterwards. */
export async function withIpcBench<T>(fn: (binary: string) => Promise<T>, source: string = IPC_SOURCE): Promise<T> {
  const binary = compileIpcBench(source);
  try {
    return await fn(binary);
  } finally {
    rmSync(dirname(binary), { recursive: true, force: true });
  }
}

export function parseIpcOutput(stdout: string): IpcLine[] {
  const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as IpcLine);
  for (const l of lines) {
    if ((l.transport !== 'kdbus' && l.transport !== 'af_unix') || (l.bench !== undefined && !BENCHES.includes(l.bench))
      || (l.receive !== undefined && !RECEIVES.includes(l.receive)) || !(l.rtt_us > 0) || !(l.per_sec > 0)) {
      throw new Error(`unexpected ipc-bench line: ${JSON.stringify(l)}`);
    }
  }
  return lines;
}

type Guest = Awaited<ReturnType<typeof bootGuest>>;

/**
 * Puts the binary into the guest and stops the trace agent. The agent watches
 * every bus with a monitor, which gets a copy of each message and wakes a
 * real-time task for it: that is the tracer's cost (bench/trace.ts measures
 * it), not kdbus's. Compare kdbus with AF_UNIX untraced, as one would without strace.
 */
async function prepareGuest(guest: Guest, binary: string, guestPath: string, log: (line: string) => void): Promise<void> {
  await guest.machine.putFile(guestPath, new Uint8Array(readFileSync(binary)), 0o755);
  const stop = await guest.run('kill $(pidof kdbus-agent) 2>/dev/null; while pidof kdbus-agent >/dev/null; do sleep 0.1; done; echo stopped');
  if (stop.status !== 0 || !stop.stdout.includes('stopped')) throw new Error(`could not stop the trace agent: ${stop.stderr.trim()}`);
  log('  IPC: trace agent stopped for the measurement');
}

/**
 * memfd-steps in one booted guest: a warm-up run (not shown: v86 compiles hot
 * code as it goes), then one run of `reps` repetitions per step; its output.
 */
export async function measureMemfdSteps(binary: string, reps: number, log: (line: string) => void = () => {}): Promise<string> {
  const guest = await bootGuest('snapshot');
  try {
    await prepareGuest(guest, binary, STEPS_BINARY, log);
    const warm = await withTimeout(guest.run(`${STEPS_BINARY} -n ${Math.max(2, Math.floor(reps / 3))}`), PER_RUN_TIMEOUT_MS, 'the memfd-steps warm-up run hung');
    if (warm.status !== 0) throw new Error(`memfd-steps warm-up run exited with ${warm.status}: ${warm.stderr.trim()}`);
    const r = await withTimeout(guest.run(`${STEPS_BINARY} -n ${reps}`), PER_RUN_TIMEOUT_MS, 'memfd-steps hung');
    if (r.status !== 0) throw new Error(`memfd-steps exited with ${r.status}: ${r.stderr.trim()}`);
    return r.stdout;
  } finally {
    await guest.machine.stop();
  }
}

/** Boots one guest (snapshot), puts the binary in and runs it `runs` times. */
export async function measureIpc(runs: number, binary: string, log: (line: string) => void = () => {}): Promise<IpcResult> {
  const guest = await bootGuest('snapshot');
  try {
    await prepareGuest(guest, binary, GUEST_BINARY, log);
    const cmd = `${GUEST_BINARY} -n ${IPC_ITERATIONS.small} -N ${IPC_ITERATIONS.big} -m ${IPC_ITERATIONS.memfd}`;
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
      if (lines.length !== LINES_PER_RUN) {
        throw new Error(`ipc-bench run ${i} printed ${lines.length} results, not ${LINES_PER_RUN}: ${r.stdout}`);
      }
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
  return lines.map((l) => {
    const kdbusCase = `${l.variant ?? ''}${benchOf(l) === 'memfd' ? `/${receiveOf(l)}` : ''}`;
    const what = benchOf(l) === 'rtt' ? l.transport : `${benchOf(l)} ${l.transport === 'kdbus' ? kdbusCase : l.transport}`;
    return `${what} ${sizeName(l.bytes)} ${formatUs(l.rtt_us)}`;
  }).join(', ');
}

function benchOf(l: IpcLine): IpcBench {
  return l.bench ?? 'rtt';
}

/** How a memfd line's receiver took the memfd in; results from before the field mapped it. */
function receiveOf(l: IpcLine): MemfdReceive {
  return l.receive ?? 'mmap';
}

/** The lines of one benchmark case over all runs; throws when a run lacks it. */
function linesOf(result: IpcResult, bench: IpcBench, transport: Transport, variant?: string, receive?: MemfdReceive): IpcLine[] {
  const lines = result.runs.flat()
    .filter((l) => benchOf(l) === bench && l.transport === transport && (variant === undefined || l.variant === variant)
      && (receive === undefined || receiveOf(l) === receive));
  if (!lines.length) throw new Error(`no ${bench} ${transport}${variant ? ` ${variant}` : ''}${receive ? ` ${receive}` : ''} figure`);
  return lines;
}

export function formatUs(us: number): string {
  return us < 1000 ? `${Math.round(us)} µs` : formatMs(us / 1000);
}

/** rtt: medians per payload size over all runs, and the kdbus/AF_UNIX ratio. */
export function ipcRows(result: IpcResult): IpcRow[] {
  const rtt = result.runs.flat().filter((l) => benchOf(l) === 'rtt');
  const sizes = [...new Set(rtt.map((l) => l.bytes))].sort((a, b) => a - b);
  return sizes.map((bytes) => {
    const of = (t: Transport) => rtt.filter((l) => l.transport === t && l.bytes === bytes);
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

/**
 * memfd: each kdbus case against the AF_UNIX copy; the goal applies to the
 * re-sent memfd, whichever way the receiver takes it in. Results from before
 * the pread() receiver have mmap rows only.
 */
export function memfdRows(result: IpcResult): MemfdRow[] {
  const unix = linesOf(result, 'memfd', 'af_unix');
  const unixUs = summarize(unix.map((l) => l.rtt_us));
  const kdbus = result.runs.flat().filter((l) => benchOf(l) === 'memfd' && l.transport === 'kdbus');
  const receives = (['pread', 'mmap'] as const).filter((r) => kdbus.some((l) => receiveOf(l) === r));
  if (!receives.length) throw new Error('no memfd kdbus figure');
  return receives.flatMap((receive) => (['resent', 'fresh'] as const).map((variant) => {
    const k = linesOf(result, 'memfd', 'kdbus', variant, receive);
    const kdbusUs = summarize(k.map((l) => l.rtt_us));
    const ratio = kdbusUs.median / unixUs.median;
    const targetRatio = variant === 'resent' ? IPC_MEMFD_TARGET_RATIO : undefined;
    return {
      variant, receive, bytes: k[0]?.bytes ?? 0, kdbusUs, unixUs, ratio, targetRatio,
      pass: targetRatio === undefined ? undefined : ratio <= targetRatio,
    };
  }));
}

/** meta: medians with no metadata and with all of it, and their ratio. */
export function metaSummary(result: IpcResult): MetaSummary {
  const rows = (['none', 'all'] as const).map((variant): MetaRow => {
    const lines = linesOf(result, 'meta', 'kdbus', variant);
    const last = lines[lines.length - 1];
    return {
      variant,
      us: summarize(lines.map((l) => l.rtt_us)),
      perSec: summarize(lines.map((l) => l.per_sec)).median,
      msgSize: last?.msg_size ?? 0,
      metaItems: last?.meta_items ?? [],
    };
  });
  const [none, all] = rows as [MetaRow, MetaRow];
  return { rows, ratio: all.us.median / none.us.median };
}

export function ipcSummary(result: IpcResult): IpcSummary {
  return { rtt: ipcRows(result), memfd: memfdRows(result), meta: metaSummary(result) };
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

export function memfdTable(rows: readonly MemfdRow[]): string {
  return table(
    ['1 MiB one way', 'kdbus RTT', '(min-max)', 'AF_UNIX RTT', '(min-max)', 'kdbus/AF_UNIX', 'target', 'result'],
    rows.map((r) => [
      `${r.variant === 'resent' ? 'memfd, made once, re-sent' : 'memfd, fresh per call'}; ${r.receive}()`,
      formatUs(r.kdbusUs.median), `${formatUs(r.kdbusUs.min)}-${formatUs(r.kdbusUs.max)}`,
      formatUs(r.unixUs.median), `${formatUs(r.unixUs.min)}-${formatUs(r.unixUs.max)}`,
      `${r.ratio.toFixed(2)}x`, r.targetRatio === undefined ? '-' : `<= ${r.targetRatio}x`, verdict(r.pass),
    ]),
    new Set([1, 3, 5]),
  );
}

export function metaTable(meta: MetaSummary): string {
  return table(
    ['64 B kdbus call', 'RTT', '(min-max)', 'rt/s', 'reply msg.size', 'metadata items per message'],
    meta.rows.map((r) => [
      r.variant === 'all' ? 'all metadata' : 'no metadata',
      formatUs(r.us.median), `${formatUs(r.us.min)}-${formatUs(r.us.max)}`, r.perSec.toFixed(0),
      `${r.msgSize} B`, r.metaItems.length ? `${r.metaItems.length}: ${r.metaItems.join(' ')}` : '0',
    ]),
    new Set([1, 3, 4]),
  );
}

/** The report section: tables, goal lines and what was measured. */
export function ipcReport(summary: IpcSummary, runs: number): string[] {
  const rows = summary.rtt;
  const small = rows.find((r) => r.bytes === 64);
  const resent = summary.memfd.filter((r) => r.variant === 'resent');
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
    '',
    'A sealed memfd vs a copy through AF_UNIX (issue #4), same runs, medians:',
    memfdTable(summary.memfd),
    '',
    resent.length
      ? `Goal: a re-sent 1 MiB memfd <= ${IPC_MEMFD_TARGET_RATIO}x the AF_UNIX copy: `
        + resent.map((r) => `${r.ratio.toFixed(2)}x with ${r.receive}(), ${verdict(r.pass)}`).join('; ')
      : `Goal: a re-sent 1 MiB memfd <= ${IPC_MEMFD_TARGET_RATIO}x the AF_UNIX copy: no figure`,
    'A round trip moves 1 MiB one way and an 8-byte answer back; the receiver reads one byte per 4 KiB page of all',
    'the bytes it received and answers their sum. kdbus: a SYNC_REPLY call whose only payload is a PAYLOAD_MEMFD',
    'item; the server pread()s all of the installed memfd into its buffer ("pread()") or mmaps it read-only and',
    'unmaps it after reading ("mmap()"), then closes it, FREEs and replies with a PAYLOAD_VEC. "re-sent": one memfd,',
    'filled and sealed before the warm-up, goes with every call (the goal applies to this case); "fresh": every call',
    'also runs memfd_create, write() of 1 MiB, F_ADD_SEALS and close, inside the timing. AF_UNIX: write() 1 MiB, the',
    `peer read()s it all into its buffer and writes the sum back. ${IPC_ITERATIONS.memfd} round trips per case and run.`,
    'Where the time goes: npx tsx bench/ipc.ts --steps (guest-image/bench/memfd-steps.c).',
    '',
    'Metadata on a 64 B kdbus call (same runs, medians):',
    metaTable(summary.meta),
    '',
    `All metadata / none: ${summary.meta.ratio.toFixed(2)}x the round trip (no goal).`,
    'The 64 B SYNC_REPLY call above between two other connections whose attach_flags_send and attach_flags_recv are',
    'both _KDBUS_ATTACH_ALL ("all": call and reply carry every item the guest kernel has) or both 0 ("none"); all',
    `four connections have a description and own a well-known name. ${IPC_ITERATIONS.small} round trips each per run.`,
    '',
    'The guest is emulated (v86) on a shared host: compare ratios, not absolute times.',
  ];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', short: 'n', default: '5' }, steps: { type: 'boolean', default: false } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs wants a whole number >= 1, not ${values.runs}`);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (values.steps) {
    // Many repetitions per step: single steps are short, and the host's load shows in the means.
    const out = await withIpcBench((binary) => measureMemfdSteps(binary, 300, log), MEMFD_STEPS_SOURCE);
    process.stdout.write(out);
    return;
  }
  const before = loadavg()[0] ?? 0;
  const result = await withIpcBench((binary) => measureIpc(runs, binary, log));
  const after = loadavg()[0] ?? 0;
  process.stdout.write(`${ipcReport(ipcSummary(result), runs).join('\n')}\n`);
  process.stdout.write(`host load average ${before.toFixed(2)} before / ${after.toFixed(2)} after\n`);
  if (result.dmesgTrouble.length) process.stdout.write(`dmesg trouble:\n${result.dmesgTrouble.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(() => process.exit(0), (err: unknown) => {
    process.stderr.write(`ipc: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
