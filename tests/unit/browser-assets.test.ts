// SPDX-License-Identifier: MIT
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BrowserAssetSource, readBody } from '../../emulator/browser-assets.js';

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('readBody', () => {
  it('joins chunks into one exact buffer and reports progress against Content-Length', async () => {
    const res = new Response(streamOf([new Uint8Array([1, 2, 3]), new Uint8Array([4, 5])]), { headers: { 'Content-Length': '5' } });
    const progress: Array<[number, number]> = [];
    const bytes = await readBody(res, (loaded, total) => progress.push([loaded, total]));
    expect(Array.from(bytes)).toEqual([1, 2, 3, 4, 5]);
    // v86 gets bytes.buffer, so the buffer must hold exactly the file.
    expect(bytes.buffer.byteLength).toBe(5);
    expect(progress).toEqual([[0, 5], [3, 5], [5, 5]]);
  });

  it('reports an unknown total as 0', async () => {
    const res = new Response(streamOf([new Uint8Array([1])]));
    const totals: number[] = [];
    await readBody(res, (_l, total) => totals.push(total));
    expect(totals.every((t) => t === 0)).toBe(true);
  });
});

describe('BrowserAssetSource.load', () => {
  it('fetches relative to the guest folder', async () => {
    const fetchMock = vi.fn(async () => new Response(new Uint8Array([7])));
    vi.stubGlobal('fetch', fetchMock);
    const bytes = await new BrowserAssetSource('http://host/app/guest').load('bzImage');
    expect(Array.from(bytes ?? [])).toEqual([7]);
    expect(String((fetchMock.mock.calls[0] as unknown[])[0])).toBe('http://host/app/guest/bzImage');
  });

  it('returns null for 404', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    expect(await new BrowserAssetSource('http://host/guest/').load('initrd.img')).toBeNull();
  });

  it('names the file on other HTTP errors and network failures', async () => {
    vi.stubGlobal('fetch', async () => new Response('', { status: 500, statusText: 'Internal Server Error' }));
    await expect(new BrowserAssetSource('http://host/guest/').load('bzImage')).rejects.toThrow(/^bzImage: HTTP 500/);
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    await expect(new BrowserAssetSource('http://host/guest/').load('state.bin.xz')).rejects.toMatchObject({
      file: 'state.bin.xz', message: expect.stringMatching(/^state\.bin\.xz: could not be fetched/),
    });
  });
});
