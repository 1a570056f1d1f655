// SPDX-License-Identifier: MIT
/** Files dropped on the terminal: where they go in the guest and with which mode. */

export const DROP_DIR = '/tmp/';
const MAX_NAME = 200;

/**
 * A safe single path component from a dropped file's name: the basename only,
 * no leading dots (so never '.', '..' or a hidden file), no control or shell
 * special characters.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  const clean = base
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[^\p{L}\p{N}._+@=,-]/gu, '_')
    .replace(/^[.\s_-]+/, '')
    .slice(0, MAX_NAME);
  return clean || 'dropped-file';
}

/** ELF binaries and scripts with a #! line get the executable bit. */
export function looksExecutable(bytes: Uint8Array): boolean {
  const elf = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  const script = bytes[0] === 0x23 && bytes[1] === 0x21;
  return elf || script;
}

export interface DropPlan {
  guestPath: string;
  mode: number;
}

export function planDrop(name: string, bytes: Uint8Array): DropPlan {
  return { guestPath: DROP_DIR + sanitizeFileName(name), mode: looksExecutable(bytes) ? 0o755 : 0o644 };
}
