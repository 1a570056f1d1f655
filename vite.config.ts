// SPDX-License-Identifier: MIT
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { stripWasmCustomSections } from './web/build/vite-strip-wasm.js';
import { pinGuestImage } from './web/share/vite-pin-guest.js';

// BASE_PATH lets the static build live under any path (default: relative, so
// dist/ works from any folder of any static host, no special headers needed).
export default defineConfig({
  root: 'web',
  base: process.env.BASE_PATH ?? './',
  publicDir: '../public',
  // stripWasmCustomSections: v86.wasm without its debug info and names, ~100 kB less to download.
  // pinGuestImage: dist/guest/<imagehash>/ for this image and the newest older ones in git history,
  // and dist/guest/images.json, for share links (web/share/pinned-images.ts).
  plugins: [react(), stripWasmCustomSections(), pinGuestImage(fileURLToPath(new URL('./dist', import.meta.url)), fileURLToPath(new URL('.', import.meta.url)))],
  worker: { format: 'es' },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // The page, and the sequence diagram alone (web/diagram/demo.html: its browser test and benchmark).
      input: {
        main: fileURLToPath(new URL('./web/index.html', import.meta.url)),
        diagram: fileURLToPath(new URL('./web/diagram/demo.html', import.meta.url)),
      },
    },
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
