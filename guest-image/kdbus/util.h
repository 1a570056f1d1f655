/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - small helpers shared by all files.
 */
#ifndef __KDBUS_UTIL_H
#define __KDBUS_UTIL_H

#include <linux/kernel.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/kdbus.h>

#define KDBUS_ALIGN8_PTR(p)	PTR_ALIGN(p, 8)

/* walk the items in [first, first + size) of a validated buffer */
#define KDBUS_ITEMS_FOREACH(it, first, _size)				\
	for ((it) = (first);						\
	     (u8 *)(it) < (u8 *)(first) + (_size) &&			\
	     (u8 *)(it) + (it)->size <= (u8 *)(first) + (_size);	\
	     (it) = KDBUS_ITEM_NEXT(it))

/**
 * kdbus_u64_to_size() - check that a u64 size fits in size_t
 * @v:	value
 *
 * Return: true if @v is representable as size_t on this architecture.
 */
static inline bool kdbus_u64_fits_size(u64 v)
{
	return v == (u64)(size_t)v;
}

static inline void __user *kdbus_u64_to_ptr(u64 v)
{
	return (void __user *)(uintptr_t)v;
}

int kdbus_sysname_is_valid(const char *name, size_t len);
bool kdbus_name_is_valid(const char *p, bool allow_wildcard);
u64 kdbus_sanitize_attach_flags(u64 flags, int *err);

struct user_namespace;
int kdbus_verify_uid_prefix(const char *name, struct user_namespace *ns,
			    kuid_t kuid);

#endif
