/* test_bytes.c — byte buffers: copy-on-write, big-endian fields, CRC-32C. */
#include "test.h"

static purr_bytes *B(const char *c) { return purr_bytes_from((const uint8_t *)c, (int64_t)strlen(c)); }

static bool bytes_are(const purr_bytes *b, const void *want, int64_t n) {
    return b->len == n && (n == 0 || memcmp(b->data, want, (size_t)n) == 0);
}

static void test_new_get_set(void) {
    purr_bytes *b = KEEP(purr_bytes_new(4, &LOC));
    CHECK(bytes_are(b, "\0\0\0\0", 4));
    purr_bytes_set(&b, 1, 0xab, &LOC);
    *purr_bytes_at_mut(&b, 2, &LOC) += 5;
    CHECK(purr_bytes_get(b, 1, &LOC) == 0xab && purr_bytes_get(b, 2, &LOC) == 5);
    purr_bytes *empty = purr_bytes_new(0, &LOC);
    CHECK(empty->len == 0);
    purr_bytes_release(b);
    purr_bytes_release(empty);
}

static void test_cow(void) {
    purr_bytes *a = B("hello");
    purr_bytes *b = a;
    purr_bytes_retain(b);
    purr_bytes_set(&b, 0, 'j', &LOC);
    CHECK(bytes_are(a, "hello", 5) && bytes_are(b, "jello", 5) && a->rc == 1 && b->rc == 1);
    purr_bytes *c = a;
    purr_bytes_retain(c);
    purr_bytes_push(&c, '!');
    CHECK(bytes_are(a, "hello", 5) && bytes_are(c, "hello!", 6));
    purr_bytes *d = a;
    purr_bytes_retain(d);
    purr_bytes_truncate(&d, 10, &LOC); /* no-op: stays shared */
    CHECK(d == a && a->rc == 2);
    purr_bytes_truncate(&d, 2, &LOC);
    CHECK(d != a && bytes_are(d, "he", 2) && bytes_are(a, "hello", 5));
    purr_bytes *e = a;
    purr_bytes_retain(e);
    purr_bytes_put_u16be(&e, 0, 0x4142, &LOC);
    CHECK(bytes_are(e, "ABllo", 5) && bytes_are(a, "hello", 5));
    purr_bytes *f = a;
    purr_bytes_retain(f);
    purr_bytes_make_unique(&f);
    CHECK(f != a && purr_bytes_eq(f, a));
    a->rc = -1; /* immortal: copied before any write */
    purr_bytes *g = a;
    purr_bytes_set(&g, 4, 'O', &LOC);
    CHECK(g != a && bytes_are(a, "hello", 5) && bytes_are(g, "hellO", 5));
    a->rc = 1;
    purr_bytes *all[] = {a, b, c, d, e, f, g};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) purr_bytes_release(all[i]);
}

static void test_push_append_slice(void) {
    purr_bytes *b = purr_bytes_new(0, &LOC);
    for (int i = 0; i < 1000; i++) purr_bytes_push(&b, (uint8_t)i);
    CHECK(b->len == 1000 && purr_bytes_get(b, 999, &LOC) == (uint8_t)999);
    purr_bytes *s = purr_bytes_slice(b, 10, 14, &LOC);
    CHECK(bytes_are(s, "\x0a\x0b\x0c\x0d", 4));
    purr_bytes *none = purr_bytes_slice(s, 4, 4, &LOC);
    CHECK(none->len == 0);
    purr_bytes *x = B("ab");
    purr_bytes_append(&x, x); /* self-append, unique */
    CHECK(bytes_are(x, "abab", 4));
    purr_bytes *y = x;
    purr_bytes_retain(y);
    purr_bytes_append(&y, y); /* self-append, shared */
    CHECK(bytes_are(y, "abababab", 8) && bytes_are(x, "abab", 4));
    purr_bytes_append(&y, none);
    CHECK(y->len == 8);
    purr_bytes_truncate(&y, 0, &LOC);
    CHECK(y->len == 0);
    CHECK(purr_bytes_eq(y, none) && !purr_bytes_eq(x, none));
    purr_bytes *all[] = {b, s, none, x, y};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) purr_bytes_release(all[i]);
}

/* Slices longer than a few bytes are views of the buffer: O(1), never
 * changed by writes to either side, and the buffer lives as long as a view. */
static void test_views(void) {
    char text[200];
    for (int i = 0; i < 200; i++) text[i] = (char)('a' + i % 26);
    purr_bytes *buf = purr_bytes_from((const uint8_t *)text, 200);
    purr_bytes *v = purr_bytes_slice(buf, 10, 150, &LOC);
    CHECK(v->base == buf && v->data == buf->data + 10 && buf->rc == 2);
    CHECK(bytes_are(v, text + 10, 140));
    purr_bytes *vv = purr_bytes_slice(v, 5, 100, &LOC); /* a view of a view shares the buffer */
    CHECK(vv->base == buf && vv->data == buf->data + 15 && buf->rc == 3);
    purr_bytes *small = purr_bytes_slice(v, 0, 3, &LOC); /* short: a copy */
    CHECK(small->base == NULL && bytes_are(small, text + 10, 3) && buf->rc == 3);

    purr_bytes_set(&buf, 10, '!', &LOC); /* the buffer is shared: copied */
    CHECK(buf->data[10] == '!' && bytes_are(v, text + 10, 140) && bytes_are(vv, text + 15, 95));
    purr_bytes_set(&v, 0, '?', &LOC); /* a view is copied before a write */
    CHECK(v->base == NULL && v->data[0] == '?' && bytes_are(vv, text + 15, 95));
    purr_bytes_truncate(&vv, 4, &LOC); /* a view of its own shrinks in place */
    CHECK(vv->base != NULL && bytes_are(vv, text + 15, 4));
    purr_bytes_append(&vv, small); /* appending copies it into a buffer */
    CHECK(vv->base == NULL && vv->len == 7 && memcmp(vv->data + 4, text + 10, 3) == 0);

    purr_bytes *last = purr_bytes_slice(buf, 100, 200, &LOC);
    purr_bytes_release(buf); /* the view keeps the buffer alive */
    CHECK(last->base->rc == 1 && bytes_are(last, text + 100, 100));
    purr_bytes_release(last);
    purr_bytes_release(v);
    purr_bytes_release(vv);
    purr_bytes_release(small);
}

/* Appending to a copy of a shared buffer sizes the copy from its length:
 * repeated copy-and-append stays linear in memory. */
static void test_copy_growth(void) {
    purr_bytes *b = purr_bytes_new(0, &LOC);
    for (int i = 0; i < 1000; i++) {
        purr_bytes *copy = b;
        purr_bytes_retain(copy);
        purr_bytes_push(&copy, (uint8_t)i);
        purr_bytes_release(b);
        b = copy;
        CHECK(b->cap <= 2 * b->len + 16);
    }
    CHECK(b->len == 1000);
    purr_bytes_release(b);
}

/* Small buffers keep their bytes in the header's allocation (bytes.c):
 * writes in place stay in place, growing moves the bytes out intact, and a
 * slice of a small buffer is a copy of its own. The largest inline room
 * fills a 256-byte block with the header. */
static void test_inline_small(void) {
    const int64_t most = 256 - (int64_t)sizeof(purr_bytes);
    purr_bytes *b = purr_bytes_new(most, &LOC);
    CHECK(b->data == (uint8_t *)(b + 1));
    for (int64_t i = 0; i < most; i++) *purr_bytes_at_mut(&b, i, &LOC) = (uint8_t)i;
    purr_bytes *before = b;
    purr_bytes_truncate(&b, most - 4, &LOC);
    purr_bytes_push(&b, 200); /* within its room: in place */
    CHECK(b == before && b->len == most - 3 && purr_bytes_get(b, most - 4, &LOC) == 200);
    for (int i = 0; i < 10; i++) purr_bytes_push(&b, (uint8_t)(100 + i)); /* past it: moved out */
    CHECK(b->len == most + 7 && b->data != (uint8_t *)(b + 1));
    CHECK(purr_bytes_get(b, most - 5, &LOC) == (uint8_t)(most - 5) && purr_bytes_get(b, most + 6, &LOC) == 109);
    purr_bytes *s = purr_bytes_slice(b, 1, 5, &LOC);
    CHECK(s->base == NULL && s->data == (uint8_t *)(s + 1) && bytes_are(s, "\x01\x02\x03\x04", 4));
    purr_bytes *big = purr_bytes_new(most + 1, &LOC);
    CHECK(big->data != (uint8_t *)(big + 1));
    purr_bytes_release(s);
    purr_bytes_release(b);
    purr_bytes_release(big);
}

static void test_big_endian(void) {
    purr_bytes *b = purr_bytes_new(16, &LOC);
    purr_bytes_put_u16be(&b, 0, 0x1234, &LOC);
    purr_bytes_put_u32be(&b, 2, 0xdeadbeef, &LOC);
    purr_bytes_put_u64be(&b, 6, 0x0102030405060708ULL, &LOC);
    purr_bytes_put_u16be(&b, 14, 0xffff, &LOC);
    const uint8_t want[16] = {0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 0xff, 0xff};
    CHECK(bytes_are(b, want, 16));
    CHECK(purr_bytes_get_u16be(b, 0, &LOC) == 0x1234);
    CHECK(purr_bytes_get_u32be(b, 2, &LOC) == 0xdeadbeef);
    CHECK(purr_bytes_get_u64be(b, 6, &LOC) == 0x0102030405060708ULL);
    CHECK(purr_bytes_get_u16be(b, 14, &LOC) == 0xffff);
    CHECK(purr_bytes_get_u32be(b, 1, &LOC) == 0x34deadbe);
    CHECK(purr_bytes_get_u64be(b, 8, &LOC) == 0x030405060708ffffULL);
    purr_bytes_put_u64be(&b, 8, UINT64_MAX, &LOC);
    CHECK(purr_bytes_get_u64be(b, 8, &LOC) == UINT64_MAX);
    purr_bytes_release(b);
}

static void test_str_conversions(void) {
    purr_str *s = purr_str_from("hi\0there", 8);
    purr_bytes *b = purr_str_to_bytes(s);
    CHECK(bytes_are(b, "hi\0there", 8));
    purr_str *back = purr_str_from_bytes(b);
    CHECK(purr_str_eq(s, back) && back->data[8] == '\0');
    purr_bytes *empty = purr_bytes_new(0, &LOC);
    CHECK_OWNED_STR(purr_str_from_bytes(empty), "");
    purr_str_release(s);
    purr_str_release(back);
    purr_bytes_release(b);
    purr_bytes_release(empty);
}

static void test_descriptor(void) {
    purr_bytes *a = B("x"), *b = B("x"), *copy = NULL;
    purr_type_bytes.dup(&copy, &a);
    CHECK(copy == a && a->rc == 2 && purr_type_bytes.eq(&a, &b));
    purr_type_bytes.drop(&copy);
    CHECK(a->rc == 1);
    purr_bytes_release(a);
    purr_bytes_release(b);
}

static void negative_new(void) { purr_bytes_new(-1, &LOC); }
static void get_out_of_range(void) { purr_bytes_get(KEEP(purr_bytes_new(3, &LOC)), 3, &LOC); }
static void set_out_of_range(void) {
    purr_bytes *b = KEEP(purr_bytes_new(3, &LOC));
    purr_bytes_set(&b, -2, 0, &LOC);
}
static void bad_slice(void) { purr_bytes_slice(KEEP(purr_bytes_new(4, &LOC)), 2, 9, &LOC); }
static void bad_truncate(void) {
    purr_bytes *b = KEEP(purr_bytes_new(4, &LOC));
    purr_bytes_truncate(&b, -1, &LOC);
}
static void bad_get_u32(void) { purr_bytes_get_u32be(KEEP(purr_bytes_new(8, &LOC)), 6, &LOC); }
static void bad_put_u64(void) {
    purr_bytes *b = KEEP(purr_bytes_new(8, &LOC));
    purr_bytes_put_u64be(&b, -1, 0, &LOC);
}

static void test_panics(void) {
    EXPECT_PANIC(negative_new, AT "bytes_new with negative length -1\n");
    EXPECT_PANIC(get_out_of_range, AT "index 3 out of bounds for length 3\n");
    EXPECT_PANIC(set_out_of_range, AT "index -2 out of bounds for length 3\n");
    EXPECT_PANIC(bad_slice, AT "bytes_slice range 2..9 out of bounds for length 4\n");
    EXPECT_PANIC(bad_truncate, AT "bytes_truncate with negative length -1\n");
    EXPECT_PANIC(bad_get_u32, AT "get_u32be offset 6 out of bounds for length 8\n");
    EXPECT_PANIC(bad_put_u64, AT "put_u64be offset -1 out of bounds for length 8\n");
}

int main(void) {
    RUN(test_new_get_set);
    RUN(test_cow);
    RUN(test_push_append_slice);
    RUN(test_views);
    RUN(test_copy_growth);
    RUN(test_inline_small);
    RUN(test_big_endian);
    RUN(test_str_conversions);
    RUN(test_descriptor);
    RUN(test_panics);
    return test_finish();
}
