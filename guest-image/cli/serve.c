// SPDX-License-Identifier: GPL-2.0
/*
 * serve.c: `kdbus serve NAME` - a small demo service to call and watch.
 *
 * On the object /NAME/with/slashes, interface NAME:
 *   Echo(s) -> s        the argument back
 *   Add(ii) -> i        the sum (error org.example.Error.Overflow if it
 *                       does not fit)
 *   Sleep(u) -> ()      replies after that many milliseconds
 *   Fail() -> error     org.example.Error.Failed, to see error replies
 *   signal Tick(u)      broadcast every --interval seconds (0: never)
 * plus org.freedesktop.DBus.Peer.Ping and ...Introspectable.Introspect.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static const char serve_usage[] =
	"usage: kdbus serve [--bus BUS] NAME [--interval SEC]\n"
	"Owns NAME and serves, on the object path made from NAME (org.example.Echo\n"
	"-> /org/example/Echo) and the interface NAME: Echo(s) -> s, Add(ii) -> i,\n"
	"Sleep(u milliseconds), Fail() -> an error, Ping, Introspect; and\n"
	"broadcasts the signal Tick(u) every --interval seconds (default 10, 0: off).\n";

struct service {
	struct conn c;
	const char *name;
	char path[300];
	char introspect[2048];
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void tick(struct service *s, uint32_t count)
{
	struct dbus_buf body = { 0 };
	struct out_msg o = { .kflags = KDBUS_MSG_SIGNAL };
	struct bloom bloom;
	int ret;

	dw_u32(&body, count);
	bloom_init(&bloom, &s->c);
	bloom_for_signal(&bloom, s->path, s->name, "Tick", "u", body.data, body.len);
	o.m.type = DBUS_MSG_SIGNAL;
	o.m.path = s->path;
	o.m.interface = s->name;
	o.m.member = "Tick";
	o.m.signature = "u";
	o.m.body = body.data;
	o.m.body_len = body.len;
	o.bloom = &bloom;
	ret = msg_send(&s->c, &o, NULL);
	if (ret < 0)
		report("SEND", -ret, "Tick signal");
	free(bloom.data);
	dbus_buf_free(&body);
}

static int is(const struct dbus_msg *m, const char *iface, const char *member, const char *sig)
{
	if (strcmp(m->member, member))
		return 0;
	if (m->interface && strcmp(m->interface, iface))
		return 0;
	return !sig || !strcmp(m->signature ? m->signature : "", sig) ? 1 : -1;
}

static void handle(struct service *s, const struct kdbus_msg *msg)
{
	struct dbus_buf out = { 0 };
	struct dbus_reader r;
	struct dbus_msg m;
	uint8_t *owned;
	char err[256];
	const char *str, *sig = NULL, *ename = NULL, *etext = NULL;
	uint32_t a, b;
	int k = 0;

	if (msg_parse(msg, &m, &owned, err, sizeof(err)) < 0) {
		printf("serve: ignoring a bad message from :1.%llu: %s\n",
		       (unsigned long long)msg->src_id, err);
		free(owned);
		return;
	}
	if (m.type != DBUS_MSG_METHOD_CALL)
		goto out;
	printf("serve: :1.%llu calls %s.%s(%s)\n", (unsigned long long)msg->src_id,
	       m.interface ? m.interface : "", m.member, m.signature ? m.signature : "");
	dr_init(&r, m.body, m.body_len, m.endian == 'B');
	if (strcmp(m.path, s->path)) {
		ename = "org.freedesktop.DBus.Error.UnknownObject";
		etext = "no such object path";
	} else if ((k = is(&m, s->name, "Echo", "s"))) {
		if (k > 0 && dr_string(&r, 's', &str) == 0) {
			dw_string(&out, str);
			sig = "s";
		}
	} else if ((k = is(&m, s->name, "Add", "ii"))) {
		if (k > 0 && dr_u32(&r, &a) == 0 && dr_u32(&r, &b) == 0) {
			int64_t sum = (int64_t)(int32_t)a + (int32_t)b;

			if (sum > INT32_MAX || sum < INT32_MIN) {
				ename = "org.example.Error.Overflow";
				etext = "the sum does not fit in an int32";
			} else {
				dw_u32(&out, (uint32_t)sum);
				sig = "i";
			}
		}
	} else if ((k = is(&m, s->name, "Sleep", "u"))) {
		if (k > 0 && dr_u32(&r, &a) == 0) {
			usleep(a * 1000ULL > 60000000 ? 60000000 : a * 1000);
			sig = "";
		}
	} else if ((k = is(&m, s->name, "Fail", ""))) {
		ename = "org.example.Error.Failed";
		etext = "Fail() always fails";
	} else if ((k = is(&m, "org.freedesktop.DBus.Peer", "Ping", ""))) {
		sig = "";
	} else if ((k = is(&m, "org.freedesktop.DBus.Introspectable", "Introspect", ""))) {
		dw_string(&out, s->introspect);
		sig = "s";
	} else {
		ename = "org.freedesktop.DBus.Error.UnknownMethod";
		etext = "no such method";
	}
	if (k < 0) {
		ename = "org.freedesktop.DBus.Error.InvalidArgs";
		etext = "wrong argument signature";
	}
	if (ename)
		k = msg_reply_error(&s->c, msg, &m, ename, etext);
	else
		k = msg_reply(&s->c, msg, &m, NULL, sig, out.data, out.len);
	if (k < 0)
		report("SEND", -k, "reply to :1.%llu", (unsigned long long)msg->src_id);
out:
	dbus_buf_free(&out);
	free(owned);
}

int cmd_serve(int argc, char **argv)
{
	const char *interval = NULL;
	const struct opt own[] = {
		{ "--interval", &interval, NULL, NULL },
		{ 0 },
	};
	struct service s;
	uint64_t result, next, every = 10000;
	uint32_t ticks = 0;
	char *p;
	int ret;

	if (parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, serve_usage) != 1 && !g.help)
		usage_exit(serve_usage, "serve needs exactly one NAME");
	maybe_help(serve_usage);
	if (!dbus_interface_valid(argv[0]) || !dbus_bus_name_valid(argv[0]))
		usage_exit(serve_usage, "\"%s\" must be a well-known name that is also an interface "
			   "name (like org.example.Echo)", argv[0]);
	if (interval) {
		double v = strtod(interval, &p);

		if (*p || v < 0)
			usage_exit(serve_usage, "--interval %s: expected seconds >= 0", interval);
		every = (uint64_t)(v * 1000);
	}
	s.name = argv[0];
	snprintf(s.path, sizeof(s.path), "/%s", argv[0]);
	for (p = s.path; *p; p++)
		if (*p == '.')
			*p = '/';
	snprintf(s.introspect, sizeof(s.introspect),
		 "<node>\n <interface name=\"%s\">\n"
		 "  <method name=\"Echo\"><arg type=\"s\" direction=\"in\"/><arg type=\"s\" direction=\"out\"/></method>\n"
		 "  <method name=\"Add\"><arg type=\"i\" direction=\"in\"/><arg type=\"i\" direction=\"in\"/>"
		 "<arg type=\"i\" direction=\"out\"/></method>\n"
		 "  <method name=\"Sleep\"><arg type=\"u\" name=\"milliseconds\" direction=\"in\"/></method>\n"
		 "  <method name=\"Fail\"/>\n  <signal name=\"Tick\"><arg type=\"u\"/></signal>\n"
		 " </interface>\n</node>\n", argv[0]);

	conn_open(&s.c, NULL);
	ret = conn_acquire(&s.c, s.name, 0, &result);
	if (ret < 0)
		die("NAME_ACQUIRE", -ret, "%s", s.name);
	printf("serve: %s on %s as %s, object %s\n", s.name, s.c.path, s.c.unique, s.path);
	fflush(stdout);
	next = now_ms() + every;
	for (;;) {
		const struct kdbus_msg *msg;
		uint64_t off, now;

		ret = conn_recv(&s.c, &msg, &off, NULL);
		if (ret == 0) {
			handle(&s, msg);
			conn_free(&s.c, off);
			fflush(stdout);
			continue;
		}
		if (ret != -EAGAIN)
			die("RECV", -ret, NULL);
		now = now_ms();
		if (every && now >= next) {
			tick(&s, ++ticks);
			next = now + every;
		}
		ret = conn_wait(&s.c, every ? (int)(next - now) : -1);
		if (ret < 0)
			die("poll", -ret, NULL);
	}
}
