// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - command buffer parsing, item framing and validation, flag
 * negotiation (spec 3.2 - 3.5), name syntax rules (2.3, 8.1) and attach
 * mask sanitizing (13.1).
 *
 * Locking: none; everything here works on private kernel copies.
 */
#include <linux/ctype.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "item.h"
#include "limits.h"
#include "util.h"

/**
 * kdbus_sysname_is_valid() - check a bus/endpoint/description name item
 * @name:	payload
 * @len:	payload length
 *
 * Return: 0, -EINVAL or -ENAMETOOLONG (spec 2.3 rules 1-4).
 */
int kdbus_sysname_is_valid(const char *name, size_t len)
{
	size_t i;

	if (len < 2)
		return -EINVAL;
	if (len > KDBUS_SYSNAME_MAX_LEN + 1)
		return -ENAMETOOLONG;
	if (memchr(name, 0, len) != name + len - 1)
		return -EINVAL;
	for (i = 0; i < len - 1; i++) {
		char c = name[i];

		if (isalpha(c) || isdigit(c) || c == '_')
			continue;
		if ((c == '-' || c == '.') && i > 0 && i < len - 2)
			continue;
		return -EINVAL;
	}
	return 0;
}

/**
 * kdbus_name_is_valid() - check a well-known name (spec 8.1)
 * @p:			NUL-terminated name
 * @allow_wildcard:	accept a trailing ".*"
 *
 * Return: true if valid.
 */
bool kdbus_name_is_valid(const char *p, bool allow_wildcard)
{
	bool dot = true, found_dot = false;
	const char *q;

	for (q = p; *q; q++) {
		if (*q == '.') {
			if (dot)
				return false;
			found_dot = true;
			dot = true;
			continue;
		}
		if (allow_wildcard && dot && found_dot && *q == '*' &&
		    q[1] == 0) {
			dot = false;
			continue;
		}
		if (!isalpha(*q) && *q != '_' && *q != '-' &&
		    (dot || !isdigit(*q)))
			return false;
		dot = false;
	}
	if (q - p > KDBUS_NAME_MAX_LEN || q == p)
		return false;
	return !dot && found_dot;
}

/**
 * kdbus_sanitize_attach_flags() - sanitize a user attach mask (spec 13.1)
 * @flags:	user value
 * @err:	set to -EINVAL on unknown bits, untouched otherwise
 *
 * Return: sanitized mask.
 */
u64 kdbus_sanitize_attach_flags(u64 flags, int *err)
{
	if (flags == _KDBUS_ATTACH_ANY)
		return _KDBUS_ATTACH_ALL;
	if (flags & ~(u64)_KDBUS_ATTACH_ALL)
		*err = -EINVAL;
	return flags;
}

/**
 * kdbus_item_validate_string() - payload is a non-empty string with exactly
 *				  one NUL as its last byte
 * @item:	item
 *
 * Return: 0 or -EINVAL.
 */
int kdbus_item_validate_string(const struct kdbus_item *item)
{
	size_t len = item->size - KDBUS_ITEM_HEADER_SIZE;

	if (len < 1 || memchr(item->str, 0, len) != item->str + len - 1)
		return -EINVAL;
	return 0;
}

static int kdbus_item_validate(const struct kdbus_item *item)
{
	size_t len = item->size - KDBUS_ITEM_HEADER_SIZE;

	switch (item->type) {
	case KDBUS_ITEM_NEGOTIATE:
		return len % 8 ? -EINVAL : 0;
	case KDBUS_ITEM_PAYLOAD_VEC:
	case KDBUS_ITEM_PAYLOAD_OFF:
		if (len != sizeof(struct kdbus_vec) || item->vec.size == 0 ||
		    !kdbus_u64_fits_size(item->vec.size))
			return -EINVAL;
		return 0;
	case KDBUS_ITEM_PAYLOAD_MEMFD:
		if (len != sizeof(struct kdbus_memfd) ||
		    item->memfd.size == 0 ||
		    !kdbus_u64_fits_size(item->memfd.size))
			return -EINVAL;
		return item->memfd.fd < 0 ? -EBADF : 0;
	case KDBUS_ITEM_FDS:
		return len % sizeof(int) ? -EINVAL : 0;
	case KDBUS_ITEM_CANCEL_FD:
		return len != sizeof(int) ? -EINVAL : 0;
	case KDBUS_ITEM_BLOOM_PARAMETER:
		return len != sizeof(struct kdbus_bloom_parameter) ?
			-EINVAL : 0;
	case KDBUS_ITEM_BLOOM_FILTER:
		return len < sizeof(struct kdbus_bloom_filter) ? -EINVAL : 0;
	case KDBUS_ITEM_BLOOM_MASK:
		return 0;
	case KDBUS_ITEM_MAKE_NAME:
	case KDBUS_ITEM_CONN_DESCRIPTION:
		return kdbus_sysname_is_valid(item->str, len);
	case KDBUS_ITEM_ATTACH_FLAGS_SEND:
	case KDBUS_ITEM_ATTACH_FLAGS_RECV:
	case KDBUS_ITEM_ID:
	case KDBUS_ITEM_DST_ID:
	case KDBUS_ITEM_X_TRACE:
		return len != sizeof(u64) ? -EINVAL : 0;
	case KDBUS_ITEM_CREDS:
		return len != sizeof(struct kdbus_creds) ? -EINVAL : 0;
	case KDBUS_ITEM_PIDS:
		return len != sizeof(struct kdbus_pids) ? -EINVAL : 0;
	case KDBUS_ITEM_POLICY_ACCESS:
		return len != sizeof(struct kdbus_policy_access) ?
			-EINVAL : 0;
	case KDBUS_ITEM_NAME_ADD:
	case KDBUS_ITEM_NAME_REMOVE:
	case KDBUS_ITEM_NAME_CHANGE:
		if (len < sizeof(struct kdbus_notify_name_change))
			return -EINVAL;
		if (len > sizeof(struct kdbus_notify_name_change)) {
			len -= sizeof(struct kdbus_notify_name_change);
			if (memchr(item->name_change.name, 0, len) !=
			    item->name_change.name + len - 1)
				return -EINVAL;
		}
		return 0;
	case KDBUS_ITEM_ID_ADD:
	case KDBUS_ITEM_ID_REMOVE:
		return len != sizeof(struct kdbus_notify_id_change) ?
			-EINVAL : 0;
	case KDBUS_ITEM_NAME:
	case KDBUS_ITEM_DST_NAME:
	case KDBUS_ITEM_SECLABEL:
	case KDBUS_ITEM_TID_COMM:
	case KDBUS_ITEM_PID_COMM:
	case KDBUS_ITEM_EXE:
	case KDBUS_ITEM_CMDLINE:
	case KDBUS_ITEM_CGROUP:
		return kdbus_item_validate_string(item);
	default:
		return 0;
	}
}

static struct kdbus_arg *kdbus_args_find(struct kdbus_args *args, u64 type)
{
	size_t i;

	for (i = 0; i < args->argc; i++)
		if (args->argv[i].type == type)
			return &args->argv[i];
	return NULL;
}

/* spec 3.3: item framing, accepted types, per-type rules, duplicates */
static int kdbus_args_walk(struct kdbus_args *args)
{
	size_t n = args->size - args->fixed, pos = 0;
	u8 *base = (u8 *)args->cmd + args->fixed;
	struct kdbus_item *item;
	struct kdbus_arg *arg;
	int ret;

	while (pos < n) {
		if (n - pos < KDBUS_ITEM_HEADER_SIZE)
			return -EINVAL;
		item = (struct kdbus_item *)(base + pos);
		if (item->size < KDBUS_ITEM_HEADER_SIZE || item->size > n - pos)
			return -EINVAL;
		arg = kdbus_args_find(args, item->type);
		if (!arg)
			return -EINVAL;
		ret = kdbus_item_validate(item);
		if (ret < 0)
			return ret;
		if (arg->item && !arg->multiple)
			return -EINVAL;
		if (!arg->item)
			arg->item = item;
		pos += KDBUS_ALIGN8((size_t)item->size);
	}
	return pos == KDBUS_ALIGN8(n) ? 0 : -EINVAL;
}

/* spec 3.5: zero unsupported entries of a NEGOTIATE item in user memory */
static int kdbus_args_negotiate_item(struct kdbus_args *args)
{
	struct kdbus_arg *arg = kdbus_args_find(args, KDBUS_ITEM_NEGOTIATE);
	struct kdbus_item *item;
	size_t i, n, off;
	u64 __user *u;

	if (!arg || !arg->item)
		return 0;
	item = arg->item;
	n = (item->size - KDBUS_ITEM_HEADER_SIZE) / sizeof(u64);
	off = (u8 *)item->data64 - (u8 *)args->cmd;
	u = (u64 __user *)((u8 __user *)args->user + off);
	for (i = 0; i < n; i++) {
		if (item->data64[i] != _KDBUS_ITEM_NULL &&
		    kdbus_args_find(args, item->data64[i]))
			continue;
		if (put_user((u64)0, u + i))
			return -EFAULT;
	}
	return 0;
}

/**
 * kdbus_args_parse() - copy and parse a command or message (spec 3.2)
 * @args:	description of the command; receives the kernel copy
 * @argp:	user address
 * @fixed:	size of the fixed part of the struct
 *
 * Return: 0 to execute the command, 1 if negotiation finished it, or a
 * negative errno. kdbus_args_clear() must be called in every case.
 */
int kdbus_args_parse(struct kdbus_args *args, void __user *argp, size_t fixed)
{
	u64 size, flags;
	size_t i;
	int ret;

	args->fixed = fixed;
	args->user = argp;
	if (!IS_ALIGNED((unsigned long)argp, 8))
		return -EFAULT;
	if (get_user(size, (u64 __user *)argp))
		return -EFAULT;
	if (size < fixed)
		return -EINVAL;
	if (size > KDBUS_CMD_MAX_SIZE)
		return -EMSGSIZE;

	if (args->is_cmd && size <= sizeof(args->inline_buf)) {
		if (copy_from_user(args->inline_buf, argp, size))
			return -EFAULT;
		args->cmd = args->inline_buf;
	} else {
		args->cmd = memdup_user(argp, size);
		if (IS_ERR(args->cmd)) {
			ret = PTR_ERR(args->cmd);
			args->cmd = NULL;
			return ret;
		}
	}
	args->size = size;
	if (((u64 *)args->cmd)[0] != size)
		return -EINVAL;
	if (args->is_cmd)
		((u64 *)args->cmd)[2] = 0;

	flags = ((u64 *)args->cmd)[1];
	if (flags & ~(args->allowed_flags | KDBUS_FLAG_NEGOTIATE))
		return -EINVAL;
	args->negotiate = !!(flags & KDBUS_FLAG_NEGOTIATE);

	ret = kdbus_args_walk(args);
	if (ret < 0)
		return ret;
	ret = kdbus_args_negotiate_item(args);
	if (ret < 0)
		return ret;

	if (args->negotiate) {
		flags = args->allowed_flags & ~KDBUS_FLAG_NEGOTIATE;
		if (put_user(flags, (u64 __user *)argp + 1))
			return -EFAULT;
		return 1;
	}
	for (i = 0; i < args->argc; i++)
		if (args->argv[i].mandatory && !args->argv[i].item)
			return -EINVAL;
	return 0;
}

/**
 * kdbus_args_clear() - write back return_flags and free the kernel copy
 * @args:	parsed args
 * @ret:	result of the command
 *
 * Return: @ret, or -EFAULT if return_flags could not be written.
 */
int kdbus_args_clear(struct kdbus_args *args, int ret)
{
	if (!args->cmd)
		return ret;
	if (args->is_cmd &&
	    put_user(((u64 *)args->cmd)[2], (u64 __user *)args->user + 2))
		ret = -EFAULT;
	if (args->cmd != args->inline_buf)
		kfree(args->cmd);
	args->cmd = NULL;
	return ret;
}

/**
 * kdbus_cmd_return_flags_set() - set the return_flags of a parsed command
 * @args:	parsed args
 * @flags:	value
 *
 * Return: @flags
 */
u64 kdbus_cmd_return_flags_set(struct kdbus_args *args, u64 flags)
{
	((u64 *)args->cmd)[2] = flags;
	return flags;
}
