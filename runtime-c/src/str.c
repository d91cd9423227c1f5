/* str.c — immutable strings, str(x) for scalars, parsing, the string builder.
 *
 * A string is one block: header, len bytes, NUL. It is never written after
 * creation, so sharing needs no copy-on-write. "", "true" and "false" are
 * immortal objects, so producing them costs no allocation. */
#include "internal.h"

#include <stdlib.h>

PURR_STR_LIT(empty_str, "");
PURR_STR_LIT(true_str, "true");
PURR_STR_LIT(false_str, "false");

static size_t str_block_size(int64_t len) { return sizeof(purr_str) + (size_t)len + 1; }

/* A fresh string of len bytes for the caller to fill (the NUL is written). */
static purr_str *str_alloc(int64_t len) {
    if (len < 0) purr__fatal("string of negative length %lld", (long long)len);
    purr_str *s = purr_alloc(str_block_size(len));
    s->rc = 1;
    s->len = len;
    s->data[len] = '\0';
    return s;
}

/* Returns a borrowed string as an owned reference. */
static purr_str *str_share(const purr_str *s) {
    purr_str *t = (purr_str *)s;
    purr_str_retain(t);
    return t;
}

/* Owned bytes [start, end) of s (in bounds); the whole of s is shared. */
static purr_str *str_range(const purr_str *s, int64_t start, int64_t end) {
    if (start == 0 && end == s->len) return str_share(s);
    return purr_str_from(s->data + start, end - start);
}

void purr_str__free(purr_str *s) { purr_free(s, str_block_size(s->len)); }

purr_str *purr_str_empty(void) { return PURR_STR_LIT_REF(empty_str); }

purr_str *purr_str_from(const char *data, int64_t len) {
    if (len == 0) return purr_str_empty();
    purr_str *s = str_alloc(len);
    memcpy(s->data, data, (size_t)len);
    return s;
}

purr_str *purr_str_from_cstr(const char *cstr) { return purr_str_from(cstr, (int64_t)strlen(cstr)); }

purr_str *purr_str_concat(const purr_str *a, const purr_str *b) {
    if (a->len == 0) return str_share(b);
    if (b->len == 0) return str_share(a);
    purr_str *s = str_alloc(a->len + b->len);
    memcpy(s->data, a->data, (size_t)a->len);
    memcpy(s->data + a->len, b->data, (size_t)b->len);
    return s;
}

int purr_str_cmp(const purr_str *a, const purr_str *b) {
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c != 0) return c < 0 ? -1 : 1;
    return (a->len > b->len) - (a->len < b->len);
}

uint64_t purr_str_hash(const purr_str *s) { return purr__hash_bytes(s->data, (size_t)s->len); }

purr_str *purr_str_substr(const purr_str *s, int64_t start, int64_t end, const purr_loc *loc) {
    if (start < 0 || start > end || end > s->len)
        purr_panicf(loc, "substr range %lld..%lld out of bounds for length %lld", (long long)start,
                    (long long)end, (long long)s->len);
    return str_range(s, start, end);
}

uint8_t purr_str_byte_at(const purr_str *s, int64_t i, const purr_loc *loc) {
    if ((uint64_t)i >= (uint64_t)s->len)
        purr_panicf(loc, "index %lld out of bounds for length %lld", (long long)i, (long long)s->len);
    return (uint8_t)s->data[i];
}

/* First occurrence of needle in s at or after byte from, or -1. */
static int64_t find_from(const purr_str *s, int64_t from, const purr_str *needle) {
    if (s->len - from < needle->len) return -1;
    if (needle->len == 0) return from;
    const char *p = s->data + from;
    const char *last = s->data + s->len - needle->len; /* last possible start */
    while (p <= last) {
        p = memchr(p, needle->data[0], (size_t)(last - p) + 1);
        if (p == NULL) return -1;
        if (memcmp(p, needle->data, (size_t)needle->len) == 0) return p - s->data;
        p++;
    }
    return -1;
}

int64_t purr_str_find(const purr_str *s, const purr_str *needle) { return find_from(s, 0, needle); }

static void push_str(purr_list **l, purr_str *owned) { *(purr_str **)purr_list_push_slot(l) = owned; }

/* As in Go: split("", sep) is [""] for a non-empty sep, and an empty sep
 * yields one string per byte (so split("", "") is []). */
purr_list *purr_str_split(const purr_str *s, const purr_str *sep) {
    purr_list *l = purr_list_new(&purr_type_str);
    if (sep->len == 0) {
        for (int64_t i = 0; i < s->len; i++) push_str(&l, purr_str_from(s->data + i, 1));
        return l;
    }
    int64_t start = 0;
    for (;;) {
        int64_t at = find_from(s, start, sep);
        if (at < 0) break;
        push_str(&l, purr_str_from(s->data + start, at - start));
        start = at + sep->len;
    }
    push_str(&l, str_range(s, start, s->len));
    return l;
}

purr_str *purr_str_join(const purr_list *xs, const purr_str *sep) {
    if (xs->len == 0) return purr_str_empty();
    purr_str *const *parts = (purr_str *const *)(const void *)xs->data;
    int64_t total = sep->len * (xs->len - 1);
    for (int64_t i = 0; i < xs->len; i++) total += parts[i]->len;
    if (total == 0) return purr_str_empty();
    purr_str *s = str_alloc(total);
    char *p = s->data;
    for (int64_t i = 0; i < xs->len; i++) {
        if (i > 0) {
            memcpy(p, sep->data, (size_t)sep->len);
            p += sep->len;
        }
        memcpy(p, parts[i]->data, (size_t)parts[i]->len);
        p += parts[i]->len;
    }
    return s;
}

bool purr_str_starts_with(const purr_str *s, const purr_str *prefix) {
    return prefix->len <= s->len && memcmp(s->data, prefix->data, (size_t)prefix->len) == 0;
}

bool purr_str_ends_with(const purr_str *s, const purr_str *suffix) {
    return suffix->len <= s->len &&
           memcmp(s->data + s->len - suffix->len, suffix->data, (size_t)suffix->len) == 0;
}

static bool is_ascii_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

purr_str *purr_str_trim(const purr_str *s) {
    int64_t start = 0, end = s->len;
    while (start < end && is_ascii_space(s->data[start])) start++;
    while (end > start && is_ascii_space(s->data[end - 1])) end--;
    return str_range(s, start, end);
}

/* ---------- str(x) ---------- */

int purr__fmt_u64(char *buf, uint64_t v) {
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
    return n;
}

int purr__fmt_i64(char *buf, int64_t v) {
    if (v >= 0) return purr__fmt_u64(buf, (uint64_t)v);
    buf[0] = '-';
    return 1 + purr__fmt_u64(buf + 1, 0 - (uint64_t)v);
}

purr_str *purr_str_of_i64(int64_t v) {
    char buf[24];
    return purr_str_from(buf, purr__fmt_i64(buf, v));
}

purr_str *purr_str_of_u64(uint64_t v) {
    char buf[24];
    return purr_str_from(buf, purr__fmt_u64(buf, v));
}

purr_str *purr_str_of_f64(double v) {
    char buf[PURR__F64_BUF];
    return purr_str_from(buf, purr__fmt_f64(buf, v));
}

purr_str *purr_str_of_bool(bool v) {
    return v ? PURR_STR_LIT_REF(true_str) : PURR_STR_LIT_REF(false_str);
}

/* ---------- parsing ---------- */

bool purr_parse_i64(const purr_str *s, int64_t *out) { return purr__parse_i64(s->data, s->data + s->len, out); }

bool purr__parse_i64(const char *p, const char *end, int64_t *out) {
    bool neg = false;
    if (p < end && (*p == '+' || *p == '-')) neg = *p++ == '-';
    if (p == end) return false;
    /* Accumulate the magnitude unsigned: -2^63 has no positive counterpart. */
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; p < end; p++) {
        unsigned d = (unsigned)(unsigned char)*p - '0';
        if (d > 9 || v > (limit - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = neg && v != 0 ? -(int64_t)(v - 1) - 1 : (int64_t)v;
    return true;
}

/* strtod, minus what Rust's f64 parser rejects and strtod would accept:
 * leading whitespace (trailing text, including spaces and embedded NULs, is
 * caught by the end check) and hexadecimal floats. */
bool purr_parse_f64(const purr_str *s, double *out) {
    if (s->len == 0 || is_ascii_space(s->data[0])) return false;
    const char *digits = s->data + (s->data[0] == '+' || s->data[0] == '-');
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) return false;
    char *end;
    double v = strtod(s->data, &end);
    if (end != s->data + s->len) return false;
    *out = v;
    return true;
}

/* ---------- strbuf ----------
 * The buffer is the future string's own block (header, cap bytes, NUL), with
 * data pointing at its text, so purr_strbuf_finish shrinks it in place
 * instead of copying. Invariant: data == NULL && cap == 0, or data is the
 * text of a block of str_block_size(cap) bytes; 0 <= len <= cap. */

static purr_str *strbuf_block(const purr_strbuf *b) {
    return (purr_str *)(void *)(b->data - offsetof(purr_str, data));
}

void purr_strbuf_init(purr_strbuf *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

static void strbuf_reserve(purr_strbuf *b, int64_t extra) {
    if (b->cap - b->len >= extra) return;
    int64_t cap = b->cap < 32 ? 32 : b->cap * 2;
    if (cap < b->len + extra) cap = b->len + extra;
    purr_str *block = b->data == NULL ? purr_alloc(str_block_size(cap))
                                      : purr_realloc(strbuf_block(b), str_block_size(b->cap),
                                                     str_block_size(cap));
    b->data = block->data;
    b->cap = cap;
}

void purr_strbuf_cstr(purr_strbuf *b, const char *data, int64_t len) {
    if (len <= 0) return;
    strbuf_reserve(b, len);
    memcpy(b->data + b->len, data, (size_t)len);
    b->len += len;
}

void purr_strbuf_str(purr_strbuf *b, const purr_str *s) { purr_strbuf_cstr(b, s->data, s->len); }

void purr_strbuf_i64(purr_strbuf *b, int64_t v) {
    char buf[24];
    purr_strbuf_cstr(b, buf, purr__fmt_i64(buf, v));
}

void purr_strbuf_u64(purr_strbuf *b, uint64_t v) {
    char buf[24];
    purr_strbuf_cstr(b, buf, purr__fmt_u64(buf, v));
}

void purr_strbuf_f64(purr_strbuf *b, double v) {
    char buf[PURR__F64_BUF];
    purr_strbuf_cstr(b, buf, purr__fmt_f64(buf, v));
}

void purr_strbuf_bool(purr_strbuf *b, bool v) {
    purr_strbuf_str(b, v ? PURR_STR_LIT_REF(true_str) : PURR_STR_LIT_REF(false_str));
}

purr_str *purr_strbuf_finish(purr_strbuf *b) {
    purr_str *s;
    if (b->len == 0) {
        if (b->data != NULL) purr_free(strbuf_block(b), str_block_size(b->cap));
        s = purr_str_empty();
    } else {
        s = strbuf_block(b);
        if (b->cap != b->len) s = purr_realloc(s, str_block_size(b->cap), str_block_size(b->len));
        s->rc = 1;
        s->len = b->len;
        s->data[s->len] = '\0';
    }
    purr_strbuf_init(b);
    return s;
}
