// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - file handles: open, ioctl dispatch, poll, mmap (spec 3.1, 7.2).
 *
 * Locking: handle->lock serialises setup ioctls (BUS_MAKE, ENDPOINT_MAKE,
 * HELLO) of one handle. handle->type is written once, under handle->lock,
 * with release semantics after the owned object is fully set up; other
 * ioctls read it with acquire semantics and never take handle->lock.
 * Lock order: handle->lock -> bus->lock.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/kdbus.h>

#include "bus.h"
#include "connection.h"
#include "domain.h"
#include "endpoint.h"
#include "fs.h"
#include "handle.h"
#include "match.h"
#include "names.h"
#include "pool.h"

enum kdbus_handle_type {
	KDBUS_HANDLE_FRESH,
	KDBUS_HANDLE_BUS_OWNER,
	KDBUS_HANDLE_EP_OWNER,
	KDBUS_HANDLE_CONNECTED,
};

/**
 * struct kdbus_handle - an open file description of a kdbusfs file
 * @lock:	serialises setup ioctls
 * @type:	KDBUS_HANDLE_*
 * @node:	the opened node (control or endpoint; referenced)
 * @privileged:	opener had CAP_IPC_OWNER in the domain user namespace
 * @bus_owner:	bus created by this handle
 * @ep_owner:	endpoint created by this handle
 * @conn:	connection of this handle
 */
struct kdbus_handle {
	struct mutex lock;
	enum kdbus_handle_type type;
	struct kdbus_node *node;
	bool privileged;
	union {
		struct kdbus_bus *bus_owner;
		struct kdbus_ep *ep_owner;
		struct kdbus_conn *conn;
	};
};

static struct kdbus_domain *kdbus_node_domain(struct kdbus_node *node)
{
	if (node->type == KDBUS_NODE_CONTROL)
		return container_of(node, struct kdbus_domain, control);
	return kdbus_ep_from_node(node)->bus->domain;
}

static int kdbus_handle_open(struct inode *inode, struct file *file)
{
	struct kdbus_node *node = inode->i_private;
	struct kdbus_handle *handle;
	struct kdbus_domain *domain;

	if (!kdbus_node_acquire(node))
		return -ESHUTDOWN;

	handle = kzalloc(sizeof(*handle), GFP_KERNEL);
	if (!handle) {
		kdbus_node_release(node);
		return -ENOMEM;
	}
	mutex_init(&handle->lock);
	handle->type = KDBUS_HANDLE_FRESH;
	handle->node = kdbus_node_ref(node);
	domain = kdbus_node_domain(node);
	handle->privileged = file_ns_capable(file, domain->user_ns,
					     CAP_IPC_OWNER);
	file->private_data = handle;
	kdbus_node_release(node);
	return 0;
}

static int kdbus_handle_release(struct inode *inode, struct file *file)
{
	struct kdbus_handle *handle = file->private_data;

	switch (handle->type) {
	case KDBUS_HANDLE_BUS_OWNER:
		kdbus_bus_shutdown(handle->bus_owner);
		kdbus_bus_unref(handle->bus_owner);
		break;
	case KDBUS_HANDLE_EP_OWNER:
		kdbus_ep_shutdown(handle->ep_owner);
		kdbus_ep_unref(handle->ep_owner);
		break;
	case KDBUS_HANDLE_CONNECTED:
		kdbus_conn_disconnect(handle->conn, false);
		kdbus_conn_unref(handle->conn);
		break;
	default:
		break;
	}
	kdbus_node_unref(handle->node);
	kfree(handle);
	return 0;
}

static long kdbus_handle_ioctl_control(struct file *file, unsigned int cmd,
				       void __user *argp)
{
	struct kdbus_handle *handle = file->private_data;
	struct kdbus_domain *domain;
	struct kdbus_bus *bus;
	long ret = 0;

	if (handle->node->type != KDBUS_NODE_CONTROL)
		return -EBADFD;
	domain = kdbus_node_domain(handle->node);

	if (!kdbus_node_acquire(handle->node))
		return -ESHUTDOWN;
	bus = kdbus_cmd_bus_make(domain, argp);
	if (IS_ERR(bus)) {
		ret = PTR_ERR(bus);
	} else if (bus) {
		handle->bus_owner = bus;
		smp_store_release(&handle->type, KDBUS_HANDLE_BUS_OWNER);
	}
	kdbus_node_release(handle->node);
	return ret;
}

static long kdbus_handle_ioctl_ep(struct file *file, unsigned int cmd,
				  void __user *argp)
{
	struct kdbus_handle *handle = file->private_data;
	struct kdbus_ep *ep, *new_ep;
	struct kdbus_conn *conn;
	long ret = 0;

	if (handle->node->type != KDBUS_NODE_ENDPOINT)
		return -EBADFD;
	ep = kdbus_ep_from_node(handle->node);
	if (!kdbus_node_acquire(&ep->node))
		return -ESHUTDOWN;

	if (cmd == KDBUS_CMD_ENDPOINT_MAKE) {
		new_ep = kdbus_cmd_ep_make(ep, file, argp);
		if (IS_ERR(new_ep)) {
			ret = PTR_ERR(new_ep);
		} else if (new_ep) {
			handle->ep_owner = new_ep;
			smp_store_release(&handle->type,
					  KDBUS_HANDLE_EP_OWNER);
		}
	} else {
		conn = kdbus_cmd_hello(ep, file, handle->privileged, argp);
		if (IS_ERR(conn)) {
			ret = PTR_ERR(conn);
		} else if (conn) {
			handle->conn = conn;
			smp_store_release(&handle->type,
					  KDBUS_HANDLE_CONNECTED);
		}
	}
	kdbus_node_release(&ep->node);
	return ret;
}

static long kdbus_handle_ioctl_setup(struct file *file, unsigned int cmd,
				     void __user *argp)
{
	struct kdbus_handle *handle = file->private_data;
	long ret;

	mutex_lock(&handle->lock);
	if (handle->type != KDBUS_HANDLE_FRESH)
		ret = -EBADFD;
	else if (cmd == KDBUS_CMD_BUS_MAKE)
		ret = kdbus_handle_ioctl_control(file, cmd, argp);
	else
		ret = kdbus_handle_ioctl_ep(file, cmd, argp);
	mutex_unlock(&handle->lock);
	return ret;
}

static long kdbus_handle_ioctl_ep_owner(struct file *file, unsigned int cmd,
					void __user *argp)
{
	struct kdbus_handle *handle = file->private_data;
	struct kdbus_ep *ep;
	long ret;

	if (smp_load_acquire(&handle->type) != KDBUS_HANDLE_EP_OWNER)
		return -EBADFD;
	ep = handle->ep_owner;
	if (!kdbus_node_acquire(&ep->node))
		return -ESHUTDOWN;
	ret = kdbus_cmd_ep_update(ep, argp);
	kdbus_node_release(&ep->node);
	return ret;
}

static long kdbus_handle_ioctl_connected(struct file *file, unsigned int cmd,
					 void __user *argp)
{
	struct kdbus_handle *handle = file->private_data;
	struct kdbus_conn *conn;
	long ret;

	if (smp_load_acquire(&handle->type) != KDBUS_HANDLE_CONNECTED)
		return -EBADFD;
	conn = handle->conn;
	if (!kdbus_conn_acquire(conn))
		return -ESHUTDOWN;

	switch (cmd) {
	case KDBUS_CMD_BYEBYE:
		ret = kdbus_cmd_byebye(conn, argp);
		break;
	case KDBUS_CMD_UPDATE:
		ret = kdbus_cmd_update(conn, argp);
		break;
	case KDBUS_CMD_FREE:
		ret = kdbus_cmd_free(conn, argp);
		break;
	case KDBUS_CMD_CONN_INFO:
		ret = kdbus_cmd_conn_info(conn, argp);
		break;
	case KDBUS_CMD_BUS_CREATOR_INFO:
		ret = kdbus_cmd_bus_creator_info(conn, argp);
		break;
	case KDBUS_CMD_LIST:
		ret = kdbus_cmd_list(conn, argp);
		break;
	case KDBUS_CMD_SEND:
		ret = kdbus_cmd_send(conn, file, argp);
		break;
	case KDBUS_CMD_RECV:
		ret = kdbus_cmd_recv(conn, argp);
		break;
	case KDBUS_CMD_NAME_ACQUIRE:
		ret = kdbus_cmd_name_acquire(conn, argp);
		break;
	case KDBUS_CMD_NAME_RELEASE:
		ret = kdbus_cmd_name_release(conn, argp);
		break;
	case KDBUS_CMD_MATCH_ADD:
		ret = kdbus_cmd_match_add(conn, argp);
		break;
	case KDBUS_CMD_MATCH_REMOVE:
		ret = kdbus_cmd_match_remove(conn, argp);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	kdbus_conn_release(conn);
	return ret;
}

static long kdbus_handle_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case KDBUS_CMD_BUS_MAKE:
	case KDBUS_CMD_ENDPOINT_MAKE:
	case KDBUS_CMD_HELLO:
		return kdbus_handle_ioctl_setup(file, cmd, argp);
	case KDBUS_CMD_ENDPOINT_UPDATE:
		return kdbus_handle_ioctl_ep_owner(file, cmd, argp);
	case KDBUS_CMD_UPDATE:
	case KDBUS_CMD_BYEBYE:
	case KDBUS_CMD_FREE:
	case KDBUS_CMD_CONN_INFO:
	case KDBUS_CMD_BUS_CREATOR_INFO:
	case KDBUS_CMD_LIST:
	case KDBUS_CMD_SEND:
	case KDBUS_CMD_RECV:
	case KDBUS_CMD_NAME_ACQUIRE:
	case KDBUS_CMD_NAME_RELEASE:
	case KDBUS_CMD_MATCH_ADD:
	case KDBUS_CMD_MATCH_REMOVE:
		return kdbus_handle_ioctl_connected(file, cmd, argp);
	default:
		return -ENOTTY;
	}
}

static __poll_t kdbus_handle_poll(struct file *file, poll_table *wait)
{
	struct kdbus_handle *handle = file->private_data;
	struct kdbus_conn *conn;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	if (smp_load_acquire(&handle->type) != KDBUS_HANDLE_CONNECTED)
		return EPOLLERR | EPOLLHUP;
	conn = handle->conn;
	poll_wait(file, &conn->wait, wait);
	if (!kdbus_conn_active(conn))
		return EPOLLERR | EPOLLHUP;
	if (READ_ONCE(conn->queue_count) > 0 ||
	    atomic_read(&conn->lost_count) > 0)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int kdbus_handle_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct kdbus_handle *handle = file->private_data;

	if (smp_load_acquire(&handle->type) != KDBUS_HANDLE_CONNECTED)
		return -EBADFD;
	return kdbus_pool_mmap(handle->conn->pool, vma);
}

const struct file_operations kdbus_handle_ops = {
	.owner		= THIS_MODULE,
	.open		= kdbus_handle_open,
	.release	= kdbus_handle_release,
	.poll		= kdbus_handle_poll,
	.llseek		= noop_llseek,
	.unlocked_ioctl	= kdbus_handle_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= kdbus_handle_mmap,
};
