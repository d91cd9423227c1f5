/* list.c — growable arrays with value semantics, generic over a purr_type.
 *
 * Invariants (also in purr.h): 0 <= len <= cap; data holds cap slots of
 * elem->size bytes (NULL when cap == 0), the first len initialised and owned
 * by the list. Mutators make the list unique first (copy-on-write); elements
 * move between slots with memcpy, since moving an owned value needs no
 * dup/drop. */
#include "internal.h"

static char *slot(const purr_list *l, int64_t i) { return l->data + (size_t)i * l->elem->size; }

static void dup_range(const purr_type *t, char *dst, const char *src, int64_t n) {
    if (n == 0) return;
    if (t->dup == NULL) {
        memcpy(dst, src, (size_t)n * t->size);
        return;
    }
    for (int64_t i = 0; i < n; i++, dst += t->size, src += t->size) t->dup(dst, src);
}

static void drop_range(const purr_type *t, char *p, int64_t n) {
    if (t->drop == NULL) return;
    for (int64_t i = 0; i < n; i++, p += t->size) t->drop(p);
}

/* Moves *from into *out, or drops it when the caller does not want it. */
static void move_out(const purr_type *t, void *out, void *from) {
    if (out != NULL)
        memcpy(out, from, t->size);
    else if (t->drop != NULL)
        t->drop(from);
}

static bool elem_eq(const purr_type *t, const void *a, const void *b) {
    return t->eq != NULL ? t->eq(a, b) : memcmp(a, b, t->size) == 0;
}

purr_list *purr_list_with_cap(const purr_type *elem, int64_t cap) {
    if (cap < 0) cap = 0;
    purr_list *l = purr_alloc(sizeof *l);
    l->rc = 1;
    l->len = 0;
    l->cap = cap;
    l->elem = elem;
    l->data = cap > 0 ? purr_alloc(purr__array_bytes(cap, elem->size)) : NULL;
    return l;
}

purr_list *purr_list_new(const purr_type *elem) { return purr_list_with_cap(elem, 0); }

purr_list *purr_list_from_array(const purr_type *elem, const void *data, int64_t n) {
    purr_list *l = purr_list_with_cap(elem, n);
    dup_range(elem, l->data, data, n);
    l->len = n;
    return l;
}

void purr_list__free(purr_list *l) {
    drop_range(l->elem, l->data, l->len);
    purr_free(l->data, (size_t)l->cap * l->elem->size);
    purr_free(l, sizeof *l);
}

void purr_list__grow(purr_list *l, int64_t min_cap) {
    int64_t cap = l->cap * 2 > 4 ? l->cap * 2 : 4;
    if (cap < min_cap) cap = min_cap;
    l->data = purr_realloc(l->data, (size_t)l->cap * l->elem->size, purr__array_bytes(cap, l->elem->size));
    l->cap = cap;
}

static purr_list *list_copy(const purr_list *l, int64_t start, int64_t end) {
    purr_list *copy = purr_list_with_cap(l->elem, end - start);
    dup_range(l->elem, copy->data, l->data == NULL ? NULL : slot(l, start), end - start);
    copy->len = end - start;
    return copy;
}

void purr_list__unshare(purr_list **l) {
    purr_list *copy = list_copy(*l, 0, (*l)->len);
    purr_list_release(*l);
    *l = copy;
}

void purr_list__bounds(const purr_list *l, int64_t i, const purr_loc *loc) {
    purr_panicf(loc, "index %lld out of bounds for length %lld", (long long)i, (long long)l->len);
}

bool purr_list_pop(purr_list **l, void *out) {
    if ((*l)->len == 0) return false;
    purr_list_make_unique(l);
    purr_list *p = *l;
    p->len--;
    move_out(p->elem, out, slot(p, p->len));
    return true;
}

void purr_list_insert(purr_list **l, int64_t i, const void *v, const purr_loc *loc) {
    if (i < 0 || i > (*l)->len) purr_list__bounds(*l, i, loc);
    purr_list_make_unique(l);
    purr_list *p = *l;
    if (p->len == p->cap) purr_list__grow(p, p->len + 1);
    memmove(slot(p, i + 1), slot(p, i), (size_t)(p->len - i) * p->elem->size);
    memcpy(slot(p, i), v, p->elem->size);
    p->len++;
}

void purr_list_remove(purr_list **l, int64_t i, void *out, const purr_loc *loc) {
    if ((uint64_t)i >= (uint64_t)(*l)->len) purr_list__bounds(*l, i, loc);
    purr_list_make_unique(l);
    purr_list *p = *l;
    move_out(p->elem, out, slot(p, i));
    memmove(slot(p, i), slot(p, i + 1), (size_t)(p->len - i - 1) * p->elem->size);
    p->len--;
}

void purr_list_clear(purr_list **l) {
    purr_list *p = *l;
    if (p->rc != 1) {
        /* Shared: nothing to copy, just stop sharing. */
        *l = purr_list_new(p->elem);
        purr_list_release(p);
        return;
    }
    drop_range(p->elem, p->data, p->len);
    p->len = 0;
}

purr_list *purr_list_slice(const purr_list *l, int64_t start, int64_t end, const purr_loc *loc) {
    if (start < 0 || start > end || end > l->len)
        purr_panicf(loc, "list_slice range %lld..%lld out of bounds for length %lld", (long long)start,
                    (long long)end, (long long)l->len);
    return list_copy(l, start, end);
}

bool purr_list_contains(const purr_list *l, const void *v) {
    for (int64_t i = 0; i < l->len; i++)
        if (elem_eq(l->elem, slot(l, i), v)) return true;
    return false;
}

bool purr_list_eq(const purr_list *a, const purr_list *b) {
    if (a == b) return true;
    if (a->len != b->len) return false;
    for (int64_t i = 0; i < a->len; i++)
        if (!elem_eq(a->elem, slot(a, i), slot(b, i))) return false;
    return true;
}

/* ---------- sorting ----------
 * Bottom-up merge sort: insertion-sort runs of SORT_RUN elements in place,
 * then merge runs of doubling width between the list and a scratch array.
 * Stable because a merge takes from the left run unless the left element
 * sorts strictly after the right one, and insertion sort only moves past
 * elements that sort strictly after the new one. O(n log n) comparisons,
 * n elements of scratch. Every compare passes the element from the
 * earlier position first, which is what a Purr comparator that panics
 * reports.
 *
 * The sort is written once (merge_sort and its helpers, always inlined)
 * and instantiated below for the elements worth it: i64, u64, f64 and
 * strings, whose compare is then inline (or a direct call), and any other
 * 8-byte element. In those the element size is a constant, so a move is
 * one 8-byte load and store, where a size known only at run time makes
 * every move a call to memcpy. (With those calls and two indirect calls
 * per compare, the one generic sort that came before sorted a list<i64>
 * 1.3x slower than glibc's qsort; the i64 instance is about 2x faster.)
 *
 * A comparator written in Purr may panic half-way, when the elements are
 * spread over both arrays with some bits duplicated. So list_sort_by sorts
 * a copy and writes the list only once sorting is done: a panic leaves the
 * list as it was, and the work area (a bytes object on the owned stack,
 * purr.h) is released with the rest of the abandoned frames. The built-in
 * compares never panic, so purr_list_sort sorts in place. */

#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* after(a, b, how): a sorts strictly after b; how is what the compare needs. */
typedef bool (*after_fn)(const void *a, const void *b, const void *how);

enum { SORT_RUN = 16 };

/* Sorts base[0, n) in place; one has room for one element. Moving one
 * element at a time (not one memmove per insertion) keeps the moves of
 * 8-byte elements inline. */
ALWAYS_INLINE void insertion_sort(char *base, int64_t n, size_t size, after_fn after, const void *how, char *one) {
    for (int64_t i = 1; i < n; i++) {
        char *p = base + (size_t)i * size;
        if (!after(p - size, p, how)) continue;
        memcpy(one, p, size);
        do {
            memcpy(p, p - size, size);
            p -= size;
        } while (p > base && after(p - size, one, how));
        memcpy(p, one, size);
    }
}

/* Moves the element that sorts first of *a and *b to *out and advances
 * past it, without a branch (gcc emits a cmov when the compare is inline):
 * on random keys a branch would be mispredicted every other element. Ties
 * take *a, which keeps the merge stable. */
ALWAYS_INLINE void merge_step(const char **a, const char **b, char **out, size_t size, after_fn after,
                              const void *how) {
    size_t take_b = after(*a, *b, how);
    memcpy(*out, take_b ? *b : *a, size);
    *out += size;
    *b += take_b * size;
    *a += (1 - take_b) * size;
}

/* Merges the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
ALWAYS_INLINE void merge(const char *src, char *dst, int64_t lo, int64_t mid, int64_t hi, size_t size,
                         after_fn after, const void *how) {
    const char *a = src + (size_t)lo * size, *a_end = src + (size_t)mid * size;
    const char *b = a_end, *b_end = src + (size_t)hi * size;
    char *out = dst + (size_t)lo * size;
    if (a == a_end || b == b_end || !after(a_end - size, b, how)) {
        memcpy(out, a, (size_t)(b_end - a)); /* already in order */
        return;
    }
    /* The run holding the element that sorts last is used up second, so
     * each loop tests one bound. */
    if (after(a_end - size, b_end - size, how))
        while (b < b_end) merge_step(&a, &b, &out, size, after, how);
    else
        while (a < a_end) merge_step(&a, &b, &out, size, after, how);
    memcpy(out, a, (size_t)(a_end - a));
    out += a_end - a;
    memcpy(out, b, (size_t)(b_end - b));
}

/* Sorts data[0, n); scratch has room for n elements, one for one. */
ALWAYS_INLINE void merge_sort(char *data, int64_t n, size_t size, after_fn after, const void *how, char *scratch,
                              char *one) {
    for (int64_t lo = 0; lo < n; lo += SORT_RUN)
        insertion_sort(data + (size_t)lo * size, n - lo < SORT_RUN ? n - lo : SORT_RUN, size, after, how, one);
    char *src = data, *dst = scratch;
    for (int64_t width = SORT_RUN; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge(src, dst, lo, mid, hi, size, after, how);
        }
        char *t = src;
        src = dst;
        dst = t;
    }
    if (src != data) memcpy(data, src, (size_t)n * size);
}

/* The compares, as types.c's cmp functions order the built-in types. */
static bool i64_after(const void *a, const void *b, const void *how) {
    (void)how;
    return *(const int64_t *)a > *(const int64_t *)b;
}
static bool u64_after(const void *a, const void *b, const void *how) {
    (void)how;
    return *(const uint64_t *)a > *(const uint64_t *)b;
}
/* NaN sorts after every number and with itself; -0.0 with 0.0. */
static bool f64_after(const void *a, const void *b, const void *how) {
    (void)how;
    double x = *(const double *)a, y = *(const double *)b;
    return x > y || (x != x && y == y);
}
static bool str_after(const void *a, const void *b, const void *how) {
    (void)how;
    return purr_str_cmp(*(purr_str *const *)a, *(purr_str *const *)b) > 0;
}
/* how points at a purr_type's cmp. */
static bool type_after(const void *a, const void *b, const void *how) {
    int (*const *cmp)(const void *, const void *) = how;
    return (*cmp)(a, b) > 0;
}
/* A caller's comparator and its context (purr_list_sort_with). */
typedef struct caller_cmp {
    int (*cmp)(const void *a, const void *b, void *ctx);
    void *ctx;
} caller_cmp;
static bool caller_after(const void *a, const void *b, const void *how) {
    const caller_cmp *c = how;
    return c->cmp(a, b, c->ctx) > 0;
}

/* The instance for 8-byte elements ("words"), whose one-element buffer is
 * a local that gcc keeps in a register. Always inlined, so that each call
 * with a constant after is an instance with that compare inline. */
ALWAYS_INLINE void sort_words(char *data, int64_t n, after_fn after, const void *how, char *scratch) {
    uint64_t one;
    merge_sort(data, n, 8, after, how, scratch, (char *)&one);
}

/* The instance for other sizes. The first element of scratch is its
 * one-element buffer: insertion sort is done with it before merging
 * starts. */
static void sort_any(char *data, int64_t n, size_t size, after_fn after, const void *how, char *scratch) {
    merge_sort(data, n, size, after, how, scratch, scratch);
}

/* Sorts data[0, n) of elements of type elem by after and how (not known
 * here), with the instance for their size; scratch has room for n
 * elements. */
static void sort_elems(const purr_type *elem, char *data, int64_t n, after_fn after, const void *how,
                       char *scratch) {
    if (elem->size == 8)
        sort_words(data, n, after, how, scratch);
    else
        sort_any(data, n, elem->size, after, how, scratch);
}

void purr_list_sort(purr_list **l) {
    const purr_type *elem = (*l)->elem;
    if (elem->cmp == NULL) purr__fatal("list_sort on a list whose element type has no cmp");
    int64_t n = (*l)->len;
    if (n < 2) return;
    purr_list_make_unique(l);
    char *data = (*l)->data;
    size_t bytes = purr__array_bytes(n, elem->size);
    char *scratch = purr_alloc(bytes);
    if (elem == &purr_type_i64)
        sort_words(data, n, i64_after, NULL, scratch);
    else if (elem == &purr_type_u64)
        sort_words(data, n, u64_after, NULL, scratch);
    else if (elem == &purr_type_f64)
        sort_words(data, n, f64_after, NULL, scratch);
    else if (elem == &purr_type_str)
        sort_words(data, n, str_after, NULL, scratch);
    else
        sort_elems(elem, data, n, type_after, &elem->cmp, scratch);
    purr_free(scratch, bytes);
}

void purr_list_sort_with(purr_list **l, int (*cmp)(const void *a, const void *b, void *ctx), void *ctx) {
    int64_t n = (*l)->len;
    if (n < 2) return;
    purr_list_make_unique(l);
    const purr_type *elem = (*l)->elem;
    size_t bytes = purr__array_bytes(n, elem->size);
    size_t base = purr_owned_enter(1);
    purr_bytes *work = purr_bytes_new((int64_t)(2 * bytes), NULL);
    purr_own(base, &work, &purr_type_bytes);
    memcpy(work->data, (*l)->data, bytes);
    caller_cmp how = {cmp, ctx};
    sort_elems(elem, (char *)work->data, n, caller_after, &how, (char *)work->data + bytes);
    memcpy((*l)->data, work->data, bytes);
    purr_owned_pop(base);
    purr_bytes_release(work);
}
