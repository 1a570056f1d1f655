// SPDX-License-Identifier: MIT
/**
 * Makes the instant-start state: boot cold in Node, quiesce, save, encode
 * (the x86 branch filter, then xz: src/guest/state-encoding.ts), and record
 * what the state was made from in state.json. Skipped when the state on
 * disk is still valid for the current guest artifacts and v86.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { parseManifest, sha256Hex, verifyArtifact } from '../../src/guest/manifest.js';
import { decodeState } from '../../src/guest/state-encoding.js';
import { STATE_FILE, STATE_FORMAT, STATE_INFO_FILE, parseStateInfo, staleReason, type StateInfo } from '../../src/guest/state.js';
import { encodeX86Branches } from '../../src/guest/x86-branch-filter.js';
import { GuestMachine, MACHINE_SHAPE, MEMORY_SIZE, V86_VERSION } from '../machine.js';
import { GUEST_DIR, NodeAssetSource } from './assets.js';

/** Why the state on disk must be (re)made, or null when it is fine. */
export async function stateProblem(dir = GUEST_DIR): Promise<string | null> {
  if (!existsSync(dir + STATE_INFO_FILE) || !existsSync(dir + STATE_FILE)) return 'there is no saved state';
  try {
    const manifest = parseManifest(JSON.parse(await readFile(dir + 'manifest.json', 'utf8')));
    const info = parseStateInfo(JSON.parse(await readFile(dir + STATE_INFO_FILE, 'utf8')));
    const stale = staleReason(info, manifest, MACHINE_SHAPE);
    if (stale) return `the saved state is stale: ${stale}`;
    await verifyArtifact(STATE_FILE, new Uint8Array(await readFile(dir + STATE_FILE)), info.state);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * v86 saves only the non-zero pages of guest RAM, so zero as much as we can:
 * drop the page cache and slab (init_on_free=1, see below, zeroes freed pages), then fill
 * the free memory with a tmpfs file and delete it. That zeroes even the pages
 * no one ever freed, which still hold what the boot loader and the kernel
 * decompressor left there.
 */
const QUIESCE = [
  'sync',
  'echo 3 > /proc/sys/vm/drop_caches',
  'mkdir -p /run/zero && mount -t tmpfs -o size=100% zero /run/zero',
  "free_mb=$(awk '/^MemFree:/ { print int($2 / 1024) - 6 }' /proc/meminfo)",
  'dd if=/dev/zero of=/run/zero/fill bs=1M count=$free_mb 2>/dev/null',
  'rm -f /run/zero/fill && umount /run/zero && rmdir /run/zero',
  'echo 3 > /proc/sys/vm/drop_caches',
].join(' && ');

/**
 * The state is made from a boot with init_on_free=1 added to the command
 * line: the kernel then zeroes every page it frees (and, at boot, all of
 * RAM), so what the fill below cannot reach (the compressed kernel the boot
 * left in low memory, freed slab objects) is zero too and compresses away:
 * ~190 KB less compressed state. A cold boot does without it (zeroing ~100 MB at
 * boot costs it ~0.1 s under emulation); a restored guest keeps zeroing
 * freed pages, as before.
 */
export const STATE_CMDLINE_EXTRA = 'init_on_free=1';

class StateBootAssets extends NodeAssetSource {
  override async load(name: string): Promise<Uint8Array | null> {
    const bytes = await super.load(name);
    if (name !== 'manifest.json' || !bytes) return bytes;
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { cmdline?: unknown };
    if (typeof json.cmdline === 'string') json.cmdline = `${json.cmdline} ${STATE_CMDLINE_EXTRA}`;
    return new TextEncoder().encode(JSON.stringify(json));
  }
}

/**
 * The stored form of a state (see state-encoding.ts), by Debian's xz (xz-utils):
 * preset 9e, a dictionary as large as the state (the decoder allocates it),
 * CRC32 (the check the browser's decoder knows). Checked by decoding it back.
 */
export async function encodeState(raw: Uint8Array): Promise<Uint8Array> {
  const filtered = raw.slice();
  encodeX86Branches(filtered);
  const dict = Math.min(64, Math.max(1, 2 ** Math.ceil(Math.log2(raw.length / 2 ** 20))));
  const xz = spawnSync('xz', ['--format=xz', '--check=crc32', '--threads=1', `--lzma2=preset=9e,dict=${dict}MiB`, '--stdout'], {
    input: filtered,
    maxBuffer: raw.length + 2 ** 20,
  });
  if (xz.error) throw new Error(`xz could not run (${xz.error.message}); it is in Debian's xz-utils: apt-get install xz-utils`);
  if (xz.status !== 0) throw new Error(`xz failed (${xz.status}): ${xz.stderr.toString().trim()}`);
  const packed = new Uint8Array(xz.stdout);
  const back = await decodeState(STATE_FILE, packed);
  if (back.length !== raw.length || Buffer.compare(back, raw) !== 0) throw new Error('the encoded state does not decode to the saved one');
  return packed;
}

/** What the shell showed at save time, from the last banner on: replayed on restore. */
function screenAtSave(consoleText: string): string {
  const banner = consoleText.lastIndexOf('Welcome to kdbus-playground');
  return banner >= 0 ? consoleText.slice(consoleText.lastIndexOf('\n', banner) + 1) : consoleText.slice(-200);
}

export async function makeState(dir = GUEST_DIR, log: (s: string) => void = () => {}): Promise<StateInfo> {
  const machine = new GuestMachine(new StateBootAssets(dir));
  const reports: string[] = [];
  machine.onKernelReport((r) => reports.push(`${r.kind}: ${r.line}`));
  const t0 = performance.now();
  await machine.start({ mode: 'cold' });
  const bootMs = Math.round(performance.now() - t0);
  log(`booted cold in ${bootMs} ms`);
  const { status } = await machine.exec(QUIESCE);
  if (status !== 0) throw new Error(`quiescing the guest failed (${status})`);
  if (reports.length) throw new Error(`the guest kernel reported problems while booting:\n${reports.join('\n')}`);
  const raw = await machine.saveState();
  const consoleTail = screenAtSave(machine.recentConsole());
  await machine.stop();
  const packed = await encodeState(raw);
  const manifest = parseManifest(JSON.parse(await readFile(dir + 'manifest.json', 'utf8')));
  const info: StateInfo = {
    format: STATE_FORMAT,
    kernelSha256: manifest.files.bzImage.sha256,
    initrdSha256: manifest.files['initrd.img'].sha256,
    v86Version: V86_VERSION,
    memorySize: MEMORY_SIZE,
    cmdline: manifest.cmdline,
    devices: MACHINE_SHAPE.devices,
    state: { sha256: await sha256Hex(packed), size: packed.length },
    consoleTail,
    bootMs,
  };
  // Write the state first and its description last, each atomically, so a
  // crash in between leaves a state.json that does not describe the file.
  await writeFile(dir + STATE_FILE + '.tmp', packed);
  await rename(dir + STATE_FILE + '.tmp', dir + STATE_FILE);
  await writeFile(dir + STATE_INFO_FILE + '.tmp', JSON.stringify(info, null, 2) + '\n');
  await rename(dir + STATE_INFO_FILE + '.tmp', dir + STATE_INFO_FILE);
  // A format 1 state left from before, which the build would otherwise copy into dist/.
  await rm(dir + 'state.bin.zst', { force: true });
  log(`state: ${raw.length} B raw, ${packed.length} B filtered + xz`);
  return info;
}
