// SPDX-License-Identifier: GPL-2.0
/*
 * names.c: `kdbus own NAME` - takes a well-known name and holds it until
 * killed, reporting ownership changes as the kernel announces them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char own_usage[] =
	"usage: kdbus own [--bus BUS] NAME [--queue] [--allow-replacement] [--replace]\n"
	"Acquires NAME (NAME_ACQUIRE) and holds it until killed. --queue waits in\n"
	"line if someone else owns it, --allow-replacement lets others take it\n"
	"over with --replace. Ownership changes are printed as they happen;\n"
	"method calls to the name are answered with an UnknownMethod error.\n";

/* A match for the NAME_* notifications about one name (spec §10.2). */
static void watch_name(struct conn *c, const char *name)
{
	static const uint64_t types[] = {
		KDBUS_ITEM_NAME_ADD, KDBUS_ITEM_NAME_REMOVE, KDBUS_ITEM_NAME_CHANGE,
	};
	size_t len = sizeof(struct kdbus_notify_name_change) + strlen(name) + 1, i;
	struct kdbus_notify_name_change *nc = calloc(1, len);
	int ret;

	if (!nc)
		fatal("out of memory");
	nc->old_id.id = KDBUS_MATCH_ID_ANY;
	nc->new_id.id = KDBUS_MATCH_ID_ANY;
	strcpy(nc->name, name);
	for (i = 0; i < 3; i++) {
		struct cmdbuf rules;

		/* One entry per type: the rules of an entry must all match. */
		cmd_init(&rules, 0);
		cmd_item(&rules, types[i], nc, len);
		ret = conn_match(c, 1, &rules);
		if (ret < 0)
			die("MATCH_ADD", -ret, NULL);
		cmd_free(&rules);
	}
	free(nc);
}

/* Prints ownership changes; *primary tracks ours to skip the echo of our own acquire. */
static void notice(const struct conn *c, const struct kdbus_msg *msg, const char *name, int *primary)
{
	const struct kdbus_item *item;

	for_each_item(item, msg->items, (const uint8_t *)msg + msg->size) {
		const struct kdbus_notify_name_change *nc = &item->name_change;

		if (item->type != KDBUS_ITEM_NAME_CHANGE && item->type != KDBUS_ITEM_NAME_ADD &&
		    item->type != KDBUS_ITEM_NAME_REMOVE)
			continue;
		if (strcmp(nc->name, name))
			continue;
		if (nc->new_id.id == c->id) {
			if (!*primary)
				printf("%s: now the primary owner (%s)\n", name,
				       name_flags_text(nc->new_id.flags));
			*primary = 1;
		} else if (nc->old_id.id == c->id) {
			printf("%s: taken over by :1.%llu\n", name, (unsigned long long)nc->new_id.id);
			*primary = 0;
		} else if (nc->new_id.id)
			printf("%s: owner is now :1.%llu\n", name, (unsigned long long)nc->new_id.id);
	}
}

int cmd_own(int argc, char **argv)
{
	int queue = 0, allow = 0, replace = 0;
	const struct opt own[] = {
		{ "--queue", NULL, &queue, NULL },
		{ "--allow-replacement", NULL, &allow, NULL },
		{ "--replace", NULL, &replace, NULL },
		{ 0 },
	};
	uint64_t flags = 0, result;
	struct conn c;
	int ret, primary;

	if (parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, own_usage) != 1 && !g.help)
		usage_exit(own_usage, "own needs exactly one NAME");
	maybe_help(own_usage);
	if (argv[0][0] == ':' || !dbus_bus_name_valid(argv[0]))
		usage_exit(own_usage, "\"%s\" is not a valid well-known name (like org.example.Name)",
			   argv[0]);
	if (queue)
		flags |= KDBUS_NAME_QUEUE;
	if (allow)
		flags |= KDBUS_NAME_ALLOW_REPLACEMENT;
	if (replace)
		flags |= KDBUS_NAME_REPLACE_EXISTING;
	conn_open(&c, NULL);
	/* Watch first, so no change between acquiring and watching is missed. */
	watch_name(&c, argv[0]);
	ret = conn_acquire(&c, argv[0], flags, &result);
	if (ret < 0)
		die("NAME_ACQUIRE", -ret, "%s", argv[0]);
	primary = !(result & KDBUS_NAME_IN_QUEUE);
	if (result & KDBUS_NAME_IN_QUEUE)
		printf("%s: queued as %s (%s)\n", argv[0], c.unique, name_flags_text(result));
	else
		printf("%s: owned by %s (%s)\n", argv[0], c.unique, name_flags_text(result));

	for (;;) {
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
		if (msg->payload_type == KDBUS_PAYLOAD_KERNEL) {
			notice(&c, msg, argv[0], &primary);
		} else if (msg->flags & KDBUS_MSG_EXPECT_REPLY) {
			struct dbus_msg m;
			uint8_t *owned;
			char err[128];

			if (msg_parse(msg, &m, &owned, err, sizeof(err)) == 0)
				msg_reply_error(&c, msg, &m, "org.freedesktop.DBus.Error.UnknownMethod",
						"this name is only held by `kdbus own`");
			free(owned);
		}
		conn_free(&c, off);
	}
}
