// SPDX-License-Identifier: MIT
/**
 * A small parser for TAP (Test Anything Protocol, version 12/13 subset) as
 * produced by the in-guest kdbus suite: a plan line `1..N`, test points
 * `ok N - description` / `not ok N - description` with an optional
 * `# SKIP reason` / `# TODO reason` directive, `# ...` diagnostics (attached
 * to the preceding test point) and `Bail out!`.
 */

export interface TapDirective {
  kind: 'SKIP' | 'TODO';
  reason: string;
}

export interface TapPoint {
  /** The test number as written, or the running count if it was omitted. */
  id: number;
  ok: boolean;
  description: string;
  directive: TapDirective | null;
  /** Diagnostic lines (without the leading "# ") that followed this point. */
  diagnostics: string[];
}

export interface TapPlan {
  start: number;
  end: number;
  /** Text after "#" on the plan line (e.g. a skip reason), if any. */
  comment: string | null;
}

export interface TapResult {
  plan: TapPlan | null;
  points: TapPoint[];
  /** Diagnostics before the first test point. */
  preamble: string[];
  bailOut: string | null;
  /** Lines that are neither TAP nor empty (kept for error messages). */
  unknown: string[];
}

export interface TapSummary {
  planned: number | null;
  seen: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Plan present, test points numbered 1..N in order, no bail out. */
  complete: boolean;
  /** All points ok (SKIP and TODO count as ok) and complete. */
  success: boolean;
}

const PLAN = /^1\.\.(\d+)\s*(?:#\s*(.*))?$/;
const POINT = /^(not )?ok\b(?:\s+(\d+))?(?:\s*-)?\s*(.*)$/;
const BAIL = /^Bail out!\s*(.*)$/;

/** Splits "desc # SKIP reason" at the first unescaped '#'. */
function splitDirective(rest: string): { description: string; directive: TapDirective | null } {
  let i = 0;
  for (; i < rest.length; i++) {
    if (rest[i] === '\\') {
      i++;
      continue;
    }
    if (rest[i] === '#') break;
  }
  const unescape = (s: string) => s.replace(/\\([\\#])/g, '$1').trim();
  const description = unescape(rest.slice(0, i));
  if (i >= rest.length) return { description, directive: null };
  const comment = rest.slice(i + 1).trim();
  const m = /^(skip|todo)\S*\s*(.*)$/i.exec(comment);
  if (!m) return { description: unescape(rest), directive: null };
  const kind = (m[1] ?? '').toUpperCase() === 'SKIP' ? 'SKIP' : 'TODO';
  return { description, directive: { kind, reason: (m[2] ?? '').trim() } };
}

export function parseTap(text: string): TapResult {
  const result: TapResult = { plan: null, points: [], preamble: [], bailOut: null, unknown: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const diag = line.replace(/^#\s?/, '');
      const last = result.points.at(-1);
      if (last) last.diagnostics.push(diag);
      else result.preamble.push(diag);
      continue;
    }
    if (/^TAP version \d+$/.test(line)) continue;
    const plan = PLAN.exec(line);
    if (plan) {
      if (!result.plan) result.plan = { start: 1, end: Number(plan[1]), comment: plan[2]?.trim() ?? null };
      else result.unknown.push(line);
      continue;
    }
    const point = POINT.exec(line);
    if (point) {
      const { description, directive } = splitDirective(point[3] ?? '');
      result.points.push({
        id: point[2] === undefined ? result.points.length + 1 : Number(point[2]),
        ok: point[1] === undefined,
        description,
        directive,
        diagnostics: [],
      });
      continue;
    }
    const bail = BAIL.exec(line);
    if (bail) {
      result.bailOut = (bail[1] ?? '').trim();
      continue;
    }
    result.unknown.push(line);
  }
  return result;
}

export function summarize(result: TapResult): TapSummary {
  const planned = result.plan ? result.plan.end - result.plan.start + 1 : null;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const p of result.points) {
    if (p.directive?.kind === 'SKIP') skipped++;
    else if (p.ok || p.directive?.kind === 'TODO') passed++;
    else failed++;
  }
  const ordered = result.points.every((p, i) => p.id === i + 1);
  const complete = planned !== null && result.bailOut === null && ordered && result.points.length === planned;
  return { planned, seen: result.points.length, passed, failed, skipped, complete, success: complete && failed === 0 };
}
