// SPDX-License-Identifier: MIT
/** Guest files for Node: read from public/guest/ and node_modules/v86. */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeState } from '../../src/guest/state-encoding.js';
import { STATE_FILE } from '../../src/guest/state.js';
import type { AssetSource } from '../machine.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The guest artifacts: public/guest/, or KP_GUEST_DIR (for another copy, as tests use). */
export const GUEST_DIR = process.env.KP_GUEST_DIR
  ? `${resolve(process.env.KP_GUEST_DIR)}/`
  : fileURLToPath(new URL('../../public/guest/', import.meta.url));

/**
 * Decoded saved states, by the sha256 of their stored (xz) form: decoding
 * takes ~0.25 s, reading the 11 MB back ~10 ms, and the CLI and the tests
 * restore the same state over and over. Only the newest state is kept.
 */
export const STATE_CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/kdbus-playground/');

let wasmModule: Promise<WebAssembly.Module> | null = null;

export function v86WasmPath(): string {
  return createRequire(import.meta.url).resolve('v86/build/v86.wasm');
}

export class NodeAssetSource implements AssetSource {
  constructor(
    private readonly dir: string = GUEST_DIR,
    private readonly cacheDir: string = STATE_CACHE_DIR,
  ) {}

  async load(name: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.dir, name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async decodeState(stored: Uint8Array, sha256: string): Promise<Uint8Array> {
    const file = join(this.cacheDir, `${sha256}.state`);
    try {
      return new Uint8Array(await readFile(file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const raw = await decodeState(STATE_FILE, stored);
    // Written whole under another name and renamed: a reader never sees part of it.
    await mkdir(this.cacheDir, { recursive: true });
    for (const old of await readdir(this.cacheDir)) {
      if (old.endsWith('.state') && old !== `${sha256}.state`) await rm(join(this.cacheDir, old), { force: true });
    }
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, raw);
    await rename(tmp, file);
    return raw;
  }

  wasm(): Promise<WebAssembly.Module> {
    wasmModule ??= readFile(v86WasmPath()).then((b) => WebAssembly.compile(b));
    return wasmModule;
  }
}
