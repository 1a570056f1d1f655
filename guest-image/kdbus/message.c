// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - messages: SEND-time validation (6.3), descriptor import (6.4),
 * kernel notifications, and the layout in a receiver's pool (6.13).
 *
 * Locking: staging objects are private to one SEND (or to the bus notify
 * list, under bus->lock). kdbus_staging_emit() runs under bus->lock,
 * which also protects the bus's scratch buffer it assembles messages in,
 * and so do the metadata collection and the clock reads of a message.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include <uapi/linux/fcntl.h>

#include "bus.h"
#include "connection.h"
#include "domain.h"
#include "limits.h"
#include "message.h"
#include "metadata.h"
#include "names.h"
#include "pool.h"
#include "queue.h"
#include "trace.h"
#include "util.h"

/*
 * spec 6.14: the sequence number is taken when a message is staged; the
 * clocks only for TIMESTAMP items (kdbus_staging_clocks()).
 */
static void kdbus_staging_stamp(struct kdbus_staging *s)
{
	s->seqnum = atomic64_inc_return(&s->bus->last_seq);
}

/**
 * kdbus_staging_clocks() - read the clocks of a message's TIMESTAMP
 * @s:		staged message
 *
 * Kernel notifications read them when they are made. A user message reads
 * them when its first copy carrying a TIMESTAMP item is written (under
 * bus->lock, within the sender's SEND); later copies reuse the values, so
 * all receivers see the same timestamps. A message no receiver asks
 * TIMESTAMP of reads no clock.
 */
void kdbus_staging_clocks(struct kdbus_staging *s)
{
	if (s->has_clocks)
		return;
	s->ts_mono = ktime_get_ns();
	s->ts_real = ktime_get_real_ns();
	s->has_clocks = true;
}

void kdbus_staging_free(struct kdbus_staging *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->n_fds; i++)
		if (s->fds[i])
			fput(s->fds[i]);
	for (i = 0; i < s->n_memfds; i++)
		if (s->memfds[i])
			fput(s->memfds[i]);
	kfree(s->fds);
	if (s->vecs != s->vecs_inline)
		kfree(s->vecs);
	kfree(s->msg);
	kdbus_meta_proc_free(s->meta);
	kdbus_conn_unref(s->src);
	kfree(s);
}

static int kdbus_import_memfd(struct kdbus_staging *s,
			      const struct kdbus_memfd *m)
{
	const unsigned int need = F_SEAL_SHRINK | F_SEAL_GROW |
				  F_SEAL_WRITE | F_SEAL_SEAL;
	struct file *f;

	f = fget(m->fd);
	if (!f)
		return -EBADF;
	s->memfds[s->n_memfds++] = f;
	if (!shmem_file(f))
		return -EMEDIUMTYPE;
	if ((SHMEM_I(file_inode(f))->seals & need) != need)
		return -ETXTBSY;
	if (m->start + m->size > i_size_read(file_inode(f)))
		return -EFAULT;
	return 0;
}

static int kdbus_import_fd(struct kdbus_staging *s, int fd)
{
	struct socket *sock;
	struct file *f;

	if (fd < 0)
		return -EBADF;
	f = fget_raw(fd);
	if (!f)
		return -EBADF;
	s->fds[s->n_fds++] = f;
	if (f->f_mode & FMODE_PATH)
		return 0;
	if (f->f_op == &kdbus_handle_ops ||
	    file_inode(f)->i_sb->s_magic == KDBUS_SUPER_MAGIC)
		return -EOPNOTSUPP;
	sock = sock_from_file(f);
	if (sock && sock->sk && sock->sk->sk_family == AF_UNIX)
		return -EOPNOTSUPP;
	return 0;
}

/* spec 6.4: import memfds and fds in item order */
static int kdbus_staging_import(struct kdbus_staging *s)
{
	struct kdbus_item *item;
	unsigned int i, n;
	int ret;

	KDBUS_ITEMS_FOREACH(item, s->msg->items, s->hdr_size - sizeof(*s->msg)) {
		if (item->type == KDBUS_ITEM_PAYLOAD_MEMFD) {
			ret = kdbus_import_memfd(s, &item->memfd);
			if (ret < 0)
				return ret;
		} else if (item->type == KDBUS_ITEM_FDS) {
			n = (item->size - KDBUS_ITEM_HEADER_SIZE) / sizeof(int);
			s->fds = kcalloc(max(n, 1U), sizeof(*s->fds),
					 GFP_KERNEL);
			if (!s->fds)
				return -ENOMEM;
			for (i = 0; i < n; i++) {
				ret = kdbus_import_fd(s, item->fds[i]);
				if (ret < 0)
					return ret;
			}
		}
	}
	return 0;
}

/* spec 6.3 step 5, one item */
static int kdbus_staging_check_item(struct kdbus_staging *s,
				    struct kdbus_item *item, u64 *vec_total)
{
	struct kdbus_msg *msg = s->msg;
	struct kdbus_staging_vec *v;
	size_t len = item->size - KDBUS_ITEM_HEADER_SIZE;

	switch (item->type) {
	case KDBUS_ITEM_PAYLOAD_VEC:
		if (*vec_total + item->vec.size < *vec_total ||
		    *vec_total + item->vec.size > KDBUS_MSG_MAX_PAYLOAD_VEC_SIZE)
			return -EMSGSIZE;
		*vec_total += item->vec.size;
		if (item->vec.address &&
		    (item->vec.address != (unsigned long)item->vec.address ||
		     !access_ok(kdbus_u64_to_ptr(item->vec.address),
				item->vec.size)))
			return -EFAULT;
		v = &s->vecs[s->n_vecs++];
		v->size = item->vec.size;
		v->addr = kdbus_u64_to_ptr(item->vec.address);
		v->item_off = (u8 *)item - (u8 *)msg;
		return 0;
	case KDBUS_ITEM_PAYLOAD_MEMFD:
		if (item->memfd.start + item->memfd.size < item->memfd.start)
			return -EMSGSIZE;
		/*
		 * Count without passing the array size: on error the
		 * staging is freed, and kdbus_staging_free() walks
		 * memfds[0 .. n_memfds).
		 */
		if (s->n_memfds == KDBUS_MSG_MAX_MEMFD_ITEMS)
			return -E2BIG;
		s->n_memfds++;
		v = &s->vecs[s->n_vecs++];
		v->size = item->memfd.size;
		v->memfd = true;
		v->item_off = (u8 *)item - (u8 *)msg;
		return 0;
	case KDBUS_ITEM_FDS:
		if (len / sizeof(int) > KDBUS_MSG_MAX_FDS)
			return -EMFILE;
		s->fds_item_off = (u8 *)item - (u8 *)msg;
		return 0;
	case KDBUS_ITEM_BLOOM_FILTER:
		len -= sizeof(struct kdbus_bloom_filter);
		if (len % 8)
			return -EFAULT;
		if (len != s->bus->bloom.size)
			return -EDOM;
		s->bloom = &item->bloom_filter;
		return 0;
	case KDBUS_ITEM_DST_NAME:
		if (!kdbus_name_is_valid(item->str, false))
			return -EINVAL;
		if (msg->dst_id == KDBUS_DST_ID_BROADCAST)
			return -EBADMSG;
		s->dst_name = item->str;
		return 0;
	default:
		/* NEGOTIATE inside a message */
		return -EINVAL;
	}
}

static int kdbus_staging_validate(struct kdbus_staging *s, bool sync)
{
	struct kdbus_msg *msg = s->msg;
	size_t items_size = s->hdr_size - sizeof(*msg);
	struct kdbus_item *item;
	unsigned int n = 0;
	u64 vec_total = 0;
	int ret;

	if (msg->payload_type == KDBUS_PAYLOAD_KERNEL)
		return -EINVAL;
	if (msg->dst_id == KDBUS_DST_ID_BROADCAST) {
		if (!(msg->flags & KDBUS_MSG_SIGNAL))
			return -EBADMSG;
		if (msg->cookie_reply)
			return -ENOTUNIQ;
	}
	if (msg->flags & KDBUS_MSG_EXPECT_REPLY) {
		if (!msg->timeout_ns)
			return -EINVAL;
		if (msg->flags & KDBUS_MSG_SIGNAL)
			return -ENOTUNIQ;
	} else {
		if (sync)
			return -EINVAL;
		if (msg->cookie_reply && (msg->flags & KDBUS_MSG_SIGNAL))
			return -EINVAL;
	}

	KDBUS_ITEMS_FOREACH(item, msg->items, items_size)
		if (item->type == KDBUS_ITEM_PAYLOAD_VEC ||
		    item->type == KDBUS_ITEM_PAYLOAD_MEMFD)
			n++;
	if (n > ARRAY_SIZE(s->vecs_inline)) {
		s->vecs = kcalloc(n, sizeof(*s->vecs), GFP_KERNEL);
		if (!s->vecs)
			return -ENOMEM;
	} else {
		s->vecs = s->vecs_inline;
	}
	KDBUS_ITEMS_FOREACH(item, msg->items, items_size) {
		ret = kdbus_staging_check_item(s, item, &vec_total);
		if (ret < 0)
			return ret;
	}
	s->n_memfds = 0;	/* counted again by the import */

	if (!!(msg->flags & KDBUS_MSG_SIGNAL) != !!s->bloom)
		return -EBADMSG;
	if (msg->dst_id == KDBUS_DST_ID_NAME && !s->dst_name)
		return -EDESTADDRREQ;
	if (msg->dst_id == KDBUS_DST_ID_BROADCAST && s->fds_item_off)
		return -ENOTUNIQ;
	return 0;
}

/* end of the last item's data: H of spec 6.13 */
static size_t kdbus_msg_hdr_size(struct kdbus_msg *msg)
{
	size_t items_size = msg->size - sizeof(*msg), end = sizeof(*msg);
	struct kdbus_item *item;

	KDBUS_ITEMS_FOREACH(item, msg->items, items_size)
		end = (u8 *)item - (u8 *)msg + item->size;
	return end;
}

/**
 * kdbus_staging_new_user() - validate a message and import its descriptors
 * @src:	sender
 * @msg:	kernel copy of the parsed message; owned by the staging
 *		object from now on, also on failure
 * @sync:	the SEND command has SYNC_REPLY
 *
 * Return: staging object or ERR_PTR (errnos of spec 6.3 and 6.4).
 */
struct kdbus_staging *kdbus_staging_new_user(struct kdbus_conn *src,
					     struct kdbus_msg *msg, bool sync)
{
	struct kdbus_staging *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s) {
		kfree(msg);
		return ERR_PTR(-ENOMEM);
	}
	INIT_LIST_HEAD(&s->entry);
	s->msg = msg;
	s->bus = src->bus;
	s->src = kdbus_conn_ref(src);
	s->user = src->user;
	s->hdr_size = kdbus_msg_hdr_size(msg);
	msg->src_id = src->id;

	s->tid = task_pid(current);

	ret = kdbus_staging_validate(s, sync);
	if (!ret)
		ret = kdbus_staging_import(s);
	if (ret < 0) {
		kdbus_staging_free(s);
		return ERR_PTR(ret);
	}
	kdbus_staging_stamp(s);
	return s;
}

/**
 * kdbus_staging_new_kernel() - a kernel notification (spec 6.10)
 * @bus:		bus
 * @dst:		destination ID or BROADCAST
 * @cookie_reply:	cookie of the call (REPLY_*), else 0
 * @type:		notification item type
 * @payload:		payload size of the item (zeroed, filled by caller)
 *
 * Return: staging object or NULL on allocation failure.
 */
struct kdbus_staging *kdbus_staging_new_kernel(struct kdbus_bus *bus,
					       u64 dst, u64 cookie_reply,
					       u64 type, size_t payload)
{
	size_t size = sizeof(struct kdbus_msg) + KDBUS_ITEM_HEADER_SIZE +
		      payload;
	struct kdbus_staging *s;
	struct kdbus_msg *msg;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	msg = kzalloc(KDBUS_ALIGN8(size), GFP_KERNEL);
	if (!msg) {
		kfree(s);
		return NULL;
	}
	INIT_LIST_HEAD(&s->entry);
	msg->size = size;
	msg->flags = dst == KDBUS_DST_ID_BROADCAST ? KDBUS_MSG_SIGNAL : 0;
	msg->dst_id = dst;
	msg->src_id = KDBUS_SRC_ID_KERNEL;
	msg->payload_type = KDBUS_PAYLOAD_KERNEL;
	msg->cookie_reply = cookie_reply;
	msg->items[0].size = KDBUS_ITEM_HEADER_SIZE + payload;
	msg->items[0].type = type;
	s->msg = msg;
	s->bus = bus;
	s->user = bus->domain->kernel_user;
	s->hdr_size = size;
	s->notify_type = type;
	kdbus_staging_stamp(s);
	kdbus_staging_clocks(s);
	return s;
}

/*
 * Size of the header part for @dst: items, then metadata at *@meta_off,
 * then the trace extension's item at *@x_off, each 8-aligned; an offset
 * is 0 when there is nothing to put there.
 */
static size_t kdbus_staging_layout(struct kdbus_staging *s,
				   struct kdbus_conn *dst, size_t *meta_off,
				   size_t *x_off)
{
	size_t end = s->hdr_size, n;

	*meta_off = 0;
	*x_off = 0;
	n = kdbus_meta_emit(s, dst, NULL);
	if (n) {
		*meta_off = KDBUS_ALIGN8(end);
		end = *meta_off + n;
	}
	n = kdbus_trace_emit(s, dst, NULL);
	if (n) {
		*x_off = KDBUS_ALIGN8(end);
		end = *x_off + n;
	}
	return end;
}

/**
 * kdbus_staging_size() - slice size of a message for one receiver
 * @s:		staged message
 * @dst:	receiver
 *
 * Return: L of spec 6.13 (header, items, metadata, payload, padding).
 */
size_t kdbus_staging_size(struct kdbus_staging *s, struct kdbus_conn *dst)
{
	size_t meta_off, x_off, msg_size, pay = 0, i;
	struct kdbus_staging_vec *v;

	msg_size = kdbus_staging_layout(s, dst, &meta_off, &x_off);
	for (i = 0; i < s->n_vecs; i++) {
		v = &s->vecs[i];
		pay += (v->addr && !v->memfd) ? v->size : v->size % 8;
	}
	return KDBUS_ALIGN8(KDBUS_ALIGN8(msg_size) + pay);
}

/*
 * Messages whose slice is at most this large are assembled completely in
 * one kernel buffer (payload included) and written into the pool with a
 * single copy; larger ones stream their payload from the sender.
 */
#define KDBUS_EMIT_INLINE_MAX	PAGE_SIZE

/* the payload bytes (non-memfd VECs with an address) into @buf at @p */
static int kdbus_staging_copy_payload(struct kdbus_staging *s, u8 *buf,
				      size_t p)
{
	struct kdbus_staging_vec *v;
	size_t pos = p, i;

	for (i = 0; i < s->n_vecs; i++) {
		v = &s->vecs[i];
		if (v->addr && !v->memfd) {
			if (copy_from_user(buf + pos, v->addr, v->size))
				return -EFAULT;
			pos += v->size;
		} else {
			pos += v->size % 8;
		}
	}
	return 0;
}

/* the payload streamed from the sender into the slice, from @p to @l */
static int kdbus_staging_write_payload(struct kdbus_staging *s,
				       struct kdbus_pool_slice *slice,
				       size_t p, size_t l)
{
	struct kdbus_staging_vec *v;
	size_t pos = p, i;
	int ret = 0;

	for (i = 0; !ret && i < s->n_vecs; i++) {
		v = &s->vecs[i];
		if (v->addr && !v->memfd) {
			ret = kdbus_pool_slice_write_user(slice, pos, v->addr,
							  v->size);
			pos += v->size;
		} else {
			ret = kdbus_pool_slice_write_zero(slice, pos,
							  v->size % 8);
			pos += v->size % 8;
		}
	}
	if (!ret)
		ret = kdbus_pool_slice_write_zero(slice, pos, l - pos);
	return ret;
}

/**
 * kdbus_staging_emit() - write a message into an entry's slice
 * @s:		staged message
 * @dst:	receiver
 * @e:		queue entry; its slice is allocated here (kernel-held)
 *
 * Builds the layout of spec 6.13: header and items (VEC -> OFF, fds -1),
 * metadata for @dst, then the payload copied from the sender. A slice of
 * at most KDBUS_EMIT_INLINE_MAX bytes is assembled in one buffer and
 * written with one copy; otherwise the header is written first and the
 * payload streamed after it. The buffer is the bus's scratch buffer when
 * it is large enough (callers hold bus->lock), else allocated.
 *
 * Return: 0, -EXFULL, -ENOMEM or -EFAULT.
 */
int kdbus_staging_emit(struct kdbus_staging *s, struct kdbus_conn *dst,
		       struct kdbus_queue_entry *e)
{
	size_t meta_off, x_off, msg_size, p, l, pay = 0, pos, i;
	struct kdbus_staging_vec *v;
	struct kdbus_item *item;
	struct kdbus_msg *m;
	bool whole;
	u8 *buf;
	int ret;

	msg_size = kdbus_staging_layout(s, dst, &meta_off, &x_off);
	p = KDBUS_ALIGN8(msg_size);
	for (i = 0; i < s->n_vecs; i++) {
		v = &s->vecs[i];
		pay += (v->addr && !v->memfd) ? v->size : v->size % 8;
	}
	l = KDBUS_ALIGN8(p + pay);
	whole = l <= KDBUS_EMIT_INLINE_MAX;

	lockdep_assert_held(&dst->bus->lock);
	if (whole && l <= sizeof(dst->bus->emit_buf)) {
		buf = dst->bus->emit_buf;
		memset(buf, 0, l);
	} else {
		buf = kzalloc(whole ? l : p, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	memcpy(buf, s->msg, s->hdr_size);
	if (meta_off)
		kdbus_meta_emit(s, dst, buf + meta_off);
	if (x_off)
		kdbus_trace_emit(s, dst, buf + x_off);
	m = (struct kdbus_msg *)buf;
	m->size = msg_size;

	pos = p;
	for (i = 0; i < s->n_vecs; i++) {
		v = &s->vecs[i];
		item = (struct kdbus_item *)(buf + v->item_off);
		if (v->memfd) {
			item->memfd.fd = -1;
			item->memfd.__pad = 0;
			pos += v->size % 8;
		} else if (v->addr) {
			item->type = KDBUS_ITEM_PAYLOAD_OFF;
			item->vec.offset = pos;
			pos += v->size;
		} else {
			item->type = KDBUS_ITEM_PAYLOAD_OFF;
			item->vec.offset = ~0ULL;
			pos += v->size % 8;
		}
	}
	if (s->fds_item_off) {
		item = (struct kdbus_item *)(buf + s->fds_item_off);
		memset(item->fds, 0xff, item->size - KDBUS_ITEM_HEADER_SIZE);
	}

	e->slice = kdbus_pool_slice_alloc(dst->pool, l);
	if (IS_ERR(e->slice)) {
		ret = PTR_ERR(e->slice);
		e->slice = NULL;
		goto exit;
	}
	if (whole) {
		ret = kdbus_staging_copy_payload(s, buf, p);
		if (!ret)
			ret = kdbus_pool_slice_write(e->slice, 0, buf, l);
	} else {
		ret = kdbus_pool_slice_write(e->slice, 0, buf, p);
		if (!ret)
			ret = kdbus_staging_write_payload(s, e->slice, p, l);
	}
	if (ret < 0) {
		kdbus_pool_slice_release(e->slice);
		e->slice = NULL;
	}
exit:
	if (buf != dst->bus->emit_buf)
		kfree(buf);
	return ret;
}
