// SPDX-License-Identifier: MIT
/**
 * Guest files for the browser: fetched from the guest folder of the deployed
 * site, with streamed progress so a large bzImage or state shows a percentage
 * instead of a silent spinner. Failures are ArtifactErrors so the status names
 * the file.
 */
import wasmUrl from 'v86/build/v86.wasm?url';
import { ArtifactError } from '../src/guest/manifest.js';
import { decodeState } from '../src/guest/state-encoding.js';
import { STATE_FILE } from '../src/guest/state.js';
import type { AssetSource, ProgressListener } from './machine.js';

/** Reads a response body chunk by chunk, reporting bytes so far and the expected total (0 = unknown). */
export async function readBody(response: Response, onProgress?: ProgressListener): Promise<Uint8Array> {
  const header = Number(response.headers.get('Content-Length'));
  // With Content-Encoding the length counts compressed bytes, so it is no total for the decoded body.
  const total = Number.isSafeInteger(header) && header > 0 && !response.headers.get('Content-Encoding') ? header : 0;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress?.(bytes.length, total || bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress?.(loaded, total);
  }
  // One exact-size buffer: the machine hands `.buffer` of it straight to v86.
  const bytes = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

let wasmModule: Promise<WebAssembly.Module> | null = null;

async function compileV86(): Promise<WebAssembly.Module> {
  const response = await fetch(wasmUrl);
  if (!response.ok) throw new ArtifactError('v86.wasm', `HTTP ${response.status} ${response.statusText}`.trim());
  if (response.headers.get('Content-Type')?.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(response);
  }
  // Some static hosts serve .wasm with a generic type, which compileStreaming rejects.
  return WebAssembly.compile(await response.arrayBuffer());
}

export class BrowserAssetSource implements AssetSource {
  private readonly base: URL;

  /** @param baseUrl absolute URL of the guest folder (…/guest/). */
  constructor(baseUrl: string) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  async load(name: string, onProgress?: ProgressListener): Promise<Uint8Array | null> {
    const url = new URL(name, this.base);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw new ArtifactError(name, `could not be fetched (${err instanceof Error ? err.message : String(err)})`);
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new ArtifactError(name, `HTTP ${response.status} ${response.statusText}`.trim());
    try {
      return await readBody(response, onProgress);
    } catch (err) {
      throw new ArtifactError(name, `download failed (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  /** Decoded every time: a page keeps nothing between visits but the HTTP cache. */
  decodeState(stored: Uint8Array): Promise<Uint8Array> {
    return decodeState(STATE_FILE, stored);
  }

  wasm(): Promise<WebAssembly.Module> {
    // Compiled once per worker; a restart instantiates the same module again.
    wasmModule ??= compileV86().catch((err: unknown) => {
      wasmModule = null;
      throw err;
    });
    return wasmModule;
  }
}
