// SPDX-License-Identifier: MIT
/**
 * World × structural event → World (docs/trace-protocol.md semantics), with
 * copy-on-write updates so earlier worlds stay valid. The reducer also
 * reports what happened to connections (for their lifetime records) and
 * tracks snapshots: between SNAPSHOT_BEGIN and SNAPSHOT_END it notes what
 * the snapshot mentions, and at the end removes whatever it did not — unless
 * events were lost or unreadable during the snapshot, in which case absence
 * proves nothing and nothing is removed (the snapshot is marked incomplete).
 */
import { findItem, type KdbusItem } from '../trace/kdbus-items.js';
import { KDBUS_ITEM } from '../trace/kdbus-names.js';
import { metadataOf } from '../trace/metadata.js';
import type { BusAddEvent, ConnAddEvent, MessageEvent, TraceEvent } from '../trace/events.js';
import { endpointPolicyOf } from './endpoint-policy.js';
import { u64HasBit, u64ToNumber } from '../trace/u64.js';
import { buildNameTable, emptyConnectionNames, namesByConnection, namesOfConnection, withoutOwners } from './name-table.js';
import type { BusState, ConnectionState, EventIndex, NameState, World } from './world.js';

export type RemovalCause = 'conn-remove' | 'bus-remove' | 'domain-remove' | 'snapshot';

export interface SnapshotRemovals {
  domains: number[];
  buses: number[];
  endpoints: { bus: number; name: string }[];
  connections: { bus: number; id: number }[];
}

/** What a step did, beyond the new world, for the model's records and log. */
export type WorldChange =
  | { type: 'conn-added'; conn: ConnectionState; isNew: boolean }
  | { type: 'conn-removed'; bus: number; id: number; cause: RemovalCause }
  | {
      type: 'snapshot-ended';
      token: number;
      beginAt: EventIndex | null;
      complete: boolean;
      removed: SnapshotRemovals;
    };

/** Mutable state that spans events: the snapshot being received. */
export interface SnapshotTracking {
  token: number;
  beginAt: EventIndex;
  /** False once an event of the snapshot may have been missed. */
  complete: boolean;
  domains: Set<number>;
  buses: Set<number>;
  endpoints: Set<string>;
  connections: Set<string>;
  namesOf: Set<number>;
}

export interface ReduceContext {
  snapshot: SnapshotTracking | null;
  /** Filled by reduceWorld; the caller empties it. */
  changes: WorldChange[];
  /** Structural events about a bus the world does not know (ignored). */
  orphans: number;
}

export const connKey = (bus: number, id: number): string => `${bus}:${id}`;

function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> {
  const m = new Map(map);
  m.set(key, value);
  return m;
}

function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): Map<K, V> {
  const m = new Map(map);
  m.delete(key);
  return m;
}

function accessOf(mode: number): BusState['access'] {
  if (mode & 0o006) return 'world';
  if (mode & 0o060) return 'group';
  return 'owner';
}

function busFrom(e: BusAddEvent, index: EventIndex, prev: BusState | undefined): BusState {
  const dash = e.name.indexOf('-');
  const required = e.creator ? findItem(e.creator.items, 'ATTACH_FLAGS_RECV') : undefined;
  return {
    ref: e.bus,
    domain: e.domain,
    dirName: e.name,
    name: dash >= 0 ? e.name.slice(dash + 1) : e.name,
    ownerUid: e.stat.uid,
    gid: e.stat.gid,
    mode: e.stat.mode,
    modeText: e.stat.modeText,
    access: accessOf(e.stat.mode),
    flags: e.busInfo.flags,
    flagNames: e.busInfo.flagNames,
    id128: e.busInfo.id128,
    bloomSize: u64ToNumber(e.busInfo.bloom.size),
    bloomHashes: u64ToNumber(e.busInfo.bloom.n_hash),
    creator: e.creator ? { info: e.creator, metadata: metadataOf(e.creator.items) } : (prev?.creator ?? null),
    requiredMetadata: required ? required.flagNames : (prev?.requiredMetadata ?? null),
    endpoints: prev?.endpoints ?? new Map(),
    endpointPolicies: prev?.endpointPolicies ?? new Map(),
    connections: prev?.connections ?? new Map(),
    names: prev?.names ?? new Map(),
    namesAt: prev?.namesAt ?? null,
    addedAt: prev?.addedAt ?? index,
  };
}

function connectionFrom(e: ConnAddEvent, index: EventIndex, bus: BusState, prev: ConnectionState | undefined): ConnectionState {
  // A bare record (the connection was gone before CONN_INFO) must not wipe what we knew.
  const info = e.info.items.length === 0 && prev ? prev.info : e.info;
  const md = info === prev?.info ? prev.metadata : metadataOf(info.items);
  const flags = e.info.flags;
  return {
    bus: e.bus,
    id: e.id,
    flags,
    flagNames: e.info.flagNames,
    acceptFd: u64HasBit(flags, 0),
    activator: u64HasBit(flags, 1),
    policyHolder: u64HasBit(flags, 2),
    monitor: u64HasBit(flags, 3),
    description: md.description,
    pid: md.pids ? u64ToNumber(md.pids.pid) : null,
    comm: md.pidComm ?? md.tidComm,
    uid: md.creds ? u64ToNumber(md.creds.uid) : null,
    metadata: md,
    info,
    names: namesOfConnection(bus.names, e.id),
    fromSnapshot: prev ? prev.fromSnapshot : e.fromSnapshot,
    addedAt: prev ? prev.addedAt : index,
    infoAt: index,
  };
}

function removeBuses(world: World, refs: Iterable<number>, cause: RemovalCause, ctx: ReduceContext): World {
  let buses: Map<number, BusState> | null = null;
  for (const ref of refs) {
    const bus = world.buses.get(ref);
    if (!bus) continue;
    for (const id of bus.connections.keys()) ctx.changes.push({ type: 'conn-removed', bus: ref, id, cause });
    buses ??= new Map(world.buses);
    buses.delete(ref);
  }
  return buses ? { ...world, buses } : world;
}

/**
 * Kernel messages of the trace extension that change the world: an
 * X_ENDPOINT_POLICY replaces that endpoint's policy; an X_CONN_MASKS (after
 * an UPDATE) replaces the attach-mask items of the connection's info, so
 * everything reading them sees the masks as of that event.
 */
function withTraceReport(world: World, e: MessageEvent, index: EventIndex): World {
  if (e.msg.src_id !== 0 || e.msg.payload_type !== 0) return world;
  const bus = world.buses.get(e.bus);
  if (!bus) return world;
  const policy = endpointPolicyOf(e.msg.items);
  if (policy) return withBus(world, e.bus, { ...bus, endpointPolicies: withEntry(bus.endpointPolicies, policy.endpoint, policy) });
  const first = e.msg.items[0];
  if (first?.typeName !== 'X_CONN_MASKS') return world;
  const m = first.conn_masks;
  const id = u64ToNumber(m.id);
  const conn = bus.connections.get(id);
  if (!conn) return world;
  const masks: KdbusItem[] = [
    { type: KDBUS_ITEM.ATTACH_FLAGS_SEND, size: 24, typeName: 'ATTACH_FLAGS_SEND', flags: m.attach_flags_send, flagNames: m.sendNames },
    { type: KDBUS_ITEM.ATTACH_FLAGS_RECV, size: 24, typeName: 'ATTACH_FLAGS_RECV', flags: m.attach_flags_recv, flagNames: m.recvNames },
  ];
  const rest = conn.info.items.filter((it) => it.typeName !== 'ATTACH_FLAGS_SEND' && it.typeName !== 'ATTACH_FLAGS_RECV');
  const info = { ...conn.info, items: [...masks, ...rest] };
  return withBus(world, e.bus, { ...bus, connections: withEntry(bus.connections, id, { ...conn, info, infoAt: index }) });
}

function withBus(world: World, ref: number, bus: BusState): World {
  return { ...world, buses: withEntry(world.buses, ref, bus) };
}

/**
 * Applies `e` (at position `index` of the event list). Returns the same
 * world object when nothing changed.
 */
export function reduceWorld(world: World, e: TraceEvent, index: EventIndex, ctx: ReduceContext): World {
  const snap = ctx.snapshot;
  switch (e.type) {
    case 'agent-start':
      return { ...world, agent: { name: e.agent, kernelRelease: e.kernelRelease, pid: e.pid, startedAt: index } };

    case 'domain-add': {
      snap?.domains.add(e.domain);
      const prev = world.domains.get(e.domain);
      if (prev && prev.path === e.path) return world;
      return { ...world, domains: withEntry(world.domains, e.domain, { ref: e.domain, path: e.path, addedAt: prev?.addedAt ?? index }) };
    }

    case 'domain-remove': {
      if (!world.domains.has(e.domain)) return world;
      const buses = [...world.buses.values()].filter((b) => b.domain === e.domain).map((b) => b.ref);
      const w = removeBuses(world, buses, 'domain-remove', ctx);
      return { ...w, domains: withoutEntry(w.domains, e.domain) };
    }

    case 'bus-add': {
      snap?.buses.add(e.bus);
      snap?.domains.add(e.domain);
      return withBus(world, e.bus, busFrom(e, index, world.buses.get(e.bus)));
    }

    case 'bus-remove':
      return removeBuses(world, [e.bus], 'bus-remove', ctx);

    case 'endpoint-add': {
      const bus = world.buses.get(e.bus);
      if (!bus) {
        ctx.orphans++;
        return world;
      }
      snap?.endpoints.add(`${e.bus}/${e.name}`);
      const prev = bus.endpoints.get(e.name);
      const ep = {
        name: e.name,
        isDefault: e.name === 'bus',
        mode: e.stat.mode,
        modeText: e.stat.modeText,
        uid: e.stat.uid,
        gid: e.stat.gid,
        addedAt: prev?.addedAt ?? index,
      };
      return withBus(world, e.bus, { ...bus, endpoints: withEntry(bus.endpoints, e.name, ep) });
    }

    case 'message':
      return withTraceReport(world, e, index);

    case 'endpoint-remove': {
      const bus = world.buses.get(e.bus);
      if (!bus?.endpoints.has(e.name)) return world;
      return withBus(world, e.bus, { ...bus, endpoints: withoutEntry(bus.endpoints, e.name) });
    }

    case 'conn-add': {
      const bus = world.buses.get(e.bus);
      if (!bus) {
        ctx.orphans++;
        return world;
      }
      snap?.connections.add(connKey(e.bus, e.id));
      const prev = bus.connections.get(e.id);
      const conn = connectionFrom(e, index, bus, prev);
      ctx.changes.push({ type: 'conn-added', conn, isNew: !prev });
      return withBus(world, e.bus, { ...bus, connections: withEntry(bus.connections, e.id, conn) });
    }

    case 'conn-remove': {
      const bus = world.buses.get(e.bus);
      if (!bus?.connections.has(e.id)) return world;
      ctx.changes.push({ type: 'conn-removed', bus: e.bus, id: e.id, cause: 'conn-remove' });
      return withBus(world, e.bus, { ...bus, connections: withoutEntry(bus.connections, e.id) });
    }

    case 'names': {
      const bus = world.buses.get(e.bus);
      if (!bus) {
        ctx.orphans++;
        return world;
      }
      snap?.namesOf.add(e.bus);
      return withBus(world, e.bus, withNames(bus, buildNameTable(e.owners), index));
    }

    case 'snapshot-begin':
      ctx.snapshot = {
        token: e.token,
        beginAt: index,
        complete: true,
        domains: new Set(),
        buses: new Set(),
        endpoints: new Set(),
        connections: new Set(),
        namesOf: new Set(),
      };
      return { ...world, snapshot: { token: e.token, beginAt: index } };

    case 'snapshot-end': {
      const removed: SnapshotRemovals = { domains: [], buses: [], endpoints: [], connections: [] };
      ctx.snapshot = null;
      if (!snap || snap.token !== e.token || !snap.complete) {
        ctx.changes.push({ type: 'snapshot-ended', token: e.token, beginAt: snap?.beginAt ?? null, complete: false, removed });
        return world.snapshot ? { ...world, snapshot: null } : world;
      }
      const w = pruneUnmentioned(world, snap, removed, ctx);
      ctx.changes.push({ type: 'snapshot-ended', token: e.token, beginAt: snap.beginAt, complete: true, removed });
      return { ...w, snapshot: null };
    }

    default:
      // Messages, losses, errors, malformed and unknown events do not change the world.
      return world;
  }
}

/** The bus with a new name table, its connections' name lists updated. */
function withNames(bus: BusState, names: Map<string, NameState>, index: EventIndex | null): BusState {
  const byConn = namesByConnection(names);
  const connections = new Map<number, ConnectionState>();
  for (const [id, c] of bus.connections) connections.set(id, { ...c, names: byConn.get(id) ?? emptyConnectionNames() });
  return { ...bus, names, connections, namesAt: index ?? bus.namesAt };
}

function pruneUnmentioned(world: World, snap: SnapshotTracking, removed: SnapshotRemovals, ctx: ReduceContext): World {
  let w = world;
  const goneDomains = [...w.domains.keys()].filter((d) => !snap.domains.has(d));
  const goneBuses = [...w.buses.values()].filter((b) => !snap.buses.has(b.ref)).map((b) => b.ref);
  removed.domains.push(...goneDomains);
  removed.buses.push(...goneBuses);
  for (const ref of goneBuses) {
    for (const id of w.buses.get(ref)?.connections.keys() ?? []) removed.connections.push({ bus: ref, id });
  }
  w = removeBuses(w, goneBuses, 'snapshot', ctx);
  if (goneDomains.length) {
    const domains = new Map(w.domains);
    for (const d of goneDomains) domains.delete(d);
    w = { ...w, domains };
  }
  for (const bus of w.buses.values()) {
    const goneEps = [...bus.endpoints.keys()].filter((n) => !snap.endpoints.has(`${bus.ref}/${n}`));
    const goneConns = [...bus.connections.keys()].filter((id) => !snap.connections.has(connKey(bus.ref, id)));
    if (!goneEps.length && !goneConns.length) continue;
    let b: BusState = bus;
    if (goneEps.length) {
      const endpoints = new Map(b.endpoints);
      for (const n of goneEps) {
        endpoints.delete(n);
        removed.endpoints.push({ bus: bus.ref, name: n });
      }
      b = { ...b, endpoints };
    }
    if (goneConns.length) {
      const connections = new Map(b.connections);
      for (const id of goneConns) {
        connections.delete(id);
        removed.connections.push({ bus: bus.ref, id });
        ctx.changes.push({ type: 'conn-removed', bus: bus.ref, id, cause: 'snapshot' });
      }
      b = { ...b, connections };
      // The snapshot's NAMES is authoritative; without one, drop the records of the vanished.
      if (!snap.namesOf.has(bus.ref)) b = withNames(b, withoutOwners(b.names, (id) => connections.has(id)), null);
    }
    w = withBus(w, bus.ref, b);
  }
  return w;
}
