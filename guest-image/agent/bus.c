// SPDX-License-Identifier: GPL-2.0
/*
 * bus.c: one bus as the agent sees it: its endpoints (the files of its
 * directory), a monitor connection (spec section 12) on its "bus" file,
 * and the events about it: BUS_ADD and the rest of its snapshot, MESSAGE
 * for everything the monitor receives, CONN_ADD/CONN_REMOVE/NAMES for the
 * kernel notifications among them, LOSS when the kernel dropped messages.
 *
 * The monitor is invisible (no ID_ADD, not in LIST) but takes a connection
 * ID like any HELLO. It is accounted (spec 14) to the agent's own uid
 * AGENT_UID through fake credentials, which a privileged HELLO may give
 * (spec 13.6): so it never uses up one of the 1024 connections root, or
 * the bus owner, may have in a domain. It asks for the project's trace
 * extension (kdbus NOTES.md): its copies of signals name their receivers,
 * refused HELLOs and custom endpoints' policies reach it as kernel
 * messages, and CONN_INFO tells it each connection's attach masks; all of
 * that travels in the raw kdbus structures of MESSAGE and CONN_ADD.
 *
 * Life of a struct bus: made when its directory shows up (WAITING), LIVE
 * once HELLO worked and BUS_ADD was sent, GONE when the monitor hung up
 * (the bus was shut down), removed when the directory is gone. Removed
 * buses stay allocated (dead) until the event loop's iteration ends, as
 * epoll may still hand out their pointer.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent.h"

/*
 * Only touched pages cost memory; big enough for bursts (spec 14.2 gives
 * one sending user a third of half the pool, 2.7 MB, queued at a time).
 */
#define POOL_SIZE	(16 * 1024 * 1024)
#define AGENT_UID	101	/* kdbus-agent in /etc/passwd */
#define AGENT_GID	101
#define UNSET_ID	0xffffffffULL
#define DRAIN_MAX	256	/* messages read from a bus being removed */

int bus_all_paused;
static uint64_t next_bus_ref;

static int kcmd(struct bus *b, unsigned long req, void *cmd)
{
	return ioctl(b->fd, req, cmd) < 0 ? errno : 0;
}

static void pool_free(struct bus *b, uint64_t offset)
{
	struct kdbus_cmd_free f = { .size = sizeof(f), .offset = offset };

	if (offset < POOL_SIZE)
		ioctl(b->fd, KDBUS_CMD_FREE, &f);
}

/* A slice the kernel handed out, checked against the pool. */
static const void *pool_at(struct bus *b, uint64_t offset, uint64_t size)
{
	if (offset >= POOL_SIZE || size > POOL_SIZE - offset)
		return NULL;
	return b->pool + offset;
}

struct bus *bus_new(struct domain *d, const char *name, ino_t ino)
{
	struct bus *b = calloc(1, sizeof(*b));
	size_t len = strlen(d->path) + strlen(name) + 2;

	if (!b)
		return NULL;
	b->name = strdup(name);
	b->dir = malloc(len);
	if (!b->name || !b->dir) {
		free(b->name);
		free(b->dir);
		free(b);
		return NULL;
	}
	str_join(b->dir, len, d->path, "/", name);
	b->ref = ++next_bus_ref;
	b->domain_ref = d->ref;
	b->ino = ino;
	b->wd = -1;
	b->fd = -1;
	b->state = BUS_WAITING;
	return b;
}

/*
 * Events
 */

static void ev_bus_add(struct bus *b)
{
	struct kdbus_cmd_info cmd = { .size = sizeof(cmd),
				      .attach_flags = _KDBUS_ATTACH_ALL };
	uint8_t info[40];	/* flags, id128, bloom size, bloom n_hash */
	char path[PATH_MAX];
	const void *creator = NULL;

	memcpy(info, &b->bus_flags, 8);
	memcpy(info + 8, b->id128, 16);
	memcpy(info + 24, b->bloom, 16);
	str_join(path, sizeof(path), b->dir, "/", "bus");
	if (!kcmd(b, KDBUS_CMD_BUS_CREATOR_INFO, &cmd))
		creator = pool_at(b, cmd.offset, cmd.info_size);

	ev_begin(EV_BUS_ADD);
	ev_u64(F_DOMAIN, b->domain_ref);
	ev_u64(F_BUS, b->ref);
	ev_str(F_NAME, b->name);
	ev_stat(path);
	ev_put(F_BUS_INFO, info, sizeof(info));
	if (creator)
		ev_put(F_KDBUS_INFO, creator, cmd.info_size);
	ev_end();
	if (creator)
		pool_free(b, cmd.offset);
}

static void ev_endpoint(struct bus *b, const struct endpoint *ep, int add)
{
	char path[PATH_MAX];

	str_join(path, sizeof(path), b->dir, "/", ep->name);
	ev_begin(add ? EV_ENDPOINT_ADD : EV_ENDPOINT_REMOVE);
	ev_u64(F_BUS, b->ref);
	ev_str(F_NAME, ep->name);
	if (add)
		ev_stat(path);
	ev_end();
}

/* CONN_ADD with CONN_INFO, or the bare info if the connection is gone. */
static void ev_conn_add(struct bus *b, uint64_t id, uint64_t hello_flags,
			uint64_t flags)
{
	struct kdbus_cmd_info cmd = { .size = sizeof(cmd), .id = id,
				      .attach_flags = _KDBUS_ATTACH_ALL };
	struct kdbus_info bare = { .size = sizeof(bare), .id = id,
				   .flags = hello_flags };
	const struct kdbus_info *info = NULL;

	if (!kcmd(b, KDBUS_CMD_CONN_INFO, &cmd))
		info = pool_at(b, cmd.offset, cmd.info_size);
	ev_begin(EV_CONN_ADD);
	ev_u64(F_BUS, b->ref);
	ev_u64(F_ID, id);
	ev_u64(F_FLAGS, flags);
	if (info)
		ev_put(F_KDBUS_INFO, info, cmd.info_size);
	else
		ev_put(F_KDBUS_INFO, &bare, sizeof(bare));
	ev_end();
	if (info)
		pool_free(b, cmd.offset);
}

static void ev_conn_remove(struct bus *b, uint64_t id)
{
	ev_begin(EV_CONN_REMOVE);
	ev_u64(F_BUS, b->ref);
	ev_u64(F_ID, id);
	ev_end();
}

static void ev_loss(struct bus *b, uint64_t count)
{
	ev_begin(EV_LOSS);
	ev_u64(F_BUS, b->ref);
	ev_u64(F_COUNT, count);
	ev_reason(LOSS_KERNEL);
	ev_end();
}

/* Walks a LIST answer: kdbus_info records, each 8-aligned (spec 8.8). */
#define for_each_info(info, list, len)					\
	for ((info) = (const void *)(list);				\
	     (const uint8_t *)(info) + sizeof(*(info)) <=		\
		(const uint8_t *)(list) + (len) &&			\
	     (info)->size >= sizeof(*(info)) &&				\
	     (info)->size <= (size_t)((const uint8_t *)(list) + (len) -	\
				      (const uint8_t *)(info));		\
	     (info) = (const void *)((const uint8_t *)(info) +		\
				     ALIGN8((info)->size)))

/* LIST with @flags; returns the records (0 bytes: none) or NULL on error. */
static const uint8_t *list(struct bus *b, uint64_t flags, uint64_t *offset,
			   size_t *len)
{
	static const uint8_t empty[8];
	struct kdbus_cmd_list cmd = { .size = sizeof(cmd), .flags = flags };
	const uint8_t *p;

	*offset = POOL_SIZE;
	*len = 0;
	if (kcmd(b, KDBUS_CMD_LIST, &cmd))
		return NULL;
	if (cmd.offset == POOL_SIZE)
		return empty;
	p = pool_at(b, cmd.offset, cmd.list_size);
	if (p) {
		*offset = cmd.offset;
		*len = cmd.list_size;
	}
	return p;
}

/*
 * NAMES: the name table from LIST. Sent if @force or if it differs from
 * the one sent last (queueing for a name has no notification, so the
 * periodic tick compares).
 */
static void ev_names(struct bus *b, int force)
{
	const struct kdbus_info *info;
	const uint8_t *l;
	uint64_t offset;
	size_t len;
	uint8_t *copy;

	l = list(b, KDBUS_LIST_NAMES | KDBUS_LIST_ACTIVATORS | KDBUS_LIST_QUEUED,
		 &offset, &len);
	if (!l)
		return;
	b->names_dirty = 0;
	if (!force && len == b->names_len && !memcmp(l, b->names, len)) {
		pool_free(b, offset);
		return;
	}
	ev_begin(EV_NAMES);
	ev_u64(F_BUS, b->ref);
	for_each_info(info, l, len)
		ev_put(F_KDBUS_INFO, info, info->size);
	/* a dropped table is sent again by the next tick */
	copy = len ? malloc(len) : NULL;
	if (ev_end() && (copy || !len)) {
		if (len)
			memcpy(copy, l, len);
		free(b->names);
		b->names = copy;
		b->names_len = len;
	}
	pool_free(b, offset);
}

/* CONN_ADD (found by snapshot) for every connection LIST knows. */
static void ev_conns(struct bus *b)
{
	const struct kdbus_info *info;
	const uint8_t *l;
	uint64_t offset;
	size_t len;

	l = list(b, KDBUS_LIST_UNIQUE, &offset, &len);
	if (!l)
		return;
	for_each_info(info, l, len)
		ev_conn_add(b, info->id, info->flags, CONN_FOUND_BY_SNAPSHOT);
	pool_free(b, offset);
}

/* BUS_ADD, ENDPOINT_ADD for each endpoint, CONN_ADD each, NAMES */
void bus_snapshot(struct bus *b)
{
	const struct endpoint *ep;

	if (b->state != BUS_LIVE)
		return;
	ev_bus_add(b);
	for (ep = b->eps; ep; ep = ep->next)
		ev_endpoint(b, ep, 1);
	ev_conns(b);
	ev_names(b, 1);
}

/*
 * The monitor connection
 */

struct hello_buf {
	struct kdbus_cmd_hello h;
	uint8_t items[256];
} ALIGNED8;

static uint8_t *add_item(uint8_t *p, uint64_t type, const void *data,
			 size_t len)
{
	struct kdbus_item *it = (struct kdbus_item *)p;

	it->size = KDBUS_ITEM_HEADER_SIZE + len;
	it->type = type;
	memcpy(it->data, data, len);
	return p + KDBUS_ITEM_SIZE(len);
}

static int hello(struct bus *b, int fd)
{
	static const char desc[] = "kdbus-agent";
	const struct kdbus_creds creds = {
		AGENT_UID, AGENT_UID, AGENT_UID, AGENT_UID,
		AGENT_GID, AGENT_GID, AGENT_GID, AGENT_GID,
	};
	const uint64_t trace = KDBUS_X_TRACE_RECEIVERS | KDBUS_X_TRACE_REFUSED |
			       KDBUS_X_TRACE_CONN_MASKS |
			       KDBUS_X_TRACE_ENDPOINTS;
	struct hello_buf hb;
	const struct kdbus_item *it;
	uint8_t *p = hb.items;

	memset(&hb, 0, sizeof(hb));
	p = add_item(p, KDBUS_ITEM_CONN_DESCRIPTION, desc, sizeof(desc));
	p = add_item(p, KDBUS_ITEM_CREDS, &creds, sizeof(creds));
	/* trace extension: receivers, refused HELLOs, peers' attach masks */
	p = add_item(p, KDBUS_ITEM_X_TRACE, &trace, sizeof(trace));
	hb.h.size = p - (uint8_t *)&hb;
	hb.h.flags = KDBUS_HELLO_MONITOR;
	/* ~0: whatever a bus requires of its peers (spec 15) is granted */
	hb.h.attach_flags_send = _KDBUS_ATTACH_ANY;
	hb.h.attach_flags_recv = _KDBUS_ATTACH_ALL;
	hb.h.pool_size = POOL_SIZE;
	if (ioctl(fd, KDBUS_CMD_HELLO, &hb) < 0)
		return errno;

	b->fd = fd;
	b->pool = mmap(NULL, POOL_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (b->pool == MAP_FAILED) {
		b->pool = NULL;
		b->fd = -1;
		return errno;
	}
	b->bus_flags = hb.h.bus_flags;
	memcpy(b->id128, hb.h.id128, 16);
	it = pool_at(b, hb.h.offset, hb.h.items_size);
	if (it && hb.h.items_size >= 32 &&
	    it->type == KDBUS_ITEM_BLOOM_PARAMETER) {
		b->bloom[0] = it->bloom_parameter.size;
		b->bloom[1] = it->bloom_parameter.n_hash;
	}
	pool_free(b, hb.h.offset);
	return 0;
}

/* HELLO as a monitor; on success BUS_ADD and the rest of the snapshot. */
static void attach(struct bus *b)
{
	char path[PATH_MAX];
	int fd, err;

	str_join(path, sizeof(path), b->dir, "/", "bus");
	fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	err = fd < 0 ? errno : hello(b, fd);
	if (err) {
		if (fd >= 0)
			close(fd);
		b->state = BUS_FAILED;
		/* a bus going away while we came is not worth an error */
		if (err != ENOENT && err != ESHUTDOWN)
			ev_error(0, err, "no monitor on", path);
		return;
	}
	b->state = BUS_LIVE;
	b->announced = 1;
	b->paused = bus_all_paused;
	bus_snapshot(b);
	loop_add(b->fd, b->paused ? 0 : EPOLLIN, W_BUS, b);
	loop_bus_count(1);
}

static void detach(struct bus *b)
{
	if (b->fd < 0)
		return;
	loop_del(b->fd);
	munmap(b->pool, POOL_SIZE);
	close(b->fd);
	b->pool = NULL;
	b->fd = -1;
	loop_bus_count(-1);
}

/*
 * Endpoints: the files of the bus directory ("bus" and custom ones)
 */

static struct endpoint *ep_find(struct bus *b, const char *name)
{
	struct endpoint *ep;

	for (ep = b->eps; ep; ep = ep->next)
		if (!strcmp(ep->name, name))
			return ep;
	return NULL;
}

static void ep_seen(struct bus *b, const char *name, ino_t ino)
{
	struct endpoint *ep = ep_find(b, name);

	if (ep && ep->ino == ino) {
		ep->seen = 1;
		return;
	}
	/* a name with another inode is another endpoint: the old one left */
	if (ep)
		ep->seen = 0;
	ep = calloc(1, sizeof(*ep) + strlen(name) + 1);
	if (!ep)
		return;
	strcpy(ep->name, name);
	ep->ino = ino;
	ep->seen = 2;	/* new */
	ep->next = b->eps;
	b->eps = ep;
}

/* ENDPOINT_REMOVE for vanished endpoints, ENDPOINT_ADD for new ones */
static void ep_settle(struct bus *b)
{
	struct endpoint **pp = &b->eps, *ep;

	while ((ep = *pp)) {
		if (ep->seen) {
			pp = &ep->next;
			continue;
		}
		if (b->state == BUS_LIVE)
			ev_endpoint(b, ep, 0);
		*pp = ep->next;
		free(ep);
	}
	for (ep = b->eps; ep; ep = ep->next) {
		if (ep->seen == 2 && b->state == BUS_LIVE)
			ev_endpoint(b, ep, 1);
		ep->seen = 0;
	}
}

/*
 * Reads the bus directory: endpoints come and go, and once the "bus" file
 * is there the monitor connects. The directory disappearing is left to
 * the domain's scan.
 */
void bus_scan(struct bus *b)
{
	struct dirent *de;
	DIR *dir;

	b->dirty = 0;
	dir = opendir(b->dir);
	if (!dir)
		return;
	while ((de = readdir(dir)))
		if (de->d_type == DT_REG)
			ep_seen(b, de->d_name, de->d_ino);
	closedir(dir);
	ep_settle(b);
	if (b->state == BUS_WAITING && ep_find(b, "bus"))
		attach(b);
}

/*
 * Traffic
 */

/* The world events a kernel notification implies (spec 6.10). */
static void notification(struct bus *b, const struct kdbus_msg *msg,
			 size_t size)
{
	const uint8_t *end = (const uint8_t *)msg +
			     (msg->size < size ? msg->size : size);
	const struct kdbus_item *it;

	for (it = msg->items;
	     (const uint8_t *)it + KDBUS_ITEM_HEADER_SIZE <= end &&
	     it->size >= KDBUS_ITEM_HEADER_SIZE &&
	     (const uint8_t *)it + it->size <= end;
	     it = KDBUS_ITEM_NEXT(it)) {
		switch (it->type) {
		case KDBUS_ITEM_ID_ADD:
			ev_conn_add(b, it->id_change.id, it->id_change.flags, 0);
			break;
		case KDBUS_ITEM_ID_REMOVE:
			ev_conn_remove(b, it->id_change.id);
			break;
		case KDBUS_ITEM_NAME_ADD:
		case KDBUS_ITEM_NAME_REMOVE:
		case KDBUS_ITEM_NAME_CHANGE:
			b->names_dirty = 1;
			break;
		}
	}
}

static void message(struct bus *b, const struct kdbus_msg *msg, size_t size)
{
	ev_begin(EV_MESSAGE);
	ev_u64(F_BUS, b->ref);
	msg_field(msg, size);
	ev_end();
	if (msg->payload_type == KDBUS_PAYLOAD_KERNEL &&
	    msg->src_id == KDBUS_SRC_ID_KERNEL)
		notification(b, msg, size);
}

/* One RECV; returns 0, or an errno (EAGAIN: queue empty). */
static int receive_one(struct bus *b)
{
	struct kdbus_cmd_recv cmd = { .size = sizeof(cmd) };
	const struct kdbus_msg *msg;
	int err = kcmd(b, KDBUS_CMD_RECV, &cmd);

	/* counted on success and on EAGAIN alike (spec 4.12 step 7) */
	if (cmd.dropped_msgs)
		ev_loss(b, cmd.dropped_msgs);
	if (err)
		return err;
	msg = pool_at(b, cmd.msg.offset, cmd.msg.msg_size);
	if (msg && cmd.msg.msg_size >= sizeof(*msg)) {
		message(b, msg, cmd.msg.msg_size);
		msg_close_fds(msg, cmd.msg.msg_size);
	}
	pool_free(b, cmd.msg.offset);
	return 0;
}

/*
 * Reads up to @max messages (the rest waits for the next round of the
 * loop, so one busy bus cannot starve the others or the output). NAME_*
 * notifications among them are followed by one fresh NAMES.
 *
 * It also stops once the output ring is congested: the monitor's pool
 * buffers the rest (main.c pauses every bus until the ring is half empty),
 * so a burst bigger than the ring is not dropped by the agent (LOSS reason
 * 2) just because it was all queued when the agent woke up. Unless
 * @drain: a bus being removed is read as far as it goes, because the
 * kernel discards its monitor's queue without counting it.
 */
void bus_receive(struct bus *b, unsigned int max, int drain)
{
	int err = 0;

	if (b->state != BUS_LIVE)
		return;
	while (max-- && (drain || !out_congested()) && !(err = receive_one(b)))
		;
	if (b->names_dirty)
		ev_names(b, 1);
	if (err == ESHUTDOWN)
		bus_hangup(b);
	else if (err && err != EAGAIN)
		ev_error(b->ref, err, "RECV on", b->dir);
}

/* The monitor was disconnected: the bus is shut down. */
void bus_hangup(struct bus *b)
{
	if (b->state != BUS_LIVE)
		return;
	detach(b);
	b->state = BUS_GONE;
	discover_domain_dirty(b->domain_ref);
}

/* The periodic LIST (queueing for a name sends no notification) */
void bus_tick(struct bus *b)
{
	if (b->state == BUS_LIVE && !b->paused)
		ev_names(b, 0);
}

void bus_pause(struct bus *b, int pause)
{
	if (b->state != BUS_LIVE || b->paused == pause)
		return;
	b->paused = pause;
	loop_mod(b->fd, pause ? 0 : EPOLLIN, W_BUS, b);
}

/*
 * The bus directory is gone (or its domain): what the monitor still has
 * queued is reported, then BUS_REMOVE. The memory is freed by
 * bus_destroy() once the loop iteration is over.
 */
void bus_remove(struct bus *b, int inotify_fd)
{
	struct endpoint *ep;

	if (b->state == BUS_LIVE)
		bus_receive(b, DRAIN_MAX, 1);
	detach(b);
	if (b->announced) {
		ev_begin(EV_BUS_REMOVE);
		ev_u64(F_BUS, b->ref);
		ev_end();
	}
	if (b->wd >= 0)
		inotify_rm_watch(inotify_fd, b->wd);
	b->wd = -1;
	while ((ep = b->eps)) {
		b->eps = ep->next;
		free(ep);
	}
	b->dead = 1;
}

void bus_destroy(struct bus *b)
{
	free(b->names);
	free(b->name);
	free(b->dir);
	free(b);
}
