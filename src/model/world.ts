// SPDX-License-Identifier: MIT
/**
 * The bus world at one moment: kdbusfs domains, their buses, each bus's
 * endpoints, connections and name table. Built from the structural trace
 * events (domain/bus/endpoint/conn add and remove, NAMES, snapshots); never
 * from messages, so it changes rarely and a world can be kept per change
 * (see bus-model.ts).
 *
 * Worlds are immutable values: every change makes a new World that shares
 * what did not change. Holding on to one (for a view, for scrubbing) is
 * safe, and `a !== b` tells that something changed.
 */
import type { KdbusInfo } from '../trace/kdbus-structs.js';
import type { Metadata } from '../trace/metadata.js';
import type { U64 } from '../trace/u64.js';
import type { EndpointPolicy } from './endpoint-policy.js';

/** Event indices: positions in BusModel.events. */
export type EventIndex = number;

export interface AgentInfo {
  /** Agent name and version. */
  name: string;
  kernelRelease: string;
  pid: number;
  startedAt: EventIndex;
}

export interface DomainState {
  ref: number;
  /** Mount point of the kdbusfs. */
  path: string;
  addedAt: EventIndex;
}

export interface EndpointState {
  /** File name; `bus` is the default endpoint. */
  name: string;
  isDefault: boolean;
  mode: number;
  modeText: string;
  uid: number;
  gid: number;
  addedAt: EventIndex;
}

/** One owner record of a name. */
export interface NameOwner {
  id: number;
  /** KDBUS_NAME_* flags of the record. */
  flags: U64;
  flagNames: string[];
}

export interface NameState {
  name: string;
  /** The current owner (an activator when nobody else owns it), or null. */
  primary: NameOwner | null;
  /** The activator record, if the name has one (it may be primary too). */
  activator: NameOwner | null;
  /**
   * Records waiting in the queue (IN_QUEUE, activator excluded). LIST does
   * not tell the queue order across connections, so this is LIST order.
   */
  queued: NameOwner[];
}

export interface ConnectionNames {
  /** Names this connection currently owns (as primary owner, activators included). */
  primary: string[];
  /** Names it waits for in the queue. */
  queued: string[];
  /** Names it is the activator of. */
  activator: string[];
}

export interface ConnectionState {
  bus: number;
  id: number;
  /** HELLO flags. */
  flags: U64;
  flagNames: string[];
  acceptFd: boolean;
  activator: boolean;
  policyHolder: boolean;
  monitor: boolean;
  description: string | null;
  pid: number | null;
  /** PID_COMM, else TID_COMM. */
  comm: string | null;
  uid: number | null;
  metadata: Metadata;
  /** The CONN_INFO record as the agent sent it. */
  info: KdbusInfo;
  names: ConnectionNames;
  /** First reported by a snapshot rather than seen arriving. */
  fromSnapshot: boolean;
  addedAt: EventIndex;
  /** Event that last replaced `info`. */
  infoAt: EventIndex;
}

export interface BusState {
  ref: number;
  domain: number;
  /** Directory name, `<uid>-<name>`. */
  dirName: string;
  /** The name without the uid prefix. */
  name: string;
  /** Owner of the bus's `bus` file (the creator's uid). */
  ownerUid: number;
  gid: number;
  mode: number;
  modeText: string;
  /** Who may open the default endpoint, from its mode. */
  access: 'owner' | 'group' | 'world';
  /** Bus flags (the BUS_MAKE flags). */
  flags: U64;
  flagNames: string[];
  id128: string;
  bloomSize: number;
  bloomHashes: number;
  /** BUS_CREATOR_INFO, when the agent had it. */
  creator: { info: KdbusInfo; metadata: Metadata } | null;
  /** Metadata the bus requires of senders (project extension, ATTACH_FLAGS_RECV in the creator info), names. */
  requiredMetadata: string[] | null;
  endpoints: ReadonlyMap<string, EndpointState>;
  /**
   * Custom endpoints' policies by endpoint name, the latest the kernel
   * reported (project extension); an endpoint missing here has an unknown
   * policy (an old trace).
   */
  endpointPolicies: ReadonlyMap<string, EndpointPolicy>;
  connections: ReadonlyMap<number, ConnectionState>;
  names: ReadonlyMap<string, NameState>;
  /** Event of the NAMES that built `names`, or null before the first. */
  namesAt: EventIndex | null;
  addedAt: EventIndex;
}

export interface World {
  agent: AgentInfo | null;
  domains: ReadonlyMap<number, DomainState>;
  buses: ReadonlyMap<number, BusState>;
  /** A snapshot is being received (between its begin and end). */
  snapshot: { token: number; beginAt: EventIndex } | null;
}

export const EMPTY_WORLD: World = Object.freeze({
  agent: null,
  domains: new Map<number, DomainState>(),
  buses: new Map<number, BusState>(),
  snapshot: null,
});
