/* test_list.c — lists: copy-on-write, insert/remove/pop/slice, stable sort
 * (each of its instances against a model). */
#include "test.h"

static purr_list *ints(int64_t n) {
    purr_list *l = purr_list_new(&purr_type_i64);
    for (int64_t i = 0; i < n; i++) *(int64_t *)purr_list_push_slot(&l) = i;
    return l;
}

static int64_t I(const purr_list *l, int64_t i) { return *(int64_t *)purr_list_at(l, i, &LOC); }

static purr_str *STR(const purr_list *l, int64_t i) { return *(purr_str **)purr_list_at(l, i, &LOC); }

static void push_str(purr_list **l, const char *c) {
    *(purr_str **)purr_list_push_slot(l) = purr_str_from_cstr(c);
}

static void test_push_and_grow(void) {
    purr_list *l = ints(1000);
    CHECK(l->len == 1000 && l->cap >= 1000);
    bool ok = true;
    for (int64_t i = 0; i < 1000; i++) ok = ok && I(l, i) == i;
    CHECK(ok);
    purr_list_release(l);
    purr_list *c = purr_list_with_cap(&purr_type_i64, 10);
    CHECK(c->cap == 10 && c->len == 0);
    purr_list_release(c);
}

static void test_cow_scalars(void) {
    purr_list *a = ints(5);
    purr_list *b = a; /* b = a: a copy shares the object */
    purr_list_retain(b);
    *(int64_t *)purr_list_push_slot(&b) = 99;
    CHECK(b != a && a->rc == 1 && b->rc == 1);
    CHECK(a->len == 5 && b->len == 6 && I(b, 5) == 99);
    purr_list *c = a;
    purr_list_retain(c);
    *(int64_t *)purr_list_at_mut(&c, 0, &LOC) = -1;
    CHECK(I(a, 0) == 0 && I(c, 0) == -1);
    /* A unique list is mutated in place. */
    purr_list *before = c;
    *(int64_t *)purr_list_at_mut(&c, 1, &LOC) = -2;
    CHECK(c == before && I(c, 1) == -2);
    purr_list_release(a);
    purr_list_release(b);
    purr_list_release(c);
}

static void test_cow_strings(void) {
    purr_list *a = purr_list_new(&purr_type_str);
    push_str(&a, "x");
    push_str(&a, "y");
    purr_list *b = a;
    purr_list_retain(b);
    purr_str **slot = purr_list_at_mut(&b, 0, &LOC);
    purr_str_release(*slot);
    *slot = purr_str_from_cstr("changed");
    CHECK_STR(STR(a, 0), "x");
    CHECK_STR(STR(b, 0), "changed");
    CHECK(STR(a, 1) == STR(b, 1) && STR(a, 1)->rc == 2); /* elements shared by dup */
    purr_list_release(a);
    CHECK(STR(b, 1)->rc == 1);
    purr_list_release(b);
}

static void test_from_array(void) {
    static const int64_t data[] = {3, 1, 4, 1, 5};
    purr_list *l = purr_list_from_array(&purr_type_i64, data, 5);
    CHECK(l->len == 5 && l->rc == 1 && I(l, 0) == 3 && I(l, 4) == 5);
    purr_list_release(l);
    purr_str *x = purr_str_from_cstr("x");
    purr_str *const strs[] = {x, x};
    purr_list *s = purr_list_from_array(&purr_type_str, strs, 2);
    CHECK(s->len == 2 && x->rc == 3); /* each element is a copy */
    purr_list_release(s);
    CHECK(x->rc == 1);
    purr_str_release(x);
    purr_list *e = purr_list_from_array(&purr_type_i64, NULL, 0);
    CHECK(e->len == 0);
    purr_list_release(e);
}

static void test_cow_immortal(void) {
    purr_list *a = ints(3);
    a->rc = -1; /* as a static constant would be */
    purr_list *b = a;
    *(int64_t *)purr_list_push_slot(&b) = 3;
    CHECK(b != a && a->rc == -1 && a->len == 3 && b->len == 4 && b->rc == 1);
    purr_list_release(a); /* no effect on an immortal */
    CHECK(a->len == 3);
    a->rc = 1;
    purr_list_release(a);
    purr_list_release(b);
}

static void test_insert_remove_pop(void) {
    purr_list *l = ints(0);
    int64_t v = 1;
    purr_list_insert(&l, 0, &v, &LOC); /* [1] */
    v = 3;
    purr_list_insert(&l, 1, &v, &LOC); /* [1, 3] */
    v = 2;
    purr_list_insert(&l, 1, &v, &LOC); /* [1, 2, 3] */
    v = 0;
    purr_list_insert(&l, 0, &v, &LOC); /* [0, 1, 2, 3] */
    CHECK(l->len == 4 && I(l, 0) == 0 && I(l, 1) == 1 && I(l, 2) == 2 && I(l, 3) == 3);
    int64_t out = -1;
    purr_list_remove(&l, 1, &out, &LOC);
    CHECK(out == 1 && l->len == 3 && I(l, 0) == 0 && I(l, 1) == 2 && I(l, 2) == 3);
    purr_list_remove(&l, 2, &out, &LOC);
    CHECK(out == 3 && l->len == 2);
    CHECK(purr_list_pop(&l, &out) && out == 2);
    CHECK(purr_list_pop(&l, &out) && out == 0);
    out = 42;
    CHECK(!purr_list_pop(&l, &out) && out == 42 && l->len == 0);
    purr_list_release(l);

    /* The same on a shared list of strings leaves the original alone. */
    purr_list *a = purr_list_new(&purr_type_str);
    push_str(&a, "a");
    push_str(&a, "b");
    push_str(&a, "c");
    purr_list *b = a;
    purr_list_retain(b);
    purr_str *s = purr_str_from_cstr("new");
    purr_list_insert(&b, 3, &s, &LOC);
    purr_str *removed = NULL;
    purr_list_remove(&b, 0, &removed, &LOC);
    CHECK_STR(removed, "a");
    purr_str_release(removed);
    purr_list_remove(&b, 0, NULL, &LOC); /* dropped */
    purr_str *popped = NULL;
    CHECK(purr_list_pop(&b, &popped));
    CHECK_STR(popped, "new");
    purr_str_release(popped);
    CHECK(b->len == 1 && a->len == 3);
    CHECK_STR(STR(b, 0), "c");
    CHECK_STR(STR(a, 0), "a");
    CHECK_STR(STR(a, 2), "c");
    purr_list_release(a);
    purr_list_release(b);
}

static void bad_insert(void) {
    purr_list *l = KEEP(ints(3));
    int64_t v = 0;
    purr_list_insert(&l, 4, &v, &LOC);
}
static void bad_remove(void) {
    purr_list *l = KEEP(ints(3));
    purr_list_remove(&l, 3, NULL, &LOC);
}
static void bad_at(void) {
    purr_list *l = KEEP(ints(3));
    purr_list_at(l, 5, &LOC);
}
static void bad_at_negative(void) {
    purr_list *l = KEEP(ints(3));
    purr_list_at(l, -1, &LOC);
}
static void bad_slice(void) {
    purr_list *l = KEEP(ints(4));
    purr_list_slice(l, 2, 9, &LOC);
}

static void test_bounds_panics(void) {
    EXPECT_PANIC(bad_insert, AT "index 4 out of bounds for length 3\n");
    EXPECT_PANIC(bad_remove, AT "index 3 out of bounds for length 3\n");
    EXPECT_PANIC(bad_at, AT "index 5 out of bounds for length 3\n");
    EXPECT_PANIC(bad_at_negative, AT "index -1 out of bounds for length 3\n");
    EXPECT_PANIC(bad_slice, AT "list_slice range 2..9 out of bounds for length 4\n");
}

static void test_slice_clear(void) {
    purr_list *l = ints(6);
    purr_list *s = purr_list_slice(l, 1, 4, &LOC);
    CHECK(s->len == 3 && I(s, 0) == 1 && I(s, 2) == 3);
    purr_list *e = purr_list_slice(l, 6, 6, &LOC);
    CHECK(e->len == 0);
    purr_list *all = purr_list_slice(l, 0, 6, &LOC);
    CHECK(purr_list_eq(all, l) && all != l);
    purr_list *empty = purr_list_new(&purr_type_i64);
    purr_list *empty_slice = purr_list_slice(empty, 0, 0, &LOC);
    CHECK(empty_slice->len == 0);

    purr_list *shared = l;
    purr_list_retain(shared);
    purr_list_clear(&shared);
    CHECK(shared != l && shared->len == 0 && l->len == 6 && l->rc == 1);
    purr_list_clear(&l);
    CHECK(l->len == 0);
    *(int64_t *)purr_list_push_slot(&l) = 7; /* still usable */
    CHECK(I(l, 0) == 7);

    purr_list *strs = purr_list_new(&purr_type_str);
    push_str(&strs, "p");
    push_str(&strs, "q");
    purr_list *str_slice = purr_list_slice(strs, 1, 2, &LOC);
    CHECK(STR(str_slice, 0) == STR(strs, 1) && STR(strs, 1)->rc == 2);
    purr_list_clear(&strs);
    CHECK(STR(str_slice, 0)->rc == 1);
    purr_list *items[] = {l, s, e, all, empty, empty_slice, shared, strs, str_slice};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) purr_list_release(items[i]);
}

static void test_contains_eq(void) {
    purr_list *l = ints(10);
    int64_t v = 7, w = 10;
    CHECK(purr_list_contains(l, &v) && !purr_list_contains(l, &w));
    purr_list *strs = purr_list_new(&purr_type_str);
    push_str(&strs, "one");
    push_str(&strs, "two");
    purr_str *two = purr_str_from_cstr("two"), *three = purr_str_from_cstr("three");
    CHECK(purr_list_contains(strs, &two) && !purr_list_contains(strs, &three));
    purr_list *m = ints(10);
    CHECK(purr_list_eq(l, m));
    *(int64_t *)purr_list_at_mut(&m, 9, &LOC) = 0;
    CHECK(!purr_list_eq(l, m));
    purr_list *shorter = ints(9);
    CHECK(!purr_list_eq(l, shorter));
    purr_list_release(l);
    purr_list_release(m);
    purr_list_release(shorter);
    purr_list_release(strs);
    purr_str_release(two);
    purr_str_release(three);
}

static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void test_sort_ints(void) {
    for (int64_t n = 0; n < 200; n += 7) {
        purr_list *l = purr_list_new(&purr_type_i64);
        for (int64_t i = 0; i < n; i++) *(int64_t *)purr_list_push_slot(&l) = (int64_t)(rng() % 50) - 25;
        purr_list_sort(&l);
        bool sorted = true;
        for (int64_t i = 1; i < n; i++) sorted = sorted && I(l, i - 1) <= I(l, i);
        CHECK(sorted);
        purr_list_release(l);
    }
    purr_list *big = purr_list_new(&purr_type_i64);
    uint64_t sum = 0, sorted_sum = 0; /* wrapping sums: a permutation keeps them */
    for (int i = 0; i < 100000; i++) {
        int64_t v = (int64_t)rng();
        sum += (uint64_t)v;
        *(int64_t *)purr_list_push_slot(&big) = v;
    }
    purr_list *orig = big;
    purr_list_retain(orig);
    purr_list_sort(&big);
    bool sorted = true;
    for (int64_t i = 0; i < big->len; i++) {
        sorted_sum += (uint64_t)I(big, i);
        if (i > 0) sorted = sorted && I(big, i - 1) <= I(big, i);
    }
    CHECK(sorted && sum == sorted_sum && big != orig);
    CHECK(I(orig, 0) != I(big, 0) || I(orig, 1) != I(big, 1)); /* original unsorted */
    purr_list_release(big);
    purr_list_release(orig);

    purr_list *u8s = purr_list_new(&purr_type_u8);
    uint8_t vals[] = {200, 3, 255, 0, 17};
    for (int i = 0; i < 5; i++) *(uint8_t *)purr_list_push_slot(&u8s) = vals[i];
    purr_list_sort(&u8s);
    CHECK(*(uint8_t *)purr_list_at(u8s, 0, &LOC) == 0 && *(uint8_t *)purr_list_at(u8s, 4, &LOC) == 255);
    purr_list_release(u8s);
}

static void test_sort_strings(void) {
    const char *words[] = {"pear", "apple", "fig", "banana", "apple", "", "Zebra", "figs"};
    const char *want[] = {"", "Zebra", "apple", "apple", "banana", "fig", "figs", "pear"};
    purr_list *l = purr_list_new(&purr_type_str);
    for (int i = 0; i < 8; i++) push_str(&l, words[i]);
    purr_list_sort(&l);
    for (int i = 0; i < 8; i++) CHECK_STR(STR(l, i), want[i]);
    purr_list_release(l);
}

/* A generated-struct-like element: sorted by key only, seq records the
 * original order so stability is visible. */
typedef struct keyed {
    int32_t key;
    int64_t seq;
    purr_str *tag;
} keyed;

static void keyed_dup(void *dst, const void *src) {
    *(keyed *)dst = *(const keyed *)src;
    purr_str_retain(((keyed *)dst)->tag);
}
static void keyed_drop(void *v) { purr_str_release(((keyed *)v)->tag); }
static int keyed_cmp(const void *a, const void *b) {
    int32_t x = ((const keyed *)a)->key, y = ((const keyed *)b)->key;
    return (x > y) - (x < y);
}
static const purr_type keyed_type = {sizeof(keyed), keyed_dup, keyed_drop, NULL, NULL, keyed_cmp};

static int keyed_cmp_desc(const void *a, const void *b, void *ctx) {
    (*(int *)ctx)++;
    return keyed_cmp(b, a);
}

static bool stable_sorted(const purr_list *l, bool descending) {
    for (int64_t i = 1; i < l->len; i++) {
        const keyed *p = purr_list_at(l, i - 1, &LOC), *q = purr_list_at(l, i, &LOC);
        if (descending ? p->key < q->key : p->key > q->key) return false;
        if (p->key == q->key && p->seq > q->seq) return false;
    }
    return true;
}

static void test_sort_stable(void) {
    for (int64_t n = 1; n <= 3000; n = n * 3 + 1) {
        purr_list *l = purr_list_new(&keyed_type);
        for (int64_t i = 0; i < n; i++) {
            keyed *k = purr_list_push_slot(&l);
            k->key = (int32_t)(rng() % 10);
            k->seq = i;
            k->tag = purr_str_of_i64(i);
        }
        purr_list *copy = l;
        purr_list_retain(copy);
        purr_list_sort(&l);
        CHECK(stable_sorted(l, false));
        int calls = 0;
        purr_list_sort_with(&copy, keyed_cmp_desc, &calls);
        CHECK(stable_sorted(copy, true));
        CHECK(n < 2 || calls > 0);
        purr_list_release(l);
        purr_list_release(copy);
    }
    /* Already sorted and reversed inputs. */
    purr_list *l = purr_list_new(&keyed_type);
    for (int64_t i = 0; i < 1000; i++) {
        keyed *k = purr_list_push_slot(&l);
        k->key = (int32_t)(i / 10);
        k->seq = i;
        k->tag = purr_str_empty();
    }
    purr_list_sort(&l);
    CHECK(stable_sorted(l, false));
    int calls = 0;
    purr_list_sort_with(&l, keyed_cmp_desc, &calls);
    CHECK(stable_sorted(l, true));
    purr_list_release(l);
}

/* ---------- the sort's instances against a model ----------
 * Each case fills a list from a pool of values that tie in every way the
 * type allows (equal integers, 0.0 and -0.0, NaNs with different payloads,
 * equal strings in distinct objects), sorts it, and compares the bits with
 * a stable insertion sort by the type's own cmp: the same bits in the same
 * places means the same order and stability. The sizes leave a partial
 * run and need odd and even numbers of merge passes. */

static const int64_t SORT_SIZES[] = {0, 1, 2, 3, 15, 16, 17, 31, 32, 33, 48, 64, 65, 100, 255, 256, 257, 1000};

/* An 8-byte element of none of the built-in types (the instance for other
 * words): sorted by key, seq shows the order of equal keys. */
typedef struct word {
    int32_t key, seq;
} word;
static int word_cmp(const void *a, const void *b) {
    int32_t x = ((const word *)a)->key, y = ((const word *)b)->key;
    return (x > y) - (x < y);
}
static int word_cmp_desc(const void *a, const void *b) { return word_cmp(b, a); }
static int word_cmp_desc_ctx(const void *a, const void *b, void *ctx) {
    (void)ctx;
    return word_cmp(b, a);
}
static const purr_type word_type = {sizeof(word), NULL, NULL, NULL, NULL, word_cmp};

static void model_sort(char *data, int64_t n, size_t size, int (*cmp)(const void *, const void *)) {
    char held[sizeof(keyed)];
    for (int64_t i = 1; i < n; i++) {
        memcpy(held, data + (size_t)i * size, size);
        int64_t j = i;
        for (; j > 0 && cmp(data + (size_t)(j - 1) * size, held) > 0; j--)
            memcpy(data + (size_t)j * size, data + (size_t)(j - 1) * size, size);
        memcpy(data + (size_t)j * size, held, size);
    }
}

static void fill_i64(void *slot, int64_t i) {
    static const int64_t pool[] = {INT64_MIN, INT64_MAX, -1, 0, 1, 2, -2};
    *(int64_t *)slot = i % 3 == 0 ? (int64_t)rng() : pool[rng() % 7];
}
static void fill_u64(void *slot, int64_t i) {
    static const uint64_t pool[] = {0, 1, 5, UINT64_MAX, 1ULL << 63, (1ULL << 63) - 1};
    *(uint64_t *)slot = i % 3 == 0 ? rng() : pool[rng() % 6];
}
static double f64_bits(uint64_t bits) {
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}
static void fill_f64(void *slot, int64_t i) {
    static const uint64_t pool[] = {
        0x0000000000000000ULL, 0x8000000000000000ULL, /* 0.0, -0.0 */
        0x7ff8000000000000ULL, 0x7ff8000000000001ULL, /* NaNs */
        0xfff8000000000000ULL, 0x7ff0000000000001ULL, /* negative NaN, signalling NaN */
        0x7ff0000000000000ULL, 0xfff0000000000000ULL, /* inf, -inf */
        0x3ff8000000000000ULL, 0xbff8000000000000ULL, /* 1.5, -1.5 */
        0x0000000000000001ULL, 0x8000000000000001ULL, /* +- the smallest subnormal */
    };
    (void)i;
    *(double *)slot = f64_bits(pool[rng() % 12]);
}
static void fill_str(void *slot, int64_t i) {
    static const char *pool[] = {"b", "a", "", "ab", "ba", "\xff"};
    (void)i;
    *(purr_str **)slot = purr_str_from_cstr(pool[rng() % 6]);
}
static void fill_word(void *slot, int64_t i) { *(word *)slot = (word){(int32_t)(rng() % 5) - 2, (int32_t)i}; }

/* Sorts n elements made by fill, with purr_list_sort or, given cmp_ctx,
 * purr_list_sort_with; model_cmp is the order they should end in. */
static bool sorts_like_model(const purr_type *t, int64_t n, void (*fill)(void *slot, int64_t i),
                             int (*model_cmp)(const void *, const void *),
                             int (*cmp_ctx)(const void *, const void *, void *)) {
    purr_list *l = purr_list_new(t);
    for (int64_t i = 0; i < n; i++) fill(purr_list_push_slot(&l), i);
    size_t bytes = (size_t)n * t->size;
    char *want = malloc(bytes + 1);
    if (n > 0) memcpy(want, l->data, bytes);
    model_sort(want, n, t->size, model_cmp);
    if (cmp_ctx != NULL)
        purr_list_sort_with(&l, cmp_ctx, NULL);
    else
        purr_list_sort(&l);
    bool ok = l->len == n && (n == 0 || memcmp(l->data, want, bytes) == 0);
    free(want);
    purr_list_release(l);
    return ok;
}

static void test_sort_instances(void) {
    for (size_t i = 0; i < sizeof SORT_SIZES / sizeof SORT_SIZES[0]; i++) {
        int64_t n = SORT_SIZES[i];
        CHECK(sorts_like_model(&purr_type_i64, n, fill_i64, purr_type_i64.cmp, NULL));
        CHECK(sorts_like_model(&purr_type_u64, n, fill_u64, purr_type_u64.cmp, NULL));
        CHECK(sorts_like_model(&purr_type_f64, n, fill_f64, purr_type_f64.cmp, NULL));
        CHECK(sorts_like_model(&purr_type_str, n, fill_str, purr_type_str.cmp, NULL));
        CHECK(sorts_like_model(&word_type, n, fill_word, word_cmp, NULL));
        CHECK(sorts_like_model(&word_type, n, fill_word, word_cmp_desc, word_cmp_desc_ctx));
    }
}

/* The f64 order spelled out: NaN after +inf, -0.0 and 0.0 equal (so they
 * keep their order), whatever the NaN's sign. */
static void test_sort_f64_order(void) {
    const uint64_t in[] = {0x7ff8000000000001ULL, 0x8000000000000000ULL, 0x3ff0000000000000ULL,
                           0xfff8000000000000ULL, 0x0000000000000000ULL, 0xfff0000000000000ULL,
                           0x7ff0000000000000ULL, 0xbff0000000000000ULL, 0x7ff8000000000002ULL};
    const uint64_t want[] = {0xfff0000000000000ULL, 0xbff0000000000000ULL, 0x8000000000000000ULL,
                             0x0000000000000000ULL, 0x3ff0000000000000ULL, 0x7ff0000000000000ULL,
                             0x7ff8000000000001ULL, 0xfff8000000000000ULL, 0x7ff8000000000002ULL};
    purr_list *l = purr_list_new(&purr_type_f64);
    for (int i = 0; i < 9; i++) *(double *)purr_list_push_slot(&l) = f64_bits(in[i]);
    purr_list_sort(&l);
    CHECK(memcmp(l->data, want, sizeof want) == 0);
    purr_list_release(l);
}

static void test_nested(void) {
    purr_list *outer = purr_list_new(&purr_type_list);
    for (int i = 0; i < 10; i++) {
        purr_list *inner = purr_list_new(&purr_type_str);
        for (int j = 0; j < i; j++) *(purr_str **)purr_list_push_slot(&inner) = purr_str_of_i64(j);
        *(purr_list **)purr_list_push_slot(&outer) = inner;
    }
    purr_list *copy = outer;
    purr_list_retain(copy);
    purr_list **inner = purr_list_at_mut(&copy, 5, &LOC);
    push_str(inner, "extra");
    CHECK((*(purr_list **)purr_list_at(outer, 5, &LOC))->len == 5);
    CHECK((*(purr_list **)purr_list_at(copy, 5, &LOC))->len == 6);
    CHECK(!purr_type_list.eq(&outer, &copy));
    purr_list_release(outer);
    purr_list_release(copy);
}

static void test_args(void) {
    char *argv[] = {"prog", "one", "two", NULL};
    purr_init(3, argv);
    purr_list *args = purr_args();
    CHECK(args->len == 3);
    CHECK_STR(STR(args, 0), "prog");
    CHECK_STR(STR(args, 2), "two");
    purr_list_release(args);
}

int main(void) {
    RUN(test_push_and_grow);
    RUN(test_cow_scalars);
    RUN(test_cow_strings);
    RUN(test_from_array);
    RUN(test_cow_immortal);
    RUN(test_insert_remove_pop);
    RUN(test_bounds_panics);
    RUN(test_slice_clear);
    RUN(test_contains_eq);
    RUN(test_sort_ints);
    RUN(test_sort_strings);
    RUN(test_sort_stable);
    RUN(test_sort_instances);
    RUN(test_sort_f64_order);
    RUN(test_nested);
    RUN(test_args);
    return test_finish();
}
