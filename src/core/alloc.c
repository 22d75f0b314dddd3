/* alloc.c: the allocator of a thread and of each block (alloc.h). */
#include "alloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(void *user, size_t n)
{
    (void)user;
    return malloc(n); /* libc: the default allocator */
}

static void *libc_realloc(void *user, void *p, size_t n)
{
    (void)user;
    return realloc(p, n); /* libc: the default allocator */
}

static void libc_free(void *user, void *p)
{
    (void)user;
    free(p); /* libc: the default allocator */
}

static const taafi_allocator LIBC = {libc_malloc, libc_realloc, libc_free, NULL};

/* The thread's current allocator: set by tf_alloc_use, never shared
 * between threads (no global mutable state). */
static _Thread_local const taafi_allocator *current;
static _Thread_local const char *site_now;

const char *tf_alloc_site(void) { return site_now; }

/* Before every block: the allocator that made it.  Sized and aligned as
 * malloc's own blocks are, so that the memory after it is too. */
typedef struct header {
    alignas(max_align_t) const taafi_allocator *a;
} header;

void tf_alloc_use(const taafi_allocator *a) { current = a; }

const taafi_allocator *tf_alloc_current(void) { return current ? current : &LIBC; }

void *tf_malloc_at(size_t n, const char *site)
{
    const taafi_allocator *a = tf_alloc_current();
    header *h;
    if (n > SIZE_MAX - sizeof *h)
        return NULL;
    site_now = site;
    h = a->malloc(a->user, sizeof *h + n);
    site_now = NULL;
    if (!h)
        return NULL;
    h->a = a;
    return h + 1;
}

void *tf_calloc_at(size_t count, size_t size, const char *site)
{
    void *p;
    if (size && count > SIZE_MAX / size)
        return NULL;
    if ((p = tf_malloc_at(count * size, site)))
        memset(p, 0, count * size);
    return p;
}

void *tf_realloc_at(void *p, size_t n, const char *site)
{
    header *h, *moved;
    if (!p)
        return tf_malloc_at(n, site);
    h = (header *)p - 1;
    if (n > SIZE_MAX - sizeof *h)
        return NULL;
    site_now = site;
    moved = h->a->realloc(h->a->user, h, sizeof *h + n);
    site_now = NULL;
    return moved ? moved + 1 : NULL;
}

void tf_free(void *p)
{
    header *h;
    if (!p)
        return;
    h = (header *)p - 1;
    h->a->free(h->a->user, h);
}
