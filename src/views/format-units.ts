// SPDX-License-Identifier: MIT
/** Numbers as people read them in the views: durations, guest times, sizes. */

/** A duration in ns, in the unit that keeps it short: `250 µs`, `1.50 ms`, `30 s`. */
export function formatDuration(ns: number): string {
  if (!Number.isFinite(ns)) return String(ns);
  const a = Math.abs(ns);
  if (a < 1_000) return `${ns} ns`;
  if (a < 1_000_000) return `${trim(ns / 1_000)} µs`;
  if (a < 1_000_000_000) return `${trim(ns / 1_000_000)} ms`;
  return `${trim(ns / 1_000_000_000)} s`;
}

function trim(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A guest monotonic time (ns since boot) as seconds with µs: `12.345678 s`. */
export function formatGuestTime(ns: number): string {
  return `${(ns / 1e9).toFixed(6)} s`;
}

export function formatSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
