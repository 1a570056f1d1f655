// SPDX-License-Identifier: GPL-2.0
/*
 * message.c: D-Bus messages carried by kdbus, and their bloom filters.
 *
 * A kdbus message of payload type KDBUS_PAYLOAD_DBUS carries one complete
 * D-Bus 1 message (header and body) as its payload. The kdbus header does
 * the routing (dst_id / DST_NAME, cookie = D-Bus serial, cookie_reply =
 * reply serial); the D-Bus header repeats what D-Bus peers expect to find
 * there. The sender field is ":1.<id>", the D-Bus spelling of a unique
 * name, but receivers should trust the kernel's src_id, not the header.
 *
 * Bloom filters (our own scheme; the kernel treats them as opaque bits,
 * spec §10.3): for every property of a signal a key string is formed,
 *   "message-type:signal", "interface:I", "member:M", "path:P",
 *   "path-slash-prefix:X" for "/" and every prefix of P ending before a
 *   '/', and "argN:V" for each top-level string, object-path or signature
 *   argument N < 64,
 * and for each hash function i in [0, n_hash) the bit
 *   FNV-1a-64(byte i, key) mod (8 * bloom size)
 * is set. A receiver builds a mask from the keys it requires the same way;
 * the kernel delivers when the mask is a subset of the filter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "cli.h"

#define DEFAULT_TIMEOUT_NS	(25ULL * 1000 * 1000 * 1000)	/* like D-Bus */

void bloom_init(struct bloom *b, const struct conn *c)
{
	b->size = c->bloom.size;
	b->n_hash = c->bloom.n_hash ? c->bloom.n_hash : 1;
	b->data = calloc(1, b->size ? b->size : 8);
	if (!b->data)
		fatal("out of memory");
}

static uint64_t fnv1a(uint8_t seed, const char *prefix, const char *value)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *s;

	h = (h ^ seed) * 0x100000001b3ULL;
	for (s = prefix; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	h = (h ^ ':') * 0x100000001b3ULL;
	for (s = value; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return h;
}

void bloom_add(struct bloom *b, const char *prefix, const char *value)
{
	uint64_t bits = b->size * 8, i;

	if (!bits)
		return;
	for (i = 0; i < b->n_hash; i++) {
		uint64_t bit = fnv1a((uint8_t)i, prefix, value) % bits;

		b->data[bit / 64] |= 1ULL << (bit % 64);
	}
}

void bloom_for_signal(struct bloom *b, const char *path, const char *iface, const char *member,
		      const char *sig, const uint8_t *body, size_t body_len)
{
	char prefix[DBUS_MAX_NAME * 4 + 2], key[16];
	struct dbus_reader r;
	const char *s = sig, *p;
	int n;

	bloom_add(b, "message-type", "signal");
	bloom_add(b, "interface", iface);
	bloom_add(b, "member", member);
	bloom_add(b, "path", path);
	bloom_add(b, "path-slash-prefix", "/");
	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(p - path), path);
		bloom_add(b, "path-slash-prefix", prefix);
	}
	if (!sig)
		return;
	dr_init(&r, body, body_len, 0);
	for (n = 0; *s && n < 64; n++) {
		char t = *s;
		const char *v;

		if (t == 's' || t == 'o' || t == 'g') {
			if (dr_string(&r, t, &v) < 0)
				return;
			snprintf(key, sizeof(key), "arg%d", n);
			bloom_add(b, key, v);
			s++;
		} else if (dr_skip(&r, &s) < 0) {
			return;
		}
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int msg_send(struct conn *c, struct out_msg *o, const struct kdbus_msg **reply)
{
	struct kdbus_cmd_send send = { .size = sizeof(send) };
	struct dbus_buf wire = { 0 };
	struct cmdbuf cmd;
	struct kdbus_msg *msg;
	struct kdbus_vec vec;
	uint64_t dst_id = KDBUS_DST_ID_BROADCAST;
	char unique[32];
	int ret;

	o->m.serial = (uint32_t)++c->cookie;
	o->m.sender = c->unique;
	if (o->dest && parse_id(o->dest)) {
		snprintf(unique, sizeof(unique), ":1.%llu", (unsigned long long)parse_id(o->dest));
		o->m.destination = unique;
	} else if (o->dest) {
		o->m.destination = o->dest;
	}
	if (dbus_msg_build(&o->m, &wire) < 0)
		return -ENOMEM;

	cmd_init(&cmd, sizeof(*msg));
	if (o->dest) {
		dst_id = parse_id(o->dest);
		if (!dst_id)	/* a name: the kernel resolves it (§6.9) */
			cmd_item_str(&cmd, KDBUS_ITEM_DST_NAME, o->dest);
	}
	if (o->bloom) {
		/* BLOOM_FILTER payload: generation, then the bit field. */
		size_t n = 8 + o->bloom->size;
		uint8_t *f = calloc(1, n);

		if (!f)
			fatal("out of memory");
		memcpy(f + 8, o->bloom->data, o->bloom->size);
		cmd_item(&cmd, KDBUS_ITEM_BLOOM_FILTER, f, n);
		free(f);
	}
	vec.size = wire.len;
	vec.address = (uintptr_t)wire.data;
	cmd_item(&cmd, KDBUS_ITEM_PAYLOAD_VEC, &vec, sizeof(vec));
	msg = cmd_finish(&cmd);
	msg->flags = o->kflags;
	msg->dst_id = dst_id;
	msg->payload_type = KDBUS_PAYLOAD_DBUS;
	msg->cookie = c->cookie;
	if (o->kflags & KDBUS_MSG_EXPECT_REPLY)
		msg->timeout_ns = now_ns() + (o->timeout_ns ? o->timeout_ns : DEFAULT_TIMEOUT_NS);
	else
		msg->cookie_reply = o->cookie_reply;
	if (o->sync)
		send.flags = KDBUS_SEND_SYNC_REPLY;
	send.msg_address = (uintptr_t)msg;
	ret = conn_ioctl(c, KDBUS_CMD_SEND, &send);
	if (ret == 0 && o->sync && reply)
		*reply = (const struct kdbus_msg *)(c->pool + send.reply.offset);
	cmd_free(&cmd);
	dbus_buf_free(&wire);
	return ret;
}

int msg_parse(const struct kdbus_msg *msg, struct dbus_msg *m, uint8_t **owned, char *err,
	      size_t errlen)
{
	const uint8_t *data;
	size_t len;
	int own;

	*owned = NULL;
	if (msg->payload_type != KDBUS_PAYLOAD_DBUS) {
		snprintf(err, errlen, "payload type 0x%llx is not D-Bus",
			 (unsigned long long)msg->payload_type);
		return -1;
	}
	data = msg_payload(msg, &len, &own);
	if (own)
		*owned = (uint8_t *)data;
	return dbus_msg_parse(data, len, m, err, errlen);
}

int msg_reply(struct conn *c, const struct kdbus_msg *call, const struct dbus_msg *in,
	      const char *error_name, const char *sig, const uint8_t *body, size_t body_len)
{
	char dest[32];
	struct out_msg o = {
		.m = {
			.type = error_name ? DBUS_MSG_ERROR : DBUS_MSG_METHOD_RETURN,
			.error_name = error_name,
			.reply_serial = in->serial,
			.signature = sig,
			.body = body,
			.body_len = body_len,
		},
		.cookie_reply = call->cookie,
	};
	int ret;

	/* No reply wanted (NO_REPLY_EXPECTED): kdbus would refuse it anyway. */
	if (!(call->flags & KDBUS_MSG_EXPECT_REPLY))
		return 0;
	snprintf(dest, sizeof(dest), "%llu", (unsigned long long)call->src_id);
	o.dest = dest;
	ret = msg_send(c, &o, NULL);
	return ret;
}

int msg_reply_error(struct conn *c, const struct kdbus_msg *call, const struct dbus_msg *in,
		    const char *error_name, const char *text)
{
	struct dbus_buf body = { 0 };
	int ret;

	dw_string(&body, text);
	ret = msg_reply(c, call, in, error_name, "s", body.data, body.len);
	dbus_buf_free(&body);
	return ret;
}
