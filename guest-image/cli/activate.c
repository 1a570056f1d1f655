// SPDX-License-Identifier: GPL-2.0
/*
 * activate.c: `kdbus activate NAME -- CMD...` - an activator (spec §8.6).
 *
 * The activator holds NAME as a placeholder; messages to NAME queue up on
 * it. We never receive them: when the connection becomes readable we
 * start CMD, which is expected to acquire NAME, and the kernel then moves
 * the queued messages to it (§8.7). If CMD exits without taking the name,
 * the waiting messages are dropped (their callers get an error instead of
 * waiting for their timeout) and the next message starts CMD again.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static const char activate_usage[] =
	"usage: kdbus activate [--bus BUS] NAME -- CMD [ARGS...]\n"
	"Connects as activator for NAME (bus owner only) and runs CMD when the\n"
	"first message for NAME arrives. CMD should take NAME (e.g. `kdbus serve\n"
	"NAME`); the waiting messages then move to it. When CMD exits, the name\n"
	"falls back to the activator and the next message starts CMD again.\n";

static void drop_all(struct conn *c)
{
	struct kdbus_cmd_recv recv = { .size = sizeof(recv), .flags = KDBUS_RECV_DROP };
	int n = 0;

	while (ioctl(c->fd, KDBUS_CMD_RECV, &recv) == 0)
		n++;
	if (n)
		printf("activate: dropped %d message(s) nobody took\n", n);
}

int cmd_activate(int argc, char **argv)
{
	struct hello_args args = { .flags = KDBUS_HELLO_ACTIVATOR };
	char **cmd;
	struct conn c;
	int n, i, ret, status;
	pid_t child = 0;

	n = parse_opts(argc, argv, NULL, COMMON_ROOT | COMMON_CONN, activate_usage);
	maybe_help(activate_usage);
	for (i = 0; i < n && strcmp(argv[i], "--"); i++)
		;
	if (i != 1 || i + 1 >= n)
		usage_exit(activate_usage, "activate needs NAME -- CMD");
	if (argv[0][0] == ':' || !dbus_bus_name_valid(argv[0]))
		usage_exit(activate_usage, "\"%s\" is not a valid well-known name", argv[0]);
	cmd = argv + 2;
	args.name = argv[0];
	conn_open(&c, &args);
	printf("activate: %s held by activator %s; will run %s\n", argv[0], c.unique, cmd[0]);
	fflush(stdout);
	for (;;) {
		ret = conn_wait(&c, child ? 200 : -1);
		if (ret < 0)
			die("poll", -ret, NULL);
		if (child) {
			/* While CMD runs, queued messages are its business. */
			if (waitpid(child, &status, WNOHANG) == child) {
				printf("activate: %s exited with status %d\n", cmd[0],
				       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
				child = 0;
				drop_all(&c);
				fflush(stdout);
			}
			continue;
		}
		if (ret == 0)
			continue;
		printf("activate: a message for %s arrived, starting %s\n", argv[0], cmd[0]);
		fflush(stdout);
		child = fork();
		if (child < 0)
			die("fork", errno, NULL);
		if (child == 0) {
			close(c.fd);	/* CLOEXEC anyway; the child must not hold it */
			execvp(cmd[0], cmd);
			fprintf(stderr, PROG ": activate: cannot run %s: %s\n", cmd[0], strerror(errno));
			_exit(127);
		}
	}
}
