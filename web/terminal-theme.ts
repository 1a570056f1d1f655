// SPDX-License-Identifier: MIT
/** xterm.js look: dark or light, high contrast, local fonts only (no network requests). */
import type { ITerminalOptions, ITheme } from '@xterm/xterm';

export const DARK_TERMINAL_THEME: ITheme = {
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
};

/** Light projector rooms wash out dark screens; colours darkened to keep contrast on white. */
export const LIGHT_TERMINAL_THEME: ITheme = {
  background: '#fbfbf8',
  foreground: '#1f2328',
  cursor: '#b35900',
  cursorAccent: '#fbfbf8',
  selectionBackground: '#c8d7f0',
  black: '#1f2328',
  red: '#c4262e',
  green: '#2e7d16',
  yellow: '#8a5a00',
  blue: '#0b5cad',
  magenta: '#7b3fb5',
  cyan: '#0b7a75',
  white: '#6e7781',
  brightBlack: '#57606a',
  brightRed: '#a40e26',
  brightGreen: '#1a5e0a',
  brightYellow: '#704700',
  brightBlue: '#0a4a8c',
  brightMagenta: '#5f2a96',
  brightCyan: '#075e5a',
  brightWhite: '#24292f',
};

export function terminalTheme(theme: 'dark' | 'light'): ITheme {
  return theme === 'light' ? LIGHT_TERMINAL_THEME : DARK_TERMINAL_THEME;
}

export const TERMINAL_OPTIONS: ITerminalOptions = {
  fontFamily: '"DejaVu Sans Mono", "Liberation Mono", ui-monospace, Menlo, Consolas, monospace',
  fontSize: 15,
  lineHeight: 1.15,
  cursorBlink: true,
  scrollback: 5000,
  // The guest tty turns \n into \r\n itself.
  convertEol: false,
  theme: DARK_TERMINAL_THEME,
};
