// SPDX-License-Identifier: MIT
/** Starts the emulator worker and wraps it with comlink. */
import * as Comlink from 'comlink';
import type { PlaygroundWorkerApi } from '../emulator/worker-api.js';

export type EmulatorRemote = Comlink.Remote<PlaygroundWorkerApi>;

export interface EmulatorClient {
  remote: EmulatorRemote;
  /** Reports a worker that failed to load or threw outside any call. */
  onFailure(listener: (message: string) => void): void;
}

/** @param guestBase the guest folder to boot from (default guest/ beside index.html; a pinned image: guest/<hash>/). */
export function createEmulatorClient(guestBase = new URL('guest/', document.baseURI).href): EmulatorClient {
  // Exactly this form: Vite only bundles workers written as new Worker(new URL(…, import.meta.url)).
  const worker = new Worker(new URL('../emulator/worker.ts', import.meta.url), { type: 'module' });
  const remote = Comlink.wrap<PlaygroundWorkerApi>(worker);
  // The guest folder sits beside index.html; the worker's own URL is under assets/.
  void remote.configure(guestBase);
  return {
    remote,
    onFailure(listener) {
      worker.addEventListener('error', (e) => {
        listener(`the emulator worker failed${e.message ? `: ${e.message}` : ''}`);
      });
      worker.addEventListener('messageerror', () => listener('the emulator worker sent a message that could not be read'));
    },
  };
}
