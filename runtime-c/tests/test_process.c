/* test_process.c — panics, output ordering, exit, integer helpers,
 * conversions, the clock and the heap counters. */
#include "test.h"

#include <time.h>

static void plain_panic(void) { purr_panic(&LOC, "boom"); }
static void formatted_panic(void) { purr_panicf(&LOC, "value %d of %s", 42, "x"); }
static void long_panic(void) {
    char msg[1001];
    memset(msg, 'm', 1000);
    msg[1000] = '\0';
    purr_panicf(&LOC, "%s!", msg);
}
static void nowhere_panic(void) { purr_panic(NULL, "no location"); }
static void div_zero(void) { purr_div_i64(1, 0, &LOC); }
static void rem_zero(void) { purr_rem_u8(1, 0, &LOC); }

/* Buffered stdout must come out before the panic and eprintln text. */
static void ordered_output(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    PURR_STR_LIT(out1, "to stdout");
    PURR_STR_LIT(err, "to stderr");
    PURR_STR_LIT(out2, "more");
    purr_print(PURR_STR_LIT_REF(out1));
    purr_println(PURR_STR_LIT_REF(out1));
    purr_eprintln(PURR_STR_LIT_REF(err));
    purr_println(PURR_STR_LIT_REF(out2));
    purr_panic(&LOC, "end");
}
static void exit_with_output(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    PURR_STR_LIT(bye, "bye");
    purr_println(PURR_STR_LIT_REF(bye));
    purr_exit(3);
}
static void normal_end(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    PURR_STR_LIT(done, "done");
    purr_print(PURR_STR_LIT_REF(done));
    purr_shutdown();
    _exit(0); /* without purr_shutdown's flush, "done" would be lost */
}

static void test_panics_and_output(void) {
    EXPECT_PANIC(plain_panic, AT "boom\n");
    EXPECT_PANIC(formatted_panic, AT "value 42 of x\n");
    char want[1100];
    snprintf(want, sizeof want, AT "%0*d!\n", 1000, 0);
    for (char *p = want + strlen(AT); *p == '0'; p++) *p = 'm';
    EXPECT_PANIC(long_panic, want);
    EXPECT_PANIC(nowhere_panic, "panic: no location\n");
    EXPECT_PANIC(div_zero, AT "division by zero\n");
    EXPECT_PANIC(rem_zero, AT "division by zero\n");
    EXPECT_PANIC(ordered_output, "to stdoutto stdout\nto stderr\nmore\n" AT "end\n");
    EXPECT_EXIT(exit_with_output, 3, "bye\n");
    EXPECT_EXIT(normal_end, 0, "done");
}

static void test_integer_ops(void) {
    CHECK(purr_add_i8(127, 1) == -128);
    CHECK(purr_sub_u8(0, 1) == 255);
    volatile uint16_t u16_max = 65535; /* runtime operands, so UBSan sees the multiply */
    volatile int16_t i16_min = INT16_MIN;
    CHECK(purr_mul_u16(u16_max, u16_max) == 1);
    CHECK(purr_mul_i16(i16_min, i16_min) == 0 && purr_mul_i16(i16_min, -1) == INT16_MIN);
    CHECK(purr_mul_i32(INT32_MAX, 2) == -2);
    CHECK(purr_mul_u32(UINT32_MAX, UINT32_MAX) == 1);
    CHECK(purr_mul_i64(INT64_MIN, -1) == INT64_MIN);
    CHECK(purr_add_i64(INT64_MAX, 1) == INT64_MIN);
    CHECK(purr_neg_i64(INT64_MIN) == INT64_MIN);
    CHECK(purr_neg_i32(5) == -5);
    CHECK(purr_shl_i32(1, 33) == 2);
    CHECK(purr_shl_u8(0xff, 4) == 0xf0);
    CHECK(purr_shl_i64(1, 63) == INT64_MIN);
    CHECK(purr_shr_i64(-8, 1) == -4);
    CHECK(purr_shr_u64(UINT64_MAX, 64 + 60) == 15);
    CHECK(purr_div_i64(INT64_MIN, -1, &LOC) == INT64_MIN);
    CHECK(purr_rem_i64(INT64_MIN, -1, &LOC) == 0);
    CHECK(purr_div_i8(INT8_MIN, -1, &LOC) == INT8_MIN);
    CHECK(purr_div_i32(-7, 2, &LOC) == -3 && purr_rem_i32(-7, 2, &LOC) == -1);
    CHECK(purr_div_u64(UINT64_MAX, 2, &LOC) == UINT64_MAX / 2);
}

static void test_f64_conversions(void) {
    double nan = 0.0 / 0.0, inf = 1.0 / 0.0;
    CHECK(purr_f64_to_i64(nan) == 0);
    CHECK(purr_f64_to_i64(inf) == INT64_MAX && purr_f64_to_i64(-inf) == INT64_MIN);
    CHECK(purr_f64_to_i64(9223372036854775807.0) == INT64_MAX);
    CHECK(purr_f64_to_i64(-9223372036854775808.0) == INT64_MIN);
    CHECK(purr_f64_to_i64(-1.9) == -1 && purr_f64_to_i64(1.9) == 1);
    CHECK(purr_f64_to_i64(9007199254740993.0) == 9007199254740992LL);
    CHECK(purr_f64_to_u64(nan) == 0 && purr_f64_to_u64(-5.0) == 0 && purr_f64_to_u64(-0.5) == 0);
    CHECK(purr_f64_to_u64(1e30) == UINT64_MAX && purr_f64_to_u64(18446744073709549568.0) == 18446744073709549568ULL);
    CHECK(purr_f64_to_i32(3e9) == INT32_MAX && purr_f64_to_i32(-3e9) == INT32_MIN && purr_f64_to_i32(nan) == 0);
    CHECK(purr_f64_to_u8(300.0) == 255 && purr_f64_to_u8(-1.0) == 0 && purr_f64_to_u8(254.9) == 254);
    CHECK(purr_f64_to_i8(-200.0) == -128 && purr_f64_to_i16(40000.0) == 32767);
    CHECK(purr_f64_to_u16(70000.0) == 65535 && purr_f64_to_u32(5e9) == UINT32_MAX);
}

static void test_clock(void) {
    int64_t a = purr_now_ms();
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
    int64_t b = purr_now_ms();
    CHECK(a > 0 && b - a >= 19 && b - a < 5000);
}

static void test_heap_counters(void) {
    size_t start = purr_heap_bytes(), peak_start = purr_heap_peak_bytes();
    void *p = purr_alloc(1000);
    CHECK(purr_heap_bytes() == start + 1000);
    p = purr_realloc(p, 1000, 5000);
    CHECK(purr_heap_bytes() == start + 5000 && purr_heap_peak_bytes() >= start + 5000);
    p = purr_realloc(p, 5000, 10);
    CHECK(purr_heap_bytes() == start + 10);
    purr_free(p, 10);
    CHECK(purr_heap_bytes() == start);
    CHECK(purr_heap_peak_bytes() >= peak_start && purr_heap_peak_bytes() >= start + 5000);
    void *zero = purr_alloc(0);
    CHECK(zero != NULL && purr_heap_bytes() == start);
    purr_free(zero, 0);

    /* A mixed structure returns every byte when released. */
    purr_map *m = purr_map_new(&purr_type_str, &purr_type_list);
    for (int i = 0; i < 100; i++) {
        purr_str *k = purr_str_of_i64(i);
        purr_list *l = purr_list_new(&purr_type_bytes);
        for (int j = 0; j < i % 5; j++) *(purr_bytes **)purr_list_push_slot(&l) = purr_bytes_new(j * 10, &LOC);
        purr_map_set(&m, &k, &l);
    }
    purr_map *copy = m;
    purr_map_retain(copy);
    purr_str *k = purr_str_from_cstr("42");
    purr_list **l = purr_map_at_mut(&copy, &k, &LOC);
    purr_bytes **first = purr_list_at_mut(l, 1, &LOC);
    purr_bytes_push(first, 1);
    CHECK(purr_heap_bytes() > start);
    purr_str_release(k);
    purr_map_release(m);
    purr_map_release(copy);
    CHECK(purr_heap_bytes() == start);
}

int main(void) {
    RUN(test_panics_and_output);
    RUN(test_integer_ops);
    RUN(test_f64_conversions);
    RUN(test_clock);
    RUN(test_heap_counters);
    return test_finish();
}
