// SPDX-License-Identifier: MIT
/**
 * How far each metadata item of a kdbus message can be trusted, for the
 * inspector. The distinction a teacher wants to make: some items are
 * filled in by the kernel from what it knows about the sending process
 * (the sender cannot choose them), others are text the sender set about
 * itself and could have set to anything.
 */

export type TrustSource = 'kernel' | 'sender';

export interface TrustNote {
  source: TrustSource;
  text: string;
}

const NOTES: Readonly<Record<string, TrustNote>> = {
  TIMESTAMP: { source: 'kernel', text: 'Taken by the kernel when the message was sent.' },
  CREDS: {
    source: 'kernel',
    text: "The sender's user and group ids as the kernel knows them; the sender cannot choose them.",
  },
  PIDS: { source: 'kernel', text: "Process, thread and parent ids the kernel has for the sender." },
  AUXGROUPS: { source: 'kernel', text: "The sender's supplementary groups, from the kernel." },
  OWNED_NAME: { source: 'kernel', text: "From the bus's own name registry: names the sender owned when it sent." },
  TID_COMM: {
    source: 'sender',
    text: 'The thread name: any process sets its own (prctl PR_SET_NAME, /proc/self/comm). A label, not an identity.',
  },
  PID_COMM: {
    source: 'sender',
    text: 'The process name: any process sets its own (prctl PR_SET_NAME, /proc/self/comm). A label, not an identity.',
  },
  EXE: {
    source: 'kernel',
    text: 'Path of the executable the kernel runs for the sender; only a path: the file there may have changed since.',
  },
  CMDLINE: {
    source: 'sender',
    text: "Read from the sender's own memory (its argv), which it may rewrite at will.",
  },
  CGROUP: { source: 'kernel', text: 'The control group the kernel has the sender in.' },
  CAPS: { source: 'kernel', text: "The sender's capability sets as the kernel holds them (in the sender's user namespace)." },
  SECLABEL: { source: 'kernel', text: 'The security (LSM) label of the sender, from the kernel.' },
  AUDIT: { source: 'kernel', text: 'Audit login uid and session id, from the kernel (set once per login by a privileged process).' },
  CONN_DESCRIPTION: {
    source: 'sender',
    text: 'A free-text label the connection gave itself at HELLO; anything the sender liked.',
  },
};

/** The trust note of a metadata item type name (kdbus.h's name without KDBUS_ITEM_), or null for items that are not metadata. */
export function trustNote(typeName: string): TrustNote | null {
  return NOTES[typeName] ?? null;
}

/** The item type names that have a trust note: the metadata items. */
export const METADATA_TYPE_NAMES: readonly string[] = Object.keys(NOTES);
