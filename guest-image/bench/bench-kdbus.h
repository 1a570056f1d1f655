/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kdbus benchmark programs (ipc-bench, memfd-steps, trace-load) share: a
 * connection with its mapped pool, FREE, making a bus, finding an item in
 * a received message, and how a receiver "consumes" a payload
 * (page_sum()). The including program defines die(), which reports what
 * failed and exits.
 */
#ifndef KP_BENCH_KDBUS_H
#define KP_BENCH_KDBUS_H

#include <fcntl.h>
#include <linux/kdbus.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench-util.h"

/* a program may size its pools itself by defining POOL_SIZE first */
#ifndef POOL_SIZE
#define POOL_SIZE	(16u << 20)
#endif
#define PAGE		4096u
/* the bloom filter size of make_bus()'s buses, which a broadcast's filter must match */
#define BLOOM_SIZE	64u

struct conn {
	int fd;
	uint64_t id;
	const uint8_t *pool;
};

static void die(const char *what);

static inline void pool_free(const struct conn *c, uint64_t offset)
{
	struct kdbus_cmd_free cmd = { .size = sizeof(cmd), .offset = offset };

	if (ioctl(c->fd, KDBUS_CMD_FREE, &cmd) < 0)
		die("KDBUS_CMD_FREE");
}

/* A bus named `name` ("<uid>-..."); returns the fd that keeps it alive. */
static inline int make_bus(const char *name)
{
	_Alignas(8) uint8_t buf[256] = { 0 };
	struct kdbus_cmd *cmd = (struct kdbus_cmd *)buf;
	struct kdbus_bloom_parameter bloom = { .size = BLOOM_SIZE, .n_hash = 1 };
	uint8_t *pos = (uint8_t *)cmd->items;
	int fd = open("/sys/fs/kdbus/control", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /sys/fs/kdbus/control");
	put_item(&pos, KDBUS_ITEM_MAKE_NAME, name, strlen(name) + 1);
	put_item(&pos, KDBUS_ITEM_BLOOM_PARAMETER, &bloom, sizeof(bloom));
	cmd->size = pos - buf;
	if (ioctl(fd, KDBUS_CMD_BUS_MAKE, cmd) < 0)
		die("KDBUS_CMD_BUS_MAKE");
	return fd;
}

/* The first item of `type` in a message in the pool, or NULL. */
static inline const struct kdbus_item *find_item(const struct kdbus_msg *msg, uint64_t type)
{
	const struct kdbus_item *item = msg->items;

	while ((const uint8_t *)item < (const uint8_t *)msg + msg->size) {
		if (item->type == type)
			return item;
		item = KDBUS_ITEM_NEXT(item);
	}
	return NULL;
}

/* The receiver's "consumption" of a 1 MiB payload: byte p of every 4 KiB page p, summed. */
static inline uint64_t page_sum(const uint8_t *p, size_t len)
{
	uint64_t sum = 0;
	size_t off, page;

	for (off = 0, page = 0; off < len; off += PAGE, page++)
		sum += p[off + page % PAGE];
	return sum;
}

#endif
