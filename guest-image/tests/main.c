// SPDX-License-Identifier: MIT
/*
 * kdbus-tests: the in-guest TAP suite for kdbus (spec sections 2-15).
 *
 *   kdbus-tests [--list] [--from N] [GROUP...]
 *
 * --list prints one "group: description" line per selected test (the TAP
 * descriptions, in order). --from N skips the selected tests before number
 * N but keeps the plan and the numbering: a harness resumes with it after
 * a kernel crash took the machine down in test N - 1.
 *
 * Every test runs in its own process (own process group) with a timeout, so
 * a crash, hang or missing feature is a "not ok" and the suite goes on.
 * TAP on stdout; exit status 0 iff every test point is ok.
 */
#define _GNU_SOURCE
#include "kt.h"
#include "kt-run.h"
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KT_DEFAULT_TIMEOUT 20

static const struct {
	const char *name;
	const struct kt_test *tests;
} groups[] = {
	{ "ioctl", kt_tests_ioctl },
	{ "fs", kt_tests_fs },
	{ "bus", kt_tests_bus },
	{ "conn", kt_tests_conn },
	{ "pool", kt_tests_pool },
	{ "msg", kt_tests_msg },
	{ "names", kt_tests_names },
	{ "match", kt_tests_match },
	{ "limits", kt_tests_limits },
	{ "meta", kt_tests_meta },
	{ "policy", kt_tests_policy },
	{ "monitor", kt_tests_monitor },
	{ "fds", kt_tests_fds },
	{ "quota", kt_tests_quota },
	{ "agent", kt_tests_agent },
	{ "trace", kt_tests_trace },
};
#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

static int selected(const char *group, int argc, char **argv, int first)
{
	int any = 0;

	for (int i = first; i < argc; i++) {
		if (argv[i][0] == '-') {
			if (!strcmp(argv[i], "--from"))
				i++;
			continue;
		}
		any = 1;
		if (!strcmp(argv[i], group))
			return 1;
	}
	return !any;
}

static void describe(char *out, size_t n, const struct kt_test *t)
{
	snprintf(out, n, "%s: %s", t->group, t->desc);
}

static void run_one(const struct kt_test *t)
{
	char desc[512];
	unsigned int timeout = t->timeout_s ? t->timeout_s : KT_DEFAULT_TIMEOUT;
	sigset_t set, old;
	struct timespec ts;
	pid_t pid;
	int status = 0, done = 0, timed_out = 0;
	u64 start;

	describe(desc, sizeof(desc), t);
	memset(kt_shm, 0, sizeof(*kt_shm));
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	fflush(stdout);
	fflush(stderr);
	start = kt_now_ns();
	pid = fork();
	if (pid < 0) {
		tap_ok(0, desc);
		tap_diag("fork: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0);
		alarm(timeout);
		t->fn();
		_exit(kt_failed ? 1 : 0);
	}
	setpgid(pid, pid);
	/* Wait for the child, at most timeout + 5 s (its alarm fires first). */
	while (!done) {
		u64 now = kt_now_ns();
		u64 limit = start + (u64)(timeout + 5) * 1000000000ULL;
		int r;

		if (waitpid(pid, &status, WNOHANG) == pid) {
			done = 1;
			break;
		}
		if (now >= limit) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			/* give an unkillable child a last chance, then move on */
			for (int i = 0; i < 50 && !done; i++) {
				if (waitpid(pid, &status, WNOHANG) == pid)
					done = 1;
				else
					kt_sleep_ms(100);
			}
			break;
		}
		ts.tv_sec = (time_t)((limit - now) / 1000000000ULL);
		ts.tv_nsec = (long)((limit - now) % 1000000000ULL);
		if (ts.tv_sec > 1) {
			ts.tv_sec = 1;
			ts.tv_nsec = 0;
		}
		r = sigtimedwait(&set, NULL, &ts);
		(void)r;
	}
	/* Leftover helpers of the test die with it. */
	kill(-pid, SIGKILL);
	sigprocmask(SIG_SETMASK, &old, NULL);

	if (done && WIFEXITED(status) && WEXITSTATUS(status) == KT_EXIT_SKIP && kt_shm->skipped) {
		tap_skip(desc, kt_shm->skip_reason);
	} else {
		int pass = done && WIFEXITED(status) && WEXITSTATUS(status) == 0 && !kt_shm->failed;

		tap_ok(pass, desc);
		if (!done)
			tap_diag("test process did not end even after SIGKILL (stuck in the kernel?)");
		else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			tap_diag("timed out after %u s", timeout);
		else if (timed_out || (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && timed_out))
			tap_diag("timed out after %u s (killed)", timeout);
		else if (WIFSIGNALED(status))
			tap_diag("test process killed by signal %d (%s)", WTERMSIG(status),
				 strsignal(WTERMSIG(status)));
		else if (!pass && WIFEXITED(status) && WEXITSTATUS(status) != 1)
			tap_diag("test process exited with status %d", WEXITSTATUS(status));
	}
	if (kt_shm->diag_len)
		tap_diag_block(kt_shm->diag, kt_shm->diag_len > sizeof(kt_shm->diag) ?
				       sizeof(kt_shm->diag) : kt_shm->diag_len);
}

int main(int argc, char **argv)
{
	int list = 0, n = 0, from = 1, idx = 0;
	char desc[512];
	struct rlimit rl = { 8192, 8192 };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--list")) {
			list = 1;
		} else if (!strcmp(argv[i], "--from") && i + 1 < argc) {
			from = atoi(argv[++i]);
			if (from < 1) {
				fprintf(stderr, "kdbus-tests: bad --from value\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("usage: %s [--list] [--from N] [GROUP...]\ngroups:", argv[0]);
			for (size_t g = 0; g < N_GROUPS; g++)
				printf(" %s", groups[g].name);
			printf("\n");
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "kdbus-tests: unknown option %s\n", argv[i]);
			return 2;
		} else {
			size_t g;

			for (g = 0; g < N_GROUPS; g++)
				if (!strcmp(argv[i], groups[g].name))
					break;
			if (g == N_GROUPS) {
				fprintf(stderr, "kdbus-tests: unknown group %s\n", argv[i]);
				return 2;
			}
		}
	}

	for (size_t g = 0; g < N_GROUPS; g++) {
		if (!selected(groups[g].name, argc, argv, 1))
			continue;
		for (const struct kt_test *t = groups[g].tests; t->fn; t++) {
			n++;
			if (list) {
				describe(desc, sizeof(desc), t);
				printf("%s\n", desc);
			}
		}
	}
	if (list)
		return 0;

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	signal(SIGPIPE, SIG_IGN);
	setrlimit(RLIMIT_NOFILE, &rl);
	kt_shm = mmap(NULL, sizeof(*kt_shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	if (kt_shm == MAP_FAILED) {
		printf("Bail out! mmap: %s\n", strerror(errno));
		return 1;
	}
	tap_plan(n);
	if (from > 1) {
		if (from > n + 1)
			from = n + 1;
		tap_resume_at(from - 1);
		printf("# resuming at test %d\n", from);
	}
	for (size_t g = 0; g < N_GROUPS; g++) {
		if (!selected(groups[g].name, argc, argv, 1))
			continue;
		for (const struct kt_test *t = groups[g].tests; t->fn; t++)
			if (++idx >= from)
				run_one(t);
	}
	return tap_exit_status();
}
