/* map.c — hash maps that iterate in insertion order.
 *
 * Layout (the scheme of CPython's dict, with hash tags in the index):
 *   entries: entry_cap fixed-size entries, the first `used` of them written
 *     in insertion order. An entry is [key][value], each padded to 8 bytes.
 *     8-byte padding suits every Purr value (scalars, pointers, structs of
 *     them); a value type needing 16-byte alignment would need more.
 *   hashes: entry_cap u64, hashes[i] the hash of entry i's key, or
 *     TOMBSTONE once entry i is removed: a removed entry keeps its place so
 *     that the order of the others is undisturbed.
 *   index: 2^k u64 slots (index_mask == 2^k - 1) mapping hash -> entry
 *     position: INDEX_EMPTY, INDEX_DELETED (the entry was removed), or
 *     tag << 32 | position, where the tag is bits 32..62 of the key's hash
 *     (the home slot takes the low bits, so the tag adds bits it lacks).
 *
 * Why the tags: a lookup in a map larger than the cache misses once for
 * its index slot and once for the entry it names. With the tag in the slot,
 * a probe reads an entry only when the tags match, so an absent key costs
 * one miss, and a present one two; and hashes live apart from the entries
 * because a lookup never reads them, which packs the entries tighter
 * (map<i64, i64>: 16 bytes, four to a cache line).
 *
 * Invariants:
 *   - live <= used <= entry_cap == slots * 2 / 3 <= INT32_MAX (the three
 *     arrays are NULL, and entry_cap 0, until the first purr_map_set).
 *   - Each live entry's position is in exactly one index slot, with the tag
 *     of its hash, reachable from hash & index_mask by the probe sequence
 *     without crossing an EMPTY slot; removed entries are in no slot.
 *   - Non-EMPTY slots <= used < slots, so every probe meets an EMPTY slot and
 *     terminates.
 *   - Live entries' hashes are < 2^63 (HASH_MASK), so none equals TOMBSTONE
 *     and every tag is < 2^31, while EMPTY's and DELETED's tag bits are all
 *     ones: a slot whose tag matches always names an entry.
 * When an insertion finds used == entry_cap, the entries are rebuilt without
 * tombstones: at the same size when at least half are tombstones, else at
 * twice the size, so each rebuild is paid for by the insertions or removals
 * since the last one. Copy-on-write copies the arrays as they are, so entry
 * positions survive making a map unique.
 *
 * Keys of type i64, u64 and ptr ("word keys") are hashed and compared
 * inline, with the hash their types give (purr__mix64 of the 8 bytes); other
 * keys go through their purr_type. The probe is written once and
 * instantiated for both. */
#include "internal.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

#define TOMBSTONE UINT64_MAX
#define HASH_MASK (UINT64_MAX >> 1)
#define INDEX_EMPTY UINT64_MAX
#define INDEX_DELETED (UINT64_MAX - 1)
enum { MIN_SLOTS = 8 };

static size_t pad8(size_t n) { return (n + 7) & ~(size_t)7; }

static size_t slot_count(const purr_map *m) { return m->index == NULL ? 0 : (size_t)m->index_mask + 1; }

static uint64_t slot_of(uint64_t h, int64_t pos) { return (h & ~(uint64_t)UINT32_MAX) | (uint64_t)pos; }
static int64_t slot_pos(uint64_t slot) { return (int64_t)(uint32_t)slot; }

static char *entry_at(const purr_map *m, int64_t i) { return m->entries + (size_t)i * m->entry_size; }
static char *entry_key(char *e) { return e; }
static char *entry_val(const purr_map *m, char *e) { return e + pad8(m->key->size); }

static bool is_word_key(const purr_type *t) {
    return t == &purr_type_i64 || t == &purr_type_u64 || t == &purr_type_ptr;
}

static uint64_t load_word(const void *p) {
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

ALWAYS_INLINE uint64_t key_hash(const purr_map *m, const void *key, bool words) {
    return (words ? purr__mix64(load_word(key)) : m->key->hash(key)) & HASH_MASK;
}

ALWAYS_INLINE bool key_eq(const purr_map *m, const void *a, const void *b, bool words) {
    if (words) return load_word(a) == load_word(b);
    return m->key->eq != NULL ? m->key->eq(a, b) : memcmp(a, b, m->key->size) == 0;
}

/* Moves a key or value of t into place. Most are 8 bytes, which this
 * copies inline; memcpy with a size known only at run time is a call. */
static void move_value(const purr_type *t, void *dst, const void *src) {
    if (t->size == 8)
        memcpy(dst, src, 8);
    else
        memcpy(dst, src, t->size);
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
    m->entry_size = pad8(key->size) + pad8(val->size);
    m->word_keys = is_word_key(key);
    m->entries = NULL;
    m->hashes = NULL;
    m->index = NULL;
    m->index_mask = 0;
    return m;
}

/* Drops every live key and value (the entries themselves stay allocated). */
static void drop_entries(purr_map *m) {
    if (m->key->drop == NULL && m->val->drop == NULL) return;
    for (int64_t i = 0; i < m->used; i++) {
        if (m->hashes[i] == TOMBSTONE) continue;
        char *e = entry_at(m, i);
        drop_value(m->key, entry_key(e));
        drop_value(m->val, entry_val(m, e));
    }
}

static void free_tables(purr_map *m) {
    purr_free(m->entries, (size_t)m->entry_cap * m->entry_size);
    purr_free(m->hashes, (size_t)m->entry_cap * sizeof(uint64_t));
    purr_free(m->index, slot_count(m) * sizeof(uint64_t));
}

void purr_map__free(purr_map *m) {
    drop_entries(m);
    free_tables(m);
    purr_free(m, sizeof *m);
}

void purr_map__unshare(purr_map **mp) {
    purr_map *m = *mp;
    purr_map *copy = purr_alloc(sizeof *copy);
    *copy = *m;
    copy->rc = 1;
    if (m->index != NULL) {
        size_t index_bytes = slot_count(m) * sizeof(uint64_t);
        copy->entries = purr_alloc((size_t)m->entry_cap * m->entry_size);
        copy->hashes = purr_alloc((size_t)m->entry_cap * sizeof(uint64_t));
        copy->index = purr_alloc(index_bytes);
        memcpy(copy->entries, m->entries, (size_t)m->used * m->entry_size);
        memcpy(copy->hashes, m->hashes, (size_t)m->used * sizeof(uint64_t));
        memcpy(copy->index, m->index, index_bytes);
        for (int64_t i = 0; i < m->used; i++) {
            if (m->hashes[i] == TOMBSTONE) continue;
            char *src = entry_at(m, i), *dst = entry_at(copy, i);
            if (m->key->dup != NULL) m->key->dup(entry_key(dst), entry_key(src));
            if (m->val->dup != NULL) m->val->dup(entry_val(copy, dst), entry_val(m, src));
        }
    }
    purr_map_release(m);
    *mp = copy;
}

/* Probes for key, whose hash is h. Returns the index slot holding its
 * entry, or -1; in that case *free_slot (if not NULL) is the first DELETED
 * or EMPTY slot on the probe sequence, where the key belongs. Triangular
 * probing (steps 1, 2, 3, ...) visits every slot of a power-of-two table. */
ALWAYS_INLINE int64_t probe(const purr_map *m, const void *key, uint64_t h, int64_t *free_slot, bool words) {
    uint64_t tag = h >> 32;
    int64_t first_free = -1;
    uint64_t i = h & m->index_mask;
    for (uint64_t step = 1;; step++) {
        uint64_t s = m->index[i];
        if (s >> 32 == tag) {
            if (key_eq(m, entry_key(entry_at(m, slot_pos(s))), key, words)) return (int64_t)i;
        } else if (s == INDEX_EMPTY) {
            if (free_slot != NULL) *free_slot = first_free >= 0 ? first_free : (int64_t)i;
            return -1;
        } else if (s == INDEX_DELETED && first_free < 0) {
            first_free = (int64_t)i;
        }
        i = (i + step) & m->index_mask;
    }
}

/* probe for keys other than words, with their hash; out of line so that
 * the word-key path, inlined into each caller, makes no calls and saves no
 * registers. */
__attribute__((noinline)) static int64_t lookup_any(const purr_map *m, const void *key, uint64_t *h,
                                                    int64_t *free_slot) {
    *h = key_hash(m, key, false);
    return probe(m, key, *h, free_slot, false);
}

/* probe for m's kind of key; *h gets the key's hash. The map must have an
 * index. */
ALWAYS_INLINE int64_t lookup(const purr_map *m, const void *key, uint64_t *h, int64_t *free_slot) {
    if (!m->word_keys) return lookup_any(m, key, h, free_slot);
    *h = key_hash(m, key, true);
    return probe(m, key, *h, free_slot, true);
}

/* Entry position of key, or -1. */
ALWAYS_INLINE int64_t find(const purr_map *m, const void *key) {
    if (m->live == 0) return -1;
    uint64_t h;
    int64_t s = lookup(m, key, &h, NULL);
    return s < 0 ? -1 : slot_pos(m->index[s]);
}

/* The first EMPTY slot on h's probe sequence: where a key goes when the
 * index has no DELETED slots and the key is known to be absent. */
static int64_t empty_slot(const uint64_t *index, uint64_t mask, uint64_t h) {
    uint64_t s = h & mask;
    for (uint64_t step = 1; index[s] != INDEX_EMPTY; step++) s = (s + step) & mask;
    return (int64_t)s;
}

/* Moves the live entries, in order, into fresh tables with `slots` index
 * slots, dropping the tombstones. */
static void rebuild(purr_map *m, size_t slots) {
    int64_t entry_cap = (int64_t)(slots * 2 / 3);
    if (entry_cap > INT32_MAX) purr__fatal("map of more than %d entries", INT32_MAX);
    char *entries = purr_alloc(purr__array_bytes(entry_cap, m->entry_size));
    uint64_t *hashes = purr_alloc(purr__array_bytes(entry_cap, sizeof(uint64_t)));
    uint64_t *index = purr_alloc(slots * sizeof(uint64_t));
    memset(index, 0xff, slots * sizeof(uint64_t)); /* all INDEX_EMPTY */
    uint64_t mask = slots - 1;
    int64_t n = 0;
    for (int64_t i = 0; i < m->used; i++) {
        uint64_t h = m->hashes[i];
        if (h == TOMBSTONE) continue;
        memcpy(entries + (size_t)n * m->entry_size, entry_at(m, i), m->entry_size);
        hashes[n] = h;
        index[empty_slot(index, mask, h)] = slot_of(h, n);
        n++;
    }
    free_tables(m);
    m->entries = entries;
    m->hashes = hashes;
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
    if (m->index == NULL) rebuild(m, MIN_SLOTS);
    uint64_t h;
    int64_t free_slot;
    int64_t s = lookup(m, key, &h, &free_slot);
    if (s >= 0) {
        char *e = entry_at(m, slot_pos(m->index[s]));
        drop_value(m->key, (void *)key); /* ownership of the duplicate key was passed in */
        drop_value(m->val, entry_val(m, e));
        move_value(m->val, entry_val(m, e), val);
        return;
    }
    if (m->used == m->entry_cap) {
        size_t slots = slot_count(m);
        bool mostly_tombstones = m->live <= m->entry_cap / 2;
        rebuild(m, mostly_tombstones ? slots : slots * 2);
        free_slot = empty_slot(m->index, m->index_mask, h);
    }
    char *e = entry_at(m, m->used);
    move_value(m->key, entry_key(e), key);
    move_value(m->val, entry_val(m, e), val);
    m->hashes[m->used] = h;
    m->index[free_slot] = slot_of(h, m->used);
    m->used++;
    m->live++;
}

bool purr_map_remove(purr_map **mp, const void *key, void *out) {
    if ((*mp)->live == 0) return false;
    uint64_t h;
    int64_t s = lookup(*mp, key, &h, NULL);
    if (s < 0) return false;
    purr_map_make_unique(mp); /* keeps slots and positions */
    purr_map *m = *mp;
    int64_t pos = slot_pos(m->index[s]);
    char *e = entry_at(m, pos);
    drop_value(m->key, entry_key(e));
    if (out != NULL)
        memcpy(out, entry_val(m, e), m->val->size);
    else
        drop_value(m->val, entry_val(m, e));
    m->hashes[pos] = TOMBSTONE;
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
    if (m->index != NULL) memset(m->index, 0xff, slot_count(m) * sizeof(uint64_t)); /* all INDEX_EMPTY */
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
        if (m->hashes[i] != TOMBSTONE) return i;
    return -1;
}

void *purr_map_key_at(const purr_map *m, int64_t i) { return entry_key(entry_at(m, i)); }
void *purr_map_val_at(const purr_map *m, int64_t i) { return entry_val(m, entry_at(m, i)); }
