// SPDX-License-Identifier: MIT
/**
 * The lessons' one piece of state, beside ViewsModel: which lesson and step
 * is open, whether the step's commands ran, the menu, presentation mode.
 * Running a step types its commands into the real shell (so the audience
 * sees them) through a ShellPort, the next one after the prompt is back and
 * the guest has settled — the same CommandReplay `kdbus-playground run` uses.
 * After a step ran (or when it is shown again) its highlight is applied to
 * the views as a filter.
 */
import type { Lesson, LessonHighlight } from '../../src/lessons/index.js';
import { linkedLessonSteps } from '../../src/share/linked-lesson.js';
import { CommandReplay } from '../../src/share/replay.js';

/** What running a step needs of the page: the shell and the trace. */
export interface ShellPort {
  type(text: string): void;
  onConsoleText(listener: (text: string) => void): () => void;
  /** Calls back whenever trace events arrived. */
  onTraceActivity(listener: () => void): () => void;
}

/** Where the lesson's highlight goes (the views). */
export interface HighlightTarget {
  highlight(h: LessonHighlight | null): void;
}

export type StepRun = { step: number; state: 'running'; command: number } | { step: number; state: 'done' } | { step: number; state: 'failed'; reason: string };

export interface LessonsSnapshot {
  lessons: readonly Lesson[];
  /** Why the built-in lessons could not be loaded. */
  loadError: string | null;
  menuOpen: boolean;
  /** The open lesson and its step, or null. */
  lesson: Lesson | null;
  step: number;
  /** Steps of the open lesson whose commands were typed. */
  ran: readonly number[];
  run: StepRun | null;
  presenting: boolean;
}

/** The console tail kept so a step's replay starts with the prompt already on screen. */
const TAIL_CHARS = 4096;

export class LessonsModel {
  private snapshot: LessonsSnapshot;
  private readonly listeners = new Set<() => void>();
  private tail = '';
  private replay: CommandReplay | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    lessons: readonly Lesson[],
    loadError: string | null,
    private readonly shell: ShellPort | null,
    private readonly target: HighlightTarget,
  ) {
    this.snapshot = { lessons, loadError, menuOpen: false, lesson: null, step: 0, ran: [], run: null, presenting: false };
  }

  /** Starts following the shell's output and the trace (from a React effect, so StrictMode's second mount is balanced). */
  connect(): () => void {
    const shell = this.shell;
    if (shell) {
      this.unsubscribe.push(shell.onConsoleText((t) => {
        this.tail = (this.tail + t).slice(-TAIL_CHARS);
        this.replay?.console(t);
      }));
      this.unsubscribe.push(shell.onTraceActivity(() => this.replay?.activity()));
    }
    return () => this.dispose();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LessonsSnapshot => this.snapshot;

  get canRun(): boolean {
    return this.shell !== null;
  }

  dispose(): void {
    this.replay?.stop();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private update(patch: Partial<LessonsSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }

  setMenu(open: boolean): void {
    this.update({ menuOpen: open });
  }

  open(id: string, step = 0): void {
    const lesson = this.snapshot.lessons.find((l) => l.id === id) ?? null;
    if (!lesson) return;
    this.replay?.stop();
    this.update({ lesson, step: Math.max(0, Math.min(step, lesson.steps.length - 1)), ran: [], run: null, menuOpen: false });
    this.target.highlight(null);
  }

  close(): void {
    this.replay?.stop();
    this.update({ lesson: null, step: 0, ran: [], run: null, presenting: false });
    this.target.highlight(null);
  }

  goTo(step: number): void {
    const l = this.snapshot.lesson;
    if (!l || step < 0 || step >= l.steps.length || this.running) return;
    this.update({ step, run: null });
    // A step already run shows its highlight again; one not yet run shows the views unfiltered.
    this.target.highlight(this.snapshot.ran.includes(step) ? (l.steps[step]!.highlight ?? null) : null);
  }

  next(): void {
    this.goTo(this.snapshot.step + 1);
  }

  prev(): void {
    this.goTo(this.snapshot.step - 1);
  }

  get running(): boolean {
    return this.snapshot.run?.state === 'running';
  }

  /**
   * → in a lesson: run the step's commands if they have not run, else go to
   * the next step. False when there is nothing more to do in the lesson (the
   * caller then steps through messages).
   */
  advance(): boolean {
    const { lesson, step, ran } = this.snapshot;
    if (!lesson) return false;
    if (this.running) return true;
    const s = lesson.steps[step]!;
    if (s.commands.length > 0 && !s.typed && !ran.includes(step) && this.shell) {
      void this.runStep();
      return true;
    }
    if (step + 1 < lesson.steps.length) {
      this.next();
      return true;
    }
    return false;
  }

  /** Types the current step's commands into the shell, one after another. */
  async runStep(): Promise<void> {
    const { lesson, step } = this.snapshot;
    if (!lesson || !this.shell || this.running) return;
    await this.typeStep(lesson, step);
  }

  /**
   * Opening a share link made during a lesson (src/share/linked-lesson.ts):
   * shows the lesson at the link's step at once, then types the commands of
   * every step up to and including it — also the steps that ask the user to
   * type, as `kdbus-playground run` does, since later steps build on them.
   * Resolves null when they all came back to the prompt, else why not.
   */
  async replayThrough(ref: { id: string; step: number }): Promise<string | null> {
    const linked = linkedLessonSteps(this.snapshot.lessons, ref);
    if (!linked.ok) return linked.reason;
    if (!this.shell) return 'there is no guest to run the lesson in';
    if (this.snapshot.lesson?.id !== ref.id || this.snapshot.step !== ref.step) this.open(ref.id, ref.step);
    const lesson = this.snapshot.lesson!;
    for (let i = 0; i < linked.steps.length; i++) {
      const failure = await this.typeStep(lesson, i);
      if (failure !== null) return `lesson step ${i + 1} (${lesson.steps[i]!.title}): ${failure}`;
    }
    return null;
  }

  /** Types step `step`'s commands; null when they all came back to the prompt, else why not. */
  private async typeStep(lesson: Lesson, step: number): Promise<string | null> {
    const s = lesson.steps[step]!;
    const replay = new CommandReplay(s.commands, {
      type: (text) => this.shell!.type(text),
      onCommand: (i) => this.update({ run: { step, state: 'running', command: i } }),
    });
    replay.console(this.tail);
    this.replay = replay;
    this.update({ run: { step, state: 'running', command: 0 } });
    const r = await replay.run();
    if (this.replay !== replay) return 'the lesson was closed'; // or another lesson opened meanwhile
    this.replay = null;
    if (!r.ok) {
      this.update({ run: { step, state: 'failed', reason: r.reason } });
      return r.reason;
    }
    this.update({ run: { step, state: 'done' }, ran: [...this.snapshot.ran, step] });
    // Only the step on screen points the views at something (an earlier one replayed for a link does not).
    if (this.snapshot.step === step) this.target.highlight(s.highlight);
    return null;
  }

  setPresenting(on: boolean): void {
    this.update({ presenting: on, menuOpen: false });
  }
}
