/* test_str.c — strings, str(x), parsing, the string builder. */
#include "test.h"

static purr_str *S(const char *c) { return purr_str_from_cstr(c); }

static void test_basics(void) {
    purr_str *a = S("hello"), *b = S(" world"), *e = purr_str_empty();
    CHECK(a->len == 5 && a->data[5] == '\0');
    CHECK(e->len == 0 && e->data[0] == '\0');
    purr_str *ab = purr_str_concat(a, b);
    CHECK_STR(ab, "hello world");
    purr_str *a2 = purr_str_concat(a, e); /* shares a */
    CHECK(a2 == a && a->rc == 2);
    CHECK(purr_str_eq(a, a2));
    purr_str *h = S("hello");
    CHECK(purr_str_eq(a, h) && purr_str_hash(a) == purr_str_hash(h));
    CHECK(!purr_str_eq(a, ab));
    CHECK(purr_str_cmp(a, ab) < 0 && purr_str_cmp(ab, a) > 0 && purr_str_cmp(a, h) == 0);
    purr_str *ap = S("apple");
    CHECK(purr_str_cmp(ap, a) < 0);
    purr_str *hi = S("\xff");
    CHECK(purr_str_cmp(a, hi) < 0); /* bytewise, unsigned */
    purr_str *nul = purr_str_from("a\0b", 3), *just_a = S("a");
    CHECK(nul->len == 3 && !purr_str_eq(nul, just_a) && purr_str_cmp(just_a, nul) < 0);
    purr_str *items[] = {a, b, e, ab, a2, h, ap, hi, nul, just_a};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) purr_str_release(items[i]);
}

static void test_literal_is_immortal(void) {
    PURR_STR_LIT(lit, "literal");
    purr_str *s = PURR_STR_LIT_REF(lit);
    purr_str_retain(s);
    purr_str_release(s);
    purr_str_release(s);
    CHECK(s->rc == -1 && s->len == 7);
    CHECK_STR(s, "literal");
    purr_str *t = purr_str_concat(s, s);
    CHECK_STR(t, "literalliteral");
    purr_str_release(t);
}

static void bad_substr(void) {
    purr_str *s = KEEP(S("abcd"));
    purr_str_substr(s, 2, 9, &LOC);
}
static void bad_substr_order(void) {
    purr_str *s = KEEP(S("abcd"));
    purr_str_substr(s, 3, 1, &LOC);
}
static void bad_byte_at(void) {
    purr_str *s = KEEP(S("abc"));
    purr_str_byte_at(s, 5, &LOC);
}

static void test_substr(void) {
    purr_str *s = S("abcdef");
    CHECK_OWNED_STR(purr_str_substr(s, 1, 4, &LOC), "bcd");
    CHECK_OWNED_STR(purr_str_substr(s, 6, 6, &LOC), "");
    CHECK_OWNED_STR(purr_str_substr(s, 0, 0, &LOC), "");
    purr_str *all = purr_str_substr(s, 0, 6, &LOC);
    CHECK(all == s);
    purr_str_release(all);
    CHECK(purr_str_byte_at(s, 0, &LOC) == 'a' && purr_str_byte_at(s, 5, &LOC) == 'f');
    purr_str_release(s);
    EXPECT_PANIC(bad_substr, AT "substr range 2..9 out of bounds for length 4\n");
    EXPECT_PANIC(bad_substr_order, AT "substr range 3..1 out of bounds for length 4\n");
    EXPECT_PANIC(bad_byte_at, AT "index 5 out of bounds for length 3\n");
}

static int64_t find(const char *s, const char *needle) {
    purr_str *a = S(s), *b = S(needle);
    int64_t r = purr_str_find(a, b);
    purr_str_release(a);
    purr_str_release(b);
    return r;
}

static void test_find(void) {
    CHECK(find("hello world", "o w") == 4);
    CHECK(find("hello world", "o") == 4);
    CHECK(find("hello world", "world") == 6);
    CHECK(find("hello world", "worlds") == -1);
    CHECK(find("hello", "") == 0);
    CHECK(find("", "") == 0);
    CHECK(find("", "a") == -1);
    CHECK(find("ab", "abc") == -1);
    CHECK(find("aaab", "aab") == 1);
    CHECK(find("xyz", "z") == 2);
}

/* split(s, sep) joined back with "|" and bracketed, e.g. "[a|b]". */
static void check_split(const char *s, const char *sep, const char *want, int64_t want_len) {
    purr_str *a = S(s), *b = S(sep), *bar = S("|");
    purr_list *parts = purr_str_split(a, b);
    CHECK(parts->len == want_len);
    CHECK(parts->elem == &purr_type_str);
    purr_str *joined = purr_str_join(parts, bar);
    CHECK_STR(joined, want);
    purr_str_release(joined);
    purr_list_release(parts);
    purr_str_release(a);
    purr_str_release(b);
    purr_str_release(bar);
}

static void test_split_join(void) {
    check_split("a,b,,c", ",", "a|b||c", 4);
    check_split("", ",", "", 1);
    check_split(",", ",", "|", 2);
    check_split("abc", ",", "abc", 1);
    check_split("a--b--", "--", "a|b|", 3);
    check_split("abc", "", "a|b|c", 3);
    check_split("", "", "", 0);
    check_split("aaa", "aa", "|a", 2);
    purr_str *s = S("no separator here"), *sep = S(",");
    purr_list *parts = purr_str_split(s, sep);
    CHECK(parts->len == 1 && *(purr_str **)purr_list_at(parts, 0, &LOC) == s); /* shared */
    purr_list_release(parts);
    purr_list *empty = purr_list_new(&purr_type_str);
    CHECK_OWNED_STR(purr_str_join(empty, sep), "");
    purr_list_release(empty);
    purr_str_release(s);
    purr_str_release(sep);
}

static void test_affixes_trim(void) {
    purr_str *s = S("prefix-body-suffix"), *p = S("prefix"), *x = S("suffix"), *e = purr_str_empty();
    CHECK(purr_str_starts_with(s, p) && !purr_str_starts_with(p, s) && purr_str_starts_with(s, e));
    CHECK(purr_str_ends_with(s, x) && !purr_str_ends_with(s, p) && purr_str_ends_with(s, e));
    purr_str *t = S(" \t\r\n hi there \v\f\n");
    CHECK_OWNED_STR(purr_str_trim(t), "hi there");
    purr_str *blank = S("   ");
    CHECK_OWNED_STR(purr_str_trim(blank), "");
    purr_str *same = purr_str_trim(s);
    CHECK(same == s);
    purr_str_release(same);
    purr_str *items[] = {s, p, x, e, t, blank};
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) purr_str_release(items[i]);
}

static void test_str_of(void) {
    CHECK_OWNED_STR(purr_str_of_i64(0), "0");
    CHECK_OWNED_STR(purr_str_of_i64(-42), "-42");
    CHECK_OWNED_STR(purr_str_of_i64(INT64_MAX), "9223372036854775807");
    CHECK_OWNED_STR(purr_str_of_i64(INT64_MIN), "-9223372036854775808");
    CHECK_OWNED_STR(purr_str_of_u64(UINT64_MAX), "18446744073709551615");
    CHECK_OWNED_STR(purr_str_of_u64(7), "7");
    CHECK_OWNED_STR(purr_str_of_bool(true), "true");
    CHECK_OWNED_STR(purr_str_of_bool(false), "false");
}

static bool parse_i64(const char *text, int64_t *out) {
    purr_str *s = S(text);
    bool ok = purr_parse_i64(s, out);
    purr_str_release(s);
    return ok;
}

static void test_parse_i64(void) {
    int64_t v = 12345;
    CHECK(parse_i64("0", &v) && v == 0);
    CHECK(parse_i64("-0", &v) && v == 0);
    CHECK(parse_i64("+5", &v) && v == 5);
    CHECK(parse_i64("007", &v) && v == 7);
    CHECK(parse_i64("-123", &v) && v == -123);
    CHECK(parse_i64("9223372036854775807", &v) && v == INT64_MAX);
    CHECK(parse_i64("-9223372036854775808", &v) && v == INT64_MIN);
    v = 99;
    CHECK(!parse_i64("9223372036854775808", &v));
    CHECK(!parse_i64("-9223372036854775809", &v));
    CHECK(!parse_i64("12345678901234567890", &v));
    CHECK(!parse_i64("99999999999999999999999", &v));
    CHECK(!parse_i64("", &v));
    CHECK(!parse_i64("-", &v));
    CHECK(!parse_i64("+", &v));
    CHECK(!parse_i64(" 1", &v));
    CHECK(!parse_i64("1 ", &v));
    CHECK(!parse_i64("1a", &v));
    CHECK(!parse_i64("--1", &v));
    CHECK(!parse_i64("1_000", &v));
    CHECK(!parse_i64("0x10", &v));
    CHECK(v == 99); /* untouched on failure */
    purr_str *nul = purr_str_from("12\0", 3);
    CHECK(!purr_parse_i64(nul, &v));
    purr_str_release(nul);
}

static bool parse_f64(const char *text, double *out) {
    purr_str *s = S(text);
    bool ok = purr_parse_f64(s, out);
    purr_str_release(s);
    return ok;
}

static void test_parse_f64(void) {
    double v = 0;
    CHECK(parse_f64("1.5", &v) && v == 1.5);
    CHECK(parse_f64("-2e3", &v) && v == -2000.0);
    CHECK(parse_f64("+0.25", &v) && v == 0.25);
    CHECK(parse_f64(".5", &v) && v == 0.5);
    CHECK(parse_f64("5.", &v) && v == 5.0);
    CHECK(parse_f64("42", &v) && v == 42.0);
    CHECK(parse_f64("1E-2", &v) && v == 0.01);
    CHECK(parse_f64("inf", &v) && v > 1e308);
    CHECK(parse_f64("-inf", &v) && v < -1e308);
    CHECK(parse_f64("infinity", &v) && v > 1e308);
    CHECK(parse_f64("NaN", &v) && v != v);
    CHECK(parse_f64("nan", &v) && v != v);
    CHECK(parse_f64("1e400", &v) && v > 1e308);
    CHECK(parse_f64("0.30000000000000004", &v) && v == 0.1 + 0.2);
    v = 7;
    CHECK(!parse_f64("", &v));
    CHECK(!parse_f64(" 1", &v));
    CHECK(!parse_f64("1 ", &v));
    CHECK(!parse_f64("\t1", &v));
    CHECK(!parse_f64("abc", &v));
    CHECK(!parse_f64("1e", &v));
    CHECK(!parse_f64(".", &v));
    CHECK(!parse_f64("-", &v));
    CHECK(!parse_f64("0x10", &v));
    CHECK(!parse_f64("-0x1p3", &v));
    CHECK(!parse_f64("1.5x", &v));
    CHECK(v == 7);
    purr_str *nul = purr_str_from("1.5\0", 4);
    CHECK(!purr_parse_f64(nul, &v));
    purr_str_release(nul);
}

static void test_strbuf(void) {
    purr_strbuf b;
    purr_strbuf_init(&b);
    CHECK_OWNED_STR(purr_strbuf_finish(&b), "");
    purr_str *name = S("ada");
    purr_strbuf_cstr(&b, "name = ", 7);
    purr_strbuf_str(&b, name);
    purr_strbuf_cstr(&b, ", n = ", 6);
    purr_strbuf_i64(&b, -42);
    purr_strbuf_cstr(&b, ", u = ", 6);
    purr_strbuf_u64(&b, UINT64_MAX);
    purr_strbuf_cstr(&b, ", f = ", 6);
    purr_strbuf_f64(&b, 2.0);
    purr_strbuf_cstr(&b, ", ok = ", 7);
    purr_strbuf_bool(&b, true);
    purr_str *s = purr_strbuf_finish(&b);
    CHECK_STR(s, "name = ada, n = -42, u = 18446744073709551615, f = 2.0, ok = true");
    CHECK(s->rc == 1 && s->data[s->len] == '\0');
    CHECK(b.len == 0 && b.data == NULL);
    purr_str_release(s);

    /* Reuse after finish, and growth well past the first block. */
    for (int i = 0; i < 1000; i++) purr_strbuf_cstr(&b, "0123456789", 10);
    s = purr_strbuf_finish(&b);
    CHECK(s->len == 10000 && s->data[9999] == '9' && s->data[10000] == '\0');
    purr_str_release(s);
    purr_strbuf_str(&b, name); /* an abandoned empty append leaves nothing */
    purr_strbuf_cstr(&b, "", 0);
    CHECK_OWNED_STR(purr_strbuf_finish(&b), "ada");
    purr_str_release(name);
}

static void test_type_descriptor(void) {
    purr_str *a = S("x"), *b = S("x"), *c = S("y");
    purr_str *copy = NULL;
    purr_type_str.dup(&copy, &a);
    CHECK(copy == a && a->rc == 2);
    purr_type_str.drop(&copy);
    CHECK(a->rc == 1);
    CHECK(purr_type_str.eq(&a, &b) && !purr_type_str.eq(&a, &c));
    CHECK(purr_type_str.hash(&a) == purr_type_str.hash(&b));
    CHECK(purr_type_str.cmp(&a, &c) < 0);
    purr_str_release(a);
    purr_str_release(b);
    purr_str_release(c);
}

int main(void) {
    RUN(test_basics);
    RUN(test_literal_is_immortal);
    RUN(test_substr);
    RUN(test_find);
    RUN(test_split_join);
    RUN(test_affixes_trim);
    RUN(test_str_of);
    RUN(test_parse_i64);
    RUN(test_parse_f64);
    RUN(test_strbuf);
    RUN(test_type_descriptor);
    return test_finish();
}
