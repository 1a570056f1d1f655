// SPDX-License-Identifier: MIT
/**
 * The page's one piece of state: the machine status and notices, plus the
 * wiring between the emulator worker and the terminal. React views read it
 * through useSyncExternalStore and call its actions; nothing else holds state.
 */
import * as Comlink from 'comlink';
import type { BootMode, MachineStatus } from '../emulator/api.js';
import type { EmulatorClient, EmulatorRemote } from './emulator-client.js';
import { planDrop } from './file-drop.js';
import { FlowControlledWriter, type WriteTarget } from './flow-control.js';
import { formatBytes } from './status-text.js';
import { CommandRecorder, commandAfterPrompt } from './share/command-recorder.js';
import type { ShareUi } from './share/share-ui.js';

export interface Notice {
  text: string;
  tone: 'ok' | 'bad';
}

export interface PlaygroundSnapshot {
  mode: BootMode;
  /** null until the worker reports anything. */
  status: MachineStatus | null;
  /** The note of the last 'booting' status, kept for 'ready'. */
  bootNote?: string;
  /** A short message about a dropped file; never goes into the guest tty. */
  notice?: Notice;
  /** Booting has taken far longer than it ever should: offer Restart instead of spinning on. */
  stalled?: boolean;
  /** Lines entered at the shell prompt so far, typed or replayed (what a share link carries). */
  commands: readonly string[];
  /** Indices of `commands` the user ended with Ctrl-C (ShareState.interrupted). */
  interrupted: readonly number[];
  /** Share link state: a link being opened or replayed, a link just made (web/share/). */
  share: ShareUi | null;
}

interface Disposable {
  dispose(): void;
}

/** The part of an xterm Terminal the model drives. */
export interface TerminalLike extends WriteTarget {
  readonly cols: number;
  readonly rows: number;
  onData(listener: (data: string) => void): Disposable;
  onBinary(listener: (data: string) => void): Disposable;
  onResize(listener: (size: { cols: number; rows: number }) => void): Disposable;
  reset(): void;
  focus(): void;
  /** xterm's buffer, to read an edited command line from the screen (optional: test fakes lack it). */
  readonly buffer?: { readonly active: ScreenBuffer };
}

interface ScreenBuffer {
  readonly cursorY: number;
  readonly baseY: number;
  getLine(y: number): { translateToString(trimRight?: boolean): string; readonly isWrapped: boolean } | undefined;
}

/** The logical line (wrapped rows joined) under the cursor. */
function cursorLine(b: ScreenBuffer): string {
  let y = b.baseY + b.cursorY;
  let text = b.getLine(y)?.translateToString(true) ?? '';
  while (y > 0 && b.getLine(y)?.isWrapped) {
    y--;
    text = (b.getLine(y)?.translateToString(false) ?? '') + text;
  }
  return text;
}

/** A cold boot takes ~5 s, a noisy machine maybe 30 s; past this the guest is stuck. */
export const BOOT_STALL_MS = 90_000;

/** Larger files would not fit the guest's 128 MiB of RAM comfortably. */
export const MAX_DROP_BYTES = 32 * 1024 * 1024;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class PlaygroundModel {
  private snapshot: PlaygroundSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly remote: EmulatorRemote;
  private readonly writer: FlowControlledWriter;
  private terminal: TerminalLike | null = null;
  private started = false;
  /** Set by restart(): output of the old machine is dropped until the new one begins. */
  private restarting = false;
  private readonly encoder = new TextEncoder();
  private stallTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly recorder = new CommandRecorder(() => {
    const b = this.terminal?.buffer?.active;
    return b ? commandAfterPrompt(cursorLine(b)) : null;
  });
  private readonly consoleText = new Set<(text: string) => void>();
  private readonly textDecoder = new TextDecoder();

  constructor(client: EmulatorClient, mode: BootMode) {
    this.snapshot = { mode, status: null, commands: [], interrupted: [], share: null };
    this.recorder.onInterrupt = () => this.markInterrupted(this.snapshot.commands.length - 1);
    this.remote = client.remote;
    this.writer = new FlowControlledWriter(null, (paused) => void this.remote.setConsolePaused(paused));
    client.onFailure((message) => this.update({ status: { state: 'error', message } }));
    void this.remote.onStatus(Comlink.proxy((status: MachineStatus) => this.onStatus(status)));
    void this.remote.onConsole(Comlink.proxy((bytes: Uint8Array) => {
      if (this.restarting) return;
      this.writer.write(bytes);
      const text = this.textDecoder.decode(bytes, { stream: true });
      for (const cmd of this.recorder.console(text)) this.addCommand(cmd);
      for (const l of this.consoleText) l(text);
    }));
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): PlaygroundSnapshot => this.snapshot;

  /**
   * Connects a terminal: its keys go to the guest, the guest's output to it.
   * The first terminal also starts the machine, at that terminal's size.
   */
  attachTerminal(term: TerminalLike): () => void {
    this.terminal = term;
    this.writer.retarget(term);
    const subscriptions = [
      term.onData((data) => {
        void this.remote.write(this.encoder.encode(data));
        for (const cmd of this.recorder.keys(data)) this.addCommand(cmd);
      }),
      // onBinary carries raw bytes as chars 0-255 (e.g. some mouse reports), not UTF-16 text.
      term.onBinary((data) => void this.remote.write(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff))),
      term.onResize(({ cols, rows }) => void this.remote.resize(cols, rows)),
    ];
    if (!this.started) {
      this.started = true;
      this.remote.start({ mode: this.snapshot.mode, cols: term.cols, rows: term.rows }).catch((err: unknown) => this.failed(err));
    } else {
      void this.remote.resize(term.cols, term.rows);
    }
    return () => {
      for (const s of subscriptions) s.dispose();
      if (this.terminal === term) {
        this.terminal = null;
        this.writer.retarget(null);
      }
    };
  }

  /** Console output as text, for the share replay. */
  onConsoleText(listener: (text: string) => void): () => void {
    this.consoleText.add(listener);
    return () => this.consoleText.delete(listener);
  }

  /** Types into the shell as if from the keyboard (the share replay); not recorded as keys. */
  typeIntoShell(text: string): void {
    void this.remote.write(this.encoder.encode(text));
  }

  /** A line entered at the prompt (typed, or typed by a replay). */
  addCommand(command: string): void {
    this.update({ commands: [...this.snapshot.commands, command] });
  }

  /** Command `index` was ended with Ctrl-C (typed, or sent by a replay). */
  markInterrupted(index: number): void {
    if (index < 0 || this.snapshot.interrupted.includes(index)) return;
    this.update({ interrupted: [...this.snapshot.interrupted, index].sort((a, b) => a - b) });
  }

  setShare(share: ShareUi | null): void {
    this.update({ share });
  }

  /** Stops the machine and starts it again in the same mode; the page stays. */
  restart(): void {
    this.restarting = true;
    // Back to "Starting…" at once: the click shows an effect and cannot be repeated.
    // A new machine has run nothing yet: the commands of a share link start again too.
    this.update({ status: null, notice: undefined, bootNote: undefined, stalled: false, commands: [], interrupted: [] });
    // The click moved focus to the button; the next thing typed is for the guest.
    this.terminal?.focus();
    this.remote.restart().catch((err: unknown) => this.failed(err));
  }

  async dropFiles(files: readonly File[]): Promise<void> {
    for (const file of files) {
      if (file.size > MAX_DROP_BYTES) {
        this.update({ notice: { tone: 'bad', text: `${file.name} is too big (${formatBytes(file.size)}, the limit is ${formatBytes(MAX_DROP_BYTES)})` } });
        continue;
      }
      try {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const { guestPath, mode } = planDrop(file.name, bytes);
        await this.remote.putFile(guestPath, Comlink.transfer(bytes, [bytes.buffer]), mode);
        this.update({ notice: { tone: 'ok', text: `Copied ${file.name} to ${guestPath} (${formatBytes(file.size)}, mode ${mode.toString(8)})` } });
      } catch (err) {
        this.update({ notice: { tone: 'bad', text: `Could not copy ${file.name}: ${messageOf(err)}` } });
      }
    }
  }

  private onStatus(status: MachineStatus): void {
    if (this.restarting && (status.state === 'stopped' || status.state === 'loading' || status.state === 'error')) {
      // Every chunk of the old machine came before this status (one message queue), so the screen can be cleared now.
      this.restarting = false;
      this.terminal?.reset();
      this.writer.reset();
    }
    const patch: Partial<PlaygroundSnapshot> = { status, stalled: false };
    clearTimeout(this.stallTimer);
    if (status.state === 'booting') {
      patch.bootNote = status.note;
      this.stallTimer = setTimeout(() => this.update({ stalled: true }), BOOT_STALL_MS);
    }
    this.update(patch);
  }

  /** A rejected start/restart: the worker has usually reported the error already. */
  private failed(err: unknown): void {
    this.restarting = false;
    const state = this.snapshot.status?.state;
    if (state !== 'error' && state !== 'crashed') this.update({ status: { state: 'error', message: messageOf(err) } });
  }

  private update(patch: Partial<PlaygroundSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }
}
