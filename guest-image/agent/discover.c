// SPDX-License-Identifier: GPL-2.0
/*
 * discover.c: where the buses are. Every kdbusfs mount is a domain (spec
 * 2.1); bind mounts of one domain are the same domain, told apart by the
 * device and the inode of the root (kdbusfs inode numbers are never
 * reused in a boot). A domain's buses are its directories, a bus's
 * endpoints its files.
 *
 * Changes are noticed without polling:
 *   - /proc/self/mountinfo polls POLLPRI|POLLERR when the mount table of
 *     our namespace changes: mounts are read again;
 *   - inotify on each domain root and bus directory: kdbusfs reports nodes
 *     linked and unlinked to fsnotify (guest-image/kdbus/fs.c), so a bus
 *     is seen the moment BUS_MAKE made it.
 * An event only says "look again": the directory is read and compared
 * with what we know (by name and inode), so lost or merged events (queue
 * overflow) cost a rescan, never a wrong world.
 *
 * Nothing here keeps a file of a domain open (only the monitors do), so
 * the agent never keeps a domain from being unmounted once its buses are
 * gone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent.h"

#define DIR_EVENTS	(IN_CREATE | IN_DELETE | IN_ONLYDIR)

static struct domain *domains;
static struct bus *graveyard;	/* removed buses, freed by discover_reap() */
static uint64_t next_domain_ref;
static int inotify_fd = -1;
static int mounts_fd = -1;
static int mounts_dirty;

int discover_init(void)
{
	inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	mounts_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (inotify_fd < 0 || mounts_fd < 0)
		return -1;
	if (loop_add(mounts_fd, EPOLLPRI, W_MOUNTS, NULL) < 0 ||
	    loop_add(inotify_fd, EPOLLIN, W_INOTIFY, NULL) < 0)
		return -1;
	return 0;
}

/*
 * Buses of a domain
 */

static void bus_unlink(struct domain *d, struct bus *b)
{
	struct bus **pp;

	for (pp = &d->buses; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	bus_remove(b, inotify_fd);
	b->next = graveyard;
	graveyard = b;
}

static void bus_found(struct domain *d, const char *name, ino_t ino)
{
	struct bus *b;

	for (b = d->buses; b; b = b->next) {
		if (strcmp(b->name, name))
			continue;
		if (b->ino == ino) {
			b->seen = 1;
			return;
		}
		/* same name, another inode: made again since we looked */
		bus_unlink(d, b);
		break;
	}
	b = bus_new(d, name, ino);
	if (!b)
		return;
	b->seen = 1;
	b->next = d->buses;
	d->buses = b;
	/* watch first, then read: nothing made in between is missed */
	b->wd = inotify_add_watch(inotify_fd, b->dir, DIR_EVENTS);
	bus_scan(b);
}

/* Reads the domain root: buses appear and disappear. */
static void domain_scan(struct domain *d)
{
	struct bus *b, *next;
	struct dirent *de;
	DIR *dir;

	d->dirty = 0;
	dir = opendir(d->path);
	if (!dir) {
		mounts_dirty = 1;
		return;
	}
	for (b = d->buses; b; b = b->next)
		b->seen = 0;
	while ((de = readdir(dir)))
		if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
		    strcmp(de->d_name, ".."))
			bus_found(d, de->d_name, de->d_ino);
	closedir(dir);
	for (b = d->buses; b; b = next) {
		next = b->next;
		if (!b->seen)
			bus_unlink(d, b);
	}
}

/*
 * Domains
 */

static struct domain *domain_add(const char *path, dev_t dev, ino_t ino)
{
	struct domain *d = calloc(1, sizeof(*d));

	if (d)
		d->path = strdup(path);
	if (!d || !d->path) {
		free(d);
		return NULL;
	}
	d->ref = ++next_domain_ref;
	d->dev = dev;
	d->ino = ino;
	d->next = domains;
	domains = d;
	ev_begin(EV_DOMAIN_ADD);
	ev_u64(F_DOMAIN, d->ref);
	ev_str(F_PATH, d->path);
	ev_end();
	d->wd = inotify_add_watch(inotify_fd, d->path, DIR_EVENTS);
	domain_scan(d);
	return d;
}

/* BUS_REMOVE for each bus, then DOMAIN_REMOVE */
static void domain_remove(struct domain *d)
{
	while (d->buses)
		bus_unlink(d, d->buses);
	if (d->wd >= 0)
		inotify_rm_watch(inotify_fd, d->wd);
	ev_begin(EV_DOMAIN_REMOVE);
	ev_u64(F_DOMAIN, d->ref);
	ev_end();
	free(d->alt);
	free(d->path);
	free(d);
}

/* "\040" and friends in mountinfo paths */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*o++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
}

/*
 * One mountinfo line: "id parent maj:min root mountpoint opts [tags] -
 * fstype source superopts". A kdbusfs mount of a domain's root whose
 * mount point still leads to it (not mounted over) is a domain. Another
 * mount of a known domain (a bind mount) is remembered in @alt, in case
 * the mount the agent uses goes away.
 */
static void mount_line(char *line)
{
	char *f[5], *sep, *type, *save = NULL;
	const char *p;
	uint32_t maj, min;
	struct domain *d;
	struct stat st;
	int i;

	for (sep = line; *sep && (sep[0] != ' ' || sep[1] != '-' || sep[2] != ' '); sep++)
		;
	if (!*sep)
		return;
	*sep = 0;
	type = strtok_r(sep + 3, " ", &save);
	if (!type || strcmp(type, "kdbusfs"))
		return;
	save = NULL;
	for (i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!f[i])
			return;
	}
	p = parse_u32(f[2], &maj);
	if (!p || *p != ':' || !parse_u32(p + 1, &min) || strcmp(f[3], "/"))
		return;
	unescape(f[4]);
	if (stat(f[4], &st) < 0 || !S_ISDIR(st.st_mode) ||
	    st.st_dev != makedev(maj, min))
		return;
	for (d = domains; d; d = d->next) {
		if (d->dev != st.st_dev || d->ino != st.st_ino)
			continue;
		if (!strcmp(d->path, f[4]))
			d->seen = 1;
		else if (!d->alt)
			d->alt = strdup(f[4]);
		return;
	}
	d = domain_add(f[4], st.st_dev, st.st_ino);
	if (d)
		d->seen = 1;
}

/* The whole mountinfo file, NUL-terminated (malloc'd), or NULL */
static char *read_mountinfo(void)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *bigger;
	ssize_t n;

	while (buf) {
		n = pread(mounts_fd, buf + len, cap - len - 1, len);
		if (n < 0) {
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		len += n;
		if (len + 1 == cap) {
			bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	if (buf)
		buf[len] = 0;
	return buf;
}

/* A domain found again at another of its mount points */
static void domain_moved(char *path)
{
	struct domain *d = NULL;
	struct stat st;

	if (stat(path, &st) == 0)
		d = domain_add(path, st.st_dev, st.st_ino);
	if (d)
		d->seen = 1;
	free(path);
}

/*
 * Mounts changed (or we start): domains appear and disappear. A domain
 * whose mount point went while a bind mount of it stays is reported as
 * removed and found again at the other mount point: its paths changed.
 */
void discover_mounts(void)
{
	struct domain **pp, *d;
	char *buf, *line, *save = NULL, *alt;

	mounts_dirty = 0;
	buf = read_mountinfo();
	if (!buf)
		return;
	for (d = domains; d; d = d->next) {
		d->seen = 0;
		free(d->alt);
		d->alt = NULL;
	}
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		mount_line(line);
	free(buf);
	for (pp = &domains; (d = *pp);) {
		if (d->seen) {
			pp = &d->next;
			continue;
		}
		*pp = d->next;
		alt = d->alt;
		d->alt = NULL;
		domain_remove(d);
		if (alt)
			domain_moved(alt);
	}
}

/*
 * inotify
 */

static void mark_wd(int wd, uint32_t mask)
{
	struct domain *d;
	struct bus *b;

	for (d = domains; d; d = d->next) {
		if (d->wd == wd) {
			d->dirty = 1;
			if (mask & IN_IGNORED)
				d->wd = -1;
			if (mask & (IN_IGNORED | IN_UNMOUNT))
				mounts_dirty = 1;
			return;
		}
		for (b = d->buses; b; b = b->next) {
			if (b->wd == wd) {
				b->dirty = 1;
				if (mask & IN_IGNORED)
					b->wd = -1;
				return;
			}
		}
	}
}

static void mark_all(void)
{
	struct domain *d;
	struct bus *b;

	mounts_dirty = 1;
	for (d = domains; d; d = d->next) {
		d->dirty = 1;
		for (b = d->buses; b; b = b->next)
			b->dirty = 1;
	}
}

/* Looks again wherever something was marked, domains before buses. */
static void settle(void)
{
	struct domain *d;
	struct bus *b;

	if (mounts_dirty)
		discover_mounts();
	for (d = domains; d; d = d->next)
		if (d->dirty)
			domain_scan(d);
	for (d = domains; d; d = d->next)
		for (b = d->buses; b; b = b->next)
			if (b->dirty)
				bus_scan(b);
}

void discover_inotify(void)
{
	char buf[4096] __aligned(__alignof__(struct inotify_event));
	const struct inotify_event *ev;
	ssize_t n;

	while ((n = read(inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				mark_all();
			else
				mark_wd(ev->wd, ev->mask);
		}
	}
	settle();
}

/* The monitor of a bus in this domain hung up: look again. */
void discover_domain_dirty(uint64_t domain_ref)
{
	struct domain *d;

	for (d = domains; d; d = d->next)
		if (d->ref == domain_ref)
			d->dirty = 1;
}

/* Before a snapshot: everything looked at again (live events) */
void discover_rescan(void)
{
	mark_all();
	settle();
}

void discover_settle(void)
{
	settle();
}

/* The whole world, for SNAPSHOT_BEGIN ... SNAPSHOT_END */
void discover_snapshot(void)
{
	struct domain *d;
	struct bus *b;

	for (d = domains; d; d = d->next) {
		ev_begin(EV_DOMAIN_ADD);
		ev_u64(F_DOMAIN, d->ref);
		ev_str(F_PATH, d->path);
		ev_end();
		for (b = d->buses; b; b = b->next)
			bus_snapshot(b);
	}
}

void discover_tick(void)
{
	struct domain *d;
	struct bus *b;

	for (d = domains; d; d = d->next)
		for (b = d->buses; b; b = b->next)
			bus_tick(b);
}

void discover_pause(int pause)
{
	struct domain *d;
	struct bus *b;

	bus_all_paused = pause;
	for (d = domains; d; d = d->next)
		for (b = d->buses; b; b = b->next)
			bus_pause(b, pause);
}

/* End of a loop iteration: nobody holds a removed bus any more. */
void discover_reap(void)
{
	struct bus *b;

	while ((b = graveyard)) {
		graveyard = b->next;
		bus_destroy(b);
	}
}
