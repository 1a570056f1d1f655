// SPDX-License-Identifier: MIT
/** The summary shown while the pointer rests on a row. */
import type { RowSummary } from '../../src/diagram/row-summary.js';
import type { Palette } from './diagram-theme.js';

const KIND_COLOUR: Record<RowSummary['kind'], keyof Palette> = {
  call: 'call',
  call1: 'call',
  return: 'ret',
  error: 'error',
  signal: 'signal',
  usignal: 'usignal',
  note: 'note',
  refused: 'refused',
  band: 'muted',
};

export function HoverCard({ summary, left, top, palette }: { summary: RowSummary; left: number; top: number; palette: Palette }) {
  return (
    <div className="kdd-hover" data-testid="diagram-hover" style={{ left, top, borderLeftColor: palette[KIND_COLOUR[summary.kind]] }}>
      <div className="kdd-hover-title">{summary.title}</div>
      <table>
        <tbody>
          {summary.lines.map(([k, v]) => (
            <tr key={k}>
              <th>{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {summary.note && <div className="kdd-hover-note">{summary.note}</div>}
    </div>
  );
}
