// SPDX-License-Identifier: MIT
/** src/diagram shapes as SVG elements (the page's renderer; export.ts writes the same shapes as text). */
import type { ReactElement } from 'react';
import type { Shape } from '../../src/diagram/shapes.js';

export function shapeElement(s: Shape, key: number): ReactElement {
  switch (s.t) {
    case 'line':
      return <line key={key} x1={s.x1} y1={s.y1} x2={s.x2} y2={s.y2} className={s.c} />;
    case 'path':
      return s.arc === undefined ? <path key={key} d={s.d} className={s.c} /> : <path key={key} d={s.d} className={s.c} data-arc={s.arc} />;
    case 'poly':
      return <polygon key={key} points={s.points} className={s.c} />;
    case 'rect':
      return <rect key={key} x={s.x} y={s.y} width={s.w} height={s.h} rx={s.rx} className={s.c} />;
    case 'circle':
      return <circle key={key} cx={s.cx} cy={s.cy} r={s.r} className={s.c} />;
    case 'text':
      return (
        <text key={key} x={s.x} y={s.y} className={s.c} textAnchor={s.anchor ?? 'start'}>
          {s.s}
        </text>
      );
  }
}

export function shapeElements(shapes: readonly Shape[]): ReactElement[] {
  return shapes.map(shapeElement);
}
