// SPDX-License-Identifier: MIT
/**
 * The bus tree view's data, derived from one World: every kdbusfs mount
 * (domain) → its buses → their endpoints. Sorted so that rows stay put
 * while the world changes around them (domains and buses by their refs,
 * which grow in order of appearance; the default endpoint first).
 */
import { type EndpointPolicy, ruleText } from '../model/endpoint-policy.js';
import type { BusState, EndpointState, World } from '../model/world.js';

export interface TreeEndpoint {
  /** Stable key for lists: `<bus>/<name>`. */
  key: string;
  bus: number;
  name: string;
  isDefault: boolean;
  modeText: string;
  uid: number;
  gid: number;
  /** Who may open the endpoint file, from its mode: its policy as far as the trace shows it. */
  access: 'owner' | 'group' | 'world';
  /** One line on who may open it, for the tree. */
  policy: string;
  /**
   * A custom endpoint's name rules as the kernel reported them (project
   * extension), one line per name: `org.example.Echo: anyone may TALK`;
   * [] when it has none yet; null when the trace does not say (old traces,
   * the default endpoint, which has no policy of its own).
   */
  rules: string[] | null;
}

export interface TreeBus {
  ref: number;
  domain: number;
  /** `<uid>-<name>`. */
  dirName: string;
  name: string;
  ownerUid: number;
  modeText: string;
  access: BusState['access'];
  flagNames: string[];
  bloomSize: number;
  bloomHashes: number;
  /** Metadata senders must attach (null: the bus requires none, or the agent could not tell). */
  requiredMetadata: string[] | null;
  /** The creator's command, when BUS_CREATOR_INFO had it. */
  creatorComm: string | null;
  creatorPid: number | null;
  connections: number;
  names: number;
  endpoints: TreeEndpoint[];
}

export interface TreeDomain {
  ref: number;
  /** Mount point; null for buses whose domain the world does not know (should not happen). */
  path: string | null;
  buses: TreeBus[];
}

function accessOf(mode: number): TreeEndpoint['access'] {
  if (mode & 0o006) return 'world';
  if (mode & 0o060) return 'group';
  return 'owner';
}

/** Who may open a file with this mode, owner and group, in words. */
export function accessText(access: TreeEndpoint['access'], uid: number, gid: number): string {
  switch (access) {
    case 'world':
      return 'anyone may connect';
    case 'group':
      return `uid ${uid} and group ${gid} may connect`;
    case 'owner':
      return `only uid ${uid} may connect`;
  }
}

function rulesOf(policy: EndpointPolicy | undefined): string[] | null {
  if (!policy) return null;
  return policy.entries.map((en) => `${en.name}: ${en.rules.length ? en.rules.map(ruleText).join(', ') : 'no rule'}`);
}

function endpointOf(bus: number, e: EndpointState, policy: EndpointPolicy | undefined): TreeEndpoint {
  const access = accessOf(e.mode);
  return {
    key: `${bus}/${e.name}`,
    bus,
    name: e.name,
    isDefault: e.isDefault,
    modeText: e.modeText,
    uid: e.uid,
    gid: e.gid,
    access,
    policy: accessText(access, e.uid, e.gid),
    rules: e.isDefault ? null : rulesOf(policy),
  };
}

function busOf(b: BusState): TreeBus {
  const endpoints = [...b.endpoints.values()]
    .map((e) => endpointOf(b.ref, e, b.endpointPolicies.get(e.name)))
    .sort((x, y) => (x.isDefault !== y.isDefault ? (x.isDefault ? -1 : 1) : x.name.localeCompare(y.name)));
  const md = b.creator?.metadata;
  return {
    ref: b.ref,
    domain: b.domain,
    dirName: b.dirName,
    name: b.name,
    ownerUid: b.ownerUid,
    modeText: b.modeText,
    access: b.access,
    flagNames: b.flagNames,
    bloomSize: b.bloomSize,
    bloomHashes: b.bloomHashes,
    requiredMetadata: b.requiredMetadata && b.requiredMetadata.length ? b.requiredMetadata : null,
    creatorComm: md ? (md.pidComm ?? md.tidComm) : null,
    creatorPid: md?.pids ? Number(md.pids.pid) : null,
    connections: b.connections.size,
    names: b.names.size,
    endpoints,
  };
}

/** The tree of `world`. */
export function busTree(world: World): TreeDomain[] {
  const domains = new Map<number, TreeDomain>();
  for (const d of world.domains.values()) domains.set(d.ref, { ref: d.ref, path: d.path, buses: [] });
  for (const b of world.buses.values()) {
    let d = domains.get(b.domain);
    if (!d) domains.set(b.domain, (d = { ref: b.domain, path: null, buses: [] }));
    d.buses.push(busOf(b));
  }
  const out = [...domains.values()].sort((a, b) => a.ref - b.ref);
  for (const d of out) d.buses.sort((a, b) => a.ref - b.ref);
  return out;
}

/** The bus `ref` of the tree, if it is there. */
export function findTreeBus(tree: readonly TreeDomain[], ref: number): TreeBus | undefined {
  for (const d of tree) for (const b of d.buses) if (b.ref === ref) return b;
  return undefined;
}
