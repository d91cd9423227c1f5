/* test_harness.c — purr_test_main and purr_bench_main: output formats,
 * expectations, capture, --filter and --json, determinism of the counts. */
#include "test.h"

#include "actor_util.h"

PURR_STR_LIT(hello, "hello");
PURR_STR_LIT(hello_nl, "hello\n");

static void case_ok(void) {
    purr_println(PURR_STR_LIT_REF(hello));
    purr_expect_output(PURR_STR_LIT_REF(hello_nl), &LOC);
    purr_print(PURR_STR_LIT_REF(hello));
    purr_expect_eq_i64(2, 2, &LOC);
    purr_expect(true, &LOC);
    /* unchecked output of a passing test is not shown */
}

static void case_eq_i64(void) {
    PURR_STR_LIT(a, "first line\nsecond line");
    purr_println(PURR_STR_LIT_REF(hello));
    purr_print(PURR_STR_LIT_REF(a));
    purr_expect_eq_i64(5, -4, &LOC);
    purr_println(PURR_STR_LIT_REF(hello)); /* not reached */
}

static void case_eq_str(void) {
    PURR_STR_LIT(a, "a\"b\\\n\t\x1b");
    PURR_STR_LIT(b, "c");
    purr_expect_eq_str(PURR_STR_LIT_REF(a), PURR_STR_LIT_REF(b), &LOC);
}

static void case_eq_f64(void) { purr_expect_eq_f64(0.1 + 0.2, 0.3, &LOC); }
static void case_eq_u64(void) { purr_expect_eq_u64(UINT64_MAX, 1, &LOC); }
static void case_eq_bool(void) { purr_expect_eq_bool(true, false, &LOC); }
static void case_expect(void) { purr_expect(false, &LOC); }

static void case_eq_bytes(void) {
    purr_bytes *a = purr_bytes_from((const uint8_t *)"\x01\x02\xff", 3);
    purr_bytes *b = purr_bytes_new(0, &LOC);
    purr_expect_eq_bytes(a, a, &LOC);
    KEEP(a); /* a and b leak when the failure unwinds the test body */
    KEEP(b);
    purr_expect_eq_bytes(a, b, &LOC);
}

static void case_output(void) {
    PURR_STR_LIT(y, "y\n");
    purr_print(PURR_STR_LIT_REF(hello));
    purr_expect_output(PURR_STR_LIT_REF(y), &LOC);
}

/* A failing expectation inside a handler ends the test too. */
static void checker_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    purr_expect_eq_i64(int_of(m), 1, &LOC);
}
static const purr_actor_type checker_type = {"Checker", 0, checker_dispatch, NULL};
static void case_in_handler(void) {
    purr_actor *a = purr_spawn(&checker_type, NULL, false);
    KEEP(a); /* our reference leaks when the failure unwinds the test body */
    purr_send(a, int_msg_new(K_INT, 1));
    purr_send(a, int_msg_new(K_INT, 2));
    purr_send(a, int_msg_new(K_INT, 3));
    purr_drain();
}

/* Each test starts with a fresh scheduler: ids from 1, clock at 0. */
static void case_fresh(void) {
    purr_expect_eq_i64(purr_now_ms(), 0, &LOC);
    purr_actor *a = purr_spawn(&checker_type, NULL, false);
    purr_expect_eq_i64(purr_actor_id(a), 1, &LOC);
    purr_advance_ms(25);
    purr_expect_eq_i64(purr_now_ms(), 25, &LOC);
    purr_actor_release(a);
}

static const purr_test_case cases[] = {
    {"passes", case_ok},          {"eq i64", case_eq_i64},   {"eq str", case_eq_str},
    {"eq f64", case_eq_f64},      {"eq u64", case_eq_u64},   {"eq bool", case_eq_bool},
    {"expect", case_expect},      {"eq bytes", case_eq_bytes}, {"output", case_output},
    {"in handler", case_in_handler}, {"fresh 1", case_fresh}, {"fresh 2", case_fresh},
};

static void all_tests(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    exit(purr_test_main(1, argv, cases, sizeof cases / sizeof cases[0]));
}

static void filtered_tests(void) {
    char *argv[] = {"prog", "--filter", "fresh", NULL};
    purr_init(3, argv);
    exit(purr_test_main(3, argv, cases, sizeof cases / sizeof cases[0]));
}

static void no_tests(void) {
    char *argv[] = {"prog", "--filter=nothing matches", NULL};
    exit(purr_test_main(2, argv, cases, sizeof cases / sizeof cases[0]));
}

/* Owns a string (as generated code would) when it panics: the panic must
 * release it. */
static void case_panics(void) {
    size_t base = purr_owned_enter(1);
    purr_str *s = purr_str_from_cstr("owned by the body");
    purr_own(base, &s, &purr_type_str);
    purr_println(PURR_STR_LIT_REF(hello));
    purr_panic(&LOC, "in the body");
}
static const purr_test_case panicking[] = {{"first", case_ok}, {"second", case_panics}, {"third", case_ok}};
static void panicking_tests(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    int status = purr_test_main(1, argv, panicking, 3);
    if (purr_heap_bytes() != 0) printf("leak: %zu heap bytes\n", purr_heap_bytes());
    exit(status);
}

static void test_test_main(void) {
    EXPECT_EXIT(all_tests, 1,
                "test passes ... ok\n"
                "test eq i64 ... FAILED\n"
                "  at t.pu:3:7: expected 5 == -4\n"
                "  captured output:\n"
                "  | hello\n"
                "  | first line\n"
                "  | second line\n"
                "test eq str ... FAILED\n"
                "  at t.pu:3:7: expected \"a\\\"b\\\\\\n\\t\\u{1b}\" == \"c\"\n"
                "test eq f64 ... FAILED\n"
                "  at t.pu:3:7: expected 0.30000000000000004 == 0.3\n"
                "test eq u64 ... FAILED\n"
                "  at t.pu:3:7: expected 18446744073709551615 == 1\n"
                "test eq bool ... FAILED\n"
                "  at t.pu:3:7: expected true == false\n"
                "test expect ... FAILED\n"
                "  at t.pu:3:7: expected true, got false\n"
                "test eq bytes ... FAILED\n"
                "  at t.pu:3:7: expected [1, 2, 255] == []\n"
                "test output ... FAILED\n"
                "  at t.pu:3:7: expected output \"hello\" == \"y\\n\"\n"
                "test in handler ... FAILED\n"
                "  at t.pu:3:7: expected 2 == 1\n"
                "test fresh 1 ... ok\n"
                "test fresh 2 ... ok\n"
                "3 passed, 9 failed\n");
    EXPECT_EXIT(filtered_tests, 0, "test fresh 1 ... ok\ntest fresh 2 ... ok\n2 passed, 0 failed\n");
    EXPECT_EXIT(no_tests, 0, "0 passed, 0 failed\n");
    /* A panicking test fails; the others still run. */
    EXPECT_EXIT(panicking_tests, 1,
                "test first ... ok\n"
                "test second ... FAILED\n"
                "  panicked at t.pu:3:7: in the body\n"
                "  captured output:\n"
                "  | hello\n"
                "test third ... ok\n"
                "2 passed, 1 failed\n");
}

/* Expectations outside any harness are panics. */
static void bare_expect(void) { purr_expect_eq_i64(1, 2, &LOC); }

/* ---------- benches ---------- */

/* K_INT v > 0: sends itself v - 1. */
static void looper_dispatch(purr_actor *self, purr_msg *m) {
    if (m->kind == K_INT && int_of(m) > 0) purr_send(self, int_msg_new(K_INT, int_of(m) - 1));
    purr_println(PURR_STR_LIT_REF(hello)); /* discarded */
}
static const purr_actor_type looper_type = {"Looper", 0, looper_dispatch, NULL};

static void bench_self_send(void) {
    purr_actor *a = purr_spawn(&looper_type, NULL, true);
    purr_send(a, int_msg_new(K_INT, 1000));
    purr_drain();
    purr_send(a, int_msg_new(K_INT, 0));
    purr_actor_release(a);
}

static void bench_fan_out(void) {
    purr_actor *as[50];
    for (int i = 0; i < 50; i++) as[i] = purr_spawn(&looper_type, NULL, false);
    for (int r = 0; r < 4; r++)
        for (int i = 0; i < 50; i++) purr_send(as[i], int_msg_new(K_INT, i % 3));
    purr_drain();
    for (int i = 0; i < 50; i++) purr_actor_release(as[i]);
}

static const purr_test_case benches[] = {{"self-send 1k", bench_self_send}, {"fan \"out\"", bench_fan_out}};

static void benches_text(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    exit(purr_bench_main(1, argv, benches, 2, PURR_SCHED_DET));
}
static void benches_json(void) {
    char *argv[] = {"prog", "--json", NULL};
    purr_init(2, argv);
    exit(purr_bench_main(2, argv, benches, 2, PURR_SCHED_DET));
}
static void benches_on_loop(void) {
    char *argv[] = {"prog", NULL};
    purr_init(1, argv);
    exit(purr_bench_main(1, argv, benches, 2, PURR_SCHED_EPOLL));
}

/* Runs fn in a child and returns its stdout (static buffer). */
static const char *output_of(void (*fn)(void)) {
    static char out[2][4096];
    static int which;
    char *got = out[which++ % 2];
    int fds[2];
    if (pipe(fds) != 0) exit(2);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 1);
        close(fds[1]);
        on_exit(child_exit, NULL);
        fn();
        exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t r;
    while (n < 4095 && (r = read(fds[0], got + n, 4095 - n)) > 0) n += (size_t)r;
    got[n] = '\0';
    close(fds[0]);
    waitpid(pid, NULL, 0);
    return got;
}

/* Blanks the two timing fields so that runs can be compared. */
static void strip_times(char *s) {
    const char *keys[] = {"time_ms", "msgs_per_sec"};
    for (int k = 0; k < 2; k++) {
        for (char *p = s; (p = strstr(p, keys[k])) != NULL;) {
            p += strlen(keys[k]) + 1 + (p[strlen(keys[k])] == '"'); /* past = or ": */
            if (*p == ':') p++;
            char *end = p;
            while ((*end >= '0' && *end <= '9') || *end == '.') end++;
            CHECK(end > p);
            memmove(p + 1, end, strlen(end) + 1);
            *p = '#';
        }
    }
}

static void test_bench_main(void) {
    char a[4096], b[4096];
    snprintf(a, sizeof a, "%s", output_of(benches_text));
    snprintf(b, sizeof b, "%s", output_of(benches_text));
    long long ms_int, ms_frac, rate, peak;
    CHECK(sscanf(a, "bench self-send 1k: time_ms=%lld.%3lld message_count=1002 scheduler_steps=1002 "
                    "msgs_per_sec=%lld max_mailbox_depth=2 actors_spawned=1 dropped_messages=0 "
                    "peak_heap_bytes=%lld\n",
                 &ms_int, &ms_frac, &rate, &peak) == 4);
    CHECK(peak > 0 && rate > 0);
    CHECK(strstr(a, "\nbench fan \"out\": time_ms=") != NULL);
    CHECK(strstr(a, " message_count=396 scheduler_steps=396 ") != NULL);
    CHECK(strstr(a, " max_mailbox_depth=4 actors_spawned=50 dropped_messages=0 ") != NULL);
    strip_times(a);
    strip_times(b);
    CHECK(strcmp(a, b) == 0); /* the counts are the same on every run */
    CHECK(strstr(a, "time_ms=# ") != NULL && strstr(a, "msgs_per_sec=# ") != NULL);

    snprintf(a, sizeof a, "%s", output_of(benches_json));
    snprintf(b, sizeof b, "%s", output_of(benches_json));
    CHECK(strncmp(a, "{\"name\":\"self-send 1k\",\"time_ms\":", 33) == 0);
    CHECK(strstr(a, ",\"message_count\":1002,\"scheduler_steps\":1002,\"msgs_per_sec\":") != NULL);
    CHECK(strstr(a, ",\"max_mailbox_depth\":2,\"actors_spawned\":1,\"dropped_messages\":0,\"peak_heap_bytes\":") !=
          NULL);
    CHECK(strstr(a, "}\n{\"name\":\"fan \\\"out\\\"\",") != NULL);
    strip_times(a);
    strip_times(b);
    CHECK(strcmp(a, b) == 0);
    /* On the event loop: the same messages, in fewer steps (batches). */
    snprintf(a, sizeof a, "%s", output_of(benches_on_loop));
    long long steps;
    CHECK(sscanf(a, "bench self-send 1k: time_ms=%lld.%3lld message_count=1002 scheduler_steps=%lld ", &ms_int,
                 &ms_frac, &steps) == 3);
    CHECK(steps > 0 && steps < 1002);
    CHECK(strstr(a, " message_count=396 ") != NULL);
}

int main(void) {
    RUN(test_test_main);
    EXPECT_PANIC(bare_expect, AT "expected 1 == 2\n");
    RUN(test_bench_main);
    return test_finish();
}
