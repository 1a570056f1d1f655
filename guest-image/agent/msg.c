// SPDX-License-Identifier: GPL-2.0
/*
 * msg.c: a message from the monitor's pool, rewritten for the host (the
 * KDBUS_MSG field of docs/trace-protocol.md): the kdbus_msg and its items
 * as received, except that every PAYLOAD_OFF item becomes a PAYLOAD_INLINE
 * item carrying the bytes it points at, and every PAYLOAD_MEMFD item is
 * followed by a PAYLOAD_INLINE item with the memfd's bytes. At most
 * MSG_PAYLOAD_BUDGET bytes of payload are kept per message, counted over
 * its parts in order; a part that did not fit is cut (its full size stays
 * in the item).
 *
 * The payload lives after kdbus_msg.size in the slice (spec 6.13) and is
 * only reached through PAYLOAD_OFF offsets, which are relative to the
 * message; every offset is checked against the slice before it is used.
 */
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define ITEM_HDR	16
#define INLINE_HDR	(ITEM_HDR + 16)	/* item header, full size, source */

enum { SRC_VEC = 0, SRC_MEMFD = 1 };

/*
 * Appends a PAYLOAD_INLINE item for a part of @size bytes: from @data (a
 * vector in the slice; NULL for a padding vector, kept as zeros) or read
 * from @memfd at @start. Returns the offset of the item's end (unpadded)
 * in the open field, or 0 if the event ran out of room.
 */
static size_t inline_part(uint64_t size, int src, const uint8_t *data,
			  int memfd, uint64_t start, size_t *budget)
{
	size_t keep = size < *budget ? size : *budget;
	size_t at = ev_open_len();
	uint8_t *p = ev_grow(ALIGN8(INLINE_HDR + keep));
	uint64_t h[4];

	if (!p)
		return 0;
	if (src == SRC_MEMFD) {
		ssize_t n = memfd < 0 ? 0 : pread(memfd, p + INLINE_HDR, keep, start);

		keep = n < 0 ? 0 : (size_t)n;
		ev_trim(at + ALIGN8(INLINE_HDR + keep));
	} else if (data) {
		memcpy(p + INLINE_HDR, data, keep);
	}
	h[0] = INLINE_HDR + keep;
	h[1] = F_PAYLOAD_INLINE;
	h[2] = size;
	h[3] = src;
	memcpy(p, h, sizeof(h));
	*budget -= keep;
	return at + INLINE_HDR + keep;
}

/* Copies an item as it is (with zero padding); returns its unpadded end. */
static size_t copy_item(const struct kdbus_item *it)
{
	size_t at = ev_open_len();
	uint8_t *p = ev_grow(ALIGN8(it->size));

	if (!p)
		return 0;
	memcpy(p, it, it->size);
	return at + it->size;
}

/* The vector's bytes in the slice, or NULL (padding vector, or bad offset) */
static const uint8_t *vec_data(const struct kdbus_msg *msg, size_t slice,
			       const struct kdbus_vec *v)
{
	if (v->offset == ~0ULL || v->offset > slice || v->size > slice - v->offset)
		return NULL;
	return (const uint8_t *)msg + v->offset;
}

#define for_each_msg_item(it, msg, end)					\
	for ((it) = (msg)->items;					\
	     (const uint8_t *)(it) + ITEM_HDR <= (end) &&		\
	     (it)->size >= ITEM_HDR &&					\
	     (const uint8_t *)(it) + (it)->size <= (end);		\
	     (it) = KDBUS_ITEM_NEXT(it))

void msg_field(const struct kdbus_msg *msg, size_t slice)
{
	const uint8_t *end = (const uint8_t *)msg +
			     (msg->size < slice ? msg->size : slice);
	const struct kdbus_item *it;
	size_t budget = MSG_PAYLOAD_BUDGET, size = sizeof(*msg);
	struct kdbus_msg *out;

	ev_open(F_KDBUS_MSG);
	out = ev_grow(sizeof(*msg));
	if (!out)
		return;
	memcpy(out, msg, sizeof(*msg));
	for_each_msg_item(it, msg, end) {
		switch (it->type) {
		case KDBUS_ITEM_PAYLOAD_OFF:
			size = inline_part(it->vec.size, SRC_VEC,
					   vec_data(msg, slice, &it->vec),
					   -1, 0, &budget);
			break;
		case KDBUS_ITEM_PAYLOAD_MEMFD:
			size = copy_item(it);
			if (size)
				size = inline_part(it->memfd.size, SRC_MEMFD,
						   NULL, it->memfd.fd,
						   it->memfd.start, &budget);
			break;
		default:
			size = copy_item(it);
			break;
		}
		if (!size)
			return;
	}
	/* like kdbus: the size ends with the last item's data, no padding */
	out = ev_at(0);
	out->size = size;
	ev_trim(size);
	ev_close();
}

/* The monitor owns every descriptor RECV installed: close them all. */
void msg_close_fds(const struct kdbus_msg *msg, size_t slice)
{
	const uint8_t *end = (const uint8_t *)msg +
			     (msg->size < slice ? msg->size : slice);
	const struct kdbus_item *it;

	for_each_msg_item(it, msg, end) {
		if (it->type == KDBUS_ITEM_PAYLOAD_MEMFD && it->memfd.fd >= 0) {
			close(it->memfd.fd);
		} else if (it->type == KDBUS_ITEM_FDS) {
			size_t n = (it->size - ITEM_HDR) / sizeof(int);

			for (size_t i = 0; i < n; i++)
				if (it->fds[i] >= 0)
					close(it->fds[i]);
		}
	}
}
