// SPDX-License-Identifier: MIT
/**
 * bench/ipc.ts's reading of ipc-bench output: the memfd rows per receiver
 * (pread / mmap), and results from before the "receive" field (mmap only).
 */
import { describe, expect, it } from 'vitest';
import { describeRun, ipcReport, ipcSummary, memfdRows, parseIpcOutput, type IpcLine } from '../../bench/ipc.js';

const MIB = 1 << 20;

function line(fields: Partial<IpcLine> & Pick<IpcLine, 'transport' | 'rtt_us'>): string {
  const l: IpcLine = { bytes: MIB, iterations: 40, warmup: 4, seconds: fields.rtt_us * 40 / 1e6, per_sec: 1e6 / fields.rtt_us, ...fields };
  return JSON.stringify(l);
}

/** One run of today's ipc-bench: rtt, memfd (2 variants x 2 receivers + AF_UNIX), meta. */
function run(preadUs: number, mmapUs: number, unixUs: number): string {
  return [
    line({ bench: 'rtt', transport: 'kdbus', variant: 'vec', bytes: 64, rtt_us: 150 }),
    line({ bench: 'rtt', transport: 'af_unix', variant: 'copy', bytes: 64, rtt_us: 60 }),
    line({ bench: 'memfd', transport: 'kdbus', variant: 'resent', receive: 'pread', rtt_us: preadUs }),
    line({ bench: 'memfd', transport: 'kdbus', variant: 'fresh', receive: 'pread', rtt_us: preadUs * 5 }),
    line({ bench: 'memfd', transport: 'kdbus', variant: 'resent', receive: 'mmap', rtt_us: mmapUs }),
    line({ bench: 'memfd', transport: 'kdbus', variant: 'fresh', receive: 'mmap', rtt_us: mmapUs * 5 }),
    line({ bench: 'memfd', transport: 'af_unix', variant: 'copy', rtt_us: unixUs }),
    line({ bench: 'meta', transport: 'kdbus', variant: 'none', bytes: 64, rtt_us: 150, msg_size: 96, meta_items: [] }),
    line({ bench: 'meta', transport: 'kdbus', variant: 'all', bytes: 64, rtt_us: 200, msg_size: 560, meta_items: ['creds'] }),
  ].join('\n');
}

describe('ipc bench: memfd rows', () => {
  it('gives a row per variant and receiver, each against the AF_UNIX median', () => {
    const runs = [run(500, 700, 1000), run(600, 650, 800), run(550, 900, 900)].map(parseIpcOutput);
    const rows = memfdRows({ runs, dmesgTrouble: [] });
    expect(rows.map((r) => `${r.variant}/${r.receive}`)).toEqual(['resent/pread', 'fresh/pread', 'resent/mmap', 'fresh/mmap']);
    const [resentPread, freshPread, resentMmap] = rows;
    expect(resentPread?.kdbusUs.median).toBe(550);
    expect(resentPread?.unixUs.median).toBe(900);
    expect(resentPread?.ratio).toBeCloseTo(550 / 900);
    expect(resentPread?.pass).toBe(false);
    expect(freshPread?.targetRatio).toBeUndefined();
    expect(resentMmap?.kdbusUs.median).toBe(700);
  });

  it('passes the goal at half the AF_UNIX time or less', () => {
    const rows = memfdRows({ runs: [parseIpcOutput(run(400, 900, 800))], dmesgTrouble: [] });
    expect(rows.filter((r) => r.variant === 'resent').map((r) => r.pass)).toEqual([true, false]);
  });

  it('reads results from before the receive field as mmap rows', () => {
    const old = [
      line({ bench: 'memfd', transport: 'kdbus', variant: 'resent', rtt_us: 1200 }),
      line({ bench: 'memfd', transport: 'kdbus', variant: 'fresh', rtt_us: 4000 }),
      line({ bench: 'memfd', transport: 'af_unix', variant: 'copy', rtt_us: 1000 }),
    ].join('\n');
    const rows = memfdRows({ runs: [parseIpcOutput(old)], dmesgTrouble: [] });
    expect(rows.map((r) => `${r.variant}/${r.receive}`)).toEqual(['resent/mmap', 'fresh/mmap']);
    expect(rows[0]?.ratio).toBeCloseTo(1.2);
  });

  it('refuses an unknown receiver, names the receiver in the progress line and the goal', () => {
    expect(() => parseIpcOutput(line({ bench: 'memfd', transport: 'kdbus', variant: 'resent', rtt_us: 1, receive: 'splice' as 'mmap' })))
      .toThrow(/unexpected ipc-bench line/);
    const lines = parseIpcOutput(run(500, 700, 1000));
    expect(describeRun(lines)).toContain('memfd resent/pread 1 MiB 500 µs');
    const report = ipcReport(ipcSummary({ runs: [lines], dmesgTrouble: [] }), 1).join('\n');
    expect(report).toMatch(/0\.50x with pread\(\), PASS; 0\.70x with mmap\(\), MISS/);
  });
});
