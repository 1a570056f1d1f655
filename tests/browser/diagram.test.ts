// SPDX-License-Identifier: MIT
/**
 * The sequence diagram (web/diagram) in Debian's Chromium, on its own page
 * (dist/diagram/demo.html, built by `npm run build`) with traces made by
 * the trace builder and served beside it: rows, the pinned header, hover,
 * click and keyboard selection, call ↔ reply jumps, dimming after the
 * timeline cursor (in the DOM and in pixels), virtualisation of 50,000
 * messages, following a live trace, and the SVG and PNG exports.
 * KP_DIST=folder tests another build of the site.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, type Page } from 'playwright-core';
import { closeCheckedPages, launchChromium } from '../helpers/browser-suite.js';
import { startStaticServer, type StaticServer } from '../helpers/static-server.js';
import { WAIT_MS, openPlayground, type OpenPage } from '../helpers/playground-page.js';
import { busyScenario, echoScenario, toJsonl } from '../fixtures/traces/diagram-scenarios.js';

const DIST = process.env.KP_DIST ? `${process.env.KP_DIST.replace(/\/$/, '')}/` : fileURLToPath(new URL('../../dist/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/traces/', import.meta.url));
const BIG = 50_000;
const TEST_MS = 120_000;

let browser: Browser;
let site: StaticServer;
const open: OpenPage[] = [];

/** Recorded traces (tests/fixtures/traces/*.jsonl), if any have been added. */
const recorded = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')) : [];

beforeAll(async () => {
  if (!existsSync(`${DIST}diagram/demo.html`)) throw new Error(`no ${DIST}diagram/demo.html: run npm run build first`);
  const enc = new TextEncoder();
  const overrides: Record<string, Uint8Array> = {
    'traces/echo.jsonl': enc.encode(toJsonl(echoScenario().events())),
    'traces/big.jsonl': enc.encode(toJsonl(busyScenario(BIG).events())),
  };
  for (const f of recorded) overrides[`traces/recorded/${f}`] = new Uint8Array(readFileSync(`${FIXTURES}${f}`));
  site = await startStaticServer({ root: DIST, overrides });
  browser = await launchChromium();
}, WAIT_MS);

afterEach(async () => {
  await closeCheckedPages(open);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

async function diagramPage(trace: string, query = '', viewport = { width: 1280, height: 720 }): Promise<Page> {
  const p = await openPlayground(browser, `${site.url}diagram/demo.html?trace=../traces/${trace}${query}`, viewport);
  open.push(p);
  // tsx/esbuild may wrap functions handed to evaluate in __name(); the page has no such helper.
  await p.page.evaluate('window.__name = (f) => f');
  await p.page.waitForFunction('window.__diagram && (window.__diagram.opened || window.__diagram.error || new URLSearchParams(location.search).get("live"))', null, { timeout: WAIT_MS });
  const error = await p.page.evaluate('window.__diagram.error');
  if (error) throw new Error(`the demo page failed: ${String(error)}`);
  return p.page;
}

const set = (page: Page, patch: Record<string, unknown>) => page.evaluate((p) => window.__diagram.set(p), patch);
const lastSelection = (page: Page) => page.evaluate(() => window.__diagram.selections.at(-1));
const rowBox = async (page: Page, row: number) => {
  const box = await page.locator(`[data-row="${row}"].kd-row`).boundingBox();
  if (!box) throw new Error(`row ${row} is not rendered`);
  return box;
};

/** The PNG's pixels (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots are). */
function decodePng(png: Buffer): { width: number; height: number; channels: number; data: Uint8Array } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    const body = png.subarray(o + 8, o + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8);
      channels = body[9] === 6 ? 4 : body[9] === 2 ? 3 : 0;
      expect(channels).toBeGreaterThan(0);
      expect(body[12]).toBe(0);
    }
    if (type === 'IDAT') idat.push(body);
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const data = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? data[y * stride + x - channels]! : 0;
      const b = y > 0 ? data[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? data[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pred = [0, a, b, Math.floor((a + b) / 2), Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][f]!;
      data[y * stride + x] = (v + pred) & 0xff;
    }
  }
  return { width, height, channels, data };
}

/** How far the brightest pixel of a screenshot region is from its darkest (contrast of what is drawn there). */
function contrast(png: Buffer): number {
  const { data, channels } = decodePng(png);
  let lo = 255;
  let hi = 0;
  for (let i = 0; i < data.length; i += channels) {
    const l = 0.2126 * data[i]! + 0.7152 * data[i + 1]! + 0.0722 * data[i + 2]!;
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  return hi - lo;
}

describe('sequence diagram in Chromium', () => {
  it('draws one row per log entry in kernel order, lifelines and a header per connection', async () => {
    const page = await diagramPage('echo.jsonl');
    const root = page.getByTestId('sequence-diagram');
    expect(await root.getAttribute('data-rows')).toBe('17');
    const kinds = await page.locator('.kd-row').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-kind')));
    expect(kinds).toEqual([
      'agent-start', 'snapshot', 'notification', 'notification', 'method-call', 'method-return', 'method-call', 'error',
      'method-call', 'signal', 'unicast-signal', 'notification', 'notification', 'method-call', 'notification', 'method-call', 'loss',
    ]);
    // Each row is drawn: the call has a line and a head, the broadcast a fan with heads.
    expect(await page.locator('[data-row="4"] .kd-line.kd-call').count()).toBe(1);
    expect(await page.locator('[data-row="4"] .kd-head').count()).toBe(1);
    expect(await page.locator('[data-row="9"] .kd-fan').count()).toBe(1);
    expect(await page.locator('.kd-life').count()).toBeGreaterThanOrEqual(4);
    expect(await page.locator('.kd-arc').count()).toBe(3);
    const header = page.getByTestId('diagram-header');
    expect(await header.locator('.kdd-cell-title').allInnerTexts()).toEqual(['kernel', ':1.2', ':1.3']);
    expect(await header.innerText()).toContain('org.example.Echo');
    // Rows appear under their header cell: the call's line spans the :1.3 and :1.2 columns.
    const cell = await header.locator('[data-conn="3"]').boundingBox();
    const line = await page.locator('[data-row="4"] .kd-line').boundingBox();
    expect(cell && line).toBeTruthy();
    expect(Math.abs(cell!.x + cell!.width / 2 - (line!.x + line!.width))).toBeLessThan(3);
  }, TEST_MS);

  it('shows a summary on hover, selects on click, and jumps between a call and its answer', async () => {
    const page = await diagramPage('echo.jsonl');
    const call = await rowBox(page, 6); // Fail
    await page.mouse.move(call.x + 200, call.y + call.height / 2);
    const hover = page.getByTestId('diagram-hover');
    await hover.waitFor();
    expect(await hover.innerText()).toMatch(/method call Fail[\s\S]*from\s+:1\.3 \(org\.example\.Client\)[\s\S]*answer\s+error after 81\.0 µs/);

    await page.mouse.click(call.x + 200, call.y + call.height / 2);
    expect(await lastSelection(page)).toBe(6);
    await page.getByTestId('diagram-selection').waitFor();
    expect(await page.getByTestId('diagram-selection').getAttribute('data-row')).toBe('6');
    expect(await page.getByTestId('diagram-partner').getAttribute('data-row')).toBe('7');

    await page.keyboard.press('Enter');
    expect(await lastSelection(page)).toBe(7);
    await page.keyboard.press('r');
    expect(await lastSelection(page)).toBe(6);
    await page.keyboard.press('ArrowDown');
    expect(await lastSelection(page)).toBe(7);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await lastSelection(page)).toBe(5);
    // Clicking an arc selects its other end.
    await page.locator('[data-arc="2"]').dispatchEvent('click');
    expect(await lastSelection(page)).toBe(14);
    await page.locator('[data-arc="2"]').dispatchEvent('click');
    expect(await lastSelection(page)).toBe(13);
    await page.keyboard.press('Escape');
    expect(await lastSelection(page)).toBeNull();
  }, TEST_MS);

  it('dims everything after the timeline cursor, in the DOM and on screen', async () => {
    const page = await diagramPage('echo.jsonl');
    const clip = await rowBox(page, 10); // the unicast signal Poke
    const shot = () => page.screenshot({ clip: { x: clip.x + 90, y: clip.y, width: 700, height: clip.height } });
    const live = contrast(await shot());
    const eventOf = (row: number) => page.locator(`[data-row="${row}"].kd-row`).evaluate((g) => Number(g.getAttribute('data-event')));
    // The cursor on the event of row 5 (the Echo reply): rows 6.. are later.
    const replyEvent = await eventOf(5);
    await set(page, { asOf: replyEvent });
    await page.waitForSelector('[data-row="6"][data-dimmed="true"]');
    const dimmed = await page.locator('.kd-row[data-dimmed="true"]').evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-row'))));
    expect(dimmed).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(await page.locator('[data-row="5"]').getAttribute('data-dimmed')).toBeNull();
    expect(await page.locator('[data-row="10"]').evaluate((g) => getComputedStyle(g).opacity)).toBe('0.3');
    expect(await page.locator('.kd-now').count()).toBe(1);
    const past = contrast(await shot());
    expect(past).toBeLessThan(live * 0.6);
    // The Fail call (row 6) is later too; the Echo call (row 4) was answered by then, the Sleep call (row 13) not yet.
    await set(page, { asOf: await eventOf(4) });
    await page.waitForSelector('[data-row="5"][data-dimmed="true"]');
    expect(await page.locator('[data-row="4"] .kd-pending').count()).toBe(1);
    await set(page, { asOf: null });
    await page.waitForFunction(() => !document.querySelector('[data-dimmed]'));
    expect(await page.locator('[data-row="4"] .kd-pending').count()).toBe(0);
    expect(await page.locator('[data-row="15"] .kd-pending').count()).toBe(1); // never answered
  }, TEST_MS);

  it('exports valid SVG with the expected elements, and a PNG that decodes', async () => {
    const page = await diagramPage('echo.jsonl');
    const svg = await page.evaluate(() => {
      const text = window.__diagram.exportSvg([4, 10]);
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        root: doc.documentElement.nodeName,
        ns: doc.documentElement.namespaceURI,
        rows: Array.from(doc.querySelectorAll('[data-row]'), (g) => g.getAttribute('data-kind')),
        heads: Array.from(doc.querySelectorAll('.kd-header text'), (t) => t.textContent),
        arcs: doc.querySelectorAll('.kd-rows .kd-arc').length,
        stroke: doc.querySelector('.kd-line.kd-call')?.getAttribute('stroke'),
      };
    });
    expect(svg.error).toBeNull();
    expect(svg.root).toBe('svg');
    expect(svg.ns).toBe('http://www.w3.org/2000/svg');
    expect(svg.rows).toEqual(['method-call', 'method-return', 'method-call', 'error', 'method-call', 'signal', 'unicast-signal']);
    expect(svg.heads).toEqual(expect.arrayContaining(['bus demo', 'kernel', ':1.2', ':1.3', 'org.example.Echo']));
    expect(svg.arcs).toBe(2);
    expect(svg.stroke).toBe('#59c2ff');
    const png = await page.evaluate(() => window.__diagram.exportPng([4, 10]));
    expect(png.signature).toBe('89504e470d0a1a0a');
    expect(png.width).toBe(534);
    expect(png.height).toBeGreaterThan(7 * 24 + 90);
    expect(png.bytes).toBeGreaterThan(2000);
  }, TEST_MS);

  it('keeps 50,000 messages virtual: a small DOM, the header pinned, rows where the scroll is', async () => {
    const page = await diagramPage('big.jsonl');
    const rows = Number(await page.getByTestId('sequence-diagram').getAttribute('data-rows'));
    expect(rows).toBeGreaterThan(BIG);
    const opened = await page.evaluate(() => window.__diagram.opened!);
    console.log(`50k trace: ${opened.events} events shown in ${opened.totalMs.toFixed(0)} ms (parse ${opened.parseMs.toFixed(0)}, model ${opened.modelMs.toFixed(0)}, render ${opened.renderMs.toFixed(0)})`);
    const headerTop = async () => (await page.getByTestId('diagram-header').boundingBox())!.y;
    const top0 = await headerTop();
    for (const target of [25_000, rows - 1]) {
      await page.locator('.kdd-scroll').evaluate((el, t) => { el.scrollTop = t * 24; }, target);
      await page.waitForFunction((t) => document.querySelector(`[data-row="${t}"]`) !== null, target);
      expect(await page.locator('.kd-row').count()).toBeLessThan(150);
      expect(await headerTop()).toBe(top0);
      const box = await rowBox(page, target);
      const viewport = (await page.locator('.kdd-scroll').boundingBox())!;
      expect(box.y).toBeGreaterThanOrEqual(viewport.y);
      expect(box.y + box.height).toBeLessThanOrEqual(viewport.y + viewport.height + 1);
    }
    // The header names who is on screen down there: clients come and go, so it changed.
    expect(await page.getByTestId('diagram-header').innerText()).toMatch(/:1\.\d{3,}/);
    // A selection far away, and a timeline cursor far away, are brought into view.
    const inView = async (row: number) => {
      await page.waitForSelector(`[data-row="${row}"].kd-row`);
      const box = await rowBox(page, row);
      const viewport = (await page.locator('.kdd-scroll').boundingBox())!;
      return box.y >= viewport.y + 60 && box.y + box.height <= viewport.y + viewport.height + 1;
    };
    await set(page, { selected: 1234 });
    expect(await inView(1234)).toBe(true);
    const view = await page.evaluate(() => window.__diagram.state().view);
    expect(view!.firstLog).toBeLessThanOrEqual(1234);
    expect(view!.lastLog).toBeGreaterThanOrEqual(1234);
    await set(page, { asOf: 40_000 });
    await page.waitForSelector('.kd-now', { state: 'attached' });
    const lastPast = await page.evaluate(() => {
      const past = Array.from(document.querySelectorAll('.kd-row:not([data-dimmed])'), (g) => Number(g.getAttribute('data-row')));
      return Math.max(...past);
    });
    expect(await page.locator(`[data-row="${lastPast}"].kd-row`).getAttribute('data-event')).toBe('40000');
    expect(await inView(lastPast)).toBe(true);
    expect(await page.evaluate(() => document.querySelectorAll('*').length)).toBeLessThan(3000);
  }, TEST_MS);

  it('follows a live trace at the bottom, and lets one scroll back', async () => {
    const page = await diagramPage('echo.jsonl', '&live=1', { width: 1280, height: 300 });
    expect(await page.getByTestId('sequence-diagram').getAttribute('data-rows')).toBe('0');
    for (let fed = 1; fed; ) fed = await page.evaluate(() => window.__diagram.feed(3));
    await page.waitForFunction(() => document.querySelector('[data-testid="sequence-diagram"]')?.getAttribute('data-rows') === '17');
    await page.waitForSelector('[data-row="16"]');
    const scroll = page.locator('.kdd-scroll');
    const bottom = await scroll.evaluate((el) => el.scrollHeight - el.clientHeight - el.scrollTop);
    expect(bottom).toBeLessThan(2);
    await scroll.evaluate((el) => { el.scrollTop = 0; });
    await page.waitForTimeout(100);
    await page.evaluate(() => window.__diagram.set({ follow: true }));
    expect(await scroll.evaluate((el) => el.scrollTop)).toBe(0);
  }, TEST_MS);

  it('draws in the light theme', async () => {
    const page = await diagramPage('echo.jsonl');
    await set(page, { theme: 'light' });
    const root = page.getByTestId('sequence-diagram');
    await page.waitForSelector('[data-theme="light"]');
    expect(await root.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    expect(await page.locator('[data-row="4"] .kd-line').evaluate((el) => getComputedStyle(el).stroke)).toBe('rgb(9, 105, 218)');
  }, TEST_MS);

  it.skipIf(recorded.length === 0)('draws every recorded trace without errors', async () => {
    for (const f of recorded) {
      const page = await diagramPage(`recorded/${f}`);
      const rows = Number(await page.getByTestId('sequence-diagram').getAttribute('data-rows'));
      expect(rows, f).toBeGreaterThan(0);
      expect(await page.locator('.kd-row').count(), f).toBeGreaterThan(0);
    }
  }, TEST_MS);
});
