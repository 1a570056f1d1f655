// SPDX-License-Identifier: MIT
/**
 * The sequence diagram's place in the layout. It mounts web/diagram's
 * SequenceDiagram when that exists; until then a plain list of the
 * filtered messages stands in, so a message can still be selected.
 */
import { useMemo } from 'react';
import type { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import { messageTitle } from '../../src/views/inspector.js';
import { diagramComponent } from './diagram-module.js';

interface Props {
  model: BusModel;
  version: number;
  asOf: number | null;
  filter: LogFilter;
  selected: number | null;
  onSelect(entry: number | null): void;
  theme: 'dark' | 'light';
}

function Placeholder({ model, version, asOf, filter, selected, onSelect }: Props) {
  const rows = useMemo(() => model.filter({ ...filter, kinds: ['message'] }), [model, version, filter]);
  const cursor = asOf ?? Infinity;
  return (
    <ol className="log-placeholder" data-testid="diagram-placeholder">
      {rows.map((i) => {
        const e = model.log[i];
        if (e?.kind !== 'message') return null;
        return (
          <li
            key={i}
            className={`${e.eventIndex > cursor ? 'later' : ''}${selected === i ? ' selected' : ''}`}
            data-testid="log-row"
            data-log={i}
            data-kind={e.messageKind}
            data-dimmed={e.eventIndex > cursor ? 'true' : undefined}
          >
            <button type="button" onClick={() => onSelect(selected === i ? null : i)}>
              #{i} {messageTitle(e)}
            </button>
          </li>
        );
      })}
    </ol>
  );
}

export function DiagramPane(props: Props) {
  const Diagram = diagramComponent?.SequenceDiagram;
  return (
    <section className="pane diagram-pane" data-testid="diagram-pane" aria-label="Sequence diagram">
      {!Diagram && <h2 className="pane-title">Messages</h2>}
      <div className="pane-body diagram-body">
        {Diagram ? <Diagram {...props} follow={props.asOf === null} /> : <Placeholder {...props} />}
      </div>
    </section>
  );
}
