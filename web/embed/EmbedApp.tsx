// SPDX-License-Identifier: MIT
/**
 * Embed mode (?embed=1), for slides and blog posts: the terminal and the
 * sequence diagram side by side, nothing else — no header, filters, tree,
 * inspector or timeline. The same two models as the full page; a share
 * link in the fragment replays the same way (its panel shows above).
 */
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { toLogFilter } from '../../src/views/filter-state.js';
import type { PlaygroundModel } from '../playground-model.js';
import { SharePanel } from '../share/SharePanel.js';
import type { ShareSession } from '../share/share-session.js';
import { TerminalPane } from '../TerminalPane.js';
import type { ViewsModel } from '../views-model.js';
import { DiagramPane } from '../views/DiagramPane.js';

export function EmbedApp({ model, views, session }: { model: PlaygroundModel | null; views: ViewsModel; session: ShareSession | null }) {
  const s = useSyncExternalStore(views.subscribe, views.getSnapshot);
  const filter = useMemo(() => toLogFilter(s.filter), [s.filter]);
  const select = useCallback((entry: number | null) => views.select(entry), [views]);
  return (
    <div className={`app embed theme-${s.theme}`} data-theme={s.theme} data-testid="app" data-embed="true">
      {model && session && <SharePanel model={model} session={session} />}
      <div className="embed-workspace">
        {model ? <TerminalPane model={model} theme={s.theme} /> : <section className="pane viewer-note">No guest</section>}
        <DiagramPane model={s.model} version={s.version} asOf={s.asOf} filter={filter} selected={s.selected} onSelect={select} theme={s.theme} />
      </div>
    </div>
  );
}

/** ?embed=1 (or =true). */
export function embedFromSearch(search: string): boolean {
  const v = new URLSearchParams(search).get('embed');
  return v === '1' || v === 'true';
}
