// SPDX-License-Identifier: MIT
/**
 * Recognises kernel reports in the guest console stream. Chunks arrive split
 * anywhere, so a short tail of the previous chunk is kept to catch a marker
 * that straddles two chunks.
 */

export type KernelReportKind = 'panic' | 'oops' | 'bug' | 'warning';

export interface KernelReport {
  kind: KernelReportKind;
  /** The console line the marker was found in (as far as it has arrived). */
  line: string;
}

const MARKERS: ReadonlyArray<[RegExp, KernelReportKind]> = [
  [/Kernel panic - not syncing/, 'panic'],
  [/Oops: [0-9a-f]{4}|Oops\b.*\[#\d+\]|general protection fault|Unable to handle kernel/, 'oops'],
  [/\bBUG: |kernel BUG at /, 'bug'],
  [/WARNING: CPU: |WARNING: possible |WARNING: at /, 'warning'],
];

const TAIL = 160;

export class CrashDetector {
  private tail = '';
  private readonly decoder = new TextDecoder();

  /** Returns the reports whose marker completes in this chunk. */
  push(chunk: Uint8Array): KernelReport[] {
    const text = this.tail + this.decoder.decode(chunk, { stream: true });
    const reports: KernelReport[] = [];
    for (const [re, kind] of MARKERS) {
      const global = new RegExp(re.source, 'g');
      for (let m = global.exec(text); m; m = global.exec(text)) {
        // Reported already if the whole match lay inside the kept tail.
        if (m.index + m[0].length <= this.tail.length) continue;
        const start = text.lastIndexOf('\n', m.index) + 1;
        const end = text.indexOf('\n', m.index);
        reports.push({ kind, line: text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '') });
      }
    }
    this.tail = text.slice(-TAIL);
    return reports;
  }
}
