// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { CrashDetector } from '../../emulator/crash-detector.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('CrashDetector', () => {
  it('finds a panic split across chunks, once', () => {
    const d = new CrashDetector();
    const line = 'Kernel panic - not syncing: sysrq triggered crash';
    const all = [...d.push(enc(`ok\r\n${line.slice(0, 9)}`)), ...d.push(enc(`${line.slice(9)}\r\n`)), ...d.push(enc('more\r\n'))];
    expect(all).toEqual([{ kind: 'panic', line }]);
  });

  it('tells Oops, BUG and WARNING apart', () => {
    const d = new CrashDetector();
    const kinds = d.push(enc('BUG: kernel NULL pointer dereference, address: 00000000\nOops: 0002 [#1] PREEMPT\nWARNING: CPU: 0 PID: 1 at kernel/x.c:1\n')).map((r) => r.kind);
    expect(kinds.sort()).toEqual(['bug', 'oops', 'warning']);
  });

  it('stays quiet on ordinary output that merely mentions the words', () => {
    const d = new CrashDetector();
    expect(d.push(enc('echo no bugs here; grep -c WARNING file\n0\n'))).toEqual([]);
  });
});
