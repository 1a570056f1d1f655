/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - fixed limits (spec section 14.1).
 */
#ifndef __KDBUS_LIMITS_H
#define __KDBUS_LIMITS_H

#include <linux/sizes.h>

#define KDBUS_CMD_MAX_SIZE			32768
#define KDBUS_SYSNAME_MAX_LEN			63
#define KDBUS_NAME_MAX_LEN			255
#define KDBUS_BUS_BLOOM_MAX_SIZE		4096
#define KDBUS_MSG_MAX_PAYLOAD_VEC_SIZE		SZ_2M
#define KDBUS_MSG_MAX_MEMFD_ITEMS		16
#define KDBUS_MSG_MAX_FDS			16
#define KDBUS_CONN_MAX_FDS_PER_USER		16
#define KDBUS_CONN_MAX_MSGS_PER_USER		256
#define KDBUS_CONN_MAX_REQUESTS_PENDING		128
#define KDBUS_CONN_MAX_NAMES			256
#define KDBUS_MATCH_MAX				4096
#define KDBUS_USER_MAX_CONN			1024
#define KDBUS_USER_MAX_BUSES			16

#define KDBUS_SUPER_MAGIC			0x44427573

#endif
