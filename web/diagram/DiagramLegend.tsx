// SPDX-License-Identifier: MIT
/** What each shape and colour means, drawn with the diagram's own classes, and how far a fan-out is exact. */
import { FANOUT_LEGEND } from '../../src/diagram/row-summary.js';
import { LEGEND_ITEMS } from './legend-items.js';
import { shapeElements } from './ShapeView.js';

export function DiagramLegend({ onClose }: { onClose(): void }) {
  return (
    <div className="kdd-legend" data-testid="diagram-legend" role="dialog" aria-label="Diagram legend" onClick={onClose}>
      <ul>
        {LEGEND_ITEMS.map((it) => (
          <li key={it.label}>
            <svg width="48" height="16" aria-hidden="true">
              {shapeElements(it.shapes)}
            </svg>
            {it.label}
          </li>
        ))}
      </ul>
      <p>A lifeline starts with a cap (⊤) and its name when its connection appears and ends with × when it goes; its column is then reused. Dashed lifelines: monitors; dotted: connections the trace never introduced.</p>
      <p data-testid="legend-fanout">{FANOUT_LEGEND}</p>
      <p>Click a row to inspect it; click an arc or press Enter to jump between a call and its answer.</p>
    </div>
  );
}
