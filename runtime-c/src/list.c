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
 * Stable because a merge takes from the left run unless the right element
 * is strictly smaller, and insertion sort only moves past strictly greater
 * elements. O(n log n) comparisons, n elements of scratch.
 *
 * A comparator written in Purr may panic half-way, when the elements are
 * spread over both arrays with some bits duplicated. So list_sort_by sorts
 * a copy and writes the list only once sorting is done: a panic leaves the
 * list as it was, and the work area (a bytes object on the owned stack,
 * purr.h) is released with the rest of the abandoned frames. */

typedef int (*cmp_ctx_fn)(const void *a, const void *b, void *ctx);

enum { SORT_RUN = 16 };

/* Sorts base[0, n) in place; scratch holds one element. */
static void insertion_sort(char *base, int64_t n, size_t size, cmp_ctx_fn cmp, void *ctx, char *scratch) {
    for (int64_t i = 1; i < n; i++) {
        char *x = base + (size_t)i * size;
        if (cmp(x - size, x, ctx) <= 0) continue;
        memcpy(scratch, x, size);
        int64_t j = i - 1;
        while (j > 0 && cmp(base + (size_t)(j - 1) * size, scratch, ctx) > 0) j--;
        memmove(base + (size_t)(j + 1) * size, base + (size_t)j * size, (size_t)(i - j) * size);
        memcpy(base + (size_t)j * size, scratch, size);
    }
}

/* Merges the sorted runs src[lo, mid) and src[mid, hi) into dst[lo, hi). */
static void merge(const char *src, char *dst, int64_t lo, int64_t mid, int64_t hi, size_t size,
                  cmp_ctx_fn cmp, void *ctx) {
    const char *a = src + (size_t)lo * size, *a_end = src + (size_t)mid * size;
    const char *b = a_end, *b_end = src + (size_t)hi * size;
    char *out = dst + (size_t)lo * size;
    if (a == a_end || b == b_end || cmp(a_end - size, b, ctx) <= 0) {
        memcpy(out, a, (size_t)(b_end - a)); /* already in order */
        return;
    }
    while (a < a_end && b < b_end) {
        if (cmp(b, a, ctx) < 0) {
            memcpy(out, b, size);
            b += size;
        } else {
            memcpy(out, a, size);
            a += size;
        }
        out += size;
    }
    memcpy(out, a, (size_t)(a_end - a));
    out += a_end - a;
    memcpy(out, b, (size_t)(b_end - b));
}

/* Sorts data[0, n); scratch has room for n elements. */
static void merge_sort(char *data, int64_t n, size_t size, cmp_ctx_fn cmp, void *ctx, char *scratch) {
    size_t bytes = (size_t)n * size;
    for (int64_t lo = 0; lo < n; lo += SORT_RUN)
        insertion_sort(data + (size_t)lo * size, n - lo < SORT_RUN ? n - lo : SORT_RUN, size, cmp, ctx, scratch);
    char *src = data, *dst = scratch;
    for (int64_t width = SORT_RUN; width < n; width *= 2) {
        for (int64_t lo = 0; lo < n; lo += 2 * width) {
            int64_t mid = lo + width < n ? lo + width : n;
            int64_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge(src, dst, lo, mid, hi, size, cmp, ctx);
        }
        char *t = src;
        src = dst;
        dst = t;
    }
    if (src != data) memcpy(data, src, bytes);
}

/* Adapts a purr_type's two-argument cmp; ctx points at it. */
static int elem_cmp(const void *a, const void *b, void *ctx) {
    int (*const *cmp)(const void *, const void *) = ctx;
    return (*cmp)(a, b);
}

void purr_list_sort(purr_list **l) {
    int (*cmp)(const void *, const void *) = (*l)->elem->cmp;
    if (cmp == NULL) purr__fatal("list_sort on a list whose element type has no cmp");
    if ((*l)->len < 2) return;
    purr_list_make_unique(l);
    size_t bytes = purr__array_bytes((*l)->len, (*l)->elem->size);
    char *scratch = purr_alloc(bytes);
    merge_sort((*l)->data, (*l)->len, (*l)->elem->size, elem_cmp, &cmp, scratch);
    purr_free(scratch, bytes);
}

void purr_list_sort_with(purr_list **l, int (*cmp)(const void *a, const void *b, void *ctx), void *ctx) {
    int64_t n = (*l)->len;
    if (n < 2) return;
    purr_list_make_unique(l);
    size_t bytes = purr__array_bytes(n, (*l)->elem->size);
    size_t base = purr_owned_enter(1);
    purr_bytes *work = purr_bytes_new((int64_t)(2 * bytes), NULL);
    purr_own(base, &work, &purr_type_bytes);
    memcpy(work->data, (*l)->data, bytes);
    merge_sort((char *)work->data, n, (*l)->elem->size, cmp, ctx, (char *)work->data + bytes);
    memcpy((*l)->data, work->data, bytes);
    purr_owned_pop(base);
    purr_bytes_release(work);
}
