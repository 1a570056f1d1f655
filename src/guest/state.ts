// SPDX-License-Identifier: MIT
/**
 * The saved machine state for instant start (public/guest/state.json beside
 * state.bin.xz, stored as state-encoding.ts says). A state is only valid for
 * the exact kernel, initrd, command line, v86 build and machine shape it was
 * made with, so all of those are recorded and checked.
 */
import { ArtifactError, type ArtifactEntry, type GuestManifest } from './manifest.js';

export const STATE_FILE = 'state.bin.xz';
/** 1: state.bin.zst, zstd as v86 restores it; 2: state.bin.xz, see state-encoding.ts. */
export const STATE_FORMAT = 2;
export const STATE_INFO_FILE = 'state.json';

export interface StateInfo {
  /** Older formats are parsed, to be reported stale rather than malformed. */
  format: 1 | 2;
  /** sha256 of the bzImage and initrd the state was booted from. */
  kernelSha256: string;
  initrdSha256: string;
  v86Version: string;
  memorySize: number;
  /**
   * The manifest's kernel command line the state was booted with (the state
   * maker adds init_on_free=1 to it, emulator/node/state-file.ts); '' in format 1.
   */
  cmdline: string;
  /** The emulated devices (see MachineShape); '' in states made before it was recorded. */
  devices: string;
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
  if (!isRecord(json) || (json.format !== 1 && json.format !== 2) || typeof json.kernelSha256 !== 'string' ||
      typeof json.initrdSha256 !== 'string' || typeof json.v86Version !== 'string' ||
      typeof json.memorySize !== 'number' || !isRecord(json.state) ||
      typeof json.state.sha256 !== 'string' || typeof json.state.size !== 'number' ||
      typeof json.consoleTail !== 'string' || typeof json.bootMs !== 'number') {
    throw new ArtifactError(STATE_INFO_FILE, 'malformed (remove it and run npm run build)');
  }
  if ((json.devices !== undefined && typeof json.devices !== 'string') ||
      (json.format === STATE_FORMAT && typeof json.cmdline !== 'string')) {
    throw new ArtifactError(STATE_INFO_FILE, 'malformed (remove it and run npm run build)');
  }
  return {
    ...(json as unknown as StateInfo),
    devices: typeof json.devices === 'string' ? json.devices : '',
    cmdline: typeof json.cmdline === 'string' ? json.cmdline : '',
  };
}

/** What a saved state must match besides the guest files: v86 restores only into the same machine. */
export interface MachineShape {
  v86Version: string;
  memorySize: number;
  /** A stable description of the emulated devices, e.g. 'uart1,virtio-9p,virtio-console'. */
  devices: string;
}

/** Why a state cannot be used with this guest and emulator, or null when it can. */
export function staleReason(info: StateInfo, manifest: GuestManifest, shape: MachineShape): string | null {
  if (info.format !== STATE_FORMAT) return `it was saved in format ${info.format}, this is ${STATE_FORMAT}`;
  if (info.kernelSha256 !== manifest.files.bzImage.sha256) return 'it was made from another bzImage';
  if (info.initrdSha256 !== manifest.files['initrd.img'].sha256) return 'it was made from another initrd.img';
  if (info.cmdline !== manifest.cmdline) return 'it was booted with another kernel command line';
  if (info.v86Version !== shape.v86Version) return `it was made with v86 ${info.v86Version}, this is ${shape.v86Version}`;
  if (info.memorySize !== shape.memorySize) return 'it was made with another memory size';
  if (info.devices !== shape.devices) return `it was made for other devices (${info.devices || 'unrecorded'}, now ${shape.devices})`;
  return null;
}
