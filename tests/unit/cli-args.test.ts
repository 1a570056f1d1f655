// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { parseExecArgs } from '../../emulator/node/cli-args.js';

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
