// SPDX-License-Identifier: MIT
/** npx kdbus-playground exec, run as a user would: a real child process. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GUEST_DIR, REPO_ROOT } from '../../emulator/node/assets.js';
import { KERNEL_TROUBLE } from '../helpers/guest.js';

const BIN = join(REPO_ROOT, 'bin/kdbus-playground.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'kp-cli-'));

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 110_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the artifacts with one of them damaged. */
function damagedGuest(damage: (dir: string) => void): string {
  const dir = mkdtempSync(join(scratch, 'guest-'));
  cpSync(GUEST_DIR, dir, { recursive: true });
  damage(dir);
  return dir;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('kdbus-playground exec', () => {
  it('streams output and exits with the command status', () => {
    const r = cli(['exec', 'echo $((6*7)); echo to-stderr >&2; exit 5']);
    expect(r).toMatchObject({ status: 5, stdout: '42\n' });
    expect(r.stderr).toContain('to-stderr');
    expect(r.stderr).not.toMatch(KERNEL_TROUBLE);
  });

  it('copies --put files in, keeping the executable bit', () => {
    const script = join(scratch, 'hello.sh');
    writeFileSync(script, '#!/bin/sh\necho "hello from $0"\n', { mode: 0o755 });
    const data = join(scratch, 'data.txt');
    writeFileSync(data, 'plain\n', { mode: 0o644 });
    const r = cli(['exec', '--put', script, '--put', `${data}:/root/x/data.txt`,
      '/tmp/hello.sh && stat -c %a /tmp/hello.sh /root/x/data.txt && cat /root/x/data.txt']);
    expect(r.stdout).toBe('hello from /tmp/hello.sh\n755\n644\nplain\n');
    expect(r.status).toBe(0);
  });

  it('boots cold with --cold', () => {
    const r = cli(['exec', '--cold', 'uname -r']);
    const manifest = JSON.parse(readFileSync(join(GUEST_DIR, 'manifest.json'), 'utf8')) as { kernelRelease: string };
    expect(r).toMatchObject({ status: 0, stdout: `${manifest.kernelRelease}\n` });
  });

  it('names a corrupt artifact and does not hang', () => {
    const dir = damagedGuest((d) => {
      const f = join(d, 'initrd.img');
      const b = readFileSync(f);
      b[b.length >> 1]! ^= 0xff;
      writeFileSync(f, b);
    });
    const r = cli(['exec', '--cold', 'true'], { KP_GUEST_DIR: dir });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/initrd\.img: sha256 .* does not match the manifest/);
  });

  it('names a missing artifact', () => {
    const dir = damagedGuest((d) => rmSync(join(d, 'bzImage')));
    const r = cli(['exec', '--cold', 'true'], { KP_GUEST_DIR: dir });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/bzImage: missing/);
  });

  it('names a corrupt saved state', () => {
    const dir = damagedGuest((d) => {
      const f = join(d, 'state.bin.xz');
      const b = readFileSync(f);
      b[100]! ^= 0xff;
      writeFileSync(f, b);
    });
    const r = cli(['exec', 'true'], { KP_GUEST_DIR: dir });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/state\.bin\.xz: sha256/);
  });

  it('names a saved state that matches its sha256 but does not decompress', () => {
    const dir = damagedGuest((d) => {
      const f = join(d, 'state.bin.xz');
      const b = readFileSync(f);
      b[b.length >> 1]! ^= 0x40;
      writeFileSync(f, b);
      const info = JSON.parse(readFileSync(join(d, 'state.json'), 'utf8')) as { state: { sha256: string } };
      info.state.sha256 = createHash('sha256').update(b).digest('hex');
      writeFileSync(join(d, 'state.json'), JSON.stringify(info));
    });
    const r = cli(['exec', 'true'], { KP_GUEST_DIR: dir });
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/state\.bin\.xz: could not be decompressed: corrupt data/);
  });

  it('explains bad arguments', () => {
    const r = cli(['exec', '--put']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--put needs HOSTFILE/);
    expect(cli(['frobnicate']).stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
