/* test_main.c — the mains of `purrc --test` and `purrc --bench`
 * (docs/actors.md §10, §11; output formats at the top of test.c): the
 * options, the simulation's settings (sim.h), running every test under
 * one seed or exploring many (docs/testing.md), the replay report, and the
 * benches' lines. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "sim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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
static void buf_shell_word(purr__buf *b, const char *s) {
    bool plain = *s != '\0';
    for (const char *p = s; *p != '\0'; p++)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%", *p) == NULL) plain = false;
    if (plain) {
        purr__buf_cstr(b, s);
        return;
    }
    purr__buf_add(b, "'", 1);
    for (const char *p = s; *p != '\0'; p++)
        if (*p == '\'')
            purr__buf_cstr(b, "'\\''");
        else
            purr__buf_add(b, p, 1);
    purr__buf_add(b, "'", 1);
}

/* What a test run reports under a failure, after its "FAILED" line: the
 * failure, the captured output, and (seeded) the replay command. */
static void failure_report(purr__buf *r, const char *replay, const char *name, uint64_t seed) {
    r->len = 0;
    purr__buf_cstr(r, "  ");
    purr__buf_add(r, purr__case.failure.data, purr__case.failure.len);
    purr__buf_add(r, "\n", 1);
    if (purr__case.captured.len != 0) {
        purr__buf_cstr(r, "  captured output:\n");
        size_t start = 0;
        for (size_t i = 0; i <= purr__case.captured.len; i++) {
            if (i == purr__case.captured.len ? i > start : purr__case.captured.data[i] == '\n') {
                purr__buf_cstr(r, "  | ");
                purr__buf_add(r, purr__case.captured.data + start, i - start);
                purr__buf_add(r, "\n", 1);
                start = i + 1;
            }
        }
    }
    if (seed == 0) return;
    char n[24];
    if (purr__case.faults_seen != 0) {
        purr__buf_cstr(r, "  actors that panicked:\n");
        purr__buf_add(r, purr__case.faults.data, purr__case.faults.len);
        if (purr__case.faults_seen > PURR__SHOWN_FAULTS) {
            purr__fmt_i64(n, purr__case.faults_seen - PURR__SHOWN_FAULTS);
            purr__buf_cstr(r, "  | ... and ");
            purr__buf_cstr(r, n);
            purr__buf_cstr(r, " more\n");
        }
    }
    purr__fmt_u64(n, seed);
    purr__buf_cstr(r, "  replay: ");
    purr__buf_cstr(r, replay);
    purr__buf_cstr(r, " --filter ");
    buf_shell_word(r, name);
    purr__buf_cstr(r, " --seed ");
    purr__buf_cstr(r, n);
    purr__buf_add(r, "\n", 1);
}

/* Seeds a test ran under, for the report of those it failed under. */
enum { SHOWN_SEEDS = 10 };

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
    purr__buf self = {0};
    if (replay == NULL) {
        /* Run without purrc: the runner itself, with the settings that
         * change a schedule. */
        buf_shell_word(&self, argv[0]);
        static const char *const kept[] = {"--step-cost-us", "--step-limit"};
        for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
            const char *v = option(argc, argv, kept[k]);
            if (v == NULL) continue;
            purr__buf_add(&self, " ", 1);
            purr__buf_cstr(&self, kept[k]);
            purr__buf_add(&self, " ", 1);
            buf_shell_word(&self, v);
        }
        replay = purr__buf_text(&self);
    }
    bool exploring = option(argc, argv, "--explore") != NULL;
    int64_t passed = 0, failed = 0;
    purr__buf report = {0}, seeds = {0};
    for (size_t i = 0; i < count; i++) {
        const purr_test_case *c = &cases[i];
        if (filter != NULL && strstr(c->name, filter) == NULL) continue;
        uint64_t failed_under = 0, first_failure = 0;
        seeds.len = 0;
        for (uint64_t k = 0; k < explore; k++) {
            uint64_t seed = first + k;
            configure_sim(argc, argv, seed, PURR__SIM_TEST_STEP_LIMIT);
            purr__sim_case(c->name);
            if (purr__run_case("test", c, PURR_SCHED_DET, PURR__OUT_CAPTURE, NULL, NULL)) continue;
            char n[24];
            purr__fmt_u64(n, seed);
            if (failed_under < SHOWN_SEEDS) {
                if (failed_under != 0) purr__buf_cstr(&seeds, ", ");
                purr__buf_cstr(&seeds, n);
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
                   (unsigned long long)explore, purr__buf_text(&seeds), failed_under > SHOWN_SEEDS ? ", ..." : "");
    }
    printf("%lld passed, %lld failed\n", (long long)passed, (long long)failed);
    fflush(stdout);
    purr__buf_free(&report);
    purr__buf_free(&seeds);
    purr__buf_free(&purr__case.faults);
    purr__buf_free(&self);
    purr__buf_free(&purr__case.captured);
    purr__buf_free(&purr__case.failure);
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
        if (!purr__run_case("bench", c, sched, PURR__OUT_DISCARD, &m, &ns)) {
            printf("bench %s ... FAILED\n  %s\n", c->name, purr__buf_text(&purr__case.failure));
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
    purr__buf_free(&purr__case.captured);
    purr__buf_free(&purr__case.failure);
    return status;
}
