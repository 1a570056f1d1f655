// SPDX-License-Identifier: MIT
import { describe, expect, it, vi } from 'vitest';
import type { BytesListener, MachineStatus, StartOptions, StatusListener } from '../../emulator/api.js';
import type { EmulatorClient, EmulatorRemote } from '../../web/emulator-client.js';
import { BOOT_STALL_MS, PlaygroundModel, type TerminalLike } from '../../web/playground-model.js';

/** Stands in for the comlink remote: records calls, lets the test play the worker. */
class FakeWorker {
  status: StatusListener = () => undefined;
  console: BytesListener = () => undefined;
  calls: string[] = [];
  written: number[][] = [];
  startResult: () => Promise<void> = () => Promise.resolve();
  puts: Array<{ path: string; bytes: number[]; mode?: number }> = [];
  putError: Error | null = null;

  client(): EmulatorClient {
    const remote = {
      onStatus: async (l: StatusListener) => { this.status = l; },
      onConsole: async (l: BytesListener) => { this.console = l; },
      start: (o: StartOptions) => { this.calls.push(`start ${o.mode} ${o.cols}x${o.rows}`); return this.startResult(); },
      restart: async () => { this.calls.push('restart'); },
      write: async (b: Uint8Array) => { this.written.push(Array.from(b)); },
      resize: async (c: number, r: number) => { this.calls.push(`resize ${c}x${r}`); },
      setConsolePaused: async (p: boolean) => { this.calls.push(`paused ${p}`); },
      putFile: async (path: string, bytes: Uint8Array, mode?: number) => {
        if (this.putError) throw this.putError;
        this.puts.push({ path, bytes: Array.from(bytes), mode });
      },
    };
    return { remote: remote as unknown as EmulatorRemote, onFailure: () => undefined };
  }
}

class FakeTerminal implements TerminalLike {
  cols = 100;
  rows = 30;
  output: number[] = [];
  resets = 0;
  data: (s: string) => void = () => undefined;
  resized: (s: { cols: number; rows: number }) => void = () => undefined;
  write(d: Uint8Array, cb?: () => void): void { this.output.push(...d); cb?.(); }
  onData(l: (s: string) => void) { this.data = l; return { dispose: () => { this.data = () => undefined; } }; }
  onBinary() { return { dispose: () => undefined }; }
  onResize(l: (s: { cols: number; rows: number }) => void) { this.resized = l; return { dispose: () => undefined }; }
  reset(): void { this.resets++; this.output = []; }
  focus(): void {}
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('PlaygroundModel', () => {
  it('starts once, at the first terminal size, and forwards keys as UTF-8 and resizes', async () => {
    const w = new FakeWorker();
    const model = new PlaygroundModel(w.client(), 'cold');
    const term = new FakeTerminal();
    const detach = model.attachTerminal(term);
    expect(w.calls).toEqual(['start cold 100x30']);
    term.data('é\r');
    expect(w.written).toEqual([[0xc3, 0xa9, 0x0d]]);
    term.resized({ cols: 80, rows: 24 });
    expect(w.calls).toContain('resize 80x24');
    detach();
    model.attachTerminal(new FakeTerminal());
    expect(w.calls.filter((c) => c.startsWith('start'))).toHaveLength(1);
  });

  it('writes console bytes to the terminal and keeps the boot note for ready', async () => {
    const w = new FakeWorker();
    const model = new PlaygroundModel(w.client(), 'snapshot');
    const term = new FakeTerminal();
    model.attachTerminal(term);
    await flush();
    w.console(new Uint8Array([0x68, 0x69]));
    expect(term.output).toEqual([0x68, 0x69]);
    w.status({ state: 'booting', mode: 'cold', note: 'stale; booting cold' });
    w.status({ state: 'ready', mode: 'cold', msToReady: 10 });
    expect(model.getSnapshot()).toMatchObject({ status: { state: 'ready' }, bootNote: 'stale; booting cold' });
  });

  it('restart clears the terminal once the old machine is gone and drops its late output', async () => {
    const w = new FakeWorker();
    const model = new PlaygroundModel(w.client(), 'snapshot');
    const term = new FakeTerminal();
    model.attachTerminal(term);
    await flush();
    w.status({ state: 'crashed', report: { kind: 'panic', line: 'Kernel panic' } });
    model.restart();
    expect(model.getSnapshot().status).toBeNull();
    expect(w.calls).toContain('restart');
    w.console(new TextEncoder().encode('late panic output'));
    expect(term.output).toEqual([]);
    w.status({ state: 'stopped' });
    expect(term.resets).toBe(1);
    w.console(new Uint8Array([0x24]));
    expect(term.output).toEqual([0x24]);
  });

  it('shows a rejected start as an error unless the worker reported one', async () => {
    const w = new FakeWorker();
    w.startResult = () => Promise.reject(new Error('worker exploded'));
    const model = new PlaygroundModel(w.client(), 'snapshot');
    model.attachTerminal(new FakeTerminal());
    await flush();
    expect(model.getSnapshot().status).toEqual({ state: 'error', message: 'worker exploded' });

    const w2 = new FakeWorker();
    w2.startResult = () => Promise.reject(new Error('bzImage: missing'));
    const model2 = new PlaygroundModel(w2.client(), 'cold');
    await flush();
    w2.status({ state: 'error', message: 'bzImage: missing (run npm run guest)', file: 'bzImage' });
    model2.attachTerminal(new FakeTerminal());
    await flush();
    expect(model2.getSnapshot().status).toMatchObject({ message: 'bzImage: missing (run npm run guest)' });
  });

  it('offers Restart when booting stalls', async () => {
    vi.useFakeTimers();
    try {
      const w = new FakeWorker();
      const model = new PlaygroundModel(w.client(), 'cold');
      await vi.advanceTimersByTimeAsync(0);
      w.status({ state: 'booting', mode: 'cold' });
      await vi.advanceTimersByTimeAsync(BOOT_STALL_MS - 1);
      expect(model.getSnapshot().stalled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(model.getSnapshot().stalled).toBe(true);
      w.status({ state: 'ready', mode: 'cold', msToReady: 1 });
      expect(model.getSnapshot().stalled).toBe(false);
      await vi.advanceTimersByTimeAsync(BOOT_STALL_MS * 2);
      expect(model.getSnapshot().stalled).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('copies dropped files to /tmp and says so in a notice', async () => {
    const w = new FakeWorker();
    const model = new PlaygroundModel(w.client(), 'snapshot');
    await model.dropFiles([new File(['#!/bin/sh\necho hi\n'], '../run me.sh')]);
    expect(w.puts).toHaveLength(1);
    expect(w.puts[0]).toMatchObject({ path: '/tmp/run_me.sh', mode: 0o755 });
    expect(model.getSnapshot().notice).toEqual({ tone: 'ok', text: 'Copied ../run me.sh to /tmp/run_me.sh (18 B, mode 755)' });
    w.putError = new Error('the guest is not running');
    await model.dropFiles([new File(['x'], 'a.txt')]);
    expect(model.getSnapshot().notice).toEqual({ tone: 'bad', text: 'Could not copy a.txt: the guest is not running' });
  });
});
