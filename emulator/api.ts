// SPDX-License-Identifier: MIT
/**
 * The emulator's public API, in one place: what the web app reaches through
 * comlink (emulator/worker.ts) and what Node code calls directly
 * (emulator/node/). Everything here crosses a worker boundary, so it is
 * plain data, Uint8Array, or a callback wrapped with Comlink.proxy.
 */
import type { KernelReport } from './crash-detector.js';

export type { KernelReport, KernelReportKind } from './crash-detector.js';

/** snapshot: restore the saved state (instant); cold: boot bzImage + initrd. */
export type BootMode = 'snapshot' | 'cold';

export type MachineStatus =
  | { state: 'loading'; file: string; loaded: number; total: number }
  | { state: 'booting'; mode: BootMode; note?: string }
  | { state: 'ready'; mode: BootMode; msToReady: number }
  | { state: 'crashed'; report: KernelReport }
  | { state: 'error'; message: string; file?: string }
  | { state: 'stopped' };

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
}
