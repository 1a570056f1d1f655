// SPDX-License-Identifier: MIT
/** The lesson format: parsing, every validation message (file and line), the built-in lessons, and the trace checks. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { checkExpectations, LessonError, parseLesson, parseLessons, type LessonExpectation } from '../../src/lessons/index.js';
import { loadLessonDir } from '../../src/lessons/load-node.js';
import type { TraceEvent } from '../../src/trace/events.js';

const GOOD = `---
title: Names
topic: 9
---
Intro *text*.

## Ownership

A service owns a name.

\`\`\`sh
kdbus bus make names & B=$!
# a comment, not a command

kdbus serve org.example.Echo &
\`\`\`

@highlight bus=0-names name=org.example.Echo
@expect names bus=0-names name=org.example.Echo
@expect output "serve: "

## Prose only

\`\`\`c
int x;
\`\`\`
@expect message kind=method-call member=Echo count=2
`;

function errorOf(text: string): LessonError {
  try {
    parseLesson('lessons/x.md', text);
  } catch (err) {
    if (err instanceof LessonError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('parseLesson', () => {
  it('reads front matter, intro, steps, commands, highlight and expectations', () => {
    const l = parseLesson('lessons/09-names.md', GOOD);
    expect(l).toMatchObject({ id: '09-names', title: 'Names', topic: 9, intro: 'Intro *text*.' });
    expect(l.steps).toHaveLength(2);
    const [a, b] = l.steps;
    expect(a).toMatchObject({
      title: 'Ownership', prose: 'A service owns a name.', line: 7,
      commands: ['kdbus bus make names & B=$!', 'kdbus serve org.example.Echo &'],
      highlight: { bus: '0-names', name: 'org.example.Echo' },
    });
    expect(a!.expects).toEqual([
      { kind: 'event', type: 'names', where: { bus: '0-names', name: 'org.example.Echo' }, line: 19 },
      { kind: 'output', text: '"serve: "', line: 20 },
    ]);
    // Non-sh code blocks stay in the prose.
    expect(b!.prose).toBe('```c\nint x;\n```');
    expect(b!.commands).toEqual([]);
    expect(b!.expects[0]).toMatchObject({ type: 'message', where: { kind: 'method-call', member: 'Echo', count: '2' } });
  });

  it('marks commands the user is asked to type', () => {
    const l = parseLesson('a.md', '---\ntitle: T\n---\n## S\n```sh type\nls -l\n```\n');
    expect(l.steps[0]).toMatchObject({ commands: ['ls -l'], typed: true });
    expect(parseLesson('lessons/09-names.md', GOOD).steps[0]!.typed).toBe(false);
  });

  it('takes quoted values and CRLF line ends', () => {
    const l = parseLesson('a.md', '---\r\ntitle: T\r\n---\r\n## S\r\nprose\r\n@expect conn-add cmdline="kdbus serve x"\r\n');
    expect(l.steps[0]!.expects[0]).toMatchObject({ where: { cmdline: 'kdbus serve x' } });
  });

  const bad: Array<[string, string, number, string]> = [
    ['no front matter', '# x\n## s\nhi', 1, 'a lesson starts with front matter'],
    ['unclosed front matter', '---\ntitle: x\n', 1, 'not closed'],
    ['no title', '---\ntopic: 1\n---\n## s\nhi', 1, 'has no title'],
    ['unknown front matter key', '---\ntitle: x\nauthor: me\n---\n## s\nhi', 3, 'unknown front matter key "author"'],
    ['bad front matter line', '---\ntitle: x\njust words\n---\n## s\nhi', 3, 'front matter lines are "key: value"'],
    ['bad topic', '---\ntitle: x\ntopic: two\n---\n## s\nhi', 1, 'topic must be a whole number'],
    ['no steps', '---\ntitle: x\n---\njust intro', 4, 'at least one "## " step'],
    ['empty step', '---\ntitle: x\n---\n## s\n\n## t\nhi', 4, 'neither prose nor commands'],
    ['empty heading', '---\ntitle: x\n---\n## \nhi', 4, 'needs a title'],
    ['code before steps', '---\ntitle: x\n---\n```sh\nls\n```\n## s\nhi', 4, 'before the first "## " step'],
    ['directive before steps', '---\ntitle: x\n---\n@expect output x\n## s\nhi', 4, 'before the first'],
    ['unclosed code block', '---\ntitle: x\n---\n## s\n```sh\nls\n', 5, 'not closed'],
    ['unknown directive', '---\ntitle: x\n---\n## s\n@run ls', 5, 'unknown directive "@run"'],
    ['unknown event type', '---\ntitle: x\n---\n## s\n@expect bus-made name=x', 5, 'unknown event type "bus-made"'],
    ['wrong key', '---\ntitle: x\n---\n## s\n@expect bus-add nmae=x', 5, 'bus-add takes name, count, not "nmae"'],
    ['bad kind', '---\ntitle: x\n---\n## s\n@expect message kind=call', 5, 'unknown message kind "call"'],
    ['bad count', '---\ntitle: x\n---\n## s\n@expect message count=0', 5, 'count must be a positive integer'],
    ['not key=value', '---\ntitle: x\n---\n## s\n@expect message member', 5, 'expected key=value at "member"'],
    ['twice', '---\ntitle: x\n---\n## s\n@expect message member=a member=b', 5, '"member" given twice'],
    ['output without text', '---\ntitle: x\n---\n## s\n@expect output', 5, 'needs the text'],
    ['two highlights', '---\ntitle: x\n---\n## s\n@highlight bus=a\n@highlight bus=b', 6, 'at most one @highlight'],
    ['empty highlight', '---\ntitle: x\n---\n## s\n@highlight', 5, 'at least one key=value'],
    ['mixed command blocks', '---\ntitle: x\n---\n## s\n```sh\nls\n```\n```sh type\nls\n```', 8, 'either all typed'],
    ['unknown sh word', '---\ntitle: x\n---\n## s\n```sh run\nls\n```', 5, 'only "type"'],
    ['bad highlight key', '---\ntitle: x\n---\n## s\n@highlight colour=red', 5, 'not "colour"'],
  ];
  for (const [what, text, line, message] of bad) {
    it(`refuses: ${what}`, () => {
      const err = errorOf(text);
      expect(err.file).toBe('lessons/x.md');
      expect(err.line).toBe(line);
      expect(err.message).toContain(`lessons/x.md:${line}: `);
      expect(err.reason).toContain(message);
    });
  }

  it('refuses two lessons with one id', () => {
    const text = '---\ntitle: x\nid: same\n---\n## s\nhi';
    expect(() => parseLessons([{ file: 'a.md', text }, { file: 'b.md', text }])).toThrow('b.md:1: lesson id "same" is also used by a.md');
  });
});

describe('the built-in lessons', () => {
  const lessons = loadLessonDir(join(REPO_ROOT, 'lessons'));
  it('parse, one per topic, in order, each step with commands or an expectation', () => {
    expect(lessons.map((l) => l.topic)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (const l of lessons) {
      expect(l.steps.length).toBeGreaterThan(1);
      for (const s of l.steps) expect(s.expects.length, `${l.file}: ${s.title}`).toBeGreaterThan(0);
    }
  });
});

describe('checkExpectations', () => {
  const base = { time: 0 };
  const trace = [
    { ...base, seq: 1, type: 'bus-add', domain: 1, bus: 7, name: '0-demo', stat: { mode: 0, modeText: '', uid: 0, gid: 0 },
      busInfo: { flags: 0, flagNames: [], id128: '', bloom: { size: 64, n_hash: 2 } }, creator: null },
    { ...base, seq: 2, type: 'bus-remove', bus: 7 },
  ] as TraceEvent[];
  const ev = (type: string, where: Record<string, string>): LessonExpectation => ({ kind: 'event', type, where, line: 1 });

  it('names a removed bus from its bus-add earlier in the trace', () => {
    const r = checkExpectations([ev('bus-remove', { name: '0-demo' }), ev('bus-remove', { name: '0-other' })], trace, 1, '');
    expect(r.map((x) => x.ok)).toEqual([true, false]);
  });

  it('looks only from the step on, and counts', () => {
    expect(checkExpectations([ev('bus-add', { name: '0-demo' })], trace, 1, '')[0]!.ok).toBe(false);
    expect(checkExpectations([ev('bus-add', { name: '0-demo', count: '2' })], trace, 0, '')[0]).toMatchObject({ ok: false, matched: 1 });
  });

  it('finds output text', () => {
    const r = checkExpectations([{ kind: 'output', text: 'ECONNREFUSED', line: 1 }], trace, 0, 'kdbus: HELLO: ECONNREFUSED: ...');
    expect(r[0]).toMatchObject({ ok: true, text: 'output ECONNREFUSED' });
  });
});
