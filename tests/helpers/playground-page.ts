// SPDX-License-Identifier: MIT
/** Driving the playground page in a real browser: status, terminal text, typing. */
import type { Browser, Page } from 'playwright-core';

export const WAIT_MS = 60_000;

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-quic', '--no-first-run',
];

export interface OpenPage {
  page: Page;
  /** Uncaught errors in the page or its worker. */
  errors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Runs on the new page right before page.goto (e.g. to listen for responses or start a clock). */
  beforeGoto?: (page: Page) => void | Promise<void>;
  /** When page.goto returns; default 'load'. */
  waitUntil?: 'commit' | 'domcontentloaded' | 'load' | 'networkidle';
}

/** Opens the page in a fresh browser context (its own cache and storage, like a first visit). */
export async function openPlayground(
  browser: Browser, url: string, viewport = { width: 1280, height: 720 }, options: OpenOptions = {},
): Promise<OpenPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  try {
    await options.beforeGoto?.(page);
    await page.goto(url, { waitUntil: options.waitUntil ?? 'load' });
  } catch (err) {
    await context.close();
    throw err;
  }
  return { page, errors, close: () => context.close() };
}

export async function status(page: Page): Promise<{ state: string; text: string }> {
  const el = page.getByTestId('status');
  return { state: (await el.getAttribute('data-state')) ?? '', text: await el.innerText() };
}

/** States that mean the awaited one will not come (so a wait fails at once, showing why). */
const HOPELESS: Record<string, string[]> = {
  ready: ['error', 'crashed'],
  crashed: ['error'],
  error: ['ready', 'crashed'],
};

/** Waits for a status state and returns the status text. */
export async function waitForState(page: Page, state: string, timeout = WAIT_MS): Promise<string> {
  const handle = await page.waitForFunction(
    ([want, bad]) => {
      const s = document.querySelector('[data-testid="status"]')?.getAttribute('data-state') ?? '';
      return s === want || bad.includes(s) ? s : null;
    },
    [state, HOPELESS[state] ?? []] as const,
    { timeout, polling: 100 },
  );
  const got = (await handle.jsonValue()) as string;
  const { text } = await status(page);
  if (got !== state) throw new Error(`expected status ${state}, got ${got}: ${text}`);
  return text;
}

/** The whole terminal text (scrollback included), as the terminal element offers it. */
export function terminalText(page: Page): Promise<string> {
  return page.getByTestId('terminal').evaluate((el) => {
    const read = (el as HTMLElement & { readTerminalText?: () => string }).readTerminalText;
    return read ? read() : '';
  });
}

/** The rows visible on screen, read from xterm's DOM renderer. */
export function visibleRows(page: Page): Promise<string[]> {
  return page.locator('.xterm-rows > div').evaluateAll((rows) =>
    rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
}

export async function waitForText(page: Page, pattern: RegExp, timeout = WAIT_MS): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await terminalText(page);
    const m = text.match(pattern);
    if (m) return m;
    if (Date.now() > deadline) {
      throw new Error(`no ${pattern} in the terminal after ${timeout} ms; it shows:\n${text.slice(-1500)}`);
    }
    await page.waitForTimeout(100);
  }
}

/** Types a line into the terminal the way a user does: focus, keys, Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** A shell prompt at the very end of the terminal text, the cursor waiting after it. */
export const PROMPT_AT_END = /@kdbus:[^\n]*[#$]\s*$/;

/** Waits until the machine is ready and a shell prompt is on screen. */
export async function waitForPrompt(page: Page, timeout = WAIT_MS): Promise<string> {
  const statusText = await waitForState(page, 'ready', timeout);
  await waitForText(page, PROMPT_AT_END, timeout);
  return statusText;
}

const KERNEL_REPORT = /Oops|BUG:|WARNING:/;

/** Throws if the console shows a kernel Oops, BUG or WARNING. */
export async function expectNoKernelReports(page: Page): Promise<void> {
  const text = await terminalText(page);
  const line = text.split('\n').find((l) => KERNEL_REPORT.test(l));
  if (line !== undefined) throw new Error(`the kernel reported a problem: ${line}`);
}

export interface ViewRace {
  /** ms from the start of the race until the terminal matched, and until the views did. */
  terminalMs: number;
  viewMs: number;
}

/** What the views must show: an element matching `selector` whose text contains `text` — or, with `present: false`, none. */
export interface ViewCondition {
  selector: string;
  text?: string;
  present?: boolean;
}

/**
 * Measures, inside the page frame by frame, when the terminal first shows
 * `terminal` and when the views first meet `view`: how far the views lag
 * behind the guest. Start it, type the command, then await the result.
 */
export async function raceTerminalAndView(
  page: Page, terminal: RegExp, view: ViewCondition, timeout = WAIT_MS,
): Promise<() => Promise<ViewRace>> {
  await page.evaluate(
    ([source, flags, sel, want, present, limit]) => {
      const w = window as Window & { __race?: Promise<{ terminalMs: number; viewMs: number }> };
      const pattern = new RegExp(source, flags);
      const el = document.querySelector('[data-testid="terminal"]') as (HTMLElement & { readTerminalText?: () => string }) | null;
      const t0 = performance.now();
      w.__race = new Promise((resolve, reject) => {
        let terminalMs = -1;
        let viewMs = -1;
        const tick = () => {
          const now = performance.now() - t0;
          if (terminalMs < 0 && pattern.test(el?.readTerminalText?.() ?? '')) terminalMs = now;
          const found = [...document.querySelectorAll(sel)].some((e) => want === null || (e.textContent ?? '').includes(want));
          if (viewMs < 0 && found === present) viewMs = now;
          if (terminalMs >= 0 && viewMs >= 0) return resolve({ terminalMs, viewMs });
          if (now > limit) {
            const tail = (el?.readTerminalText?.() ?? '').slice(-600);
            return reject(new Error(`race timed out: terminal ${terminalMs} ms, view ${viewMs} ms; the terminal ends:\n${tail}`));
          }
          requestAnimationFrame(tick);
        };
        tick();
      });
    },
    [terminal.source, terminal.flags, view.selector, view.text ?? null, view.present ?? true, timeout] as const,
  );
  return () => page.evaluate(() => (window as Window & { __race?: Promise<ViewRace> }).__race!);
}
