/* rc.c — the runtime's allocator front end.
 *
 * Every heap object of a Purr program is allocated and freed here, with its
 * size passed back on free, so the live and peak byte counts are exact (bench
 * metrics report the peak). Invariant: heap_live == sum of the sizes of the
 * blocks currently allocated; heap_peak == max of heap_live since the start
 * or the last purr__heap_reset_peak (each scheduler start, for bench metrics).
 * Single-threaded for now, like the reference counts. Message nodes that
 * msg_pool.c keeps in its free lists are not live: they count from purr_msg_alloc
 * to purr_msg_free, exactly as if they came from malloc each time. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

size_t purr__heap_live;
size_t purr__heap_peak;
#define heap_live purr__heap_live
#define heap_peak purr__heap_peak

PURR_NORETURN static void out_of_memory(size_t size) {
    fflush(stdout);
    fprintf(stderr, "purr: out of memory (allocating %zu bytes)\n", size);
    abort();
}

static void count_alloc(size_t size) { purr__heap_count_alloc(size); }

void *purr_alloc(size_t size) {
    /* malloc(0) may return NULL, which must not look like exhaustion. */
    void *p = malloc(size != 0 ? size : 1);
    if (PURR_UNLIKELY(p == NULL)) out_of_memory(size);
    count_alloc(size);
    return p;
}

void *purr_realloc(void *p, size_t old_size, size_t new_size) {
    void *q = realloc(p, new_size != 0 ? new_size : 1);
    if (PURR_UNLIKELY(q == NULL)) out_of_memory(new_size);
    heap_live -= old_size;
    count_alloc(new_size);
    return q;
}

void purr_free(void *p, size_t size) {
    if (p == NULL) return;
    heap_live -= size;
    free(p);
}

size_t purr_heap_bytes(void) { return heap_live; }
size_t purr_heap_peak_bytes(void) { return heap_peak; }
void purr__heap_reset_peak(void) { heap_peak = heap_live; }

size_t purr__array_bytes(int64_t count, size_t elem_size) {
    if (count < 0 || (elem_size != 0 && (uint64_t)count > SIZE_MAX / elem_size))
        purr__fatal("array of %lld elements of %zu bytes is too large", (long long)count, elem_size);
    return (size_t)count * elem_size;
}
