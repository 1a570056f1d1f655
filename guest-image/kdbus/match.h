/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - match database and bloom filters (spec section 10).
 */
#ifndef __KDBUS_MATCH_H
#define __KDBUS_MATCH_H

#include <linux/types.h>

struct kdbus_conn;
struct kdbus_staging;

bool kdbus_match_db_match(struct kdbus_conn *conn, struct kdbus_conn *src,
			  struct kdbus_staging *s);
void kdbus_match_db_clear(struct kdbus_conn *conn);
int kdbus_cmd_match_add(struct kdbus_conn *conn, void __user *argp);
int kdbus_cmd_match_remove(struct kdbus_conn *conn, void __user *argp);

#endif
