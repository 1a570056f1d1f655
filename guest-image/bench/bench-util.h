/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest benchmark programs (ipc-bench, trace-load) share: the
 * monotonic clock in ns and appending a kdbus item to a command buffer.
 */
#ifndef KP_BENCH_UTIL_H
#define KP_BENCH_UTIL_H

#include <linux/kdbus.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Appends an item at *pos (data NULL: zero-filled) and moves *pos past it, 8-aligned. */
static inline void put_item(uint8_t **pos, uint64_t type, const void *data, size_t len)
{
	struct kdbus_item *item = (struct kdbus_item *)*pos;

	item->size = KDBUS_ITEM_HEADER_SIZE + len;
	item->type = type;
	if (data)
		memcpy(item->data, data, len);
	else
		memset(item->data, 0, len);
	*pos += KDBUS_ALIGN8(item->size);
}

#endif
