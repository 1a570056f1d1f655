// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { describeStatus, formatBytes, formatSeconds } from '../../web/status-text.js';

describe('describeStatus', () => {
  it('says Starting… before the worker reports anything', () => {
    expect(describeStatus(null)).toMatchObject({ text: 'Starting…', busy: true, canRestart: false });
  });

  it('shows loading progress as a whole percentage, or bytes when the total is unknown', () => {
    expect(describeStatus({ state: 'loading', file: 'bzImage', loaded: 450, total: 1000 }).text).toBe('Loading bzImage 45%');
    expect(describeStatus({ state: 'loading', file: 'bzImage', loaded: 999, total: 1000 }).text).toBe('Loading bzImage 99%');
    expect(describeStatus({ state: 'loading', file: 'bzImage', loaded: 2048, total: 0 }).text).toBe('Loading bzImage 2.0 kB');
  });

  it('shows booting with its mode and note', () => {
    const v = describeStatus({ state: 'booting', mode: 'cold', note: 'the saved state is stale; booting cold' });
    expect(v.text).toBe('Booting… (cold boot)');
    expect(v.note).toBe('the saved state is stale; booting cold');
    expect(v.busy).toBe(true);
  });

  it('stops spinning and offers Restart when booting stalled', () => {
    const v = describeStatus({ state: 'booting', mode: 'snapshot' }, undefined, true);
    expect(v).toMatchObject({ busy: false, canRestart: true, tone: 'bad' });
    expect(v.note).toMatch(/stuck/);
  });

  it('shows ready with seconds, mode and the boot note', () => {
    expect(describeStatus({ state: 'ready', mode: 'snapshot', msToReady: 420 }).text).toBe('Ready in 0.42 s (snapshot)');
    const cold = describeStatus({ state: 'ready', mode: 'cold', msToReady: 4970 }, 'no saved state yet; booting cold');
    expect(cold).toMatchObject({ text: 'Ready in 4.97 s (cold boot)', note: 'no saved state yet; booting cold', busy: false, tone: 'ok' });
  });

  it('shows a crash with the kernel line and offers Restart', () => {
    const v = describeStatus({ state: 'crashed', report: { kind: 'panic', line: '[ 12.3] Kernel panic - not syncing: sysrq triggered crash\r' } });
    expect(v).toMatchObject({ text: 'Crashed: [ 12.3] Kernel panic - not syncing: sysrq triggered crash', canRestart: true, tone: 'bad', busy: false });
  });

  it('shows errors with their message and never as busy', () => {
    const v = describeStatus({ state: 'error', message: 'initrd.img: missing', file: 'initrd.img' });
    expect(v).toMatchObject({ text: 'Error: initrd.img: missing', busy: false, canRestart: true, tone: 'bad' });
  });

  it('shows stopped', () => {
    expect(describeStatus({ state: 'stopped' })).toMatchObject({ text: 'Stopped', busy: false });
    expect(describeStatus({ state: 'stopped', reason: 'the guest halted' })).toMatchObject({ text: 'Stopped: the guest halted', canRestart: true });
  });
});

describe('formatting', () => {
  it('formats bytes and seconds', () => {
    expect(formatBytes(12)).toBe('12 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(formatSeconds(5)).toBe('0.01 s');
    expect(formatSeconds(12_345)).toBe('12.35 s');
  });
});
