/* test_map.c — maps: insertion order through overwrite, removal, growth and
 * compaction (also over keys whose hashes share tags, home slots, or all
 * bits); copy-on-write; value and key ownership. */
#include "test.h"

#include "internal.h" /* purr__mix64, to build keys with chosen hashes */

static void set_ii(purr_map **m, int64_t k, int64_t v) { purr_map_set(m, &k, &v); }

static int64_t get_ii(const purr_map *m, int64_t k) { return *(int64_t *)purr_map_at(m, &k, &LOC); }

/* The keys of an i64-keyed map in iteration order. */
static int64_t keys_of(const purr_map *m, int64_t *out, int64_t max) {
    int64_t n = 0;
    for (int64_t i = purr_map_next(m, -1); i >= 0 && n < max; i = purr_map_next(m, i))
        out[n++] = *(int64_t *)purr_map_key_at(m, i);
    return n;
}

static bool keys_are(const purr_map *m, const int64_t *want, int64_t n) {
    int64_t got[64];
    int64_t k = keys_of(m, got, 64);
    if (k != n || purr_map_len(m) != n) return false;
    for (int64_t i = 0; i < n; i++)
        if (got[i] != want[i]) return false;
    return true;
}

static void test_order(void) {
    purr_map *m = purr_map_new(&purr_type_i64, &purr_type_i64);
    CHECK(purr_map_len(m) == 0 && purr_map_next(m, -1) == -1);
    int64_t k = 1;
    CHECK(purr_map_get(m, &k) == NULL && !purr_map_has(m, &k));
    set_ii(&m, 30, 1);
    set_ii(&m, 10, 2);
    set_ii(&m, 20, 3);
    CHECK(keys_are(m, (int64_t[]){30, 10, 20}, 3));
    set_ii(&m, 30, 4); /* overwrite keeps the position */
    CHECK(keys_are(m, (int64_t[]){30, 10, 20}, 3) && get_ii(m, 30) == 4);
    int64_t out = 0;
    k = 10;
    CHECK(purr_map_remove(&m, &k, &out) && out == 2);
    CHECK(!purr_map_remove(&m, &k, &out));
    CHECK(keys_are(m, (int64_t[]){30, 20}, 2) && !purr_map_has(m, &k));
    set_ii(&m, 10, 5); /* reinsertion goes to the end */
    CHECK(keys_are(m, (int64_t[]){30, 20, 10}, 3) && get_ii(m, 10) == 5);
    k = 30;
    CHECK(purr_map_remove(&m, &k, NULL));
    set_ii(&m, 40, 6);
    set_ii(&m, 30, 7);
    CHECK(keys_are(m, (int64_t[]){20, 10, 40, 30}, 4));
    *(int64_t *)purr_map_at_mut(&m, &k, &LOC) += 100;
    CHECK(get_ii(m, 30) == 107);
    purr_map_clear(&m);
    CHECK(purr_map_len(m) == 0 && purr_map_next(m, -1) == -1);
    set_ii(&m, 1, 1);
    CHECK(keys_are(m, (int64_t[]){1}, 1));
    purr_map_release(m);
}

static void test_large(void) {
    enum { N = 10000 };
    purr_map *m = purr_map_new(&purr_type_i64, &purr_type_i64);
    for (int64_t i = 0; i < N; i++) set_ii(&m, i * 7919 % N, i);
    CHECK(purr_map_len(m) == N);
    bool ok = true;
    for (int64_t i = 0; i < N; i++) ok = ok && get_ii(m, i * 7919 % N) == i;
    CHECK(ok);
    /* Remove two thirds, in an order unrelated to insertion. */
    for (int64_t k = 0; k < N; k++) {
        if (k % 3 == 0) continue;
        int64_t out = -1;
        ok = ok && purr_map_remove(&m, &k, &out) && out * 7919 % N == k;
    }
    CHECK(ok && purr_map_len(m) == (N + 2) / 3);
    /* Reinsert some removed keys: they go to the end, in reinsertion order. */
    for (int64_t k = N - 1; k > N - 100; k--)
        if (k % 3 != 0) set_ii(&m, k, -k);
    /* Then enough new keys to force rebuilds while tombstones exist. */
    for (int64_t k = N; k < 2 * N; k++) set_ii(&m, k, k);

    int64_t prev_i = -1, count = 0;
    int64_t phase = 0; /* 0: survivors in insertion order, 1: reinserted, 2: new */
    int64_t last_reinserted = N, last_new = N - 1;
    for (int64_t i = purr_map_next(m, -1); i >= 0; i = purr_map_next(m, i)) {
        int64_t k = *(int64_t *)purr_map_key_at(m, i), v = *(int64_t *)purr_map_val_at(m, i);
        if (phase == 0 && k % 3 != 0) phase = 1;
        if (phase == 1 && k >= N) phase = 2;
        if (phase == 0) {
            ok = ok && v > prev_i && v * 7919 % N == k; /* insertion index increases */
            prev_i = v;
        } else if (phase == 1) {
            ok = ok && v == -k && k < last_reinserted;
            last_reinserted = k;
        } else {
            ok = ok && k == last_new + 1 && v == k;
            last_new = k;
        }
        count++;
    }
    CHECK(ok && phase == 2 && last_new == 2 * N - 1);
    CHECK(count == purr_map_len(m) && count == (N + 2) / 3 + 66 + N);
    purr_map_release(m);
}

/* A queue-like workload: the map stays small, so compaction, not growth,
 * must absorb the tombstones. */
static void test_churn_stays_small(void) {
    purr_map *m = purr_map_new(&purr_type_i64, &purr_type_i64);
    bool ok = true;
    for (int64_t k = 0; k < 100000; k++) {
        set_ii(&m, k, k);
        if (k >= 10) {
            int64_t old = k - 10, out;
            ok = ok && purr_map_remove(&m, &old, &out) && out == old;
        }
    }
    CHECK(ok && purr_map_len(m) == 10 && m->entry_cap <= 64);
    CHECK(keys_are(m, (int64_t[]){99990, 99991, 99992, 99993, 99994, 99995, 99996, 99997, 99998, 99999}, 10));
    purr_map_release(m);
}

/* Random operations checked against a plain array kept in insertion order.
 * key_of maps the model's keys (-150..149) to the map's 8-byte keys, which
 * lets the same workload run over keys whose hashes collide. */
static void check_against_model(const purr_type *key_type, int64_t (*key_of)(int64_t), int ops) {
    enum { KEYS = 300 };
    int64_t order[KEYS], vals[KEYS];
    int64_t n = 0;
    uint64_t x = 0x2545F4914F6CDD1DULL;
    purr_map *m = purr_map_new(key_type, &purr_type_i64);
    purr_map *snapshot = NULL;
    bool ok = true;
    for (int op = 0; op < ops && ok; op++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t k = key_of((int64_t)(x % KEYS) - KEYS / 2);
        int64_t at = -1;
        for (int64_t i = 0; i < n; i++)
            if (order[i] == k) at = i;
        if ((x >> 20) % 5 < 3) {
            set_ii(&m, k, op);
            if (at < 0) {
                order[n] = k;
                at = n++;
            }
            vals[at] = op;
        } else {
            int64_t out = 0;
            bool removed = purr_map_remove(&m, &k, &out);
            ok = ok && removed == (at >= 0) && (!removed || out == vals[at]);
            if (at >= 0) {
                memmove(&order[at], &order[at + 1], (size_t)(n - at - 1) * sizeof order[0]);
                memmove(&vals[at], &vals[at + 1], (size_t)(n - at - 1) * sizeof vals[0]);
                n--;
            }
        }
        if (op % 1000 == 0) { /* an old copy must not change under later writes */
            if (snapshot != NULL) purr_map_release(snapshot);
            snapshot = m;
            purr_map_retain(snapshot);
        }
        int64_t i = purr_map_next(m, -1);
        for (int64_t j = 0; j < n; j++, i = purr_map_next(m, i))
            ok = ok && i >= 0 && *(int64_t *)purr_map_key_at(m, i) == order[j] &&
                 *(int64_t *)purr_map_val_at(m, i) == vals[j];
        ok = ok && i == -1 && purr_map_len(m) == n;
        if (op % 97 == 0)
            for (int64_t j = 0; j < n; j++) ok = ok && get_ii(m, order[j]) == vals[j];
    }
    CHECK(ok);
    purr_map_release(m);
    purr_map_release(snapshot);
}

/* The inverse of purr__mix64, to build i64 keys with chosen hashes. */
static uint64_t odd_inverse(uint64_t c) {
    uint64_t x = c; /* Newton's iteration doubles the correct low bits */
    for (int i = 0; i < 6; i++) x *= 2 - c * x;
    return x;
}
static uint64_t unxorshift(uint64_t x, int shift) {
    for (int s = shift; s < 64; s += shift) x ^= x >> s;
    return x;
}
static uint64_t unmix64(uint64_t h) {
    h = unxorshift(h, 31);
    h *= odd_inverse(0x94d049bb133111ebULL);
    h = unxorshift(h, 27);
    h *= odd_inverse(0xbf58476d1ce4e5b9ULL);
    return unxorshift(h, 30);
}

#define SHARED_TAG 0x5eed1234ULL

static int64_t plain_key(int64_t k) { return k; }
/* Every hash has the same tag and, in tables of up to 2^20 slots, the same
 * home slot: each probe matches tags and only the key compare tells the
 * keys apart. */
static int64_t same_tag_key(int64_t k) { return (int64_t)unmix64(SHARED_TAG << 32 | (uint64_t)(k + 150) << 20); }
/* Pairs of hashes that differ only in bit 63, which the map clears: equal
 * hashes for different keys. */
static int64_t top_bit_key(int64_t k) {
    return (int64_t)unmix64((uint64_t)(k & 1) << 63 | SHARED_TAG << 32 | (uint64_t)((k + 150) >> 1) << 20);
}

/* Keys that are not words (so hashed through the type) with only four
 * hashes among them, all with bit 63 set: after masking, their tag is
 * 0x7fffffff, one short of the all-ones tag of EMPTY and DELETED slots. */
static uint64_t clash_hash(const void *a) { return UINT64_MAX - ((uint64_t)*(const int64_t *)a & 3); }
static bool clash_eq(const void *a, const void *b) { return *(const int64_t *)a == *(const int64_t *)b; }
static const purr_type clash_type = {sizeof(int64_t), NULL, NULL, clash_eq, clash_hash, NULL};
static const purr_type clash_bytes_type = {sizeof(int64_t), NULL, NULL, NULL, clash_hash, NULL}; /* eq by memcmp */

static void test_against_model(void) {
    CHECK(purr__mix64(unmix64(0x0123456789abcdefULL)) == 0x0123456789abcdefULL);
    CHECK((purr__mix64((uint64_t)same_tag_key(7)) >> 32) == SHARED_TAG);
    check_against_model(&purr_type_i64, plain_key, 40000);
    check_against_model(&purr_type_i64, same_tag_key, 10000);
    check_against_model(&purr_type_i64, top_bit_key, 10000);
    check_against_model(&clash_type, plain_key, 10000);
    check_against_model(&clash_bytes_type, plain_key, 10000);
}

/* u64 and ptr keys take the inline path too; i32 and string keys do not. */
static void test_word_key_types(void) {
    purr_map *u = purr_map_new(&purr_type_u64, &purr_type_i64);
    const uint64_t keys[] = {0, 1, UINT64_MAX, 1ULL << 63, (1ULL << 63) - 1, 0xdeadbeefULL};
    for (int64_t i = 0; i < 6; i++) purr_map_set(&u, &keys[i], &i);
    bool ok = u->word_keys && purr_map_len(u) == 6;
    for (int64_t i = 0; i < 6; i++) ok = ok && *(int64_t *)purr_map_at(u, &keys[i], &LOC) == i;
    uint64_t absent = 2;
    ok = ok && !purr_map_has(u, &absent) && purr_map_remove(&u, &keys[2], NULL) && !purr_map_has(u, &keys[2]);
    CHECK(ok && purr_map_len(u) == 5);
    purr_map_release(u);

    static int cells[100];
    purr_map *p = purr_map_new(&purr_type_ptr, &purr_type_i64);
    for (int64_t i = 0; i < 100; i++) {
        void *k = &cells[(i * 37) % 100];
        purr_map_set(&p, &k, &i);
    }
    ok = p->word_keys && purr_map_len(p) == 100;
    for (int64_t i = 0; i < 100; i++) {
        void *k = &cells[(i * 37) % 100];
        ok = ok && *(int64_t *)purr_map_at(p, &k, &LOC) == i;
    }
    CHECK(ok);
    purr_map_release(p);

    purr_map *s = purr_map_new(&purr_type_str, &purr_type_i64), *w = purr_map_new(&purr_type_i32, &purr_type_i64);
    CHECK(!s->word_keys && !w->word_keys);
    purr_map_release(s);
    purr_map_release(w);
}

static void test_cow(void) {
    purr_map *a = purr_map_new(&purr_type_i64, &purr_type_i64);
    for (int64_t k = 0; k < 100; k++) set_ii(&a, k, k);
    int64_t k = 50;
    purr_map_remove(&a, &k, NULL); /* a tombstone to copy */

    purr_map *b = a;
    purr_map_retain(b);
    set_ii(&b, 1, -1);
    CHECK(b != a && get_ii(a, 1) == 1 && get_ii(b, 1) == -1);
    purr_map *c = a;
    purr_map_retain(c);
    k = 2;
    CHECK(purr_map_remove(&c, &k, NULL));
    CHECK(purr_map_has(a, &k) && !purr_map_has(c, &k) && purr_map_len(a) == 99 && purr_map_len(c) == 98);
    purr_map *d = a;
    purr_map_retain(d);
    k = 3;
    *(int64_t *)purr_map_at_mut(&d, &k, &LOC) = 333;
    CHECK(get_ii(a, 3) == 3 && get_ii(d, 3) == 333);
    purr_map *e = a;
    purr_map_retain(e);
    purr_map_clear(&e);
    CHECK(purr_map_len(e) == 0 && purr_map_len(a) == 99);
    /* Removing a missing key from a shared map copies nothing. */
    purr_map *f = a;
    purr_map_retain(f);
    k = 1000;
    CHECK(!purr_map_remove(&f, &k, NULL) && f == a && a->rc == 2);
    purr_map_release(f);
    /* Immortal maps are copied before any write. */
    a->rc = -1;
    purr_map *g = a;
    set_ii(&g, 0, 7);
    CHECK(g != a && get_ii(a, 0) == 0 && get_ii(g, 0) == 7);
    a->rc = 1;
    purr_map *maps[] = {a, b, c, d, e, g};
    for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) purr_map_release(maps[i]);
}

static void test_string_keys(void) {
    purr_map *m = purr_map_new(&purr_type_str, &purr_type_str);
    const char *words[] = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
    for (int i = 0; i < 10; i++) {
        purr_str *k = purr_str_from_cstr(words[i]), *v = purr_str_of_i64(i + 1);
        purr_map_set(&m, &k, &v);
    }
    /* Overwrite with an equal but distinct key object: the map keeps its own
     * key and drops the one passed in, and releases the old value. */
    purr_str *k = purr_str_from_cstr("three"), *v = purr_str_from_cstr("THREE");
    purr_str_retain(k); /* keep a reference to watch */
    purr_map_set(&m, &k, &v);
    CHECK(k->rc == 1);
    CHECK_STR(*(purr_str **)purr_map_at(m, &k, &LOC), "THREE");
    purr_list *keys = purr_map_keys(m);
    purr_list *vals = purr_map_values(m);
    CHECK(keys->len == 10 && vals->len == 10 && keys->elem == &purr_type_str);
    for (int i = 0; i < 10; i++) CHECK_STR(*(purr_str **)purr_list_at(keys, i, &LOC), words[i]);
    CHECK_STR(*(purr_str **)purr_list_at(vals, 2, &LOC), "THREE");
    CHECK_STR(*(purr_str **)purr_list_at(vals, 9, &LOC), "10");
    purr_str *removed = NULL;
    CHECK(purr_map_remove(&m, &k, &removed));
    CHECK_STR(removed, "THREE");
    purr_str_release(removed);
    CHECK(purr_map_get(m, &k) == NULL);
    purr_str_release(k);

    purr_map *copy = m;
    purr_map_retain(copy);
    purr_str *k2 = purr_str_from_cstr("ten"), *v2 = purr_str_from_cstr("X");
    purr_map_set(&copy, &k2, &v2);
    purr_str *ten = purr_str_from_cstr("ten");
    CHECK_STR(*(purr_str **)purr_map_at(m, &ten, &LOC), "10");
    CHECK_STR(*(purr_str **)purr_map_at(copy, &ten, &LOC), "X");
    purr_str_release(ten);
    purr_list_release(keys);
    purr_list_release(vals);
    purr_map_release(m);
    purr_map_release(copy);
}

static void test_small_key_types(void) {
    purr_map *m = purr_map_new(&purr_type_bool, &purr_type_i32);
    bool t = true, f = false;
    int32_t one = 1, two = 2;
    purr_map_set(&m, &t, &one);
    purr_map_set(&m, &f, &two);
    CHECK(*(int32_t *)purr_map_at(m, &t, &LOC) == 1 && *(int32_t *)purr_map_at(m, &f, &LOC) == 2);
    purr_map_release(m);

    purr_map *u = purr_map_new(&purr_type_u8, &purr_type_u64);
    bool ok = true;
    for (int i = 0; i < 256; i++) {
        uint8_t k = (uint8_t)(255 - i);
        uint64_t v = (uint64_t)i * 1000;
        purr_map_set(&u, &k, &v);
    }
    for (int i = 0; i < 256; i++) {
        uint8_t k = (uint8_t)i;
        ok = ok && *(uint64_t *)purr_map_at(u, &k, &LOC) == (uint64_t)(255 - i) * 1000;
    }
    CHECK(ok && purr_map_len(u) == 256);
    purr_map_release(u);

    purr_map *w = purr_map_new(&purr_type_i32, &purr_type_i16);
    for (int32_t k = -500; k < 500; k++) {
        int16_t v = (int16_t)(k * 3);
        purr_map_set(&w, &k, &v);
    }
    int32_t k = -499;
    CHECK(purr_map_len(w) == 1000 && *(int16_t *)purr_map_at(w, &k, &LOC) == -1497);
    purr_map_release(w);
}

/* A generated-struct-like value with owned fields. */
typedef struct user {
    purr_str *name;
    int64_t age;
    purr_list *tags;
} user;
static void user_dup(void *dst, const void *src) {
    *(user *)dst = *(const user *)src;
    purr_str_retain(((user *)dst)->name);
    purr_list_retain(((user *)dst)->tags);
}
static void user_drop(void *v) {
    purr_str_release(((user *)v)->name);
    purr_list_release(((user *)v)->tags);
}
static const purr_type user_type = {sizeof(user), user_dup, user_drop, NULL, NULL, NULL};

static void test_struct_values(void) {
    purr_map *m = purr_map_new(&purr_type_i64, &user_type);
    for (int64_t id = 0; id < 50; id++) {
        user u = {purr_str_of_i64(id), id + 20, purr_list_new(&purr_type_str)};
        *(purr_str **)purr_list_push_slot(&u.tags) = purr_str_from_cstr("tag");
        purr_map_set(&m, &id, &u);
    }
    purr_map *copy = m;
    purr_map_retain(copy);
    int64_t id = 7;
    user *u = purr_map_at_mut(&copy, &id, &LOC);
    *(purr_str **)purr_list_push_slot(&u->tags) = purr_str_from_cstr("more");
    u->age = 99;
    const user *orig = purr_map_at(m, &id, &LOC);
    CHECK(orig->age == 27 && orig->tags->len == 1 && u->tags->len == 2 && orig->name == u->name);
    user replacement = {purr_str_from_cstr("new"), 1, purr_list_new(&purr_type_str)};
    purr_map_set(&copy, &id, &replacement); /* releases the old value */
    user taken;
    id = 8;
    CHECK(purr_map_remove(&copy, &id, &taken));
    CHECK(taken.age == 28);
    user_drop(&taken);
    purr_map *nested = purr_map_new(&purr_type_i64, &purr_type_map);
    purr_map_set(&nested, &id, &m); /* moves our reference to m in */
    purr_map_release(nested);
    purr_map_release(copy);
}

static void missing_key(void) {
    purr_map *m = KEEP(purr_map_new(&purr_type_i64, &purr_type_i64));
    int64_t k = 5;
    purr_map_at(m, &k, &LOC);
}
static void missing_key_mut(void) {
    purr_map *m = KEEP(purr_map_new(&purr_type_i64, &purr_type_i64));
    set_ii(&m, 1, 1);
    KEEP(m);
    int64_t k = 5;
    purr_map_at_mut(&m, &k, &LOC);
}

static void test_panics(void) {
    EXPECT_PANIC(missing_key, AT "missing map key\n");
    EXPECT_PANIC(missing_key_mut, AT "missing map key\n");
}

int main(void) {
    RUN(test_order);
    RUN(test_large);
    RUN(test_churn_stays_small);
    RUN(test_against_model);
    RUN(test_word_key_types);
    RUN(test_cow);
    RUN(test_string_keys);
    RUN(test_small_key_types);
    RUN(test_struct_values);
    RUN(test_panics);
    return test_finish();
}
