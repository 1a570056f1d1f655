// SPDX-License-Identifier: MIT
/**
 * Share links in the built site (dist/) in Debian's Chromium with the real
 * guest: commands typed into the terminal, Share, the link opened in a fresh
 * page (its own browser context) replays them into the shell, and both
 * pages show the same connections and messages and export the same
 * normalised trace. Malformed and hostile links give a clear message and a
 * working clean playground; a link for another guest image says so; embed
 * mode shows the terminal and the diagram only. Needs `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { closeCheckedPages, launchChromium } from '../helpers/browser-suite.js';
import { decodeShareLink, encodeShareLink } from '../../src/share/link.js';
import { normaliseTrace } from '../../src/share/normalise.js';
import { parseTraceLines } from '../../src/trace/jsonl.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { WAIT_MS, openPlayground, terminalText, typeLine, waitForPrompt, waitForText, type OpenPage } from '../helpers/playground-page.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const TEST_MS = 240_000;
const ECHO = 'org.example.Echo';
const FAKE_IMAGE = '0000000000000000';

let browser: Browser;
let site: StaticServer;
let pinnedSite: StaticServer;
let currentImage: string;
const open: OpenPage[] = [];

async function playground(url: string): Promise<OpenPage> {
  const p = await openPlayground(browser, url);
  // A link must never run script: no alert/confirm/prompt may open.
  p.page.on('dialog', (d) => {
    p.errors.push(`a dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  open.push(p);
  return p;
}

beforeAll(async () => {
  if (!existsSync(`${DIST}index.html`)) throw new Error(`no ${DIST}index.html: run npm run build first`);
  currentImage = (JSON.parse(readFileSync(`${DIST}guest/images.json`, 'utf8')) as { current: string }).current;
  site = await startStaticServer({ root: DIST });
  // The same site as a deployment that still keeps an older image (only its index says so).
  pinnedSite = await startStaticServer({
    root: DIST,
    overrides: { 'guest/images.json': Buffer.from(JSON.stringify({ current: currentImage, images: [FAKE_IMAGE, currentImage] })) },
  });
  browser = await launchChromium();
}, WAIT_MS);

afterEach(async () => {
  await closeCheckedPages(open);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await pinnedSite?.close();
});

const panel = (page: Page) => page.getByTestId('share-panel');

async function exportTrace(page: Page) {
  await page.getByTestId('export-menu').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-jsonl').click()]);
  return parseTraceLines(await readFile(await d.path(), 'utf8')).events;
}

/** What the views show: connection names, and the diagram's rows (kind and text). */
async function viewsShow(page: Page) {
  const names = (await page.getByTestId('conn-name').allInnerTexts()).sort();
  const rows = await page.getByTestId('diagram-pane').locator('[data-log]').evaluateAll((els) =>
    els.map((e) => `${e.getAttribute('data-kind')} ${(e.textContent ?? '').replace(/\s+/g, ' ').trim()}`));
  // Without the times (ms since the start, reply latency): those are the only things a replay may change.
  return { names, rows: rows.map((r) => r.replace(/^(\S+ )\d+\.\d+/, '$1').replace(/↩ [\d.]+ ms/, '↩')) };
}

async function expectCleanPlayground(page: Page): Promise<void> {
  await waitForPrompt(page);
  await typeLine(page, 'echo clean-$((6*7))');
  await waitForText(page, /^clean-42$/m);
}

describe('share links', () => {
  it('round trip: type commands, Share, open the link fresh: same commands, same views, same normalised trace', async () => {
    const { page } = await playground(site.url);
    await waitForPrompt(page);
    const commands = [
      'kdbus bus make demo &',
      `kdbus serve ${ECHO} --interval 0 &`,
      `kdbus call ${ECHO} /org/example/Echo ${ECHO} Echo s shared`,
      'kdbus monitor',
    ];
    await typeLine(page, commands[0]!);
    await page.getByTestId('tree-bus').filter({ hasText: '0-demo' }).waitFor({ timeout: WAIT_MS });
    await typeLine(page, commands[1]!);
    await page.getByTestId('conn-name').filter({ hasText: ECHO }).waitFor({ timeout: WAIT_MS });
    await typeLine(page, commands[2]!);
    await waitForText(page, /^s "shared"$/m);
    await page.getByTestId('diagram-pane').locator('[data-kind="method-return"]').first().waitFor({ timeout: WAIT_MS });
    // A foreground program ended with Ctrl-C: recorded as interrupted, and interrupted again by the replay.
    await typeLine(page, commands[3]!);
    await page.waitForTimeout(1500);
    await page.keyboard.press('Control+C');
    await waitForText(page, /\^C[\s\S]*@kdbus:[^\n]*[#$]\s*$/);
    await page.waitForTimeout(1000);

    await page.getByTestId('share').click();
    await expect.poll(() => panel(page).getAttribute('data-kind')).toBe('made');
    const url = await page.getByTestId('share-url').inputValue();
    expect(url.startsWith(`${site.url}#share=`)).toBe(true);
    expect(await decodeShareLink(url)).toMatchObject({ commands, interrupted: [3] });
    await expect.poll(() => panel(page).innerText()).toContain('(4 commands)');
    const original = await viewsShow(page);
    const originalTrace = normaliseTrace(await exportTrace(page));
    expect(original.names).toContain(ECHO);

    const second = await playground(url);
    const p2 = second.page;
    await expect.poll(() => panel(p2).getAttribute('data-kind'), { timeout: 120_000 }).toBe('replayed');
    expect(await panel(p2).innerText()).toContain('Replayed the shared demo (4 commands)');
    const text = await p2.getByTestId('terminal').evaluate((el) => (el as HTMLElement & { readTerminalText?: () => string }).readTerminalText?.() ?? '');
    // The commands ran in the shell, in order: their outputs (the shell's echo of a typed line wraps at its own width).
    let at = 0;
    for (const out of ['/sys/fs/kdbus/0-demo/bus', `serve: ${ECHO} on`, 's "shared"']) {
      const i = text.indexOf(out, at);
      expect(i, `${out} in the replayed terminal:\n${text}`).toBeGreaterThanOrEqual(0);
      at = i + out.length;
    }
    await waitForText(p2, /^s "shared"$/m);
    await expect.poll(async () => (await viewsShow(p2)).rows.length).toBe(original.rows.length);
    expect(await viewsShow(p2)).toEqual(original);
    expect(normaliseTrace(await exportTrace(p2))).toEqual(originalTrace);
    // Sharing the replayed page gives the same commands again.
    await p2.getByTestId('share').click();
    await expect.poll(() => panel(p2).innerText()).toContain('(4 commands)');
  }, TEST_MS);

  it('malformed, truncated and hostile links: a clear message, no script, a clean working playground', async () => {
    const good = await encodeShareLink({ v: 1, image: currentImage, commands: ['echo hi'] }, site.url);
    const cases: [string, RegExp][] = [
      [`${site.url}#share=AAAA`, /This share link cannot be opened: the share link has version 0; this playground reads version 1/],
      [`${site.url}#share=AQAA`, /This share link cannot be opened: the share link is truncated or damaged \(its compressed data does not unpack\)/],
      [good.slice(0, good.length - 7), /This share link cannot be opened: the share link (is damaged|is truncated)/],
      [`${site.url}#share=${'A'.repeat(20_000)}`, /This share link cannot be opened: the share link is too long \(20000 characters; the limit is 16000\)/],
      [`${site.url}#share=<img src=x onerror=alert(1)><script>alert(2)</script>`, /This share link cannot be opened: the share link is damaged/],
    ];
    for (const [url, message] of cases) {
      const { page } = await playground(url);
      await expect.poll(() => panel(page).getAttribute('data-kind')).toBe('invalid');
      expect(await panel(page).innerText()).toMatch(message);
      expect(await panel(page).innerText()).toContain('The playground started clean.');
      // The broken fragment is gone: a reload starts clean.
      expect(await page.evaluate(() => location.hash)).toBe('');
      expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
      await expectCleanPlayground(page);
      await open.pop()!.close();
    }
  }, TEST_MS);

  it('a link carries the open lesson and its step, and opening it opens that lesson there', async () => {
    const { page } = await playground(site.url);
    await waitForPrompt(page);
    await page.getByTestId('lessons-button').click();
    await page.getByTestId('lessons-menu').getByText('Names').click();
    await page.getByTestId('lesson-panel').waitFor();
    // Two steps on, with the panel's own button (→ in the shell is the shell's).
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Next step' }).click();
    await expect.poll(() => page.getByTestId('lesson-panel').getAttribute('data-step')).toBe('2');
    await page.getByTestId('share').click();
    await expect.poll(() => panel(page).getAttribute('data-kind')).toBe('made');
    const url = await page.getByTestId('share-url').inputValue();
    expect(await decodeShareLink(url)).toMatchObject({ lesson: { id: '09-names', step: 2 } });

    const second = await playground(url);
    const p2 = second.page;
    await p2.getByTestId('lesson-panel').waitFor({ timeout: WAIT_MS });
    expect(await p2.getByTestId('lesson-panel').getAttribute('data-step')).toBe('2');
    expect(await p2.getByTestId('lesson-step-title').innerText()).toBe(await page.getByTestId('lesson-step-title').innerText());
  }, TEST_MS);

  it('opening a link made in a lesson types the lesson\'s steps through its step, then the link\'s commands', async () => {
    // Made at step 3 of "Names" (index 2) after the user's own `kdbus list`: steps 1-3 build the names it lists.
    const url = await encodeShareLink({ v: 1, image: currentImage, lesson: { id: '09-names', step: 2 }, commands: ['kdbus list; echo user-$((6*7))'] }, site.url);
    const { page } = await playground(url);
    await page.getByTestId('lesson-panel').waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('lesson-panel').getAttribute('data-step')).toBe('2');
    const t0 = Date.now();
    await expect.poll(() => panel(page).getAttribute('data-kind'), { timeout: 120_000 }).toBe('replayed');
    console.log(`lesson link replayed in ${((Date.now() - t0) / 1000).toFixed(1)} s after the lesson panel showed`);
    expect(await page.getByTestId('lesson-status').innerText()).toBe('ran');
    const text = await page.getByTestId('terminal').evaluate((el) => (el as HTMLElement & { readTerminalText?: () => string }).readTerminalText?.() ?? '');
    // Each step's commands ran in the shell, in order, and the link's command after them (it sees the names they made).
    let at = 0;
    for (const out of ['kdbus bus make names & B=$!', 'kdbus own org.example.Echo --queue &', 'in-queue', 'kdbus own org.example.Clock --replace &', 'user-42']) {
      const i = text.indexOf(out, at);
      expect(i, `${out} in the terminal, in order:\n${text}`).toBeGreaterThanOrEqual(0);
      at = i + out.length;
    }
    expect(text.slice(text.indexOf('kdbus list; echo user'))).toContain('org.example.Clock');
    // Step 4 did not run.
    expect(text).not.toContain('kdbus activate');
    // The link's command is the page's command again; the lesson's are not.
    await page.getByTestId('share').click();
    await expect.poll(() => panel(page).getAttribute('data-kind')).toBe('made');
    expect(await decodeShareLink(await page.getByTestId('share-url').inputValue()))
      .toMatchObject({ lesson: { id: '09-names', step: 2 }, commands: ['kdbus list; echo user-$((6*7))'] });
  }, TEST_MS);

  it('a command typed ahead while another runs is recorded, and the replay runs both in order', async () => {
    const { page } = await playground(site.url);
    await waitForPrompt(page);
    const first = 'sleep 1; echo first-$((6*7))';
    const second = 'echo second-$((6*7))';
    await typeLine(page, first);
    // Typed while `sleep 1` runs, before the prompt is back.
    await page.waitForTimeout(150);
    expect(await terminalText(page)).not.toContain('first-42');
    await page.keyboard.type(second);
    await page.keyboard.press('Enter');
    await waitForText(page, /^first-42[\s\S]*^second-42$/m);
    // And a line a program reads is input, not a command.
    await typeLine(page, 'read x; echo got-$x');
    await page.waitForTimeout(300);
    await page.keyboard.type('answer');
    await page.keyboard.press('Enter');
    await waitForText(page, /^got-answer$/m);
    await page.waitForTimeout(500);
    await page.getByTestId('share').click();
    await expect.poll(() => panel(page).getAttribute('data-kind')).toBe('made');
    const url = await page.getByTestId('share-url').inputValue();
    expect((await decodeShareLink(url)).commands).toEqual([first, second, 'read x; echo got-$x']);

    // The replay: both typed-ahead commands, in order (the `read` waits for input the link does not carry: it is not replayed).
    const link = await encodeShareLink({ v: 1, image: currentImage, commands: [first, second] }, site.url);
    const p2 = (await playground(link)).page;
    await expect.poll(() => panel(p2).getAttribute('data-kind'), { timeout: 120_000 }).toBe('replayed');
    await waitForText(p2, /^first-42[\s\S]*^second-42$/m);
  }, TEST_MS);

  it('commands holding markup are typed as text and shown as text', async () => {
    const hostile = `echo '<img src=x onerror="window.__pwned=1">'`;
    const url = await encodeShareLink({ v: 1, image: currentImage, commands: [hostile] }, site.url);
    const { page } = await playground(url);
    await expect.poll(() => panel(page).getAttribute('data-kind'), { timeout: 120_000 }).toBe('replayed');
    await waitForText(page, /^<img src=x onerror="window.__pwned=1">$/m);
    expect(await page.evaluate(() => (window as Window & { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
  }, TEST_MS);

  it('a link made with another guest image says so, and offers the pinned image when the site keeps it', async () => {
    const requests: string[] = [];
    const first = await playground(site.url);
    first.page.on('request', (r) => requests.push(r.url()));
    await waitForPrompt(first.page);
    // A first visit fetches no index of images.
    expect(requests.filter((u) => u.includes('images.json'))).toEqual([]);
    await open.pop()!.close();

    const url = await encodeShareLink({ v: 1, image: FAKE_IMAGE, commands: ['echo other-$((6*7))'] }, site.url);
    const { page } = await playground(url);
    await expect.poll(() => panel(page).getAttribute('data-kind')).toBe('mismatch');
    const text = await panel(page).innerText();
    expect(text).toContain(`This link was made with guest image ${FAKE_IMAGE}; this site runs ${currentImage}.`);
    expect(text).toContain(`(this site no longer has image ${FAKE_IMAGE})`);
    expect(await page.getByTestId('share-open-pinned').count()).toBe(0);
    await page.getByTestId('share-open-anyway').click();
    await expect.poll(() => panel(page).getAttribute('data-kind'), { timeout: 120_000 }).toBe('replayed');
    await waitForText(page, /^other-42$/m);

    const pinnedLink = await encodeShareLink({ v: 1, image: FAKE_IMAGE, commands: ['echo x'] }, pinnedSite.url);
    const second = await playground(pinnedLink);
    await expect.poll(() => panel(second.page).getAttribute('data-kind')).toBe('mismatch');
    const href = await second.page.getByTestId('share-open-pinned').getAttribute('href');
    expect(href).toContain(`?image=${FAKE_IMAGE}#share=`);
    await open.pop()!.close();

    // A pinned image boots from its own folder: here the current one, kept under guest/<hash>/ by the build.
    const pinned = await playground(`${site.url}?image=${currentImage}`);
    const fetched: string[] = [];
    pinned.page.on('request', (r) => fetched.push(r.url()));
    await expectCleanPlayground(pinned.page);
    await pinned.page.getByTestId('share').click();
    await expect.poll(() => panel(pinned.page).getAttribute('data-kind')).toBe('made');
    expect(fetched.some((u) => u.endsWith(`/guest/${currentImage}/manifest.json`))).toBe(true);
    const link = await pinned.page.getByTestId('share-url').inputValue();
    expect(link).toContain(`?image=${currentImage}#share=`);
  }, TEST_MS);

  it('an older image restored from git history by the build boots from its own folder (cold: no state is kept)', async (ctx) => {
    const images = (JSON.parse(readFileSync(`${DIST}guest/images.json`, 'utf8')) as { images: string[] }).images;
    const older = images.filter((h) => h !== currentImage);
    if (older.length === 0) {
      // Only a shallow clone has no older images to pin; anywhere else that is a bug.
      const shallow = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { encoding: 'utf8' }).stdout.trim();
      expect(shallow, 'a full clone must give the build older images').toBe('true');
      ctx.skip();
      return;
    }
    const image = older[0]!;
    const manifest = JSON.parse(readFileSync(`${DIST}guest/${image}/manifest.json`, 'utf8')) as { kernelRelease?: string };
    expect(existsSync(`${DIST}guest/${image}/state.json`)).toBe(false);
    const pinned = await playground(`${site.url}?image=${image}`);
    const fetched: string[] = [];
    pinned.page.on('request', (r) => fetched.push(r.url()));
    await expectCleanPlayground(pinned.page);
    expect(fetched.some((u) => u.endsWith(`/guest/${image}/bzImage`))).toBe(true);
    expect(fetched.some((u) => /\/guest\/bzImage$/.test(u))).toBe(false);
    if (manifest.kernelRelease) {
      await typeLine(pinned.page, 'uname -r');
      await waitForText(pinned.page, new RegExp(`^${manifest.kernelRelease.replace(/[.+]/g, '\\$&')}$`, 'm'));
    }
  }, TEST_MS);

  it('embed mode shows the terminal and the diagram only, and replays a link', async () => {
    const url = await encodeShareLink({ v: 1, image: currentImage, commands: ['kdbus bus make demo &', `kdbus serve ${ECHO} --interval 0 &`] }, `${site.url}?embed=1`);
    const { page } = await playground(url);
    await expect(page.getByTestId('app').getAttribute('data-embed')).resolves.toBe('true');
    await expect.poll(() => panel(page).getAttribute('data-kind'), { timeout: 120_000 }).toBe('replayed');
    expect(await page.getByTestId('terminal').isVisible()).toBe(true);
    expect(await page.getByTestId('diagram-pane').isVisible()).toBe(true);
    for (const id of ['share', 'export-menu', 'tree-bus', 'conn-row', 'scrubber', 'status']) {
      expect(await page.getByTestId(id).count(), id).toBe(0);
    }
    expect(await page.locator('header, .filter-bar').count()).toBe(0);
    // The diagram shows the service's lifeline.
    await expect.poll(() => page.getByTestId('diagram-pane').innerText()).toContain(ECHO);
  }, TEST_MS);
});
