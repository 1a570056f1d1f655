// SPDX-License-Identifier: GPL-2.0
#include "common.h"
#include <sys/stat.h>

int main(void)
{
	const char *path = "/sys/fs/kdbus/0-t4/bus";
	struct conn a, b;
	struct kdbus_msg *m;
	struct stat st;
	int bfd = bus_make("0-t4"), i, ok1;
	errno = 0;
	CHECK(bfd >= 0, "BUS_MAKE");
	CHECK(stat("/sys/fs/kdbus/0-t4", &st) == 0 && (st.st_mode & 07777) == 0555 && S_ISDIR(st.st_mode), "bus dir mode %o", st.st_mode & 07777);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0666 && S_ISREG(st.st_mode), "bus file mode %o", st.st_mode & 07777);
	/* big pool for the quota example */
	{ struct kdbus_cmd_hello h; memset(&h, 0, sizeof(h)); h.size = sizeof(h); h.pool_size = 16 << 20; h.attach_flags_recv = 0;
	  b.fd = open(path, O_RDWR); CHECK(ioctl(b.fd, KDBUS_CMD_HELLO, &h) == 0, "HELLO b 16MiB pool"); b.id = h.id;
	  b.pool = mmap(NULL, 16 << 20, PROT_READ, MAP_SHARED, b.fd, 0); }
	CHECK(hello(&a, path, 0) == 0, "HELLO a");
	{ static char big[2 << 20]; struct kdbus_vec v = { sizeof(big), { (uintptr_t)big } };
	  static uint64_t mb[32]; struct kdbus_msg *mm = (void *)mb; memset(mb, 0, sizeof(mb));
	  mm->dst_id = b.id; mm->payload_type = 1; struct kdbus_item *it = additem(mm->items, KDBUS_ITEM_PAYLOAD_VEC, &v, 16); mm->size = (char *)it - (char *)mm;
	  struct kdbus_cmd_send s = { 0 }; s.size = sizeof(s); s.msg_address = (uintptr_t)mm;
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) == 0, "2 MiB message fits");
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) < 0 && errno == ENOBUFS, "second 2 MiB ENOBUFS");
	  CHECK(send_msg(&a, b.id, NULL, 0, 1, 0, "small", 0, NULL) == 0, "small still fits");
	  v.size = (2 << 20) + 1; memset(mb, 0, sizeof(mb)); mm->dst_id = b.id; mm->payload_type = 1; it = additem(mm->items, KDBUS_ITEM_PAYLOAD_VEC, &v, 16); mm->size = (char *)it - (char *)mm;
	  CHECK(ioctl(a.fd, KDBUS_CMD_SEND, &s) < 0 && errno == EMSGSIZE, "> 2 MiB EMSGSIZE");
	  while (recv_msg(&b, 0, &m, NULL) == 0) freeoff(&b, m);
	}
	/* EXFULL: 64 KiB pool of a, fill with unfreed received messages */
	{ int n = 0; for (i = 0; i < 1000; i++) { if (send_msg(&b, a.id, NULL, 0, i, 0, "fill-fill-fill-fill-fill", 0, NULL) < 0) break; if (recv_msg(&a, 0, &m, NULL) == 0) n++; }
	  CHECK(errno == EXFULL, "EXFULL after %d unfreed messages", n); }
	/* names limit */
	{ char name[64]; ok1 = 1;
	  for (i = 0; i < 256; i++) { snprintf(name, sizeof(name), "org.n.N%d", i); if (name_op(&b, KDBUS_CMD_NAME_ACQUIRE, name, 0, NULL) < 0) ok1 = 0; }
	  CHECK(ok1 && name_op(&b, KDBUS_CMD_NAME_ACQUIRE, "org.n.Last", 0, NULL) < 0 && errno == E2BIG, "E2BIG at 257 names"); }
	/* matches limit */
	{ struct kdbus_cmd_match mm = { sizeof(mm), 0, 0, 1 }; ok1 = 1;
	  for (i = 0; i < 4096; i++) if (ioctl(b.fd, KDBUS_CMD_MATCH_ADD, &mm) < 0) ok1 = 0;
	  CHECK(ok1 && ioctl(b.fd, KDBUS_CMD_MATCH_ADD, &mm) < 0 && errno == EMFILE, "EMFILE at 4097 matches");
	  mm.flags = KDBUS_MATCH_REPLACE; CHECK(ioctl(b.fd, KDBUS_CMD_MATCH_ADD, &mm) == 0, "REPLACE below limit again"); }
	/* buses limit */
	{ char name[32]; int fds[20]; ok1 = 0;
	  for (i = 0; i < 20; i++) { snprintf(name, sizeof(name), "0-lim%d", i); fds[i] = bus_make(name); if (fds[i] >= 0) ok1++; }
	  CHECK(ok1 == 15 && errno == EMFILE, "16 buses per user (made %d more)", ok1);
	  for (i = 0; i < 20; i++) if (fds[i] >= 0) close(fds[i]); }
	/* sysname rules */
	{ int e = 0; CHECK(bus_make("0-") < 0 && errno == EINVAL, "trailing dash EINVAL"); (void)e;
	  CHECK(bus_make("0-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") < 0 && errno == ENAMETOOLONG, "ENAMETOOLONG");
	  CHECK(bus_make("0-a.b-c_d") >= 0, "dots dashes ok"); }
	printf("fails=%d\n", fails);
	return fails != 0;
}
