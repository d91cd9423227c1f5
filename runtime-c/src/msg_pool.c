/* msg_pool.c — message nodes: the out-of-line paths of purr_msg_alloc and
 * purr_msg_free (purr.h), the per-size-class free lists and the slabs
 * behind them, and what valgrind is told about them. Ownership of a node
 * is actor.c's and the mailbox's concern; here a node is only a block of
 * memory of a known size. */
#include "internal.h"

#include <stdlib.h>

/* Memcheck's client requests, when the runtime is built where valgrind is
 * installed (its package ships the header). Elsewhere they are no-ops, so
 * the runtime builds everywhere; valgrind then sees whole slabs, not nodes. */
#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK 1
#endif
#endif
#ifndef HAVE_MEMCHECK
#define RUNNING_ON_VALGRIND 0
#define VALGRIND_MALLOCLIKE_BLOCK(addr, size, redzone, zeroed) ((void)0)
#define VALGRIND_FREELIKE_BLOCK(addr, redzone) ((void)0)
#define VALGRIND_MAKE_MEM_NOACCESS(addr, size) 0
#define VALGRIND_MAKE_MEM_DEFINED(addr, size) 0
#endif

/* Whether valgrind runs the program (set by purr__msg_pool_start). The
 * requests are made only then, and out of line: inline, even behind this
 * test, they slowed the paths below by 5% (a deep mailbox's slab nodes
 * take them), while outside valgrind they would do nothing. */
static bool on_valgrind;
#if defined(__GNUC__)
#define COLD __attribute__((cold, noinline))
#else
#define COLD
#endif
static COLD void valgrind_slab(char *base, size_t size) { (void)VALGRIND_MAKE_MEM_NOACCESS(base, size); }
static COLD void valgrind_in_use(purr_msg *m, size_t size) { VALGRIND_MALLOCLIKE_BLOCK(m, size, 0, 0); }
static COLD void valgrind_freed(purr_msg *m) { VALGRIND_FREELIKE_BLOCK(m, 0); }
static COLD void valgrind_read_next(purr_msg *m) { (void)VALGRIND_MAKE_MEM_DEFINED(&m->next, sizeof m->next); }

/* Message nodes of up to MSG_CACHE_MAX bytes come in size classes of
 * MSG_CACHE_STEP bytes (the block is malloc'd, or slab-carved, at the class size, whoever
 * frees it), and freed nodes wait in a free list per class, up to
 * PURR__MSG_CACHE_CAP each, for the next purr_msg_alloc of that class: a
 * message costs no malloc/free in steady state. The lists are used only
 * while purr__single_threaded (they have no locks) and are emptied at
 * purr_sched_shutdown (purr__msg_cache_release), so valgrind sees every
 * block freed. Heap accounting is unchanged: a node counts its requested
 * size from purr_msg_alloc to purr_msg_free, and nodes in the free lists
 * are not live (peak_heap_bytes is the peak of live data, not of the
 * process's footprint). */
#define MSG_CACHE_STEP PURR__MSG_CACHE_STEP
#define MSG_CACHE_MAX PURR__MSG_CACHE_MAX
#define MSG_CACHE_CLASSES PURR__MSG_CACHE_CLASSES
purr__msg_cache_class purr__msg_cache[MSG_CACHE_CLASSES];
#define msg_cache purr__msg_cache

/* Whether purr.h's inline paths may use the free lists: set by
 * purr__msg_pool_start, cleared at purr__msg_cache_release. */
bool purr__msg_fast;

/* The class of a node of `size` bytes (<= MSG_CACHE_MAX): 0 for 1..16. */
static inline size_t msg_class(size_t size) { return (size - 1) / MSG_CACHE_STEP; }
/* The size of the block behind such a node. */
static inline size_t class_size(size_t size) { return (msg_class(size) + 1) * MSG_CACHE_STEP; }

/* While purr__single_threaded, nodes of a cached class are carved from
 * slabs (one malloc each, growing from 64 KiB to 16 MiB, bump-allocated)
 * rather than malloc'd one by one; freed slab nodes always go to their
 * class's free list (PURR__MSG_CACHE_CAP does not apply to them), and the slabs
 * are freed at purr__msg_cache_release. slabs[] is sorted by address so
 * that slab_owns is a binary search. Heap accounting counts the requested
 * node sizes exactly as for malloc'd nodes (slack is not live data).
 *
 * Valgrind (docs/compiler.md, "Memory checks"). Slabs and free lists hide
 * nodes from memcheck: a read of a freed node would read a valid slab, and
 * a node never freed would stay reachable through slabs[]. So the runtime
 * tells memcheck what it does with client requests, and since purr.h's
 * inline paths are compiled into generated code, which cannot make them,
 * those paths are off under valgrind (purr__msg_fast false) and every node
 * passes through here:
 *   - a slab is NOACCESS except for the nodes handed out from it;
 *   - a slab node is a MALLOCLIKE block of its requested size from
 *     purr_msg_alloc to purr_msg_free, and FREELIKE (NOACCESS) while it
 *     waits in a free list: using a freed message is an invalid read or
 *     write, a lost one is "definitely lost" (its payload "indirectly");
 *   - malloc'd nodes are never kept in a free list here, only by the
 *     inline purr_msg_free, so under valgrind they are plain malloc blocks.
 * Hence the invariant: under valgrind the free lists hold slab nodes only,
 * and only their `next` fields are read while they are NOACCESS (made
 * DEFINED first). */
typedef struct msg_slab {
    char *base;
    char *end;
} msg_slab;
static msg_slab *slabs;
static size_t slab_count, slab_cap;
static char *slab_bump, *slab_end;
static size_t slab_next_size;
static size_t slab_carved;     /* nodes carved from all slabs */
static size_t slab_free_nodes; /* counted at release */
#define SLAB_MIN ((size_t)64 * 1024)
#define SLAB_MAX ((size_t)16 * 1024 * 1024)

static bool slab_owns(const void *p) {
    const char *q = p;
    size_t lo = 0, hi = slab_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q < slabs[mid].base) hi = mid;
        else if (q >= slabs[mid].end) lo = mid + 1;
        else return true;
    }
    return false;
}

static void slab_grow(void) {
    size_t size = slab_next_size < SLAB_MIN ? SLAB_MIN : slab_next_size;
    slab_next_size = size < SLAB_MAX ? size * 2 : SLAB_MAX;
    char *base = malloc(size);
    if (base == NULL) purr__fatal("out of memory (message slab of %zu bytes)", size);
    slabs = purr__table_grow(slabs, &slab_cap, slab_count + 1, 16, sizeof *slabs, "message slab table");
    size_t i = slab_count++;
    while (i > 0 && slabs[i - 1].base > base) {
        slabs[i] = slabs[i - 1];
        i--;
    }
    slabs[i].base = base;
    slabs[i].end = base + size;
    /* The first bytes are never handed out, so that slabs[i].base points
     * at no node: valgrind would count a lost first node as reachable. */
    slab_bump = base + MSG_CACHE_STEP;
    slab_end = base + size;
    if (PURR_UNLIKELY(on_valgrind)) valgrind_slab(base, size);
}

static inline purr_msg *slab_carve(size_t class_size) {
    if (PURR_UNLIKELY(slab_bump == NULL || (size_t)(slab_end - slab_bump) < class_size)) slab_grow();
    purr_msg *m = (purr_msg *)slab_bump;
    slab_bump += class_size;
    slab_carved++;
    return m;
}

purr_msg *purr__msg_alloc_slow(size_t size, uint32_t kind, void (*drop)(purr_msg *m)) {
    if (PURR_UNLIKELY(size < sizeof(purr_msg) || size > UINT32_MAX)) purr__fatal("message node of %zu bytes", size);
    purr_msg *m;
    if (PURR_LIKELY(size <= MSG_CACHE_MAX)) {
        size_t c = msg_class(size);
        if (purr__single_threaded) {
            m = msg_cache[c].head;
            if (m != NULL) {
                if (PURR_UNLIKELY(on_valgrind)) valgrind_read_next(m);
                msg_cache[c].head = m->next;
                msg_cache[c].len--;
            } else {
                m = slab_carve(class_size(size));
            }
            if (PURR_UNLIKELY(on_valgrind)) valgrind_in_use(m, size); /* a slab node then */
            purr__heap_count_alloc(size);
        } else {
            /* Allocated at the class size, counted at the requested size
             * (so that the peak is exact). */
            m = purr__block_alloc(class_size(size));
            purr__heap_count_alloc(size);
        }
    } else {
        m = purr_alloc(size);
    }
    m->next = NULL;
    m->drop = drop;
    m->kind = kind;
    m->size = (uint32_t)size;
    return m;
}

void purr__msg_free_slow(purr_msg *m) {
    size_t size = m->size;
    if (PURR_LIKELY(size <= MSG_CACHE_MAX)) {
        purr__heap_count_free(size);
        if (!slab_owns(m)) {
            /* Here its free list is full, or there is no single thread, or
             * valgrind runs: the inline purr_msg_free keeps the others. */
            purr__block_free(m, class_size(size));
            return;
        }
        if (purr__single_threaded) {
            size_t c = msg_class(size);
            m->next = msg_cache[c].head;
            msg_cache[c].head = m;
            msg_cache[c].len++;
        } /* else: a slab node freed after shutdown; its slab is kept */
        if (PURR_UNLIKELY(on_valgrind)) valgrind_freed(m);
        return;
    }
    purr_free(m, size);
}

bool purr__under_valgrind(void) { return RUNNING_ON_VALGRIND != 0; }

void purr__msg_pool_start(void) {
    on_valgrind = purr__under_valgrind();
    purr__msg_fast = purr__single_threaded && !on_valgrind;
}

void purr__msg_cache_release(void) {
    purr__msg_fast = false;
    for (size_t c = 0; c < MSG_CACHE_CLASSES; c++) {
        purr_msg *m = msg_cache[c].head;
        while (m != NULL) {
            if (PURR_UNLIKELY(on_valgrind)) valgrind_read_next(m);
            purr_msg *next = m->next;
            if (slab_owns(m)) slab_free_nodes++;
            else purr__block_free(m, class_size(m->size));
            m = next;
        }
        msg_cache[c].head = NULL;
        msg_cache[c].len = 0;
    }
    /* Every carved node back in a list: the slabs go. Otherwise (a node
     * still alive after shutdown) they stay, so that its free is safe. */
    if (slab_free_nodes == slab_carved) {
        for (size_t i = 0; i < slab_count; i++) free(slabs[i].base);
        free(slabs);
        slabs = NULL;
        slab_count = slab_cap = 0;
        slab_carved = 0;
        slab_next_size = 0;
    }
    slab_free_nodes = 0;
    slab_bump = slab_end = NULL;
}
