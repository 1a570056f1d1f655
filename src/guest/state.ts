// SPDX-License-Identifier: MIT
/**
 * The saved machine state for instant start (public/guest/state.json beside
 * state.bin.zst). A state is only valid for the exact kernel, initrd, v86 build
 * and machine shape it was made with, so all of those are recorded and checked.
 */
import { ArtifactError, type ArtifactEntry, type GuestManifest } from './manifest.js';

export const STATE_FILE = 'state.bin.zst';
export const STATE_INFO_FILE = 'state.json';

export interface StateInfo {
  format: 1;
  /** sha256 of the bzImage and initrd the state was booted from. */
  kernelSha256: string;
  initrdSha256: string;
  v86Version: string;
  memorySize: number;
  state: ArtifactEntry;
  /** What the console showed when the state was saved, replayed on restore. */
  consoleTail: string;
  /** Milliseconds the cold boot took when the state was made. */
  bootMs: number;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function parseStateInfo(json: unknown): StateInfo {
  if (!isRecord(json) || json.format !== 1 || typeof json.kernelSha256 !== 'string' ||
      typeof json.initrdSha256 !== 'string' || typeof json.v86Version !== 'string' ||
      typeof json.memorySize !== 'number' || !isRecord(json.state) ||
      typeof json.state.sha256 !== 'string' || typeof json.state.size !== 'number' ||
      typeof json.consoleTail !== 'string' || typeof json.bootMs !== 'number') {
    throw new ArtifactError(STATE_INFO_FILE, 'malformed (remove it and run npm run build)');
  }
  return json as unknown as StateInfo;
}

/** Why a state cannot be used with this guest and emulator, or null when it can. */
export function staleReason(info: StateInfo, manifest: GuestManifest, v86Version: string, memorySize: number): string | null {
  if (info.kernelSha256 !== manifest.files.bzImage.sha256) return 'it was made from another bzImage';
  if (info.initrdSha256 !== manifest.files['initrd.img'].sha256) return 'it was made from another initrd.img';
  if (info.v86Version !== v86Version) return `it was made with v86 ${info.v86Version}, this is ${v86Version}`;
  if (info.memorySize !== memorySize) return 'it was made with another memory size';
  return null;
}
