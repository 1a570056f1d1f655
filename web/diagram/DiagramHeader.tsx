// SPDX-License-Identifier: MIT
/** The pinned header: bus groups, and per column the lifeline's unique id, names and process. */
import { memo } from 'react';
import type { HeaderView } from '../../src/diagram/header-cells.js';
import type { DiagramMetrics } from '../../src/diagram/metrics.js';

interface Props {
  view: HeaderView;
  metrics: DiagramMetrics;
  width: number;
  onLegend(): void;
}

export const DiagramHeader = memo(function DiagramHeader({ view, metrics: m, width, onLegend }: Props) {
  return (
    <div className="kdd-header" data-testid="diagram-header" style={{ height: m.headerHeight, width }}>
      <div className="kdd-corner" style={{ width: m.gutterWidth }}>
        <button type="button" className="kdd-legend-button" onClick={onLegend} title="What the shapes and colours mean">
          Legend
        </button>
        <span>ms</span>
      </div>
      {view.groups.map((g) => (
        <div
          key={`g${g.bus}:${g.firstColumn}`}
          className="kdd-group"
          style={{ left: m.gutterWidth + g.firstColumn * m.columnWidth, width: g.columnCount * m.columnWidth }}
          title={`bus ${g.name}`}
        >
          bus {g.name}
        </div>
      ))}
      {view.cells.map((c) => {
        const style = { left: m.gutterWidth + c.column * m.columnWidth, width: m.columnWidth - 8 };
        if (!c.lifeline) return <div key={c.column} className="kdd-cell kdd-cell-empty" style={style} />;
        const tip = [c.title, ...c.names, c.detail].filter((x) => x).join('\n');
        return (
          <div
            key={c.column}
            className="kdd-cell"
            style={style}
            title={tip}
            data-column={c.column}
            data-kind={c.kind ?? undefined}
            data-later={c.later ? 'true' : undefined}
            data-conn={c.lifeline.id}
          >
            <span className="kdd-cell-title">{c.title}</span>
            <span className="kdd-cell-names">{c.names.length ? c.names.join(', ') : '\u00a0'}</span>
            <span className="kdd-cell-detail">{c.detail || '\u00a0'}</span>
          </div>
        );
      })}
    </div>
  );
});
