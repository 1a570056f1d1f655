// SPDX-License-Identifier: MIT
/**
 * Page load → interactive prompt in a real Chromium, against the built site.
 * Each run gets a fresh browser context (empty cache, like a first visit).
 * The clock starts right before page.goto and stops, in the page itself, on
 * the first animation frame where the status bar says ready and the prompt is
 * on screen (the terminal's rendered rows), so polling adds no delay.
 */
import { chromium, type Browser } from 'playwright-core';
import {
  CHROMIUM_ARGS, PROMPT_AT_END, openPlayground, status, waitForPrompt,
} from '../tests/helpers/playground-page.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** One response the page (or its worker) got. */
export interface Fetched {
  url: string;
  status: number;
}

export interface PageLoadRun {
  /** page.goto start → ready and prompt on screen. */
  ms: number;
  /** The machine's own figure, from the status bar ("Ready in 0.42 s"). */
  msToReady: number | null;
  statusText: string;
  fetched: Fetched[];
}

export function launchChromium(): Promise<Browser> {
  // headless: Playwright adds --headless itself; never downloads a browser with executablePath.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export async function measurePageLoad(browser: Browser, url: string, timeout: number): Promise<PageLoadRun> {
  const fetched: Fetched[] = [];
  let t0 = 0;
  const open = await openPlayground(browser, url, undefined, {
    waitUntil: 'commit',
    beforeGoto: (page) => {
      // The page's responses include its worker's fetches (guest files, wasm) in Chromium.
      page.on('response', (r) => fetched.push({ url: r.url(), status: r.status() }));
      t0 = Date.now();
    },
  });
  try {
    const { page } = open;
    const handle = await page.waitForFunction((promptSource) => {
      const state = document.querySelector('[data-testid="status"]')?.getAttribute('data-state') ?? '';
      if (state === 'error' || state === 'crashed') return { state, at: Date.now() };
      if (state !== 'ready') return null;
      const rows = Array.from(document.querySelectorAll('.xterm-rows > div'),
        (r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
      return new RegExp(promptSource).test(rows.join('\n').trimEnd()) ? { state, at: Date.now() } : null;
    }, PROMPT_AT_END.source, { polling: 'raf', timeout });
    const seen = (await handle.jsonValue()) as { state: string; at: number };
    const { text } = await status(page);
    if (seen.state !== 'ready') throw new Error(`status ${seen.state}: ${text}`);
    // The tests' own notion of "prompt" must agree (terminal buffer, not just the screen).
    await waitForPrompt(page, 5_000);
    if (open.errors.length) throw new Error(`uncaught errors in the page: ${open.errors.join('; ')}`);
    const m = /Ready in (\d+(?:\.\d+)?) s/.exec(text);
    return { ms: seen.at - t0, msToReady: m ? Math.round(Number(m[1]) * 1000) : null, statusText: text, fetched };
  } finally {
    await open.close();
  }
}
