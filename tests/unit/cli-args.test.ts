// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { parseExecArgs, parseTraceArgs } from '../../emulator/node/cli-args.js';

describe('exec arguments', () => {
  it('defaults to the snapshot and /tmp for --put', () => {
    expect(parseExecArgs(['--put', 'dir/a.out', 'ls', '-l'])).toEqual({
      mode: 'snapshot', console: false, puts: [{ host: 'dir/a.out', guest: '/tmp/a.out' }], command: 'ls -l',
    });
  });

  it('takes --cold, --console, HOST:GUEST and --', () => {
    expect(parseExecArgs(['--cold', '--console', '--put=x:/root/y', '--', '--not-an-option'])).toEqual({
      mode: 'cold', console: true, puts: [{ host: 'x', guest: '/root/y' }], command: '--not-an-option',
    });
  });

  it('refuses what it cannot mean', () => {
    expect(() => parseExecArgs([])).toThrow(/needs a shell command/);
    expect(() => parseExecArgs(['--put'])).toThrow(/--put needs/);
    expect(() => parseExecArgs(['--put', 'x:relative', 'ls'])).toThrow(/must be absolute/);
    expect(() => parseExecArgs(['--frob', 'ls'])).toThrow(/unknown option --frob/);
  });
});

describe('trace arguments', () => {
  it("takes exec's arguments plus -o/--output", () => {
    expect(parseTraceArgs(['-o', 't.jsonl', '--cold', 'kdbus', 'ls'])).toEqual({
      mode: 'cold', console: false, puts: [], command: 'kdbus ls', output: 't.jsonl',
    });
    expect(parseTraceArgs(['--output=x', 'true']).output).toBe('x');
    expect(parseTraceArgs(['true']).output).toBeNull();
  });

  it('leaves -o after -- to the command', () => {
    expect(parseTraceArgs(['--', 'sort', '-o', 'f'])).toMatchObject({ command: 'sort -o f', output: null });
  });

  it('refuses -o without a file', () => {
    expect(() => parseTraceArgs(['ls', '-o'])).toThrow(/-o needs a file name/);
    expect(() => parseTraceArgs(['--output=', 'ls'])).toThrow(/--output needs/);
  });
});
