// SPDX-License-Identifier: MIT
/** xterm.js look: dark, high contrast, local fonts only (no network requests). */
import type { ITerminalOptions } from '@xterm/xterm';

export const TERMINAL_OPTIONS: ITerminalOptions = {
  fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace',
  fontSize: 15,
  lineHeight: 1.15,
  cursorBlink: true,
  scrollback: 5000,
  // The guest tty turns \n into \r\n itself.
  convertEol: false,
  theme: {
    background: '#0f1419',
    foreground: '#e6e1cf',
    cursor: '#ffcc66',
    cursorAccent: '#0f1419',
    selectionBackground: '#33415e',
    black: '#1c2128',
    red: '#f07178',
    green: '#aad94c',
    yellow: '#ffb454',
    blue: '#59c2ff',
    magenta: '#d2a6ff',
    cyan: '#95e6cb',
    white: '#e6e1cf',
    brightBlack: '#6c7380',
    brightRed: '#ff8f8f',
    brightGreen: '#c2f06c',
    brightYellow: '#ffd580',
    brightBlue: '#73d0ff',
    brightMagenta: '#dfbfff',
    brightCyan: '#b8f4e0',
    brightWhite: '#ffffff',
  },
};
