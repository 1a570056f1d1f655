// SPDX-License-Identifier: MIT
/**
 * A lesson walked through in presentation mode, in Debian's Chromium at
 * 1280×720 against the built site (dist/) with the real guest: open it from
 * the Lessons menu, Present, then only → keys — each → types the step's
 * commands into the real shell (waiting for the prompt between them) or goes
 * to the next step; past the last step → steps through the messages. Checks
 * the big high-contrast layout fits the screen without chrome, the pointer,
 * ← and Escape. Needs `npm run build` first.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser-suite.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { WAIT_MS, expectNoKernelReports, openPlayground, terminalText, waitForPrompt, waitForText, type OpenPage } from '../helpers/playground-page.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const LESSON = '09-names';

let browser: Browser;
let site: StaticServer;
let open: OpenPage | null = null;

beforeAll(async () => {
  if (!existsSync(`${DIST}index.html`)) throw new Error(`no ${DIST}index.html: run npm run build first`);
  await mkdir(RESULTS, { recursive: true });
  site = await startStaticServer({ root: DIST });
  browser = await launchChromium();
}, WAIT_MS);

afterAll(async () => {
  if (open) {
    expect(open.errors, 'uncaught errors in the page').toEqual([]);
    await open.close();
  }
  await browser?.close();
  await site?.close();
});

const panel = (page: Page) => page.getByTestId('lesson-panel');
const stepIndex = async (page: Page) => Number(await panel(page).getAttribute('data-step'));
const status = (page: Page) => page.getByTestId('lesson-status').innerText();

/** Presses → once and waits until the step's commands have run (status "ran") or the step changed. */
async function arrow(page: Page): Promise<void> {
  const before = { step: await stepIndex(page), status: await status(page) };
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => {
    const s = await status(page);
    if (s.startsWith('stopped')) throw new Error(`the step stopped: ${s}`);
    return (await stepIndex(page)) !== before.step || (s === 'ran' && before.status !== 'ran');
  }, { timeout: 60_000, interval: 100 }).toBe(true);
}

describe('presentation mode', () => {
  it(`walks lesson ${LESSON} with → keys at 1280×720`, async () => {
    open = await openPlayground(browser, site.url);
    const { page } = open;
    await waitForPrompt(page);

    await page.getByTestId('lessons-button').click();
    const items = page.getByTestId('lessons-menu').getByRole('menuitem');
    expect(await items.count()).toBe(11);
    await page.locator(`[data-lesson="${LESSON}"]`).click();
    expect(await page.getByTestId('lesson-step-title').innerText()).toBe('Ownership');
    await page.getByTestId('lesson-present').click();

    // No chrome: header, filter bar, status bar hidden; large type; black background; all on one 720-pixel screen.
    const app = page.getByTestId('app');
    await expect.poll(() => app.getAttribute('class')).toMatch(/\bpresenting\b/);
    expect(await page.locator('header.header').isVisible()).toBe(false);
    expect(await page.locator('.filter-bar').isVisible()).toBe(false);
    expect(await page.locator('.status-bar').isVisible()).toBe(false);
    const look = await panel(page).evaluate((el) => {
      const cs = getComputedStyle(el);
      const app = getComputedStyle(document.querySelector('[data-testid="app"]')!);
      return { font: parseFloat(cs.fontSize), bg: app.backgroundColor, color: app.color, scroll: document.documentElement.scrollHeight };
    });
    expect(look.font).toBeGreaterThanOrEqual(20);
    expect(look.bg).toBe('rgb(0, 0, 0)');
    expect(look.color).toBe('rgb(255, 255, 255)');
    expect(look.scroll).toBeLessThanOrEqual(720);
    for (const id of ['lesson-panel', 'terminal', 'diagram-pane']) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.y + box!.height, id).toBeLessThanOrEqual(720);
      expect(box!.height, id).toBeGreaterThan(100);
    }

    // The pointer follows the mouse.
    await page.mouse.move(640, 360);
    const pointer = page.getByTestId('presentation-pointer');
    await pointer.waitFor({ state: 'visible' });
    expect(await pointer.evaluate((el) => (el as HTMLElement).style.transform)).toBe('translate(640px, 360px)');

    // → through the whole lesson: run step 1, next, run step 2, ….
    const steps = Number((await page.getByTestId('lesson-step-count').innerText()).match(/of (\d+)/)![1]);
    expect(steps).toBe(5);
    const t0 = Date.now();
    for (let guard = 0; guard < 2 * steps; guard++) {
      await arrow(page);
      if ((await stepIndex(page)) === steps - 1 && (await status(page)) === 'ran') break;
    }
    console.log(`lesson ${LESSON} presented in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(await stepIndex(page)).toBe(steps - 1);
    // The commands were typed into the real shell, and ran there.
    const term = await terminalText(page);
    expect(term).toContain('kdbus own org.example.Echo --queue &');
    expect(term).toMatch(/in-queue/);
    expect(term).toMatch(/^s "wake-up"$/m);
    await waitForText(page, /Terminated|Done/);

    // Past the end, → steps through the messages on the timeline.
    expect(await page.getByTestId('timeline').getAttribute('data-state')).toBe('live');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('timeline').getAttribute('data-state')).toBe('paused');
    const first = Number(await page.getByTestId('timeline').getAttribute('data-as-of'));
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => Number(await page.getByTestId('timeline').getAttribute('data-as-of'))).toBeGreaterThan(first);

    // ← goes back a step; Escape leaves presentation mode.
    await page.keyboard.press('ArrowLeft');
    expect(await stepIndex(page)).toBe(steps - 2);
    await page.screenshot({ path: `${RESULTS}presentation-1280x720.png` });
    await page.keyboard.press('Escape');
    await expect.poll(() => app.getAttribute('class')).not.toMatch(/\bpresenting\b/);
    expect(await page.locator('header.header').isVisible()).toBe(true);
    await expectNoKernelReports(page);
  }, 240_000);

  it('→ and ← are the shell\'s while the terminal has the focus, the lesson\'s otherwise; the help says so', async () => {
    const own = await openPlayground(browser, site.url);
    const { page } = own;
    try {
      await waitForPrompt(page);
      await page.getByTestId('lessons-button').click();
      await page.locator('[data-lesson="01-domains"]').click();
      await page.getByTestId('lesson-present').click();
      const keys = page.getByTestId('lesson-keys');
      await expect.poll(() => keys.getAttribute('data-arrows')).toBe('lesson');

      // The help (?) has the presentation keys; Escape closes it and stays in presentation mode.
      await page.keyboard.press('?');
      const help = page.getByTestId('help-presentation');
      await help.waitFor();
      expect(await help.innerText()).toMatch(/in the terminal\s+The arrows are the shell’s \(cursor, history\); click the lesson to step again/);
      await page.keyboard.press('Escape');
      await page.getByTestId('help').waitFor({ state: 'detached' });
      expect(await page.getByTestId('app').getAttribute('class')).toMatch(/\bpresenting\b/);

      // In the terminal: the arrows edit the command line (the cursor moves), the lesson stays where it was.
      await page.locator('.xterm-helper-textarea').focus();
      await expect.poll(() => keys.getAttribute('data-arrows')).toBe('shell');
      expect(await keys.innerText()).toContain('move in the shell');
      await page.keyboard.type('echo abc');
      for (const k of ['ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'ArrowRight']) await page.keyboard.press(k);
      await page.keyboard.type('X');
      await page.keyboard.press('Enter');
      await waitForText(page, /^aXbc$/m);
      expect(await stepIndex(page)).toBe(0);
      expect(await status(page)).toBe('');
      expect(await terminalText(page)).not.toContain('kdbus domain mount');

      // A click on the lesson: the arrows step it again (→ runs step 1, → goes to step 2, ← back).
      await page.getByTestId('lesson-step-title').click();
      await expect.poll(() => keys.getAttribute('data-arrows')).toBe('lesson');
      await arrow(page);
      expect(await status(page)).toBe('ran');
      await waitForText(page, /kdbus domain mount \/tmp\/dom/);
      await arrow(page);
      expect(await stepIndex(page)).toBe(1);
      await page.keyboard.press('ArrowLeft');
      expect(await stepIndex(page)).toBe(0);
      expect(own.errors, 'uncaught errors in the page').toEqual([]);
    } finally {
      await own.close();
    }
  }, 120_000);
});
