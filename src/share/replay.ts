// SPDX-License-Identifier: MIT
/**
 * Replaying a share link's commands into the real shell, the way a user
 * types them: each command, then Enter, once the shell has shown its prompt
 * again after the previous one AND the guest has gone quiet (no console
 * output, no trace events for SETTLE_MS). Waiting for quiet is what makes
 * replays comparable: a background job (`kdbus bus make demo &`) returns
 * the prompt at once, but its bus appears a moment later, and the next
 * command must find it as the user's did. A user who typed faster than the
 * guest settled gets the settled order in the replay.
 *
 * No DOM, no emulator: the page (web/share/) and the Node test feed it the
 * console text and trace activity and give it a function that types.
 */

/** The guest's prompt (PS1 from /etc/profile), as emulator/machine.ts matches it. */
export const PROMPT = /@kdbus:[^\n]*[#$] /;
/** Quiet time before the next command is typed. */
export const SETTLE_MS = 500;
/** A command that keeps running in the foreground longer than this stops the replay. */
export const PROMPT_TIMEOUT_MS = 30_000;
/** Settling gives up waiting for quiet after this long (a chatty background job). */
export const MAX_SETTLE_MS = 5_000;

export type ReplayResult =
  | { ok: true; commands: number }
  | { ok: false; commands: number; reason: string };

export interface ReplayOptions {
  /** Types text into the shell's tty. */
  type(text: string): void;
  /** Called before each command is typed (index, text). */
  onCommand?(index: number, command: string): void;
  /** Commands to end with Ctrl-C once the guest is quiet after they started (ShareState.interrupted). */
  interrupted?: readonly number[];
  /** Called when Ctrl-C was sent for a command. */
  onInterrupt?(index: number): void;
  settleMs?: number;
  promptTimeoutMs?: number;
  maxSettleMs?: number;
}

export class CommandReplay {
  private tail = '';
  private lastActivity = Date.now();
  /** Set while waiting for the prompt after a command (its echo's end not yet seen). */
  private sawEchoEnd = true;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly commands: readonly string[], private readonly options: ReplayOptions) {}

  /** Console output of the guest (decoded text), from the start. */
  console(text: string): void {
    this.lastActivity = Date.now();
    this.tail = (this.tail + text).slice(-4096);
    this.wake?.();
  }

  /** Trace events arrived: the bus is still moving. */
  activity(): void {
    this.lastActivity = Date.now();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Types every command; resolves when the last one's prompt is back and the guest is quiet. */
  async run(): Promise<ReplayResult> {
    const timeout = this.options.promptTimeoutMs ?? PROMPT_TIMEOUT_MS;
    for (let i = 0; i <= this.commands.length; i++) {
      const promptBack = await this.waitFor(() => this.promptShown(), timeout);
      if (this.stopped) return { ok: false, commands: i, reason: 'the replay was stopped' };
      if (!promptBack) {
        return i === 0
          ? { ok: false, commands: 0, reason: `no shell prompt after ${timeout / 1000} s` }
          : { ok: false, commands: i, reason: `command ${i} (${this.commands[i - 1]}) did not return to the prompt within ${timeout / 1000} s` };
      }
      await this.settle();
      if (this.stopped) return { ok: false, commands: i, reason: 'the replay was stopped' };
      const command = this.commands[i];
      if (command === undefined) break;
      this.options.onCommand?.(i, command);
      this.tail = '';
      this.sawEchoEnd = false;
      this.options.type(`${command}\r`);
      if (this.options.interrupted?.includes(i)) {
        // Started (its echo ended, or it even finished), then let it run until the guest is quiet, as the user did.
        await this.waitFor(() => this.promptShown() || this.sawEchoEnd, timeout);
        await this.settle();
        if (this.stopped) return { ok: false, commands: i + 1, reason: 'the replay was stopped' };
        this.options.type('\x03');
        this.options.onInterrupt?.(i);
      }
    }
    return { ok: true, commands: this.commands.length };
  }

  /** A prompt after the end of the typed line's echo (its first newline), so a redrawn prompt inside the echo does not count. */
  private promptShown(): boolean {
    let text = this.tail;
    if (!this.sawEchoEnd) {
      const nl = text.indexOf('\n');
      if (nl < 0) return false;
      this.sawEchoEnd = true;
      this.tail = text = text.slice(nl + 1);
    }
    return PROMPT.test(text);
  }

  private async settle(): Promise<void> {
    const quiet = this.options.settleMs ?? SETTLE_MS;
    const limit = Date.now() + (this.options.maxSettleMs ?? MAX_SETTLE_MS);
    while (!this.stopped && Date.now() < limit) {
      const idle = Date.now() - this.lastActivity;
      if (idle >= quiet) return;
      await delay(Math.min(quiet - idle, limit - Date.now()) + 5);
    }
  }

  /** Resolves true when `done()` holds (checked on each console chunk and every 100 ms), false after `ms`. */
  private waitFor(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (v: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        this.wake = null;
        resolve(v);
      };
      const check = () => {
        if (this.stopped) finish(false);
        else if (done()) finish(true);
      };
      const timer = setTimeout(() => finish(false), ms);
      const poll = setInterval(check, 100);
      this.wake = check;
    });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
