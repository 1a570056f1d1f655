// SPDX-License-Identifier: MIT
/**
 * The connection list: per bus, a row per connection as of the timeline
 * cursor. Rows come and go with their connections and names move between
 * rows as ownership moves; clicking a row filters the log by it.
 */
import { memo } from 'react';
import { type ConnectionGroup, type ConnectionRow, metadataMasksText } from '../../src/views/connection-rows.js';

interface Props {
  groups: readonly ConnectionGroup[];
  selectedConnection: number | null;
  selectedBus: number | null;
  onSelect(bus: number, id: number): void;
}

function Names({ row }: { row: ConnectionRow }) {
  const items = [
    ...row.primaryNames.map((n) => ({ n, kind: row.activatorNames.includes(n) ? 'activator primary' : 'primary' })),
    ...row.activatorNames.filter((n) => !row.primaryNames.includes(n)).map((n) => ({ n, kind: 'activator' })),
    ...row.queuedNames.map((n) => ({ n, kind: 'queued' })),
  ];
  if (!items.length) return null;
  return (
    <ul className="names">
      {items.map(({ n, kind }) => (
        <li key={`${kind}:${n}`} className={`name name-${kind.replace(' ', '-')}`} data-testid="conn-name" data-kind={kind}>
          {n}
          {kind.includes('activator') && <span className="badge" title="activator: holds the name for a service that is not running">activator</span>}
          {kind === 'queued' && <span className="badge" title="waiting in the queue for the name">queued</span>}
        </li>
      ))}
    </ul>
  );
}

function Row({ row, selected, onSelect }: { row: ConnectionRow; selected: boolean; onSelect(): void }) {
  const masks = metadataMasksText(row);
  return (
    <li
      className={`conn-row${selected ? ' selected' : ''}${row.roles.includes('monitor') ? ' monitor' : ''}`}
      data-testid="conn-row"
      data-id={row.id}
      data-bus={row.bus}
    >
      <div className="conn-line">
        <button
          type="button"
          className="linklike conn-id"
          aria-pressed={selected}
          onClick={onSelect}
          title="Filter the log by this connection (click again to clear)"
        >
          {row.uniqueName}
        </button>
        {row.description && <span className="conn-desc">{row.description}</span>}
        {row.roles.map((r) => (
          <span key={r} className={`badge role-${r}`}>
            {r}
          </span>
        ))}
        <span className="conn-proc muted">
          {row.comm ?? '?'} · pid {row.pid ?? '?'} · uid {row.uid ?? '?'}
        </span>
      </div>
      <Names row={row} />
      <div className="conn-meta muted small">
        {row.flagNames.length ? row.flagNames.join(' ').toLowerCase() : 'no flags'} ·{' '}
        {masks.exact ? (
          <>
            <span data-testid="conn-mask-send" title="ATTACH_FLAGS_SEND: the metadata it lets the kernel attach to what it sends">
              sends: {masks.send}
            </span>{' '}
            ·{' '}
            <span data-testid="conn-mask-recv" title="ATTACH_FLAGS_RECV: the metadata it asks to receive with messages">
              wants: {masks.recv}
            </span>
          </>
        ) : (
          <span title="this trace has no attach masks: the metadata kinds its connection info carries">{masks.send}</span>
        )}
      </div>
    </li>
  );
}

export const ConnectionList = memo(function ConnectionList({ groups, selectedConnection, selectedBus, onSelect }: Props) {
  const total = groups.reduce((n, g) => n + g.rows.length, 0);
  return (
    <section className="pane connection-list" data-testid="connection-list" aria-label="Connections">
      <h2 className="pane-title">
        Connections <span className="muted">{total}</span>
      </h2>
      <div className="pane-body">
        {groups.length === 0 && <p className="muted empty">No bus yet. Try <code>kdbus serve org.example.Echo &amp;</code></p>}
        {groups.map((g) => (
          <div key={g.bus} className="conn-group" data-testid="conn-group" data-bus={g.bus}>
            <h3 className="conn-bus">{g.busName}</h3>
            <ul className="conn-rows">
              {g.rows.map((r) => (
                <Row
                  key={r.key}
                  row={r}
                  selected={selectedConnection === r.id && (selectedBus === null || selectedBus === r.bus)}
                  onSelect={() => onSelect(r.bus, r.id)}
                />
              ))}
              {g.rows.length === 0 && <li className="muted">no connections</li>}
            </ul>
          </div>
        ))}
      </div>
    </section>
  );
});
