// SPDX-License-Identifier: MIT
/**
 * Watermark flow control between the emulator and xterm.js: xterm parses
 * asynchronously, so a chatty guest (think `yes`) could queue unbounded data
 * in the page. Pending bytes are counted through write callbacks; above the
 * high mark the producer is paused, below the low mark resumed.
 */

/** The part of an xterm Terminal this needs. */
export interface WriteTarget {
  write(data: Uint8Array, callback?: () => void): void;
}

export const HIGH_WATER = 512 * 1024;
export const LOW_WATER = 64 * 1024;

export class FlowControlledWriter {
  private pending = 0;
  private paused = false;
  /** Bumped by reset(): callbacks of writes to a previous target no longer count. */
  private generation = 0;

  constructor(
    private target: WriteTarget | null,
    private readonly setPaused: (paused: boolean) => void,
  ) {}

  /** Switches to another terminal (or none); what was pending there is forgotten. */
  retarget(target: WriteTarget | null): void {
    this.target = target;
    this.reset();
  }

  reset(): void {
    this.generation++;
    this.pending = 0;
    if (this.paused) {
      this.paused = false;
      this.setPaused(false);
    }
  }

  write(chunk: Uint8Array): void {
    if (!this.target) return;
    const size = chunk.length;
    const generation = this.generation;
    this.pending += size;
    this.target.write(chunk, () => {
      if (generation !== this.generation) return;
      this.pending -= size;
      if (this.paused && this.pending < LOW_WATER) {
        this.paused = false;
        this.setPaused(false);
      }
    });
    if (!this.paused && this.pending > HIGH_WATER) {
      this.paused = true;
      this.setPaused(true);
    }
  }

  get pendingBytes(): number {
    return this.pending;
  }
}
