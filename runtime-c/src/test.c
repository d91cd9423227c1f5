/* test.c — the harness of `purrc --test` and `purrc --bench` (docs/actors.md §10, §11):
 * running a case, expectations, and stdout capture; the mains are
 * test_main.c's (harness.h).
 *
 * Each case runs on a fresh scheduler (fresh actors, zeroed metrics), which
 * is shut down after it, releasing every actor, message and timer the case
 * left behind. Tests always run on the deterministic scheduler (clock at
 * 0); benches on the one the generated main names (`purrc --bench
 * --scheduler`, deterministic by default).
 *
 * Tests. print/println write into a capture buffer (print.c); expect_output
 * compares the buffer with its argument and empties it. Output that no
 * expect_output checked is discarded when the test passes and shown under
 * the failure when it fails. eprintln is not captured. A failed expectation
 * or a panic in the test body records its message and longjmps out of the
 * test body (from inside a handler too), abandoning the body's frames after
 * releasing what they owned (the owned stack, purr.h); the scheduler's
 * shutdown releases the actors. So after any run, failed tests included,
 * purr_shutdown can check the heap like at the end of any program.
 * Output:
 *     test NAME ... ok
 *     test NAME ... FAILED
 *       at FILE:LINE:COL: expected LEFT == RIGHT
 *       captured output:
 *       | a line the test printed
 *     N passed, M failed
 * LEFT is the first argument of expect_eq. Strings are quoted with Rust's
 * escapes (\" \\ \n \r \t \0 \u{1b}), f64 uses str(f64) and compares with
 * IEEE == (so NaN never equals NaN), bytes print as [1, 2, 255]; expect()
 * fails with "expected true, got false", expect_output with
 * "expected output \"GOT\" == \"WANT\"". A panic in a test body (outside
 * actors) fails the test with "panicked at FILE:LINE:COL: MESSAGE" in place
 * of the "at ..." line, and the remaining tests run. A panic in a bench
 * body prints "bench NAME ... FAILED", then reports as any panic and exits
 * with status 101.
 *
 * Benches. Output of the body is discarded (it would break --json). Per
 * bench, after the body returns (time = wall time of the body alone,
 * CLOCK_MONOTONIC):
 *     bench NAME: time_ms=12.345 message_count=100001 scheduler_steps=100001
 *         msgs_per_sec=8100445 max_mailbox_depth=1 actors_spawned=1
 *         dropped_messages=0 peak_heap_bytes=4096          (one line)
 * time_ms has three decimals, msgs_per_sec = message_count / seconds rounded
 * to an integer; with --json one object per line with the same keys after
 * "name", in the same order. The counts are the same on every run. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "sim.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void purr__buf_add(purr__buf *b, const char *data, size_t len) {
    if (b->len + len > b->cap) {
        size_t cap = b->cap < 256 ? 256 : b->cap;
        while (cap < b->len + len) cap *= 2;
        char *p = realloc(b->data, cap);
        if (p == NULL) purr__fatal("out of memory in the test harness");
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}
void purr__buf_cstr(purr__buf *b, const char *s) { purr__buf_add(b, s, strlen(s)); }
void purr__buf_free(purr__buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
/* As a NUL-terminated string (the terminator is not counted in len). */
const char *purr__buf_text(purr__buf *b) {
    purr__buf_add(b, "", 1);
    b->len--;
    return b->data;
}

static void purr__buf_quoted(purr__buf *b, const char *s, size_t len) {
    purr__buf_add(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[16];
        switch (c) {
        case '"': purr__buf_add(b, "\\\"", 2); break;
        case '\\': purr__buf_add(b, "\\\\", 2); break;
        case '\n': purr__buf_add(b, "\\n", 2); break;
        case '\r': purr__buf_add(b, "\\r", 2); break;
        case '\t': purr__buf_add(b, "\\t", 2); break;
        case '\0': purr__buf_add(b, "\\0", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\u{%x}", c);
                purr__buf_cstr(b, esc);
            } else {
                purr__buf_add(b, (const char *)&c, 1);
            }
        }
    }
    purr__buf_add(b, "\"", 1);
}

/* "FILE:LINE:COL". */
static void purr__buf_loc_text(purr__buf *b, const purr_loc *loc) {
    char line[48];
    purr__buf_cstr(b, loc->file);
    snprintf(line, sizeof line, ":%d:%d", (int)loc->line, (int)loc->col);
    purr__buf_cstr(b, line);
}

/* "at FILE:LINE:COL: ", or nothing without a location. */
static void purr__buf_loc(purr__buf *b, const purr_loc *loc) {
    if (loc == NULL) return;
    purr__buf_cstr(b, "at ");
    purr__buf_loc_text(b, loc);
    purr__buf_cstr(b, ": ");
}

/* ---------- stdout capture ---------- */

purr__case_state purr__case;

void purr__capture_write(const char *data, size_t len) { purr__buf_add(&purr__case.captured, data, len); }

/* ---------- the case running ---------- */

/* kind/name are set while a case runs (NULL otherwise); failure holds the
 * text of a failed expectation; case_jump is where it unwinds to. */
static const char *case_kind;
static const char *case_name;
static jmp_buf case_jump;
/* The owned stack's top when the case began: what is above it when the
 * case unwinds belongs to the abandoned frames. */
static size_t case_owned_base;

/* Ends the running case: releases what its frames own, then unwinds to
 * run_case. */
PURR_NORETURN static void unwind_case(void) {
    purr__owned_release_from(case_owned_base);
    longjmp(case_jump, 1);
}

/* Prints the captured output, each line behind "  | ". */
static void show_captured(void) {
    if (purr__case.captured.len == 0) return;
    fputs("  captured output:\n", stdout);
    size_t start = 0;
    for (size_t i = 0; i <= purr__case.captured.len; i++) {
        if (i == purr__case.captured.len ? i > start : purr__case.captured.data[i] == '\n') {
            fputs("  | ", stdout);
            fwrite(purr__case.captured.data + start, 1, i - start, stdout);
            putc('\n', stdout);
            start = i + 1;
        }
    }
}

bool purr__harness_on_panic(const purr_loc *loc, const char *msg) {
    if (case_name == NULL) return false;
    if (strcmp(case_kind, "test") == 0) {
        purr__case.failure.len = 0;
        purr__buf_cstr(&purr__case.failure, "panicked ");
        purr__buf_loc(&purr__case.failure, loc);
        purr__buf_cstr(&purr__case.failure, msg);
        const purr_loc *caller = purr__std_caller_of(loc);
        if (caller != NULL) {
            purr__buf_cstr(&purr__case.failure, "\n  called from ");
            purr__buf_loc_text(&purr__case.failure, caller);
        }
        return true;
    }
    purr__out = PURR__OUT_STDOUT;
    printf("%s %s ... FAILED\n", case_kind, case_name);
    show_captured();
    return false;
}

void purr__harness_unwind(void) { unwind_case(); }

bool purr__harness_on_fault(const char *line) {
    if (case_name == NULL || strcmp(case_kind, "test") != 0 || purr__sim_state.seed == 0) return false;
    if (purr__case.faults_seen++ < PURR__SHOWN_FAULTS) {
        purr__buf_cstr(&purr__case.faults, "  | ");
        purr__buf_cstr(&purr__case.faults, line);
        purr__buf_add(&purr__case.faults, "\n", 1);
    }
    return true;
}

/* Ends the case with `detail` as the failure. Outside a case (no harness)
 * a failed expectation is a panic. */
PURR_NORETURN static void fail(const purr_loc *loc, purr__buf *detail) {
    if (case_name == NULL) {
        static char text[4096]; /* the panic may unwind a handler: no heap */
        size_t n = detail->len < sizeof text - 1 ? detail->len : sizeof text - 1;
        memcpy(text, detail->data, n);
        text[n] = '\0';
        purr__buf_free(detail);
        purr_panic(loc, text);
    }
    purr__case.failure.len = 0;
    purr__buf_loc(&purr__case.failure, loc);
    purr__buf_add(&purr__case.failure, detail->data, detail->len);
    purr__buf_free(detail);
    unwind_case();
}

PURR_NORETURN static void fail_eq(const purr_loc *loc, const char *a, const char *b) {
    purr__buf d = {0};
    purr__buf_cstr(&d, "expected ");
    purr__buf_cstr(&d, a);
    purr__buf_cstr(&d, " == ");
    purr__buf_cstr(&d, b);
    fail(loc, &d);
}

void purr_expect(bool cond, const purr_loc *loc) {
    if (cond) return;
    purr__buf d = {0};
    purr__buf_cstr(&d, "expected true, got false");
    fail(loc, &d);
}

void purr_expect_eq_i64(int64_t a, int64_t b, const purr_loc *loc) {
    if (a == b) return;
    char x[24], y[24];
    purr__fmt_i64(x, a);
    purr__fmt_i64(y, b);
    fail_eq(loc, x, y);
}

void purr_expect_eq_u64(uint64_t a, uint64_t b, const purr_loc *loc) {
    if (a == b) return;
    char x[24], y[24];
    purr__fmt_u64(x, a);
    purr__fmt_u64(y, b);
    fail_eq(loc, x, y);
}

void purr_expect_eq_f64(double a, double b, const purr_loc *loc) {
    if (a == b) return;
    char x[PURR__F64_BUF], y[PURR__F64_BUF];
    purr__fmt_f64(x, a);
    purr__fmt_f64(y, b);
    fail_eq(loc, x, y);
}

void purr_expect_eq_bool(bool a, bool b, const purr_loc *loc) {
    if (a == b) return;
    fail_eq(loc, a ? "true" : "false", b ? "true" : "false");
}

void purr_expect_eq_str(const purr_str *a, const purr_str *b, const purr_loc *loc) {
    if (purr_str_eq(a, b)) return;
    purr__buf d = {0};
    purr__buf_cstr(&d, "expected ");
    purr__buf_quoted(&d, a->data, (size_t)a->len);
    purr__buf_cstr(&d, " == ");
    purr__buf_quoted(&d, b->data, (size_t)b->len);
    fail(loc, &d);
}

static void bytes_text(purr__buf *d, const purr_bytes *b) {
    purr__buf_add(d, "[", 1);
    for (int64_t i = 0; i < b->len; i++) {
        char n[8];
        snprintf(n, sizeof n, i == 0 ? "%u" : ", %u", (unsigned)b->data[i]);
        purr__buf_cstr(d, n);
    }
    purr__buf_add(d, "]", 1);
}

void purr_expect_eq_bytes(const purr_bytes *a, const purr_bytes *b, const purr_loc *loc) {
    if (purr_bytes_eq(a, b)) return;
    purr__buf d = {0};
    purr__buf_cstr(&d, "expected ");
    bytes_text(&d, a);
    purr__buf_cstr(&d, " == ");
    bytes_text(&d, b);
    fail(loc, &d);
}

void purr_expect_output(const purr_str *text, const purr_loc *loc) {
    if (purr__case.captured.len == (size_t)text->len && (text->len == 0 || memcmp(purr__case.captured.data, text->data, purr__case.captured.len) == 0)) {
        purr__case.captured.len = 0;
        return;
    }
    purr__buf d = {0};
    purr__buf_cstr(&d, "expected output ");
    purr__buf_quoted(&d, purr__case.captured.data, purr__case.captured.len);
    purr__buf_cstr(&d, " == ");
    purr__buf_quoted(&d, text->data, (size_t)text->len);
    purr__case.captured.len = 0;
    fail(loc, &d);
}

/* ---------- the case runner (test_main.c runs the cases) ---------- */

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* harness.h */
bool purr__run_case(const char *kind, const purr_test_case *c, purr_sched_kind sched, purr__out_mode out,
                    purr_metrics *m, int64_t *ns) {
    purr_sched_init(sched);
    purr__case.captured.len = 0;
    purr__case.faults.len = 0;
    purr__case.faults_seen = 0;
    case_kind = kind;
    case_name = c->name;
    purr__out = out;
    bool ok = true;
    case_owned_base = purr__owned_top;
    int64_t t0 = mono_ns();
    if (setjmp(case_jump) == 0)
        c->run();
    else
        ok = false;
    if (m != NULL) {
        *ns = mono_ns() - t0;
        *m = purr_metrics_get();
    }
    purr__out = PURR__OUT_STDOUT;
    case_name = NULL;
    /* Before anything else: a failure inside a handler left it mid-way. */
    purr_sched_shutdown();
    return ok;
}

/* The run stopped at the step limit with work left (sched_det.c): the test
 * fails, naming the seed, so that a schedule that never ends is a failure
 * to replay rather than a hung run. */
PURR_NORETURN void purr__harness_step_limit(int64_t limit) {
    if (case_name == NULL || strcmp(case_kind, "test") != 0)
        purr__fatal("the step limit (%lld) was reached outside a test", (long long)limit);
    char n[24], s[24];
    purr__fmt_i64(n, limit);
    purr__fmt_u64(s, purr__sim_state.seed);
    purr__case.failure.len = 0;
    purr__buf_cstr(&purr__case.failure, "did not finish: still running after ");
    purr__buf_cstr(&purr__case.failure, n);
    purr__buf_cstr(&purr__case.failure, " steps under seed ");
    purr__buf_cstr(&purr__case.failure, s);
    purr__buf_cstr(&purr__case.failure, " (a schedule that never ends? --step-limit N sets the limit)");
    unwind_case();
}
