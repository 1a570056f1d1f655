// SPDX-License-Identifier: MIT
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// BASE_PATH lets the static build live under any path (default: relative, so
// dist/ works from any folder of any static host, no special headers needed).
export default defineConfig({
  root: 'web',
  base: process.env.BASE_PATH ?? './',
  publicDir: '../public',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1024,
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: false },
});
