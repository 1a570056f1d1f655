// SPDX-License-Identifier: GPL-2.0
/*
 * list.c: `ls` (the domain's files), `list` (connections and names, like
 * busctl list), `status` (CONN_INFO / BUS_CREATOR_INFO, every item) and
 * `hello` (what HELLO answered).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

/* ---- ls ---- */

static const char ls_usage[] =
	"usage: kdbus ls [--root DIR]\n"
	"Lists the buses of the domain and the endpoint files in each, with the\n"
	"file modes that decide who may connect (kdbusfs: spec §2.2).\n";

static int dir_filter(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

int cmd_ls(int argc, char **argv)
{
	struct dirent **buses, **eps;
	int n, m, i, j, shown = 0;
	char path[1024];
	struct stat st;

	if (parse_opts(argc, argv, NULL, COMMON_ROOT, ls_usage) != 0 && !g.help)
		usage_exit(ls_usage, "ls takes no arguments");
	maybe_help(ls_usage);
	n = scandir(g.root, &buses, dir_filter, alphasort);
	if (n < 0)
		die("open", errno, "%s", g.root);
	printf("%-24s %-24s %-5s %5s %5s %s\n", "BUS", "ENDPOINT", "MODE", "UID", "GID", "PATH");
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", g.root, buses[i]->d_name);
		if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
			free(buses[i]);
			continue;
		}
		m = scandir(path, &eps, dir_filter, alphasort);
		for (j = 0; j < m; j++) {
			snprintf(path, sizeof(path), "%s/%s/%s", g.root, buses[i]->d_name, eps[j]->d_name);
			if (stat(path, &st) == 0)
				printf("%-24s %-24s %04o %5u %5u %s\n", buses[i]->d_name, eps[j]->d_name,
				       (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
				       (unsigned)st.st_gid, path);
			free(eps[j]);
			shown++;
		}
		if (m >= 0)
			free(eps);
		free(buses[i]);
	}
	free(buses);
	if (!shown)
		printf("(no buses in %s)\n", g.root);
	return 0;
}

/* ---- list ---- */

static const char list_usage[] =
	"usage: kdbus list [--bus BUS] [--activatable] [--queued]\n"
	"One line per connection (its unique name :1.ID) and per name it owns:\n"
	"NAME, ID, STATE (primary, in-queue, activator...), PID, COMM, UID,\n"
	"DESCRIPTION and FLAGS (monitor, activator, policy-holder, accept-fd).\n"
	"--activatable adds names held by activators, --queued names a\n"
	"connection is waiting for. PID/COMM/UID show as - when the connection\n"
	"does not allow that metadata to be revealed.\n";

struct row {
	uint64_t id, hello_flags, name_flags;
	const char *name;	/* NULL: the connection itself */
};

struct who {
	char pid[24], comm[24], uid[24], desc[72];
};

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (!x->name || !y->name)
		return x->name ? 1 : y->name ? -1 : 0;
	return strcmp(x->name, y->name);
}

/* CONN_INFO for the columns; "-" for what the connection does not reveal. */
static void lookup(struct conn *c, uint64_t id, struct who *w)
{
	struct kdbus_cmd_info info = {
		.size = sizeof(info), .id = id,
		.attach_flags = KDBUS_ATTACH_CREDS | KDBUS_ATTACH_PIDS | KDBUS_ATTACH_PID_COMM |
				KDBUS_ATTACH_CONN_DESCRIPTION,
	};
	const struct kdbus_info *rec;
	const struct kdbus_item *item;

	strcpy(w->pid, "-");
	strcpy(w->comm, "-");
	strcpy(w->uid, "-");
	strcpy(w->desc, "-");
	if (conn_ioctl(c, KDBUS_CMD_CONN_INFO, &info) < 0)
		return;
	rec = (const struct kdbus_info *)(c->pool + info.offset);
	for_each_item(item, rec->items, (const uint8_t *)rec + rec->size) {
		if (item->type == KDBUS_ITEM_PIDS)
			snprintf(w->pid, sizeof(w->pid), "%llu", (unsigned long long)item->pids.pid);
		else if (item->type == KDBUS_ITEM_CREDS)
			snprintf(w->uid, sizeof(w->uid), "%llu", (unsigned long long)item->creds.uid);
		else if (item->type == KDBUS_ITEM_PID_COMM)
			snprintf(w->comm, sizeof(w->comm), "%.15s", item->str);
		else if (item->type == KDBUS_ITEM_CONN_DESCRIPTION)
			snprintf(w->desc, sizeof(w->desc), "%.63s", item->str);
	}
	conn_free(c, info.offset);
}

static const char *state_text(const struct row *r)
{
	static char buf[160];
	uint64_t f = r->name_flags;

	if (!r->name)
		return "-";
	/* The state first, then the stored request flags. */
	snprintf(buf, sizeof(buf), "%s", f & KDBUS_NAME_ACTIVATOR ?
		 (f & KDBUS_NAME_IN_QUEUE ? "activator(standby)" : "activator") :
		 f & KDBUS_NAME_PRIMARY ? "primary" : f & KDBUS_NAME_IN_QUEUE ? "in-queue" : "?");
	if (f & KDBUS_NAME_ALLOW_REPLACEMENT)
		strcat(buf, ",allow-replacement");
	if (f & KDBUS_NAME_QUEUE)
		strcat(buf, ",queue");
	return buf;
}

int cmd_list(int argc, char **argv)
{
	int activatable = 0, queued = 0;
	const struct opt own[] = {
		{ "--activatable", NULL, &activatable, NULL },
		{ "--queued", NULL, &queued, NULL },
		{ 0 },
	};
	struct kdbus_cmd_list cmd = { .size = sizeof(cmd) };
	const struct kdbus_info *rec;
	struct row *rows = NULL;
	size_t n = 0, i, off;
	struct conn c;
	struct who w;
	uint64_t last = 0;
	int ret;

	if (parse_opts(argc, argv, own, COMMON_ROOT | COMMON_CONN, list_usage) != 0 && !g.help)
		usage_exit(list_usage, "list takes no arguments");
	maybe_help(list_usage);
	conn_open(&c, NULL);
	cmd.flags = KDBUS_LIST_UNIQUE | KDBUS_LIST_NAMES;
	if (activatable)
		cmd.flags |= KDBUS_LIST_ACTIVATORS;
	if (queued)
		cmd.flags |= KDBUS_LIST_QUEUED;
	ret = conn_ioctl(&c, KDBUS_CMD_LIST, &cmd);
	if (ret < 0)
		die("LIST", -ret, NULL);

	/* Records: {size, id, flags} plus at most one OWNED_NAME item (§8.8). */
	for (off = 0; off + sizeof(*rec) <= cmd.list_size; off += KDBUS_ALIGN8(rec->size)) {
		const struct kdbus_item *item;

		rec = (const struct kdbus_info *)(c.pool + cmd.offset + off);
		if (rec->size < sizeof(*rec))
			break;
		rows = realloc(rows, (n + 2) * sizeof(*rows));
		if (!rows)
			fatal("out of memory");
		/* One row for the connection, one per name: dedup later. */
		rows[n++] = (struct row){ rec->id, rec->flags, 0, NULL };
		for_each_item(item, rec->items, (const uint8_t *)rec + rec->size)
			if (item->type == KDBUS_ITEM_OWNED_NAME)
				rows[n++] = (struct row){ rec->id, rec->flags, item->name.flags,
							  item->name.name };
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	printf("%-32s %5s %-20s %5s %-15s %5s %-16s %s\n", "NAME", "ID", "STATE", "PID", "COMM",
	       "UID", "DESCRIPTION", "FLAGS");
	for (i = 0; i < n; i++) {
		char unique[32];

		if (!rows[i].name && i && rows[i - 1].id == rows[i].id && !rows[i - 1].name)
			continue;	/* a second bare record of the same connection */
		if (i == 0 || rows[i].id != last) {
			lookup(&c, rows[i].id, &w);
			last = rows[i].id;
		}
		snprintf(unique, sizeof(unique), ":1.%llu", (unsigned long long)rows[i].id);
		printf("%-32s %5llu %-20s %5s %-15s %5s %-16s %s%s\n",
		       rows[i].name ? rows[i].name : unique, (unsigned long long)rows[i].id,
		       state_text(&rows[i]), w.pid, w.comm, w.uid, w.desc,
		       hello_flags_text(rows[i].hello_flags), rows[i].id == c.id ? " (you)" : "");
	}
	if (cmd.list_size)
		conn_free(&c, cmd.offset);
	free(rows);
	return 0;
}

/* ---- status ---- */

static const char status_usage[] =
	"usage: kdbus status [--bus BUS] [ID|:1.ID|NAME]\n"
	"Prints every metadata item the kernel gives about a connection\n"
	"(CONN_INFO, asking for all items; you see what the connection allows\n"
	"to be revealed), or without an argument about the bus and its creator\n"
	"(BUS_CREATOR_INFO).\n";

static void print_items(const struct kdbus_info *rec, const char *indent)
{
	const struct kdbus_item *item;

	for_each_item(item, rec->items, (const uint8_t *)rec + rec->size) {
		if (meta_print_item(stdout, item, indent))
			continue;
		if (item->type == KDBUS_ITEM_MAKE_NAME)
			printf("%sBusName: %s\n", indent, item->str);
		else if (item->type == KDBUS_ITEM_ATTACH_FLAGS_RECV)
			printf("%sRequiredMetadata: %s\n", indent, meta_format(item->data64[0]));
		else
			printf("%sItem: type 0x%llx, %llu bytes\n", indent,
			       (unsigned long long)item->type, (unsigned long long)item->size);
	}
}

int cmd_status(int argc, char **argv)
{
	struct kdbus_cmd_info *info;
	const struct kdbus_info *rec;
	struct cmdbuf cmd;
	struct conn c;
	uint64_t id = 0;
	int n, ret;

	n = parse_opts(argc, argv, NULL, COMMON_ROOT | COMMON_CONN, status_usage);
	maybe_help(status_usage);
	if (n > 1)
		usage_exit(status_usage, "status takes at most one ID or NAME");
	if (n == 1) {
		id = parse_id(argv[0]);
		if (!id && !dbus_bus_name_valid(argv[0]))
			usage_exit(status_usage, "\"%s\" is neither an ID (5, :1.5) nor a bus name", argv[0]);
	}
	conn_open(&c, NULL);
	cmd_init(&cmd, sizeof(*info));
	if (n == 1 && !id)
		cmd_item_str(&cmd, KDBUS_ITEM_NAME, argv[0]);
	info = cmd_finish(&cmd);
	info->id = id;
	info->attach_flags = _KDBUS_ATTACH_ALL;
	if (n == 0) {
		ret = conn_ioctl(&c, KDBUS_CMD_BUS_CREATOR_INFO, info);
		if (ret < 0)
			die("BUS_CREATOR_INFO", -ret, NULL);
		rec = (const struct kdbus_info *)(c.pool + info->offset);
		printf("BusID: %llu\n", (unsigned long long)rec->id);
		printf("BusFlags: %s\n", bus_make_flags_text(rec->flags));
		printf("Endpoint: %s\n", c.path);
		printf("Creator metadata (what the creator allowed with --creator-meta):\n");
		print_items(rec, "  ");
	} else {
		ret = conn_ioctl(&c, KDBUS_CMD_CONN_INFO, info);
		if (ret < 0)
			die("CONN_INFO", -ret, "%s", argv[0]);
		rec = (const struct kdbus_info *)(c.pool + info->offset);
		printf("ID: %llu (:1.%llu)%s\n", (unsigned long long)rec->id,
		       (unsigned long long)rec->id, rec->id == c.id ? " (you)" : "");
		printf("Flags: %s\n", hello_flags_text(rec->flags));
		print_items(rec, "");
	}
	conn_free(&c, info->offset);
	cmd_free(&cmd);
	return 0;
}

/* ---- hello ---- */

static const char hello_usage[] =
	"usage: kdbus hello [--bus BUS] [--send-meta LIST] [--recv-meta LIST] [--description D]\n"
	"Connects (HELLO) and prints what the kernel answered: the connection\n"
	"ID, the bus UUID (id128), the bus flags and its bloom filter parameters.\n";

int cmd_hello(int argc, char **argv)
{
	struct conn c;
	int i;

	if (parse_opts(argc, argv, NULL, COMMON_ROOT | COMMON_CONN, hello_usage) != 0 && !g.help)
		usage_exit(hello_usage, "hello takes no arguments");
	maybe_help(hello_usage);
	conn_open(&c, NULL);
	printf("Endpoint: %s\n", c.path);
	printf("ID: %llu\n", (unsigned long long)c.id);
	printf("UniqueName: %s\n", c.unique);
	printf("BusID128: ");
	for (i = 0; i < 16; i++)
		printf("%02x%s", c.id128[i], i == 3 || i == 5 || i == 7 || i == 9 ? "-" : "");
	printf("\nBusFlags: 0x%llx (%s)\n", (unsigned long long)c.bus_flags,
	       bus_make_flags_text(c.bus_flags));
	printf("BloomSize: %llu\n", (unsigned long long)c.bloom.size);
	printf("BloomHashes: %llu\n", (unsigned long long)c.bloom.n_hash);
	printf("PoolSize: %u\n", POOL_SIZE);
	printf("SendMeta: %s\n", meta_format(g.send_meta));
	printf("RecvMeta: %s\n", meta_format(g.recv_meta));
	return 0;
}
