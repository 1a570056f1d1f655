// SPDX-License-Identifier: MIT
/** Files from the host reach the guest byte for byte (through the 9p share). */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGuest, type TestGuest } from '../helpers/guest.js';

describe('putFile', () => {
  let guest: TestGuest;

  beforeAll(async () => {
    guest = await bootGuest('snapshot');
  });

  afterAll(async () => {
    await guest?.machine.stop();
  });

  it('round-trips a 16 MiB random file (sha256 inside the guest matches)', async () => {
    const bytes = new Uint8Array(randomBytes(16 * 1024 * 1024));
    const sha = createHash('sha256').update(bytes).digest('hex');
    await guest.machine.putFile('/tmp/deep/dir/random.bin', bytes);
    const { stdout, status } = await guest.run('sha256sum /tmp/deep/dir/random.bin; stat -c %s /tmp/deep/dir/random.bin');
    expect(status).toBe(0);
    expect(stdout).toBe(`${sha}  /tmp/deep/dir/random.bin\n${bytes.length}\n`);
  });

  it('sets the mode it is given and handles awkward names', async () => {
    await guest.machine.putFile("/tmp/it's a script.sh", new TextEncoder().encode('#!/bin/sh\necho ran "$@"\n'), 0o755);
    const { stdout } = await guest.run(`stat -c %a "/tmp/it's a script.sh" && "/tmp/it's a script.sh" ok`);
    expect(stdout).toBe('755\nran ok\n');
  });

  it('leaves nothing behind in the share', async () => {
    expect((await guest.run('ls -A /mnt/host')).stdout).toBe('');
  });

  it('reports a path it cannot write', async () => {
    await expect(guest.machine.putFile('/proc/nope/x', new Uint8Array([1]))).rejects.toThrow(/\/proc\/nope\/x/);
  });
});
