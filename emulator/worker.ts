// SPDX-License-Identifier: MIT
/**
 * The module Web Worker that runs the guest, so emulation never blocks the
 * page. It owns one GuestMachine fed by fetch() and exposes it with comlink;
 * listeners arrive as Comlink.proxy callbacks.
 */
import * as Comlink from 'comlink';
import type {
  BytesListener, ExecResult, ReportListener, StartOptions, StatusListener, TraceChannelStats, TraceListener,
} from './api.js';
import { BrowserAssetSource } from './browser-assets.js';
import { GuestMachine } from './machine.js';
import type { PlaygroundWorkerApi } from './worker-api.js';

/** A chunk that may be transferred: it must own its whole buffer. */
function ownedCopy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) {
    return bytes as Uint8Array<ArrayBuffer>;
  }
  return bytes.slice();
}

function concat(chunks: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

class PlaygroundWorker implements PlaygroundWorkerApi {
  private machine: GuestMachine | null = null;
  private readonly consoleListeners: BytesListener[] = [];
  private paused = false;
  private held: Uint8Array[] = [];

  configure(guestBaseUrl: string): void {
    if (this.machine) throw new Error('the worker is configured already');
    const machine = (this.machine = new GuestMachine(new BrowserAssetSource(guestBaseUrl)));
    machine.onConsole((bytes) => this.console(bytes));
  }

  setConsolePaused(paused: boolean): void {
    this.paused = paused;
    if (!paused && this.held.length) {
      const merged = concat(this.held);
      this.held = [];
      this.send(merged);
    }
  }

  start(options: StartOptions): Promise<void> {
    return this.requireMachine().start(options);
  }

  restart(): Promise<void> {
    this.held = [];
    return this.requireMachine().restart();
  }

  stop(): Promise<void> {
    return this.requireMachine().stop();
  }

  write(bytes: Uint8Array): void {
    this.machine?.write(bytes);
  }

  resize(cols: number, rows: number): void {
    this.machine?.resize(cols, rows);
  }

  exec(command: string, onStdout?: BytesListener, onStderr?: BytesListener): Promise<ExecResult> {
    return this.requireMachine().exec(command, onStdout, onStderr);
  }

  putFile(guestPath: string, bytes: Uint8Array, mode?: number): Promise<void> {
    return this.requireMachine().putFile(guestPath, bytes, mode);
  }

  async saveState(): Promise<Uint8Array> {
    const state = ownedCopy(await this.requireMachine().saveState());
    return Comlink.transfer(state, [state.buffer]);
  }

  onConsole(listener: BytesListener): void {
    this.consoleListeners.push(listener);
  }

  onStatus(listener: StatusListener): void {
    this.requireMachine().onStatus(listener);
  }

  onKernelReport(listener: ReportListener): void {
    this.requireMachine().onKernelReport(listener);
  }

  /** Batches are plain objects: structured clone carries them, one message per batch. */
  onTrace(listener: TraceListener): void {
    this.requireMachine().onTrace(listener);
  }

  traceSync(): Promise<void> {
    return this.requireMachine().traceSync();
  }

  traceReady(): Promise<void> {
    return this.requireMachine().traceReady();
  }

  traceStats(): TraceChannelStats {
    return this.requireMachine().traceStats();
  }

  private console(bytes: Uint8Array): void {
    if (this.paused) {
      this.held.push(bytes.slice());
      return;
    }
    // Copied, because the chunk is about to be transferred (detached here) and
    // the machine's crash detector reads it after this listener returns.
    this.send(bytes.slice());
  }

  private send(bytes: Uint8Array<ArrayBuffer>): void {
    const last = this.consoleListeners.length - 1;
    this.consoleListeners.forEach((listener, i) => {
      const chunk = i === last ? bytes : bytes.slice();
      // Transferred, not cloned: console output is the busiest path out of the worker.
      listener(Comlink.transfer(chunk, [chunk.buffer]));
    });
  }

  private requireMachine(): GuestMachine {
    if (!this.machine) throw new Error('configure() the worker before using it');
    return this.machine;
  }
}

Comlink.expose(new PlaygroundWorker());
