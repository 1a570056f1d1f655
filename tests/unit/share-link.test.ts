// SPDX-License-Identifier: MIT
/** Share links: round trips, and every way a link can be wrong, with the message the user gets. */
import { describe, expect, it } from 'vitest';
import { encodeBase64Url, decodeBase64Url } from '../../src/share/base64url.js';
import { deflateRaw } from '../../src/share/deflate.js';
import { imageHashOf } from '../../src/share/image-hash.js';
import {
  decodeShareLink, encodeShareLink, MAX_COMMANDS, MAX_COMMAND_CHARS, MAX_ENCODED_CHARS, MAX_JSON_BYTES, ShareLinkError,
  type ShareState,
} from '../../src/share/link.js';

const BASE = 'https://example.org/play/';
const IMAGE = '0123456789abcdef';
const STATE: ShareState = {
  v: 1,
  image: IMAGE,
  commands: ['kdbus bus make demo &', 'kdbus serve org.example.Echo &', "kdbus call org.example.Echo /org/example/Echo org.example.Echo Echo s 'héllo ✓'"],
  interrupted: [2],
  lesson: { id: 'first-call', step: 2 },
  view: {
    theme: 'light',
    panes: { left: 0.5, terminal: 0.4 },
    filter: { bus: 1, connection: null, name: 'org.example', text: 'Echo', kinds: ['method-call', 'signal'] },
    selected: 3,
    asOf: null,
  },
};

/** A link whose payload is the given JSON text (version byte 1), made like encodeShareLink does. */
async function linkOfJson(json: string, version = 1): Promise<string> {
  const packed = await deflateRaw(new TextEncoder().encode(json));
  const bytes = new Uint8Array(packed.length + 1);
  bytes[0] = version;
  bytes.set(packed, 1);
  return `${BASE}#share=${encodeBase64Url(bytes)}`;
}

async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ShareLinkError);
    return (err as Error).message;
  }
  throw new Error('expected a ShareLinkError');
}

describe('base64url', () => {
  it('round-trips every length and refuses foreign characters and impossible lengths', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const text = encodeBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeBase64Url(text)).toEqual(bytes);
    }
    expect(decodeBase64Url('ab+c')).toBeNull();
    expect(decodeBase64Url('abc=')).toBeNull();
    expect(decodeBase64Url('abcde')).toBeNull();
  });
});

describe('share links', () => {
  it('round-trip the whole state through a URL fragment', async () => {
    const url = await encodeShareLink(STATE, `${BASE}?embed=1#old`);
    expect(url.startsWith(`${BASE}?embed=1#share=`)).toBe(true);
    expect(url).toMatch(/^[\x21-\x7e]+$/);
    expect(await decodeShareLink(url)).toEqual(STATE);
    // The fragment alone, with or without '#', and the bare payload decode too.
    const fragment = url.slice(url.indexOf('#'));
    expect(await decodeShareLink(fragment)).toEqual(STATE);
    expect(await decodeShareLink(fragment.slice(1))).toEqual(STATE);
    expect(await decodeShareLink(fragment.slice('#share='.length))).toEqual(STATE);
  });

  it('keeps a minimal state minimal', async () => {
    const s: ShareState = { v: 1, image: IMAGE, commands: [] };
    expect(await decodeShareLink(await encodeShareLink(s, BASE))).toEqual(s);
  });

  it('names the image by the manifest hashes of bzImage and initrd.img', async () => {
    const m = { files: { bzImage: { sha256: 'a'.repeat(64) }, 'initrd.img': { sha256: 'b'.repeat(64) }, 'bios.bin': { sha256: 'c'.repeat(64) } } };
    const h = await imageHashOf(m);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(await imageHashOf({ files: { ...m.files, 'bios.bin': { sha256: 'd'.repeat(64) } } })).toBe(h);
    expect(await imageHashOf({ files: { ...m.files, bzImage: { sha256: 'e'.repeat(64) } } })).not.toBe(h);
  });

  it('reports a link cut at every length, and never hangs', async () => {
    const url = await encodeShareLink(STATE, BASE);
    const payload = url.slice(url.indexOf('=') + 1);
    const seen = new Set<string>();
    for (let n = 0; n < payload.length; n++) {
      const message = await errorOf(decodeShareLink(`${BASE}#share=${payload.slice(0, n)}`));
      seen.add(message);
    }
    expect([...seen].sort()).toEqual(
      [
        'the share link is damaged (characters outside base64url, or a cut-off end)',
        'the share link is empty',
        'the share link is truncated (no data after the version byte)',
        'the share link is truncated or damaged (its compressed data does not unpack)',
      ].sort(),
    );
  });

  it('reports damaged and foreign links', async () => {
    expect(await errorOf(decodeShareLink(`${BASE}#share=abc<script>`))).toBe('the share link is damaged (characters outside base64url, or a cut-off end)');
    expect(await errorOf(decodeShareLink(`${BASE}#other=1`))).toBe('the link has no share data (its fragment does not start with #share=)');
    expect(await errorOf(decodeShareLink(`${BASE}#`))).toBe('the link has no share data (its fragment does not start with #share=)');
    expect(await errorOf(decodeShareLink(`${BASE}#share=`))).toBe('the share link is empty');
    expect(await errorOf(decodeShareLink(await linkOfJson('{}', 2)))).toBe('the share link has version 2; this playground reads version 1');
    expect(await errorOf(decodeShareLink(`${BASE}#share=${encodeBase64Url(Uint8Array.of(1, 0xff, 0xfe, 0x00, 0x13))}`))).toBe(
      'the share link is truncated or damaged (its compressed data does not unpack)',
    );
    expect(await errorOf(decodeShareLink(await linkOfJson('{"v":1,'))) ).toBe('the share link is damaged (its data is not JSON)');
    const notUtf8 = await deflateRaw(Uint8Array.of(0x7b, 0xff, 0x7d));
    expect(await errorOf(decodeShareLink(`${BASE}#share=${encodeBase64Url(Uint8Array.of(1, ...notUtf8))}`))).toBe(
      'the share link is damaged (its data is not UTF-8 text)',
    );
  });

  it('refuses oversized links before decoding them', async () => {
    const long = 'A'.repeat(MAX_ENCODED_CHARS + 1);
    expect(await errorOf(decodeShareLink(`${BASE}#share=${long}`))).toBe(
      `the share link is too long (${MAX_ENCODED_CHARS + 1} characters; the limit is ${MAX_ENCODED_CHARS})`,
    );
    // Making one: 19 800 characters of noise (xorshift over printable ASCII) do not pack below the limit.
    let x = 2463534242;
    const noise = () => {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      return String.fromCharCode(0x21 + (x % 94));
    };
    const commands = Array.from({ length: 20 }, () => Array.from({ length: 990 }, noise).join(''));
    expect(await errorOf(encodeShareLink({ v: 1, image: IMAGE, commands }, BASE))).toMatch(/^the demo is too big to share \(a \d+-character link; the limit is 16000\)$/);
  });

  it('stops inflating a zip bomb at the limit', async () => {
    // 10 MB of one repeated command: a few KB packed, far past MAX_JSON_BYTES unpacked.
    const json = `{"v":1,"image":"${IMAGE}","commands":["${'x'.repeat(10_000_000)}"]}`;
    const link = await linkOfJson(json);
    expect(link.length).toBeLessThan(MAX_ENCODED_CHARS);
    const t0 = performance.now();
    expect(await errorOf(decodeShareLink(link))).toBe(`the share link unpacks to more than ${MAX_JSON_BYTES} bytes (refused)`);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('validates every field, naming the problem', async () => {
    const cases: [unknown, string][] = [
      [[], 'the share link does not hold a playground state'],
      ['x', 'the share link does not hold a playground state'],
      [{ ...STATE, extra: 1 }, 'the share link has an unknown field "extra" in the state'],
      [{ ...STATE, v: 2 }, "the share link's state has version 2; this playground reads version 1"],
      [{ ...STATE, image: 'ABC' }, 'the share link does not name a guest image (16 hex digits)'],
      [{ ...STATE, image: undefined }, 'the share link does not name a guest image (16 hex digits)'],
      [{ ...STATE, commands: 'ls' }, 'the share link has no command list'],
      [{ ...STATE, commands: Array(MAX_COMMANDS + 1).fill('ls') }, `the share link has too many commands (${MAX_COMMANDS + 1}; the limit is ${MAX_COMMANDS})`],
      [{ ...STATE, commands: ['ls', 7] }, 'command 2 of the share link is not text'],
      [{ ...STATE, commands: ['  '] }, 'command 1 of the share link is empty'],
      [{ ...STATE, commands: ['x'.repeat(MAX_COMMAND_CHARS + 1)] }, `command 1 of the share link is too long (${MAX_COMMAND_CHARS + 1} characters; the limit is ${MAX_COMMAND_CHARS})`],
      [{ ...STATE, commands: ['ls\r rm -rf /'] }, 'command 1 of the share link contains a control character (U+000D)'],
      [{ ...STATE, commands: ['echo \u001b[31m'] }, 'command 1 of the share link contains a control character (U+001B)'],
      [{ ...STATE, commands: ['echo \u0003'] }, 'command 1 of the share link contains a control character (U+0003)'],
      [{ ...STATE, commands: ['echo \u009b'] }, 'command 1 of the share link contains a control character (U+009B)'],
      [{ ...STATE, commands: ['ls \u202e'] }, 'command 1 of the share link contains a control character (U+202E)'],
      [{ ...STATE, commands: ['ls \ud800'] }, 'command 1 of the share link contains a control character (U+D800)'],
      [{ ...STATE, commands: Array(25).fill('y'.repeat(900)) }, "the share link's commands are too long together (22500 characters; the limit is 20000)"],
      [{ ...STATE, interrupted: [3] }, 'the interrupted commands of the share link are not command numbers in order'],
      [{ ...STATE, interrupted: [1, 1] }, 'the interrupted commands of the share link are not command numbers in order'],
      [{ ...STATE, interrupted: 1 }, 'the interrupted commands of the share link are not command numbers in order'],
      [{ ...STATE, lesson: 'x' }, 'the lesson of the share link is not an object'],
      [{ ...STATE, lesson: { id: '../x', step: 1 } }, 'the lesson id in the share link is not a lesson name'],
      [{ ...STATE, lesson: { id: 'a', step: -1 } }, 'the lesson step in the share link is not a step number'],
      [{ ...STATE, lesson: { id: 'a', step: 1, x: 1 } }, 'the share link has an unknown field "x" in the lesson'],
      [{ ...STATE, view: 3 }, 'the view of the share link is not an object'],
      [{ ...STATE, view: { theme: 'red' } }, 'the theme in the share link is neither dark nor light'],
      [{ ...STATE, view: { panes: { left: 2 } } }, 'the pane size left in the share link is not a fraction'],
      [{ ...STATE, view: { panes: { top: 0.5 } } }, 'the share link has an unknown field "top" in the pane sizes'],
      [{ ...STATE, view: { filter: { bus: 1.5 } } }, 'the filter bus in the share link is not a valid number'],
      [{ ...STATE, view: { filter: { text: 'a\nb' } } }, 'the filter text in the share link is not valid text'],
      [{ ...STATE, view: { filter: { kinds: ['all'] } } }, 'the filter kinds in the share link are not message kinds'],
      [{ ...STATE, view: { selected: '1' } }, 'the selected message in the share link is not a valid number'],
      [{ ...STATE, view: { asOf: 1e20 } }, 'the timeline position in the share link is not a valid number'],
      [{ ...STATE, view: { onload: 'alert(1)' } }, 'the share link has an unknown field "onload" in the view'],
      [JSON.parse('{"v":1,"image":"0123456789abcdef","commands":[],"__proto__":{"x":1}}'), 'the share link has an unknown field "__proto__" in the state'],
    ];
    for (const [value, message] of cases) {
      expect(await errorOf(decodeShareLink(await linkOfJson(JSON.stringify(value) ?? 'null'))), JSON.stringify(value)?.slice(0, 80)).toBe(message);
    }
    // Making a link checks the same rules.
    expect(await errorOf(encodeShareLink({ ...STATE, commands: ['a\tb'] }, BASE))).toBe('command 1 of the share link contains a control character (U+0009)');
  });

  it('carries markup and script text in commands as plain text, unchanged', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      "javascript:alert('x')",
      '{{constructor.constructor("alert(1)")()}}',
      '$(curl evil) `id` ; echo </textarea>',
    ];
    const s: ShareState = { v: 1, image: IMAGE, commands: hostile };
    const url = await encodeShareLink(s, BASE);
    expect(url).not.toMatch(/[<>"'` ]/);
    expect((await decodeShareLink(url)).commands).toEqual(hostile);
  });
});
