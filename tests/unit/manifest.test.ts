// SPDX-License-Identifier: MIT
import { describe, expect, it } from 'vitest';
import { ArtifactError, parseManifest, sha256Hex, verifyArtifact } from '../../src/guest/manifest.js';
import { parseStateInfo, staleReason, type StateInfo } from '../../src/guest/state.js';

const entry = (c: string) => ({ sha256: c.repeat(64), size: 3 });
const manifest = {
  kernelRelease: '6.1.0-x', cmdline: 'quiet',
  files: { bzImage: entry('a'), 'initrd.img': entry('b'), 'bios.bin': entry('c'), 'vgabios-stdvga.bin': entry('d') },
  debian: { 'linux-source-6.1': '6.1.1-1' },
};

describe('manifest', () => {
  it('accepts a well-formed manifest', () => {
    expect(parseManifest(manifest).files.bzImage.sha256).toBe('a'.repeat(64));
  });

  it('names what is wrong with a malformed one', () => {
    expect(() => parseManifest({ ...manifest, files: { ...manifest.files, bzImage: { sha256: 'xyz', size: 1 } } }))
      .toThrow(/manifest\.json: entry for bzImage is malformed/);
    expect(() => parseManifest([])).toThrow(ArtifactError);
  });

  it('hashes with SHA-256', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc')))
      .toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('rejects a wrong size or digest, naming the file', async () => {
    const bytes = new TextEncoder().encode('abc');
    const good = { sha256: await sha256Hex(bytes), size: 3 };
    await expect(verifyArtifact('x', bytes, good)).resolves.toBeUndefined();
    await expect(verifyArtifact('bzImage', bytes, { ...good, size: 4 })).rejects.toThrow(/^bzImage: size 3 B/);
    await expect(verifyArtifact('initrd.img', bytes, { ...good, sha256: '0'.repeat(64) })).rejects.toThrow(/^initrd\.img: sha256/);
  });
});

describe('state info', () => {
  const info: StateInfo = {
    format: 2, kernelSha256: 'a'.repeat(64), initrdSha256: 'b'.repeat(64), v86Version: '0.5.462',
    memorySize: 1024, cmdline: 'quiet', devices: 'uart1', state: { sha256: 'e'.repeat(64), size: 10 }, consoleTail: '# ', bootMs: 1,
  };

  const shape = { v86Version: '0.5.462', memorySize: 1024, devices: 'uart1' };

  it('is fresh only for the same kernel, initrd, v86, memory size and devices', () => {
    const m = parseManifest(manifest);
    expect(staleReason(parseStateInfo(info), m, shape)).toBeNull();
    expect(staleReason({ ...info, kernelSha256: 'f'.repeat(64) }, m, shape)).toMatch(/bzImage/);
    expect(staleReason({ ...info, initrdSha256: 'f'.repeat(64) }, m, shape)).toMatch(/initrd/);
    expect(staleReason({ ...info, cmdline: 'console=ttyS0' }, m, shape)).toBe('it was booted with another kernel command line');
    expect(staleReason(info, m, { ...shape, v86Version: '0.5.999' })).toMatch(/v86 0\.5\.462/);
    expect(staleReason(info, m, { ...shape, memorySize: 2048 })).toMatch(/memory size/);
    expect(staleReason(info, m, { ...shape, devices: 'uart1,virtio-console' })).toMatch(/other devices \(uart1, now uart1,virtio-console\)/);
    const { devices: _unrecorded, ...older } = info;
    expect(staleReason(parseStateInfo(older), m, shape)).toMatch(/other devices \(unrecorded/);
    // A zstd state (format 1) from before the xz encoding is remade, not an error.
    expect(staleReason(parseStateInfo({ ...info, format: 1 }), m, shape)).toBe('it was saved in format 1, this is 2');
  });

  it('rejects a malformed state.json by name', () => {
    expect(() => parseStateInfo({ format: 2 })).toThrow(/state\.json: malformed/);
    expect(() => parseStateInfo({ ...info, format: 3 })).toThrow(/state\.json: malformed/);
    const { cmdline: _missing, ...withoutCmdline } = info;
    expect(() => parseStateInfo(withoutCmdline)).toThrow(/state\.json: malformed/);
  });
});
