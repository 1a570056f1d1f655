// SPDX-License-Identifier: MIT
/**
 * The guest artifacts and their manifest (public/guest/manifest.json, written
 * by guest-image/build.sh). Everything that loads an artifact checks it here,
 * so a corrupt or missing file is reported by name instead of booting garbage.
 */

export const ARTIFACTS = ['bzImage', 'initrd.img', 'bios.bin', 'vgabios-stdvga.bin'] as const;
export type ArtifactName = (typeof ARTIFACTS)[number];

export interface ArtifactEntry {
  sha256: string;
  size: number;
}

export interface GuestManifest {
  kernelRelease: string;
  cmdline: string;
  files: Record<ArtifactName, ArtifactEntry>;
  /** Debian package versions the artifacts were built from. */
  debian: Record<string, string>;
}

/** A problem with one named artifact; its message is meant for the user. */
export class ArtifactError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ArtifactError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseEntry(name: string, v: unknown): ArtifactEntry {
  if (!isRecord(v) || typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.sha256) ||
      typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0) {
    throw new ArtifactError('manifest.json', `entry for ${name} is malformed`);
  }
  return { sha256: v.sha256, size: v.size };
}

/** Validates the parsed JSON of manifest.json. */
export function parseManifest(json: unknown): GuestManifest {
  if (!isRecord(json) || typeof json.kernelRelease !== 'string' || typeof json.cmdline !== 'string' ||
      !isRecord(json.files) || !isRecord(json.debian)) {
    throw new ArtifactError('manifest.json', 'not a guest manifest (kernelRelease, cmdline, files, debian)');
  }
  const files = {} as Record<ArtifactName, ArtifactEntry>;
  for (const name of ARTIFACTS) files[name] = parseEntry(name, json.files[name]);
  const debian: Record<string, string> = {};
  for (const [k, v] of Object.entries(json.debian)) debian[k] = String(v);
  return { kernelRelease: json.kernelRelease, cmdline: json.cmdline, files, debian };
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Throws an ArtifactError naming the file when size or sha256 differ. */
export async function verifyArtifact(name: string, bytes: Uint8Array, expected: ArtifactEntry): Promise<void> {
  if (bytes.length !== expected.size) {
    throw new ArtifactError(name, `size ${bytes.length} B, the manifest says ${expected.size} B (corrupt or truncated)`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new ArtifactError(name, `sha256 ${actual.slice(0, 12)}… does not match the manifest's ${expected.sha256.slice(0, 12)}… (corrupt)`);
  }
}
