// SPDX-License-Identifier: GPL-2.0
/*
 * kdbus - per-connection pool: shmem backing, slice allocator, mmap
 * (spec section 7).
 *
 * Locking: a pool belongs to one connection; its slice list and
 * @accounted are protected by the lock of the connection's bus
 * (bus->lock). Data is copied straight into the shmem file's pages (see
 * kdbus_pool_copy()), also under bus->lock, which protects the pool's
 * cached page (@page, @page_index) and spare slice object (@spare) too;
 * only the kernel writes the pages, always into a slice it holds. mmap()
 * touches neither the allocator nor the cached page.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pool.h"
#include "util.h"

/*
 * Slice objects: a message usually splits a free slice in two and its
 * FREE merges them again, so the pool keeps one object that a merge
 * released (@spare) for the next split instead of a kfree()/kzalloc()
 * pair per message.
 */
static struct kdbus_pool_slice *kdbus_slice_new(struct kdbus_pool *pool,
						size_t off, size_t size)
{
	struct kdbus_pool_slice *s = pool->spare;

	if (s) {
		pool->spare = NULL;
		memset(s, 0, sizeof(*s));
	} else {
		s = kzalloc(sizeof(*s), GFP_KERNEL);
		if (!s)
			return NULL;
	}
	s->pool = pool;
	s->off = off;
	s->size = size;
	s->free = true;
	return s;
}

static void kdbus_slice_drop(struct kdbus_pool_slice *s)
{
	struct kdbus_pool *pool = s->pool;

	if (pool->spare)
		kfree(s);
	else
		pool->spare = s;
}

/**
 * kdbus_pool_new() - create a pool
 * @name:	name of the shmem file
 * @size:	size (page-aligned, non-zero; checked by the caller)
 *
 * Return: pool or ERR_PTR.
 */
struct kdbus_pool *kdbus_pool_new(const char *name, size_t size)
{
	struct kdbus_pool_slice *s;
	struct kdbus_pool *pool;
	struct file *f;
	int ret;

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&pool->slices);
	pool->size = size;

	f = shmem_file_setup(name, size, VM_NORESERVE);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		goto exit_free;
	}
	pool->f = f;

	s = kdbus_slice_new(pool, 0, size);
	if (!s) {
		ret = -ENOMEM;
		goto exit_put;
	}
	list_add(&s->entry, &pool->slices);
	return pool;

exit_put:
	fput(f);
exit_free:
	kfree(pool);
	return ERR_PTR(ret);
}

void kdbus_pool_free(struct kdbus_pool *pool)
{
	struct kdbus_pool_slice *s, *tmp;

	if (!pool)
		return;
	list_for_each_entry_safe(s, tmp, &pool->slices, entry)
		kfree(s);
	kfree(pool->spare);
	if (pool->page)
		put_page(pool->page);
	fput(pool->f);
	kfree(pool);
}

/**
 * kdbus_pool_slice_alloc() - best-fit allocation
 * @pool:	pool
 * @size:	bytes (rounded up to 8)
 *
 * Return: slice held by the kernel, ERR_PTR(-EXFULL) or ERR_PTR(-ENOMEM).
 */
struct kdbus_pool_slice *kdbus_pool_slice_alloc(struct kdbus_pool *pool,
						size_t size)
{
	struct kdbus_pool_slice *s, *best = NULL, *rest;

	size = KDBUS_ALIGN8(size);
	if (size == 0 || size > pool->size)
		return ERR_PTR(-EXFULL);
	list_for_each_entry(s, &pool->slices, entry)
		if (s->free && s->size >= size &&
		    (!best || s->size < best->size))
			best = s;
	if (!best)
		return ERR_PTR(-EXFULL);

	if (best->size > size) {
		rest = kdbus_slice_new(pool, best->off + size,
				       best->size - size);
		if (!rest)
			return ERR_PTR(-ENOMEM);
		list_add(&rest->entry, &best->entry);
		best->size = size;
	}
	best->free = false;
	best->ref_kernel = true;
	best->ref_user = false;
	return best;
}

static void kdbus_pool_slice_free(struct kdbus_pool_slice *s)
{
	struct kdbus_pool *pool = s->pool;
	struct kdbus_pool_slice *n;

	s->free = true;
	if (!list_is_last(&s->entry, &pool->slices)) {
		n = list_next_entry(s, entry);
		if (n->free) {
			s->size += n->size;
			list_del(&n->entry);
			kdbus_slice_drop(n);
		}
	}
	if (s->entry.prev != &pool->slices) {
		n = list_prev_entry(s, entry);
		if (n->free) {
			n->size += s->size;
			list_del(&s->entry);
			kdbus_slice_drop(s);
		}
	}
}

/**
 * kdbus_pool_slice_release() - drop the kernel's hold on a slice
 * @slice:	slice, may be NULL
 */
void kdbus_pool_slice_release(struct kdbus_pool_slice *slice)
{
	if (!slice)
		return;
	slice->ref_kernel = false;
	if (!slice->ref_user)
		kdbus_pool_slice_free(slice);
}

/**
 * kdbus_pool_slice_publish() - hand a slice to user space
 * @slice:	slice
 * @off:	receives the offset
 * @size:	receives the size
 */
void kdbus_pool_slice_publish(struct kdbus_pool_slice *slice,
			      u64 *off, u64 *size)
{
	slice->ref_user = true;
	*off = slice->off;
	*size = slice->size;
}

/**
 * kdbus_pool_release_offset() - KDBUS_CMD_FREE
 * @pool:	pool
 * @off:	offset of a published slice
 *
 * Return: 0 or -ENXIO.
 */
int kdbus_pool_release_offset(struct kdbus_pool *pool, size_t off)
{
	struct kdbus_pool_slice *s;

	if (off == pool->size)
		return 0;
	list_for_each_entry(s, &pool->slices, entry) {
		if (s->off != off)
			continue;
		if (s->free || !s->ref_user)
			return -ENXIO;
		s->ref_user = false;
		if (!s->ref_kernel)
			kdbus_pool_slice_free(s);
		return 0;
	}
	return -ENXIO;
}

/* what kdbus_pool_copy() does with each piece of the range */
enum kdbus_pool_op {
	KDBUS_POOL_WRITE,	/* kernel buffer -> pool */
	KDBUS_POOL_WRITE_USER,	/* user memory -> pool */
	KDBUS_POOL_ZERO,	/* zeroes -> pool */
	KDBUS_POOL_READ,	/* pool -> kernel buffer */
};

/**
 * kdbus_pool_page() - a page of the pool's shmem file
 * @pool:	pool (bus->lock held)
 * @index:	page index
 *
 * The pool keeps a reference on the page it used last: a message
 * usually lands where the previous one was freed (best fit, freed slices
 * merge), so most copies find their page without a page cache lookup.
 * The reference keeps that one page resident (reclaim and migration skip
 * pages with extra references) until another page is used or the pool is
 * freed; the file is never truncated while the pool exists.
 *
 * Return: the page (not referenced for the caller: valid while bus->lock
 * is held and until the next call), or ERR_PTR of the lookup.
 */
static struct page *kdbus_pool_page(struct kdbus_pool *pool, pgoff_t index)
{
	struct page *page;

	if (pool->page && pool->page_index == index)
		return pool->page;
	page = shmem_read_mapping_page(pool->f->f_mapping, index);
	if (IS_ERR(page))
		return page;
	if (pool->page)
		put_page(pool->page);
	pool->page = page;
	pool->page_index = index;
	return page;
}

/**
 * kdbus_pool_copy() - copy between a pool's pages and memory
 * @pool:	pool
 * @pos:	offset in the pool
 * @len:	number of bytes
 * @op:		direction and source
 * @kbuf:	kernel buffer (WRITE, READ)
 * @ubuf:	user address (WRITE_USER)
 *
 * Looks up (or allocates) each shmem page of the range (kdbus_pool_page())
 * and copies through a local kernel mapping. This replaces kernel_write()/kernel_read() on
 * the shmem file: the VFS write path (freeze protection, inode lock,
 * timestamps, write_begin/write_end, fsnotify) cost more than the copy
 * itself for the small messages that make up most traffic. The pool's
 * file size never changes (it is fixed at HELLO), and user space only
 * maps the pages read-only, so nothing else needs to be kept in step;
 * pages are marked dirty so that they are written to swap, not dropped.
 *
 * User memory is copied with copy_from_user(): a range that runs into an
 * unreadable page fails with -EFAULT (the VFS path could retry for ever,
 * see NOTES.md "Bugs the fuzzer found").
 *
 * Return: 0, -EFAULT, or the page lookup's error (-ENOMEM, -ENOSPC, ...).
 */
static int kdbus_pool_copy(struct kdbus_pool *pool, size_t pos, size_t len,
			   enum kdbus_pool_op op, void *kbuf,
			   const void __user *ubuf)
{
	struct page *page;
	size_t off, n;
	int ret = 0;
	void *addr;

	while (len > 0) {
		off = offset_in_page(pos);
		n = min_t(size_t, len, PAGE_SIZE - off);
		page = kdbus_pool_page(pool, pos >> PAGE_SHIFT);
		if (IS_ERR(page))
			return PTR_ERR(page);
		addr = kmap_local_page(page);
		switch (op) {
		case KDBUS_POOL_WRITE:
			memcpy(addr + off, kbuf, n);
			kbuf += n;
			break;
		case KDBUS_POOL_WRITE_USER:
			if (copy_from_user(addr + off, ubuf, n))
				ret = -EFAULT;
			ubuf += n;
			break;
		case KDBUS_POOL_ZERO:
			memset(addr + off, 0, n);
			break;
		case KDBUS_POOL_READ:
			memcpy(kbuf, addr + off, n);
			kbuf += n;
			break;
		}
		kunmap_local(addr);
		if (op != KDBUS_POOL_READ) {
			flush_dcache_page(page);
			set_page_dirty(page);
		}
		if (ret < 0)
			return ret;
		pos += n;
		len -= n;
	}
	return 0;
}

/**
 * kdbus_pool_slice_write() - copy a kernel buffer into a slice
 * @slice:	the slice
 * @off:	offset in the slice
 * @buf:	data
 * @len:	number of bytes
 *
 * Return: 0 or a negative errno (see kdbus_pool_copy()).
 */
int kdbus_pool_slice_write(struct kdbus_pool_slice *slice, size_t off,
			   const void *buf, size_t len)
{
	return kdbus_pool_copy(slice->pool, slice->off + off, len,
			       KDBUS_POOL_WRITE, (void *)buf, NULL);
}

/**
 * kdbus_pool_slice_write_user() - copy user memory into a slice
 * @slice:	the slice
 * @off:	offset in the slice
 * @buf:	user address
 * @len:	number of bytes
 *
 * Return: 0, -EFAULT for unreadable user memory, or a negative errno of
 * the page lookup.
 */
int kdbus_pool_slice_write_user(struct kdbus_pool_slice *slice, size_t off,
				const void __user *buf, size_t len)
{
	return kdbus_pool_copy(slice->pool, slice->off + off, len,
			       KDBUS_POOL_WRITE_USER, NULL, buf);
}

int kdbus_pool_slice_write_zero(struct kdbus_pool_slice *slice, size_t off,
				size_t len)
{
	return kdbus_pool_copy(slice->pool, slice->off + off, len,
			       KDBUS_POOL_ZERO, NULL, NULL);
}

int kdbus_pool_slice_read(struct kdbus_pool_slice *slice, size_t off,
			  void *buf, size_t len)
{
	return kdbus_pool_copy(slice->pool, slice->off + off, len,
			       KDBUS_POOL_READ, buf, NULL);
}

/**
 * kdbus_pool_mmap() - map a pool read-only (spec 7.2)
 * @pool:	pool
 * @vma:	mapping
 *
 * Return: 0, -EPERM for writable mappings, -EFAULT beyond the pool size.
 */
int kdbus_pool_mmap(struct kdbus_pool *pool, struct vm_area_struct *vma)
{
	unsigned long len = vma->vm_end - vma->vm_start;

	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vma->vm_flags &= ~VM_MAYWRITE;
	if (len > pool->size || vma->vm_pgoff > (pool->size - len) >> PAGE_SHIFT)
		return -EFAULT;

	vma_set_file(vma, pool->f);
	return call_mmap(pool->f, vma);
}

/**
 * kdbus_pool_publish() - copy a kernel buffer into a new published slice
 * @pool:	pool
 * @buf:	data
 * @len:	length (the slice is 8-aligned; padding is zeroed)
 * @off:	receives the slice offset
 * @size:	receives the slice size
 *
 * Return: 0, -EXFULL, -ENOMEM or -EFAULT.
 */
int kdbus_pool_publish(struct kdbus_pool *pool, const void *buf, size_t len,
		       u64 *off, u64 *size)
{
	struct kdbus_pool_slice *s;
	int ret;

	s = kdbus_pool_slice_alloc(pool, len);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = kdbus_pool_slice_write(s, 0, buf, len);
	if (!ret)
		ret = kdbus_pool_slice_write_zero(s, len, s->size - len);
	if (!ret)
		kdbus_pool_slice_publish(s, off, size);
	kdbus_pool_slice_release(s);
	return ret;
}
