// SPDX-License-Identifier: GPL-2.0
/*
 * out.c: events as frames (docs/trace-protocol.md, "Stream" and "Bodies"),
 * and the output ring that keeps the agent from ever blocking on the host.
 *
 * An event is built field by field in evbuf (one at a time: the agent is
 * single-threaded), then ev_end() gives it its sequence number, time and
 * CRC and copies the frame into the ring. The ring holds at most 1 MiB of
 * frames not yet written; a frame that does not fit is dropped whole but
 * keeps its sequence number, and a LOSS event (reason 2) with the count
 * follows as soon as there is room for it, so the reader sees a gap of
 * exactly the dropped events just before the LOSS.
 *
 * Memory: evbuf and the ring are in .bss and only touched as far as they
 * are used; an emptied ring starts again at offset 0 so an idle agent
 * keeps using the same few pages (they end up in every saved state).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

#define RING_SIZE	(1024 * 1024)
#define HDR_SIZE	32
#define FIELD_HDR	16
/* a LOSS frame: header + BUS + COUNT + REASON */
#define LOSS_SIZE	(HDR_SIZE + 3 * 24)
/* congested: receiving pauses until the ring is half empty again */
#define CONGESTED	(RING_SIZE - 256 * 1024)

static uint8_t evbuf[RING_SIZE] ALIGNED8;
static size_t ev_len;		/* bytes of evbuf in use, header included */
static size_t ev_field;		/* offset of the open field, 0: none */
static int ev_too_big;
static unsigned int ev_type;

static uint8_t ring[RING_SIZE];
static size_t ring_head, ring_len;

static uint64_t seq;
static uint64_t dropped;	/* events dropped since the last LOSS */
static int fd = -1;
static int fd_is_file;
/*
 * CRC-32 "slicing by 8": eight tables let the loop take 8 bytes per step.
 * Every traced message passes through here once; under v86 the plain
 * byte-at-a-time loop was most of the agent's cost per message.
 */
static uint32_t crc_table[8][256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
}

static uint32_t load_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* zlib's crc32(): @crc is the value so far (0 to start) */
static uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (; n >= 8; n -= 8, p += 8) {
		uint32_t lo = load_le32(p) ^ crc, hi = load_le32(p + 4);

		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		      crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	while (n--)
		crc = crc_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void out_init(void)
{
	crc_init();
}

void out_set_fd(int new_fd, int is_file)
{
	fd = new_fd;
	fd_is_file = is_file;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = v & 0xff;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Header of a frame whose body (@body bytes) is already in place. */
static void frame_seal(uint8_t *f, unsigned int type, size_t body, uint64_t n)
{
	uint32_t crc;

	memcpy(f, "KPTR", 4);
	put_le(f + 4, 1, 2);
	put_le(f + 6, type, 2);
	put_le(f + 8, body, 4);
	put_le(f + 16, n, 8);
	put_le(f + 24, now_ns(), 8);
	crc = crc32(0, f, 12);
	crc = crc32(crc, f + 16, HDR_SIZE - 16 + body);
	put_le(f + 12, crc, 4);
	memset(f + HDR_SIZE + body, 0, ALIGN8(body) - body);
}

static size_t ring_free(void)
{
	return RING_SIZE - ring_len;
}

static void ring_put(const uint8_t *p, size_t n)
{
	size_t tail = (ring_head + ring_len) % RING_SIZE;
	size_t first = n < RING_SIZE - tail ? n : RING_SIZE - tail;

	memcpy(ring + tail, p, first);
	memcpy(ring, p + first, n - first);
	ring_len += n;
}

static uint8_t *field(uint8_t *p, uint64_t type, const void *data, size_t len)
{
	put_le(p, FIELD_HDR + len, 8);
	put_le(p + 8, type, 8);
	memcpy(p + FIELD_HDR, data, len);
	memset(p + FIELD_HDR + len, 0, ALIGN8(len) - len);
	return p + FIELD_HDR + ALIGN8(len);
}

/* LOSS reason 2 for everything dropped so far, if there is room. */
static void put_loss(void)
{
	uint8_t f[LOSS_SIZE] ALIGNED8, *p = f + HDR_SIZE;
	uint64_t zero = 0;
	uint32_t reason[2] = { LOSS_AGENT, 0 };

	if (!dropped || ring_free() < LOSS_SIZE)
		return;
	p = field(p, F_BUS, &zero, 8);
	p = field(p, F_COUNT, &dropped, 8);
	field(p, F_REASON, reason, 8);
	frame_seal(f, EV_LOSS, LOSS_SIZE - HDR_SIZE, ++seq);
	ring_put(f, LOSS_SIZE);
	dropped = 0;
}

void ev_begin(unsigned int type)
{
	ev_type = type;
	ev_len = HDR_SIZE;
	ev_field = 0;
	ev_too_big = 0;
}

/* Room for @len more bytes (with padding) in evbuf? */
static int ev_room(size_t len)
{
	if (ev_too_big || len > sizeof(evbuf) || ALIGN8(ev_len + len) > sizeof(evbuf)) {
		ev_too_big = 1;
		return 0;
	}
	return 1;
}

void ev_put(uint64_t type, const void *data, size_t len)
{
	if (!ev_room(FIELD_HDR + ALIGN8(len)))
		return;
	field(evbuf + ev_len, type, data, len);
	ev_len += FIELD_HDR + ALIGN8(len);
}

void ev_u64(uint64_t type, uint64_t v)
{
	ev_put(type, &v, 8);
}

void ev_str(uint64_t type, const char *s)
{
	ev_put(type, s, strlen(s) + 1);
}

void ev_reason(int reason)
{
	uint32_t r[2] = { (uint32_t)reason, 0 };

	ev_put(F_REASON, r, sizeof(r));
}

void ev_stat(const char *path)
{
	struct stat st;
	uint32_t s[4] = { 0, 0, 0, 0 };

	if (stat(path, &st) == 0) {
		s[0] = st.st_mode;
		s[1] = st.st_uid;
		s[2] = st.st_gid;
	}
	ev_put(F_STAT, s, sizeof(s));
}

/* A field whose data is appended piecewise with ev_grow(). */
void ev_open(uint64_t type)
{
	if (!ev_room(FIELD_HDR))
		return;
	ev_field = ev_len;
	put_le(evbuf + ev_len + 8, type, 8);
	ev_len += FIELD_HDR;
}

/* @len more data bytes in the open field (zeroed), or NULL if too big */
void *ev_grow(size_t len)
{
	void *p;

	if (!ev_field || !ev_room(len))
		return NULL;
	p = evbuf + ev_len;
	memset(p, 0, len);
	ev_len += len;
	return p;
}

/* The open field's data at offset @off (valid until ev_end()) */
void *ev_at(size_t off)
{
	return evbuf + ev_field + FIELD_HDR + off;
}

size_t ev_open_len(void)
{
	return ev_field ? ev_len - ev_field - FIELD_HDR : 0;
}

/* Cuts the open field's data back to @len bytes. */
void ev_trim(size_t len)
{
	if (ev_field && len < ev_open_len())
		ev_len = ev_field + FIELD_HDR + len;
}

void ev_close(void)
{
	size_t len = ev_open_len();

	if (!ev_field)
		return;
	put_le(evbuf + ev_field, FIELD_HDR + len, 8);
	memset(evbuf + ev_len, 0, ALIGN8(len) - len);
	ev_len = ev_field + FIELD_HDR + ALIGN8(len);
	ev_field = 0;
}

/* Queues the event; returns 0 if it had to be dropped. */
int ev_end(void)
{
	size_t body = ev_len - HDR_SIZE, size = HDR_SIZE + ALIGN8(body);
	unsigned int type = ev_type;

	if (ev_too_big) {
		/* cannot happen with sane buses; say so instead of sending it */
		char t[4] = { '0' + type / 10 % 10, '0' + type % 10, 0 };

		ev_error(0, E2BIG, "an event larger than the output ring, type", t);
		return 0;
	}
	put_loss();
	++seq;
	if (dropped || ring_free() < size) {
		dropped++;
		return 0;
	}
	frame_seal(evbuf, type, body, seq);
	ring_put(evbuf, size);
	return 1;
}

/* @a @sep @b into @buf, cut to fit; returns the length */
size_t str_join(char *buf, size_t size, const char *a, const char *sep,
		const char *b)
{
	const char *parts[3] = { a, sep, b };
	size_t len = 0;

	for (int i = 0; i < 3; i++)
		for (const char *s = parts[i]; s && *s && len + 1 < size; s++)
			buf[len++] = *s;
	buf[len] = 0;
	return len;
}

/* Decimal digits at @s into @v; returns the end, NULL if none or > u32 */
const char *parse_u32(const char *s, uint32_t *v)
{
	uint64_t n = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && n <= 0xffffffffULL; p++)
		n = n * 10 + (*p - '0');
	if (p == s || n > 0xffffffffULL)
		return NULL;
	*v = n;
	return p;
}

/* ERROR: TEXT is "@what @detail: strerror(@err)" (@detail may be NULL) */
void ev_error(uint64_t bus_ref, int err, const char *what, const char *detail)
{
	char text[512];
	size_t len = str_join(text, sizeof(text), what, detail ? " " : NULL, detail);

	str_join(text + len, sizeof(text) - len, ": ", NULL, strerror(err));
	ev_begin(EV_ERROR);
	if (bus_ref)
		ev_u64(F_BUS, bus_ref);
	ev_reason(err);
	ev_str(F_TEXT, text);
	ev_end();
}

/*
 * Writes what the channel takes now. Returns 1 if output is left (the
 * caller then waits for EPOLLOUT), 0 if the ring is empty, -1 if the
 * channel failed for good (the caller closes and reopens it).
 */
int out_flush(void)
{
	for (int round = 0; round < 2; round++) {
		while (fd >= 0 && ring_len) {
			size_t n = RING_SIZE - ring_head;
			ssize_t w = write(fd, ring + ring_head, n < ring_len ? n : ring_len);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0 && errno == EAGAIN)
				return 1;
			if (w <= 0)
				return -1;
			ring_head = (ring_head + w) % RING_SIZE;
			ring_len -= w;
		}
		if (!ring_len)
			ring_head = 0;
		if (!dropped)
			break;
		put_loss();
	}
	return ring_len != 0;
}

size_t out_pending(void)
{
	return ring_len;
}

int out_congested(void)
{
	return ring_len > CONGESTED;
}

int out_relaxed(void)
{
	return ring_len < RING_SIZE / 2;
}

/* Before exiting: write what is left, waiting up to @timeout_ms. */
void out_drain(int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	while (fd >= 0 && out_flush() > 0 && !fd_is_file) {
		if (poll(&p, 1, timeout_ms) <= 0)
			break;
	}
}
