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
 * One process, one poll loop. It is built against the kernel's nolibc
 * (tools/include/nolibc), not glibc: it lives in every saved machine state,
 * and a static glibc would add 800 KB to what a first visit downloads. So
 * no stdio here: numbers are formatted and parsed by the helpers below, and
 * exited children are reaped by polling while any command runs.
 */
#include <nolibc.h>
#include <asm/ioctls.h>
#include <asm/termbits.h>

/* What 6.1's nolibc leaves out. */
#ifndef O_CLOEXEC
#define O_CLOEXEC	02000000
#endif
#ifndef WTERMSIG
#define WTERMSIG(status)	((status) & 0x7f)
#endif

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

#define CHANNEL		"/dev/ttyS1"
#define SHELL_TTY	"/dev/ttyS0"
#define MAX_EXECS	16
#define MAX_PAYLOAD	(1 << 20)
#define CHUNK		4096
#define KMSG_MAX_LEVEL	4	/* KERN_WARNING */
#define REAP_POLL_MS	20	/* how often to look for exited commands */

static char *const child_env[] = {
	"HOME=/root",
	"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
	"TERM=dumb",
	NULL
};

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
	int n = 0;

	head[n++] = type;
	head[n++] = ' ';
	n += utoa_r(id, head + n);
	head[n++] = ' ';
	n += utoa_r(len, head + n);
	head[n++] = '\n';
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

/* Parses a decimal number ending at `end`; returns NULL if there is none. */
static const char *parse_ulong(const char *s, char end, unsigned long *val)
{
	unsigned long v = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (unsigned long)(*s++ - '0');
	if (*s != end)
		return NULL;
	*val = v;
	return s + 1;
}

/* Reads one header line; returns -1 on EOF or a malformed header. */
static int read_header(char *type, unsigned long *id, size_t *len)
{
	char line[64];
	unsigned long n;
	const char *p;
	size_t i = 0;

	for (;;) {
		if (read_full(&line[i], 1))
			return -1;
		if (line[i] == '\n')
			break;
		if (++i == sizeof(line))
			return -1;
	}
	if (i < 5 || line[1] != ' ')
		return -1;
	*type = line[0];
	p = parse_ulong(line + 2, ' ', id);
	if (!p || !parse_ulong(p, '\n', &n) || n > MAX_PAYLOAD)
		return -1;
	*len = n;
	return 0;
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
	char *const argv[] = { "sh", "-c", (char *)cmd, NULL };
	int null = open("/dev/null", O_RDONLY, 0);

	setsid();
	dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (chdir("/root"))
		chdir("/");
	execve("/bin/sh", argv, child_env);
	exit(127);
}

static int make_pipe(int fds[2])
{
	return my_syscall2(__NR_pipe2, fds, O_CLOEXEC) ? -1 : 0;
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
	if (make_pipe(o))
		goto fail;
	if (make_pipe(r))
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
	send_text('!', id, "cannot start the command (out of resources)");
}

static void set_winsize(const char *arg)
{
	struct winsize ws = { 0 };
	unsigned long rows, cols;
	const char *p = parse_ulong(arg, ' ', &rows);
	int fd;

	if (!p || !parse_ulong(p, '\0', &cols))
		return;
	ws.ws_row = (unsigned short)rows;
	ws.ws_col = (unsigned short)cols;
	fd = open(SHELL_TTY, O_RDWR | O_NOCTTY | O_NONBLOCK, 0);
	if (fd < 0)
		return;
	ioctl(fd, TIOCSWINSZ, &ws);
	close(fd);
}

static char request[MAX_PAYLOAD + 1];

static void handle_request(void)
{
	char *buf = request;
	unsigned long id;
	size_t len;
	char type;

	if (read_header(&type, &id, &len))
		return;
	if (read_full(buf, len))
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

/* Collects the exit status of every command that has exited. */
static void reap(void)
{
	int status;
	pid_t pid;

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
		text[utoa_r((unsigned long)e->status, text)] = '\0';
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

/* Raw 8-bit mode (what cfmakeraw() does), so frames pass unchanged. */
static int open_channel(void)
{
	struct termios t;
	int fd = open(CHANNEL, O_RDWR | O_NOCTTY | O_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (ioctl(fd, TCGETS, &t) == 0) {
		t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
			       ICRNL | IXON);
		t.c_oflag &= ~OPOST;
		t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
		t.c_cflag &= ~(CSIZE | PARENB | CBAUD);
		t.c_cflag |= CS8 | B115200;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		ioctl(fd, TCSETS, &t);
	}
	return fd;
}

static int running(void)
{
	for (int i = 0; i < MAX_EXECS; i++)
		if (execs[i].pid > 0)
			return 1;
	return 0;
}

int main(void)
{
	struct pollfd pfd[2 + 2 * MAX_EXECS];
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);

	chan = open_channel();
	if (chan < 0) {
		fputs("kpd: cannot open " CHANNEL "\n", stderr);
		return 1;
	}
	for (int i = 0; i < MAX_EXECS; i++)
		execs[i].out[0] = execs[i].out[1] = -1;
	send_frame('R', 0, NULL, 0);
	for (;;) {
		int n = 2;

		pfd[0] = (struct pollfd){ .fd = chan, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = kfd, .events = POLLIN };
		for (int i = 0; i < MAX_EXECS; i++)
			for (int w = 0; w < 2; w++)
				pfd[n++] = (struct pollfd){ .fd = execs[i].out[w],
							    .events = POLLIN };
		if (poll(pfd, n, running() ? REAP_POLL_MS : -1) < 0)
			continue;
		if (pfd[0].revents)
			handle_request();
		for (int i = 0; i < MAX_EXECS; i++)
			for (int w = 0; w < 2; w++)
				if (pfd[2 + 2 * i + w].revents)
					pump(&execs[i], w);
		if (pfd[1].revents)
			pump_kmsg(kfd);
		reap();
		finish_ended();
	}
}
