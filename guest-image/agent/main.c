// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus-agent: streams the state and traffic of every kdbus bus in the
 * guest to the host (docs/trace-protocol.md). Started by /etc/init.d/rcS.
 *
 *   kdbus-agent [-o FILE [-i FILE]] [--once]
 *
 * Without -o it writes to the trace channel, /dev/hvc1 (virtio console
 * port 1), and reads "sync TOKEN" commands from it. -o writes the frames
 * to FILE instead; -i reads the commands from FILE ("-": stdin; a pipe or
 * a tty). --once reports one snapshot (token 0) and exits. An -o FILE
 * that is not a regular file (a pipe, a tty) is written non-blocking like
 * the channel, so a slow reader costs events (LOSS), never a stuck agent.
 *
 * One epoll loop. Idle, it sleeps: the only timer is the 500 ms LIST tick,
 * armed while some bus is watched.
 *
 * It reads at once, writes in batches. Reading late would lose messages:
 * when a bus is shut down the kernel discards what its monitor had queued,
 * and a bus must be attached before its first peer says HELLO. Writing is
 * delayed by up to FLUSH_MS (or until FLUSH_BYTES are waiting): under v86
 * every write to the virtio port costs far more than its bytes (a round
 * trip through the emulator and the host's decoder), so one write for many
 * events is most of what the agent costs when a bus is busy.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#include "agent.h"

#define CHANNEL		"/dev/hvc1"
#define TICK_MS		500
#define RETRY_MS	250
#define RETRY_MAX	120	/* 30 s for the channel to show up */
#define BATCH		64	/* messages per bus per loop round */
#define FLUSH_MS	10
#define FLUSH_BYTES	(64 * 1024)

static const char usage[] =
	"usage: kdbus-agent [-o FILE [-i FILE]] [--once]\n"
	"Streams every kdbus bus to the host (docs/trace-protocol.md): to\n"
	"/dev/hvc1, or with -o to FILE (commands from -i FILE, '-': stdin).\n"
	"--once: one snapshot, then exit.\n";

static int epfd;
static int tick_fd = -1, retry_fd = -1, flush_fd = -1;
static int channel_fd = -1, input_fd = -1;
static int pipe_fd = -1;	/* -o FILE if not a regular file, -1: none */
static unsigned int pipe_events;
static int flush_armed;
static int buses;
static int retries;
static unsigned int channel_events;

/* epoll_data: the kind in the high half, a pointer in the low half */
static uint64_t tag(enum watch_kind kind, void *ptr)
{
	return (uint64_t)kind << 32 | (uintptr_t)ptr;
}

int loop_add(int fd, unsigned int events, enum watch_kind kind, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag(kind, ptr) };

	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

void loop_mod(int fd, unsigned int events, enum watch_kind kind, void *ptr)
{
	struct epoll_event ev = { .events = events, .data.u64 = tag(kind, ptr) };

	epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

void loop_del(int fd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
}

/* Every @ms (0: stopped), or once in @ms if @once */
static void timer_run(int fd, unsigned int ms, int once)
{
	struct itimerspec it = {
		.it_value = { ms / 1000, (ms % 1000) * 1000000L },
	};

	if (!once)
		it.it_interval = it.it_value;
	timerfd_settime(fd, 0, &it, NULL);
}

static void timer_set(int fd, unsigned int ms)
{
	timer_run(fd, ms, 0);
}

/* The LIST tick runs only while some bus is watched. */
void loop_bus_count(int delta)
{
	int before = buses;

	buses += delta;
	if (tick_fd >= 0 && !before != !buses)
		timer_set(tick_fd, buses ? TICK_MS : 0);
}

static int timer_new(enum watch_kind kind)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (fd >= 0)
		loop_add(fd, EPOLLIN, kind, NULL);
	return fd;
}

static void timer_ack(int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0)
		return;
}

static void channel_lost(void);

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		return;
}

static void die(const char *what)
{
	char msg[256];
	size_t len = str_join(msg, sizeof(msg) - 1, "kdbus-agent: ", what, ": ");

	len += str_join(msg + len, sizeof(msg) - 1 - len, strerror(errno), NULL, "\n");
	say(2, msg);
	exit(1);
}

/*
 * The trace channel: the virtio console port is a tty; raw, so no byte
 * of a frame is translated and nothing is echoed.
 */
static int channel_open(void)
{
	struct termios t;
	int fd = open(CHANNEL, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	channel_fd = fd;
	input_fd = fd;
	channel_events = EPOLLIN;
	loop_add(fd, channel_events, W_CHANNEL, NULL);
	out_set_fd(fd, 0);
	return 0;
}

/* Port not there yet (or gone): try again every RETRY_MS for a while. */
static void channel_retry(void)
{
	if (!channel_open()) {
		timer_set(retry_fd, 0);
		return;
	}
	if (++retries > RETRY_MAX)
		die(CHANNEL);
}

static void channel_lost(void)
{
	loop_del(channel_fd);
	close(channel_fd);
	channel_fd = input_fd = -1;
	out_set_fd(-1, 0);
	retries = 0;
	timer_set(retry_fd, RETRY_MS);
}

/*
 * The reader of an -o pipe is gone (it polls EPOLLERR for ever): stop
 * watching it. Events from now on fill the ring and are dropped.
 */
static void pipe_lost(void)
{
	loop_del(pipe_fd);
	pipe_fd = -1;
}

/* Output waits in the ring; EPOLLOUT only while some is left. */
static void flush(void)
{
	int r = out_flush();
	unsigned int want = EPOLLIN | (r > 0 ? EPOLLOUT : 0);

	if (r < 0 && channel_fd >= 0) {
		channel_lost();
		return;
	}
	if (channel_fd >= 0 && want != channel_events) {
		channel_events = want;
		loop_mod(channel_fd, want, W_CHANNEL, NULL);
	}
	if (pipe_fd < 0)
		return;
	if (r < 0) {
		pipe_lost();
		return;
	}
	want = r > 0 ? EPOLLOUT : 0;
	if (want != pipe_events) {
		pipe_events = want;
		loop_mod(pipe_fd, want, W_OUTPUT, NULL);
	}
}

/* Write now if much is waiting, else within FLUSH_MS (see above). */
static void output(void)
{
	size_t pending = out_pending();

	if (!pending || flush_armed)
		return;
	if (pending >= FLUSH_BYTES) {
		flush();
		return;
	}
	timer_run(flush_fd, FLUSH_MS, 1);
	flush_armed = 1;
}

static void snapshot(uint32_t token)
{
	ev_begin(EV_SNAPSHOT_BEGIN);
	ev_u64(F_COUNT, token);
	ev_end();
	discover_snapshot();
	ev_begin(EV_SNAPSHOT_END);
	ev_u64(F_COUNT, token);
	ev_end();
}

static void command(char *line)
{
	const char *end;
	uint32_t token;

	if (!strncmp(line, "sync ", 5)) {
		end = parse_u32(line + 5, &token);
		if (end && !*end) {
			/* what changed unnoticed is reported live first */
			discover_rescan();
			snapshot(token);
			return;
		}
	}
	ev_error(0, EINVAL, "unknown command", line);
}

/* Commands are lines; a line too long for the buffer is thrown away. */
static void input(void)
{
	static char line[128];
	static size_t len;
	static int skipping;
	char buf[256];
	ssize_t n;

	while ((n = read(input_fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			char c = buf[i];

			if (c == '\n') {
				line[len] = 0;
				if (len && line[len - 1] == '\r')
					line[len - 1] = 0;
				if (!skipping && len)
					command(line);
				len = 0;
				skipping = 0;
			} else if (len + 1 < sizeof(line)) {
				line[len++] = c;
			} else {
				skipping = 1;
			}
		}
	}
	if (n == 0 && input_fd == channel_fd) {
		/* the port hung up: open it again */
		channel_lost();
	} else if (n == 0) {
		/* end of the command file: keep tracing */
		loop_del(input_fd);
		input_fd = -1;
	}
}

static void agent_start(void)
{
	struct utsname u;

	if (uname(&u) < 0)
		strcpy(u.release, "unknown");
	ev_begin(EV_AGENT_START);
	ev_str(F_TEXT, AGENT_TEXT);
	ev_str(F_NAME, u.release);
	ev_u64(F_ID, getpid());
	ev_end();
}

static void dispatch(const struct epoll_event *ev, int sig_fd)
{
	enum watch_kind kind = ev->data.u64 >> 32;
	void *ptr = (void *)(uintptr_t)(uint32_t)ev->data.u64;
	struct bus *b = ptr;

	switch (kind) {
	case W_MOUNTS:
		discover_mounts();
		break;
	case W_INOTIFY:
		discover_inotify();
		break;
	case W_TIMER:
		timer_ack(tick_fd);
		discover_tick();
		break;
	case W_RETRY:
		timer_ack(retry_fd);
		channel_retry();
		break;
	case W_FLUSH:
		timer_ack(flush_fd);
		flush_armed = 0;
		flush();
		break;
	case W_OUTPUT:
		if (ev->events & (EPOLLERR | EPOLLHUP))
			pipe_lost();
		else
			flush();
		break;
	case W_CHANNEL:
		if (ev->events & EPOLLOUT)
			flush();
		/* fall through */
	case W_INPUT:
		if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			input();
		break;
	case W_SIGNAL:
		out_drain(1000);
		close(sig_fd);
		exit(0);
	case W_BUS:
		if (b->dead)
			break;
		if (ev->events & EPOLLIN)
			bus_receive(b, BATCH, 0);
		if (ev->events & (EPOLLHUP | EPOLLERR))
			bus_hangup(b);
		break;
	}
}

/* A full ring stops RECV: the monitors' pools buffer until it drains. */
static void congestion(void)
{
	if (!bus_all_paused && out_congested())
		discover_pause(1);
	else if (bus_all_paused && out_relaxed())
		discover_pause(0);
}

static int signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int open_input(const char *path)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;

	if (fd < 0)
		return -1;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	input_fd = fd;
	return loop_add(fd, EPOLLIN, W_INPUT, NULL);
}

/*
 * Run ahead of everything the agent watches (real-time, lowest priority):
 * a monitor's queue is thrown away when its bus shuts down (spec 9.6), so
 * a script that kills a service and then its bus in quick succession would
 * otherwise take the last notifications with it before the agent read them,
 * and replays of the same commands would not trace the same events. The
 * agent only ever sleeps in epoll_wait, so it cannot starve the guest; the
 * kernel's real-time throttling bounds it anyway. Failure is not fatal.
 */
static void run_first(void)
{
	struct sched_param sp = { .sched_priority = 1 };

	/* The raw call: musl's sched_setscheduler() is a stub (ENOSYS). */
	if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) < 0)
		say(2, "kdbus-agent: cannot run real-time, traces may miss a bus's last messages\n");
}

int main(int argc, char **argv)
{
	const char *out = NULL, *in = NULL;
	struct epoll_event evs[16];
	int once = 0, sig_fd, i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--once")) {
			once = 1;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			in = argv[++i];
		} else {
			int help = !strcmp(argv[i], "-h") || !strcmp(argv[i], "--help");

			say(help ? 1 : 2, usage);
			return help ? 0 : 2;
		}
	}
	if (in && !out) {
		say(2, usage);
		return 2;
	}

	if (!out)
		run_first();
	out_init();
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		die("epoll");
	sig_fd = signals();
	if (sig_fd < 0 || loop_add(sig_fd, EPOLLIN, W_SIGNAL, NULL) < 0)
		die("signalfd");
	if (out) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		struct stat st;

		if (fd < 0 || fstat(fd, &st) < 0)
			die(out);
		/*
		 * Regular files never block (and epoll refuses them, as it
		 * does /dev/null): they are written as they come.
		 */
		if (!S_ISREG(st.st_mode) && loop_add(fd, 0, W_OUTPUT, NULL) == 0) {
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			pipe_fd = fd;
		}
		out_set_fd(fd, pipe_fd < 0);
		if (in && open_input(in) < 0)
			die(in);
	} else {
		retry_fd = timer_new(W_RETRY);
		if (retry_fd < 0)
			die("timerfd");
		if (channel_open() < 0)
			timer_set(retry_fd, RETRY_MS);
	}
	tick_fd = timer_new(W_TIMER);
	flush_fd = timer_new(W_FLUSH);
	if (tick_fd < 0 || flush_fd < 0)
		die("timerfd");

	agent_start();
	ev_begin(EV_SNAPSHOT_BEGIN);
	ev_u64(F_COUNT, 0);
	ev_end();
	if (discover_init() < 0)
		ev_error(0, errno, "cannot watch mounts", NULL);
	discover_mounts();
	ev_begin(EV_SNAPSHOT_END);
	ev_u64(F_COUNT, 0);
	ev_end();
	if (once) {
		out_drain(2000);
		return 0;
	}

	for (;;) {
		discover_reap();
		output();
		congestion();
		n = epoll_wait(epfd, evs, ARRAY_SIZE(evs), -1);
		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++)
			dispatch(&evs[i], sig_fd);
		discover_settle();
	}
}
