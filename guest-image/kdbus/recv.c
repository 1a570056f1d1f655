// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - RECV (spec 4.12, 6.11, 7.4, 7.6). Moved out of connection.c
 * unchanged.
 *
 * Locking: the queue and pool are read and changed under bus->lock.
 */
#include <linux/uaccess.h>

#include "bus.h"
#include "connection.h"
#include "item.h"
#include "notify.h"
#include "pool.h"
#include "queue.h"

/*
 * RECV
 */

int kdbus_cmd_recv(struct kdbus_conn *conn, void __user *argp)
{
	struct kdbus_cmd_recv __user *ucmd = argp;
	struct kdbus_bus *bus = conn->bus;
	struct kdbus_queue_entry *e;
	struct kdbus_cmd_recv *cmd;
	int ret, dropped;
	struct kdbus_arg argv[] = {
		{ .type = KDBUS_ITEM_NEGOTIATE },
	};
	struct kdbus_args args = {
		.allowed_flags = KDBUS_FLAG_NEGOTIATE | KDBUS_RECV_PEEK |
				 KDBUS_RECV_DROP | KDBUS_RECV_USE_PRIORITY,
		.argv = argv,
		.argc = ARRAY_SIZE(argv),
		.is_cmd = true,
	};

	if (kdbus_conn_is_policy_holder(conn))
		return -EOPNOTSUPP;
	ret = kdbus_args_parse(&args, argp, sizeof(*cmd));
	if (ret != 0)
		goto exit;
	cmd = args.cmd;
	cmd->dropped_msgs = 0;
	cmd->msg.offset = conn->pool->size;
	cmd->msg.msg_size = 0;
	cmd->msg.return_flags = 0;

	if ((cmd->flags & KDBUS_RECV_DROP) &&
	    (cmd->flags & KDBUS_RECV_USE_PRIORITY)) {
		ret = -EINVAL;
		goto exit_write;
	}

	mutex_lock(&bus->lock);
	e = kdbus_queue_peek(conn, cmd->priority,
			     cmd->flags & KDBUS_RECV_USE_PRIORITY);
	if (!e) {
		ret = -EAGAIN;
	} else if (cmd->flags & KDBUS_RECV_DROP) {
		kdbus_queue_entry_dequeue(e);
		if (e->reply)
			kdbus_reply_dead(bus, e->reply);
		kdbus_queue_entry_free(e);
	} else if (cmd->flags & KDBUS_RECV_PEEK) {
		kdbus_pool_slice_publish(e->slice, &cmd->msg.offset,
					 &cmd->msg.msg_size);
	} else {
		ret = kdbus_queue_entry_install(e, &cmd->msg.return_flags,
					conn->flags & KDBUS_HELLO_ACCEPT_FD);
		if (!ret) {
			kdbus_pool_slice_publish(e->slice, &cmd->msg.offset,
						 &cmd->msg.msg_size);
			kdbus_queue_entry_dequeue(e);
			kdbus_queue_entry_free(e);
		}
	}
	if (!ret || ret == -EAGAIN) {
		dropped = atomic_xchg(&conn->lost_count, 0);
		if (dropped) {
			cmd->dropped_msgs = dropped;
			kdbus_cmd_return_flags_set(&args,
					KDBUS_RECV_RETURN_DROPPED_MSGS);
		}
	}
	kdbus_notify_flush(bus);
	mutex_unlock(&bus->lock);

exit_write:
	if (put_user(cmd->dropped_msgs, &ucmd->dropped_msgs) ||
	    copy_to_user(&ucmd->msg, &cmd->msg, sizeof(cmd->msg)))
		ret = -EFAULT;
exit:
	return kdbus_args_clear(&args, ret > 0 ? 0 : ret);
}
