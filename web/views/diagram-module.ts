// SPDX-License-Identifier: MIT
/**
 * The sequence diagram lives in web/diagram/ (built beside these views by
 * another part of the project). Until its files exist the page shows a
 * placeholder; import.meta.glob finds them when they do, so the page builds
 * either way. The types are those agreed for its props and exports.
 */
import type { JSX } from 'react';
import type { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';

export interface SequenceDiagramProps {
  model: BusModel;
  version: number;
  /** Event index; null = live. */
  asOf: number | null;
  filter: LogFilter;
  /** model.log index. */
  selected: number | null;
  onSelect(entry: number | null): void;
  theme: 'dark' | 'light';
  follow?: boolean;
}

export interface DiagramComponentModule {
  SequenceDiagram(props: SequenceDiagramProps): JSX.Element;
  DIAGRAM_SHORTCUTS?: unknown;
}

export interface DiagramExportModule {
  diagramSvg(
    model: BusModel,
    options: { filter: LogFilter; asOf: number | null; range?: [number, number]; theme: 'dark' | 'light' },
  ): string;
  svgToPngBlob(svg: string, scale?: number): Promise<Blob>;
}

const components = import.meta.glob<DiagramComponentModule>('../diagram/SequenceDiagram.tsx', { eager: true });
const exporters = import.meta.glob<DiagramExportModule>('../diagram/export.ts', { eager: true });

export const diagramComponent: DiagramComponentModule | null = Object.values(components)[0] ?? null;
export const diagramExport: DiagramExportModule | null = Object.values(exporters)[0] ?? null;

/** The diagram's shortcuts for the `?` overlay, whatever shape of list it exports. */
export function diagramShortcuts(): { keys: string; description: string }[] {
  const list = diagramComponent?.DIAGRAM_SHORTCUTS;
  if (!Array.isArray(list)) return [];
  const out: { keys: string; description: string }[] = [];
  for (const s of list as unknown[]) {
    if (!s || typeof s !== 'object') continue;
    const o = s as Record<string, unknown>;
    const keys = Array.isArray(o.keys) ? o.keys.map(String).join(' / ') : typeof o.keys === 'string' ? o.keys : typeof o.key === 'string' ? o.key : null;
    const description = typeof o.description === 'string' ? o.description : typeof o.label === 'string' ? o.label : null;
    if (keys && description) out.push({ keys, description });
  }
  return out;
}
