// SPDX-License-Identifier: MIT
/** Plain-text tables for the benchmark results. */
import type { FileSize, SizeTotals } from './sizes.js';
import type { Summary } from './stats.js';

export interface TimingRow {
  /** Stable key for bench-results/latest.json readers, e.g. chromium.snapshot. */
  id: string;
  name: string;
  summary?: Summary;
  /** Upper bound in ms; none for figures shown for information. */
  targetMs?: number;
  pass?: boolean;
  error?: string;
}

/** Megabytes here are 2^20 bytes, as the status bar counts them. */
export const MB = 1024 * 1024;

export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < MB) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / MB).toFixed(2)} MB`;
}

export function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '' : pass ? 'PASS' : 'MISS';
}

export function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells
    .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function timingTable(rows: readonly TimingRow[]): string {
  return table(
    ['Measurement', 'median', 'min', 'max', 'runs', 'target', 'result'],
    rows.map((r) => r.summary
      ? [r.name, formatMs(r.summary.median), formatMs(r.summary.min), formatMs(r.summary.max), String(r.summary.runs),
        r.targetMs === undefined ? '-' : `<= ${formatMs(r.targetMs)}`, verdict(r.pass)]
      : [r.name, 'FAILED', '', '', '', r.targetMs === undefined ? '-' : `<= ${formatMs(r.targetMs)}`, r.error ?? '']),
    new Set([1, 2, 3, 4]),
  );
}

export function sizeTable(files: readonly FileSize[], total: SizeTotals, totalLabel: string): string {
  const cells = (f: { raw: number; gzip: number; brotli: number }) =>
    [formatSize(f.raw), formatSize(f.gzip), formatSize(f.brotli)];
  return table(
    ['File', 'kind', 'raw', 'gzip -9', 'brotli'],
    [...files.map((f) => [f.path, f.kind, ...cells(f)]), [totalLabel, '', ...cells(total)]],
    new Set([2, 3, 4]),
  );
}
