// SPDX-License-Identifier: MIT
/**
 * The emulator's public API, in one place: what the web app reaches through
 * comlink (emulator/worker.ts) and what Node code calls directly
 * (emulator/node/). Everything here crosses a worker boundary, so it is
 * plain data, Uint8Array, or a callback wrapped with Comlink.proxy.
 */
import type { KernelReport } from './crash-detector.js';
import type { TraceEvent } from '../src/trace/events.js';
import type { TraceChannelStats } from './trace-channel.js';

export type { KernelReport, KernelReportKind } from './crash-detector.js';
export type { TraceEvent } from '../src/trace/events.js';
export type { TraceChannelStats } from './trace-channel.js';

/** snapshot: restore the saved state (instant); cold: boot bzImage + initrd. */
export type BootMode = 'snapshot' | 'cold';

export type MachineStatus =
  | { state: 'loading'; file: string; loaded: number; total: number }
  | { state: 'booting'; mode: BootMode; note?: string }
  | { state: 'ready'; mode: BootMode; msToReady: number }
  | { state: 'crashed'; report: KernelReport }
  | { state: 'error'; message: string; file?: string }
  /** reason: set when the guest itself halted, powered off or restarted (a restart then starts again). */
  | { state: 'stopped'; reason?: string };

export interface StartOptions {
  mode: BootMode;
  /** Terminal size to give the shell once the guest is up. */
  cols?: number;
  rows?: number;
}

export interface ExecResult {
  /** The shell's exit status; 128 + N when killed by signal N. */
  status: number;
}

export type BytesListener = (bytes: Uint8Array) => void;
export type StatusListener = (status: MachineStatus) => void;
export type ReportListener = (report: KernelReport) => void;
/** Trace events from the guest agent, in order, in batches (one call per emulator slice). */
export type TraceListener = (events: TraceEvent[]) => void;

export interface PlaygroundEmulator {
  /** Loads and checks the artifacts, then boots or restores; resolves when ready. */
  start(options: StartOptions): Promise<void>;
  /** Stops the machine and starts it again in the same mode. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Keyboard input for the shell on ttyS0 (raw bytes, UTF-8). */
  write(bytes: Uint8Array): void;
  /** Tells the guest the terminal size (TIOCSWINSZ on ttyS0, so SIGWINCH). */
  resize(cols: number, rows: number): void;
  /** Runs `sh -c command` in the guest beside the shell, not on its tty. */
  exec(command: string, onStdout?: BytesListener, onStderr?: BytesListener): Promise<ExecResult>;
  /** Copies bytes into a guest file; mode is its permission bits. */
  putFile(guestPath: string, bytes: Uint8Array, mode?: number): Promise<void>;
  /** The raw v86 state (uncompressed). */
  saveState(): Promise<Uint8Array>;
  /** Console output of ttyS0, in batches (one call per emulator slice). */
  onConsole(listener: BytesListener): void;
  onStatus(listener: StatusListener): void;
  /** Every kernel Oops, BUG, WARNING or panic seen on the console. */
  onKernelReport(listener: ReportListener): void;
  /**
   * The bus activity the guest agent reports (docs/trace-protocol.md). After
   * a restore the first events are a snapshot of the whole bus world.
   */
  onTrace(listener: TraceListener): void;
  /**
   * Asks the agent for a fresh snapshot; resolves once it has been delivered
   * to the trace listeners, and so also after every event made before it.
   */
  traceSync(): Promise<void>;
  /** Resolves when the first snapshot of this run has been delivered (the world is known). */
  traceReady(): Promise<void>;
  traceStats(): TraceChannelStats;
}
