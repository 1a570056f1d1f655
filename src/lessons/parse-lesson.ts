// SPDX-License-Identifier: MIT
/**
 * Lesson file → Lesson. The format (lessons/README.md):
 *
 *   ---
 *   title: Names
 *   topic: 9
 *   ---
 *   intro prose
 *   ## Step title
 *   prose
 *   ```sh
 *   command typed into the shell (```sh type: the user is asked to type it)
 *   ```
 *   @highlight bus=0-demo name=org.example.Echo
 *   @expect message kind=method-call member=Echo
 *   @expect output ECONNREFUSED
 *
 * Pure (no fs), so the web app (Vite ?raw imports) and Node share it.
 * Every problem is a LessonError naming the file and line.
 */
import { MESSAGE_KINDS } from '../views/filter-state.js';
import type { MessageKind } from '../model/message-log.js';
import { COUNT_KEY, EXPECT_KEYS, HIGHLIGHT_KEYS } from './expectation-keys.js';
import { LessonError, type Lesson, type LessonExpectation, type LessonHighlight, type LessonStep } from './types.js';

const FENCE = /^```\s*(\S*)(?:\s+(\S+))?\s*$/;
const KINDS: readonly string[] = MESSAGE_KINDS.map((k) => k.kind);

/** `lessons/05-require-meta.md` → `05-require-meta`. */
export function lessonIdFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.md$/, '');
}

/** `a=1 b="two words"` → { a: '1', b: 'two words' }. */
function parsePairs(text: string, fail: (why: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([a-z][a-z0-9-]*)=("([^"]*)"|\S+)/gy;
  let pos = 0;
  for (;;) {
    if (text.slice(pos).trim() === '') return out;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) fail(`expected key=value at "${text.slice(pos).trim()}"`);
    const key = m[1]!;
    if (key in out) fail(`"${key}" given twice`);
    out[key] = m[3] ?? m[2]!;
    pos = re.lastIndex;
  }
}

function parseHighlight(text: string, fail: (why: string) => never): LessonHighlight {
  const pairs = parsePairs(text, fail);
  const h: LessonHighlight = {};
  for (const [k, v] of Object.entries(pairs)) {
    if (!(HIGHLIGHT_KEYS as readonly string[]).includes(k)) fail(`@highlight takes ${HIGHLIGHT_KEYS.join(', ')}, not "${k}"`);
    if (k === 'kind') {
      if (!KINDS.includes(v)) fail(`unknown message kind "${v}" (one of ${KINDS.join(', ')})`);
      h.kind = v as MessageKind;
    } else h[k as 'bus' | 'name' | 'member'] = v;
  }
  if (Object.keys(h).length === 0) fail('@highlight needs at least one key=value');
  return h;
}

function parseExpect(text: string, line: number, fail: (why: string) => never): LessonExpectation {
  const m = /^(\S+)\s*(.*)$/.exec(text.trim());
  if (!m) fail('@expect needs an event type (or "output TEXT")');
  const [, type, rest] = m;
  if (type === 'output') {
    if (!rest!.trim()) fail('@expect output needs the text to find');
    return { kind: 'output', text: rest!.trim(), line };
  }
  const keys = EXPECT_KEYS[type!];
  if (!keys) fail(`unknown event type "${type}" (one of ${Object.keys(EXPECT_KEYS).join(', ')}, or output)`);
  const where = parsePairs(rest!, fail);
  for (const [k, v] of Object.entries(where)) {
    if (k === COUNT_KEY) {
      if (!/^[1-9]\d*$/.test(v)) fail(`count must be a positive integer, not "${v}"`);
    } else if (!keys.includes(k)) fail(`${type} takes ${[...keys, COUNT_KEY].join(', ')}, not "${k}"`);
    if (k === 'kind' && !KINDS.includes(v)) fail(`unknown message kind "${v}" (one of ${KINDS.join(', ')})`);
  }
  return { kind: 'event', type: type!, where, line };
}

export function parseLesson(file: string, text: string): Lesson {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const failAt = (line: number) => (why: string): never => {
    throw new LessonError(file, line, why);
  };
  // Front matter.
  if (lines[0]?.trim() !== '---') failAt(1)('a lesson starts with front matter: a line "---", "title: ...", then "---"');
  const meta: Record<string, string> = {};
  let i = 1;
  for (; i < lines.length && lines[i]!.trim() !== '---'; i++) {
    if (lines[i]!.trim() === '') continue;
    const m = /^([a-z]+):\s*(.*)$/.exec(lines[i]!);
    if (!m) return failAt(i + 1)(`front matter lines are "key: value", not "${lines[i]}"`);
    if (!['title', 'topic', 'id'].includes(m[1]!)) failAt(i + 1)(`unknown front matter key "${m[1]}" (title, topic, id)`);
    meta[m[1]!] = m[2]!.trim();
  }
  if (i >= lines.length) failAt(1)('the front matter is not closed by a "---" line');
  if (!meta.title) failAt(1)('the front matter has no title');
  const topic = Number(meta.topic ?? '0');
  if (!Number.isInteger(topic) || topic < 0) failAt(1)(`topic must be a whole number, not "${meta.topic}"`);

  const intro: string[] = [];
  const steps: LessonStep[] = [];
  let step: (LessonStep & { proseLines: string[] }) | null = null;
  let fence: { lang: string; line: number } | null = null;
  const finish = () => {
    if (!step) return;
    const { proseLines, ...rest } = step;
    const prose = proseLines.join('\n').trim();
    if (!prose && rest.commands.length === 0) failAt(rest.line)(`step "${rest.title}" has neither prose nor commands`);
    steps.push({ ...rest, prose });
  };
  for (i++; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const fail = failAt(lineNo);
    if (fence) {
      if (/^```\s*$/.test(raw)) {
        if (fence.lang !== 'sh') step!.proseLines.push(raw);
        fence = null;
        continue;
      }
      if (fence.lang === 'sh') {
        const cmd = raw.trim();
        if (cmd && !cmd.startsWith('#')) step!.commands.push(cmd);
      } else step!.proseLines.push(raw);
      continue;
    }
    const f = FENCE.exec(raw);
    if (f) {
      if (!step) fail('a code block before the first "## " step');
      fence = { lang: f[1] ?? '', line: lineNo };
      // Only ```sh blocks are commands; other blocks are shown as part of the prose.
      if (fence.lang !== 'sh') step!.proseLines.push(raw);
      else if (f[2] === 'type') {
        if (step!.commands.length && !step!.typed) fail('a step\'s commands are either all typed by the playground or all by the user');
        step!.typed = true;
      } else if (f[2] !== undefined) fail(`\`\`\`sh takes only "type" after it, not "${f[2]}"`);
      else if (step!.typed) fail('a step\'s commands are either all typed by the playground or all by the user');
      continue;
    }
    if (raw.startsWith('## ')) {
      finish();
      const title = raw.slice(3).trim();
      if (!title) fail('a step heading needs a title');
      step = { title, prose: '', commands: [], typed: false, highlight: null, expects: [], line: lineNo, proseLines: [] };
      continue;
    }
    if (raw.startsWith('@')) {
      if (!step) fail('a directive before the first "## " step');
      const m = /^@([a-z]+)\s*(.*)$/.exec(raw);
      if (m?.[1] === 'highlight') {
        if (step!.highlight) fail('a step has at most one @highlight');
        step!.highlight = parseHighlight(m[2]!, fail);
      } else if (m?.[1] === 'expect') step!.expects.push(parseExpect(m[2]!, lineNo, fail));
      else fail(`unknown directive "${raw.split(/\s/)[0]}" (@highlight, @expect)`);
      continue;
    }
    if (step) step.proseLines.push(raw);
    else intro.push(raw);
  }
  if (fence) failAt(fence.line)('this code block is not closed');
  finish();
  if (steps.length === 0) failAt(lines.length)('a lesson needs at least one "## " step');
  return { id: meta.id || lessonIdFromFile(file), title: meta.title!, topic, file, intro: intro.join('\n').trim(), steps };
}

/** Parses several files; the lessons in topic order, ids checked to be unique. */
export function parseLessons(files: ReadonlyArray<{ file: string; text: string }>): Lesson[] {
  const lessons = files.map((f) => parseLesson(f.file, f.text));
  const seen = new Map<string, string>();
  for (const l of lessons) {
    const other = seen.get(l.id);
    if (other) throw new LessonError(l.file, 1, `lesson id "${l.id}" is also used by ${other}`);
    seen.set(l.id, l.file);
  }
  return lessons.sort((a, b) => a.topic - b.topic || a.id.localeCompare(b.id));
}
