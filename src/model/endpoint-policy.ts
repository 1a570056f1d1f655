// SPDX-License-Identifier: MIT
/**
 * A custom endpoint's policy, as the project's kernel extension reports it
 * (X_ENDPOINT_POLICY, guest-image/kdbus/NOTES.md "Trace extension"): the
 * endpoint's name, then per entry a NAME item followed by its POLICY_ACCESS
 * items — the form ENDPOINT_UPDATE takes. Upstream kdbus has no way to read
 * a policy back, so without the extension the views only know the file mode.
 */
import type { KdbusItem } from '../trace/kdbus-items.js';
import { u64ToNumber } from '../trace/u64.js';

export interface EndpointPolicyRule {
  /** USER, GROUP or WORLD (the kdbus.h names). */
  type: string;
  /** SEE, TALK or OWN. */
  access: string;
  /** uid or gid for USER / GROUP rules; 0 for WORLD. */
  id: number;
}

export interface EndpointPolicyEntry {
  /** A well-known name, or a `prefix.*` wildcard. */
  name: string;
  rules: EndpointPolicyRule[];
}

export interface EndpointPolicy {
  endpoint: string;
  entries: EndpointPolicyEntry[];
}

/** The policy a kernel message reports, or null if it is no X_ENDPOINT_POLICY message. */
export function endpointPolicyOf(items: readonly KdbusItem[]): EndpointPolicy | null {
  const first = items[0];
  if (first?.typeName !== 'X_ENDPOINT_POLICY') return null;
  const entries: EndpointPolicyEntry[] = [];
  for (const it of items.slice(1)) {
    if (it.typeName === 'NAME') entries.push({ name: it.str, rules: [] });
    else if (it.typeName === 'POLICY_ACCESS' && entries.length) {
      const p = it.policy_access;
      entries[entries.length - 1]!.rules.push({
        type: p.typeName ?? `type ${p.type}`,
        access: p.accessName ?? `access ${p.access}`,
        id: u64ToNumber(p.id),
      });
    }
  }
  return { endpoint: first.str, entries };
}

/** One rule in words: `world may TALK`, `uid 1000 may OWN`. */
export function ruleText(r: EndpointPolicyRule): string {
  const who = r.type === 'WORLD' ? 'anyone' : r.type === 'USER' ? `uid ${r.id}` : r.type === 'GROUP' ? `gid ${r.id}` : r.type;
  return `${who} may ${r.access}`;
}
