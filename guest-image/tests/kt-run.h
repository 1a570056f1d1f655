/* SPDX-License-Identifier: MIT */
/* State shared between the runner (main.c) and a test's child process. */
#ifndef KT_RUN_H
#define KT_RUN_H

#include <stddef.h>

#define KT_EXIT_SKIP 77
#define KT_ERR_POSITIVE 100000 /* pseudo errno: ioctl returned a positive value */

struct kt_shared {
	int failed;
	int skipped;
	char skip_reason[256];
	size_t diag_len;
	char diag[60000];
};

extern struct kt_shared *kt_shm;

#endif
