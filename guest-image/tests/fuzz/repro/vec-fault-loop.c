// SPDX-License-Identifier: GPL-2.0
/*
 * Reproducer found by kdbus-fuzz: a SEND whose first PAYLOAD_VEC starts in
 * readable memory and runs into an unreadable page, followed by a second
 * PAYLOAD_VEC, never returns: the task loops in the kernel (state R) under
 * kdbus_cmd_send -> kdbus_conn_entry_insert -> kdbus_queue_entry_new ->
 * kdbus_staging_emit -> kdbus_pool_slice_write_user -> vfs_iter_write,
 * holding the bus lock, so every HELLO/SEND/RECV/ENDPOINT_UPDATE on that bus
 * then blocks for good. With a single vector the same SEND fails with EFAULT.
 *
 *   vec-fault-loop [SIZE1 READABLE1 [SIZE2 SECOND_IS_DATA]]   (default 169 1 26 0)
 *
 * Build: i686-linux-gnu-gcc -static -I guest-image/kdbus/uapi -o vec-fault-loop vec-fault-loop.c
 * In the playground: npx kdbus-playground exec --put vec-fault-loop \
 *   '/tmp/vec-fault-loop & sleep 5; ps | grep vec-fault'   (still there = bug)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kdbus.h>

static uint64_t buf[512], mbuf[512];

static int hello(const char *path, uint64_t *id)
{
	struct kdbus_cmd_hello h = { .size = sizeof(h), .attach_flags_send = ~0ULL, .pool_size = 65536 };
	int fd = open(path, O_RDWR);

	if (fd < 0 || ioctl(fd, KDBUS_CMD_HELLO, &h)) {
		perror("hello");
		exit(1);
	}
	*id = h.id;
	return fd;
}

int main(int argc, char **argv)
{
	int size1 = argc > 2 ? atoi(argv[1]) : 169, readable = argc > 2 ? atoi(argv[2]) : 1;
	int size2 = argc > 4 ? atoi(argv[3]) : 26, data2 = argc > 4 ? atoi(argv[4]) : 0;
	struct kdbus_cmd *c = (void *)buf;
	struct kdbus_item *it = c->items;
	struct kdbus_msg *m = (void *)mbuf;
	char name[64], path[128], *pg;
	uint64_t a, b;
	int ctl = open("/sys/fs/kdbus/control", O_RDWR), fa, r;

	snprintf(name, sizeof(name), "%u-vecfault%d", (unsigned)geteuid(), getpid());
	it->size = 16 + strlen(name) + 1;
	it->type = KDBUS_ITEM_MAKE_NAME;
	strcpy(it->str, name);
	it = KDBUS_ITEM_NEXT(it);
	it->size = 32;
	it->type = KDBUS_ITEM_BLOOM_PARAMETER;
	it->bloom_parameter.size = 8;
	it->bloom_parameter.n_hash = 1;
	it = KDBUS_ITEM_NEXT(it);
	c->size = (char *)it - (char *)c;
	if (ctl < 0 || ioctl(ctl, KDBUS_CMD_BUS_MAKE, c)) {
		perror("BUS_MAKE");
		return 1;
	}
	snprintf(path, sizeof(path), "/sys/fs/kdbus/%s/bus", name);
	fa = hello(path, &a);
	hello(path, &b);

	pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(pg, 'x', 4096);
	mprotect(pg + 4096, 4096, PROT_NONE);

	m->payload_type = KDBUS_PAYLOAD_DBUS;
	m->dst_id = b;
	m->cookie = 1;
	it = m->items;
	it->size = 32;
	it->type = KDBUS_ITEM_PAYLOAD_VEC;
	it->vec.size = size1;
	it->vec.address = (uintptr_t)(pg + 4096 - readable);
	it = KDBUS_ITEM_NEXT(it);
	it->size = 32;
	it->type = KDBUS_ITEM_PAYLOAD_VEC;
	it->vec.size = size2;
	it->vec.address = data2 ? (uintptr_t)pg : 0;
	m->size = 64 + 2 * 32;

	struct kdbus_cmd_send s = { .size = sizeof(s), .msg_address = (uintptr_t)m };

	printf("SEND: vec %d bytes (%d readable) + vec %d bytes ...\n", size1, readable, size2);
	fflush(stdout);
	r = ioctl(fa, KDBUS_CMD_SEND, &s);
	printf("SEND returned %d %s (expected: -1 EFAULT)\n", r, r ? strerror(errno) : "");
	return 0;
}
