// SPDX-License-Identifier: MIT
/**
 * Replays a lesson (or a share link: its lesson's steps, then its commands) on a running guest the way
 * the page does: each command typed into the shell on the guest console,
 * the next one once the prompt is back and the guest has settled
 * (src/share/replay.ts, the same code the page uses). Typing on the console
 * rather than running each command through `exec` keeps the shell's state
 * between commands (variables, background jobs started with `&`, `kill %1`),
 * which lessons rely on, and gives the same trace the page records.
 */
import type { GuestMachine } from '../machine.js';
import { checkExpectations, type ExpectationResult, type LessonExpectation } from '../../src/lessons/index.js';
import { CommandReplay } from '../../src/share/replay.js';
import type { TraceEvent } from '../../src/trace/events.js';

/** A step to replay: its commands and what its trace must show. */
export interface ReplayStep {
  title: string;
  commands: readonly string[];
  expects: readonly LessonExpectation[];
  /** Commands (indices) to end with Ctrl-C once the guest is quiet after they started (a share link's `interrupted`). */
  interrupted?: readonly number[];
}

export interface StepOutcome {
  title: string;
  /** Index in the trace of the first event after the step began. */
  eventStart: number;
  /** Console text while the step ran (commands echoed, their output). */
  output: string;
  results: ExpectationResult[];
  /** Why the replay stopped in this step, or null. */
  failure: string | null;
  ms: number;
}

export interface ReplayOutcome {
  /** The trace from the agent's first snapshot on, without the closing barrier's snapshot. */
  trace: TraceEvent[];
  steps: StepOutcome[];
  /** Every expectation held and every command came back to the prompt. */
  ok: boolean;
}

/** Seconds a foreground command may run; lessons background their long-running commands. */
export const COMMAND_TIMEOUT_MS = 30_000;
/** The console tail kept to seed each step's replay with the prompt already on screen. */
const TAIL_CHARS = 4096;

/**
 * A recorder on a machine: attach it before `start` so the trace is
 * complete from the agent's first snapshot, then `replay` once the guest is up.
 */
export class LessonRecorder {
  private readonly events: TraceEvent[] = [];
  private consoleText = '';
  private tail = '';
  private closingFrom: number | null = null;
  private active: CommandReplay | null = null;
  private readonly decoder = new TextDecoder();

  constructor(private readonly machine: GuestMachine) {
    machine.onTrace((batch) => {
      for (const e of batch) this.events.push(e);
      if (batch.length) this.active?.activity();
    });
    machine.onConsole((bytes) => {
      const text = this.decoder.decode(bytes, { stream: true });
      this.consoleText += text;
      this.tail = (this.tail + text).slice(-TAIL_CHARS);
      this.active?.console(text);
    });
  }

  /** The whole console so far. */
  get console(): string {
    return this.consoleText;
  }

  async replay(steps: readonly ReplayStep[]): Promise<ReplayOutcome> {
    await this.machine.traceReady();
    const outcomes: StepOutcome[] = [];
    for (const step of steps) {
      const t0 = Date.now();
      const eventStart = this.events.length;
      const outputStart = this.consoleText.length;
      const replay = new CommandReplay(step.commands, {
        type: (text) => this.machine.write(new TextEncoder().encode(text)),
        promptTimeoutMs: COMMAND_TIMEOUT_MS,
        interrupted: step.interrupted,
      });
      // The prompt of the previous command is already on screen: seed it.
      replay.console(this.tail);
      this.active = replay;
      const r = await replay.run();
      this.active = null;
      outcomes.push({
        title: step.title, eventStart, output: this.consoleText.slice(outputStart), results: [],
        failure: r.ok ? null : r.reason, ms: Date.now() - t0,
      });
      if (!r.ok) break;
    }
    // The closing barrier: everything the commands caused has been reported once the sync's snapshot begins.
    this.closingFrom = this.events.length;
    await this.machine.traceSync();
    const trace = this.trace();
    // Checked at the end, against the trace from the step's start on: the agent may report a little after the prompt.
    for (const o of outcomes) {
      const step = steps[outcomes.indexOf(o)]!;
      o.results = checkExpectations(step.expects, trace, o.eventStart, o.output);
    }
    const ok = outcomes.length === steps.length && outcomes.every((o) => o.failure === null && o.results.every((r) => r.ok));
    return { trace, steps: outcomes, ok };
  }

  /** The events up to the closing sync's snapshot (which only repeats the world the trace has built). */
  private trace(): TraceEvent[] {
    const from = this.closingFrom ?? this.events.length;
    let end = this.events.length;
    for (let i = from; i < this.events.length; i++) {
      if (this.events[i]!.type === 'snapshot-begin') {
        end = i;
        break;
      }
    }
    return this.events.slice(0, end);
  }
}
