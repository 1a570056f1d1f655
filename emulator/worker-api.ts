// SPDX-License-Identifier: MIT
/**
 * What the playground worker exposes through comlink: the emulator API plus
 * the two things only a browser page needs to tell it.
 */
import type { PlaygroundEmulator } from './api.js';

export interface PlaygroundWorkerApi extends PlaygroundEmulator {
  /**
   * Must come first: the absolute URL of the guest folder. The worker's own
   * URL lies under assets/, so it cannot work this out by itself.
   */
  configure(guestBaseUrl: string): void;
  /**
   * Flow control from the terminal: while paused, console output is held and
   * merged in the worker, then sent as one chunk on resume.
   */
  setConsolePaused(paused: boolean): void;
}
