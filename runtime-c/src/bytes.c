/* bytes.c — mutable byte buffers with value semantics.
 *
 * Invariants:
 *   - A buffer (base == NULL): 0 <= len <= cap; data holds cap bytes (NULL
 *     when cap == 0), of which the first len are the value.
 *   - A view (base != NULL, made by bytes_slice): cap == 0; data points at
 *     len bytes inside base's buffer; base is a buffer, never a view, and
 *     the view holds one reference to it. While a view exists, base->rc > 1,
 *     so base itself is copied before any write: the viewed bytes never
 *     change.
 *   - Mutators take purr_bytes ** and make the value a unique buffer first
 *     (copy-on-write: a shared buffer or any view is copied), so a write is
 *     never visible through another copy of the value.
 * A view keeps its whole base buffer alive (as Go's slices and Rust's
 * `Bytes` do); slices of at most VIEW_MIN bytes are copied instead, which
 * costs less than the view and keeps small keys from pinning big buffers.
 *
 * A buffer made with at most INLINE_MAX bytes of room keeps them in the
 * same allocation as its header, right after it (data == the bytes after
 * the struct): one allocation instead of two for the small values programs
 * make by the million (fields sliced out of a request or a log record,
 * replies, a stream entry's encoding before it joins its node).
 * INLINE_MAX makes the whole block at most the allocator's largest small
 * block (rc.c), so it comes from a size class: an 82-byte value takes one
 * 128-byte block instead of a 48-byte header and a 96-byte buffer.
 * Such a buffer never reallocates its data; growing it past its room
 * copies it into a new buffer, as a shared one is. */
#include "internal.h"

enum { VIEW_MIN = 64, INLINE_MAX = PURR__SMALL_BLOCK_MAX - sizeof(purr_bytes) };

static bool is_inline(const purr_bytes *b) { return b->data == (const uint8_t *)(b + 1); }

static purr_bytes *bytes_alloc(int64_t len, int64_t cap) {
    bool small = cap > 0 && cap <= INLINE_MAX;
    purr_bytes *b = purr_alloc(sizeof *b + (small ? (size_t)cap : 0));
    b->rc = 1;
    b->len = len;
    b->cap = cap;
    b->data = small ? (uint8_t *)(b + 1) : cap > 0 ? purr_alloc((size_t)cap) : NULL;
    b->base = NULL;
    return b;
}

void purr_bytes__free(purr_bytes *b) {
    bool inline_data = is_inline(b);
    if (b->base != NULL)
        purr_bytes_release(b->base);
    else if (!inline_data)
        purr_free(b->data, (size_t)b->cap);
    purr_free(b, sizeof *b + (inline_data ? (size_t)b->cap : 0));
}

PURR_NORETURN void purr_bytes__bounds(const purr_bytes *b, int64_t i, const purr_loc *loc) {
    purr_panicf(loc, "index %lld out of bounds for length %lld", (long long)i, (long long)b->len);
}

static void check_range(const char *what, const purr_bytes *b, int64_t start, int64_t end,
                        const purr_loc *loc) {
    if (start < 0 || start > end || end > b->len)
        purr_panicf(loc, "%s range %lld..%lld out of bounds for length %lld", what, (long long)start,
                    (long long)end, (long long)b->len);
}

purr_bytes *purr_bytes_new(int64_t n, const purr_loc *loc) {
    if (n < 0) purr_panicf(loc, "bytes_new with negative length %lld", (long long)n);
    purr_bytes *b = bytes_alloc(n, n);
    if (n > 0) memset(b->data, 0, (size_t)n);
    return b;
}

purr_bytes *purr_bytes_from(const uint8_t *data, int64_t len) {
    purr_bytes *b = bytes_alloc(len, len);
    if (len > 0) memcpy(b->data, data, (size_t)len);
    return b;
}

/* Makes *b unique with room for extra more bytes. A shared buffer is copied
 * straight into a buffer of the new size, so a push to a shared value copies
 * once instead of twice. */
static void reserve_unique(purr_bytes **bp, int64_t extra) {
    purr_bytes *b = *bp;
    int64_t need = b->len + extra;
    bool shared = b->rc != 1 || b->base != NULL;
    if (!shared && need <= b->cap) return;
    int64_t cap = need;
    if (extra > 0) {
        /* Grow from what the value holds: a copy of a shared buffer sized
         * from the original's capacity would double at every copy. */
        int64_t grown = (shared ? b->len : b->cap) * 2;
        cap = grown > 16 ? grown : 16;
        if (cap < need) cap = need;
    }
    if (shared || is_inline(b)) {
        purr_bytes *copy = bytes_alloc(b->len, cap);
        if (b->len > 0) memcpy(copy->data, b->data, (size_t)b->len);
        purr_bytes_release(b);
        *bp = copy;
    } else {
        b->data = purr_realloc(b->data, (size_t)b->cap, (size_t)cap);
        b->cap = cap;
    }
}

void purr_bytes_make_unique(purr_bytes **b) { reserve_unique(b, 0); }

void purr_bytes__reserve(purr_bytes **b, int64_t extra) { reserve_unique(b, extra); }

/* Appends other's bytes [start, end), the range already checked. other
 * may be *b itself: growing may copy *b into a new buffer and free the old
 * one (an inline buffer always moves), so a self-append holds a reference
 * to the old one until its bytes are copied. */
static void append_range(purr_bytes **b, const purr_bytes *other, int64_t start, int64_t end) {
    int64_t n = end - start;
    if (n == 0) return;
    bool self = other == *b;
    if (self) purr_bytes_retain(*b);
    reserve_unique(b, n);
    memcpy((*b)->data + (*b)->len, other->data + start, (size_t)n);
    (*b)->len += n;
    if (self) purr_bytes_release((purr_bytes *)other);
}

void purr_bytes_append(purr_bytes **b, const purr_bytes *other) { append_range(b, other, 0, other->len); }

void purr_bytes_append_range(purr_bytes **b, const purr_bytes *other, int64_t start, int64_t end,
                             const purr_loc *loc) {
    check_range("bytes_append_range", other, start, end, loc);
    append_range(b, other, start, end);
}

/* Two digits at a time, from a table of "00" to "99" (as Redis's
 * ull2string): half the divisions of one digit at a time. */
void purr_bytes_append_u64(purr_bytes **b, uint64_t n) {
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char digits[20];
    int k = sizeof digits;
    while (n >= 100) {
        size_t i = (size_t)(n % 100) * 2;
        n /= 100;
        digits[--k] = pairs[i + 1];
        digits[--k] = pairs[i];
    }
    if (n >= 10) {
        digits[--k] = pairs[n * 2 + 1];
        digits[--k] = pairs[n * 2];
    } else {
        digits[--k] = (char)('0' + n);
    }
    int64_t len = (int64_t)sizeof digits - k;
    purr_bytes *p = *b;
    if (!purr_bytes__writable(p) || p->len + len > p->cap) {
        reserve_unique(b, len);
        p = *b;
    }
    memcpy(p->data + p->len, digits + k, (size_t)len);
    p->len += len;
}

purr_bytes *purr_bytes_slice(const purr_bytes *b, int64_t start, int64_t end, const purr_loc *loc) {
    check_range("bytes_slice", b, start, end, loc);
    if (start == end) return bytes_alloc(0, 0); /* data may be NULL */
    if (end - start <= VIEW_MIN) return purr_bytes_from(b->data + start, end - start);
    /* Retaining the base through a borrowed pointer is what any copy of a
     * borrowed value does (purr.h: the callee retains what it keeps). */
    purr_bytes *base = b->base != NULL ? b->base : (purr_bytes *)b;
    purr_bytes_retain(base);
    purr_bytes *v = purr_alloc(sizeof *v);
    v->rc = 1;
    v->len = end - start;
    v->cap = 0;
    v->data = b->data + start;
    v->base = base;
    return v;
}

void purr_bytes_truncate(purr_bytes **b, int64_t n, const purr_loc *loc) {
    if (n < 0) purr_panicf(loc, "bytes_truncate with negative length %lld", (long long)n);
    if (n >= (*b)->len) return;
    /* A view of its own shrinks without copying: it owns no bytes. */
    if (!((*b)->rc == 1 && (*b)->base != NULL)) reserve_unique(b, 0);
    (*b)->len = n;
}

int64_t purr_bytes_find(const purr_bytes *b, uint8_t byte, int64_t from, const purr_loc *loc) {
    if (from < 0) purr_panicf(loc, "bytes_find from negative offset %lld", (long long)from);
    if (from >= b->len) return -1;
    const uint8_t *hit = memchr(b->data + from, byte, (size_t)(b->len - from));
    return hit == NULL ? -1 : hit - b->data;
}

bool purr_bytes_parse_i64(const purr_bytes *b, int64_t start, int64_t end, int64_t *out, const purr_loc *loc) {
    check_range("bytes_parse_i64", b, start, end, loc);
    return purr__parse_i64((const char *)b->data + start, (const char *)b->data + end, out);
}

bool purr_bytes_eq(const purr_bytes *a, const purr_bytes *b) {
    return a == b || (a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, (size_t)a->len) == 0));
}

/* ---------- big-endian fields ---------- */

static void check_field(const char *what, const purr_bytes *b, int64_t off, int width,
                        const purr_loc *loc) {
    if (off < 0 || off > b->len - width)
        purr_panicf(loc, "%s offset %lld out of bounds for length %lld", what, (long long)off,
                    (long long)b->len);
}

static uint64_t get_be(const purr_bytes *b, int64_t off, int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; i++) v = (v << 8) | b->data[off + i];
    return v;
}

static void put_be(purr_bytes **b, int64_t off, uint64_t v, int width) {
    reserve_unique(b, 0);
    for (int i = width - 1; i >= 0; i--, v >>= 8) (*b)->data[off + i] = (uint8_t)v;
}

uint16_t purr_bytes_get_u16be(const purr_bytes *b, int64_t off, const purr_loc *loc) {
    check_field("get_u16be", b, off, 2, loc);
    return (uint16_t)get_be(b, off, 2);
}

uint32_t purr_bytes_get_u32be(const purr_bytes *b, int64_t off, const purr_loc *loc) {
    check_field("get_u32be", b, off, 4, loc);
    return (uint32_t)get_be(b, off, 4);
}

uint64_t purr_bytes_get_u64be(const purr_bytes *b, int64_t off, const purr_loc *loc) {
    check_field("get_u64be", b, off, 8, loc);
    return get_be(b, off, 8);
}

void purr_bytes_put_u16be(purr_bytes **b, int64_t off, uint16_t v, const purr_loc *loc) {
    check_field("put_u16be", *b, off, 2, loc);
    put_be(b, off, v, 2);
}

void purr_bytes_put_u32be(purr_bytes **b, int64_t off, uint32_t v, const purr_loc *loc) {
    check_field("put_u32be", *b, off, 4, loc);
    put_be(b, off, v, 4);
}

void purr_bytes_put_u64be(purr_bytes **b, int64_t off, uint64_t v, const purr_loc *loc) {
    check_field("put_u64be", *b, off, 8, loc);
    put_be(b, off, v, 8);
}

/* ---------- CRC-32C (crc32c.c) ---------- */

uint32_t purr_crc32c(const purr_bytes *b) { return purr__crc32c(b->data, (size_t)b->len); }

uint32_t purr_bytes_crc32c(const purr_bytes *b, int64_t start, int64_t end, const purr_loc *loc) {
    check_range("bytes_crc32c", b, start, end, loc);
    /* An empty range of an empty buffer has no data pointer to offset. */
    return purr__crc32c(end > start ? b->data + start : NULL, (size_t)(end - start));
}

/* ---------- conversions ---------- */

purr_bytes *purr_str_to_bytes(const purr_str *s) {
    return purr_bytes_from((const uint8_t *)s->data, s->len);
}

purr_str *purr_str_from_bytes(const purr_bytes *b) {
    return purr_str_from((const char *)b->data, b->len);
}
