// SPDX-License-Identifier: MIT
/**
 * A draggable divider between two panes. It reports the new size of the
 * pane before it (or after it, with `fromEnd`) as a fraction of the
 * container, so sizes stay right when the window changes; arrow keys move
 * it too, for keyboards and for tests.
 */
import { type KeyboardEvent, type PointerEvent, type RefObject, useRef } from 'react';

interface Props {
  /** 'columns': a vertical bar between side-by-side panes; 'rows': a horizontal bar between stacked panes. */
  between: 'columns' | 'rows';
  container: RefObject<HTMLElement | null>;
  value: number;
  onChange(fraction: number): void;
  /** The fraction measures the pane after the divider (right or bottom). */
  fromEnd?: boolean;
  label: string;
  testId?: string;
}

const KEY_STEP = 0.02;

export function Splitter({ between, container, value, onChange, fromEnd = false, label, testId }: Props) {
  const dragging = useRef(false);

  const fractionAt = (e: PointerEvent): number | null => {
    const el = container.current;
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const f = between === 'columns' ? (e.clientX - r.left) / r.width : (e.clientY - r.top) / r.height;
    return fromEnd ? 1 - f : f;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const less = between === 'columns' ? 'ArrowLeft' : 'ArrowUp';
    const more = between === 'columns' ? 'ArrowRight' : 'ArrowDown';
    if (e.key !== less && e.key !== more) return;
    e.preventDefault();
    e.stopPropagation();
    const towardsEnd = e.key === more;
    onChange(value + (towardsEnd !== fromEnd ? KEY_STEP : -KEY_STEP));
  };

  return (
    <div
      className={`splitter splitter-${between}`}
      role="separator"
      aria-orientation={between === 'columns' ? 'vertical' : 'horizontal'}
      aria-label={label}
      aria-valuenow={Math.round(value * 100)}
      aria-valuemin={0}
      aria-valuemax={100}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={(e) => {
        dragging.current = true;
        e.currentTarget.setPointerCapture(e.pointerId);
        e.preventDefault();
      }}
      onPointerMove={(e) => {
        if (!dragging.current) return;
        const f = fractionAt(e);
        if (f !== null) onChange(f);
      }}
      onPointerUp={(e) => {
        dragging.current = false;
        e.currentTarget.releasePointerCapture(e.pointerId);
      }}
      onKeyDown={onKeyDown}
    />
  );
}
