// SPDX-License-Identifier: MIT
/** The inspector: everything about the selected message (see src/views/inspector.ts for what and why). */
import { memo, useState } from 'react';
import type { InspectorField, InspectorView } from '../../src/views/inspector.js';
import { formatSize } from '../../src/views/format-units.js';

interface Props {
  view: InspectorView;
  onClose(): void;
}

function Fields({ fields, testId }: { fields: readonly InspectorField[]; testId: string }) {
  return (
    <dl className="fields" data-testid={testId}>
      {fields.map((f) => (
        <div key={f.label} className="field" data-label={f.label}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export const Inspector = memo(function Inspector({ view, onClose }: Props) {
  // Only view state: which payload form is open.
  const [payloadForm, setPayloadForm] = useState<'text' | 'hex'>('hex');
  return (
    <aside className={`pane inspector${view.afterCursor ? ' after-cursor' : ''}`} data-testid="inspector" aria-label="Message inspector">
      <h2 className="pane-title">
        <span className={`kind-dot kind-${view.kind}`} aria-hidden="true" />
        <span data-testid="inspector-title">#{view.index} {view.title}</span>
        <button type="button" className="icon-button" onClick={onClose} title="Close (Esc)" aria-label="Close the inspector">
          ✕
        </button>
      </h2>
      <div className="pane-body">
        <p className="route">
          <span data-testid="inspector-from">{view.from}</span> → <span data-testid="inspector-to">{view.to}</span>
          <span className="muted"> at {view.time}</span>
        </p>
        {view.afterCursor && <p className="warn">This message comes after the timeline cursor.</p>}
        {view.pairing && <p className="pairing" data-testid="inspector-pairing">{view.pairing}</p>}

        {view.refused && (
          <>
            <h3>HELLO refused</h3>
            <Fields fields={view.refused.fields} testId="inspector-refused" />
            <p className="trust" data-testid="inspector-refused-trust">{view.refused.trust}</p>
          </>
        )}

        {view.receivers && (
          <>
            <h3>Received by</h3>
            {!view.receivers.exact ? (
              <p className="muted" data-testid="inspector-receivers">
                Not reported: this trace was recorded before the playground kernel told its monitor who received signals.
              </p>
            ) : view.receivers.list.length ? (
              <ul className="receivers" data-testid="inspector-receivers">
                {view.receivers.list.map((r, i) => (
                  <li key={i}>{r}</li>
                ))}
              </ul>
            ) : (
              <p className="muted" data-testid="inspector-receivers">
                Nobody: the kernel queued it on no connection.
              </p>
            )}
          </>
        )}

        <h3>kdbus header</h3>
        <Fields fields={view.header} testId="inspector-header" />

        <h3>D-Bus</h3>
        {view.dbus ? <Fields fields={view.dbus} testId="inspector-dbus" /> : <p className="muted">{view.dbusError ?? 'No D-Bus message: the kernel wrote this one.'}</p>}

        {view.body && (
          <>
            <h3>Body</h3>
            {view.body.values.length ? (
              <ol className="body-values" data-testid="inspector-body">
                {view.body.values.map((v, i) => (
                  <li key={i}>
                    <code>{v}</code>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted" data-testid="inspector-body">
                (empty body)
              </p>
            )}
            {view.body.error && <p className="warn">{view.body.error}</p>}
          </>
        )}

        {view.metadata.length > 0 && (
          <>
            <h3>Metadata</h3>
            <table className="metadata" data-testid="inspector-metadata">
              <tbody>
                {view.metadata.map((m, i) => (
                  <tr key={i} data-type={m.typeName} data-trust={m.trust.source}>
                    <th>{m.label}</th>
                    <td>
                      <div className="md-value">{m.value}</div>
                      <div className={`trust trust-${m.trust.source}`}>
                        <span className="badge">{m.trust.source === 'kernel' ? 'from the kernel' : 'set by the sender'}</span> {m.trust.text}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}

        <h3>Items ({view.items.length})</h3>
        <table className="items" data-testid="inspector-items">
          <tbody>
            {view.items.map((it) => (
              <tr key={it.position} data-type={it.typeName}>
                <th title={`type ${it.typeHex}, ${it.size} bytes`}>{it.typeName}</th>
                <td>{it.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>

        {view.payload && (
          <>
            <h3>
              Payload{' '}
              <span className="muted">
                {formatSize(view.payload.size)}
                {view.payload.truncated ? `, the trace kept ${formatSize(view.payload.kept)}` : ''}
                {view.payload.shown < view.payload.kept ? `, first ${formatSize(view.payload.shown)} shown` : ''}
                {view.payload.memfdSize ? ` + memfd ${formatSize(view.payload.memfdSize)}` : ''}
                {view.payload.fds ? ` + ${view.payload.fds} fds` : ''}
              </span>
            </h3>
            <div className="segmented" role="tablist">
              <button type="button" role="tab" aria-selected={payloadForm === 'hex'} onClick={() => setPayloadForm('hex')}>
                hex
              </button>
              <button type="button" role="tab" aria-selected={payloadForm === 'text'} onClick={() => setPayloadForm('text')}>
                text
              </button>
            </div>
            <pre className="payload" data-testid={`inspector-payload-${payloadForm}`}>
              {payloadForm === 'hex' ? view.payload.hex : view.payload.text}
            </pre>
          </>
        )}
      </div>
    </aside>
  );
});
