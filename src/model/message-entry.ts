// SPDX-License-Identifier: MIT
/**
 * A traced kdbus message → its log entry: what kind it is, who sent it to
 * whom (names resolved against the world as it was when the message
 * passed), its D-Bus header. Pairing is done by the model afterwards.
 */
import type { MessageEvent } from '../trace/events.js';
import { ATTACH_FLAGS, KDBUS_DST_ID_BROADCAST, flagNames } from '../trace/kdbus-names.js';
import { findItem } from '../trace/kdbus-items.js';
import type { KdbusItem } from '../trace/kdbus-items.js';
import { metadataOf } from '../trace/metadata.js';
import { payloadSummary } from '../trace/payload.js';
import { u64Equals, u64FromBigInt, u64HasBit, u64ToBigInt, u64ToNumber } from '../trace/u64.js';
import { dbusHeaderSummary } from './dbus-summary.js';
import type { HelloRefusal, MessageEntry, MessageKind, NotificationKind, NotificationSubject } from './message-log.js';
import type { EventIndex, World } from './world.js';

/** Item type names that make a kernel message a notification (X_HELLO_REFUSED: the project's extension). */
const NOTIFICATIONS: ReadonlySet<string> = new Set<string>([
  'ID_ADD',
  'ID_REMOVE',
  'NAME_ADD',
  'NAME_REMOVE',
  'NAME_CHANGE',
  'REPLY_TIMEOUT',
  'REPLY_DEAD',
  'X_HELLO_REFUSED',
  'X_ENDPOINT_POLICY',
  'X_CONN_MASKS',
]);

const EXPECT_REPLY = 0;
const SIGNAL = 2;

/** The refusal an X_HELLO_REFUSED item (and the CONN_DESCRIPTION after it) reports. */
function refusalOf(items: readonly KdbusItem[]): HelloRefusal | null {
  const it = findItem(items, 'X_HELLO_REFUSED');
  if (!it) return null;
  const r = it.hello_refused;
  const missing = u64ToBigInt(r.attach_flags_req) & ~u64ToBigInt(r.attach_flags_send);
  return {
    pid: u64ToNumber(r.pid),
    uid: u64ToNumber(r.uid),
    gid: u64ToNumber(r.gid),
    comm: r.comm,
    description: findItem(items, 'CONN_DESCRIPTION')?.str ?? null,
    helloFlags: r.flagNames,
    sendMask: r.sendNames,
    requiredMask: r.reqNames,
    missing: flagNames(u64FromBigInt(missing), ATTACH_FLAGS),
  };
}

function notificationOf(items: readonly KdbusItem[]): { kind: NotificationKind; subject: NotificationSubject | null } | null {
  for (const it of items) {
    if (!NOTIFICATIONS.has(it.typeName)) continue;
    // A refused HELLO is about no connection (none was made): no subject, the refusal says the rest.
    if (it.typeName === 'X_HELLO_REFUSED') return { kind: 'HELLO_REFUSED', subject: null };
    if (it.typeName === 'X_CONN_MASKS') {
      return { kind: 'CONN_MASKS', subject: { id: u64ToNumber(it.conn_masks.id), name: null, oldOwner: null, newOwner: null } };
    }
    if (it.typeName === 'X_ENDPOINT_POLICY') {
      return { kind: 'ENDPOINT_POLICY', subject: { id: null, name: it.str, oldOwner: null, newOwner: null } };
    }
    const subject: NotificationSubject = { id: null, name: null, oldOwner: null, newOwner: null };
    if (it.typeName === 'ID_ADD' || it.typeName === 'ID_REMOVE') subject.id = u64ToNumber(it.id_change.id);
    if (it.typeName === 'NAME_ADD' || it.typeName === 'NAME_REMOVE' || it.typeName === 'NAME_CHANGE') {
      const nc = it.name_change;
      subject.name = nc.name;
      subject.oldOwner = nc.old_id.id === 0 ? null : u64ToNumber(nc.old_id.id);
      subject.newOwner = nc.new_id.id === 0 ? null : u64ToNumber(nc.new_id.id);
    }
    return { kind: it.typeName as NotificationKind, subject };
  }
  return null;
}

/** Builds the entry (unpaired: replyTo/reply/outcome/latencyNs null). */
export function messageEntry(e: MessageEvent, index: number, eventIndex: EventIndex, world: World): MessageEntry {
  const msg = e.msg;
  const md = metadataOf(msg.items);
  const bus = world.buses.get(e.bus);
  const sender = u64ToNumber(msg.src_id);
  const broadcast = u64Equals(msg.dst_id, KDBUS_DST_ID_BROADCAST);
  const destinationName = findItem(msg.items, 'DST_NAME')?.str ?? null;
  let destination: number | null = null;
  if (!broadcast) {
    destination =
      msg.dst_id === 0 ? (destinationName !== null ? (bus?.names.get(destinationName)?.primary?.id ?? null) : null) : u64ToNumber(msg.dst_id);
  }
  const destinationNames = destination !== null ? [...(bus?.connections.get(destination)?.names.primary ?? [])] : [];
  if (destinationName !== null && !destinationNames.includes(destinationName)) destinationNames.unshift(destinationName);
  const senderNames = md.ownedNames.length
    ? md.ownedNames.map((n) => n.name)
    : [...(bus?.connections.get(sender)?.names.primary ?? [])];

  const { summary: dbus, error: dbusError } = dbusHeaderSummary(msg);
  const note = sender === 0 && msg.payload_type === 0 ? notificationOf(msg.items) : null;
  const refused = note?.kind === 'HELLO_REFUSED' ? refusalOf(msg.items) : null;
  const receiversItem = findItem(msg.items, 'X_RECEIVERS');
  const expectReply = u64HasBit(msg.flags, EXPECT_REPLY);
  let messageKind: MessageKind;
  if (note) messageKind = 'notification';
  else if (u64HasBit(msg.flags, SIGNAL)) messageKind = broadcast ? 'signal' : 'unicast-signal';
  else if (expectReply) messageKind = 'method-call';
  else if (msg.cookie_reply !== 0) messageKind = dbus?.type === 'error' ? 'error' : 'method-return';
  else messageKind = 'method-call'; // a call that wants no reply

  return {
    kind: 'message',
    index,
    eventIndex,
    seq: e.seq,
    time: e.time,
    bus: e.bus,
    messageKind,
    notification: note?.kind ?? null,
    subject: note?.subject ?? null,
    refused,
    sender,
    senderNames,
    destination,
    destinationName,
    destinationNames,
    broadcast,
    receivers: receiversItem ? receiversItem.ids.map(u64ToNumber) : null,
    cookie: msg.cookie,
    cookieReply: msg.cookie_reply,
    expectReply,
    timestamp: md.timestamp,
    dbus,
    dbusError,
    payload: payloadSummary(msg),
    replyTo: null,
    reply: null,
    outcome: null,
    latencyNs: null,
    event: e,
  };
}
