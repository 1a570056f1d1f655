/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kdbus - per-connection memory pool (spec section 7).
 */
#ifndef __KDBUS_POOL_H
#define __KDBUS_POOL_H

#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/types.h>

/**
 * struct kdbus_pool_slice - a region of a pool
 * @entry:	entry in pool->slices (sorted by offset)
 * @pool:	owning pool
 * @off:	offset in the pool
 * @size:	size (8-aligned)
 * @free:	region is on the free list
 * @ref_kernel:	the kernel still needs it (queued message, command)
 * @ref_user:	published to user space, not yet FREEd
 */
struct kdbus_pool_slice {
	struct list_head entry;
	struct kdbus_pool *pool;
	size_t off;
	size_t size;
	bool free;
	bool ref_kernel;
	bool ref_user;
};

/**
 * struct kdbus_pool - a connection's pool
 * @f:		backing shmem file
 * @size:	size in bytes
 * @accounted:	bytes in slices holding still-queued messages (spec 7.3)
 * @slices:	all slices, sorted by offset
 * @page:	the shmem page copied to or from last (referenced), or NULL
 * @page_index:	its index in @f
 * @spare:	a slice object kept for the next split, or NULL
 */
struct kdbus_pool {
	struct file *f;
	size_t size;
	size_t accounted;
	struct list_head slices;
	struct page *page;
	pgoff_t page_index;
	struct kdbus_pool_slice *spare;
};

struct kdbus_pool *kdbus_pool_new(const char *name, size_t size);
void kdbus_pool_free(struct kdbus_pool *pool);
struct kdbus_pool_slice *kdbus_pool_slice_alloc(struct kdbus_pool *pool,
						size_t size);
void kdbus_pool_slice_release(struct kdbus_pool_slice *slice);
void kdbus_pool_slice_publish(struct kdbus_pool_slice *slice,
			      u64 *off, u64 *size);
int kdbus_pool_release_offset(struct kdbus_pool *pool, size_t off);
int kdbus_pool_slice_write(struct kdbus_pool_slice *slice, size_t off,
			   const void *buf, size_t len);
int kdbus_pool_slice_write_user(struct kdbus_pool_slice *slice, size_t off,
				const void __user *buf, size_t len);
int kdbus_pool_slice_write_zero(struct kdbus_pool_slice *slice, size_t off,
				size_t len);
int kdbus_pool_slice_read(struct kdbus_pool_slice *slice, size_t off,
			  void *buf, size_t len);
int kdbus_pool_mmap(struct kdbus_pool *pool, struct vm_area_struct *vma);
int kdbus_pool_publish(struct kdbus_pool *pool, const void *buf, size_t len,
		       u64 *off, u64 *size);

#endif
