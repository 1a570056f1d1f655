// SPDX-License-Identifier: GPL-2.0
/*
 * make.c: `bus make`, `endpoint make` and `domain mount|umount`.
 *
 * A bus lives exactly as long as the file description that made it, and a
 * custom endpoint likewise (spec §2.4), so both commands keep their fd
 * and wait until they are killed; a domain is a kdbusfs mount and lives
 * until it is unmounted.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Prints, then sleeps until a signal ends us; exit closes the fd. */
static void hold(void)
{
	fflush(stdout);
	for (;;)
		pause();
}

static const char bus_usage[] =
	"usage: kdbus bus make NAME [--world|--group] [--require-meta LIST]\n"
	"                      [--creator-meta LIST] [--bloom-size BYTES] [--bloom-hashes N]\n"
	"Makes a bus in the domain (BUS_MAKE on ROOT/control), prints its endpoint\n"
	"path and keeps it until killed. NAME gets the \"<euid>-\" prefix the\n"
	"kernel requires if it has none. --world / --group open the bus to\n"
	"everyone / the group (default: owner only). --require-meta: metadata\n"
	"every connection must allow (HELLO fails with ECONNREFUSED otherwise).\n"
	"--creator-meta: metadata of this process `kdbus status` may reveal.\n";

static uint64_t number(const char *s, const char *usage, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s || s[0] == '-')
		usage_exit(usage, "%s: \"%s\" is not a number", what, s);
	return v;
}

static uint64_t meta_arg(const char *s, const char *usage)
{
	char err[256];
	uint64_t mask;

	if (meta_parse(s, &mask, err, sizeof(err)) < 0)
		usage_exit(usage, "%s", err);
	return mask;
}

static int bus_make(int argc, char **argv)
{
	int world = 0, group = 0;
	const char *require = NULL, *creator = NULL, *bsize = NULL, *bhash = NULL;
	const struct opt own[] = {
		{ "--world", NULL, &world, NULL },
		{ "--group", NULL, &group, NULL },
		{ "--require-meta", &require, NULL, NULL },
		{ "--creator-meta", &creator, NULL, NULL },
		{ "--bloom-size", &bsize, NULL, NULL },
		{ "--bloom-hashes", &bhash, NULL, NULL },
		{ 0 },
	};
	struct kdbus_bloom_parameter bloom = { .size = 64, .n_hash = 2 };
	char name[128], path[1024];
	struct cmdbuf cmd;
	struct kdbus_cmd *make;
	uint64_t mask;
	int fd;

	if (parse_opts(argc, argv, own, COMMON_ROOT, bus_usage) != 1 && !g.help)
		usage_exit(bus_usage, "bus make needs exactly one NAME");
	maybe_help(bus_usage);
	if (world && group)
		usage_exit(bus_usage, "--world and --group exclude each other");
	if (bsize)
		bloom.size = number(bsize, bus_usage, "--bloom-size");
	if (bhash)
		bloom.n_hash = number(bhash, bus_usage, "--bloom-hashes");
	prefixed_name(argv[0], name, sizeof(name));

	snprintf(path, sizeof(path), "%s/control", g.root);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open", errno, "%s (is kdbusfs mounted on %s?)", path, g.root);
	cmd_init(&cmd, sizeof(*make));
	cmd_item_str(&cmd, KDBUS_ITEM_MAKE_NAME, name);
	cmd_item(&cmd, KDBUS_ITEM_BLOOM_PARAMETER, &bloom, sizeof(bloom));
	if (creator) {
		mask = meta_arg(creator, bus_usage);
		cmd_item(&cmd, KDBUS_ITEM_ATTACH_FLAGS_SEND, &mask, sizeof(mask));
	}
	if (require) {
		/* Project extension (spec §15): the required send mask. */
		mask = meta_arg(require, bus_usage);
		cmd_item(&cmd, KDBUS_ITEM_ATTACH_FLAGS_RECV, &mask, sizeof(mask));
	}
	make = cmd_finish(&cmd);
	make->flags = world ? KDBUS_MAKE_ACCESS_WORLD : group ? KDBUS_MAKE_ACCESS_GROUP : 0;
	if (ioctl(fd, KDBUS_CMD_BUS_MAKE, make) < 0) {
		int err = errno;

		if (err == EINVAL && (bloom.size < 8 || bloom.size > 4096 || bloom.size % 8 ||
				      !bloom.n_hash))
			die("BUS_MAKE", err, "bloom size must be 8..4096 and a multiple of 8, hashes >= 1");
		die("BUS_MAKE", err, "%s", name);
	}
	printf("%s/%s/bus\n", g.root, name);
	cmd_free(&cmd);
	hold();
	return 0;
}

int cmd_bus(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "make"))
		return bus_make(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(bus_usage, stdout);
		return 0;
	}
	usage_exit(bus_usage, "unknown bus command%s%s", argc ? " " : "", argc ? argv[0] : "");
}

static const char endpoint_usage[] =
	"usage: kdbus endpoint make BUS NAME [--world|--group] [--allow NAME:ACCESS:WHO]...\n"
	"Makes a custom endpoint on BUS (you must own the bus), prints its path\n"
	"and keeps it until killed. A custom endpoint starts with an empty\n"
	"policy that lets nothing through; each --allow adds a rule, e.g.\n"
	"  --allow org.example.Echo:talk:world --allow 'org.example.*:see:user:1000'\n"
	"ACCESS is see, talk or own; WHO is world, user:UID or group:GID.\n";

static int endpoint_make(int argc, char **argv)
{
	int world = 0, group = 0;
	const char **allow = NULL;
	const struct opt own[] = {
		{ "--world", NULL, &world, NULL },
		{ "--group", NULL, &group, NULL },
		{ "--allow", NULL, NULL, &allow },
		{ 0 },
	};
	char name[128], path[1024], err[256];
	struct cmdbuf cmd;
	struct kdbus_cmd *make;
	size_t i, j;
	int fd;

	if (parse_opts(argc, argv, own, COMMON_ROOT, endpoint_usage) != 2 && !g.help)
		usage_exit(endpoint_usage, "endpoint make needs BUS and NAME");
	maybe_help(endpoint_usage);
	if (world && group)
		usage_exit(endpoint_usage, "--world and --group exclude each other");
	prefixed_name(argv[1], name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s/bus", g.root, argv[0]);

	/* ENDPOINT_MAKE goes to the bus's default endpoint file, by its owner. */
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open", errno, "%s", path);
	cmd_init(&cmd, sizeof(*make));
	cmd_item_str(&cmd, KDBUS_ITEM_MAKE_NAME, name);
	make = cmd_finish(&cmd);
	make->flags = world ? KDBUS_MAKE_ACCESS_WORLD : group ? KDBUS_MAKE_ACCESS_GROUP : 0;
	if (ioctl(fd, KDBUS_CMD_ENDPOINT_MAKE, make) < 0)
		die("ENDPOINT_MAKE", errno, "%s on %s", name, argv[0]);
	cmd_free(&cmd);

	/* The policy: one NAME item per distinct name, then its rules (§11.3). */
	cmd_init(&cmd, sizeof(*make));
	for (i = 0; allow && allow[i]; i++) {
		const char *colon = strchr(allow[i], ':');
		size_t nlen;

		if (!colon)
			usage_exit(endpoint_usage, "--allow %s: expected NAME:ACCESS:WHO", allow[i]);
		nlen = colon - allow[i];
		for (j = 0; j < i; j++)	/* name seen already: its rules went there */
			if (!strncmp(allow[j], allow[i], nlen) && allow[j][nlen] == ':')
				break;
		if (j < i)
			continue;
		{
			char n[256];

			snprintf(n, sizeof(n), "%.*s", (int)nlen, allow[i]);
			cmd_item_str(&cmd, KDBUS_ITEM_NAME, n);
		}
		for (j = i; allow[j]; j++) {
			struct kdbus_policy_access a;

			if (strncmp(allow[j], allow[i], nlen) || allow[j][nlen] != ':')
				continue;
			if (policy_parse(allow[j] + nlen + 1, &a, err, sizeof(err)) < 0)
				usage_exit(endpoint_usage, "--allow %s: %s", allow[j], err);
			cmd_item(&cmd, KDBUS_ITEM_POLICY_ACCESS, &a, sizeof(a));
		}
	}
	make = cmd_finish(&cmd);
	if (allow && ioctl(fd, KDBUS_CMD_ENDPOINT_UPDATE, make) < 0)
		die("ENDPOINT_UPDATE", errno, NULL);
	printf("%s/%s/%s\n", g.root, argv[0], name);
	for (i = 0; allow && allow[i]; i++)
		printf("  allow %s\n", allow[i]);
	cmd_free(&cmd);
	hold();
	return 0;
}

int cmd_endpoint(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "make"))
		return endpoint_make(argc - 1, argv + 1);
	if (argc >= 1 && (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h"))) {
		fputs(endpoint_usage, stdout);
		return 0;
	}
	usage_exit(endpoint_usage, "unknown endpoint command%s%s", argc ? " " : "",
		   argc ? argv[0] : "");
}

static const char domain_usage[] =
	"usage: kdbus domain mount DIR | kdbus domain umount DIR\n"
	"mount: mounts kdbusfs on DIR (made if missing): every mount is a new,\n"
	"empty domain with its own control file; use it with --root DIR.\n"
	"umount: detaches it; the domain ends when no file in it is open.\n";

int cmd_domain(int argc, char **argv)
{
	int n = parse_opts(argc, argv, NULL, 0, domain_usage);

	maybe_help(domain_usage);
	if (n != 2 || (strcmp(argv[0], "mount") && strcmp(argv[0], "umount")))
		usage_exit(domain_usage, "expected mount DIR or umount DIR");
	if (!strcmp(argv[0], "umount")) {
		if (umount2(argv[1], MNT_DETACH) < 0)
			die("umount", errno, "%s", argv[1]);
		printf("unmounted %s\n", argv[1]);
		return 0;
	}
	if (mkdir(argv[1], 0755) < 0 && errno != EEXIST)
		die("mkdir", errno, "%s", argv[1]);
	if (mount("kdbusfs", argv[1], "kdbusfs", 0, NULL) < 0) {
		int err = errno;

		if (err == ENODEV)
			fatal("mount %s: ENODEV: this kernel has no kdbusfs", argv[1]);
		die("mount", err, "%s", argv[1]);
	}
	printf("%s: new kdbus domain (use --root %s)\n", argv[1], argv[1]);
	return 0;
}
