// SPDX-License-Identifier: MIT
/**
 * npm run bench [-- --runs N]: how fast the playground gets to a prompt
 * (Chromium and Node, snapshot and cold boot), what a first visit downloads,
 * how fast a kernel panic shows as crashed, and kdbus vs AF_UNIX round trips
 * in the guest (ipc.ts: small and large payloads, 1 MiB as a sealed memfd vs
 * an AF_UNIX copy, a 64-byte call with all metadata vs none), the live trace
 * (trace.ts: lossless messages per second from the guest agent into the host
 * model, the agent's CPU share, the slowdown of a traced call loop) and the
 * sequence diagram (diagram.ts: frame times scrolling 50,000 messages in
 * Chromium, time to open the trace, page memory). Prints medians beside their targets and writes
 * bench-results/latest.json. A missed target is reported,
 * not an error: the exit status is non-zero only when a measurement broke.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BootMode } from '../emulator/api.js';
import { REPO_ROOT } from '../emulator/node/assets.js';
import { startStaticServer } from '../tests/helpers/static-server.js';
import { launchChromium, measurePageLoad, type PageLoadRun } from './browser.js';
import {
  describeRun, IPC_ITERATIONS, IPC_MEMFD_TARGET_RATIO, IPC_TARGET_RATIO, ipcReport, ipcSummary, withIpcBench, type IpcResult,
} from './ipc.js';
import { runInChild, type BootRun, type CrashRun } from './node.js';
import { benchDiagram, DIAGRAM_TARGETS, type DiagramBenchResult } from './diagram.js';
import { TRACE_TARGET_RATE, traceReport, type TraceBenchResult } from './trace.js';
import { MB, formatMs, formatSize, sizeTable, timingTable, verdict, type TimingRow } from './report.js';
import { measureFiles, sitePaths, totals, type FileSize } from './sizes.js';
import { summarize } from './stats.js';

const TARGETS = {
  chromiumSnapshotMs: 1000,
  chromiumColdMs: 2500,
  firstVisitBytes: 3 * MB,
  crashMs: 1000,
  /** kdbus 64-byte round trip / AF_UNIX 64-byte round trip, in the guest */
  ipcRatio64: IPC_TARGET_RATIO,
  /** kdbus 1 MiB as a re-sent sealed memfd / 1 MiB copied through AF_UNIX, in the guest */
  ipcMemfdRatio: IPC_MEMFD_TARGET_RATIO,
  /** messages per second from the guest agent into the host model without loss */
  traceRate: TRACE_TARGET_RATE,
  /** p95 frame time scrolling a 50,000-message sequence diagram in Chromium */
  diagramP95FrameMs: DIAGRAM_TARGETS.p95FrameMs,
};
const PAGE_TIMEOUT_MS = 120_000;
const DIST = join(REPO_ROOT, 'dist');
const RESULTS = join(REPO_ROOT, 'bench-results');

const USAGE = `usage: npm run bench [-- --runs N]

  --runs N   runs per timing, the median is reported (default 5)
`;

class UsageError extends Error {}

function options(): { runs: number } {
  let values: { runs?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { runs: { type: 'string', short: 'n', default: '5' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs wants a whole number >= 1, not ${values.runs}`);
  return { runs };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function mtime(path: string): number {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** Builds the site when dist/ is missing or older than the guest artifacts. */
function ensureBuilt(): void {
  const built = mtime(join(DIST, 'index.html'));
  const inputs = ['manifest.json', 'state.json'].map((f) => mtime(join(REPO_ROOT, 'public/guest', f)));
  const why = !built || !existsSync(join(DIST, 'guest/state.bin.xz')) ? 'dist/ is missing or incomplete'
    : inputs.some((t) => t > built) ? 'dist/ is older than public/guest/' : null;
  if (!why) return;
  log(`${why}: running npm run build first`);
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', process.stderr, 'inherit'] });
  if (r.status !== 0) throw new Error(`npm run build failed (${r.error?.message ?? `exit ${r.status}`})`);
}

/** Runs fn `runs` times; one failure fails the measurement (the rest still run). */
async function repeat<T>(label: string, runs: number, fn: () => Promise<T>, show: (r: T) => string): Promise<T[]> {
  const results: T[] = [];
  for (let i = 1; i <= runs; i++) {
    const r = await fn();
    log(`  ${label} ${i}/${runs}: ${show(r)}`);
    results.push(r);
  }
  return results;
}

function row(id: string, name: string, values: Array<number | null> | Error, targetMs?: number): TimingRow {
  if (values instanceof Error) return { id, name, targetMs, error: values.message.split('\n')[0] };
  if (values.some((v) => v === null)) return { id, name, targetMs, error: 'no figure in some runs' };
  const summary = summarize(values as number[]);
  return { id, name, summary, targetMs, pass: targetMs === undefined ? undefined : summary.median <= targetMs };
}

interface Failure {
  what: string;
  message: string;
}

async function main(): Promise<number> {
  const { runs } = options();
  ensureBuilt();
  const failures: Failure[] = [];
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | Error> => {
    try {
      return await fn();
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      failures.push({ what, message: e.message });
      log(`  ${what} FAILED: ${e.message}`);
      return e;
    }
  };
  const loadBefore = loadavg();
  const startedAt = new Date();

  // Chromium: fresh context per run against the built site.
  log(`Chromium (${runs} runs per mode, fresh context each)`);
  const site = await startStaticServer({ root: DIST });
  const browser = await launchChromium();
  const chromiumVersion = browser.version();
  const page: Record<BootMode, PageLoadRun[] | Error> = { snapshot: [], cold: [] };
  const served: Record<BootMode, string[]> = { snapshot: [], cold: [] };
  try {
    for (const mode of ['snapshot', 'cold'] as const) {
      page[mode] = await attempt(`Chromium ${mode}`, () => repeat(`Chromium ${mode}`, runs, async () => {
        const before = site.requests.length;
        const r = await measurePageLoad(browser, site.url + (mode === 'cold' ? '?boot=cold' : ''), PAGE_TIMEOUT_MS);
        if (!served[mode].length) served[mode] = site.requests.slice(before);
        return r;
      }, (r) => `${formatMs(r.ms)} (${r.statusText})`));
    }
  } finally {
    await browser.close();
    await site.close();
  }

  // Node: each run in a fresh process, like the CLI.
  log(`Node (${runs} runs each, a fresh process per run)`);
  const boot: Record<BootMode, BootRun[] | Error> = { snapshot: [], cold: [] };
  for (const mode of ['snapshot', 'cold'] as const) {
    boot[mode] = await attempt(`Node ${mode}`, () => repeat(`Node ${mode}`, runs,
      () => runInChild<BootRun>({ kind: 'boot', mode }), (r) => `${formatMs(r.ms)} (msToReady ${r.msToReady} ms)`));
  }
  const crash = await attempt('Node crash', () => repeat('Node panic', runs,
    () => runInChild<CrashRun>({ kind: 'crash' }),
    (r) => `write → crashed ${formatMs(r.writeToCrashedMs)}, "Kernel panic" → crashed ${formatMs(r.panicToCrashedMs)}`));

  // kdbus vs AF_UNIX: all runs of ipc-bench in one guest boot, in a fresh process.
  log(`kdbus vs AF_UNIX round trips (${runs} runs of ipc-bench in one guest)`);
  const ipc = await attempt('IPC round trips', async () => {
    const r = await withIpcBench((binary) => runInChild<IpcResult>({ kind: 'ipc', runs, binary }, 120_000 + (runs + 1) * 300_000));
    r.runs.forEach((lines, i) => log(`  IPC run ${i + 1}/${runs}: ${describeRun(lines)}`));
    return r;
  });
  if (!(ipc instanceof Error) && ipc.dmesgTrouble.length) {
    failures.push({ what: 'IPC round trips', message: `kernel trouble in the guest's dmesg: ${ipc.dmesgTrouble.join('; ')}` });
  }
  const ipcFigures = ipc instanceof Error ? null : await attempt('IPC summary', async () => ipcSummary(ipc));

  // The live trace under load, and what being traced costs a call loop (trace.ts).
  log('Live trace: throughput steps and the traced call loop (one guest)');
  const trace = await attempt('live trace', () => runInChild<TraceBenchResult>({ kind: 'trace', runs }, 600_000));
  if (!(trace instanceof Error) && trace.dmesgTrouble.length) {
    failures.push({ what: 'live trace', message: `kernel trouble in the guest's dmesg: ${trace.dmesgTrouble.join('; ')}` });
  }

  // The sequence diagram with 50,000 messages in Chromium (diagram.ts).
  log('Sequence diagram: 50,000 messages in Chromium');
  const diagram = await attempt('sequence diagram', () => benchDiagram({ dist: DIST, log }));

  // Sizes of what the real page loads fetched.
  log('Sizes (gzip -9, brotli q11)');
  let firstVisit: FileSize[] = [];
  let coldExtras: FileSize[] = [];
  const snapRuns = page.snapshot;
  const coldRuns = page.cold;
  if (!(snapRuns instanceof Error) && snapRuns[0]) {
    const snapPaths = sitePaths(snapRuns[0].fetched, site.url);
    const missed = served.snapshot.filter((p) => !snapPaths.includes(p));
    if (missed.length) log(`  note: the server also sent ${missed.join(', ')} (not seen as responses by Playwright)`);
    firstVisit = await measureFiles(DIST, snapPaths);
    if (!(coldRuns instanceof Error) && coldRuns[0]) {
      const coldPaths = sitePaths(coldRuns[0].fetched, site.url);
      coldExtras = await measureFiles(DIST, coldPaths.filter((p) => !snapPaths.includes(p)));
    }
  } else {
    failures.push({ what: 'sizes', message: 'no successful snapshot page load to take the fetched files from' });
  }
  const firstTotal = totals(firstVisit);
  const coldTotal = totals(coldExtras);

  const pick = <T>(v: T[] | Error, f: (r: T) => number | null): Array<number | null> | Error => (v instanceof Error ? v : v.map(f));
  const rows: TimingRow[] = [
    row('chromium.snapshot', 'Chromium: page load → prompt, snapshot', pick(page.snapshot, (r) => r.ms), TARGETS.chromiumSnapshotMs),
    row('chromium.snapshot.msToReady', '  (status bar "Ready in", snapshot)', pick(page.snapshot, (r) => r.msToReady)),
    row('chromium.cold', 'Chromium: page load → prompt, cold boot', pick(page.cold, (r) => r.ms), TARGETS.chromiumColdMs),
    row('chromium.cold.msToReady', '  (status bar "Ready in", cold boot)', pick(page.cold, (r) => r.msToReady)),
    row('node.snapshot', 'Node: start() → ready, snapshot', pick(boot.snapshot, (r) => r.ms)),
    row('node.snapshot.msToReady', '  (machine msToReady, snapshot)', pick(boot.snapshot, (r) => r.msToReady)),
    row('node.cold', 'Node: start() → ready, cold boot', pick(boot.cold, (r) => r.ms)),
    row('node.cold.msToReady', '  (machine msToReady, cold boot)', pick(boot.cold, (r) => r.msToReady)),
    row('node.crash.panicToCrashed', 'Node: "Kernel panic" on console → crashed', pick(crash, (r) => r.panicToCrashedMs), TARGETS.crashMs),
    row('node.crash.writeToCrashed', 'Node: panic command written → crashed', pick(crash, (r) => r.writeToCrashedMs), TARGETS.crashMs),
  ];
  const sizePass = firstVisit.length ? firstTotal.gzip <= TARGETS.firstVisitBytes : undefined;
  const loadAfter = loadavg();

  const out: string[] = [];
  out.push('', `kdbus-playground bench, ${startedAt.toISOString()}: ${runs} runs per timing, medians`,
    `host: ${cpus().length} CPUs, load average ${loadBefore[0]?.toFixed(2)} before / ${loadAfter[0]?.toFixed(2)} after; `
    + `node ${process.version}, Chromium ${chromiumVersion}`, '', timingTable(rows), '');
  if (firstVisit.length) {
    out.push('First visit (snapshot), every file the page fetched:', sizeTable(firstVisit, firstTotal, 'total'), '',
      `First visit, compressed (gzip -9): ${formatSize(firstTotal.gzip)} (${firstTotal.gzip} B; brotli ${formatSize(firstTotal.brotli)})`
      + ` vs target <= ${formatSize(TARGETS.firstVisitBytes)}: ${verdict(sizePass)}`, '');
  }
  if (coldExtras.length) out.push('Cold boot extras (?boot=cold fetches these too):', sizeTable(coldExtras, coldTotal, 'total'), '');
  if (ipcFigures && !(ipcFigures instanceof Error)) out.push(...ipcReport(ipcFigures, runs), '');
  if (!(trace instanceof Error)) out.push(...traceReport(trace), '');
  if (!(diagram instanceof Error)) out.push(...diagramReport(diagram), '');
  out.push('Sizes count what a host compressing with gzip -9 or brotli would send (a file that would not shrink, as is);',
    `MB = 2^20 bytes. A miss is not a failure.`);
  if (failures.length) out.push('', 'BROKEN:', ...failures.map((f) => `  ${f.what}: ${f.message}`));
  process.stdout.write(`${out.join('\n')}\n`);

  await mkdir(RESULTS, { recursive: true });
  const json = {
    date: startedAt.toISOString(),
    runs,
    host: { cpus: cpus().length, loadavgBefore: loadBefore, loadavgAfter: loadAfter, node: process.version, chromium: chromiumVersion },
    targets: TARGETS,
    timings: rows,
    raw: {
      chromium: { snapshot: page.snapshot instanceof Error ? null : page.snapshot.map(({ fetched: _, ...r }) => r),
        cold: page.cold instanceof Error ? null : page.cold.map(({ fetched: _, ...r }) => r) },
      node: { snapshot: boot.snapshot instanceof Error ? null : boot.snapshot, cold: boot.cold instanceof Error ? null : boot.cold },
      crash: crash instanceof Error ? null : crash,
      ipc: ipc instanceof Error ? null : ipc.runs,
    },
    trace: trace instanceof Error ? null : trace,
    diagram: diagram instanceof Error ? null : diagram,
    ipc: ipcFigures && !(ipcFigures instanceof Error)
      ? {
        iterations: IPC_ITERATIONS,
        targetRatio64: IPC_TARGET_RATIO,
        rows: ipcFigures.rtt,
        memfd: { targetRatioResent: IPC_MEMFD_TARGET_RATIO, rows: ipcFigures.memfd },
        meta: ipcFigures.meta,
      }
      : null,
    sizes: {
      firstVisit: { files: firstVisit, total: firstTotal, targetBytes: TARGETS.firstVisitBytes, pass: sizePass ?? null },
      coldExtras: { files: coldExtras, total: coldTotal },
    },
    failures,
  };
  await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${join(RESULTS, 'latest.json')}`);
  return failures.length ? 1 : 0;
}

function diagramReport(d: DiagramBenchResult): string[] {
  const pass = d.p95FrameMs <= DIAGRAM_TARGETS.p95FrameMs;
  return [
    `Sequence diagram, ${d.messages} messages (${d.events} events, ${formatSize(d.traceBytes)} of JSON lines), Chromium ${d.chromiumVersion}`,
    `  scrolling: frame p50 ${d.p50FrameMs.toFixed(1)} ms, p95 ${d.p95FrameMs.toFixed(1)} ms (goal <= ${DIAGRAM_TARGETS.p95FrameMs} ms) ${verdict(pass)}; `
      + `scroll-bar drag p95 ${d.jump.p95FrameMs.toFixed(1)} ms`,
    `  open the trace file: ${formatMs(d.openMs)} (fetch ${formatMs(d.open.fetchMs)}, parse ${formatMs(d.open.parseMs)}, `
      + `model ${formatMs(d.open.modelMs)}, first frame ${formatMs(d.open.renderMs)})`,
    `  page memory with it open: ${formatSize(d.memoryBytes)} JS heap after GC, ${d.domNodes} DOM elements`,
  ];
}

main().then((code) => process.exit(code), (err: unknown) => {
  if (err instanceof UsageError) {
    log(`bench: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  log(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(2);
});
