// SPDX-License-Identifier: MIT
/**
 * The built site (dist/) in a real Chromium: boot, typing, resize, job
 * control, crash and restart, cold boot, and corrupt or missing artifacts.
 * Needs `npm run build` first (dist/ with the guest and its saved state).
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Browser } from 'playwright-core';
import { wasmSections } from '../../web/build/wasm-custom-sections.js';
import { closeCheckedPages, launchChromium } from '../helpers/browser-suite.js';
import { flipByte, startStaticServer, type StaticServer } from '../helpers/static-server.js';
import {
  WAIT_MS, expectNoKernelReports, openPlayground, status, terminalText, typeLine,
  visibleRows, waitForPrompt, waitForState, waitForText, type OpenPage,
} from '../helpers/playground-page.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const TEST_MS = 180_000;

let browser: Browser;
let site: StaticServer;
let kernelRelease: string;
const open: OpenPage[] = [];
const servers: StaticServer[] = [];

async function playground(query = '', server = site, viewport?: { width: number; height: number }): Promise<OpenPage> {
  const p = await openPlayground(browser, server.url + query, viewport);
  open.push(p);
  return p;
}

async function modifiedSite(overrides: Record<string, Uint8Array | null>): Promise<StaticServer> {
  const server = await startStaticServer({ root: DIST, overrides });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  if (!existsSync(`${DIST}index.html`)) throw new Error(`no ${DIST}index.html: run npm run build first`);
  const manifest = JSON.parse(await readFile(`${DIST}guest/manifest.json`, 'utf8')) as { kernelRelease: string };
  kernelRelease = manifest.kernelRelease;
  await mkdir(RESULTS, { recursive: true });
  site = await startStaticServer({ root: DIST });
  browser = await launchChromium();
}, WAIT_MS);

afterEach(async () => {
  await closeCheckedPages(open);
  for (const s of servers.splice(0)) await s.close();
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('playground in the browser', () => {
  it('ships v86.wasm without custom sections (the boots below run it)', async () => {
    const wasm = (await readdir(`${DIST}assets`)).filter((name) => name.endsWith('.wasm'));
    expect(wasm).toHaveLength(1);
    const sections = wasmSections(new Uint8Array(await readFile(`${DIST}assets/${wasm[0]}`)));
    expect(sections.filter((s) => s.id === 0).map((s) => s.name)).toEqual([]);
    expect(sections.some((s) => s.id === 10)).toBe(true); // the code section
  });

  it('restores the snapshot to a prompt and runs uname -r', async () => {
    const { page } = await playground();
    const t0 = Date.now();
    const ready = await waitForPrompt(page);
    console.log(`snapshot start: prompt after ${Date.now() - t0} ms (${ready})`);
    expect(ready).toMatch(/^Ready in \d+\.\d\d s \(snapshot\)/);
    await typeLine(page, 'uname -r');
    await waitForText(page, new RegExp(`^${escape(kernelRelease)}$`, 'm'));
    await page.screenshot({ path: `${RESULTS}playground.png` });
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('follows the viewport size with stty size', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    // The guest learns the size through a second serial line, so a fresh size can lag a command: retry a few times.
    const sttySize = async (tag: string, wantRows: number): Promise<[number, number]> => {
      let last: [number, number] = [0, 0];
      for (let i = 0; i < 5; i++) {
        await typeLine(page, `echo ${tag}${i} $(stty size)`);
        const m = await waitForText(page, new RegExp(`^${tag}${i} (\\d+) (\\d+)$`, 'm'));
        last = [Number(m[1]), Number(m[2])];
        if (last[0] === wantRows) return last;
        await page.waitForTimeout(300);
      }
      return last;
    };
    const rowsBefore = (await visibleRows(page)).length;
    const before = await sttySize('big', rowsBefore);
    expect(before[0]).toBe(rowsBefore);

    await page.setViewportSize({ width: 800, height: 480 });
    await page.waitForFunction((n) => document.querySelectorAll('.xterm-rows > div').length < n, rowsBefore, { timeout: WAIT_MS });
    const rowsAfter = (await visibleRows(page)).length;
    const after = await sttySize('small', rowsAfter);
    expect(after[0]).toBe(rowsAfter);
    expect(after[0]).toBeLessThan(before[0]);
    expect(after[1]).toBeLessThan(before[1]);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('stops sleep 100 with Ctrl-C', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    await typeLine(page, 'sleep 100');
    await page.waitForTimeout(1000);
    const t0 = Date.now();
    await page.keyboard.press('Control+c');
    await typeLine(page, 'echo done-$((1+1))');
    await waitForText(page, /^done-2$/m, 20_000);
    console.log(`Ctrl-C: sleep interrupted, next command done after ${Date.now() - t0} ms`);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('copies a dropped file into /tmp and says so in the status bar', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    const dataTransfer = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['#!/bin/sh\necho dropped-$((6*7))\n'], '../hi there.sh'));
      return dt;
    });
    await page.getByTestId('terminal').dispatchEvent('dragover', { dataTransfer });
    await page.getByTestId('terminal').dispatchEvent('drop', { dataTransfer });
    await page.getByTestId('notice').filter({ hasText: 'Copied' }).waitFor({ timeout: WAIT_MS });
    expect(await page.getByTestId('notice').innerText()).toBe('Copied ../hi there.sh to /tmp/hi_there.sh (32 B, mode 755)');
    await typeLine(page, '/tmp/hi_there.sh');
    await waitForText(page, /^dropped-42$/m);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('shows a kernel panic as crashed and restarts without reloading', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    await page.evaluate(() => { (window as Window & { notReloaded?: boolean }).notReloaded = true; });
    await typeLine(page, 'echo c > /proc/sysrq-trigger');
    const crashed = await waitForState(page, 'crashed');
    console.log(`panic: status "${crashed}"`);
    expect(crashed).toMatch(/^Crashed: .*(panic|sysrq|Oops|BUG)/i);

    const t0 = Date.now();
    await page.getByTestId('restart').click();
    expect((await status(page)).state).not.toBe('crashed');
    await waitForPrompt(page);
    console.log(`restart after panic: prompt after ${Date.now() - t0} ms`);
    expect(await terminalText(page)).not.toMatch(/Kernel panic/);
    await typeLine(page, 'echo back-$((2+3))');
    await waitForText(page, /^back-5$/m);
    expect(await page.evaluate(() => (window as Window & { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('comes back after the guest reboots itself, and says so when it halts', async () => {
    const { page } = await playground();
    await waitForPrompt(page);
    // Every status the page shows from here on, in order.
    await page.evaluate(() => {
      const el = document.querySelector('[data-testid="status"]')!;
      const seen: string[] = ((window as Window & { seenStates?: string[] }).seenStates = []);
      new MutationObserver(() => seen.push(el.getAttribute('data-state') ?? '')).observe(el, { attributes: true, attributeFilter: ['data-state'] });
    });
    await typeLine(page, 'touch /tmp/old-machine; reboot');
    await waitForText(page, /reboot: Restarting system/);
    await page.waitForFunction(() => {
      const seen = (window as Window & { seenStates?: string[] }).seenStates ?? [];
      return seen.includes('stopped') && seen.at(-1) === 'ready';
    }, undefined, { timeout: 60_000, polling: 100 });
    // A new machine: the old one's files are gone, commands run.
    await waitForPrompt(page);
    await typeLine(page, 'ls /tmp/old-machine; echo after-$((3+4))');
    await waitForText(page, /^after-7$/m);
    expect(await terminalText(page)).toMatch(/No such file or directory/);

    await typeLine(page, 'poweroff');
    expect(await waitForState(page, 'stopped')).toBe('Stopped: the guest halted');
    expect(await page.getByTestId('restart').isVisible()).toBe(true);
    await page.getByTestId('restart').click();
    await waitForPrompt(page);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('boots cold with ?boot=cold', async () => {
    const { page } = await playground('?boot=cold');
    const t0 = Date.now();
    const ready = await waitForPrompt(page);
    console.log(`cold boot: prompt after ${Date.now() - t0} ms (${ready})`);
    expect(ready).toMatch(/^Ready in \d+\.\d\d s \(cold boot\)/);
    await typeLine(page, 'echo cold-$((3*3))');
    await waitForText(page, /^cold-9$/m);
    await expectNoKernelReports(page);
  }, TEST_MS);

  it('reports a corrupt initrd.img by name (cold boot)', async () => {
    const initrd = await readFile(`${DIST}guest/initrd.img`);
    const server = await modifiedSite({ 'guest/initrd.img': flipByte(initrd) });
    const t0 = Date.now();
    const { page } = await playground('?boot=cold', server);
    const text = await waitForState(page, 'error', 15_000);
    console.log(`corrupt initrd: "${text}" after ${Date.now() - t0} ms`);
    expect(text).toMatch(/^Error: initrd\.img: sha256 .* does not match/);
    expect(await page.getByTestId('restart').isVisible()).toBe(true);
  }, TEST_MS);

  it('reports a corrupt state.bin.xz by name (snapshot)', async () => {
    const path = `${DIST}guest/state.bin.xz`;
    expect(existsSync(path), `${path} is missing: npm run build makes it`).toBe(true);
    const server = await modifiedSite({ 'guest/state.bin.xz': flipByte(await readFile(path)) });
    const t0 = Date.now();
    const { page } = await playground('', server);
    const text = await waitForState(page, 'error', 15_000);
    console.log(`corrupt state: "${text}" after ${Date.now() - t0} ms`);
    expect(text).toMatch(/^Error: state\.bin\.xz: sha256 .* does not match/);
  }, TEST_MS);

  it('reports a missing bzImage by name (cold boot)', async () => {
    const server = await modifiedSite({ 'guest/bzImage': null });
    const t0 = Date.now();
    const { page } = await playground('?boot=cold', server);
    const text = await waitForState(page, 'error', 15_000);
    console.log(`missing bzImage: "${text}" after ${Date.now() - t0} ms`);
    expect(text).toMatch(/^Error: bzImage: missing/);
    expect((await status(page)).state).toBe('error');
  }, TEST_MS);
});
