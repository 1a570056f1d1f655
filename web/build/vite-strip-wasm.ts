// SPDX-License-Identifier: MIT
/**
 * Build step (used by vite.config.ts): every .wasm asset of the static build
 * is emitted without its custom sections (wasm-custom-sections.ts says why).
 * Its file name keeps the hash of the original bytes, which names the
 * stripped ones just as uniquely.
 * The dev server and Node, which read node_modules, keep the original.
 */
import type { Plugin } from 'vite';
import { stripCustomSections } from './wasm-custom-sections.js';

export function stripWasmCustomSections(): Plugin {
  return {
    name: 'kdbus-playground:strip-wasm-custom-sections',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'asset' || !file.fileName.endsWith('.wasm') || typeof file.source === 'string') continue;
        try {
          file.source = stripCustomSections(new Uint8Array(file.source));
        } catch (err) {
          this.error(`${file.fileName}: ${(err as Error).message}`);
        }
      }
    },
  };
}
