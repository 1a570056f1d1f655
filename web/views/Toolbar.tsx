// SPDX-License-Identifier: MIT
/** The header's controls: open a trace file, exports, theme, help. */
import { useRef } from 'react';

interface Props {
  source: 'live' | 'file';
  fileName: string | null;
  hasGuest: boolean;
  theme: 'dark' | 'light';
  canExportDiagram: boolean;
  onOpenFile(file: File): void;
  onShowLive(): void;
  onExport(kind: 'jsonl' | 'pcap' | 'svg' | 'png'): void;
  onToggleTheme(): void;
  onHelp(): void;
}

export function Toolbar(p: Props) {
  const input = useRef<HTMLInputElement>(null);
  const menu = useRef<HTMLDetailsElement>(null);
  const exportAs = (kind: 'jsonl' | 'pcap' | 'svg' | 'png') => {
    if (menu.current) menu.current.open = false;
    p.onExport(kind);
  };
  return (
    <div className="toolbar">
      {p.source === 'file' ? (
        <span className="source" data-testid="source">
          file <strong>{p.fileName}</strong>
          {p.hasGuest && (
            <button type="button" onClick={p.onShowLive} data-testid="show-live">
              back to the guest
            </button>
          )}
        </span>
      ) : (
        <span className="source muted" data-testid="source">
          {p.hasGuest ? 'live from the guest' : 'no guest'}
        </span>
      )}
      <button type="button" onClick={() => input.current?.click()} data-testid="open-trace" title="Open a .jsonl trace (views only, no boot needed)">
        Open trace…
      </button>
      <input
        ref={input}
        type="file"
        accept=".jsonl,.ndjson,.json,application/x-ndjson"
        hidden
        data-testid="open-trace-input"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) p.onOpenFile(f);
          e.currentTarget.value = '';
        }}
      />
      <details className="menu" ref={menu}>
        <summary data-testid="export-menu">Export</summary>
        <div className="menu-items">
          <button type="button" onClick={() => exportAs('jsonl')} data-testid="export-jsonl">
            Trace (JSON lines)
          </button>
          <button type="button" onClick={() => exportAs('pcap')} data-testid="export-pcap">
            pcap (Wireshark, D-Bus)
          </button>
          <button type="button" onClick={() => exportAs('svg')} disabled={!p.canExportDiagram} data-testid="export-svg">
            Diagram SVG
          </button>
          <button type="button" onClick={() => exportAs('png')} disabled={!p.canExportDiagram} data-testid="export-png">
            Diagram PNG
          </button>
        </div>
      </details>
      <button type="button" onClick={p.onToggleTheme} data-testid="theme-toggle" title="Dark / light (t)">
        {p.theme === 'dark' ? '☀ light' : '☾ dark'}
      </button>
      <button type="button" onClick={p.onHelp} data-testid="help-button" title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
        ?
      </button>
    </div>
  );
}
