// SPDX-License-Identifier: GPL-2.0
/*
 * monitor.c: `kdbus monitor` - a monitor connection (spec §12) that gets
 * a copy of every message on the bus, printed the way busctl monitor
 * prints D-Bus messages; kernel notifications get one line each.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char monitor_usage[] =
	"usage: kdbus monitor [--bus BUS] [--count N] [--meta] [--recv-meta LIST]\n"
	"Connects as a monitor (bus owner only) and prints every message on the\n"
	"bus: method calls, replies, errors, signals and kernel notifications.\n"
	"--count N exits after N messages, --meta prints all metadata items the\n"
	"kernel attached (see --recv-meta).\n";

static int show_meta;

static const char *id_text(uint64_t id)
{
	static char buf[2][32];
	static int i;

	i ^= 1;
	if (id == KDBUS_DST_ID_BROADCAST)
		return "*";
	snprintf(buf[i], sizeof(buf[i]), ":1.%llu", (unsigned long long)id);
	return buf[i];
}

static void print_kernel(FILE *out, const struct kdbus_msg *msg)
{
	const struct kdbus_item *item;

	for_each_item(item, msg->items, (const uint8_t *)msg + msg->size) {
		const struct kdbus_notify_name_change *nc = &item->name_change;

		switch (item->type) {
		case KDBUS_ITEM_ID_ADD:
		case KDBUS_ITEM_ID_REMOVE:
			fprintf(out, "\xe2\x80\xa3 Kernel %s  Id=%s  Flags=%s\n",
				item->type == KDBUS_ITEM_ID_ADD ? "IdAdd" : "IdRemove",
				id_text(item->id_change.id), hello_flags_text(item->id_change.flags));
			break;
		case KDBUS_ITEM_NAME_ADD:
		case KDBUS_ITEM_NAME_REMOVE:
		case KDBUS_ITEM_NAME_CHANGE:
			fprintf(out, "\xe2\x80\xa3 Kernel %s  Name=%s  Old=%s", item->type == KDBUS_ITEM_NAME_ADD ?
				"NameAdd" : item->type == KDBUS_ITEM_NAME_REMOVE ? "NameRemove" : "NameChange",
				nc->name, nc->old_id.id ? id_text(nc->old_id.id) : "-");
			if (nc->old_id.id)
				fprintf(out, "(%s)", name_flags_text(nc->old_id.flags));
			fprintf(out, "  New=%s", nc->new_id.id ? id_text(nc->new_id.id) : "-");
			if (nc->new_id.id)
				fprintf(out, "(%s)", name_flags_text(nc->new_id.flags));
			fputc('\n', out);
			break;
		case KDBUS_ITEM_REPLY_TIMEOUT:
		case KDBUS_ITEM_REPLY_DEAD:
			fprintf(out, "\xe2\x80\xa3 Kernel %s  Destination=%s  ReplyCookie=%llu\n",
				item->type == KDBUS_ITEM_REPLY_TIMEOUT ? "ReplyTimeout" : "ReplyDead",
				id_text(msg->dst_id), (unsigned long long)msg->cookie_reply);
			break;
		}
	}
}

void print_message(FILE *out, const struct kdbus_msg *msg)
{
	const struct kdbus_item *item, *ts = msg_item(msg, KDBUS_ITEM_TIMESTAMP);
	const struct kdbus_item *dst_name = msg_item(msg, KDBUS_ITEM_DST_NAME);
	struct dbus_msg m;
	uint8_t *owned;
	char err[256];

	if (msg->payload_type == KDBUS_PAYLOAD_KERNEL) {
		print_kernel(out, msg);
		return;
	}
	if (msg_parse(msg, &m, &owned, err, sizeof(err)) < 0) {
		fprintf(out, "\xe2\x80\xa3 Non-D-Bus message  Sender=%s  Destination=%s  Cookie=%llu  "
			"PayloadType=0x%llx\n  (%s)\n\n", id_text(msg->src_id),
			dst_name ? dst_name->str : id_text(msg->dst_id), (unsigned long long)msg->cookie,
			(unsigned long long)msg->payload_type, err);
		free(owned);
		return;
	}
	fprintf(out, "\xe2\x80\xa3 Type=%s  Endian=%c  Flags=%u  Version=%u  Cookie=%" PRIu32,
		dbus_msg_type_name(m.type), m.endian, m.flags, m.version, m.serial);
	if (m.reply_serial)
		fprintf(out, "  ReplyCookie=%" PRIu32, m.reply_serial);
	if (ts)
		fprintf(out, "  Seqnum=%llu", (unsigned long long)ts->timestamp.seqnum);
	fputc('\n', out);
	/* The kernel's src_id is the truth; the header's sender is a claim. */
	fprintf(out, "  Sender=%s", id_text(msg->src_id));
	if (m.destination)
		fprintf(out, "  Destination=%s", m.destination);
	else if (msg->dst_id != KDBUS_DST_ID_BROADCAST)
		fprintf(out, "  Destination=%s", dst_name ? dst_name->str : id_text(msg->dst_id));
	if (m.path)
		fprintf(out, "  Path=%s", m.path);
	if (m.interface)
		fprintf(out, "  Interface=%s", m.interface);
	if (m.member)
		fprintf(out, "  Member=%s", m.member);
	fputc('\n', out);
	if (m.error_name)
		fprintf(out, "  ErrorName=%s", m.error_name);
	if (m.sender && strcmp(m.sender, id_text(msg->src_id)))
		fprintf(out, "  HeaderSender=%s (differs from the kernel's!)", m.sender);
	if (m.error_name || (m.sender && strcmp(m.sender, id_text(msg->src_id))))
		fputc('\n', out);
	if (show_meta) {
		for_each_item(item, msg->items, (const uint8_t *)msg + msg->size)
			meta_print_item(out, item, "  ");
	} else {
		const struct kdbus_item *pids = msg_item(msg, KDBUS_ITEM_PIDS);
		const struct kdbus_item *comm = msg_item(msg, KDBUS_ITEM_PID_COMM);
		const struct kdbus_item *creds = msg_item(msg, KDBUS_ITEM_CREDS);

		if (pids || comm || creds) {
			fputs(" ", out);
			if (pids)
				fprintf(out, " PID=%llu", (unsigned long long)pids->pids.pid);
			if (comm)
				fprintf(out, " Comm=%s", comm->str);
			if (creds)
				fprintf(out, " UID=%llu", (unsigned long long)creds->creds.uid);
			fputc('\n', out);
		}
	}
	if (m.signature && *m.signature)
		dbus_print_body(out, m.body, m.body_len, m.endian == 'B', m.signature, 1, "  ", err,
				sizeof(err));
	else
		fputs("  MESSAGE \"\" {\n  };\n", out);
	fputc('\n', out);
	free(owned);
}

int cmd_monitor(int argc, char **argv)
{
	const char *count = NULL;
	const struct opt own[] = {
		{ "--count", &count, NULL, NULL },
		{ "--meta", NULL, &show_meta, NULL },
		{ 0 },
	};
	struct hello_args args = { .flags = KDBUS_HELLO_MONITOR };
	unsigned long seen = 0, limit = 0;
	struct conn c;
	int ret;

	if (parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, monitor_usage) != 0 && !g.help)
		usage_exit(monitor_usage, "monitor takes no arguments");
	maybe_help(monitor_usage);
	if (count) {
		char *end;

		limit = strtoul(count, &end, 10);
		if (*end || !limit)
			usage_exit(monitor_usage, "--count %s: expected a number > 0", count);
	}
	conn_open(&c, &args);
	fprintf(stderr, "Monitoring %s as %s.\n", c.path, c.unique);
	while (!limit || seen < limit) {
		const struct kdbus_msg *msg;
		uint64_t off, dropped = 0;

		ret = conn_recv(&c, &msg, &off, &dropped);
		if (ret == -EAGAIN) {
			ret = conn_wait(&c, -1);
			if (ret < 0) {
				if (ret == -ESHUTDOWN) {
					printf("The bus is gone.\n");
					return 0;
				}
				die("poll", -ret, NULL);
			}
			continue;
		}
		if (ret == -ESHUTDOWN) {
			printf("The bus is gone.\n");
			return 0;
		}
		if (ret < 0)
			die("RECV", -ret, NULL);
		if (dropped)
			printf("(%llu messages were lost: our receive queue was full)\n",
			       (unsigned long long)dropped);
		print_message(stdout, msg);
		fflush(stdout);
		conn_free(&c, off);
		seen++;
	}
	return 0;
}

static const char listen_usage[] =
	"usage: kdbus listen [--bus BUS] [--interface I] [--member M] [--path P]\n"
	"                    [--arg0 V] [--sender NAME] [--count N]\n"
	"Receives signals as an ordinary connection through a match: the given\n"
	"properties become a bloom mask (the kernel delivers a signal when its\n"
	"filter has all the mask's bits), --sender a NAME rule. Unlike monitor,\n"
	"this needs no privilege and sees only what matches.\n";

int cmd_listen(int argc, char **argv)
{
	const char *iface = NULL, *member = NULL, *path = NULL, *arg0 = NULL, *sender = NULL;
	const char *count = NULL;
	const struct opt own[] = {
		{ "--interface", &iface, NULL, NULL },
		{ "--member", &member, NULL, NULL },
		{ "--path", &path, NULL, NULL },
		{ "--arg0", &arg0, NULL, NULL },
		{ "--sender", &sender, NULL, NULL },
		{ "--count", &count, NULL, NULL },
		{ "--meta", NULL, &show_meta, NULL },
		{ 0 },
	};
	unsigned long seen = 0, limit = 0;
	struct cmdbuf rules;
	struct bloom mask;
	struct conn c;
	int ret;

	if (parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, listen_usage) != 0 && !g.help)
		usage_exit(listen_usage, "listen takes no arguments");
	maybe_help(listen_usage);
	if (count) {
		char *end;

		limit = strtoul(count, &end, 10);
		if (*end || !limit)
			usage_exit(listen_usage, "--count %s: expected a number > 0", count);
	}
	if (sender && (sender[0] == ':' || !dbus_bus_name_valid(sender)))
		usage_exit(listen_usage, "--sender must be a well-known name");
	conn_open(&c, NULL);
	bloom_init(&mask, &c);
	bloom_add(&mask, "message-type", "signal");
	if (iface)
		bloom_add(&mask, "interface", iface);
	if (member)
		bloom_add(&mask, "member", member);
	if (path)
		bloom_add(&mask, "path", path);
	if (arg0)
		bloom_add(&mask, "arg0", arg0);
	cmd_init(&rules, 0);
	cmd_item(&rules, KDBUS_ITEM_BLOOM_MASK, mask.data, mask.size);
	if (sender)
		cmd_item_str(&rules, KDBUS_ITEM_NAME, sender);
	ret = conn_match(&c, 1, &rules);
	if (ret < 0)
		die("MATCH_ADD", -ret, NULL);
	fprintf(stderr, "Listening on %s as %s.\n", c.path, c.unique);
	while (!limit || seen < limit) {
		const struct kdbus_msg *msg;
		uint64_t off;

		ret = conn_recv(&c, &msg, &off, NULL);
		if (ret == -EAGAIN) {
			ret = conn_wait(&c, -1);
			if (ret < 0)
				die("poll", -ret, NULL);
			continue;
		}
		if (ret < 0)
			die("RECV", -ret, NULL);
		print_message(stdout, msg);
		fflush(stdout);
		conn_free(&c, off);
		seen++;
	}
	return 0;
}
