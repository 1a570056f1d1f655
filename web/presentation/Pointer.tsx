// SPDX-License-Identifier: MIT
/** The presenter's pointer: a large bright ring that follows the mouse, visible from the back of the room. */
import { useEffect, useRef } from 'react';

export function Pointer() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Moved directly, not through React state: a mouse move should not re-render the page.
    const move = (e: MouseEvent) => {
      const el = ref.current;
      if (!el) return;
      el.style.transform = `translate(${e.clientX}px, ${e.clientY}px)`;
      el.hidden = false;
    };
    window.addEventListener('mousemove', move);
    return () => window.removeEventListener('mousemove', move);
  }, []);
  return <div ref={ref} className="presentation-pointer" data-testid="presentation-pointer" hidden aria-hidden="true" />;
}
