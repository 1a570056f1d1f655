// SPDX-License-Identifier: MIT
/** Filters for every view: bus, connection, name, message kinds and member text. */
import { memo } from 'react';
import type { RefObject } from 'react';
import type { BusOption, ConnectionOption } from '../../src/views/filter-options.js';
import { type FilterState, MESSAGE_KINDS, isFilterActive, toggleKind } from '../../src/views/filter-state.js';

interface Props {
  filter: FilterState;
  buses: readonly BusOption[];
  connections: readonly ConnectionOption[];
  onChange(patch: Partial<FilterState>): void;
  onClear(): void;
  textRef?: RefObject<HTMLInputElement | null>;
}

export const FilterBar = memo(function FilterBar({ filter, buses, connections, onChange, onClear, textRef }: Props) {
  const connValue = filter.connection === null ? '' : String(filter.connection);
  return (
    <form className="filter-bar" data-testid="filter-bar" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
      <label>
        bus
        <select
          data-testid="filter-bus"
          value={filter.bus === null ? '' : String(filter.bus)}
          onChange={(e) => onChange({ bus: e.currentTarget.value === '' ? null : Number(e.currentTarget.value), connection: null })}
        >
          <option value="">all</option>
          {buses.map((b) => (
            <option key={b.ref} value={b.ref}>
              {b.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        connection
        <select
          data-testid="filter-connection"
          value={connValue}
          onChange={(e) => onChange({ connection: e.currentTarget.value === '' ? null : Number(e.currentTarget.value) })}
        >
          <option value="">all</option>
          {filter.connection !== null && !connections.some((c) => c.id === filter.connection) && (
            <option value={filter.connection}>:1.{filter.connection}</option>
          )}
          {connections.map((c) => (
            <option key={`${c.bus}:${c.id}`} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        name
        <input
          type="search"
          data-testid="filter-name"
          placeholder="org.example…"
          value={filter.name}
          size={12}
          onChange={(e) => onChange({ name: e.currentTarget.value })}
        />
      </label>
      <label>
        member
        <input
          ref={textRef}
          type="search"
          data-testid="filter-text"
          placeholder="Echo…  (/)"
          value={filter.text}
          size={10}
          onChange={(e) => onChange({ text: e.currentTarget.value })}
        />
      </label>
      <fieldset className="kinds" aria-label="Message kinds">
        {MESSAGE_KINDS.map(({ kind, label, title }) => {
          const on = filter.kinds === null || filter.kinds.includes(kind);
          return (
            <button
              key={kind}
              type="button"
              className={`chip kind-${kind}${on ? ' on' : ''}`}
              aria-pressed={on}
              data-testid={`filter-kind-${kind}`}
              onClick={() => onChange({ kinds: toggleKind(filter.kinds, kind) })}
              title={`Show ${title}`}
            >
              {label}
            </button>
          );
        })}
      </fieldset>
      {isFilterActive(filter) && (
        <button type="button" className="clear" onClick={onClear} data-testid="filter-clear">
          clear filters
        </button>
      )}
    </form>
  );
});
