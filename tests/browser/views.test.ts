// SPDX-License-Identifier: MIT
/**
 * The bus views of the built site (dist/) in Debian's Chromium, fed by the
 * real guest's trace agent: commands typed in the terminal show up in the
 * bus tree, the connection list and the sequence diagram within a second;
 * the inspector, the timeline, the filters, the exports (JSON lines
 * re-imported without a guest, pcap decoded by tshark, diagram SVG/PNG),
 * the layout at projector and laptop sizes, and the README screenshots
 * (KP_UPDATE_SCREENSHOTS=1 writes them to docs/). Needs `npm run build` first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Locator, type Page } from 'playwright-core';
import { closeCheckedPages, launchChromium } from '../helpers/browser-suite.js';
import { importTraceText } from '../../src/export/trace-file.js';
import { parseTraceLine } from '../../src/trace/jsonl.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import {
  WAIT_MS, expectNoKernelReports, openPlayground, raceTerminalAndView, typeLine,
  visibleRows, waitForPrompt, waitForText, type OpenPage,
} from '../helpers/playground-page.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
/** The README's screenshots go to docs/ only on request (KP_UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
const SHOTS = process.env.KP_UPDATE_SCREENSHOTS === '1' ? fileURLToPath(new URL('../../docs/', import.meta.url)) : RESULTS;
const FIXTURE = fileURLToPath(new URL('../fixtures/traces/echo-call.jsonl', import.meta.url));
const TEST_MS = 240_000;
/** "Within a second": how far the views may lag behind what the terminal shows. */
const LAG_MS = 1000;

const ECHO = 'org.example.Echo';
const CALL = `kdbus call ${ECHO} /org/example/Echo ${ECHO} Echo s hello`;

let browser: Browser;
let site: StaticServer;
const open: OpenPage[] = [];

async function playground(query = '', viewport?: { width: number; height: number }): Promise<OpenPage> {
  const p = await openPlayground(browser, site.url + query, viewport);
  open.push(p);
  return p;
}

beforeAll(async () => {
  if (!existsSync(`${DIST}index.html`)) throw new Error(`no ${DIST}index.html: run npm run build first`);
  await mkdir(RESULTS, { recursive: true });
  site = await startStaticServer({ root: DIST });
  browser = await launchChromium();
}, WAIT_MS);

afterEach(async () => {
  await closeCheckedPages(open);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const pane = (page: Page) => page.getByTestId('diagram-pane');
/** Rows of the diagram (or of its stand-in) of one message kind; both carry data-kind and data-log. */
const diagramRows = (page: Page, kind: string): Locator => pane(page).locator(`[data-log][data-kind="${kind}"]`);
const connRowWith = (page: Page, text: string): Locator => page.getByTestId('conn-row').filter({ hasText: text });

/** Clicks a diagram row near its left edge (away from the arrows, which select the other end of a call). */
async function clickRow(row: Locator): Promise<void> {
  const box = await row.boundingBox();
  if (!box) throw new Error('the row is not on screen');
  await row.page().mouse.click(box.x + 6, box.y + box.height / 2);
}

/** A bus and the Echo service, each checked in the views against the terminal. */
async function startEcho(page: Page): Promise<{ serveLag: number }> {
  await typeLine(page, 'kdbus bus make demo --world > /dev/null &');
  await page.getByTestId('tree-bus').filter({ hasText: '0-demo' }).waitFor({ timeout: WAIT_MS });
  const race = await raceTerminalAndView(page, /serve: org\.example\.Echo on /, { selector: '[data-testid="conn-name"]', text: ECHO });
  await typeLine(page, `kdbus serve ${ECHO} --interval 0 &`);
  const r = await race();
  return { serveLag: r.viewMs - r.terminalMs };
}

/** Moves the timeline slider to event `index` with the keyboard, as a user can. */
async function scrubTo(page: Page, index: number): Promise<void> {
  await page.getByTestId('scrubber').focus();
  await page.keyboard.press('Home');
  for (let i = -1; i < index; i++) await page.keyboard.press('ArrowRight');
}

async function download(page: Page, testId: string): Promise<Buffer> {
  await page.getByTestId('export-menu').click();
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await d.path();
  return readFile(path);
}

describe('bus views', () => {
  it('shows a service and a call within a second, inspects it, steps back before the reply, sees the service die', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    const { serveLag } = await startEcho(page);
    console.log(`serve: the connection list showed ${ECHO} ${serveLag.toFixed(0)} ms after the terminal did`);
    expect(serveLag).toBeLessThanOrEqual(LAG_MS);
    // The tree counts the service; its row carries the name.
    await expect.poll(() => page.getByTestId('tree-bus').filter({ hasText: '0-demo' }).innerText()).toMatch(/1 connection, 1 name/);

    const race = await raceTerminalAndView(page, /^s "hello"$/m, { selector: '[data-testid="diagram-pane"] [data-kind="method-return"]' });
    await typeLine(page, CALL);
    const r = await race();
    console.log(`call: the diagram showed the reply ${(r.viewMs - r.terminalMs).toFixed(0)} ms after the terminal printed it`);
    expect(r.viewMs - r.terminalMs).toBeLessThanOrEqual(LAG_MS);
    await expect.poll(() => diagramRows(page, 'method-call').count()).toBe(1);

    // Clicking the call opens the inspector on it.
    await clickRow(diagramRows(page, 'method-call'));
    const inspector = page.getByTestId('inspector');
    await inspector.waitFor();
    expect(await page.getByTestId('inspector-title').innerText()).toMatch(/method call org\.example\.Echo\.Echo$/);
    expect(await inspector.locator('[data-label="member"] dd').innerText()).toBe('Echo');
    expect(await page.getByTestId('inspector-body').innerText()).toBe('s "hello"');
    expect(await page.getByTestId('inspector-pairing').innerText()).toMatch(/^answered \(#\d+\)/);
    expect(await page.getByTestId('inspector-metadata').locator('tr[data-type="PID_COMM"]').innerText()).toMatch(/set by the sender/);
    expect(await page.getByTestId('inspector-metadata').locator('tr[data-type="CREDS"]').innerText()).toMatch(/from the kernel/);
    // The mouse away from the diagram: no hover card over the README screenshot.
    await page.mouse.move(1270, 600);
    await page.screenshot({ path: `${SHOTS}screenshot-views.png` });

    // Step back (← with the focus on the page) until the reply is hidden; the call stays.
    const reply = diagramRows(page, 'method-return');
    // The click left the focus on the diagram, which leaves ← and → to the page.
    for (let i = 0; i < 10 && (await reply.getAttribute('data-dimmed')) !== 'true'; i++) await page.keyboard.press('ArrowLeft');
    expect(await reply.getAttribute('data-dimmed')).toBe('true');
    expect(await diagramRows(page, 'method-call').getAttribute('data-dimmed')).toBeNull();
    expect(await page.getByTestId('timeline').getAttribute('data-state')).toBe('paused');
    expect(await page.getByTestId('inspector-pairing').innerText()).toBe('no answer yet');
    // The caller is still connected at that moment.
    expect(await page.getByTestId('conn-row').count()).toBe(2);
    // One step forward shows the reply again.
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => reply.getAttribute('data-dimmed')).toBeNull();
    await page.screenshot({ path: `${RESULTS}views-stepped.png` });

    // Back to live from the terminal (Ctrl+Shift+L reaches the views, not the shell), then the service dies.
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.press('Control+Shift+L');
    expect(await page.getByTestId('timeline').getAttribute('data-state')).toBe('live');
    // `wait` returns once the service has exited: then the terminal says so (the shell's own job
    // report may only come with a later prompt).
    const dying = await raceTerminalAndView(page, /^service-gone-\d+$/m, { selector: '[data-testid="conn-row"]', text: ECHO, present: false });
    await typeLine(page, 'kill %2; wait %2; echo service-gone-$?');
    const d = await dying();
    console.log(`kill: the service left the connection list ${(d.viewMs - d.terminalMs).toFixed(0)} ms after the shell saw it exit`);
    expect(d.viewMs - d.terminalMs).toBeLessThanOrEqual(LAG_MS);
    await expect.poll(() => connRowWith(page, ':1.').count()).toBe(0);
    await typeLine(page, 'echo still-$((40+2))');
    await waitForText(page, /^still-42$/m);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('exports the trace, a pcap tshark decodes, the diagram as SVG and PNG; the trace reopens without a guest', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    await startEcho(page);
    await typeLine(page, CALL);
    await waitForText(page, /^s "hello"$/m);
    await diagramRows(page, 'method-return').waitFor({ timeout: 5000 });

    const jsonl = (await download(page, 'export-jsonl')).toString('utf8');
    const lines = jsonl.trimEnd().split('\n');
    for (const [i, line] of lines.entries()) expect(parseTraceLine(line).ok, `line ${i + 1}`).toBe(true);
    const imported = importTraceText(jsonl);
    const call = imported.model.messages.find((m) => m.dbus?.member === 'Echo');
    expect(call?.outcome).toBe('reply');
    expect(await page.getByTestId('views-notice').innerText()).toMatch(/^Saved kdbus-trace-.*\.jsonl \(\d+ events\)/);

    const pcap = await download(page, 'export-pcap');
    expect(pcap.readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(pcap.readUInt32LE(20)).toBe(231);
    const pcapFile = `${RESULTS}views-export.pcap`;
    await import('node:fs/promises').then((fs) => fs.writeFile(pcapFile, pcap));
    const fields = execFileSync('tshark', ['-r', pcapFile, '-T', 'fields', '-E', 'separator=|', '-e', 'dbus.message_type', '-e', 'dbus.member', '-e', 'dbus.type.string'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const rows = fields.trim().split('\n');
    expect(rows).toContain('1|Echo|hello');
    expect(rows).toContain('2||hello');
    const bad = execFileSync('tshark', ['-r', pcapFile, '-Y', '_ws.malformed || _ws.expert.severity >= "warning"'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(bad.trim()).toBe('');

    const svg = (await download(page, 'export-svg')).toString('utf8');
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    expect(svg).toContain('Echo');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.nodeName };
    }, svg);
    expect(parsed).toEqual({ error: null, root: 'svg' });

    const png = await download(page, 'export-png');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBeGreaterThan(100);
    expect(png.readUInt32BE(20)).toBeGreaterThan(50);

    // The exported trace in a page without a guest: same views, no guest file fetched.
    const before = site.requests.length;
    const viewer = await playground('?boot=none');
    await viewer.page.getByTestId('viewer-note').waitFor();
    const traceFile = `${RESULTS}views-export.jsonl`;
    await import('node:fs/promises').then((fs) => fs.writeFile(traceFile, jsonl));
    await viewer.page.getByTestId('open-trace-input').setInputFiles(traceFile);
    await viewer.page.getByTestId('tree-bus').filter({ hasText: '0-demo' }).waitFor();
    await diagramRows(viewer.page, 'method-call').first().waitFor();
    expect(await connRowWith(viewer.page, ECHO).count()).toBe(1);
    expect(site.requests.slice(before).filter((r) => r.startsWith('guest/'))).toEqual([]);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('opens a recorded trace without a guest: scrubbing, filters by bus and member, help, themes, resizing', async () => {
    const { page } = await playground('?boot=none');
    await page.getByTestId('open-trace-input').setInputFiles(FIXTURE);
    await expect.poll(() => page.getByTestId('views-notice').innerText()).toMatch(/^Opened echo-call\.jsonl: 38 events, 19 messages/);
    // Live at the end of the trace: the bus is gone.
    expect(await page.getByTestId('tree-bus').count()).toBe(0);
    // Scrub to the middle (the Echo call): bus, service and caller are back.
    await scrubTo(page, 12);
    expect(await page.getByTestId('timeline').getAttribute('data-as-of')).toBe('12');
    await page.getByTestId('tree-bus').filter({ hasText: '0-demo' }).waitFor();
    expect(await page.getByTestId('conn-row').count()).toBe(2);

    // Member filter: only the Fail call and its error among calls, returns and errors.
    await page.getByTestId('filter-text').fill('Fail');
    await page.getByTestId('timeline-toggle').click();
    await expect.poll(() => pane(page).locator('[data-log][data-kind="method-call"]').count()).toBe(1);
    // Bus selection from the tree filters the other views (and shows in the filter bar).
    await page.getByTestId('filter-clear').click();
    await scrubTo(page, 12);
    await page.getByTestId('tree-bus').locator('button').first().click();
    expect(await page.getByTestId('filter-bus').inputValue()).toBe('1');

    // Help lists the page's and the diagram's shortcuts; Esc closes it.
    await page.locator('body').click({ position: { x: 640, y: 5 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('help');
    await help.waitFor();
    expect(await help.innerText()).toMatch(/Step one message back/);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });

    // Theme: light and back, remembered across a reload.
    expect(await page.getByTestId('app').getAttribute('data-theme')).toBe('dark');
    await page.getByTestId('theme-toggle').click();
    expect(await page.getByTestId('app').getAttribute('data-theme')).toBe('light');
    // A divider moves with the keyboard and the size is remembered too.
    const left = async () => (await page.locator('.column.left').boundingBox())!.width;
    const w0 = await left();
    await page.getByTestId('split-left').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    const w1 = await left();
    expect(w1).toBeGreaterThan(w0 + 50);
    await page.reload();
    expect(await page.getByTestId('app').getAttribute('data-theme')).toBe('light');
    expect(Math.abs((await left()) - w1)).toBeLessThan(3);
  }, TEST_MS);

  it('draws a broadcast to exactly the listener that took it, and shows the listeners’ metadata masks', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    await typeLine(page, 'kdbus bus make fan --world > /dev/null &');
    await page.getByTestId('tree-bus').filter({ hasText: '0-fan' }).waitFor({ timeout: WAIT_MS });
    await typeLine(page, 'export KDBUS_BUS=0-fan');
    await typeLine(page, 'kdbus listen --member Tick --description ticker > /dev/null 2>&1 &');
    await typeLine(page, 'kdbus listen --member Tock --description tocker --recv-meta timestamp > /dev/null 2>&1 &');
    await connRowWith(page, 'tocker').waitFor({ timeout: WAIT_MS });
    await connRowWith(page, 'ticker').waitFor({ timeout: WAIT_MS });
    // The kernel reports each connection's masks: the Tock listener asked for timestamps only.
    expect(await connRowWith(page, 'tocker').getByTestId('conn-mask-recv').innerText()).toBe('wants: timestamp');
    await typeLine(page, 'sleep 0.5; kdbus emit /org/example/X org.example.X Tick u 7');
    const signal = diagramRows(page, 'signal');
    await signal.waitFor({ timeout: WAIT_MS });
    // Two listeners have columns, but only the one whose match took Tick gets a head.
    expect(await signal.locator('.kd-head.kd-signal').count()).toBe(1);
    await signal.hover({ position: { x: 6, y: 8 } });
    const hover = page.getByTestId('diagram-hover');
    await hover.waitFor();
    expect(await hover.innerText()).toMatch(/received by 1 connection: :1\.\d+/);
    expect(await hover.innerText()).not.toMatch(/does not say who received/);
    await expectNoKernelReports(page);
  }, TEST_MS);

  for (const viewport of [{ width: 1280, height: 720 }, { width: 1440, height: 900 }]) {
    it(`fits ${viewport.width}×${viewport.height} without page scrollbars, every pane usable`, async () => {
      const { page } = await playground('', viewport);
      await waitForPrompt(page);
      await startEcho(page);
      await typeLine(page, CALL);
      await diagramRows(page, 'method-call').waitFor({ timeout: 10_000 });
      await clickRow(diagramRows(page, 'method-call'));
      await page.getByTestId('inspector').waitFor();
      const overflow = await page.evaluate(() => ({
        x: document.documentElement.scrollWidth - window.innerWidth,
        y: document.documentElement.scrollHeight - window.innerHeight,
      }));
      expect(overflow).toEqual({ x: 0, y: 0 });
      for (const id of ['terminal', 'bus-tree', 'connection-list', 'diagram-pane', 'inspector', 'timeline', 'filter-bar']) {
        const box = await page.getByTestId(id).boundingBox();
        expect(box, id).not.toBeNull();
        expect(box!.width, `${id} width`).toBeGreaterThanOrEqual(id === 'bus-tree' ? 180 : 240);
        expect(box!.height, `${id} height`).toBeGreaterThanOrEqual(id === 'timeline' || id === 'filter-bar' ? 24 : 120);
        expect(box!.x + box!.width, `${id} right edge`).toBeLessThanOrEqual(viewport.width + 1);
        expect(box!.y + box!.height, `${id} bottom edge`).toBeLessThanOrEqual(viewport.height + 1);
      }
      // The bars sit at the bottom and the terminal keeps a useful size.
      const timeline = (await page.getByTestId('timeline').boundingBox())!;
      expect(viewport.height - (timeline.y + timeline.height)).toBeLessThan(60);
      expect((await visibleRows(page)).length).toBeGreaterThanOrEqual(viewport.height >= 900 ? 18 : 12);
      if (viewport.width === 1280) {
        await page.getByTestId('theme-toggle').click();
        await page.mouse.move(viewport.width - 10, viewport.height - 120);
        await page.screenshot({ path: `${SHOTS}screenshot-views-light.png` });
      } else {
        await page.screenshot({ path: `${RESULTS}views-${viewport.width}x${viewport.height}.png` });
      }
    }, TEST_MS);
  }
});
