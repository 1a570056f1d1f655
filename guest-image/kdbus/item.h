/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - command buffer parsing and item validation (spec 3.2 - 3.5).
 */
#ifndef __KDBUS_ITEM_H
#define __KDBUS_ITEM_H

#include <linux/types.h>
#include <uapi/linux/kdbus.h>

/**
 * struct kdbus_arg - one item type accepted by a command
 * @type:	KDBUS_ITEM_*
 * @item:	first item of that type found (output)
 * @multiple:	type may occur more than once
 * @mandatory:	type must be present (unless negotiating)
 */
struct kdbus_arg {
	u64 type;
	struct kdbus_item *item;
	bool multiple;
	bool mandatory;
};

#define KDBUS_ARGS_INLINE_SIZE	64

/**
 * struct kdbus_args - a parsed command or message
 * @allowed_flags:	flags the command accepts (NEGOTIATE is implicit)
 * @argc:		number of entries in @argv
 * @argv:		accepted item types
 * @is_cmd:		the struct has a return_flags field at offset 16
 * @user:		user address of the struct
 * @cmd:		kernel copy (@inline_buf or kmalloc'ed), NULL before
 *			step 4
 * @size:		size of @cmd
 * @fixed:		size of the fixed part
 * @negotiate:		the NEGOTIATE flag was set
 * @inline_buf:		@cmd of a command (@is_cmd) of at most
 *			KDBUS_ARGS_INLINE_SIZE bytes: the fixed part of
 *			SEND, RECV, FREE without items needs no allocation
 */
struct kdbus_args {
	u64 allowed_flags;
	size_t argc;
	struct kdbus_arg *argv;
	bool is_cmd;

	void __user *user;
	void *cmd;
	size_t size;
	size_t fixed;
	bool negotiate;
	u64 inline_buf[KDBUS_ARGS_INLINE_SIZE / sizeof(u64)];
};

#define KDBUS_ARGS_ITEMS(a)	((struct kdbus_item *)((u8 *)(a)->cmd + (a)->fixed))
#define KDBUS_ARGS_ITEMS_SIZE(a) ((a)->size - (a)->fixed)

int kdbus_args_parse(struct kdbus_args *args, void __user *argp, size_t fixed);
int kdbus_args_clear(struct kdbus_args *args, int ret);
int kdbus_item_validate_string(const struct kdbus_item *item);
u64 kdbus_cmd_return_flags_set(struct kdbus_args *args, u64 flags);

#endif
