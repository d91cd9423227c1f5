/* map.c — hash maps that iterate in insertion order.
 *
 * Layout (the scheme of CPython's dict):
 *   entries: entry_cap fixed-size entries, the first `used` of them written in
 *     insertion order. An entry is [hash u64][key][value], key and value each
 *     padded to 8 bytes. A removed entry keeps its place as a tombstone
 *     (hash == TOMBSTONE) so that the order of the others is undisturbed.
 *     8-byte padding suits every Purr value (scalars, pointers, structs of
 *     them); a value type needing 16-byte alignment would need more.
 *   index: 2^k int32 slots (index_mask == 2^k - 1) mapping hash -> entry
 *     position: EMPTY, DELETED (the entry was removed), or a position.
 *
 * Invariants:
 *   - live <= used <= entry_cap == slots * 2 / 3 (entries and index are both
 *     NULL, and entry_cap 0, until the first insertion).
 *   - Each live entry's position is in exactly one index slot, reachable
 *     from hash & index_mask by the probe sequence without crossing an EMPTY
 *     slot; tombstoned entries are in no slot.
 *   - Non-EMPTY slots <= used < slots, so every probe meets an EMPTY slot and
 *     terminates.
 *   - Live entries' stored hashes are < 2^63, so none equals TOMBSTONE.
 * When an insertion finds used == entry_cap, the entries are rebuilt without
 * tombstones: at the same size when at least half are tombstones, else at
 * twice the size, so each rebuild is paid for by the insertions or removals
 * since the last one. Copy-on-write copies both arrays as they are, so
 * entry positions survive making a map unique. */
#include "internal.h"

#define TOMBSTONE UINT64_MAX
#define HASH_MASK (UINT64_MAX >> 1)
enum { INDEX_EMPTY = -1, INDEX_DELETED = -2, MIN_SLOTS = 8 };

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static size_t slot_count(const purr_map *m) { return m->index == NULL ? 0 : (size_t)m->index_mask + 1; }

static char *entry_at(const purr_map *m, int64_t i) { return m->entries + (size_t)i * m->entry_size; }
static uint64_t entry_hash(const char *e) {
    uint64_t h;
    memcpy(&h, e, sizeof h);
    return h;
}
static void set_entry_hash(char *e, uint64_t h) { memcpy(e, &h, sizeof h); }
static char *entry_key(char *e) { return e + sizeof(uint64_t); }
static char *entry_val(const purr_map *m, char *e) { return e + sizeof(uint64_t) + pad8(m->key->size); }

static uint64_t key_hash(const purr_map *m, const void *key) { return m->key->hash(key) & HASH_MASK; }

static bool key_eq(const purr_map *m, const void *a, const void *b) {
    return m->key->eq != NULL ? m->key->eq(a, b) : memcmp(a, b, m->key->size) == 0;
}

static void drop_value(const purr_type *t, void *v) {
    if (t->drop != NULL) t->drop(v);
}

purr_map *purr_map_new(const purr_type *key, const purr_type *val) {
    if (key->hash == NULL) purr__fatal("map key type has no hash");
    purr_map *m = purr_alloc(sizeof *m);
    m->rc = 1;
    m->live = 0;
    m->used = 0;
    m->entry_cap = 0;
    m->key = key;
    m->val = val;
    m->entry_size = sizeof(uint64_t) + pad8(key->size) + pad8(val->size);
    m->entries = NULL;
    m->index = NULL;
    m->index_mask = 0;
    return m;
}

/* Drops every live key and value (the entries themselves stay allocated). */
static void drop_entries(purr_map *m) {
    if (m->key->drop == NULL && m->val->drop == NULL) return;
    for (int64_t i = 0; i < m->used; i++) {
        char *e = entry_at(m, i);
        if (entry_hash(e) == TOMBSTONE) continue;
        drop_value(m->key, entry_key(e));
        drop_value(m->val, entry_val(m, e));
    }
}

static void free_tables(purr_map *m) {
    purr_free(m->entries, (size_t)m->entry_cap * m->entry_size);
    purr_free(m->index, slot_count(m) * sizeof(int32_t));
}

void purr_map__free(purr_map *m) {
    drop_entries(m);
    free_tables(m);
    purr_free(m, sizeof *m);
}

void purr_map_make_unique(purr_map **mp) {
    purr_map *m = *mp;
    if (m->rc == 1) return;
    purr_map *copy = purr_alloc(sizeof *copy);
    *copy = *m;
    copy->rc = 1;
    if (m->index != NULL) {
        size_t entry_bytes = (size_t)m->entry_cap * m->entry_size;
        size_t index_bytes = slot_count(m) * sizeof(int32_t);
        copy->entries = purr_alloc(entry_bytes);
        copy->index = purr_alloc(index_bytes);
        memcpy(copy->entries, m->entries, (size_t)m->used * m->entry_size);
        memcpy(copy->index, m->index, index_bytes);
        for (int64_t i = 0; i < m->used; i++) {
            char *src = entry_at(m, i), *dst = entry_at(copy, i);
            if (entry_hash(src) == TOMBSTONE) continue;
            if (m->key->dup != NULL) m->key->dup(entry_key(dst), entry_key(src));
            if (m->val->dup != NULL) m->val->dup(entry_val(copy, dst), entry_val(m, src));
        }
    }
    purr_map_release(m);
    *mp = copy;
}

/* Probes for key. Returns the index slot holding its entry, or -1; in that
 * case *free_slot (if not NULL) is the first DELETED or EMPTY slot on the
 * probe sequence, where the key belongs. Triangular probing (steps 1, 2, 3,
 * ...) visits every slot of a power-of-two table. */
static int64_t probe(const purr_map *m, const void *key, uint64_t h, int64_t *free_slot) {
    int64_t first_free = -1;
    uint64_t i = h & m->index_mask;
    for (uint64_t step = 1;; step++) {
        int32_t pos = m->index[i];
        if (pos == INDEX_EMPTY) {
            if (free_slot != NULL) *free_slot = first_free >= 0 ? first_free : (int64_t)i;
            return -1;
        }
        if (pos == INDEX_DELETED) {
            if (first_free < 0) first_free = (int64_t)i;
        } else {
            char *e = entry_at(m, pos);
            if (entry_hash(e) == h && key_eq(m, entry_key(e), key)) return (int64_t)i;
        }
        i = (i + step) & m->index_mask;
    }
}

/* Entry position of key, or -1. */
static int64_t find(const purr_map *m, const void *key) {
    if (m->live == 0) return -1;
    int64_t s = probe(m, key, key_hash(m, key), NULL);
    return s < 0 ? -1 : m->index[s];
}

/* Moves the live entries, in order, into fresh tables with `slots` index
 * slots, dropping the tombstones. */
static void rebuild(purr_map *m, size_t slots) {
    int64_t entry_cap = (int64_t)(slots * 2 / 3);
    if (entry_cap > INT32_MAX) purr__fatal("map of more than %d entries", INT32_MAX);
    char *entries = purr_alloc(purr__array_bytes(entry_cap, m->entry_size));
    int32_t *index = purr_alloc(slots * sizeof(int32_t));
    memset(index, 0xff, slots * sizeof(int32_t)); /* all INDEX_EMPTY */
    uint64_t mask = slots - 1;
    int32_t n = 0;
    for (int64_t i = 0; i < m->used; i++) {
        char *e = entry_at(m, i);
        uint64_t h = entry_hash(e);
        if (h == TOMBSTONE) continue;
        memcpy(entries + (size_t)n * m->entry_size, e, m->entry_size);
        uint64_t s = h & mask;
        for (uint64_t step = 1; index[s] != INDEX_EMPTY; step++) s = (s + step) & mask;
        index[s] = n++;
    }
    free_tables(m);
    m->entries = entries;
    m->index = index;
    m->index_mask = mask;
    m->entry_cap = entry_cap;
    m->used = n;
}

void *purr_map_get(const purr_map *m, const void *key) {
    int64_t pos = find(m, key);
    return pos < 0 ? NULL : entry_val(m, entry_at(m, pos));
}

void *purr_map_at(const purr_map *m, const void *key, const purr_loc *loc) {
    void *v = purr_map_get(m, key);
    if (v == NULL) purr_panic(loc, "missing map key");
    return v;
}

void *purr_map_at_mut(purr_map **m, const void *key, const purr_loc *loc) {
    int64_t pos = find(*m, key);
    if (pos < 0) purr_panic(loc, "missing map key");
    purr_map_make_unique(m);
    return entry_val(*m, entry_at(*m, pos));
}

bool purr_map_has(const purr_map *m, const void *key) { return find(m, key) >= 0; }

void purr_map_set(purr_map **mp, const void *key, const void *val) {
    purr_map_make_unique(mp);
    purr_map *m = *mp;
    uint64_t h = key_hash(m, key);
    int64_t free_slot = -1;
    int64_t s = m->index != NULL ? probe(m, key, h, &free_slot) : -1;
    if (s >= 0) {
        char *e = entry_at(m, m->index[s]);
        drop_value(m->key, (void *)key); /* ownership of the duplicate key was passed in */
        drop_value(m->val, entry_val(m, e));
        memcpy(entry_val(m, e), val, m->val->size);
        return;
    }
    if (m->used == m->entry_cap) {
        size_t slots = slot_count(m);
        bool mostly_tombstones = m->live <= m->entry_cap / 2;
        rebuild(m, slots == 0 ? MIN_SLOTS : mostly_tombstones ? slots : slots * 2);
        probe(m, key, h, &free_slot);
    }
    char *e = entry_at(m, m->used);
    set_entry_hash(e, h);
    memcpy(entry_key(e), key, m->key->size);
    memcpy(entry_val(m, e), val, m->val->size);
    m->index[free_slot] = (int32_t)m->used;
    m->used++;
    m->live++;
}

bool purr_map_remove(purr_map **mp, const void *key, void *out) {
    if ((*mp)->live == 0) return false;
    int64_t s = probe(*mp, key, key_hash(*mp, key), NULL);
    if (s < 0) return false;
    purr_map_make_unique(mp); /* keeps slots and positions */
    purr_map *m = *mp;
    char *e = entry_at(m, m->index[s]);
    drop_value(m->key, entry_key(e));
    if (out != NULL)
        memcpy(out, entry_val(m, e), m->val->size);
    else
        drop_value(m->val, entry_val(m, e));
    set_entry_hash(e, TOMBSTONE);
    m->index[s] = INDEX_DELETED;
    m->live--;
    return true;
}

void purr_map_clear(purr_map **mp) {
    purr_map *m = *mp;
    if (m->rc != 1) {
        /* Shared: nothing to copy, just stop sharing. */
        *mp = purr_map_new(m->key, m->val);
        purr_map_release(m);
        return;
    }
    drop_entries(m);
    m->live = 0;
    m->used = 0;
    if (m->index != NULL) memset(m->index, 0xff, slot_count(m) * sizeof(int32_t));
}

static purr_list *collect(const purr_map *m, bool values) {
    const purr_type *t = values ? m->val : m->key;
    purr_list *l = purr_list_with_cap(t, m->live);
    for (int64_t i = purr_map_next(m, -1); i >= 0; i = purr_map_next(m, i)) {
        const void *src = values ? purr_map_val_at(m, i) : purr_map_key_at(m, i);
        void *dst = purr_list_push_slot(&l);
        if (t->dup != NULL)
            t->dup(dst, src);
        else
            memcpy(dst, src, t->size);
    }
    return l;
}

purr_list *purr_map_keys(const purr_map *m) { return collect(m, false); }
purr_list *purr_map_values(const purr_map *m) { return collect(m, true); }

int64_t purr_map_next(const purr_map *m, int64_t i) {
    for (i++; i < m->used; i++)
        if (entry_hash(entry_at(m, i)) != TOMBSTONE) return i;
    return -1;
}

void *purr_map_key_at(const purr_map *m, int64_t i) { return entry_key(entry_at(m, i)); }
void *purr_map_val_at(const purr_map *m, int64_t i) { return entry_val(m, entry_at(m, i)); }
