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
 * costs less than the view and keeps small keys from pinning big buffers. */
#include "internal.h"

enum { VIEW_MIN = 64 };

static purr_bytes *bytes_alloc(int64_t len, int64_t cap) {
    purr_bytes *b = purr_alloc(sizeof *b);
    b->rc = 1;
    b->len = len;
    b->cap = cap;
    b->data = cap > 0 ? purr_alloc((size_t)cap) : NULL;
    b->base = NULL;
    return b;
}

void purr_bytes__free(purr_bytes *b) {
    if (b->base != NULL)
        purr_bytes_release(b->base);
    else
        purr_free(b->data, (size_t)b->cap);
    purr_free(b, sizeof *b);
}

PURR_NORETURN static void index_panic(const purr_bytes *b, int64_t i, const purr_loc *loc) {
    purr_panicf(loc, "index %lld out of bounds for length %lld", (long long)i, (long long)b->len);
}

static void check_index(const purr_bytes *b, int64_t i, const purr_loc *loc) {
    if (PURR_UNLIKELY((uint64_t)i >= (uint64_t)b->len)) index_panic(b, i, loc);
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
    if (shared) {
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

uint8_t purr_bytes_get(const purr_bytes *b, int64_t i, const purr_loc *loc) {
    check_index(b, i, loc);
    return b->data[i];
}

void purr_bytes_set(purr_bytes **b, int64_t i, uint8_t v, const purr_loc *loc) {
    *purr_bytes_at_mut(b, i, loc) = v;
}

uint8_t *purr_bytes_at_mut(purr_bytes **b, int64_t i, const purr_loc *loc) {
    check_index(*b, i, loc);
    reserve_unique(b, 0);
    return &(*b)->data[i];
}

void purr_bytes_push(purr_bytes **b, uint8_t v) {
    reserve_unique(b, 1);
    (*b)->data[(*b)->len++] = v;
}

void purr_bytes_append(purr_bytes **b, const purr_bytes *other) {
    /* other may be *b itself: read its length before the buffer moves, and
     * its data after (if *b was shared and got copied, other is still alive
     * through the other references). */
    int64_t n = other->len;
    if (n == 0) return;
    reserve_unique(b, n);
    memcpy((*b)->data + (*b)->len, other->data, (size_t)n);
    (*b)->len += n;
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

/* ---------- CRC-32C ----------
 * Castagnoli polynomial, reflected (0x82F63B78), initial and final value
 * all ones, as in iSCSI and ext4: crc32c("123456789") == 0xE3069283.
 * crc32c_table[i] is the CRC register after feeding byte i into a zero
 * register (eight shift-and-conditionally-xor steps). */
static const uint32_t crc32c_table[256] = {
    0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4, 0xc79a971f, 0x35f1141c,
    0x26a1e7e8, 0xd4ca64eb, 0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
    0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24, 0x105ec76f, 0xe235446c,
    0xf165b798, 0x030e349b, 0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
    0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54, 0x5d1d08bf, 0xaf768bbc,
    0xbc267848, 0x4e4dfb4b, 0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
    0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35, 0xaa64d611, 0x580f5512,
    0x4b5fa6e6, 0xb93425e5, 0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
    0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45, 0xf779deae, 0x05125dad,
    0x1642ae59, 0xe4292d5a, 0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
    0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595, 0x417b1dbc, 0xb3109ebf,
    0xa0406d4b, 0x522bee48, 0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
    0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687, 0x0c38d26c, 0xfe53516f,
    0xed03a29b, 0x1f682198, 0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
    0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38, 0xdbfc821c, 0x2997011f,
    0x3ac7f2eb, 0xc8ac71e8, 0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
    0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096, 0xa65c047d, 0x5437877e,
    0x4767748a, 0xb50cf789, 0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
    0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46, 0x7198540d, 0x83f3d70e,
    0x90a324fa, 0x62c8a7f9, 0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
    0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36, 0x3cdb9bdd, 0xceb018de,
    0xdde0eb2a, 0x2f8b6829, 0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
    0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93, 0x082f63b7, 0xfa44e0b4,
    0xe9141340, 0x1b7f9043, 0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
    0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3, 0x55326b08, 0xa759e80b,
    0xb4091bff, 0x466298fc, 0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
    0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033, 0xa24bb5a6, 0x502036a5,
    0x4370c551, 0xb11b4652, 0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
    0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d, 0xef087a76, 0x1d63f975,
    0x0e330a81, 0xfc588982, 0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
    0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622, 0x38cc2a06, 0xcaa7a905,
    0xd9f75af1, 0x2b9cd9f2, 0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
    0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530, 0x0417b1db, 0xf67c32d8,
    0xe52cc12c, 0x1747422f, 0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
    0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0, 0xd3d3e1ab, 0x21b862a8,
    0x32e8915c, 0xc083125f, 0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
    0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90, 0x9e902e7b, 0x6cfbad78,
    0x7fab5e8c, 0x8dc0dd8f, 0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
    0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1, 0x69e9f0d5, 0x9b8273d6,
    0x88d28022, 0x7ab90321, 0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
    0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81, 0x34f4f86a, 0xc69f7b69,
    0xd5cf889d, 0x27a40b9e, 0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
    0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

uint32_t purr_crc32c(const purr_bytes *b) {
    uint32_t crc = 0xffffffffu;
    for (int64_t i = 0; i < b->len; i++) crc = crc32c_table[(crc ^ b->data[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---------- conversions ---------- */

purr_bytes *purr_str_to_bytes(const purr_str *s) {
    return purr_bytes_from((const uint8_t *)s->data, s->len);
}

purr_str *purr_str_from_bytes(const purr_bytes *b) {
    return purr_str_from((const char *)b->data, b->len);
}
