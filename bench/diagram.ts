// SPDX-License-Identifier: MIT
/**
 * The sequence diagram with a 50,000-message trace in Chromium: how long the
 * trace file takes to open (fetch, parse, model, first frame with rows), the
 * frame times while scrolling it, and the page's memory with it open.
 *
 * The trace: `busyScenario(n)` of tests/fixtures/traces/diagram-scenarios.ts
 * repeats the pattern of the recorded tests/fixtures/traces/echo-call.jsonl
 * (clients say hello, call a service, get replies and now and then errors,
 * leave; services broadcast; names change hands) n messages long, framed
 * byte for byte as the agent frames it, decoded by src/trace and written as
 * JSON lines — about 39 MB for 50,000 messages. It is made in memory and
 * served beside dist/ (which must hold diagram/demo.html: npm run build).
 *
 * Frame times: Chromium runs with vsync and the frame-rate cap off, so a
 * frame takes as long as its work and the interval between two
 * requestAnimationFrame callbacks is the frame time (at 60 Hz vsync every
 * frame would read 16.7 ms whatever the work). Each frame scrolls by a fixed
 * step: 48 px (2 rows; 2,880 px/s at 60 fps, a brisk wheel or flick), and
 * separately 2,400 px (100 rows: dragging the scroll bar, a new set of rows
 * every frame). `blankFrames` counts frames where the rendered rows did not
 * cover the screen. Memory: the JS heap in use after a forced GC (CDP
 * Runtime.getHeapUsage; performance.measureUserAgentSpecificMemory needs a
 * cross-origin-isolated page, which the static server does not make) and
 * the DOM node count.
 *
 * Alone: npx tsx bench/diagram.ts [--messages N] [--seconds S] [--dist FOLDER] [--json]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from '../emulator/node/assets.js';
import { busyScenario, toJsonl } from '../tests/fixtures/traces/diagram-scenarios.js';
import { CHROMIUM_ARGS } from '../tests/helpers/playground-page.js';
import { startStaticServer } from '../tests/helpers/static-server.js';
import { CHROMIUM_PATH } from './browser.js';

export const DIAGRAM_TARGETS = {
  /** p95 frame time while scrolling (smooth scroll). */
  p95FrameMs: 16,
};

export interface FrameStats {
  frames: number;
  /** Pixels scrolled per frame. */
  step: number;
  p50FrameMs: number;
  p95FrameMs: number;
  maxFrameMs: number;
  /** Frames where the rows drawn did not cover the rows on screen. */
  blankFrames: number;
}

export interface DiagramBenchResult {
  messages: number;
  events: number;
  rows: number;
  traceBytes: number;
  /** Fetch start → first frame with the diagram drawn. */
  openMs: number;
  open: { fetchMs: number; parseMs: number; modelMs: number; renderMs: number };
  /** Smooth scrolling (the figure with the 16 ms goal). */
  p50FrameMs: number;
  p95FrameMs: number;
  scroll: FrameStats;
  /** Dragging the scroll bar. */
  jump: FrameStats;
  /** JS heap in use after GC, bytes. */
  memoryBytes: number;
  memorySource: 'cdp-heap-usage';
  domNodes: number;
  chromiumVersion: string;
}

export interface DiagramBenchOptions {
  /** The built site (default: dist/ of the repository). */
  dist?: string;
  messages?: number;
  /** Seconds of scrolling per measurement. */
  seconds?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

// In-page code is passed as text: tsx would wrap a function's inner functions in __name(), unknown to the page.
const SCROLL_PAGE_CODE = `async ({ step, ms }) => {
  const el = document.querySelector('.kdd-scroll');
  const rowHeight = 24;
  const header = document.querySelector('[data-testid="diagram-header"]').getBoundingClientRect().height;
  el.scrollTop = 0;
  await new Promise((r) => setTimeout(r, 300));
  const deltas = [];
  let blank = 0;
  let last = 0;
  let end = 0;
  await new Promise((resolve) => {
    const tick = (t) => {
      if (last) deltas.push(t - last);
      else end = t + ms;
      last = t;
      // Did the frame just drawn show rows everywhere on screen?
      const drawn = document.querySelector('[data-testid="diagram-rows"]');
      const first = Math.floor(el.scrollTop / rowHeight);
      const lastRow = Math.floor((el.scrollTop + el.clientHeight - header) / rowHeight);
      const rows = Number(document.querySelector('[data-testid="sequence-diagram"]').dataset.rows);
      if (!drawn || first < Number(drawn.dataset.first) || Math.min(lastRow, rows - 1) > Number(drawn.dataset.last)) blank++;
      const max = el.scrollHeight - el.clientHeight;
      el.scrollTop = el.scrollTop + step > max ? 0 : el.scrollTop + step;
      if (t < end) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  return { deltas, blank };
}`;

async function measureScroll(page: Page, step: number, ms: number): Promise<FrameStats> {
  const r = (await page.evaluate(`(${SCROLL_PAGE_CODE})(${JSON.stringify({ step, ms })})`)) as { deltas: number[]; blank: number };
  // The first frames after the start include the scroll to the top; drop them.
  const d = r.deltas.slice(3).sort((a, b) => a - b);
  return {
    frames: d.length,
    step,
    p50FrameMs: percentile(d, 0.5),
    p95FrameMs: percentile(d, 0.95),
    maxFrameMs: d.at(-1) ?? NaN,
    blankFrames: r.blank,
  };
}

export async function benchDiagram(options: DiagramBenchOptions = {}): Promise<DiagramBenchResult> {
  const dist = options.dist ?? join(REPO_ROOT, 'dist');
  const messages = options.messages ?? 50_000;
  const ms = (options.seconds ?? 4) * 1000;
  const log = options.log ?? (() => {});
  if (!existsSync(join(dist, 'diagram/demo.html'))) throw new Error(`no ${join(dist, 'diagram/demo.html')}: run npm run build first`);

  log(`diagram: making a ${messages}-message trace`);
  const events = busyScenario(messages).events();
  const trace = new TextEncoder().encode(toJsonl(events));
  log(`diagram: ${events.length} events, ${(trace.length / 2 ** 20).toFixed(1)} MB of JSON lines`);

  const site = await startStaticServer({ root: dist, overrides: { 'bench/diagram-trace.jsonl': trace } });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--disable-gpu-vsync', '--disable-frame-rate-limit'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}diagram/demo.html?trace=../bench/diagram-trace.jsonl`);
    await page.waitForFunction('window.__diagram && (window.__diagram.opened || window.__diagram.error)', null, { timeout: 180_000 });
    const opened = (await page.evaluate('window.__diagram.opened')) as {
      totalMs: number; fetchMs: number; parseMs: number; modelMs: number; renderMs: number; messages: number;
    } | null;
    if (!opened) throw new Error(`the diagram page failed: ${String(await page.evaluate('window.__diagram.error'))}`);
    const rows = Number(await page.getByTestId('sequence-diagram').getAttribute('data-rows'));
    log(`diagram: open ${opened.totalMs.toFixed(0)} ms (fetch ${opened.fetchMs.toFixed(0)}, parse ${opened.parseMs.toFixed(0)}, model ${opened.modelMs.toFixed(0)}, first frame ${opened.renderMs.toFixed(0)}); ${rows} rows`);

    const scroll = await measureScroll(page, 48, ms);
    log(`diagram: scroll 48 px/frame: p50 ${scroll.p50FrameMs.toFixed(1)} ms, p95 ${scroll.p95FrameMs.toFixed(1)} ms over ${scroll.frames} frames, ${scroll.blankFrames} blank`);
    const jump = await measureScroll(page, 2400, ms);
    log(`diagram: scroll-bar drag 2400 px/frame: p50 ${jump.p50FrameMs.toFixed(1)} ms, p95 ${jump.p95FrameMs.toFixed(1)} ms over ${jump.frames} frames, ${jump.blankFrames} blank`);

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    const domNodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
    log(`diagram: JS heap ${(heap.usedSize / 2 ** 20).toFixed(1)} MB after GC, ${domNodes} DOM elements`);
    if (errors.length) throw new Error(`uncaught errors in the page: ${errors.join('; ')}`);
    return {
      messages: opened.messages,
      events: events.length,
      rows,
      traceBytes: trace.length,
      openMs: opened.totalMs,
      open: { fetchMs: opened.fetchMs, parseMs: opened.parseMs, modelMs: opened.modelMs, renderMs: opened.renderMs },
      p50FrameMs: scroll.p50FrameMs,
      p95FrameMs: scroll.p95FrameMs,
      scroll,
      jump,
      memoryBytes: heap.usedSize,
      memorySource: 'cdp-heap-usage',
      domNodes,
      chromiumVersion: browser.version(),
    };
  } finally {
    await browser?.close();
    await site.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '50000' },
      seconds: { type: 'string', default: '4' },
      dist: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const r = await benchDiagram({
    ...(values.dist ? { dist: values.dist } : {}),
    messages: Number(values.messages),
    seconds: Number(values.seconds),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return;
  }
  const f = (v: number) => `${v.toFixed(1)} ms`;
  process.stdout.write(
    [
      `Sequence diagram, ${r.messages} messages (${r.rows} rows, ${(r.traceBytes / 2 ** 20).toFixed(1)} MB trace), Chromium ${r.chromiumVersion}`,
      `  open trace → diagram drawn   ${f(r.openMs)}  (fetch ${f(r.open.fetchMs)}, parse ${f(r.open.parseMs)}, model ${f(r.open.modelMs)}, first frame ${f(r.open.renderMs)})`,
      `  scroll 48 px/frame           p50 ${f(r.scroll.p50FrameMs)}  p95 ${f(r.scroll.p95FrameMs)}  (goal p95 ≤ ${DIAGRAM_TARGETS.p95FrameMs} ms: ${r.p95FrameMs <= DIAGRAM_TARGETS.p95FrameMs ? 'PASS' : 'MISS'}; ${r.scroll.frames} frames, ${r.scroll.blankFrames} blank)`,
      `  scroll-bar drag 2400 px/frame p50 ${f(r.jump.p50FrameMs)}  p95 ${f(r.jump.p95FrameMs)}  (${r.jump.frames} frames, ${r.jump.blankFrames} blank)`,
      `  memory                       ${(r.memoryBytes / 2 ** 20).toFixed(1)} MB JS heap after GC, ${r.domNodes} DOM elements`,
      '',
    ].join('\n'),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench/diagram: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
