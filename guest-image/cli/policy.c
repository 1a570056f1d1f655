// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c: `kdbus policy NAME RULE...` - a policy holder connection
 * (spec §11.3): its rules for NAME (or a NAME.* wildcard) are part of the
 * bus policy exactly as long as it stays connected.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char policy_usage[] =
	"usage: kdbus policy [--bus BUS] NAME RULE...\n"
	"Connects as policy holder for NAME (a well-known name, or a prefix like\n"
	"org.example.*) and holds the rules until killed. RULE is ACCESS:WHO,\n"
	"ACCESS one of see, talk, own (each implies the ones before it), WHO one\n"
	"of world, user:UID, group:GID. Only the bus owner may hold policy.\n"
	"Example: kdbus policy org.example.Echo own:user:1000 talk:world\n";

int policy_parse(const char *rule, struct kdbus_policy_access *out, char *err, size_t errlen)
{
	const char *who = strchr(rule, ':');
	size_t alen = who ? (size_t)(who - rule) : strlen(rule);
	char *end;

	memset(out, 0, sizeof(*out));
	if (alen == 3 && !strncmp(rule, "see", 3))
		out->access = KDBUS_POLICY_SEE;
	else if (alen == 4 && !strncmp(rule, "talk", 4))
		out->access = KDBUS_POLICY_TALK;
	else if (alen == 3 && !strncmp(rule, "own", 3))
		out->access = KDBUS_POLICY_OWN;
	else
		goto bad;
	if (!who)
		goto bad;
	who++;
	if (!strcmp(who, "world")) {
		out->type = KDBUS_POLICY_ACCESS_WORLD;
		return 0;
	}
	if (!strncmp(who, "user:", 5))
		out->type = KDBUS_POLICY_ACCESS_USER, who += 5;
	else if (!strncmp(who, "group:", 6))
		out->type = KDBUS_POLICY_ACCESS_GROUP, who += 6;
	else
		goto bad;
	if (!*who || strspn(who, "0123456789") != strlen(who))
		goto bad;
	out->id = strtoull(who, &end, 10);
	return 0;
bad:
	snprintf(err, errlen, "bad rule \"%s\": expected see|talk|own : world|user:UID|group:GID",
		 rule);
	return -1;
}

const char *policy_text(const struct kdbus_policy_access *a)
{
	static char buf[64];
	static const char *const access[] = { "see", "talk", "own" };

	if (a->type == KDBUS_POLICY_ACCESS_WORLD)
		snprintf(buf, sizeof(buf), "%s:world", access[a->access % 3]);
	else
		snprintf(buf, sizeof(buf), "%s:%s:%llu", access[a->access % 3],
			 a->type == KDBUS_POLICY_ACCESS_USER ? "user" : "group",
			 (unsigned long long)a->id);
	return buf;
}

int cmd_policy(int argc, char **argv)
{
	struct kdbus_policy_access *rules;
	struct hello_args args = { .flags = KDBUS_HELLO_POLICY_HOLDER };
	char err[128];
	struct conn c;
	int n, i;

	n = parse_opts(argc, argv, NULL, COMMON_ROOT | COMMON_CONN, policy_usage);
	maybe_help(policy_usage);
	if (n < 2)
		usage_exit(policy_usage, "policy needs a NAME and at least one RULE");
	rules = calloc(n - 1, sizeof(*rules));
	if (!rules)
		fatal("out of memory");
	for (i = 1; i < n; i++)
		if (policy_parse(argv[i], &rules[i - 1], err, sizeof(err)) < 0)
			usage_exit(policy_usage, "%s", err);
	args.name = argv[0];
	args.policy = rules;
	args.n_policy = n - 1;
	conn_open(&c, &args);
	printf("%s: policy held by %s:", argv[0], c.unique);
	for (i = 0; i < n - 1; i++)
		printf(" %s", policy_text(&rules[i]));
	printf("\n");
	fflush(stdout);
	/* A policy holder receives nothing; it only has to stay connected. */
	for (;;)
		pause();
}
