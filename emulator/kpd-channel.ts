// SPDX-License-Identifier: MIT
/**
 * The host end of the control channel to the guest daemon kpd (ttyS1):
 * exec with streamed output and exit status, window size, liveness pings.
 */
import type { BytesListener, ExecResult } from './api.js';
import { FrameDecoder, encodeFrame, type Frame } from './kpd-frames.js';

interface PendingExec {
  onStdout?: BytesListener;
  onStderr?: BytesListener;
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
}

const PING_INTERVAL_MS = 200;

export class KpdChannel {
  private readonly decoder = new FrameDecoder();
  private readonly execs = new Map<number, PendingExec>();
  private readonly pings = new Map<number, () => void>();
  private nextId = 1;
  private up = false;
  private upWaiters: Array<() => void> = [];
  private closed: string | null = null;

  /**
   * @param send writes bytes to the guest's ttyS1
   * @param onKernelLog receives the text of every kernel log record of level
   *   warning or worse, which kpd forwards from /dev/kmsg
   */
  constructor(
    private readonly send: (bytes: Uint8Array) => void,
    private readonly onKernelLog: (text: string) => void = () => {},
  ) {}

  receive(bytes: Uint8Array): void {
    for (const frame of this.decoder.push(bytes)) this.handle(frame);
  }

  /** Resolves once kpd announced itself (cold boot). */
  whenUp(): Promise<void> {
    return this.up ? Promise.resolve() : new Promise((r) => this.upWaiters.push(r));
  }

  /** Pings until kpd answers: proves a restored guest is running. */
  pingUntilAnswered(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setInterval(() => {
        if (this.closed) {
          clearInterval(timer);
          reject(new Error(this.closed));
        } else {
          this.ping(() => {
            clearInterval(timer);
            resolve();
          });
        }
      }, PING_INTERVAL_MS);
      this.ping(() => {
        clearInterval(timer);
        resolve();
      });
    });
  }

  resize(cols: number, rows: number): void {
    this.send(encodeFrame('W', 0, `${rows} ${cols}`));
  }

  exec(command: string, onStdout?: BytesListener, onStderr?: BytesListener): Promise<ExecResult> {
    if (this.closed) return Promise.reject(new Error(this.closed));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.execs.set(id, { onStdout, onStderr, resolve, reject });
      this.send(encodeFrame('E', id, command));
    });
  }

  /** Fails everything still waiting; the channel is dead after this. */
  close(reason: string): void {
    this.closed = reason;
    for (const e of this.execs.values()) e.reject(new Error(reason));
    this.execs.clear();
  }

  private ping(answered: () => void): void {
    const id = this.nextId++;
    let once = false;
    this.pings.set(id, () => {
      if (!once) answered();
      once = true;
    });
    this.send(encodeFrame('P', id));
  }

  private handle(frame: Frame): void {
    const exec = this.execs.get(frame.id);
    switch (frame.type) {
      case 'R':
        this.up = true;
        for (const w of this.upWaiters.splice(0)) w();
        break;
      case 'P':
        this.pings.get(frame.id)?.();
        this.pings.clear(); // any answer proves the guest runs
        break;
      case '1':
        exec?.onStdout?.(frame.payload);
        break;
      case '2':
        exec?.onStderr?.(frame.payload);
        break;
      case 'X':
        this.execs.delete(frame.id);
        exec?.resolve({ status: Number(new TextDecoder().decode(frame.payload)) });
        break;
      case 'K':
        this.onKernelLog(kmsgText(frame.payload));
        break;
      case '!':
        this.execs.delete(frame.id);
        exec?.reject(new Error(`guest: ${new TextDecoder().decode(frame.payload)}`));
        break;
    }
  }
}

/** The message of a /dev/kmsg record: "LEVEL,SEQ,USEC,FLAGS;TEXT\n KEY=VALUE...". */
export function kmsgText(record: Uint8Array): string {
  const s = new TextDecoder().decode(record);
  const semi = s.indexOf(';');
  const nl = s.indexOf('\n', semi);
  return s.slice(semi + 1, nl < 0 ? undefined : nl);
}
