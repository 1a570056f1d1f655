/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - the trace extension for monitors (project extension, not
 * upstream; see NOTES.md "Trace extension").
 */
#ifndef __KDBUS_TRACE_H
#define __KDBUS_TRACE_H

#include <linux/list.h>
#include <linux/types.h>

struct file;
struct kdbus_bus;
struct kdbus_cmd_hello;
struct kdbus_conn;
struct kdbus_ep;
struct kdbus_info;
struct kdbus_item;
struct kdbus_staging;

int kdbus_trace_hello_flags(const struct kdbus_cmd_hello *hello,
			    const struct kdbus_item *item, u64 *flags);
void kdbus_trace_hello_refused(struct kdbus_ep *ep, struct file *file,
			       const struct kdbus_cmd_hello *hello, u64 send,
			       const char *description);
void kdbus_trace_receivers_set(struct kdbus_staging *s,
			       struct list_head *pending);
void kdbus_trace_receivers_clear(struct kdbus_staging *s);
size_t kdbus_trace_emit(const struct kdbus_staging *s,
			const struct kdbus_conn *dst, u8 *buf);
void kdbus_trace_conn_masks(struct kdbus_conn *conn);
void kdbus_trace_ep_policy(struct kdbus_ep *ep);
void kdbus_trace_ep_snapshot(struct kdbus_conn *mon);
size_t kdbus_trace_info_prefix(const struct kdbus_conn *conn);
void kdbus_trace_info_masks(struct kdbus_info *info,
			    const struct kdbus_conn *target);

#endif
