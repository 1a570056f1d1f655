// SPDX-License-Identifier: GPL-2.0
/*
 * call.c: `kdbus call` (a synchronous method call) and `kdbus emit` (a
 * signal, broadcast with a bloom filter, or unicast with --dest).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char call_usage[] =
	"usage: kdbus call [--bus BUS] DEST PATH IFACE MEMBER [SIGNATURE [ARGS...]]\n"
	"                  [--timeout SEC] [--no-auto-start] [--verbose]\n"
	"Calls a method and waits for the reply (SEND with SYNC_REPLY), then\n"
	"prints it like busctl: the signature, then the values. DEST is a\n"
	"well-known name or a unique ID (:1.5 or 5); IFACE may be - for none.\n"
	"Arguments as busctl takes them: one word per basic value, arrays as a\n"
	"count then the elements, variants as a signature then the value:\n"
	"  kdbus call org.example.Echo /org/example/Echo org.example.Echo Echo s hello\n"
	"  kdbus call org.example.Echo /org/example/Echo org.example.Echo Add ii 2 3\n"
	"An error reply is printed on stderr and the exit status is 1.\n";

static const char emit_usage[] =
	"usage: kdbus emit [--bus BUS] PATH IFACE MEMBER [SIGNATURE [ARGS...]] [--dest NAME]\n"
	"Sends a signal: a broadcast carrying a bloom filter of its interface,\n"
	"member, path and string arguments, or with --dest a unicast signal.\n";

/* Builds the body from SIGNATURE ARGS...; exits 2 on bad arguments. */
static void body_from_args(struct dbus_buf *body, int argc, char **argv, const char **sig,
			   const char *usage)
{
	char err[256];
	int used;

	*sig = NULL;
	if (argc == 0)
		return;
	*sig = argv[0];
	used = dbus_marshal_args(body, argv[0], argc - 1, argv + 1, err, sizeof(err));
	if (used < 0)
		usage_exit(usage, "%s", err);
	if (used != argc - 1)
		usage_exit(usage, "too many arguments for signature \"%s\" (%d unused)", argv[0],
			   argc - 1 - used);
}

static void check_names(const char *path, const char *iface, const char *member,
			const char *usage)
{
	if (!dbus_path_valid(path))
		usage_exit(usage, "\"%s\" is not a valid object path", path);
	if (iface && !dbus_interface_valid(iface))
		usage_exit(usage, "\"%s\" is not a valid interface name", iface);
	if (!dbus_member_valid(member))
		usage_exit(usage, "\"%s\" is not a valid member name", member);
}

int cmd_call(int argc, char **argv)
{
	const char *timeout = NULL;
	int no_auto = 0, verbose = 0;
	const struct opt own[] = {
		{ "--timeout", &timeout, NULL, NULL },
		{ "--no-auto-start", NULL, &no_auto, NULL },
		{ "--verbose", NULL, &verbose, NULL },
		{ 0 },
	};
	struct dbus_buf body = { 0 };
	const struct kdbus_msg *reply;
	struct out_msg o = { .kflags = KDBUS_MSG_EXPECT_REPLY, .sync = 1 };
	struct dbus_msg r;
	uint8_t *owned;
	char err[256];
	struct conn c;
	const char *sig;
	int n, ret, status = 0;

	n = parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, call_usage);
	maybe_help(call_usage);
	if (n < 4)
		usage_exit(call_usage, "call needs DEST PATH IFACE MEMBER");
	if (!parse_id(argv[0]) && (argv[0][0] == ':' || !dbus_bus_name_valid(argv[0])))
		usage_exit(call_usage, "\"%s\" is neither a bus name nor an ID", argv[0]);
	o.m.interface = strcmp(argv[2], "-") ? argv[2] : NULL;
	check_names(argv[1], o.m.interface, argv[3], call_usage);
	if (timeout) {
		char *end;
		double s = strtod(timeout, &end);

		if (*end || s <= 0)
			usage_exit(call_usage, "--timeout %s: expected seconds > 0", timeout);
		o.timeout_ns = (uint64_t)(s * 1e9);
	}
	body_from_args(&body, n - 4, argv + 4, &sig, call_usage);

	conn_open(&c, NULL);
	o.m.type = DBUS_MSG_METHOD_CALL;
	o.m.flags = no_auto ? DBUS_FLAG_NO_AUTO_START : 0;
	o.m.path = argv[1];
	o.m.member = argv[3];
	o.m.signature = sig;
	o.m.body = body.data;
	o.m.body_len = body.len;
	o.dest = argv[0];
	if (no_auto)
		o.kflags |= KDBUS_MSG_NO_AUTO_START;
	ret = msg_send(&c, &o, &reply);
	if (ret < 0)
		die("SEND", -ret, "%s", argv[0]);
	if (msg_parse(reply, &r, &owned, err, sizeof(err)) < 0)
		fatal("the reply from :1.%llu is not a valid D-Bus message: %s",
		      (unsigned long long)reply->src_id, err);
	if (r.type == DBUS_MSG_ERROR) {
		struct dbus_reader rd;
		const char *text = "";

		dr_init(&rd, r.body, r.body_len, r.endian == 'B');
		if (r.signature && r.signature[0] == 's')
			dr_string(&rd, 's', &text);
		fprintf(stderr, PROG ": call failed: %s%s%s\n", r.error_name, *text ? ": " : "", text);
		status = 1;
	} else if (verbose) {
		print_message(stdout, reply);
	} else if (r.signature && *r.signature) {
		dbus_print_body(stdout, r.body, r.body_len, r.endian == 'B', r.signature, 0, "", err,
				sizeof(err));
	}
	free(owned);
	conn_free(&c, (const uint8_t *)reply - c.pool);
	dbus_buf_free(&body);
	return status;
}

int cmd_emit(int argc, char **argv)
{
	const char *dest = NULL;
	const struct opt own[] = {
		{ "--dest", &dest, NULL, NULL },
		{ 0 },
	};
	struct dbus_buf body = { 0 };
	struct out_msg o = { .kflags = KDBUS_MSG_SIGNAL };
	struct bloom bloom;
	struct conn c;
	const char *sig;
	int n, ret;

	n = parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, emit_usage);
	maybe_help(emit_usage);
	if (n < 3)
		usage_exit(emit_usage, "emit needs PATH IFACE MEMBER");
	check_names(argv[0], argv[1], argv[2], emit_usage);
	if (dest && !parse_id(dest) && (dest[0] == ':' || !dbus_bus_name_valid(dest)))
		usage_exit(emit_usage, "\"%s\" is neither a bus name nor an ID", dest);
	body_from_args(&body, n - 3, argv + 3, &sig, emit_usage);

	conn_open(&c, NULL);
	bloom_init(&bloom, &c);
	bloom_for_signal(&bloom, argv[0], argv[1], argv[2], sig, body.data, body.len);
	o.m.type = DBUS_MSG_SIGNAL;
	o.m.path = argv[0];
	o.m.interface = argv[1];
	o.m.member = argv[2];
	o.m.signature = sig;
	o.m.body = body.data;
	o.m.body_len = body.len;
	o.dest = dest;
	/* kdbus wants a bloom filter on every signal, unicast ones too (§6.3). */
	o.bloom = &bloom;
	ret = msg_send(&c, &o, NULL);
	if (ret < 0)
		die("SEND", -ret, "%s", dest ? dest : "broadcast");
	free(bloom.data);
	dbus_buf_free(&body);
	return 0;
}
