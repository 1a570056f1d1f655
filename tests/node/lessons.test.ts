// SPDX-License-Identifier: MIT
/**
 * Every built-in lesson (lessons/*.md) replayed on the real guest, the way
 * `kdbus-playground run` and the page replay it: each command typed into
 * the shell on the console, the next after the prompt. Each lesson must
 * come back to the prompt after every command, its trace must hold every
 * event its steps `@expect` (e.g. lesson 5: the bus with required metadata,
 * the refused HELLO's ECONNREFUSED, the complying connection), and the
 * guest kernel must stay clean. One fresh guest per lesson (from the saved
 * state), as a visitor starting a lesson would have. Plus the CLI: `run`
 * writes the trace and the SVG diagram, replays share links, and refuses
 * malformed lessons and links with clear messages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../emulator/node/assets.js';
import { LessonRecorder } from '../../emulator/node/run-replay.js';
import { loadLessonDir } from '../../src/lessons/load-node.js';
import { encodeShareLink } from '../../src/share/link.js';
import { parseTraceLines } from '../../src/trace/jsonl.js';
import { bootGuest, type TestGuest } from '../helpers/guest.js';
import { expectKernelClean } from '../helpers/guest-programs.js';

const lessons = loadLessonDir(join(REPO_ROOT, 'lessons'));
let guest: TestGuest | null = null;

afterEach(async () => {
  await guest?.machine.stop();
  guest = null;
});

describe('built-in lessons replayed on the real guest', () => {
  it('covers the eleven topics of issue #7', () => {
    expect(lessons.map((l) => l.topic)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  for (const lesson of lessons) {
    it(`${lesson.id}: ${lesson.title}`, async () => {
      guest = await bootGuest('snapshot');
      const recorder = new LessonRecorder(guest.machine);
      const t0 = Date.now();
      const outcome = await recorder.replay(lesson.steps);
      console.log(`${lesson.id}: ${outcome.steps.length} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${outcome.trace.length} events`);
      const problems = outcome.steps.flatMap((s, i) => [
        ...(s.failure ? [`step ${i + 1} (${s.title}): ${s.failure}`] : []),
        ...s.results.filter((r) => !r.ok).map((r) => `step ${i + 1} (${s.title}): no ${r.text} (line ${r.expectation.line})`),
      ]);
      expect(problems, recorder.console.slice(-3000)).toEqual([]);
      expect(outcome.steps).toHaveLength(lesson.steps.length);
      expect(outcome.ok).toBe(true);
      // Every step proves something; every event expectation matched a real event.
      for (const s of outcome.steps) for (const r of s.results) if (r.expectation.kind === 'event') expect(r.matched).toBeGreaterThan(0);
      expect(outcome.trace.some((e) => e.type === 'loss' || e.type === 'malformed')).toBe(false);
      await expectKernelClean(guest);
    }, 90_000);
  }

  const expectsOf = (topic: number) => lessons.find((l) => l.topic === topic)!.steps.flatMap((s) =>
    s.expects.map((x) => (x.kind === 'output' ? `output ${x.text}` : `${x.type} ${x.where.notification ?? ''}`.trimEnd())));

  it('lesson 5 proves the refused HELLO in the trace (the kernel extension reports it), not only in the shell', () => {
    const all = expectsOf(5);
    expect(all).toContain('output ECONNREFUSED');
    expect(all).toContain('message HELLO_REFUSED');
    expect(all).toContain('conn-add');
  });

  it("lesson 3 proves the custom endpoint's policy reached the trace", () => {
    expect(expectsOf(3)).toContain('message ENDPOINT_POLICY');
  });
});

describe('kdbus-playground run', () => {
  it('replays a lesson file and writes its trace and diagram', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-run-'));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'run', join(REPO_ROOT, 'lessons/01-domains.md'),
      '--svg', join(dir, 'out.svg'), '--trace', join(dir, 'out.jsonl')], { encoding: 'utf8', timeout: 90_000 });
    expect(r.stderr).toMatch(/ok {3}step 4\/4/);
    expect(r.status, r.stderr).toBe(0);
    const { events, errors } = parseTraceLines(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    expect(errors).toEqual([]);
    expect(events.some((e) => e.type === 'domain-add' && e.path === '/tmp/dom')).toBe(true);
    expect(events.some((e) => e.type === 'bus-add' && e.name === '0-lesson')).toBe(true);
    const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
    expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('</svg>');
  }, 90_000);

  it('replays a share link\'s commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-run-'));
    const link = await encodeShareLink({ v: 1, image: '0123456789abcdef', commands: ['kdbus bus make linked & B=$!', 'kdbus ls', 'kill $B; wait'] }, 'http://127.0.0.1/');
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'run', link, '--trace', join(dir, 'out.jsonl')],
      { encoding: 'utf8', timeout: 90_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('the link was made with guest image 0123456789abcdef');
    const { events } = parseTraceLines(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    expect(events.some((e) => e.type === 'bus-add' && e.name === '0-linked')).toBe(true);
    expect(events.some((e) => e.type === 'bus-remove')).toBe(true);
  }, 90_000);

  it('replays a share link\'s lesson through its step, then the link\'s commands, in one shell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-run-'));
    // Made at step 3 of lesson 1 (index 2): the bus is up and $BUS holds its pid; the user's commands use that.
    const link = await encodeShareLink({
      v: 1, image: '0123456789abcdef', lesson: { id: '01-domains', step: 2 },
      commands: ['kill $BUS; wait $BUS', 'ls /tmp/dom'],
    }, 'http://127.0.0.1/');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'run', link, '--trace', join(dir, 'out.jsonl')],
      { encoding: 'utf8', timeout: 90_000 });
    console.log(`run LINK with a lesson: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(r.status, r.stderr).toBe(0);
    // Each lesson step ran with its checks (step 2's `ls -l` output, step 3's bus), then the commands; step 4 did not run.
    expect(r.stderr).toContain('share link: kdbusfs and domains, steps 1–3 of 4, then 2 commands');
    expect(r.stderr).toMatch(/ok {3}step 1\/4 A fresh domain[^]*ok {3}domain-add path=\/tmp\/dom/);
    expect(r.stderr).toMatch(/ok {3}step 2\/4 An empty domain has one file[^]*ok {3}output control/);
    expect(r.stderr).toMatch(/ok {3}step 3\/4 A bus in the new domain[^]*ok {3}bus-add name=0-lesson/);
    expect(r.stderr).toMatch(/ok {3}step 4\/4 the link's commands \(2\)/);
    expect(r.stderr).not.toContain('Clean up');
    const { events } = parseTraceLines(readFileSync(join(dir, 'out.jsonl'), 'utf8'));
    const types = events.map((e) => `${e.type} ${'name' in e ? String(e.name) : 'path' in e ? String(e.path) : ''}`.trim());
    const busAdd = types.indexOf('bus-add 0-lesson');
    expect(types.indexOf('domain-add /tmp/dom')).toBeGreaterThanOrEqual(0);
    expect(busAdd).toBeGreaterThan(types.indexOf('domain-add /tmp/dom'));
    // The link's `kill $BUS` found the lesson's $BUS: the bus went away after it came, the domain stayed.
    expect(types.slice(busAdd).some((t) => t.startsWith('bus-remove'))).toBe(true);
    expect(types.some((t) => t.startsWith('domain-remove'))).toBe(false);
  }, 90_000);

  it('refuses a link whose lesson is unknown or has no such step, before booting', async () => {
    for (const [lesson, message] of [
      [{ id: 'no-such-lesson', step: 0 }, 'the link\'s lesson "no-such-lesson" is not one of this playground\'s lessons'],
      [{ id: '01-domains', step: 9 }, 'the link\'s lesson "01-domains" has 4 steps; the link names step 10'],
    ] as const) {
      const link = await encodeShareLink({ v: 1, image: '0123456789abcdef', lesson, commands: ['true'] }, 'http://127.0.0.1/');
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'run', link], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`kdbus-playground: ${message}`);
    }
  });

  it('refuses a damaged share link with the link\'s own message', () => {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'run', 'http://x/#share=AQ!!'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/kdbus-playground: the share link is/);
  });

  it('refuses a malformed lesson with its file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kp-run-'));
    const file = join(dir, 'bad.md');
    spawnSync('sh', ['-c', `printf -- '---\\ntitle: x\\n---\\n## s\\n@expect bus-add nmae=x\\n' > ${file}`]);
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin/kdbus-playground.mjs'), 'run', file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}:5: bus-add takes name, count, not "nmae"`);
  });
});
