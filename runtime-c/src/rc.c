/* rc.c — the runtime's allocator front end.
 *
 * Every heap object of a Purr program is allocated and freed here, with its
 * size passed back on free, so the live and peak byte counts are exact (bench
 * metrics report the peak). Invariant: heap_live == sum of the sizes of the
 * blocks currently allocated; heap_peak == max of heap_live since the start
 * or the last purr__heap_reset_peak (each scheduler start, for bench metrics).
 * Single-threaded for now, like the reference counts. Message nodes that
 * msg_pool.c keeps in its free lists are not live: they count from purr_msg_alloc
 * to purr_msg_free, exactly as if they came from malloc each time; so are
 * the small blocks waiting in this file's free lists (below). */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Small blocks. A program's heap is mostly small objects made and dropped
 * by the million (list headers, short strings and buffers, enum nodes):
 * the broker makes about ten per command, and a pipelined batch of
 * commands makes them all before dropping any, more than glibc's
 * per-thread cache holds (7 a size), so most went through malloc's slow
 * paths (a quarter of the broker's time under redis-benchmark XADD -P 16).
 * Since every free gives the block's size back, blocks of up to SMALL_MAX
 * bytes come from a free list per size class of SMALL_STEP bytes instead,
 * and new ones are carved from chunks; a block has no header, and a
 * pop or a push is the whole cost.
 * Invariants:
 *   - The choice (pooled, or plain malloc under valgrind or
 *     AddressSanitizer, so that they see every block) is made at the
 *     first allocation and never changes, so a block is always freed the
 *     way it was allocated.
 *   - A block of n bytes (0 < n <= SMALL_MAX) is (n - 1) / SMALL_STEP's
 *     class, whatever size it is freed with: callers free with the size
 *     they allocated (the heap counters rely on it already).
 *   - Chunks are never freed, and freed blocks stay in their class's list
 *     for the next allocation of that class (they never coalesce into
 *     another class): a program's footprint is the sum of each class's
 *     peak, and memory given up by a shrinking heap (a trimmed stream)
 *     is kept for reuse, not returned to the system.
 *   - Only the scheduler thread allocates here (worker threads use plain
 *     malloc, file.h), so the lists have no locks. */
#define SMALL_STEP ((size_t)16)
#define SMALL_MAX PURR__SMALL_BLOCK_MAX
#define SMALL_CLASSES (SMALL_MAX / SMALL_STEP)
#define CHUNK_MIN ((size_t)64 * 1024)
#define CHUNK_MAX ((size_t)1024 * 1024)

typedef struct small_block {
    struct small_block *next;
} small_block;

static enum { SMALL_UNDECIDED, SMALL_POOLED, SMALL_MALLOC } small_mode;
static small_block *small_free[SMALL_CLASSES];
static char *chunk_bump, *chunk_end;
static size_t chunk_next = CHUNK_MIN;

static inline bool is_small(size_t size) { return size - 1 < SMALL_MAX; /* 0 wraps: not small */ }
static inline size_t small_class(size_t size) { return (size - 1) / SMALL_STEP; }

/* AddressSanitizer (the runtime's C tests build with it) checks blocks
 * only as malloc hands them out, so under it the pool steps aside too. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static void small_decide(void) { small_mode = UNDER_ASAN || purr__under_valgrind() ? SMALL_MALLOC : SMALL_POOLED; }

static void *small_carve(size_t class_size) {
    if (chunk_bump == NULL || (size_t)(chunk_end - chunk_bump) < class_size) {
        char *chunk = malloc(chunk_next);
        if (PURR_UNLIKELY(chunk == NULL)) out_of_memory(chunk_next);
        chunk_bump = chunk;
        chunk_end = chunk + chunk_next;
        if (chunk_next < CHUNK_MAX) chunk_next *= 2;
    }
    void *p = chunk_bump;
    chunk_bump += class_size;
    return p;
}

void *purr__block_alloc(size_t size) {
    if (PURR_UNLIKELY(small_mode == SMALL_UNDECIDED)) small_decide();
    if (is_small(size) && small_mode == SMALL_POOLED) {
        size_t c = small_class(size);
        small_block *b = small_free[c];
        if (PURR_LIKELY(b != NULL)) {
            small_free[c] = b->next;
            return b;
        }
        return small_carve((c + 1) * SMALL_STEP);
    }
    /* malloc(0) may return NULL, which must not look like exhaustion. */
    void *p = malloc(size != 0 ? size : 1);
    if (PURR_UNLIKELY(p == NULL)) out_of_memory(size);
    return p;
}

void purr__block_free(void *p, size_t size) {
    if (p == NULL) return;
    if (is_small(size) && small_mode == SMALL_POOLED) {
        small_block *b = p;
        size_t c = small_class(size);
        b->next = small_free[c];
        small_free[c] = b;
        return;
    }
    free(p);
}

void *purr__table_grow(void *items, size_t *cap, size_t need, size_t first, size_t size, const char *what) {
    size_t n = *cap < first ? first : *cap;
    while (n < need) n *= 2;
    if (n == *cap) return items;
    void *grown = realloc(items, n * size);
    if (grown == NULL) purr__fatal("out of memory (%s of %zu entries)", what, n);
    *cap = n;
    return grown;
}

void *purr_alloc(size_t size) {
    void *p = purr__block_alloc(size);
    count_alloc(size);
    return p;
}

void *purr_realloc(void *p, size_t old_size, size_t new_size) {
    if (PURR_UNLIKELY(small_mode == SMALL_UNDECIDED)) small_decide();
    if (small_mode == SMALL_POOLED && (is_small(old_size) || is_small(new_size))) {
        /* The old block or the new one is a pool block, which realloc
         * cannot take or give: within its class the block stays, else it
         * moves. */
        if (p != NULL && is_small(old_size) && is_small(new_size) && small_class(old_size) == small_class(new_size)) {
            heap_live -= old_size;
            count_alloc(new_size);
            return p;
        }
        void *q = purr_alloc(new_size);
        if (p != NULL) memcpy(q, p, old_size < new_size ? old_size : new_size);
        purr_free(p, old_size);
        return q;
    }
    void *q = realloc(p, new_size != 0 ? new_size : 1);
    if (PURR_UNLIKELY(q == NULL)) out_of_memory(new_size);
    heap_live -= old_size;
    count_alloc(new_size);
    return q;
}

void purr_free(void *p, size_t size) {
    if (p == NULL) return;
    heap_live -= size;
    purr__block_free(p, size);
}

size_t purr_heap_bytes(void) { return heap_live; }
size_t purr_heap_peak_bytes(void) { return heap_peak; }
void purr__heap_reset_peak(void) { heap_peak = heap_live; }

size_t purr__array_bytes(int64_t count, size_t elem_size) {
    if (count < 0 || (elem_size != 0 && (uint64_t)count > SIZE_MAX / elem_size))
        purr__fatal("array of %lld elements of %zu bytes is too large", (long long)count, elem_size);
    return (size_t)count * elem_size;
}
