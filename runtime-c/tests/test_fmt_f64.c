/* test_fmt_f64.c — str(f64) must match Rust's {:?} byte for byte. */
#include "test.h"

#include <math.h>

/* Expected strings printed by Rust's {:?} for the same expressions. */
static const struct {
    double v;
    const char *want;
} table[] = {
    {0.0, "0.0"},
    {-0.0, "-0.0"},
    {1.0, "1.0"},
    {-1.0, "-1.0"},
    {2.0, "2.0"},
    {0.5, "0.5"},
    {-0.5, "-0.5"},
    {0.1, "0.1"},
    {0.2, "0.2"},
    {0.1 + 0.2, "0.30000000000000004"},
    {1.0 / 3.0, "0.3333333333333333"},
    {2.0 / 3.0, "0.6666666666666666"},
    {100.0, "100.0"},
    {1234567.5, "1234567.5"},
    {3.14159, "3.14159"},
    {2.718281828459045, "2.718281828459045"},
    {1e15, "1000000000000000.0"},
    {1e16, "1e16"},
    {9999999999999998.0, "9999999999999998.0"},
    {1e16 - 2.0, "9999999999999998.0"},
    {123456789012345680.0, "1.2345678901234568e17"},
    {1.2345e20, "1.2345e20"},
    {1e21, "1e21"},
    {1e22, "1e22"},
    {1e23, "1e23"},
    {0.0001, "0.0001"},
    {0.00001, "1e-5"},
    {0.00012345, "0.00012345"},
    {0.000099999, "9.9999e-5"},
    {1.5e-5, "1.5e-5"},
    {1e-7, "1e-7"},
    {-1e300, "-1e300"},
    {1e308, "1e308"},
    {5e-324, "5e-324"},
    {1e-323, "1e-323"},
    {2.2250738585072014e-308, "2.2250738585072014e-308"},
    {2.225073858507201e-308, "2.225073858507201e-308"},
    {1.7976931348623157e308, "1.7976931348623157e308"},
    {-1.7976931348623157e308, "-1.7976931348623157e308"},
    {9007199254740992.0, "9007199254740992.0"},
    {9007199254740993.0, "9007199254740992.0"},
    {4503599627370496.5, "4503599627370496.0"},
    {1268270300347441.25, "1268270300347441.3"},
    {0.3, "0.3"},
    {1.1, "1.1"},
    {100.125, "100.125"},
    {255.0, "255.0"},
    {65536.0, "65536.0"},
    {4294967296.0, "4294967296.0"},
    {9223372036854775807.0, "9.223372036854776e18"},
    {18446744073709551615.0, "1.8446744073709552e19"},
    {1e-4 * 0.5, "5e-5"},
    {123.456, "123.456"},
    {-98765.4321, "-98765.4321"},
    {6.02214076e23, "6.02214076e23"},
    {6.62607015e-34, "6.62607015e-34"},
    {0.1 * 3.0, "0.30000000000000004"},
    {1.0 - 0.9, "0.09999999999999998"},
    {1e100, "1e100"},
    {1.5, "1.5"},
    {10.0, "10.0"},
    {1000000.0, "1000000.0"},
    {0.001, "0.001"},
    {299792458.0, "299792458.0"},
    {8.98846567431158e307, "8.98846567431158e307"},
    {9.5367431640625e-7, "9.5367431640625e-7"},
    {1.52587890625e-5, "1.52587890625e-5"},
    {5e-5, "5e-5"},
};

static void test_table(void) {
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) CHECK_OWNED_STR(purr_str_of_f64(table[i].v), table[i].want);
}

static void test_special(void) {
    CHECK_OWNED_STR(purr_str_of_f64(INFINITY), "inf");
    CHECK_OWNED_STR(purr_str_of_f64(-INFINITY), "-inf");
    CHECK_OWNED_STR(purr_str_of_f64(NAN), "NaN");
    CHECK_OWNED_STR(purr_str_of_f64(-NAN), "NaN");
}

/* tests/data/f64_debug.txt: "BITS TEXT" lines, TEXT being Rust's {:?} of
 * the double with those bits: 400 values exactly halfway between two
 * shortest candidates (Rust rounds those up), 600 powers of two (asymmetric
 * rounding intervals) and 2000 random bit patterns. */
static void test_rust_corpus(void) {
    FILE *f = fopen("tests/data/f64_debug.txt", "r");
    CHECK(f != NULL);
    if (f == NULL) return;
    char line[128];
    int count = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        uint64_t bits = strtoull(line, NULL, 16);
        double v;
        memcpy(&v, &bits, sizeof v);
        char *want = strchr(line, ' ') + 1;
        want[strcspn(want, "\n")] = '\0';
        CHECK_OWNED_STR(purr_str_of_f64(v), want);
        count++;
    }
    fclose(f);
    CHECK(count == 3000);
}

/* Every output must parse back to the same value. */
static void test_round_trip(void) {
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (v != v) continue;
        purr_str *s = purr_str_of_f64(v);
        double back = 0;
        CHECK(purr_parse_f64(s, &back));
        CHECK(memcmp(&back, &v, sizeof v) == 0);
        purr_str_release(s);
    }
}

static void test_strbuf(void) {
    purr_strbuf b;
    purr_strbuf_init(&b);
    purr_strbuf_f64(&b, 0.1 + 0.2);
    purr_strbuf_cstr(&b, " ", 1);
    purr_strbuf_f64(&b, 1e-7);
    CHECK_OWNED_STR(purr_strbuf_finish(&b), "0.30000000000000004 1e-7");
}

int main(void) {
    RUN(test_table);
    RUN(test_special);
    RUN(test_rust_corpus);
    RUN(test_round_trip);
    RUN(test_strbuf);
    return test_finish();
}
