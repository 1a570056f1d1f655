// SPDX-License-Identifier: MIT
/**
 * GuestMachine owns one V86 instance and everything that talks to it: the
 * console on ttyS0, the control channel to the guest daemon kpd on ttyS1, the
 * 9p share for files, crash detection and status. It has no DOM and no Node
 * dependency: the caller hands it an AssetSource, so the very same code runs
 * in a browser Web Worker and in Node.
 */
import { V86, type V86Options } from 'v86';
import { ArtifactError, parseManifest, verifyArtifact, type ArtifactName, type GuestManifest } from '../src/guest/manifest.js';
import { STATE_FILE, STATE_INFO_FILE, parseStateInfo, staleReason, type MachineShape, type StateInfo } from '../src/guest/state.js';
import type {
  BootMode, BytesListener, ExecResult, MachineStatus, PlaygroundEmulator, ReportListener, StartOptions, StatusListener,
  TraceListener,
} from './api.js';
import { CrashDetector, type KernelReport } from './crash-detector.js';
import { ByteBatcher } from './byte-batcher.js';
import { POWER_EVENT_TEXT, PowerDetector, type GuestPowerEvent } from './power-detector.js';
import { KpdChannel } from './kpd-channel.js';
import { TraceChannel, type TraceChannelStats } from './trace-channel.js';

/** Machine shape; a saved state only restores into the same shape. */
export const MEMORY_SIZE = 128 * 1024 * 1024;
export const VGA_MEMORY_SIZE = 2 * 1024 * 1024;
export const V86_VERSION = '0.5.462';
/** Devices beyond the defaults; part of the shape a saved state must match. */
export const MACHINE_SHAPE: MachineShape = {
  v86Version: V86_VERSION,
  memorySize: MEMORY_SIZE,
  devices: 'uart1,virtio-9p,virtio-console',
};

/**
 * Promise.all, but it settles only when every promise has: a failed file
 * must not be followed by another file's progress, which would hide the
 * error status behind a "Loading" one.
 */
async function settled<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}

export type ProgressListener = (loaded: number, total: number) => void;

/** Where the guest files come from: fetch() in a browser, the file system in Node. */
export interface AssetSource {
  /** A file of public/guest/; null when it does not exist. */
  load(name: string, onProgress?: ProgressListener): Promise<Uint8Array | null>;
  /** v86.wasm, compiled. */
  wasm(): Promise<WebAssembly.Module>;
  /**
   * v86's state bytes from the verified stored state (its sha256 given):
   * decoded (src/guest/state-encoding.ts), or from Node's cache of that.
   */
  decodeState(stored: Uint8Array, sha256: string): Promise<Uint8Array>;
}

/** Virtio console port 1 carries the agent's trace (docs/trace-protocol.md). */
const TRACE_OUTPUT = 'virtio-console1-output-bytes';
const TRACE_INPUT = 'virtio-console1-input-bytes';

/** The shell prompt (PS1 is set by the guest's /etc/profile), anywhere in the recent output. */
const PROMPT = /@kdbus:[^\n]*[#$] /;

interface Boot {
  emulator: V86;
  mode: BootMode;
  startedAt: number;
}

export class GuestMachine implements PlaygroundEmulator {
  private boot: Boot | null = null;
  private options: StartOptions = { mode: 'snapshot' };
  private manifest: GuestManifest | null = null;
  private readonly consoleListeners: BytesListener[] = [];
  private readonly statusListeners: StatusListener[] = [];
  private readonly reportListeners: ReportListener[] = [];
  private readonly traceListeners: TraceListener[] = [];
  private kpd: KpdChannel | null = null;
  private trace: TraceChannel | null = null;
  private consoleTail = '';
  private crashed = false;
  /** Counts start() and stop() calls, so a start that was overtaken by them can tell. */
  private run = 0;
  /** Reports already given: the console and /dev/kmsg both carry an Oops. */
  private readonly seenReports = new Set<string>();

  constructor(private readonly assets: AssetSource) {}

  onConsole(listener: BytesListener): void {
    this.consoleListeners.push(listener);
  }

  onStatus(listener: StatusListener): void {
    this.statusListeners.push(listener);
  }

  onKernelReport(listener: ReportListener): void {
    this.reportListeners.push(listener);
  }

  onTrace(listener: TraceListener): void {
    this.traceListeners.push(listener);
  }

  traceSync(): Promise<void> {
    if (!this.trace) return Promise.reject(new Error('the guest is not running'));
    return this.trace.sync();
  }

  traceReady(): Promise<void> {
    if (!this.trace) return Promise.reject(new Error('the guest is not running'));
    return this.trace.firstSnapshot;
  }

  traceStats(): TraceChannelStats {
    return this.trace?.stats() ?? { events: 0, corruptFrames: 0, skippedBytes: 0, bytes: 0 };
  }

  async start(options: StartOptions): Promise<void> {
    this.options = options;
    const run = ++this.run;
    try {
      await this.startOnce(options, run);
    } catch (err) {
      // Superseded by stop() or restart() meanwhile: the newer run owns the status and the emulator.
      if (run !== this.run) throw err;
      // Stop first: stop() emits 'stopped', which must not replace the error.
      await this.stop().catch(() => undefined);
      const file = err instanceof ArtifactError ? err.file : undefined;
      this.emit({ state: 'error', message: err instanceof Error ? err.message : String(err), file });
      throw err;
    }
  }

  /** @param reason as for stop(), when the guest itself restarted. */
  async restart(reason?: string): Promise<void> {
    await this.stop(reason);
    await this.start(this.options);
  }

  /** @param reason why, when the guest itself stopped (see guestPower()). */
  async stop(reason?: string): Promise<void> {
    this.run++;
    const boot = this.boot;
    this.boot = null;
    this.kpd?.close(reason ?? 'the machine stopped');
    this.kpd = null;
    this.trace?.close(reason ?? 'the machine stopped');
    this.trace = null;
    if (boot) {
      await boot.emulator.stop();
      await boot.emulator.destroy();
      this.emit(reason ? { state: 'stopped', reason } : { state: 'stopped' });
    }
  }

  write(bytes: Uint8Array): void {
    this.boot?.emulator.serial_send_bytes(0, bytes);
  }

  resize(cols: number, rows: number): void {
    this.options = { ...this.options, cols, rows };
    this.kpd?.resize(cols, rows);
  }

  exec(command: string, onStdout?: BytesListener, onStderr?: BytesListener): Promise<ExecResult> {
    if (!this.kpd) return Promise.reject(new Error('the guest is not running'));
    return this.kpd.exec(command, onStdout, onStderr);
  }

  async putFile(guestPath: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
    const boot = this.requireBoot();
    const name = `put-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    await boot.emulator.create_file(`/${name}`, bytes);
    const q = shellQuote(guestPath);
    const cmd = `mkdir -p "$(dirname ${q})" && cat /mnt/host/${name} > ${q} && chmod ${mode.toString(8)} ${q}; s=$?; rm -f /mnt/host/${name}; exit $s`;
    let err = '';
    const { status } = await this.exec(cmd, undefined, (b) => { err += new TextDecoder().decode(b); });
    if (status !== 0) throw new Error(`copying into ${guestPath} failed (${status}): ${err.trim()}`);
  }

  async saveState(): Promise<Uint8Array> {
    return new Uint8Array(await this.requireBoot().emulator.save_state());
  }

  /** What the console showed last (kept so a saved state can show it again). */
  recentConsole(): string {
    return this.consoleTail;
  }

  getManifest(): GuestManifest | null {
    return this.manifest;
  }

  private requireBoot(): Boot {
    if (!this.boot) throw new Error('the guest is not running');
    return this.boot;
  }

  private emit(status: MachineStatus): void {
    for (const l of this.statusListeners) l(status);
  }

  private async load(name: string): Promise<Uint8Array> {
    const bytes = await this.assets.load(name, (loaded, total) =>
      this.emit({ state: 'loading', file: name, loaded, total }));
    if (!bytes) throw new ArtifactError(name, 'missing (run npm run guest, or npm run build for the state)');
    return bytes;
  }

  private async loadArtifact(name: ArtifactName, manifest: GuestManifest): Promise<Uint8Array> {
    const bytes = await this.load(name);
    await verifyArtifact(name, bytes, manifest.files[name]);
    return bytes;
  }

  private async loadManifest(): Promise<GuestManifest> {
    const bytes = await this.load('manifest.json');
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new ArtifactError('manifest.json', 'is not valid JSON');
    }
    return parseManifest(json);
  }

  /** The state and its info, or a reason why the snapshot cannot be used. */
  private async loadState(manifest: GuestManifest): Promise<{ info: StateInfo; state: Uint8Array } | string> {
    const infoBytes = await this.assets.load(STATE_INFO_FILE);
    if (!infoBytes) return 'no saved state yet (npm run build makes one)';
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(infoBytes));
    } catch {
      throw new ArtifactError(STATE_INFO_FILE, 'is not valid JSON');
    }
    const info = parseStateInfo(json);
    const stale = staleReason(info, manifest, MACHINE_SHAPE);
    if (stale) return `the saved state is stale: ${stale}`;
    const stored = await this.load(STATE_FILE);
    await verifyArtifact(STATE_FILE, stored, info.state);
    return { info, state: await this.assets.decodeState(stored, info.state.sha256) };
  }

  private async startOnce(options: StartOptions, run: number): Promise<void> {
    if (this.boot) throw new Error('already started');
    this.crashed = false;
    this.seenReports.clear();
    this.consoleTail = '';
    const manifest = (this.manifest = await this.loadManifest());
    // Everything is fetched at once (and v86.wasm compiled meanwhile), not one file after another.
    const wasm = this.wasmFn();
    const v86opts: V86Options = {
      wasm_fn: undefined,
      memory_size: MEMORY_SIZE,
      vga_memory_size: VGA_MEMORY_SIZE,
      filesystem: {},
      uart1: true,
      // Port 1 (/dev/hvc1 in the guest) carries the agent's trace (docs/trace-protocol.md).
      virtio_console: { type: 'none' },
      autostart: true,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      acpi: false,
    };
    let mode = options.mode;
    let note: string | undefined;
    let replay = '';
    if (mode === 'snapshot') {
      const [fn, loaded] = await settled([wasm, this.loadState(manifest)] as const);
      v86opts.wasm_fn = fn;
      if (typeof loaded === 'string') {
        note = `${loaded}; booting cold`;
        mode = 'cold';
      } else {
        // No BIOS: the restored RAM holds its copy, and a restored guest never runs it.
        v86opts.initial_state = { buffer: loaded.state.buffer as ArrayBuffer };
        replay = loaded.info.consoleTail;
      }
    }
    if (mode === 'cold') {
      // A restore needs none of these files.
      const [fn, bios, vgaBios, bzImage, initrd] = await settled([
        wasm,
        this.loadArtifact('bios.bin', manifest),
        this.loadArtifact('vgabios-stdvga.bin', manifest),
        this.loadArtifact('bzImage', manifest),
        this.loadArtifact('initrd.img', manifest),
      ] as const);
      v86opts.wasm_fn = fn;
      v86opts.bios = { buffer: bios.buffer as ArrayBuffer };
      v86opts.vga_bios = { buffer: vgaBios.buffer as ArrayBuffer };
      v86opts.bzimage = { buffer: bzImage.buffer as ArrayBuffer };
      v86opts.initrd = { buffer: initrd.buffer as ArrayBuffer };
      v86opts.cmdline = manifest.cmdline;
    }
    if (run !== this.run) throw new Error('stopped before the guest booted');
    this.emit({ state: 'booting', mode, note });
    const startedAt = performance.now();
    const emulator = new V86(v86opts);
    this.boot = { emulator, mode, startedAt };
    const ready = this.wire(emulator, mode);
    if (replay) this.deliverConsole(new TextEncoder().encode(replay));
    await ready;
    this.emit({ state: 'ready', mode, msToReady: Math.round(performance.now() - startedAt) });
  }

  private async wasmFn(): Promise<V86Options['wasm_fn']> {
    const module = await this.assets.wasm();
    return async (imports) => (await WebAssembly.instantiate(module, imports)).exports;
  }

  /** Connects the serial ports; resolves when the guest is ready for input. */
  private wire(emulator: V86, mode: BootMode): Promise<void> {
    const detector = new CrashDetector();
    const console = new ByteBatcher((bytes) => {
      this.deliverConsole(bytes);
      for (const report of detector.push(bytes)) this.report(report);
    });
    const power = new PowerDetector();
    emulator.add_listener('serial0-output-byte', (b) => {
      console.push(b);
      const event = power.push(b);
      if (event) this.guestPower(emulator, event);
    });
    const kpd = (this.kpd = new KpdChannel(
      (bytes) => emulator.serial_send_bytes(1, bytes),
      (text) => {
        for (const report of new CrashDetector().push(new TextEncoder().encode(`${text}\n`))) this.report(report);
      },
    ));
    const control = new ByteBatcher((bytes) => kpd.receive(bytes));
    emulator.add_listener('serial1-output-byte', (b) => control.push(b));
    const bus = v86Bus(emulator);
    const trace = (this.trace = new TraceChannel((bytes) => bus.send(TRACE_INPUT, bytes)));
    trace.onEvents((events) => {
      for (const l of this.traceListeners) l(events);
    });
    // The bus delivers a chunk per virtqueue request; the typings know only port 0.
    bus.register(TRACE_OUTPUT, (bytes: Uint8Array) => trace.receive(bytes), this);
    return new Promise<void>((resolve, reject) => {
      const failIfCrashed = (s: MachineStatus) => {
        if (s.state === 'crashed') reject(new Error(`the guest crashed while booting: ${s.report.line}`));
      };
      this.statusListeners.push(failIfCrashed);
      const done = () => {
        this.statusListeners.splice(this.statusListeners.indexOf(failIfCrashed), 1);
        if (this.options.cols && this.options.rows) kpd.resize(this.options.cols, this.options.rows);
        // A restored agent told its start-up snapshot to whoever made the state: ask again.
        // A failure is reported only while this boot is current: a stopped or
        // restarted machine fails its old channel's syncs on purpose.
        if (mode === 'snapshot') {
          trace.sync().catch((err: Error) => {
            if (this.trace === trace) this.emit({ state: 'error', message: err.message });
          });
        }
        resolve();
      };
      if (mode === 'snapshot') {
        // A byte sent right as a restored machine resumes can be lost: ping until kpd answers.
        emulator.add_listener('emulator-started', () => kpd.pingUntilAnswered().then(done, reject));
      } else {
        Promise.all([kpd.whenUp(), this.whenPrompt()]).then(done, reject);
      }
    });
  }

  private promptWaiters: Array<() => void> = [];

  private whenPrompt(): Promise<void> {
    return new Promise((resolve) => this.promptWaiters.push(resolve));
  }

  private deliverConsole(bytes: Uint8Array): void {
    this.consoleTail = (this.consoleTail + new TextDecoder().decode(bytes)).slice(-2048);
    if (this.promptWaiters.length && PROMPT.test(this.consoleTail)) {
      for (const w of this.promptWaiters.splice(0)) w();
    }
    for (const l of this.consoleListeners) l(bytes);
  }

  private report(report: KernelReport): void {
    const key = `${report.kind}:${report.line}`;
    if (this.seenReports.has(key)) return;
    this.seenReports.add(key);
    for (const l of this.reportListeners) l(report);
    if (report.kind === 'warning' || this.crashed) return;
    this.crashed = true;
    this.emit({ state: 'crashed', report });
    if (report.kind === 'panic') this.afterPanic();
  }

  /**
   * The guest restarts, halts or powers off (power-detector.ts says why v86
   * must not be left to do it): stop the emulator now, in the slice that
   * printed the kernel's line; then, once the console has passed that line
   * on, stop the machine, and for a restart start it again as it was
   * started, as a real machine comes back. Only this boot's emulator.
   */
  private guestPower(emulator: V86, event: GuestPowerEvent): void {
    if (this.boot?.emulator !== emulator) return;
    void emulator.stop();
    // Queued after the console batcher's flush, which the line's first byte queued.
    queueMicrotask(() => {
      if (this.boot?.emulator !== emulator) return;
      const reason = POWER_EVENT_TEXT[event];
      // start() reports its own failure as an 'error' status.
      void (event === 'restart' ? this.restart(reason) : this.stop(reason)).catch(() => undefined);
    });
  }

  /**
   * A panicked kernel answers nothing more: fail what waits on kpd now, and
   * stop the emulator soon (it spins forever), once the panic text is out.
   * Only this boot's emulator: a quick Restart may have started a new one.
   */
  private afterPanic(): void {
    this.kpd?.close('the guest kernel panicked');
    const emulator = this.boot?.emulator;
    setTimeout(() => {
      if (emulator && this.boot?.emulator === emulator) void emulator.stop();
    }, 500);
  }
}

/**
 * v86's device bus. Its typings cover only port 0 of the virtio console and
 * have no way to send to a device, but the bus itself is general.
 */
interface V86Bus {
  send(name: string, value: Uint8Array): void;
  register(name: string, listener: (value: Uint8Array) => void, context: object): void;
}

function v86Bus(emulator: V86): V86Bus {
  const bus = (emulator as unknown as { bus?: V86Bus }).bus;
  if (!bus || typeof bus.send !== 'function') throw new Error('this v86 build has no device bus');
  return bus;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
