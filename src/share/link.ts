// SPDX-License-Identifier: MIT
/**
 * Share links: the state of a demo (guest image, commands typed so far,
 * lesson step, view) packed into a URL fragment, so a static host serves
 * any link and the state never reaches a server log.
 *
 * Format: `<base>#share=<base64url(bytes)>` where bytes = one version byte
 * (LINK_VERSION) followed by the raw DEFLATE (RFC 1951) of the state as
 * UTF-8 JSON. Raw deflate because every browser and Node ≥ 20 has it in
 * CompressionStream('deflate-raw'); no dependency is needed.
 *
 * Decoding trusts nothing: the fragment's length is checked before any
 * decoding, the compressed size before inflating, the inflated size while
 * inflating (so a zip bomb stops at MAX_JSON_BYTES, not when memory runs
 * out), and every field afterwards, against a closed list of keys. Each
 * problem is a ShareLinkError whose message says what is wrong, in words
 * a user can act on. Commands are plain text: nothing here or in the page
 * ever puts them into HTML (React renders them as text).
 */
import { decodeBase64Url, encodeBase64Url } from './base64url.js';
import { deflateRaw, inflateRawLimited, InflateLimitError } from './deflate.js';
import { checkShareState } from './validate.js';

export { IMAGE_HASH_PATTERN, MAX_COMMANDS, MAX_COMMAND_CHARS, MAX_TOTAL_COMMAND_CHARS } from './validate.js';

export interface ShareView {
  theme?: 'dark' | 'light';
  /** Pane sizes as fractions (see web/views-model.ts PaneSizes). */
  panes?: { left?: number; terminal?: number; tree?: number; inspector?: number };
  /** The filter bar (see src/views/filter-state.ts). */
  filter?: {
    bus?: number | null;
    connection?: number | null;
    name?: string;
    text?: string;
    kinds?: string[] | null;
  };
  /** Selected message log entry, or null. */
  selected?: number | null;
  /** Timeline cursor (an event index), or null for live. */
  asOf?: number | null;
}

export interface ShareState {
  v: 1;
  /**
   * The guest image: the first 16 hex digits of the sha256 of
   * "bzImage <sha256>\ninitrd.img <sha256>\n" from the guest's manifest.json
   * (see image-hash.ts). The two files that make the guest's behaviour;
   * BIOS images and the saved state do not change what commands do.
   */
  image: string;
  /** Lines the user entered at the shell prompt, in order. */
  commands: string[];
  /**
   * Indices (ascending) of commands the user ended with Ctrl-C, such as a
   * foreground `kdbus monitor`: the replay sends Ctrl-C once the guest is
   * quiet after starting them.
   */
  interrupted?: number[];
  lesson?: { id: string; step: number };
  view?: ShareView;
}

export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

export const LINK_VERSION = 1;
/** The fragment key: `#share=…`. */
export const FRAGMENT_KEY = 'share';
/** Longest base64url payload accepted (browsers take far more; chat apps and slides do not). */
export const MAX_ENCODED_CHARS = 16_000;
/** Largest state JSON, inflated. */
export const MAX_JSON_BYTES = 64 * 1024;

/** The payload part of a URL, a fragment (`#share=…`, `share=…`) or the bare payload. */
function payloadOf(urlOrFragment: string): string {
  if (typeof urlOrFragment !== 'string') throw new ShareLinkError('the share link is not text');
  let s = urlOrFragment.trim();
  const hash = s.indexOf('#');
  if (hash >= 0) s = s.slice(hash + 1);
  const prefix = `${FRAGMENT_KEY}=`;
  if (s.startsWith(prefix)) s = s.slice(prefix.length);
  else if (hash >= 0 || s.includes('=') || s.includes('/')) {
    throw new ShareLinkError(`the link has no share data (its fragment does not start with #${FRAGMENT_KEY}=)`);
  }
  return s;
}

export async function encodeShareLink(state: ShareState, baseUrl: string): Promise<string> {
  // The same checks as decoding: a link this page makes always opens.
  checkShareState(state, (m) => new ShareLinkError(m));
  const json = new TextEncoder().encode(JSON.stringify(state));
  if (json.length > MAX_JSON_BYTES) {
    throw new ShareLinkError(`the demo is too big to share (${json.length} bytes of state; the limit is ${MAX_JSON_BYTES})`);
  }
  const packed = await deflateRaw(json);
  const bytes = new Uint8Array(packed.length + 1);
  bytes[0] = LINK_VERSION;
  bytes.set(packed, 1);
  const payload = encodeBase64Url(bytes);
  if (payload.length > MAX_ENCODED_CHARS) {
    throw new ShareLinkError(`the demo is too big to share (a ${payload.length}-character link; the limit is ${MAX_ENCODED_CHARS})`);
  }
  const base = baseUrl.split('#')[0] ?? baseUrl;
  return `${base}#${FRAGMENT_KEY}=${payload}`;
}

export async function decodeShareLink(urlOrFragment: string): Promise<ShareState> {
  const payload = payloadOf(urlOrFragment);
  if (payload.length === 0) throw new ShareLinkError('the share link is empty');
  if (payload.length > MAX_ENCODED_CHARS) {
    throw new ShareLinkError(`the share link is too long (${payload.length} characters; the limit is ${MAX_ENCODED_CHARS})`);
  }
  const bytes = decodeBase64Url(payload);
  if (!bytes) throw new ShareLinkError('the share link is damaged (characters outside base64url, or a cut-off end)');
  if (bytes.length < 2) throw new ShareLinkError('the share link is truncated (no data after the version byte)');
  if (bytes[0] !== LINK_VERSION) {
    throw new ShareLinkError(`the share link has version ${bytes[0]}; this playground reads version ${LINK_VERSION}`);
  }
  let json: Uint8Array;
  try {
    json = await inflateRawLimited(bytes.subarray(1), MAX_JSON_BYTES);
  } catch (err) {
    if (err instanceof InflateLimitError) {
      throw new ShareLinkError(`the share link unpacks to more than ${MAX_JSON_BYTES} bytes (refused)`);
    }
    throw new ShareLinkError('the share link is truncated or damaged (its compressed data does not unpack)');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new ShareLinkError('the share link is damaged (its data is not UTF-8 text)');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ShareLinkError('the share link is damaged (its data is not JSON)');
  }
  return checkShareState(value, (m) => new ShareLinkError(m));
}
