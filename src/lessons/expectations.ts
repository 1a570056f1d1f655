// SPDX-License-Identifier: MIT
/**
 * Checks a lesson step's `@expect` lines against a trace: the proof, for
 * the tests and for `kdbus-playground run`, that the step did what its
 * prose says. Messages are matched through the BusModel's log entries, so
 * "kind" and "member" mean what the views show.
 */
import { BusModel } from '../model/bus-model.js';
import type { MessageEntry } from '../model/message-log.js';
import type { KdbusItem } from '../trace/kdbus-items.js';
import type { TraceEvent } from '../trace/events.js';
import { COUNT_KEY } from './expectation-keys.js';
import type { LessonExpectation } from './types.js';

export interface ExpectationResult {
  expectation: LessonExpectation;
  ok: boolean;
  /** How many events matched (output: 1 or 0). */
  matched: number;
  /** One line for reports: the expectation as written. */
  text: string;
}

function itemStr(items: readonly KdbusItem[], typeName: string): string | null {
  for (const it of items) if (it.typeName === typeName && 'str' in it && typeof it.str === 'string') return it.str;
  return null;
}

function uid(items: readonly KdbusItem[]): string | null {
  for (const it of items) if (it.typeName === 'CREDS') return String(it.creds.uid);
  return null;
}

function cmdline(items: readonly KdbusItem[]): string | null {
  for (const it of items) if (it.typeName === 'CMDLINE') return it.args.join(' ');
  return null;
}

/** `has=CAPS,CREDS` / `lacks=PID_COMM`: item type names present or absent. */
function itemsMatch(items: readonly KdbusItem[], has: string | undefined, lacks: string | undefined): boolean {
  const names = new Set<string>(items.map((i) => i.typeName));
  if (has && !has.split(',').every((n) => names.has(n))) return false;
  if (lacks && lacks.split(',').some((n) => names.has(n))) return false;
  return true;
}

/** Per-event facts a condition compares with, for one trace. */
class TraceFacts {
  readonly busNames = new Map<number, string>();
  readonly domainPaths = new Map<number, string>();
  readonly messages = new Map<TraceEvent, MessageEntry>();
  constructor(readonly events: readonly TraceEvent[]) {
    const model = new BusModel();
    model.applyAll(events);
    for (const m of model.messages) this.messages.set(m.event, m);
    for (const e of events) {
      if (e.type === 'bus-add') this.busNames.set(e.bus, e.name);
      if (e.type === 'domain-add') this.domainPaths.set(e.domain, e.path);
    }
  }

  bus(ref: number | null): string | null {
    return ref === null ? null : (this.busNames.get(ref) ?? null);
  }

  matches(e: TraceEvent, type: string, where: Readonly<Record<string, string>>): boolean {
    if (e.type !== type) return false;
    const w = { ...where };
    delete w[COUNT_KEY];
    const eq = (key: string, value: string | null | undefined) => w[key] === undefined || w[key] === value;
    switch (e.type) {
      case 'domain-add':
        return eq('path', e.path);
      case 'domain-remove':
        return eq('path', this.domainPaths.get(e.domain));
      case 'bus-add':
        return eq('name', e.name);
      case 'bus-remove':
        return eq('name', this.bus(e.bus));
      case 'endpoint-add':
      case 'endpoint-remove':
        return eq('name', e.name) && eq('bus', this.bus(e.bus));
      case 'conn-add': {
        const items = e.info.items;
        const cmd = cmdline(items);
        return eq('bus', this.bus(e.bus)) && eq('comm', itemStr(items, 'PID_COMM')) && eq('exe', itemStr(items, 'EXE')) && eq('uid', uid(items))
          && (w.cmdline === undefined || (cmd ?? '').includes(w.cmdline)) && itemsMatch(items, w.has, w.lacks);
      }
      case 'conn-remove':
        return eq('bus', this.bus(e.bus));
      case 'names':
        return eq('bus', this.bus(e.bus))
          && (w.name === undefined || e.owners.some((o) => o.items.some((it) => it.typeName === 'OWNED_NAME' && it.name.name === w.name)));
      case 'message': {
        const m = this.messages.get(e);
        if (!m) return false;
        const names = [...m.senderNames, ...m.destinationNames, m.subject?.name ?? ''];
        return eq('bus', this.bus(e.bus)) && eq('kind', m.messageKind) && eq('member', m.dbus?.member ?? null)
          && eq('notification', m.notification) && (w.name === undefined || names.includes(w.name))
          // A refused HELLO (notification=HELLO_REFUSED) carries its caller's comm and uid in the refusal, not as metadata.
          && eq('comm', itemStr(e.msg.items, 'PID_COMM') ?? m.refused?.comm) && eq('exe', itemStr(e.msg.items, 'EXE'))
          && eq('uid', uid(e.msg.items) ?? (m.refused ? String(m.refused.uid) : null))
          && itemsMatch(e.msg.items, w.has, w.lacks);
      }
      case 'error':
        return eq('errno', e.errnoName);
      default:
        return false;
    }
  }
}

export function describeExpectation(x: LessonExpectation): string {
  if (x.kind === 'output') return `output ${x.text}`;
  return [x.type, ...Object.entries(x.where).map(([k, v]) => `${k}=${/\s/.test(v) ? `"${v}"` : v}`)].join(' ');
}

/**
 * Checks expectations against the events of `trace` from index `from` on
 * (the step's start: the agent may report a little after the prompt is
 * back) and `output` (what the shell printed during the step). The whole
 * trace is read for context: a bus removed in this step was named earlier.
 */
export function checkExpectations(
  expects: readonly LessonExpectation[], trace: readonly TraceEvent[], from: number, output: string,
): ExpectationResult[] {
  const facts = new TraceFacts(trace);
  const events = trace.slice(from);
  return expects.map((x) => {
    const text = describeExpectation(x);
    if (x.kind === 'output') {
      const ok = output.includes(x.text);
      return { expectation: x, ok, matched: ok ? 1 : 0, text };
    }
    const matched = events.filter((e) => facts.matches(e, x.type, x.where)).length;
    const need = Number(x.where[COUNT_KEY] ?? '1');
    return { expectation: x, ok: matched >= need, matched, text };
  });
}
