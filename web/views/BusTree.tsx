// SPDX-License-Identifier: MIT
/** The bus tree: kdbusfs mounts → buses → endpoints, as of the timeline cursor. Clicking a bus filters the other views. */
import { memo } from 'react';
import type { TreeBus, TreeDomain } from '../../src/views/bus-tree.js';

interface Props {
  tree: readonly TreeDomain[];
  selectedBus: number | null;
  onSelectBus(ref: number): void;
}

function BusNode({ bus, selected, onSelect }: { bus: TreeBus; selected: boolean; onSelect(): void }) {
  return (
    <li className={`tree-bus${selected ? ' selected' : ''}`} data-testid="tree-bus" data-bus={bus.ref} data-name={bus.dirName}>
      <button type="button" className="tree-bus-name" aria-pressed={selected} onClick={onSelect} title="Filter the other views by this bus (click again to clear)">
        <span className="bus-icon" aria-hidden="true">⎇</span> {bus.dirName}
      </button>
      <dl className="props">
        <dt>owner</dt>
        <dd>uid {bus.ownerUid}</dd>
        <dt>mode</dt>
        <dd>
          <code>{bus.modeText}</code> <span className="muted">({bus.access})</span>
        </dd>
        <dt>bloom</dt>
        <dd>
          {bus.bloomSize} B, {bus.bloomHashes} hash{bus.bloomHashes === 1 ? '' : 'es'}
        </dd>
        <dt>requires</dt>
        <dd data-testid="bus-required">{bus.requiredMetadata ? bus.requiredMetadata.join(' ') : <span className="muted">no metadata</span>}</dd>
        {bus.flagNames.length > 0 && (
          <>
            <dt>flags</dt>
            <dd>{bus.flagNames.join(' ')}</dd>
          </>
        )}
        {bus.creatorComm !== null && (
          <>
            <dt>made by</dt>
            <dd>
              {bus.creatorComm}
              {bus.creatorPid !== null ? ` (pid ${bus.creatorPid})` : ''}
            </dd>
          </>
        )}
        <dt>now</dt>
        <dd>
          {bus.connections} connection{bus.connections === 1 ? '' : 's'}, {bus.names} name{bus.names === 1 ? '' : 's'}
        </dd>
      </dl>
      <ul className="tree-endpoints">
        {bus.endpoints.map((ep) => (
          <li key={ep.key} className="tree-endpoint" data-testid="tree-endpoint" data-endpoint={ep.name}>
            <span className="ep-name">{ep.name}</span>
            {!ep.isDefault && <span className="badge">custom</span>}
            <code className="muted">{ep.modeText}</code>
            <span className="muted"> {ep.policy}</span>
            {!ep.isDefault && ep.rules === null && (
              <span className="muted" title="This trace does not carry the endpoint's policy (recorded without the kernel's trace extension)">
                {' '}
                · name rules not in this trace
              </span>
            )}
            {ep.rules !== null && (
              <ul className="ep-rules" data-testid="ep-rules" title="The endpoint's policy, as the kernel reported it (trace extension)">
                {ep.rules.length === 0 && <li className="muted">no name rules: it denies everything (no name can be seen, talked to or owned through it)</li>}
                {ep.rules.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
        {bus.endpoints.length === 0 && <li className="muted">no endpoint seen</li>}
      </ul>
    </li>
  );
}

export const BusTree = memo(function BusTree({ tree, selectedBus, onSelectBus }: Props) {
  return (
    <section className="pane bus-tree" data-testid="bus-tree" aria-label="Bus tree">
      <h2 className="pane-title">Buses</h2>
      <div className="pane-body">
        {tree.length === 0 && <p className="muted empty">No kdbusfs mount seen yet.</p>}
        <ul className="tree-domains">
          {tree.map((d) => (
            <li key={d.ref} className="tree-domain" data-testid="tree-domain" data-path={d.path ?? ''}>
              <div className="tree-domain-path" title="a kdbusfs mount: one domain">
                <span aria-hidden="true">▾ </span>
                {d.path ?? `domain ${d.ref} (mount not seen)`}
              </div>
              <ul className="tree-buses">
                {d.buses.map((b) => (
                  <BusNode key={b.ref} bus={b} selected={selectedBus === b.ref} onSelect={() => onSelectBus(b.ref)} />
                ))}
                {d.buses.length === 0 && <li className="muted">no buses</li>}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
});
