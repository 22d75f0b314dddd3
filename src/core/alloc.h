/*
 * alloc.h: every allocation of libtaafi, through the allocator of the
 * context it works for (taafi_ctx_new_with_allocator).
 *
 * Why a thread's current allocator and a block header, not a context
 * argument on every call: allocations happen deep in helpers that have no
 * context (a growing string, a parsed path), and a block may be freed on
 * another thread or after the call that made it (a result freed by
 * taafi_result_free, which takes no context).  So:
 *  - tf_malloc, tf_calloc and a tf_realloc of NULL take the allocator the
 *    thread uses now: the one of the context last entered on this thread
 *    (tf_enter, at every public entry point and in every thread libtaafi
 *    starts), libc's when none is;
 *  - each block starts with a header naming the allocator that made it, so
 *    tf_realloc and tf_free use that one wherever they run.
 * Memory from tf_* must never go to libc's free or to another library,
 * nor theirs to tf_free(): tests/e2e/test_nomem.c checks the sources for
 * bare malloc/calloc/realloc/free/strdup (allowed on lines marked
 * "libc:", for memory libc itself hands out, e.g. realpath's).
 */
#ifndef TAAFI_ALLOC_H
#define TAAFI_ALLOC_H

#include "taafi.h"

#include <stddef.h>

/* Each allocating call names its site ("src/x.c:42"), which the thread
 * keeps while the allocator runs (tf_alloc_site): the allocation-failure
 * test fails each site in turn (tests/e2e/test_nomem.c). */
#define TF_SITE_STR2(x) #x
#define TF_SITE_STR(x) TF_SITE_STR2(x)
#define TF_SITE __FILE__ ":" TF_SITE_STR(__LINE__)

#define tf_malloc(n) tf_malloc_at((n), TF_SITE)
/* Zeroed; NULL when count * size overflows. */
#define tf_calloc(count, size) tf_calloc_at((count), (size), TF_SITE)
#define tf_realloc(p, n) tf_realloc_at((p), (n), TF_SITE)
void *tf_malloc_at(size_t n, const char *site);
void *tf_calloc_at(size_t count, size_t size, const char *site);
void *tf_realloc_at(void *p, size_t n, const char *site);
void tf_free(void *p);
/* The site of the allocation this thread is making now (NULL outside
 * one): for a test's allocator. */
const char *tf_alloc_site(void);

/* The allocator this thread uses from now on (NULL: libc's). */
void tf_alloc_use(const taafi_allocator *a);
/* The allocator this thread uses (never NULL). */
const taafi_allocator *tf_alloc_current(void);

#endif
