// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - kernel notifications (spec 6.10).
 *
 * Locking: bus->notify_list is protected by bus->lock. Notifications are
 * queued while an operation runs and delivered by kdbus_notify_flush()
 * once it completed, in generation order, still under bus->lock.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "bus.h"
#include "connection.h"
#include "message.h"
#include "notify.h"

static void kdbus_notify_add(struct kdbus_bus *bus, struct kdbus_staging *s)
{
	if (s)
		list_add_tail(&s->entry, &bus->notify_list);
}

void kdbus_notify_id_change(struct kdbus_bus *bus, u64 type, u64 id,
			    u64 flags)
{
	struct kdbus_staging *s;

	s = kdbus_staging_new_kernel(bus, KDBUS_DST_ID_BROADCAST, 0, type,
				     sizeof(struct kdbus_notify_id_change));
	if (!s)
		return;
	s->msg->items[0].id_change.id = id;
	s->msg->items[0].id_change.flags = flags;
	kdbus_notify_add(bus, s);
}

void kdbus_notify_name_change(struct kdbus_bus *bus, u64 type,
			      u64 old_id, u64 old_flags,
			      u64 new_id, u64 new_flags, const char *name)
{
	size_t len = strlen(name) + 1;
	struct kdbus_notify_name_change *nc;
	struct kdbus_staging *s;

	s = kdbus_staging_new_kernel(bus, KDBUS_DST_ID_BROADCAST, 0, type,
				     sizeof(*nc) + len);
	if (!s)
		return;
	nc = &s->msg->items[0].name_change;
	nc->old_id.id = old_id;
	nc->old_id.flags = old_flags;
	nc->new_id.id = new_id;
	nc->new_id.flags = new_flags;
	memcpy(nc->name, name, len);
	kdbus_notify_add(bus, s);
}

void kdbus_notify_reply_timeout(struct kdbus_bus *bus, u64 id, u64 cookie)
{
	kdbus_notify_add(bus, kdbus_staging_new_kernel(bus, id, cookie,
					KDBUS_ITEM_REPLY_TIMEOUT, 0));
}

void kdbus_notify_reply_dead(struct kdbus_bus *bus, u64 id, u64 cookie)
{
	kdbus_notify_add(bus, kdbus_staging_new_kernel(bus, id, cookie,
					KDBUS_ITEM_REPLY_DEAD, 0));
}

/**
 * kdbus_notify_flush() - deliver all pending notifications of a bus
 * @bus:	bus (locked)
 */
void kdbus_notify_flush(struct kdbus_bus *bus)
{
	struct kdbus_staging *s;

	lockdep_assert_held(&bus->lock);
	while ((s = list_first_entry_or_null(&bus->notify_list,
					     struct kdbus_staging, entry))) {
		list_del_init(&s->entry);
		if (s->msg->dst_id == KDBUS_DST_ID_BROADCAST)
			kdbus_bus_broadcast(bus, NULL, s);
		else
			kdbus_bus_notify_unicast(bus, s);
		kdbus_staging_free(s);
	}
}
