// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - the command line for kdbus, modelled on busctl.
 *
 * main.c: the command table, the top-level help and option parsing.
 * Options are long only ("--bus B"), may come anywhere after the command
 * words and end at "--"; this keeps negative numbers ("Add ii -2 3")
 * usable as arguments.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct opts g = {
	.root = DEFAULT_ROOT,
	/* Offer every item by default: a debugging tool should not be refused
	 * by a bus that requires metadata; --send-meta narrows it. */
	.send_meta = _KDBUS_ATTACH_ALL,
	.recv_meta = _KDBUS_ATTACH_ALL,
};

static const char *cur_usage;

static const char main_usage[] =
	"usage: kdbus [--root DIR] COMMAND [ARGS...]\n"
	"\n"
	"Domain and buses (default domain: " DEFAULT_ROOT ", --root DIR for another):\n"
	"  ls                               buses and endpoints of the domain\n"
	"  list [--activatable] [--queued]  connections and names on the bus\n"
	"  status [ID|NAME]                 metadata of a connection, or of the bus\n"
	"  bus make NAME [--world|--group] [--require-meta LIST] [--creator-meta LIST]\n"
	"  endpoint make BUS NAME [--world|--group] [--allow NAME:ACCESS:WHO]...\n"
	"  domain mount DIR | domain umount DIR\n"
	"Connections:\n"
	"  hello                            connect and print what the kernel answered\n"
	"  own NAME [--queue] [--allow-replacement] [--replace]\n"
	"  call DEST PATH IFACE MEMBER [SIGNATURE ARGS...]\n"
	"  emit PATH IFACE MEMBER [SIGNATURE ARGS...]\n"
	"  monitor [--count N]              print every message on the bus\n"
	"  listen [--interface I] [--member M] [--path P] [--arg0 V]  matching signals\n"
	"  serve NAME [--interval SEC]      demo service: Echo, Add, Sleep, Fail, Tick\n"
	"  activate NAME -- CMD [ARGS...]   start CMD on the first message to NAME\n"
	"  policy NAME RULE...              hold a policy: RULE is ACCESS:WHO\n"
	"\n"
	"Connection options: --bus BUS (name like 0-demo, BUS/ENDPOINT or a path;\n"
	"default $KDBUS_BUS or the only bus), --send-meta LIST, --recv-meta LIST,\n"
	"--description TEXT. LIST: timestamp,creds,pids,auxgroups,names,tid-comm,\n"
	"pid-comm,comm,exe,cmdline,cgroup,caps,seclabel,audit,description,all,none.\n"
	"Every command has --help.\n";

void usage_exit(const char *usage, const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, PROG ": ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fputs(usage ? usage : main_usage, stderr);
	exit(EXIT_USAGE);
}

void maybe_help(const char *usage)
{
	if (g.help) {
		fputs(usage, stdout);
		exit(0);
	}
}

static int meta_opt(const char *value, uint64_t *mask)
{
	char err[128];

	if (meta_parse(value, mask, err, sizeof(err)) < 0)
		usage_exit(cur_usage, "%s", err);
	return 0;
}

int parse_opts(int argc, char **argv, const struct opt *own, int common, const char *usage)
{
	const char *send = NULL, *recv = NULL;
	int i, npos = 0, j, rest = 0;

	cur_usage = usage;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **value = NULL;
		const struct opt *o = NULL;

		if (rest || a[0] != '-' || !a[1] || (a[1] != '-' && strcmp(a, "-h"))) {
			argv[npos++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			/* Everything after "--" is positional (activate's CMD). */
			rest = 1;
			argv[npos++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			g.help = 1;
			continue;
		}
		for (j = 0; own && own[j].name; j++)
			if (!strcmp(a, own[j].name))
				o = &own[j];
		if (o) {
			if (o->flag)
				*o->flag = 1;
			if (o->value || o->list) {
				if (i + 1 >= argc)
					usage_exit(usage, "%s needs a value", a);
				if (o->value) {
					*o->value = argv[++i];
				} else {
					const char **l = *o->list;
					size_t n = 0;

					while (l && l[n])
						n++;
					l = realloc(l, (n + 2) * sizeof(*l));
					if (!l)
						fatal("out of memory");
					l[n] = argv[++i];
					l[n + 1] = NULL;
					*o->list = l;
				}
			}
			continue;
		}
		if ((common & COMMON_ROOT) && !strcmp(a, "--root"))
			value = &g.root;
		else if ((common & COMMON_CONN) && !strcmp(a, "--bus"))
			value = &g.bus;
		else if ((common & COMMON_CONN) && !strcmp(a, "--send-meta"))
			value = &send;
		else if ((common & COMMON_CONN) && !strcmp(a, "--recv-meta"))
			value = &recv;
		else if ((common & COMMON_CONN) && !strcmp(a, "--description"))
			value = &g.description;
		else
			usage_exit(usage, "unknown option %s", a);
		if (i + 1 >= argc)
			usage_exit(usage, "%s needs a value", a);
		*value = argv[++i];
	}
	if (send)
		meta_opt(send, &g.send_meta);
	if (recv)
		meta_opt(recv, &g.recv_meta);
	argv[npos] = NULL;
	return npos;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "ls", cmd_ls },
	{ "list", cmd_list },
	{ "status", cmd_status },
	{ "bus", cmd_bus },
	{ "endpoint", cmd_endpoint },
	{ "domain", cmd_domain },
	{ "hello", cmd_hello },
	{ "own", cmd_own },
	{ "call", cmd_call },
	{ "emit", cmd_emit },
	{ "monitor", cmd_monitor },
	{ "listen", cmd_listen },
	{ "serve", cmd_serve },
	{ "activate", cmd_activate },
	{ "policy", cmd_policy },
};

int main(int argc, char **argv)
{
	size_t i;
	int a = 1;

	/* Unbuffered-ish output: long-running commands print as they go and
	 * are usually watched through a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (a < argc && argv[a][0] == '-') {
		if (!strcmp(argv[a], "--root") && a + 1 < argc) {
			g.root = argv[a + 1];
			a += 2;
		} else if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
			fputs(main_usage, stdout);
			return 0;
		} else {
			usage_exit(NULL, "unknown option %s", argv[a]);
		}
	}
	if (a >= argc)
		usage_exit(NULL, "no command given");
	if (!strcmp(argv[a], "help")) {
		fputs(main_usage, stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[a], commands[i].name))
			return commands[i].fn(argc - a - 1, argv + a + 1);
	usage_exit(NULL, "unknown command \"%s\"", argv[a]);
}
