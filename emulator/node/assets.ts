// SPDX-License-Identifier: MIT
/** Guest files for Node: read from public/guest/ and node_modules/v86. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssetSource } from '../machine.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The guest artifacts: public/guest/, or KP_GUEST_DIR (for another copy, as tests use). */
export const GUEST_DIR = process.env.KP_GUEST_DIR
  ? `${resolve(process.env.KP_GUEST_DIR)}/`
  : fileURLToPath(new URL('../../public/guest/', import.meta.url));

let wasmModule: Promise<WebAssembly.Module> | null = null;

export function v86WasmPath(): string {
  return createRequire(import.meta.url).resolve('v86/build/v86.wasm');
}

export class NodeAssetSource implements AssetSource {
  constructor(private readonly dir: string = GUEST_DIR) {}

  async load(name: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.dir, name)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  wasm(): Promise<WebAssembly.Module> {
    wasmModule ??= readFile(v86WasmPath()).then((b) => WebAssembly.compile(b));
    return wasmModule;
  }
}
