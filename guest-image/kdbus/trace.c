// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - the trace extension for monitors (project extension, not
 * upstream; NOTES.md "Trace extension").
 *
 * A monitor sees every message, but not what became of it: who received a
 * broadcast, who was refused at HELLO, what a connection asked for. A
 * monitor that passes KDBUS_ITEM_X_TRACE at HELLO is told:
 *
 *  - RECEIVERS: each copy of a signal (broadcast, unicast signal, kernel
 *    broadcast notification) carries KDBUS_ITEM_X_RECEIVERS after its
 *    metadata: the IDs of the connections the signal was queued on, in
 *    delivery order. send.c builds the receivers' copies first and queues
 *    them after the monitors' copies, so spec 12's order is kept.
 *  - REFUSED: a HELLO refused with ECONNREFUSED (extension, spec 15)
 *    arrives as a kernel message with an X_HELLO_REFUSED item.
 *  - CONN_MASKS: CONN_INFO answers begin with the target's ATTACH_FLAGS_SEND
 *    and ATTACH_FLAGS_RECV items, and an UPDATE that sets either mask of a
 *    visible connection arrives as a kernel message with X_CONN_MASKS.
 *  - ENDPOINTS: a custom endpoint's policy arrives as a kernel message with
 *    an X_ENDPOINT_POLICY item (the endpoint's name) followed by the NAME
 *    and POLICY_ACCESS items that would upload it: for every custom
 *    endpoint when the monitor connects, and at each ENDPOINT_MAKE and
 *    ENDPOINT_UPDATE.
 *
 * Without the item every byte and errno is that of the spec.
 *
 * Locking: the receivers fields of a staging object are set and cleared
 * under bus->lock, around the monitors' copies. Policy reports run under
 * bus->lock (policy databases); the snapshot takes references on the bus
 * node's children first, as kdbus_node_lock is a leaf.
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uidgid.h>

#include "bus.h"
#include "connection.h"
#include "endpoint.h"
#include "item.h"
#include "message.h"
#include "policy.h"
#include "queue.h"
#include "trace.h"
#include "util.h"

/*
 * Queues a kernel report on one monitor and frees it; no memory for it, or a
 * full queue, counts as a dropped message like any other.
 */
static void kdbus_trace_queue(struct kdbus_conn *mon, struct kdbus_staging *s)
{
	struct kdbus_queue_entry *e;

	e = s ? kdbus_queue_entry_new(mon, s, s->user) : ERR_PTR(-ENOMEM);
	if (IS_ERR(e))
		kdbus_conn_lost_message(mon);
	else
		kdbus_queue_entry_enqueue(e, NULL);
	kdbus_staging_free(s);
}

/**
 * kdbus_trace_hello_flags() - validate the X_TRACE item of a HELLO
 * @hello:	the command
 * @item:	the X_TRACE item, or NULL
 * @flags:	set to the requested trace flags
 *
 * Return: 0, or -EINVAL for a non-monitor or unknown bits.
 */
int kdbus_trace_hello_flags(const struct kdbus_cmd_hello *hello,
			    const struct kdbus_item *item, u64 *flags)
{
	*flags = 0;
	if (!item)
		return 0;
	if (!(hello->flags & KDBUS_HELLO_MONITOR))
		return -EINVAL;
	if (item->data64[0] & ~(u64)_KDBUS_X_TRACE_ALL)
		return -EINVAL;
	*flags = item->data64[0];
	return 0;
}

/* one refusal report for @mon, in its namespaces */
static struct kdbus_staging *
kdbus_trace_refused_new(struct kdbus_bus *bus, struct kdbus_conn *mon,
			struct file *file, const struct kdbus_cmd_hello *hello,
			u64 send, const char *description)
{
	struct user_namespace *ns = mon->cred->user_ns;
	size_t dlen = description ? strlen(description) + 1 : 0;
	struct kdbus_x_hello_refused *r;
	struct kdbus_staging *s;
	struct kdbus_item *item;

	s = kdbus_staging_new_kernel(bus, KDBUS_DST_ID_BROADCAST, 0,
				     KDBUS_ITEM_X_HELLO_REFUSED,
				     sizeof(*r) + (dlen ?
				     KDBUS_ITEM_HEADER_SIZE + dlen : 0));
	if (!s)
		return NULL;
	item = s->msg->items;
	item->size = KDBUS_ITEM_HEADER_SIZE + sizeof(*r);
	r = (struct kdbus_x_hello_refused *)item->data;
	r->flags = hello->flags;
	r->attach_flags_send = send;
	r->attach_flags_req = bus->attach_flags_req;
	r->pid = task_tgid_nr_ns(current, ns_of_pid(mon->pid));
	r->uid = from_kuid_munged(ns, file->f_cred->uid);
	r->gid = from_kgid_munged(ns, file->f_cred->gid);
	get_task_comm(r->comm, current);
	if (dlen) {
		item = KDBUS_ITEM_NEXT(item);
		item->size = KDBUS_ITEM_HEADER_SIZE + dlen;
		item->type = KDBUS_ITEM_CONN_DESCRIPTION;
		memcpy(item->str, description, dlen);
	}
	return s;
}

/**
 * kdbus_trace_hello_refused() - tell trace monitors about a refused HELLO
 * @ep:		endpoint the HELLO was called on
 * @file:	the caller's handle
 * @hello:	the command
 * @send:	its sanitized send mask
 * @description: its CONN_DESCRIPTION, or NULL
 *
 * Queued on every monitor of the bus that asked for REFUSED; a monitor
 * whose queue is full counts it as dropped, like any other message.
 */
void kdbus_trace_hello_refused(struct kdbus_ep *ep, struct file *file,
			       const struct kdbus_cmd_hello *hello, u64 send,
			       const char *description)
{
	struct kdbus_bus *bus = ep->bus;
	struct kdbus_conn *mon;

	mutex_lock(&bus->lock);
	list_for_each_entry(mon, &bus->monitors_list, bus_entry) {
		if (!(mon->trace_flags & KDBUS_X_TRACE_REFUSED) ||
		    !kdbus_conn_active(mon))
			continue;
		kdbus_trace_queue(mon, kdbus_trace_refused_new(bus, mon, file,
							       hello, send,
							       description));
	}
	mutex_unlock(&bus->lock);
}

/**
 * kdbus_trace_conn_masks() - report a connection's new attach masks
 *			      (bus->lock held)
 * @conn:	a connection whose UPDATE set ATTACH_FLAGS_SEND/RECV
 *
 * Monitors stay invisible: their own UPDATEs are not reported.
 */
void kdbus_trace_conn_masks(struct kdbus_conn *conn)
{
	struct kdbus_x_conn_masks *x;
	struct kdbus_staging *s;
	struct kdbus_conn *mon;

	if (!conn->linked)
		return;
	list_for_each_entry(mon, &conn->bus->monitors_list, bus_entry) {
		if (!(mon->trace_flags & KDBUS_X_TRACE_CONN_MASKS) ||
		    !kdbus_conn_active(mon))
			continue;
		s = kdbus_staging_new_kernel(conn->bus, KDBUS_DST_ID_BROADCAST,
					     0, KDBUS_ITEM_X_CONN_MASKS,
					     sizeof(*x));
		if (s) {
			x = (struct kdbus_x_conn_masks *)s->msg->items[0].data;
			x->id = conn->id;
			x->attach_flags_send = conn->attach_flags_send;
			x->attach_flags_recv = conn->attach_flags_recv;
		}
		kdbus_trace_queue(mon, s);
	}
}

/* One policy report of @ep for @mon, IDs in @mon's user namespace. */
static struct kdbus_staging *kdbus_trace_ep_new(struct kdbus_conn *mon,
						struct kdbus_ep *ep)
{
	struct user_namespace *ns = mon->cred->user_ns;
	size_t nlen = strlen(ep->node.name) + 1, plen, payload;
	struct kdbus_staging *s;
	struct kdbus_item *item;

	plen = kdbus_policy_db_write(&ep->policy_db, ns, NULL);
	payload = plen ? KDBUS_ALIGN8(nlen) + plen : nlen;
	s = kdbus_staging_new_kernel(ep->bus, KDBUS_DST_ID_BROADCAST, 0,
				     KDBUS_ITEM_X_ENDPOINT_POLICY, payload);
	if (!s)
		return NULL;
	item = s->msg->items;
	item->size = KDBUS_ITEM_HEADER_SIZE + nlen;
	memcpy(item->str, ep->node.name, nlen);
	if (plen)
		kdbus_policy_db_write(&ep->policy_db, ns,
				      (u8 *)KDBUS_ITEM_NEXT(item));
	return s;
}

/**
 * kdbus_trace_ep_policy() - report a custom endpoint's policy (bus->lock
 *			     held)
 * @ep:		the endpoint, after ENDPOINT_MAKE or a successful UPDATE
 */
void kdbus_trace_ep_policy(struct kdbus_ep *ep)
{
	struct kdbus_conn *mon;

	list_for_each_entry(mon, &ep->bus->monitors_list, bus_entry)
		if ((mon->trace_flags & KDBUS_X_TRACE_ENDPOINTS) &&
		    kdbus_conn_active(mon))
			kdbus_trace_queue(mon, kdbus_trace_ep_new(mon, ep));
}

/**
 * kdbus_trace_ep_snapshot() - report every custom endpoint to a monitor
 *			       that just connected (bus->lock held)
 * @mon:	the monitor
 */
void kdbus_trace_ep_snapshot(struct kdbus_conn *mon)
{
	struct kdbus_node **nodes;
	struct kdbus_ep *ep;
	unsigned int i, n;

	if (!(mon->trace_flags & KDBUS_X_TRACE_ENDPOINTS))
		return;
	nodes = kdbus_node_children(&mon->bus->node, KDBUS_NODE_ENDPOINT, &n);
	for (i = 0; i < n; i++) {
		ep = kdbus_ep_from_node(nodes[i]);
		if (ep->is_custom)
			kdbus_trace_queue(mon, kdbus_trace_ep_new(mon, ep));
		kdbus_node_unref(nodes[i]);
	}
	kfree(nodes);
}

static bool kdbus_trace_wanted(struct kdbus_bus *bus, u64 flag)
{
	struct kdbus_conn *mon;

	list_for_each_entry(mon, &bus->monitors_list, bus_entry)
		if (mon->trace_flags & flag)
			return true;
	return false;
}

/**
 * kdbus_trace_receivers_set() - record a signal's receivers (bus->lock held)
 * @s:		the signal
 * @pending:	its receivers' entries, built but not queued yet
 *
 * Without memory the monitors' copies go without the item.
 */
void kdbus_trace_receivers_set(struct kdbus_staging *s,
			       struct list_head *pending)
{
	struct kdbus_queue_entry *e;
	unsigned int n = 0;

	if (!kdbus_trace_wanted(s->bus, KDBUS_X_TRACE_RECEIVERS))
		return;
	list_for_each_entry(e, pending, entry)
		n++;
	s->rcv_ids = kmalloc_array(max(n, 1U), sizeof(u64), GFP_KERNEL);
	if (!s->rcv_ids)
		return;
	n = 0;
	list_for_each_entry(e, pending, entry)
		s->rcv_ids[n++] = e->conn->id;
	s->n_rcv = n;
}

/**
 * kdbus_trace_receivers_clear() - forget the receivers once the monitors'
 *				   copies are built
 * @s:		the signal
 */
void kdbus_trace_receivers_clear(struct kdbus_staging *s)
{
	kfree(s->rcv_ids);
	s->rcv_ids = NULL;
	s->n_rcv = 0;
}

/**
 * kdbus_trace_emit() - the X_RECEIVERS item of a monitor's copy
 * @s:		staged message
 * @dst:	receiver of the copy
 * @buf:	where to write it, or NULL to measure
 *
 * Return: item size (a multiple of 8), 0 if @dst gets none.
 */
size_t kdbus_trace_emit(const struct kdbus_staging *s,
			const struct kdbus_conn *dst, u8 *buf)
{
	struct kdbus_item *item = (struct kdbus_item *)buf;
	size_t size;

	if (!s->rcv_ids || !kdbus_conn_is_monitor(dst) ||
	    !(dst->trace_flags & KDBUS_X_TRACE_RECEIVERS))
		return 0;
	size = KDBUS_ITEM_HEADER_SIZE + s->n_rcv * sizeof(u64);
	if (item) {
		item->size = size;
		item->type = KDBUS_ITEM_X_RECEIVERS;
		memcpy(item->data64, s->rcv_ids, s->n_rcv * sizeof(u64));
	}
	return size;
}

/**
 * kdbus_trace_info_prefix() - bytes CONN_INFO puts before the metadata
 * @conn:	the caller
 *
 * Return: room for two u64 items if @conn asked for CONN_MASKS, else 0.
 */
size_t kdbus_trace_info_prefix(const struct kdbus_conn *conn)
{
	if (!(conn->trace_flags & KDBUS_X_TRACE_CONN_MASKS))
		return 0;
	return 2 * KDBUS_ITEM_SIZE(sizeof(u64));
}

/**
 * kdbus_trace_info_masks() - write the target's masks into the prefix
 * @info:	CONN_INFO record built with kdbus_trace_info_prefix() bytes
 * @target:	the connection described
 */
void kdbus_trace_info_masks(struct kdbus_info *info,
			    const struct kdbus_conn *target)
{
	struct kdbus_item *item = info->items;

	item->size = KDBUS_ITEM_SIZE(sizeof(u64));
	item->type = KDBUS_ITEM_ATTACH_FLAGS_SEND;
	item->data64[0] = target->attach_flags_send;
	item = KDBUS_ITEM_NEXT(item);
	item->size = KDBUS_ITEM_SIZE(sizeof(u64));
	item->type = KDBUS_ITEM_ATTACH_FLAGS_RECV;
	item->data64[0] = target->attach_flags_recv;
}
