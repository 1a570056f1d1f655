// SPDX-License-Identifier: GPL-2.0
/*
 * kpd - the kdbus-playground daemon: the guest end of the host control channel.
 *
 * It owns /dev/ttyS1 in raw mode and speaks a framed, binary-safe protocol
 * with the emulator host (emulator/protocol.ts is the other end):
 *
 *   frame := TYPE ' ' ID ' ' LEN '\n' PAYLOAD[LEN]
 *
 * host -> guest
 *   E id len cmd      run `/bin/sh -c cmd` (stdin /dev/null, cwd /root)
 *   S id len signo    send a signal to the process group of exec `id`
 *   W 0  len "R C"    set the window size of the shell's tty (/dev/ttyS0)
 *   P id 0            ping
 * guest -> host
 *   R 0  0            the daemon is up (sent once at start)
 *   P id 0            answer to ping `id`
 *   1 id len bytes    stdout of exec `id`
 *   2 id len bytes    stderr of exec `id`
 *   X id len status   exec `id` ended; status is the shell's exit code
 *                     (128 + signal number if it was killed)
 *   ! id len text     a request could not be carried out
 *   K 0  len record   a kernel log record of level warning or worse, as
 *                     read from /dev/kmsg ("LEVEL,SEQ,USEC,FLAGS;TEXT"):
 *                     the console is `quiet`, so this is how the host sees
 *                     WARNINGs, and sees them even when the shell is busy
 *
 * One process, one poll loop; children are reaped through a signalfd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define CHANNEL		"/dev/ttyS1"
#define SHELL_TTY	"/dev/ttyS0"
#define MAX_EXECS	16
#define MAX_PAYLOAD	(1 << 20)
#define CHUNK		4096
#define KMSG_MAX_LEVEL	4	/* KERN_WARNING */

struct exec {
	unsigned long id;
	pid_t pid;		/* 0 once reaped */
	int out[2];		/* read ends of stdout, stderr; -1 once at EOF */
	int status;
};

static struct exec execs[MAX_EXECS];
static int chan;

static void write_all(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(chan, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			exit(1);
		p += n;
		len -= (size_t)n;
	}
}

static void send_frame(char type, unsigned long id, const void *buf, size_t len)
{
	char head[48];
	int n = snprintf(head, sizeof(head), "%c %lu %zu\n", type, id, len);

	write_all(head, (size_t)n);
	write_all(buf, len);
}

static void send_text(char type, unsigned long id, const char *text)
{
	send_frame(type, id, text, strlen(text));
}

static int read_full(void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(chan, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one header line; returns -1 on EOF or a malformed header. */
static int read_header(char *type, unsigned long *id, size_t *len)
{
	char line[64];
	size_t i = 0;

	for (;;) {
		if (read_full(&line[i], 1))
			return -1;
		if (line[i] == '\n')
			break;
		if (++i == sizeof(line))
			return -1;
	}
	line[i] = '\0';
	if (sscanf(line, "%c %lu %zu", type, id, len) != 3)
		return -1;
	return *len > MAX_PAYLOAD ? -1 : 0;
}

static struct exec *find_exec(unsigned long id)
{
	for (int i = 0; i < MAX_EXECS; i++)
		if (execs[i].pid && execs[i].id == id)
			return &execs[i];
	return NULL;
}

static struct exec *free_slot(void)
{
	for (int i = 0; i < MAX_EXECS; i++)
		if (!execs[i].pid && execs[i].out[0] < 0 && execs[i].out[1] < 0)
			return &execs[i];
	return NULL;
}

static void child(const char *cmd, int out, int err)
{
	int null = open("/dev/null", O_RDONLY);

	setsid();
	dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (chdir("/root"))
		chdir("/");
	setenv("HOME", "/root", 1);
	setenv("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static void start_exec(unsigned long id, const char *cmd)
{
	struct exec *e = free_slot();
	int o[2], r[2];
	pid_t pid;

	if (!e) {
		send_text('!', id, "too many commands running");
		return;
	}
	if (pipe2(o, O_CLOEXEC))
		goto fail;
	if (pipe2(r, O_CLOEXEC))
		goto fail_o;
	pid = fork();
	if (pid < 0)
		goto fail_r;
	if (pid == 0)
		child(cmd, o[1], r[1]);
	close(o[1]);
	close(r[1]);
	*e = (struct exec){ .id = id, .pid = pid, .out = { o[0], r[0] } };
	return;
fail_r:
	close(r[0]);
	close(r[1]);
fail_o:
	close(o[0]);
	close(o[1]);
fail:
	send_text('!', id, strerror(errno));
}

static void set_winsize(const char *arg)
{
	struct winsize ws = { 0 };
	unsigned int rows, cols;
	int fd;

	if (sscanf(arg, "%u %u", &rows, &cols) != 2)
		return;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	fd = open(SHELL_TTY, O_RDWR | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	ioctl(fd, TIOCSWINSZ, &ws);
	close(fd);
}

static void handle_request(void)
{
	unsigned long id;
	size_t len;
	char type;
	char *buf;

	if (read_header(&type, &id, &len))
		return;
	buf = malloc(len + 1);
	if (!buf || read_full(buf, len))
		exit(1);
	buf[len] = '\0';
	if (type == 'E') {
		start_exec(id, buf);
	} else if (type == 'P') {
		send_frame('P', id, NULL, 0);
	} else if (type == 'W') {
		set_winsize(buf);
	} else if (type == 'S') {
		struct exec *e = find_exec(id);

		if (e)
			kill(-e->pid, atoi(buf));
	} else {
		send_text('!', id, "unknown request");
	}
	free(buf);
}

/* Forwards what one output pipe has; closes it at EOF. */
static void pump(struct exec *e, int which)
{
	char buf[CHUNK];
	ssize_t n = read(e->out[which], buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return;
	if (n > 0) {
		send_frame(which ? '2' : '1', e->id, buf, (size_t)n);
		return;
	}
	close(e->out[which]);
	e->out[which] = -1;
}

static void reap(int sfd)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(sfd, &si, sizeof(si)) > 0)
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < MAX_EXECS; i++) {
			if (execs[i].pid != pid)
				continue;
			execs[i].status = WIFEXITED(status) ? WEXITSTATUS(status)
				: 128 + WTERMSIG(status);
			execs[i].pid = -1;	/* ended, output may remain */
		}
	}
}

/* An exec is finished when it has ended and both pipes reached EOF. */
static void finish_ended(void)
{
	char text[16];

	for (int i = 0; i < MAX_EXECS; i++) {
		struct exec *e = &execs[i];

		if (e->pid != -1 || e->out[0] >= 0 || e->out[1] >= 0)
			continue;
		snprintf(text, sizeof(text), "%d", e->status);
		send_text('X', e->id, text);
		e->pid = 0;
	}
}

/* Forwards the kernel log records that are warnings or worse. */
static void pump_kmsg(int kfd)
{
	char rec[2048];
	ssize_t n;

	while ((n = read(kfd, rec, sizeof(rec) - 1)) != 0) {
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (n < 0)
			return;
		rec[n] = '\0';
		if ((atoi(rec) & 7) <= KMSG_MAX_LEVEL)
			send_frame('K', 0, rec, (size_t)n);
	}
}

static int open_channel(void)
{
	struct termios t;
	int fd = open(CHANNEL, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetspeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
	}
	return fd;
}

static int block_sigchld(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int main(void)
{
	struct pollfd pfd[3 + 2 * MAX_EXECS];
	int sfd = block_sigchld();
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	chan = open_channel();
	if (chan < 0 || sfd < 0) {
		perror("kpd");
		return 1;
	}
	for (int i = 0; i < MAX_EXECS; i++)
		execs[i].out[0] = execs[i].out[1] = -1;
	send_frame('R', 0, NULL, 0);
	for (;;) {
		int n = 3;

		pfd[0] = (struct pollfd){ .fd = chan, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = kfd, .events = POLLIN };
		for (int i = 0; i < MAX_EXECS; i++)
			for (int w = 0; w < 2; w++)
				pfd[n++] = (struct pollfd){ .fd = execs[i].out[w],
							    .events = POLLIN };
		if (poll(pfd, (nfds_t)n, -1) < 0)
			continue;
		if (pfd[0].revents)
			handle_request();
		for (int i = 0; i < MAX_EXECS; i++)
			for (int w = 0; w < 2; w++)
				if (pfd[3 + 2 * i + w].revents)
					pump(&execs[i], w);
		if (pfd[2].revents)
			pump_kmsg(kfd);
		if (pfd[1].revents)
			reap(sfd);
		finish_ended();
	}
}
