/* test.c — the mains of `purrc --test` and `purrc --bench` (docs/actors.md §10, §11):
 * running cases, expectations, and stdout capture.
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
#include "internal.h"
#include "sim.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* A growable text buffer on plain malloc: harness memory stays out of the
 * heap counters that benches report and tests check. */
typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *data, size_t len) {
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
static void buf_cstr(buf *b, const char *s) { buf_add(b, s, strlen(s)); }
static void buf_free(buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
/* As a NUL-terminated string (the terminator is not counted in len). */
static const char *buf_text(buf *b) {
    buf_add(b, "", 1);
    b->len--;
    return b->data;
}

static void buf_quoted(buf *b, const char *s, size_t len) {
    buf_add(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[16];
        switch (c) {
        case '"': buf_add(b, "\\\"", 2); break;
        case '\\': buf_add(b, "\\\\", 2); break;
        case '\n': buf_add(b, "\\n", 2); break;
        case '\r': buf_add(b, "\\r", 2); break;
        case '\t': buf_add(b, "\\t", 2); break;
        case '\0': buf_add(b, "\\0", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\u{%x}", c);
                buf_cstr(b, esc);
            } else {
                buf_add(b, (const char *)&c, 1);
            }
        }
    }
    buf_add(b, "\"", 1);
}

/* "FILE:LINE:COL". */
static void buf_loc_text(buf *b, const purr_loc *loc) {
    char line[48];
    buf_cstr(b, loc->file);
    snprintf(line, sizeof line, ":%d:%d", (int)loc->line, (int)loc->col);
    buf_cstr(b, line);
}

/* "at FILE:LINE:COL: ", or nothing without a location. */
static void buf_loc(buf *b, const purr_loc *loc) {
    if (loc == NULL) return;
    buf_cstr(b, "at ");
    buf_loc_text(b, loc);
    buf_cstr(b, ": ");
}

/* ---------- stdout capture ---------- */

static buf captured; /* what print wrote since the last expect_output */

void purr__capture_write(const char *data, size_t len) { buf_add(&captured, data, len); }

/* ---------- the case running ---------- */

/* kind/name are set while a case runs (NULL otherwise); failure holds the
 * text of a failed expectation; case_jump is where it unwinds to. */
static const char *case_kind;
static const char *case_name;
static buf failure;
/* Seeded tests: the faults of the case's handlers, a line each (at most
 * SHOWN_FAULTS; faults_seen counts them all). */
static buf faults;
static int64_t faults_seen;
enum { SHOWN_FAULTS = 5 };
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
    if (captured.len == 0) return;
    fputs("  captured output:\n", stdout);
    size_t start = 0;
    for (size_t i = 0; i <= captured.len; i++) {
        if (i == captured.len ? i > start : captured.data[i] == '\n') {
            fputs("  | ", stdout);
            fwrite(captured.data + start, 1, i - start, stdout);
            putc('\n', stdout);
            start = i + 1;
        }
    }
}

bool purr__harness_on_panic(const purr_loc *loc, const char *msg) {
    if (case_name == NULL) return false;
    if (strcmp(case_kind, "test") == 0) {
        failure.len = 0;
        buf_cstr(&failure, "panicked ");
        buf_loc(&failure, loc);
        buf_cstr(&failure, msg);
        const purr_loc *caller = purr__std_caller_of(loc);
        if (caller != NULL) {
            buf_cstr(&failure, "\n  called from ");
            buf_loc_text(&failure, caller);
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
    if (faults_seen++ < SHOWN_FAULTS) {
        buf_cstr(&faults, "  | ");
        buf_cstr(&faults, line);
        buf_add(&faults, "\n", 1);
    }
    return true;
}

/* Ends the case with `detail` as the failure. Outside a case (no harness)
 * a failed expectation is a panic. */
PURR_NORETURN static void fail(const purr_loc *loc, buf *detail) {
    if (case_name == NULL) {
        static char text[4096]; /* the panic may unwind a handler: no heap */
        size_t n = detail->len < sizeof text - 1 ? detail->len : sizeof text - 1;
        memcpy(text, detail->data, n);
        text[n] = '\0';
        buf_free(detail);
        purr_panic(loc, text);
    }
    failure.len = 0;
    buf_loc(&failure, loc);
    buf_add(&failure, detail->data, detail->len);
    buf_free(detail);
    unwind_case();
}

PURR_NORETURN static void fail_eq(const purr_loc *loc, const char *a, const char *b) {
    buf d = {0};
    buf_cstr(&d, "expected ");
    buf_cstr(&d, a);
    buf_cstr(&d, " == ");
    buf_cstr(&d, b);
    fail(loc, &d);
}

void purr_expect(bool cond, const purr_loc *loc) {
    if (cond) return;
    buf d = {0};
    buf_cstr(&d, "expected true, got false");
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
    buf d = {0};
    buf_cstr(&d, "expected ");
    buf_quoted(&d, a->data, (size_t)a->len);
    buf_cstr(&d, " == ");
    buf_quoted(&d, b->data, (size_t)b->len);
    fail(loc, &d);
}

static void bytes_text(buf *d, const purr_bytes *b) {
    buf_add(d, "[", 1);
    for (int64_t i = 0; i < b->len; i++) {
        char n[8];
        snprintf(n, sizeof n, i == 0 ? "%u" : ", %u", (unsigned)b->data[i]);
        buf_cstr(d, n);
    }
    buf_add(d, "]", 1);
}

void purr_expect_eq_bytes(const purr_bytes *a, const purr_bytes *b, const purr_loc *loc) {
    if (purr_bytes_eq(a, b)) return;
    buf d = {0};
    buf_cstr(&d, "expected ");
    bytes_text(&d, a);
    buf_cstr(&d, " == ");
    bytes_text(&d, b);
    fail(loc, &d);
}

void purr_expect_output(const purr_str *text, const purr_loc *loc) {
    if (captured.len == (size_t)text->len && (text->len == 0 || memcmp(captured.data, text->data, captured.len) == 0)) {
        captured.len = 0;
        return;
    }
    buf d = {0};
    buf_cstr(&d, "expected output ");
    buf_quoted(&d, captured.data, captured.len);
    buf_cstr(&d, " == ");
    buf_quoted(&d, text->data, (size_t)text->len);
    captured.len = 0;
    fail(loc, &d);
}

/* ---------- mains ---------- */

/* The value of `--NAME VALUE` or `--NAME=VALUE`, else NULL. */
static const char *option(int argc, char **argv, const char *name) {
    size_t n = strlen(name);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0 && i + 1 < argc) return argv[i + 1];
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
    }
    return NULL;
}

static bool flag(int argc, char **argv, const char *name) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0) return true;
    return false;
}

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Runs one case body on a fresh scheduler of kind `sched` with print going
 * to `out`. Returns true when it finished, false when an expectation failed
 * (the text is in `failure`). With `m`, also measures the body: wall time
 * into *ns, the metrics into *m (before shutdown releases everything). */
static bool run_case(const char *kind, const purr_test_case *c, purr_sched_kind sched, purr__out_mode out,
                     purr_metrics *m, int64_t *ns) {
    purr_sched_init(sched);
    captured.len = 0;
    faults.len = 0;
    faults_seen = 0;
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

/* A whole decimal number from option `name`, or `dflt` when it is absent;
 * anything else is a usage error (status 2): a run under other settings
 * than asked for would mislead. */
static uint64_t number_option(int argc, char **argv, const char *name, uint64_t dflt, uint64_t min, uint64_t max) {
    const char *text = option(argc, argv, name);
    if (text == NULL) return dflt;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || errno != 0 || v < min || v > max) {
        fflush(stdout);
        fprintf(stderr, "purr: %s %s: expected a whole number from %llu to %llu\n", name, text,
                (unsigned long long)min, (unsigned long long)max);
        exit(2);
    }
    return v;
}

/* The simulation settings every case runs under (sim.h), from the options
 * that purrc passes on. */
static void configure_sim(int argc, char **argv, uint64_t seed, int64_t default_limit) {
    int64_t cost = (int64_t)number_option(argc, argv, "--step-cost-us", PURR__SIM_STEP_COST_US, 0, INT32_MAX);
    int64_t limit = (int64_t)number_option(argc, argv, "--step-limit", (uint64_t)default_limit, 1, INT64_MAX);
    purr__sim_configure(seed, cost, limit);
}

/* Appends text quoted for a POSIX shell when it needs it. */
static void buf_shell_word(buf *b, const char *s) {
    bool plain = *s != '\0';
    for (const char *p = s; *p != '\0'; p++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%", *p) == NULL) plain = false;
    if (plain) {
        buf_cstr(b, s);
        return;
    }
    buf_add(b, "'", 1);
    for (const char *p = s; *p != '\0'; p++)
        if (*p == '\'')
            buf_cstr(b, "'\\''");
        else
            buf_add(b, p, 1);
    buf_add(b, "'", 1);
}

/* What a test run reports under a failure, after its "FAILED" line: the
 * failure, the captured output, and (seeded) the replay command. */
static void failure_report(buf *r, const char *replay, const char *name, uint64_t seed) {
    r->len = 0;
    buf_cstr(r, "  ");
    buf_add(r, failure.data, failure.len);
    buf_add(r, "\n", 1);
    if (captured.len != 0) {
        buf_cstr(r, "  captured output:\n");
        size_t start = 0;
        for (size_t i = 0; i <= captured.len; i++) {
            if (i == captured.len ? i > start : captured.data[i] == '\n') {
                buf_cstr(r, "  | ");
                buf_add(r, captured.data + start, i - start);
                buf_add(r, "\n", 1);
                start = i + 1;
            }
        }
    }
    if (seed == 0) return;
    char n[24];
    if (faults_seen != 0) {
        buf_cstr(r, "  actors that panicked:\n");
        buf_add(r, faults.data, faults.len);
        if (faults_seen > SHOWN_FAULTS) {
            purr__fmt_i64(n, faults_seen - SHOWN_FAULTS);
            buf_cstr(r, "  | ... and ");
            buf_cstr(r, n);
            buf_cstr(r, " more\n");
        }
    }
    purr__fmt_u64(n, seed);
    buf_cstr(r, "  replay: ");
    buf_cstr(r, replay);
    buf_cstr(r, " --filter ");
    buf_shell_word(r, name);
    buf_cstr(r, " --seed ");
    buf_cstr(r, n);
    buf_add(r, "\n", 1);
}

/* Seeds a test ran under, for the report of those it failed under. */
enum { SHOWN_SEEDS = 10 };

/* The run stopped at the step limit with work left (sched_det.c): the test
 * fails, naming the seed, so that a schedule that never ends is a failure
 * to replay rather than a hung run. */
PURR_NORETURN void purr__harness_step_limit(int64_t limit) {
    if (case_name == NULL || strcmp(case_kind, "test") != 0)
        purr__fatal("the step limit (%lld) was reached outside a test", (long long)limit);
    char n[24], s[24];
    purr__fmt_i64(n, limit);
    purr__fmt_u64(s, purr__sim_state.seed);
    failure.len = 0;
    buf_cstr(&failure, "did not finish: still running after ");
    buf_cstr(&failure, n);
    buf_cstr(&failure, " steps under seed ");
    buf_cstr(&failure, s);
    buf_cstr(&failure, " (a schedule that never ends? --step-limit N sets the limit)");
    unwind_case();
}

int purr_test_main(int argc, char **argv, const purr_test_case *cases, size_t count) {
    const char *filter = option(argc, argv, "--filter");
    const char *replay = option(argc, argv, "--replay");
    uint64_t explore = number_option(argc, argv, "--explore", 0, 1, UINT32_MAX);
    uint64_t first = number_option(argc, argv, "--seed", explore != 0 ? 1 : 0, 0, UINT64_MAX);
    if (explore == 0) explore = 1;
    if (first > UINT64_MAX - (explore - 1)) {
        fprintf(stderr, "purr: --seed %llu with --explore %llu: the seeds would pass 2^64 - 1\n",
                (unsigned long long)first, (unsigned long long)explore);
        exit(2);
    }
    buf self = {0};
    if (replay == NULL) {
        /* Run without purrc: the runner itself, with the settings that
         * change a schedule. */
        buf_shell_word(&self, argv[0]);
        static const char *const kept[] = {"--step-cost-us", "--step-limit"};
        for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
            const char *v = option(argc, argv, kept[k]);
            if (v == NULL) continue;
            buf_add(&self, " ", 1);
            buf_cstr(&self, kept[k]);
            buf_add(&self, " ", 1);
            buf_shell_word(&self, v);
        }
        replay = buf_text(&self);
    }
    bool exploring = option(argc, argv, "--explore") != NULL;
    int64_t passed = 0, failed = 0;
    buf report = {0}, seeds = {0};
    for (size_t i = 0; i < count; i++) {
        const purr_test_case *c = &cases[i];
        if (filter != NULL && strstr(c->name, filter) == NULL) continue;
        uint64_t failed_under = 0, first_failure = 0;
        seeds.len = 0;
        for (uint64_t k = 0; k < explore; k++) {
            uint64_t seed = first + k;
            configure_sim(argc, argv, seed, PURR__SIM_TEST_STEP_LIMIT);
            purr__sim_case(c->name);
            if (run_case("test", c, PURR_SCHED_DET, PURR__OUT_CAPTURE, NULL, NULL)) continue;
            char n[24];
            purr__fmt_u64(n, seed);
            if (failed_under < SHOWN_SEEDS) {
                if (failed_under != 0) buf_cstr(&seeds, ", ");
                buf_cstr(&seeds, n);
            }
            if (failed_under++ == 0) {
                first_failure = seed;
                failure_report(&report, replay, c->name, seed);
            }
        }
        if (failed_under == 0) {
            printf("test %s ... ok\n", c->name);
            passed++;
            continue;
        }
        failed++;
        if (first_failure != 0)
            printf("test %s ... FAILED (seed %llu)\n", c->name, (unsigned long long)first_failure);
        else
            printf("test %s ... FAILED\n", c->name);
        fwrite(report.data, 1, report.len, stdout);
        if (exploring)
            printf("  failed under %llu of %llu seeds: %s%s\n", (unsigned long long)failed_under,
                   (unsigned long long)explore, buf_text(&seeds), failed_under > SHOWN_SEEDS ? ", ..." : "");
    }
    printf("%lld passed, %lld failed\n", (long long)passed, (long long)failed);
    fflush(stdout);
    buf_free(&report);
    buf_free(&seeds);
    buf_free(&faults);
    buf_free(&self);
    buf_free(&captured);
    buf_free(&failure);
    return failed == 0 ? 0 : 1;
}

static void json_string(const char *s) {
    putc('"', stdout);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putc(c, stdout);
    }
    putc('"', stdout);
}

int purr_bench_main(int argc, char **argv, const purr_test_case *cases, size_t count, purr_sched_kind sched) {
    const char *filter = option(argc, argv, "--filter");
    bool json = flag(argc, argv, "--json");
    configure_sim(argc, argv, number_option(argc, argv, "--seed", 0, 0, UINT64_MAX), INT64_MAX);
    int status = 0;
    for (size_t i = 0; i < count; i++) {
        const purr_test_case *c = &cases[i];
        if (filter != NULL && strstr(c->name, filter) == NULL) continue;
        purr__sim_case(c->name);
        purr_metrics m;
        int64_t ns;
        if (!run_case("bench", c, sched, PURR__OUT_DISCARD, &m, &ns)) {
            printf("bench %s ... FAILED\n  %s\n", c->name, buf_text(&failure));
            status = 1;
            continue;
        }
        double ms = (double)ns / 1e6;
        double rate = ns > 0 ? (double)m.message_count * 1e9 / (double)ns : 0.0;
        if (json) {
            fputs("{\"name\":", stdout);
            json_string(c->name);
            printf(",\"time_ms\":%.3f,\"message_count\":%lld,\"scheduler_steps\":%lld,\"msgs_per_sec\":%.0f,"
                   "\"max_mailbox_depth\":%lld,\"actors_spawned\":%lld,\"dropped_messages\":%lld,"
                   "\"peak_heap_bytes\":%lld}\n",
                   ms, (long long)m.message_count, (long long)m.scheduler_steps, rate,
                   (long long)m.max_mailbox_depth, (long long)m.actors_spawned, (long long)m.dropped_messages,
                   (long long)m.peak_heap_bytes);
        } else {
            printf("bench %s: time_ms=%.3f message_count=%lld scheduler_steps=%lld msgs_per_sec=%.0f "
                   "max_mailbox_depth=%lld actors_spawned=%lld dropped_messages=%lld peak_heap_bytes=%lld\n",
                   c->name, ms, (long long)m.message_count, (long long)m.scheduler_steps, rate,
                   (long long)m.max_mailbox_depth, (long long)m.actors_spawned, (long long)m.dropped_messages,
                   (long long)m.peak_heap_bytes);
        }
    }
    fflush(stdout);
    buf_free(&captured);
    buf_free(&failure);
    return status;
}
