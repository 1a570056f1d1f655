// SPDX-License-Identifier: MIT
/** What the status bar says for a machine status: pure, so it is unit-tested. */
import type { BootMode, MachineStatus } from '../emulator/api.js';

export interface StatusView {
  text: string;
  /** Extra detail shown beside the text (e.g. why a cold boot happened). */
  note?: string;
  /** Something is in progress (shows an activity marker). */
  busy: boolean;
  /** The Restart button makes sense. */
  canRestart: boolean;
  tone: 'info' | 'ok' | 'bad';
}

const MODE_LABEL: Record<BootMode, string> = { snapshot: 'snapshot', cold: 'cold boot' };

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * @param bootNote the note of the last 'booting' status: 'ready' carries none,
 *   but "booted cold because the state is stale" must stay visible.
 * @param stalled booting has gone on far too long (see PlaygroundModel).
 */
export function describeStatus(status: MachineStatus | null, bootNote?: string, stalled = false): StatusView {
  if (!status) return { text: 'Starting…', busy: true, canRestart: false, tone: 'info' };
  switch (status.state) {
    case 'loading': {
      const amount = status.total > 0
        ? `${Math.min(100, Math.floor((status.loaded / status.total) * 100))}%`
        : formatBytes(status.loaded);
      return { text: `Loading ${status.file} ${amount}`, busy: true, canRestart: false, tone: 'info' };
    }
    case 'booting':
      if (stalled) {
        return {
          text: `Booting… (${MODE_LABEL[status.mode]})`, note: 'no prompt yet: the guest seems stuck, try Restart',
          busy: false, canRestart: true, tone: 'bad',
        };
      }
      return { text: `Booting… (${MODE_LABEL[status.mode]})`, note: status.note, busy: true, canRestart: false, tone: 'info' };
    case 'ready':
      return {
        text: `Ready in ${formatSeconds(status.msToReady)} (${MODE_LABEL[status.mode]})`,
        note: bootNote, busy: false, canRestart: true, tone: 'ok',
      };
    case 'crashed':
      return { text: `Crashed: ${status.report.line.trim()}`, busy: false, canRestart: true, tone: 'bad' };
    case 'error':
      return { text: `Error: ${status.message}`, busy: false, canRestart: true, tone: 'bad' };
    case 'stopped':
      return { text: status.reason ? `Stopped: ${status.reason}` : 'Stopped', busy: false, canRestart: true, tone: 'info' };
  }
}
