// SPDX-License-Identifier: GPL-2.0
/*
 * meta-flags.c: metadata attach flags by name, and printing the metadata
 * items the kernel writes (spec §13), plus the other flag words we show.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	uint64_t mask;
} meta_names[] = {
	{ "timestamp", KDBUS_ATTACH_TIMESTAMP },
	{ "creds", KDBUS_ATTACH_CREDS },
	{ "pids", KDBUS_ATTACH_PIDS },
	{ "auxgroups", KDBUS_ATTACH_AUXGROUPS },
	{ "names", KDBUS_ATTACH_NAMES },
	{ "tid-comm", KDBUS_ATTACH_TID_COMM },
	{ "pid-comm", KDBUS_ATTACH_PID_COMM },
	{ "exe", KDBUS_ATTACH_EXE },
	{ "cmdline", KDBUS_ATTACH_CMDLINE },
	{ "cgroup", KDBUS_ATTACH_CGROUP },
	{ "caps", KDBUS_ATTACH_CAPS },
	{ "seclabel", KDBUS_ATTACH_SECLABEL },
	{ "audit", KDBUS_ATTACH_AUDIT },
	{ "description", KDBUS_ATTACH_CONN_DESCRIPTION },
	/* Aliases last, so meta_format() uses the canonical names. */
	{ "comm", KDBUS_ATTACH_TID_COMM | KDBUS_ATTACH_PID_COMM },
	{ "conn-description", KDBUS_ATTACH_CONN_DESCRIPTION },
	{ "all", _KDBUS_ATTACH_ALL },
	{ "none", 0 },
};

#define N_CANONICAL 14

int meta_parse(const char *list, uint64_t *mask, char *err, size_t errlen)
{
	const char *p = list;

	*mask = 0;
	while (*p) {
		size_t n = strcspn(p, ","), i;
		int found = 0;

		for (i = 0; i < sizeof(meta_names) / sizeof(meta_names[0]); i++) {
			if (strlen(meta_names[i].name) == n && !strncmp(p, meta_names[i].name, n)) {
				*mask |= meta_names[i].mask;
				found = 1;
			}
		}
		if (!found) {
			snprintf(err, errlen, "unknown metadata \"%.*s\" (known: timestamp, creds, pids, "
				 "auxgroups, names, tid-comm, pid-comm, comm, exe, cmdline, cgroup, caps, "
				 "seclabel, audit, description, all, none)", (int)n, p);
			return -1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

const char *meta_format(uint64_t mask)
{
	static char buf[256];
	size_t i;

	buf[0] = 0;
	for (i = 0; i < N_CANONICAL; i++) {
		if (mask & meta_names[i].mask) {
			if (buf[0])
				strcat(buf, ",");
			strcat(buf, meta_names[i].name);
		}
	}
	if (mask & ~(uint64_t)_KDBUS_ATTACH_ALL)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s0x%" PRIx64,
			 buf[0] ? "," : "", mask & ~(uint64_t)_KDBUS_ATTACH_ALL);
	return buf[0] ? buf : "none";
}

const char *meta_item_name(uint64_t type)
{
	static const char *const n[] = {
		"Timestamp", "Creds", "PIDs", "AuxGroups", "OwnedName", "TIDComm", "PIDComm",
		"Exe", "CommandLine", "CGroup", "Caps", "SecLabel", "Audit", "Description",
	};

	if (type >= _KDBUS_ITEM_ATTACH_BASE && type < _KDBUS_ITEM_ATTACH_BASE + 14)
		return n[type - _KDBUS_ITEM_ATTACH_BASE];
	return NULL;
}

/* Flag words as "a|b|0x40": `names` is indexed by bit number. */
static const char *flags_text(uint64_t flags, const char *const *names, int n, char *buf, size_t len)
{
	int i;

	buf[0] = 0;
	for (i = 0; i < 64; i++) {
		if (!(flags & (1ULL << i)))
			continue;
		if (buf[0])
			strncat(buf, ",", len - strlen(buf) - 1);
		if (i < n && names[i])
			strncat(buf, names[i], len - strlen(buf) - 1);
		else
			snprintf(buf + strlen(buf), len - strlen(buf), "0x%llx", 1ULL << i);
	}
	return buf[0] ? buf : "-";
}

const char *hello_flags_text(uint64_t flags)
{
	static const char *const n[] = { "accept-fd", "activator", "policy-holder", "monitor" };
	static char buf[128];

	return flags_text(flags, n, 4, buf, sizeof(buf));
}

const char *name_flags_text(uint64_t flags)
{
	static const char *const n[] = {
		"replace-existing", "allow-replacement", "queue", "in-queue", "activator",
		"primary", "acquired",
	};
	static char buf[160];

	return flags_text(flags, n, 7, buf, sizeof(buf));
}

const char *bus_make_flags_text(uint64_t flags)
{
	static const char *const n[] = { "access-group", "access-world" };
	static char buf[128];

	return flags_text(flags, n, 2, buf, sizeof(buf));
}

static void print_caps(FILE *out, const struct kdbus_item *item, const char *indent)
{
	static const char *const sets[] = { "Inheritable", "Permitted", "Effective", "Bounding" };
	size_t words = (item->size - KDBUS_ITEM_HEADER_SIZE - 4) / 4 / 4, s, w;

	fprintf(out, "%sCaps: last_cap=%u\n", indent, item->caps.last_cap);
	for (s = 0; s < 4; s++) {
		fprintf(out, "%s  %-11s 0x", indent, sets[s]);
		for (w = words; w-- > 0;)	/* most significant word first */
			fprintf(out, "%08x", item->caps.caps[s * words + w]);
		fputc('\n', out);
	}
}

static int str_ok(const struct kdbus_item *item)
{
	size_t n = item->size - KDBUS_ITEM_HEADER_SIZE;

	return n > 0 && item->str[n - 1] == 0;
}

int meta_print_item(FILE *out, const struct kdbus_item *item, const char *indent)
{
	size_t n = item->size - KDBUS_ITEM_HEADER_SIZE, i;
	const char *label = meta_item_name(item->type);

	switch (item->type) {
	case KDBUS_ITEM_TIMESTAMP:
		fprintf(out, "%sTimestamp: seqnum=%" PRIu64 " monotonic=%" PRIu64 ".%09" PRIu64
			" realtime=%" PRIu64 ".%09" PRIu64 "\n", indent, (uint64_t)item->timestamp.seqnum,
			(uint64_t)item->timestamp.monotonic_ns / 1000000000,
			(uint64_t)item->timestamp.monotonic_ns % 1000000000,
			(uint64_t)item->timestamp.realtime_ns / 1000000000,
			(uint64_t)item->timestamp.realtime_ns % 1000000000);
		return 1;
	case KDBUS_ITEM_CREDS:
		fprintf(out, "%sUID=%llu EUID=%llu SUID=%llu FSUID=%llu\n", indent,
			(unsigned long long)item->creds.uid, (unsigned long long)item->creds.euid,
			(unsigned long long)item->creds.suid, (unsigned long long)item->creds.fsuid);
		fprintf(out, "%sGID=%llu EGID=%llu SGID=%llu FSGID=%llu\n", indent,
			(unsigned long long)item->creds.gid, (unsigned long long)item->creds.egid,
			(unsigned long long)item->creds.sgid, (unsigned long long)item->creds.fsgid);
		return 1;
	case KDBUS_ITEM_PIDS:
		fprintf(out, "%sPID=%llu TID=%llu PPID=%llu\n", indent,
			(unsigned long long)item->pids.pid, (unsigned long long)item->pids.tid,
			(unsigned long long)item->pids.ppid);
		return 1;
	case KDBUS_ITEM_AUXGROUPS:
		fprintf(out, "%sAuxGroups:", indent);
		for (i = 0; i < n / 8; i++)
			fprintf(out, " %llu", (unsigned long long)item->data64[i]);
		fputc('\n', out);
		return 1;
	case KDBUS_ITEM_OWNED_NAME:
		if (n > 8 && item->name.name[n - 9] == 0)
			fprintf(out, "%sOwnedName: %s (%s)\n", indent, item->name.name,
				name_flags_text(item->name.flags));
		return 1;
	case KDBUS_ITEM_CAPS:
		if (n >= 4 + 16)
			print_caps(out, item, indent);
		return 1;
	case KDBUS_ITEM_AUDIT:
		fprintf(out, "%sAudit: sessionid=%u loginuid=%u\n", indent, item->audit.sessionid,
			item->audit.loginuid);
		return 1;
	case KDBUS_ITEM_TID_COMM: case KDBUS_ITEM_PID_COMM: case KDBUS_ITEM_EXE:
	case KDBUS_ITEM_CMDLINE: case KDBUS_ITEM_CGROUP: case KDBUS_ITEM_SECLABEL:
	case KDBUS_ITEM_CONN_DESCRIPTION:
		if (str_ok(item))
			fprintf(out, "%s%s: %s\n", indent, label, item->str);
		return 1;
	}
	return 0;
}
