/* C equivalent of containers.pu: the same work, the same output.
 * Plain C as a programmer would write it: a growable int64 array, an
 * open-addressing int64 -> int64 hash map (linear probing, power-of-two
 * capacity, load <= 1/2), qsort, malloc'd strings and one join. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 2000000
#define RANGE 500000
#define LOOKUPS 2000000
#define STRINGS 400000

typedef struct { int64_t *v; int64_t len, cap; } vec;

static void vec_push(vec *a, int64_t x) {
    if (a->len == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 8;
        a->v = realloc(a->v, (size_t)a->cap * sizeof *a->v);
    }
    a->v[a->len++] = x;
}

typedef struct { int64_t key, val; int used; } slot;
typedef struct { slot *s; uint64_t mask; int64_t len; } map;

static uint64_t hash(int64_t k) {
    uint64_t x = (uint64_t)k;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
}

static slot *find(const map *m, int64_t k) {
    for (uint64_t i = hash(k) & m->mask;; i = (i + 1) & m->mask)
        if (!m->s[i].used || m->s[i].key == k) return &m->s[i];
}

static int map_get(const map *m, int64_t k, int64_t *out) {
    slot *e = find(m, k);
    if (!e->used) return 0;
    *out = e->val;
    return 1;
}

static void map_set(map *m, int64_t k, int64_t v);

static void grow(map *m) {
    slot *old = m->s;
    uint64_t n = m->mask + 1;
    m->mask = n * 2 - 1;
    m->s = calloc(n * 2, sizeof *m->s);
    m->len = 0;
    for (uint64_t i = 0; i < n; i++)
        if (old[i].used) map_set(m, old[i].key, old[i].val);
    free(old);
}

static void map_set(map *m, int64_t k, int64_t v) {
    slot *e = find(m, k);
    if (!e->used) {
        if ((uint64_t)(m->len + 1) * 2 > m->mask + 1) {
            grow(m);
            e = find(m, k);
        }
        e->used = 1;
        e->key = k;
        m->len++;
    }
    e->val = v;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(void) {
    vec xs = {0};
    uint64_t x = 42;
    for (int64_t i = 0; i < N; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        vec_push(&xs, (int64_t)(x >> 33) % RANGE);
    }
    int64_t sum = 0;
    for (int64_t i = 0; i < xs.len; i++) sum += xs.v[i];
    printf("list: %" PRId64 " values, sum %" PRId64 "\n", xs.len, sum);

    map counts = {calloc(8, sizeof(slot)), 7, 0};
    for (int64_t i = 0; i < xs.len; i++) {
        int64_t v = xs.v[i], c;
        if (map_get(&counts, v, &c))
            map_set(&counts, v, c + 1);
        else
            map_set(&counts, v, 1);
    }
    printf("map: %" PRId64 " distinct keys\n", counts.len);

    int64_t found = 0, missing = 0;
    for (int64_t i = 0; i < LOOKUPS; i++) {
        int64_t c;
        if (map_get(&counts, (i * 7919) % (2 * RANGE), &c))
            found += c;
        else
            missing += 1;
    }
    printf("lookups: found %" PRId64 ", missing %" PRId64 "\n", found, missing);
    for (int64_t k = 0; k < RANGE; k++) {
        int64_t c;
        if (k % 3 == 0 && map_get(&counts, k, &c)) {
            int64_t cur;
            map_get(&counts, k, &cur);
            map_set(&counts, k, cur * 10);
        }
    }
    int64_t weighted = 0;
    for (uint64_t i = 0; i <= counts.mask; i++)
        if (counts.s[i].used) weighted += counts.s[i].key * counts.s[i].val;
    printf("after updates: weighted sum %" PRId64 "\n", weighted);

    int64_t *sorted = malloc((size_t)xs.len * sizeof *sorted);
    memcpy(sorted, xs.v, (size_t)xs.len * sizeof *sorted);
    qsort(sorted, (size_t)xs.len, sizeof *sorted, cmp_i64);
    int64_t check = 0;
    for (int64_t i = 0; i < xs.len; i++) check += sorted[i] * (i % 1000);
    printf("sorted: min %" PRId64 ", median %" PRId64 ", max %" PRId64 ", check %" PRId64 "\n", sorted[0],
           sorted[xs.len / 2], sorted[xs.len - 1], check);

    char **parts = NULL;
    int64_t nparts = 0, cap = 0, stride = N / STRINGS;
    for (int64_t i = 0; i < STRINGS; i++) {
        char buf[32];
        int n = snprintf(buf, sizeof buf, "%" PRId64, sorted[i * stride]);
        if (nparts == cap) {
            cap = cap ? cap * 2 : 8;
            parts = realloc(parts, (size_t)cap * sizeof *parts);
        }
        parts[nparts] = malloc((size_t)n + 1);
        memcpy(parts[nparts++], buf, (size_t)n + 1);
    }
    size_t total = 0;
    for (int64_t i = 0; i < nparts; i++) total += strlen(parts[i]) + (i > 0);
    char *joined = malloc(total + 1), *p = joined;
    for (int64_t i = 0; i < nparts; i++) {
        if (i > 0) *p++ = ',';
        size_t n = strlen(parts[i]);
        memcpy(p, parts[i], n);
        p += n;
    }
    *p = 0;
    printf("joined: %zu bytes, starts %.30s\n", total, joined);

    for (int64_t i = 0; i < nparts; i++) free(parts[i]);
    free(parts);
    free(joined);
    free(sorted);
    free(counts.s);
    free(xs.v);
    return 0;
}
