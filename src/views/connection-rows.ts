// SPDX-License-Identifier: MIT
/**
 * The connection list's rows, derived from one World: per bus, every
 * connection with its unique name, description, well-known names (primary,
 * queued, activator), process, role flags and metadata masks. Rows are
 * sorted by id (ids only grow), so a new connection appears at the end of
 * its bus and names visibly move between rows when ownership moves.
 */
import { findItem } from '../trace/kdbus-items.js';
import { ATTACH_FLAGS } from '../trace/kdbus-names.js';
import type { BusState, ConnectionState, World } from '../model/world.js';

/** Metadata items a kdbus_info can carry, in the order the list shows them. */
const METADATA_ITEMS = [
  'TIMESTAMP',
  'CREDS',
  'PIDS',
  'AUXGROUPS',
  'OWNED_NAME',
  'TID_COMM',
  'PID_COMM',
  'EXE',
  'CMDLINE',
  'CGROUP',
  'CAPS',
  'SECLABEL',
  'AUDIT',
  'CONN_DESCRIPTION',
] as const;

export type ConnectionRole = 'monitor' | 'activator' | 'policy-holder';

export interface ConnectionRow {
  /** Stable key: `<bus>:<id>`. */
  key: string;
  bus: number;
  id: number;
  /** The D-Bus unique name of a kdbus connection, `:1.<id>`. */
  uniqueName: string;
  description: string | null;
  /** Names it owns (primary owner); activator records are marked in `activatorNames`. */
  primaryNames: string[];
  /** Names it waits for in the queue. */
  queuedNames: string[];
  /** Names it is the activator of (it may also be their primary owner while nobody else is). */
  activatorNames: string[];
  pid: number | null;
  comm: string | null;
  uid: number | null;
  roles: ConnectionRole[];
  /** HELLO flags by name (ACCEPT_FD, ACTIVATOR, …). */
  flagNames: string[];
  /**
   * Attach flags the connection sends / wants to receive, when its info
   * carries them (the playground kernel puts ATTACH_FLAGS_SEND/RECV first in
   * the CONN_INFO its agent asks for; older traces lack them: null).
   */
  attachSend: string[] | null;
  attachRecv: string[] | null;
  /** The metadata kinds its CONN_INFO carried: what the bus tells others about it. */
  metadataItems: string[];
  fromSnapshot: boolean;
  addedAt: number;
}

export interface ConnectionGroup {
  bus: number;
  busName: string;
  rows: ConnectionRow[];
}

export function uniqueName(id: number): string {
  return `:1.${id}`;
}

function rolesOf(c: ConnectionState): ConnectionRole[] {
  const roles: ConnectionRole[] = [];
  if (c.monitor) roles.push('monitor');
  if (c.activator) roles.push('activator');
  if (c.policyHolder) roles.push('policy-holder');
  return roles;
}

export function connectionRow(c: ConnectionState): ConnectionRow {
  const present = new Set(c.info.items.map((it) => it.typeName));
  const send = findItem(c.info.items, 'ATTACH_FLAGS_SEND');
  const recv = findItem(c.info.items, 'ATTACH_FLAGS_RECV');
  return {
    key: `${c.bus}:${c.id}`,
    bus: c.bus,
    id: c.id,
    uniqueName: uniqueName(c.id),
    description: c.description,
    primaryNames: c.names.primary,
    queuedNames: c.names.queued,
    activatorNames: c.names.activator,
    pid: c.pid,
    comm: c.comm,
    uid: c.uid,
    roles: rolesOf(c),
    flagNames: c.flagNames,
    attachSend: send ? send.flagNames : null,
    attachRecv: recv ? recv.flagNames : null,
    metadataItems: METADATA_ITEMS.filter((n) => present.has(n)),
    fromSnapshot: c.fromSnapshot,
    addedAt: c.addedAt,
  };
}

/** Attach flags kdbus defines (enum kdbus_attach_flags): a mask naming all of them is `~0`, sanitized. */
const ALL_ATTACH = Object.keys(ATTACH_FLAGS).length;

/** `creds pids`, `nothing`, or — for the 14-name list a projector cannot fit — `all metadata`. */
function maskWords(names: readonly string[]): string {
  if (!names.length) return 'nothing';
  if (names.length === ALL_ATTACH) return 'all metadata';
  return names.join(' ').toLowerCase();
}

/**
 * The row's metadata masks in words: `sends … · wants …` from its attach
 * flags; for a trace without them, the metadata kinds its info carried.
 */
export function metadataMasksText(r: ConnectionRow): { send: string; recv: string | null; exact: boolean } {
  if (r.attachSend === null && r.attachRecv === null) {
    return { send: r.metadataItems.length ? r.metadataItems.join(' ').toLowerCase() : 'no metadata', recv: null, exact: false };
  }
  return {
    send: r.attachSend === null ? '?' : maskWords(r.attachSend),
    recv: r.attachRecv === null ? '?' : maskWords(r.attachRecv),
    exact: true,
  };
}

function rowMatches(r: ConnectionRow, name: string): boolean {
  const n = name.toLowerCase();
  return [r.uniqueName, r.description, r.comm, ...r.primaryNames, ...r.queuedNames, ...r.activatorNames].some(
    (x) => x !== null && x.toLowerCase().includes(n),
  );
}

function groupOf(b: BusState, name: string): ConnectionGroup {
  let rows = [...b.connections.values()].sort((x, y) => x.id - y.id).map(connectionRow);
  if (name) rows = rows.filter((r) => rowMatches(r, name));
  return { bus: b.ref, busName: b.dirName, rows };
}

/**
 * The connections of `world`, grouped by bus (all buses when `bus` is null),
 * keeping those whose unique name, description, comm or a well-known name
 * contains `name` (case-insensitive; empty keeps all).
 */
export function connectionGroups(world: World, bus: number | null, name = ''): ConnectionGroup[] {
  const buses = [...world.buses.values()].filter((b) => bus === null || b.ref === bus).sort((a, b) => a.ref - b.ref);
  return buses.map((b) => groupOf(b, name.trim()));
}
