// SPDX-License-Identifier: MIT
/**
 * `kdbus-playground run LINK_OR_LESSON_FILE [--svg out.svg] [--trace out.jsonl]`:
 * boots the guest, replays the lesson's steps (or the link's: the steps of
 * its lesson through its step, if it has one, then its commands) on its shell, checks each step's expectations, and writes the trace (JSON
 * lines) and the sequence diagram (SVG) — for slides prepared ahead and CI.
 * Exit status 0: every command returned and every expectation held; 1: not;
 * 125: the guest could not run.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GuestMachine } from '../machine.js';
import { NodeAssetSource, REPO_ROOT } from './assets.js';
import type { RunArgs } from './cli-args.js';
import { UsageError } from './cli-args.js';
import { LessonRecorder, type ReplayOutcome, type ReplayStep } from './run-replay.js';
import { parseLesson, LessonError } from '../../src/lessons/index.js';
import { loadLessonDir } from '../../src/lessons/load-node.js';
import { linkedLessonSteps } from '../../src/share/linked-lesson.js';
import { decodeShareLink, ShareLinkError } from '../../src/share/link.js';
import { imageHashOf, type ImageManifestLike } from '../../src/share/image-hash.js';
import { serializeTraceLine } from '../../src/trace/jsonl.js';
import { BusModel } from '../../src/model/bus-model.js';
import { diagramSvg } from '../../web/diagram/export.js';

export const EXIT_INFRA = 125;

/** What to replay: a lesson's steps, or a link's lesson steps (src/share/linked-lesson.ts) and then its commands as one more step. */
async function loadSteps(source: string): Promise<{ title: string; steps: ReplayStep[] }> {
  if (source.includes('#')) {
    try {
      const state = await decodeShareLink(source);
      // Replayed on this checkout's guest; a link made with another image may behave differently, so say so.
      const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'public/guest/manifest.json'), 'utf8')) as ImageManifestLike;
      const here = await imageHashOf(manifest);
      if (state.image !== here) {
        process.stderr.write(`kdbus-playground: note: the link was made with guest image ${state.image}; replaying on this checkout's ${here}\n`);
      }
      const commands: ReplayStep = { title: `the link's commands (${state.commands.length})`, commands: state.commands, expects: [], interrupted: state.interrupted };
      if (!state.lesson) return { title: `share link (${state.commands.length} commands)`, steps: [commands] };
      // As the page opens it: the lesson's steps up to and including the link's step, then the link's own commands.
      const linked = linkedLessonSteps(loadLessonDir(join(REPO_ROOT, 'lessons')), state.lesson);
      if (!linked.ok) throw new UsageError(linked.reason);
      const steps: ReplayStep[] = [...linked.steps];
      if (state.commands.length > 0) steps.push(commands);
      return { title: `share link: ${linked.lesson.title}, steps 1–${linked.steps.length} of ${linked.lesson.steps.length}, then ${state.commands.length} commands`, steps };
    } catch (err) {
      if (err instanceof ShareLinkError) throw new UsageError(err.message);
      throw err;
    }
  }
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (err) {
    throw new UsageError(`${source}: ${(err as Error).message}`);
  }
  try {
    const lesson = parseLesson(source, text);
    return { title: lesson.title, steps: lesson.steps };
  } catch (err) {
    if (err instanceof LessonError) throw new UsageError(err.message);
    throw err;
  }
}

function report(title: string, outcome: ReplayOutcome, total: number): string {
  const lines = [`${title}`];
  outcome.steps.forEach((s, i) => {
    const bad = s.failure !== null || s.results.some((r) => !r.ok);
    lines.push(`${bad ? 'FAIL' : 'ok  '} step ${i + 1}/${total} ${s.title} (${(s.ms / 1000).toFixed(1)} s)`);
    if (s.failure) lines.push(`       ${s.failure}`);
    for (const r of s.results) lines.push(`       ${r.ok ? 'ok  ' : 'MISSING'} ${r.text}${r.expectation.kind === 'event' ? ` (${r.matched})` : ''}`);
  });
  for (let i = outcome.steps.length; i < total; i++) lines.push(`skip step ${i + 1}/${total}`);
  return lines.join('\n');
}

export async function runCommand(args: RunArgs): Promise<number> {
  const { title, steps } = await loadSteps(args.source);
  const machine = new GuestMachine(new NodeAssetSource());
  const recorder = new LessonRecorder(machine);
  let crashed: string | null = null;
  machine.onStatus((s) => {
    if (s.state === 'crashed') crashed = s.report.line;
    if (s.state === 'error') process.stderr.write(`kdbus-playground: error: ${s.message}\n`);
  });
  if (args.console) machine.onConsole((b) => process.stderr.write(b));
  try {
    await machine.start({ mode: args.mode, cols: 100, rows: 30 });
  } catch {
    return EXIT_INFRA;
  }
  let outcome: ReplayOutcome;
  try {
    const crash = new Promise<never>((_, reject) => machine.onStatus((s) => {
      if (s.state === 'crashed') reject(new Error(`the guest kernel crashed: ${s.report.line}`));
    }));
    outcome = await Promise.race([recorder.replay(steps), crash]);
  } catch (err) {
    process.stderr.write(`kdbus-playground: ${(err as Error).message}\n`);
    return EXIT_INFRA;
  } finally {
    await machine.stop();
  }
  if (crashed) return EXIT_INFRA;
  if (args.trace) await writeFile(args.trace, outcome.trace.map((e) => `${serializeTraceLine(e)}\n`).join(''));
  if (args.svg) {
    const model = new BusModel();
    model.applyAll(outcome.trace);
    await writeFile(args.svg, diagramSvg(model, { filter: {}, asOf: null, theme: 'light' }));
  }
  process.stderr.write(`${report(title, outcome, steps.length)}\n`);
  return outcome.ok ? 0 : 1;
}
