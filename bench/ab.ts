// SPDX-License-Identifier: MIT
/**
 * Side-by-side A/B of built sites: npx tsx bench/ab.ts [--runs N] [--mode cold|snapshot|both] NAME=DIST ...
 * Serves each dist folder, then, run by run, loads each site in turn in one
 * Debian Chromium (fresh context each), so a noisy machine hits every
 * variant alike. Prints the median (min–max) page load → prompt per variant
 * and mode, the ratio to the first variant, and what the first visit
 * (snapshot) fetched, compressed as bench/run.ts counts it.
 */
import { parseArgs } from 'node:util';
import { startStaticServer, type StaticServer } from '../tests/helpers/static-server.js';
import { launchChromium, measurePageLoad, type PageLoadRun } from './browser.js';
import { formatMs, formatSize } from './report.js';
import { measureFiles, sitePaths, totals } from './sizes.js';
import { summarize } from './stats.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '5' }, mode: { type: 'string', default: 'both' } },
});
const runs = Number(values.runs);
const modes = values.mode === 'both' ? ['snapshot', 'cold'] as const : [values.mode as 'cold' | 'snapshot'];
const variants = positionals.map((p) => {
  const [name, dist] = p.split('=');
  if (!name || !dist) throw new Error(`want NAME=DIST, not ${p}`);
  return { name, dist };
});
if (!variants.length) throw new Error('usage: npx tsx bench/ab.ts [--runs N] [--mode cold|snapshot|both] NAME=DIST ...');

const servers: StaticServer[] = [];
for (const v of variants) servers.push(await startStaticServer({ root: v.dist }));
const browser = await launchChromium();
const results = new Map<string, PageLoadRun[]>();
try {
  for (let i = 1; i <= runs; i++) {
    for (const mode of modes) {
      for (const [k, v] of variants.entries()) {
        const url = servers[k]!.url + (mode === 'cold' ? '?boot=cold' : '');
        const r = await measurePageLoad(browser, url, 120_000);
        const key = `${v.name} ${mode}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        process.stderr.write(`  ${i}/${runs} ${key}: ${formatMs(r.ms)} (${r.statusText})\n`);
      }
    }
  }
} finally {
  await browser.close();
  for (const s of servers) await s.close();
}
for (const mode of modes) {
  const base = summarize(results.get(`${variants[0]!.name} ${mode}`)!.map((r) => r.ms)).median;
  for (const v of variants) {
    const rs = results.get(`${v.name} ${mode}`)!;
    const s = summarize(rs.map((r) => r.ms));
    const ready = summarize(rs.map((r) => r.msToReady ?? NaN)).median;
    console.log(`${mode.padEnd(8)} ${v.name.padEnd(12)} page→prompt median ${formatMs(s.median)} (${formatMs(s.min)}–${formatMs(s.max)}), `
      + `"Ready in" ${formatMs(ready)}, ×${(s.median / base).toFixed(2)} vs ${variants[0]!.name}`);
  }
}
if (modes.includes('snapshot')) {
  for (const [k, v] of variants.entries()) {
    const first = results.get(`${v.name} snapshot`)![0]!;
    const files = await measureFiles(v.dist, sitePaths(first.fetched, servers[k]!.url));
    const t = totals(files);
    console.log(`first visit ${v.name}: gzip ${formatSize(t.gzip)} (${t.gzip} B), brotli ${formatSize(t.brotli)}; `
      + files.map((f) => `${f.path} ${formatSize(f.gzip)}`).join(', '));
  }
}
