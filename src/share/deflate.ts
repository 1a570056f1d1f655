// SPDX-License-Identifier: MIT
/**
 * Raw DEFLATE through the platform's CompressionStream (browsers, Node ≥ 20):
 * no library in the page for a few hundred bytes of link.
 */

/** The inflated data would exceed the caller's limit: reading stopped there. */
export class InflateLimitError extends Error {
  override name = 'InflateLimitError';
}

async function readAll(readable: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      // Stop the inflater now: a bomb must not be unpacked to the end.
      await reader.cancel().catch(() => undefined);
      throw new InflateLimitError(`more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function run(stream: CompressionStream | DecompressionStream, input: Uint8Array, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Errors surface on the readable side; the writer's promises must not go unhandled.
  writer.write(new Uint8Array(input)).catch(() => undefined);
  writer.close().catch(() => undefined);
  return readAll(stream.readable as ReadableStream<Uint8Array>, limit);
}

export function deflateRaw(input: Uint8Array): Promise<Uint8Array> {
  return run(new CompressionStream('deflate-raw'), input, Number.MAX_SAFE_INTEGER);
}

/** Inflates raw DEFLATE, refusing (InflateLimitError) output beyond `limit` bytes. */
export function inflateRawLimited(input: Uint8Array, limit: number): Promise<Uint8Array> {
  return run(new DecompressionStream('deflate-raw'), input, limit);
}
