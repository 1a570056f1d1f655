// SPDX-License-Identifier: MIT
/**
 * A tiny static file server for browser tests: serves a folder (the built
 * dist/) on 127.0.0.1 at a random port. `overrides` swaps single files for
 * other bytes, or for a 404 with null, which serves a modified copy of the
 * site without copying it.
 */
import { createServer, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticServerOptions {
  root: string;
  /** Site paths without leading slash (e.g. 'guest/bzImage') → replacement bytes, or null for 404. */
  overrides?: Record<string, Uint8Array | null>;
}

export interface StaticServer {
  /** Base URL ending in '/'. */
  url: string;
  /** Site paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: Uint8Array | string, type: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    // Each test may serve different bytes under the same path.
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = normalize(options.root + sep);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
      } catch {
        return send(res, 400, 'bad path', 'text/plain');
      }
      if (path === '' || path.endsWith('/')) path += 'index.html';
      requests.push(path);
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
      const override = options.overrides?.[path];
      if (override === null) return send(res, 404, 'not found', 'text/plain');
      if (override) return send(res, 200, override, mimeType(path));
      const file = normalize(join(root, path));
      if (!file.startsWith(root)) return send(res, 403, 'forbidden', 'text/plain');
      try {
        if (!(await stat(file)).isFile()) return send(res, 404, 'not found', 'text/plain');
        send(res, 200, await readFile(file), mimeType(file));
      } catch {
        send(res, 404, 'not found', 'text/plain');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A copy of the bytes with one byte inverted, for corrupt-artifact tests. */
export function flipByte(bytes: Uint8Array, at = Math.floor(bytes.length / 2)): Uint8Array {
  const copy = new Uint8Array(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0xff;
  return copy;
}
