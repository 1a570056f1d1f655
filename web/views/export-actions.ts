// SPDX-License-Identifier: MIT
/** The export buttons' work: build the file from the model and hand it to the browser as a download. */
import type { BusModel } from '../../src/model/bus-model.js';
import type { LogFilter } from '../../src/model/log-filter.js';
import { messagesToPcap } from '../../src/export/pcap.js';
import { PCAP_MIME, TRACE_MIME, exportFileName, traceToJsonLines } from '../../src/export/trace-file.js';
import { diagramExport } from './diagram-module.js';

export interface ExportResult {
  fileName: string;
  /** For the notice: what was written. */
  summary: string;
}

function download(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: the download starts asynchronously from the click.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportJsonLines(model: BusModel): ExportResult {
  const fileName = exportFileName('kdbus-trace', 'jsonl', new Date());
  download(fileName, new Blob([traceToJsonLines(model.events)], { type: TRACE_MIME }));
  return { fileName, summary: `${model.events.length} events` };
}

export function exportPcap(model: BusModel): ExportResult {
  const r = messagesToPcap(model.messages);
  const fileName = exportFileName('kdbus-trace', 'pcap', new Date());
  download(fileName, new Blob([r.bytes as Uint8Array<ArrayBuffer>], { type: PCAP_MIME }));
  const notes = [
    `${r.packets} D-Bus messages`,
    r.skipped ? `${r.skipped} kernel notifications left out` : '',
    r.cut ? `${r.cut} cut by the trace` : '',
    r.clock === 'monotonic' && r.packets ? 'times since boot (no kernel timestamps)' : '',
  ].filter((x) => x);
  return { fileName, summary: notes.join(', ') };
}

export interface DiagramExportOptions {
  filter: LogFilter;
  asOf: number | null;
  theme: 'dark' | 'light';
}

export function canExportDiagram(): boolean {
  return diagramExport !== null;
}

export function exportSvg(model: BusModel, options: DiagramExportOptions): ExportResult {
  if (!diagramExport) throw new Error('the sequence diagram is not part of this build');
  const svg = diagramExport.diagramSvg(model, options);
  const fileName = exportFileName('kdbus-diagram', 'svg', new Date());
  download(fileName, new Blob([svg], { type: 'image/svg+xml' }));
  return { fileName, summary: `${Math.round(svg.length / 1024)} kB` };
}

export async function exportPng(model: BusModel, options: DiagramExportOptions): Promise<ExportResult> {
  if (!diagramExport) throw new Error('the sequence diagram is not part of this build');
  const blob = await diagramExport.svgToPngBlob(diagramExport.diagramSvg(model, options), 2);
  const fileName = exportFileName('kdbus-diagram', 'png', new Date());
  download(fileName, blob);
  return { fileName, summary: `${Math.round(blob.size / 1024)} kB` };
}
