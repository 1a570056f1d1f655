// SPDX-License-Identifier: MIT
/**
 * The page's lesson state without a browser: → (advance) runs a step's
 * commands through the shell port, one after the prompt of the other, then
 * moves on; the highlight goes to the views after a step ran.
 */
import { describe, expect, it } from 'vitest';
import { parseLesson, type LessonHighlight } from '../../src/lessons/index.js';
import { LessonsModel, type ShellPort } from '../../web/lessons/lessons-model.js';

const LESSON = parseLesson('lessons/t.md', `---
title: T
topic: 1
---
## One
\`\`\`sh
echo a
echo b
\`\`\`
@highlight bus=0-t
## Two
Only prose.
`);

/** A shell that answers every typed line with its echo and a prompt, a little later. */
function fakeShell(): ShellPort & { typed: string[] } {
  const listeners = new Set<(t: string) => void>();
  const typed: string[] = [];
  return {
    typed,
    type(text) {
      typed.push(text);
      setTimeout(() => { for (const l of listeners) l(`${text.trim()}\r\nroot@kdbus:~# `); }, 5);
    },
    onConsoleText(l) {
      listeners.add(l);
      queueMicrotask(() => l('root@kdbus:~# '));
      return () => listeners.delete(l);
    },
    onTraceActivity: () => () => undefined,
  };
}

describe('LessonsModel', () => {
  it('→ runs the step, then goes on; the highlight follows; at the end → is not taken', async () => {
    const shell = fakeShell();
    const highlights: Array<LessonHighlight | null> = [];
    const m = new LessonsModel([LESSON], null, shell, { highlight: (h) => highlights.push(h) });
    const disconnect = m.connect();
    await Promise.resolve();
    m.open('t');
    expect(m.getSnapshot()).toMatchObject({ step: 0, run: null, ran: [] });
    expect(m.advance()).toBe(true);
    expect(m.running).toBe(true);
    expect(m.advance()).toBe(true); // taken while running, and ignored
    await expect.poll(() => m.getSnapshot().run?.state, { timeout: 5000 }).toBe('done');
    expect(shell.typed).toEqual(['echo a\r', 'echo b\r']);
    expect(m.getSnapshot().ran).toEqual([0]);
    expect(highlights.at(-1)).toEqual({ bus: '0-t' });
    expect(m.advance()).toBe(true);
    expect(m.getSnapshot().step).toBe(1);
    expect(highlights.at(-1)).toBeNull();
    expect(m.advance()).toBe(false); // prose-only last step: → goes to the messages
    m.prev();
    expect(highlights.at(-1)).toEqual({ bus: '0-t' }); // a step already run shows its highlight again
    m.close();
    expect(m.getSnapshot().lesson).toBeNull();
    disconnect();
  }, 10_000);

  it('→ does not type the commands a step asks the user to type', () => {
    const typed = parseLesson('lessons/u.md', '---\ntitle: U\n---\n## A\n```sh type\nls\n```\n## B\nEnd.\n');
    const shell = fakeShell();
    const m = new LessonsModel([typed], null, shell, { highlight: () => undefined });
    m.open('u');
    expect(m.advance()).toBe(true);
    expect(m.getSnapshot().step).toBe(1);
    expect(shell.typed).toEqual([]);
  });

  it('a share link\'s lesson: shown at its step at once, then every step through it typed (typed ones too), highlight for the shown step only', async () => {
    const lesson = parseLesson('lessons/v.md', '---\ntitle: V\n---\n## A\n```sh\necho a\n```\n@highlight bus=0-a\n## B\n```sh type\nls\n```\n## C\n```sh\necho c\n```\n@highlight bus=0-c\n## D\n```sh\necho d\n```\n');
    const shell = fakeShell();
    const highlights: Array<LessonHighlight | null> = [];
    const m = new LessonsModel([lesson], null, shell, { highlight: (h) => highlights.push(h) });
    const disconnect = m.connect();
    await Promise.resolve();
    const done = m.replayThrough({ id: 'v', step: 2 });
    expect(m.getSnapshot()).toMatchObject({ step: 2, lesson: { id: 'v' } });
    expect(await done).toBeNull();
    expect(shell.typed).toEqual(['echo a\r', 'ls\r', 'echo c\r']);
    expect(m.getSnapshot()).toMatchObject({ step: 2, ran: [0, 1, 2], run: { step: 2, state: 'done' } });
    expect(highlights.filter((h) => h !== null)).toEqual([{ bus: '0-c' }]);
    expect(await m.replayThrough({ id: 'nope', step: 0 })).toBe('the link\'s lesson "nope" is not one of this playground\'s lessons');
    expect(await m.replayThrough({ id: 'v', step: 4 })).toBe('the link\'s lesson "v" has 4 steps; the link names step 5');
    expect(shell.typed).toHaveLength(3);
    disconnect();
  }, 10_000);

  it('without a guest, → only moves between steps', () => {
    const m = new LessonsModel([LESSON], null, null, { highlight: () => undefined });
    m.open('t');
    expect(m.canRun).toBe(false);
    expect(m.advance()).toBe(true);
    expect(m.getSnapshot().step).toBe(1);
  });
});
