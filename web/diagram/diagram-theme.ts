// SPDX-License-Identifier: MIT
/**
 * The diagram's looks, per theme, as one list of rules on the shape classes
 * of src/diagram. The page turns the rules into a stylesheet; the SVG export
 * turns them into presentation attributes on each element, because slide
 * software (PowerPoint, Keynote, Inkscape's importers) often ignores
 * `<style>` and CSS variables but honours `stroke="…"`.
 */

export type DiagramTheme = 'dark' | 'light';

export interface Palette {
  bg: string;
  panel: string;
  line: string;
  text: string;
  muted: string;
  accent: string;
  call: string;
  ret: string;
  error: string;
  signal: string;
  usignal: string;
  note: string;
  /** A HELLO the bus refused (project kernel extension). */
  refused: string;
  select: string;
  hover: string;
}

export const PALETTES: Readonly<Record<DiagramTheme, Palette>> = {
  // Dark matches web/styles.css; kind colours keep ≥ 4.5:1 against the background for projectors.
  dark: {
    bg: '#0f1419',
    panel: '#171d24',
    line: '#3a4552',
    text: '#e6e1cf',
    muted: '#8a94a3',
    accent: '#ffb454',
    call: '#59c2ff',
    ret: '#aad94c',
    error: '#f07178',
    signal: '#ffb454',
    usignal: '#d2a6ff',
    note: '#95e6cb',
    refused: '#ff8f40',
    select: 'rgba(89, 194, 255, 0.22)',
    hover: 'rgba(230, 225, 207, 0.07)',
  },
  light: {
    bg: '#ffffff',
    panel: '#f3f4f6',
    line: '#b8c0ca',
    text: '#1f2328',
    muted: '#57606a',
    accent: '#bc4c00',
    call: '#0969da',
    ret: '#1a7f37',
    error: '#cf222e',
    signal: '#bc4c00',
    usignal: '#8250df',
    note: '#1b7c83',
    refused: '#953800',
    select: 'rgba(9, 105, 218, 0.16)',
    hover: 'rgba(31, 35, 40, 0.06)',
  },
};

export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif";
export const MONO_FAMILY = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace";

/** A rule: every class in `classes` present → these CSS properties (SVG presentation attribute names). */
export interface StyleRule {
  classes: string[];
  props: Record<string, string>;
}

const KIND_COLOUR: Record<string, keyof Palette> = {
  'kd-call': 'call',
  'kd-call1': 'call',
  'kd-return': 'ret',
  'kd-error': 'error',
  'kd-signal': 'signal',
  'kd-usignal': 'usignal',
  'kd-note': 'note',
  'kd-refused': 'refused',
};

export function styleRules(theme: DiagramTheme): StyleRule[] {
  const p = PALETTES[theme];
  const r = (classes: string, props: Record<string, string>): StyleRule => ({ classes: classes.split('.'), props });
  const rules: StyleRule[] = [
    r('kd-time', { fill: p.muted, 'font-size': '10.5px', 'font-family': MONO_FAMILY }),
    r('kd-label', { fill: p.text, 'font-size': '11px', 'font-family': FONT_FAMILY }),
    r('kd-life', { stroke: p.line, 'stroke-width': '1.5' }),
    r('kd-life-kernel', { stroke: p.note, 'stroke-opacity': '0.45', 'stroke-width': '2' }),
    r('kd-life.kd-life-monitor', { 'stroke-dasharray': '6 4' }),
    r('kd-life.kd-life-inferred', { 'stroke-dasharray': '2 3' }),
    r('kd-cap', { stroke: p.muted, 'stroke-width': '2' }),
    r('kd-cap.kd-life-kernel', { stroke: p.note }),
    r('kd-birth-text', { fill: p.muted, 'font-size': '9.5px', 'font-family': MONO_FAMILY }),
    r('kd-death', { stroke: p.text, 'stroke-width': '1.6', fill: 'none' }),
    r('kd-line', { 'stroke-width': '1.5', fill: 'none' }),
    r('kd-ohead', { 'stroke-width': '1.5', fill: 'none' }),
    r('kd-line.kd-return', { 'stroke-dasharray': '5 3' }),
    r('kd-line.kd-error', { 'stroke-dasharray': '5 3' }),
    r('kd-line.kd-note', { 'stroke-dasharray': '1.5 2.5' }),
    r('kd-line.kd-call1', { 'stroke-dasharray': '8 2' }),
    // A unicast signal its destination did not take (dashed, then a cross).
    r('kd-line.kd-dropped', { 'stroke-dasharray': '4 3' }),
    r('kd-line.kd-cross', { 'stroke-width': '2', 'stroke-dasharray': 'none' }),
    r('kd-src', { 'stroke-width': '1.5' }),
    r('kd-pending', { fill: 'none', stroke: p.accent, 'stroke-width': '1.5', 'stroke-dasharray': '2 2' }),
    r('kd-unknown', { 'font-weight': '700' }),
    r('kd-band', { fill: p.panel, stroke: p.line, 'stroke-width': '1' }),
    r('kd-band-text', { fill: p.muted, 'font-size': '11px', 'font-family': FONT_FAMILY }),
    r('kd-band.kd-band-gap', { fill: withAlpha(p.error, 0.14), stroke: p.error }),
    r('kd-band.kd-band-loss', { fill: withAlpha(p.error, 0.14), stroke: p.error }),
    r('kd-band.kd-band-agent-error', { fill: withAlpha(p.error, 0.14), stroke: p.error }),
    r('kd-band-text.kd-band-gap', { fill: p.error }),
    r('kd-band-text.kd-band-loss', { fill: p.error }),
    r('kd-band-text.kd-band-agent-error', { fill: p.error }),
    r('kd-arc', { fill: 'none', 'stroke-width': '1.5', stroke: p.ret }),
    r('kd-arc-error', { stroke: p.error }),
    r('kd-arc-timeout', { stroke: p.error, 'stroke-dasharray': '3 2' }),
    r('kd-arc-dead', { stroke: p.error, 'stroke-dasharray': '3 2' }),
    r('kd-arc-hit', { fill: 'none', stroke: 'transparent', 'stroke-width': '10' }),
    r('kd-now', { stroke: p.accent, 'stroke-width': '2', 'stroke-dasharray': '6 3' }),
    r('kd-now-text', { fill: p.accent, 'font-size': '10px', 'font-family': FONT_FAMILY, 'font-weight': '700' }),
    r('kd-sel', { fill: p.select }),
    r('kd-hov', { fill: p.hover }),
    r('kd-partner', { fill: 'none', stroke: p.accent, 'stroke-width': '1', 'stroke-dasharray': '4 3' }),
    r('kd-title', { fill: p.text, 'font-size': '13px', 'font-family': FONT_FAMILY, 'font-weight': '600' }),
    r('kd-head-title', { fill: p.text, 'font-size': '12px', 'font-family': MONO_FAMILY, 'font-weight': '700' }),
    r('kd-head-name', { fill: p.text, 'font-size': '11px', 'font-family': FONT_FAMILY }),
    r('kd-head-detail', { fill: p.muted, 'font-size': '10px', 'font-family': FONT_FAMILY }),
    r('kd-head-box', { fill: p.panel, stroke: p.line, 'stroke-width': '1' }),
    r('kd-legend-text', { fill: p.muted, 'font-size': '10.5px', 'font-family': FONT_FAMILY }),
    r('kd-bg', { fill: p.bg }),
  ];
  for (const [cls, key] of Object.entries(KIND_COLOUR)) {
    const c = p[key];
    rules.push(r(`kd-line.${cls}`, { stroke: c }), r(`kd-ohead.${cls}`, { stroke: c }), r(`kd-head.${cls}`, { fill: c, stroke: 'none' }));
    rules.push(r(`kd-src.${cls}`, { fill: c, stroke: c }));
  }
  rules.push(r('kd-label.kd-error', { fill: p.error }));
  // Later than the timeline cursor: faded, still readable.
  rules.push(r('kd-dim', { opacity: '0.3' }));
  return rules;
}

function withAlpha(hex: string, a: number): string {
  const v = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(v >> 16) & 255}, ${(v >> 8) & 255}, ${v & 255}, ${a})`;
}

/** The rules as a stylesheet under `scope` (e.g. `.kdd[data-theme="dark"]`). */
export function styleSheet(theme: DiagramTheme, scope: string): string {
  return styleRules(theme)
    .map((rule) => `${scope} .${rule.classes.join('.')}{${Object.entries(rule.props).map(([k, v]) => `${k}:${v}`).join(';')}}`)
    .join('\n');
}

/** The properties a class list gets, rules applied in order (later ones win), for presentation attributes. */
export function resolveStyle(rules: readonly StyleRule[], classList: string): Record<string, string> {
  const have = new Set(classList.split(' ').filter((c) => c));
  const out: Record<string, string> = {};
  for (const rule of rules) if (rule.classes.every((c) => have.has(c))) Object.assign(out, rule.props);
  return out;
}
