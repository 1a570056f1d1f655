// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd - a process handle that outlives the process's number, shown.
 *
 *   pidfd hold PID
 *
 * Opens a pidfd for PID (pidfd_open(2), Linux 5.3), then:
 *   1. waits until that process exits (a pidfd polls readable then),
 *   2. waits until some other process has been given the same number
 *      (/proc/PID exists again with another start time; up to 30 s — a
 *      mere kill(PID, 0) would also find the dead one until it is reaped),
 *   3. shows the difference: kill(PID, 0) reaches the newcomer, while
 *      pidfd_send_signal(pidfd, 0) fails with ESRCH — the handle still
 *      means the process that died, never its successor.
 * This is the answer Linux gave to the PID-reuse race that made PIDs in
 * kdbus metadata (and everywhere else) untrustworthy. Exit status 0 when
 * all three happened as described.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal	424
#endif

#define REUSE_WAIT_STEPS	300	/* x 100 ms */

static void comm_of(int pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, len, f))
		snprintf(buf, len, "?");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

static int wait_exit(int fd, int pid)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -1;
	printf("pidfd: PID %d exited; the handle stays open\n", pid);
	return 0;
}

/* Field 22 of /proc/PID/stat: when the process started, in clock ticks; 0 if none. */
static unsigned long long start_time(int pid)
{
	unsigned long long t = 0;
	char path[64], line[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(line, sizeof(line), f) ? strrchr(line, ')') : NULL;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &t) != 1)
		t = 0;
	fclose(f);
	return t;
}

/* Until a process with another start time holds the number: it was given out anew. */
static int wait_reuse(int pid, unsigned long long old_start)
{
	unsigned long long t;
	int i;

	for (i = 0; i < REUSE_WAIT_STEPS; i++) {
		t = start_time(pid);
		if (t && t != old_start && kill(pid, 0) == 0)
			return 0;
		usleep(100 * 1000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	unsigned long long started;
	char comm[64];
	int pid, fd, r;

	if (argc != 3 || strcmp(argv[1], "hold") || (pid = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: pidfd hold PID\n");
		return 2;
	}
	fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0) {
		fprintf(stderr, "pidfd: pidfd_open(%d): %s\n", pid, strerror(errno));
		return 1;
	}
	started = start_time(pid);
	comm_of(pid, comm, sizeof(comm));
	printf("pidfd: holding fd %d for PID %d (%s, started at tick %llu)\n", fd, pid, comm, started);
	fflush(stdout);
	if (wait_exit(fd, pid) < 0 || fflush(stdout) || wait_reuse(pid, started) < 0) {
		fprintf(stderr, "pidfd: PID %d was not reused within 30 s\n", pid);
		return 1;
	}
	comm_of(pid, comm, sizeof(comm));
	printf("pidfd: PID %d now belongs to another process (%s, started at tick %llu): kill(%d, 0) reaches it\n",
	       pid, comm, start_time(pid), pid);
	r = syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0);
	if (r == 0 || errno != ESRCH) {
		printf("pidfd: pidfd_send_signal: %s (expected ESRCH)\n", r ? strerror(errno) : "delivered");
		return 1;
	}
	printf("pidfd: pidfd_send_signal(fd %d, 0): ESRCH - the handle still means the process that died\n", fd);
	return 0;
}
