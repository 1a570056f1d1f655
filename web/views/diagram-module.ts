// SPDX-License-Identifier: MIT
/**
 * The sequence diagram (web/diagram/) as the views use it: its component, its
 * exporters and its shortcuts in the form the `?` overlay lists them.
 */
import { DIAGRAM_SHORTCUTS, SequenceDiagram, type SequenceDiagramProps } from '../diagram/SequenceDiagram.js';
import { diagramSvg, svgToPngBlob } from '../diagram/export.js';

export type { SequenceDiagramProps };

export interface DiagramComponentModule {
  SequenceDiagram: typeof SequenceDiagram;
}

export interface DiagramExportModule {
  diagramSvg: typeof diagramSvg;
  svgToPngBlob: typeof svgToPngBlob;
}

export const diagramComponent: DiagramComponentModule | null = { SequenceDiagram };
export const diagramExport: DiagramExportModule | null = { diagramSvg, svgToPngBlob };

/** The diagram's shortcuts for the `?` overlay. */
export function diagramShortcuts(): { keys: string; description: string }[] {
  return DIAGRAM_SHORTCUTS.map((s) => ({ keys: s.keys.join(' / '), description: s.description }));
}
