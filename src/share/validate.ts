// SPDX-License-Identifier: MIT
/**
 * The checks a share state must pass, field by field, against closed lists
 * of keys: a link is input from anyone, so nothing unexpected is carried
 * into the page. Messages name the field and the rule.
 */
import type { ShareState, ShareView } from './link.js';

/** First 16 hex digits of a sha256 (see image-hash.ts). */
export const IMAGE_HASH_PATTERN = /^[0-9a-f]{16}$/;
export const MAX_COMMANDS = 200;
export const MAX_COMMAND_CHARS = 1000;
export const MAX_TOTAL_COMMAND_CHARS = 20_000;
const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_LESSON_STEP = 999;
const MAX_FILTER_TEXT = 200;
const MAX_INDEX = 10_000_000;
const THEMES = ['dark', 'light'] as const;
const PANES = ['left', 'terminal', 'tree', 'inspector'] as const;
const KINDS = ['method-call', 'method-return', 'error', 'signal', 'unicast-signal', 'notification'];

/**
 * Control characters (C0, DEL, C1) would act on the terminal when typed;
 * lone surrogates are not text; bidirectional overrides and isolates can
 * make a command look like another (the "Trojan Source" trick).
 */
const UNSAFE_CHAR = /[\p{Cc}\p{Cs}\u202a-\u202e\u2066-\u2069]/u;

type Fail = (message: string) => Error;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], where: string, fail: Fail): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw fail(`the share link has an unknown field ${JSON.stringify(k.slice(0, 40))} in ${where}`);
  }
}

function describeChar(s: string): string {
  const m = UNSAFE_CHAR.exec(s);
  const cp = m ? (m[0].codePointAt(0) ?? 0) : 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function checkCommand(c: unknown, i: number, fail: Fail): string {
  const n = i + 1;
  if (typeof c !== 'string') throw fail(`command ${n} of the share link is not text`);
  if (c.trim() === '') throw fail(`command ${n} of the share link is empty`);
  if (c.length > MAX_COMMAND_CHARS) throw fail(`command ${n} of the share link is too long (${c.length} characters; the limit is ${MAX_COMMAND_CHARS})`);
  if (UNSAFE_CHAR.test(c)) throw fail(`command ${n} of the share link contains a control character (${describeChar(c)})`);
  return c;
}

function checkIndex(v: unknown, what: string, fail: Fail): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < -1 || v > MAX_INDEX) {
    throw fail(`${what} in the share link is not a valid number`);
  }
  return v;
}

function checkView(v: unknown, fail: Fail): ShareView {
  if (!isRecord(v)) throw fail('the view of the share link is not an object');
  onlyKeys(v, ['theme', 'panes', 'filter', 'selected', 'asOf'], 'the view', fail);
  const out: ShareView = {};
  if (v.theme !== undefined) {
    if (!THEMES.includes(v.theme as (typeof THEMES)[number])) throw fail('the theme in the share link is neither dark nor light');
    out.theme = v.theme as ShareView['theme'];
  }
  if (v.panes !== undefined) {
    const p = v.panes;
    if (!isRecord(p)) throw fail('the pane sizes of the share link are not an object');
    onlyKeys(p, PANES, 'the pane sizes', fail);
    out.panes = {};
    for (const k of PANES) {
      const x = p[k];
      if (x === undefined) continue;
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0 || x > 1) throw fail(`the pane size ${k} in the share link is not a fraction`);
      out.panes[k] = x;
    }
  }
  if (v.filter !== undefined) {
    const f = v.filter;
    if (!isRecord(f)) throw fail('the filter of the share link is not an object');
    onlyKeys(f, ['bus', 'connection', 'name', 'text', 'kinds'], 'the filter', fail);
    const filter: NonNullable<ShareView['filter']> = {};
    if (f.bus !== undefined) filter.bus = checkIndex(f.bus, 'the filter bus', fail);
    if (f.connection !== undefined) filter.connection = checkIndex(f.connection, 'the filter connection', fail);
    for (const k of ['name', 'text'] as const) {
      const s = f[k];
      if (s === undefined) continue;
      if (typeof s !== 'string' || s.length > MAX_FILTER_TEXT || UNSAFE_CHAR.test(s)) throw fail(`the filter ${k} in the share link is not valid text`);
      filter[k] = s;
    }
    if (f.kinds !== undefined) {
      if (f.kinds === null) filter.kinds = null;
      else if (Array.isArray(f.kinds) && f.kinds.length <= KINDS.length && f.kinds.every((k) => typeof k === 'string' && KINDS.includes(k))) {
        filter.kinds = f.kinds as string[];
      } else throw fail('the filter kinds in the share link are not message kinds');
    }
    out.filter = filter;
  }
  if (v.selected !== undefined) out.selected = checkIndex(v.selected, 'the selected message', fail);
  if (v.asOf !== undefined) out.asOf = checkIndex(v.asOf, 'the timeline position', fail);
  return out;
}

/** `value` as a ShareState, or the error `fail` makes for the first problem found. */
export function checkShareState(value: unknown, fail: Fail): ShareState {
  if (!isRecord(value)) throw fail('the share link does not hold a playground state');
  onlyKeys(value, ['v', 'image', 'commands', 'interrupted', 'lesson', 'view'], 'the state', fail);
  if (value.v !== 1) throw fail(`the share link's state has version ${JSON.stringify(value.v)?.slice(0, 20)}; this playground reads version 1`);
  if (typeof value.image !== 'string' || !IMAGE_HASH_PATTERN.test(value.image)) {
    throw fail('the share link does not name a guest image (16 hex digits)');
  }
  if (!Array.isArray(value.commands)) throw fail('the share link has no command list');
  if (value.commands.length > MAX_COMMANDS) {
    throw fail(`the share link has too many commands (${value.commands.length}; the limit is ${MAX_COMMANDS})`);
  }
  const commands = value.commands.map((c, i) => checkCommand(c, i, fail));
  const total = commands.reduce((n, c) => n + c.length, 0);
  if (total > MAX_TOTAL_COMMAND_CHARS) {
    throw fail(`the share link's commands are too long together (${total} characters; the limit is ${MAX_TOTAL_COMMAND_CHARS})`);
  }
  const out: ShareState = { v: 1, image: value.image, commands };
  if (value.interrupted !== undefined) {
    const list = value.interrupted;
    const ok = Array.isArray(list) && list.every((n, i) =>
      typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n < commands.length && (i === 0 || n > (list[i - 1] as number)));
    if (!ok) throw fail('the interrupted commands of the share link are not command numbers in order');
    out.interrupted = list as number[];
  }
  if (value.lesson !== undefined) {
    const l = value.lesson;
    if (!isRecord(l)) throw fail('the lesson of the share link is not an object');
    onlyKeys(l, ['id', 'step'], 'the lesson', fail);
    if (typeof l.id !== 'string' || !LESSON_ID.test(l.id)) throw fail('the lesson id in the share link is not a lesson name');
    if (typeof l.step !== 'number' || !Number.isSafeInteger(l.step) || l.step < 0 || l.step > MAX_LESSON_STEP) {
      throw fail('the lesson step in the share link is not a step number');
    }
    out.lesson = { id: l.id, step: l.step };
  }
  if (value.view !== undefined) out.view = checkView(value.view, fail);
  return out;
}
