// SPDX-License-Identifier: MIT
/** What every Chromium test file shares: the browser, and the check on the pages a test opened. */
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM_ARGS, type OpenPage } from './playground-page.js';

/** Debian's Chromium (never a downloaded browser), headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** Closes the pages a test opened (emptying the list); a page with uncaught errors fails the test. */
export async function closeCheckedPages(open: OpenPage[]): Promise<void> {
  for (const p of open.splice(0)) {
    expect(p.errors, 'uncaught errors in the page').toEqual([]);
    await p.close();
  }
}
