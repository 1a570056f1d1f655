// SPDX-License-Identifier: MIT
/**
 * The terminal's whole text (scrollback and screen), with wrapped rows joined.
 * The DOM only holds the visible rows; this is what browser tests and a curious
 * user in devtools read, as `readTerminalText()` on the terminal element.
 */
import type { IBuffer } from '@xterm/xterm';

export type TerminalHost = HTMLElement & { readTerminalText?: () => string };

export function bufferText(buffer: IBuffer): string {
  const lines: string[] = [];
  for (let i = 0; i < buffer.length; i++) {
    const line = buffer.getLine(i);
    if (!line) continue;
    const text = line.translateToString(true);
    if (line.isWrapped && lines.length) lines[lines.length - 1] += text;
    else lines.push(text);
  }
  return lines.join('\n').trimEnd();
}
