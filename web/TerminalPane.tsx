// SPDX-License-Identifier: MIT
/** The xterm.js terminal: fills its pane, follows its size, accepts dropped files. */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { shortcutFor } from '../src/views/shortcuts.js';
import type { PlaygroundModel } from './playground-model.js';
import { TERMINAL_OPTIONS, terminalTheme } from './terminal-theme.js';
import { bufferText, type TerminalHost } from './terminal-text.js';

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes('Files');
}

export function TerminalPane({ model, theme = 'dark' }: { model: PlaygroundModel; theme?: 'dark' | 'light' }) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  // Only view state lives here: whether a drag hovers over the pane.
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const el: TerminalHost | null = host.current;
    if (!el) return;
    const term = new Terminal({ ...TERMINAL_OPTIONS, theme: terminalTheme(theme) });
    terminal.current = term;
    // The views' Ctrl+Shift timeline keys are not for the shell: xterm leaves them to the page.
    term.attachCustomKeyEventHandler((e) => shortcutFor(e, 'terminal') === null);
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon());
    term.open(el);
    fit.fit();
    const detach = model.attachTerminal(term);
    el.readTerminalText = () => bufferText(term.buffer.active);
    // Fitting inside the observer callback can resize the element again; a frame later it cannot loop.
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => fit.fit());
    });
    observer.observe(el);
    term.focus();
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
      detach();
      delete el.readTerminalText;
      terminal.current = null;
      term.dispose();
    };
    // The theme is applied by the effect below; recreating the terminal would lose its contents.
  }, [model]);

  useEffect(() => {
    if (terminal.current) terminal.current.options.theme = terminalTheme(theme);
  }, [theme]);

  return (
    <main
      className={`terminal-pane${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        void model.dropFiles(Array.from(e.dataTransfer.files));
      }}
    >
      <div className="terminal" data-testid="terminal" ref={host} title="Drop a file here to copy it to /tmp in the guest" />
    </main>
  );
}
