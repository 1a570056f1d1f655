// SPDX-License-Identifier: MIT
/** The timeline: live or paused, step a message back or forward, scrub to any event. */
import { memo } from 'react';
import { formatGuestTime } from '../../src/views/format-units.js';

export interface TimelineInfo {
  asOf: number | null;
  /** Index of the last event (−1: none yet). */
  lastEvent: number;
  /** Messages (of the filtered log) up to the cursor, and in all. */
  visibleMessages: number;
  totalMessages: number;
  /** Guest time of the event at the cursor, ns (null: no events). */
  time: number | null;
}

interface Props {
  info: TimelineInfo;
  onTogglePause(): void;
  onBack(): void;
  onForward(): void;
  onStart(): void;
  onLive(): void;
  onScrub(eventIndex: number): void;
}

export const TimelineBar = memo(function TimelineBar({ info, onTogglePause, onBack, onForward, onStart, onLive, onScrub }: Props) {
  const live = info.asOf === null;
  const position = live ? info.lastEvent : info.asOf!;
  const newer = live ? 0 : info.lastEvent - position;
  return (
    <div className={`timeline${live ? ' live' : ' paused'}`} data-testid="timeline" data-state={live ? 'live' : 'paused'} data-as-of={position}>
      <button type="button" className="tl-state" onClick={onTogglePause} data-testid="timeline-toggle" title="Pause / back to live (Space)">
        {live ? (
          <>
            <span className="live-dot" aria-hidden="true" /> Live
          </>
        ) : (
          <>‖ Paused</>
        )}
      </button>
      <button type="button" onClick={onStart} title="To the first message (Home)" aria-label="To the first message">
        ⇤
      </button>
      <button type="button" onClick={onBack} data-testid="step-back" title="One message back (←)" aria-label="One message back">
        ◀
      </button>
      <button type="button" onClick={onForward} data-testid="step-forward" title="One message forward (→)" aria-label="One message forward">
        ▶
      </button>
      <button type="button" onClick={onLive} disabled={live} title="Back to live (End)" aria-label="Back to live">
        ⇥
      </button>
      <input
        type="range"
        className="scrubber"
        data-testid="scrubber"
        aria-label="Timeline position (event)"
        min={-1}
        max={Math.max(info.lastEvent, 0)}
        step={1}
        value={position}
        disabled={info.lastEvent < 0}
        onChange={(e) => onScrub(Number(e.currentTarget.value))}
      />
      <span className="tl-label" data-testid="timeline-label">
        message {info.visibleMessages} / {info.totalMessages} · event {position + 1} / {info.lastEvent + 1}
        {info.time !== null && <span className="muted"> · {formatGuestTime(info.time)}</span>}
        {newer > 0 && <span className="muted"> · {newer} later events hidden</span>}
      </span>
    </div>
  );
});
