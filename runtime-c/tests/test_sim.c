/* test_sim.c — the simulation (sim.h): the generator against reference
 * values, the seeded run queue (seed 0 is FIFO; other seeds reorder actors
 * but never one actor's mailbox, the same way every run), timers due in
 * the same millisecond in a seeded order, the virtual cost of a step, the
 * scheduler's events, and the actors that sim.spare keeps through a
 * crash. */
#include "test.h"

#include "actor_util.h"
#include "scheduler.h"
#include "sim.h"

/* ---------- the generator ---------- */

static void test_rng_reference(void) {
    /* SplitMix64 from 0 (its published first outputs), then xoshiro256**'s
     * outputs from that state, computed with an independent implementation
     * of the authors' reference code. */
    purr__rng r;
    purr__rng_seed(&r, 0);
    CHECK(r.s[0] == 0xe220a8397b1dcdafULL && r.s[1] == 0x6e789e6aa1b965f4ULL);
    CHECK(r.s[2] == 0x06c45d188009454fULL && r.s[3] == 0xf88bb8a8724c81ecULL);
    CHECK(purr__rng_next(&r) == 0x99ec5f36cb75f2b4ULL);
    CHECK(purr__rng_next(&r) == 0xbf6e1f784956452aULL);
    CHECK(purr__rng_next(&r) == 0x1a5f849d4933e6e0ULL);
    CHECK(purr__rng_next(&r) == 0x6aa594f1262d2d2cULL);
    purr__rng_seed(&r, 42);
    CHECK(purr__rng_next(&r) == 0x15780b2e0c2ec716ULL);
    CHECK(purr__rng_next(&r) == 0x6104d9866d113a7eULL);
}

static void test_rng_below(void) {
    purr__rng r;
    purr__rng_seed(&r, 7);
    /* In range, and every value of a small range drawn about equally. */
    int64_t counts[6] = {0};
    for (int i = 0; i < 60000; i++) {
        uint64_t v = purr__rng_below(&r, 6);
        CHECK(v < 6);
        if (v < 6) counts[v]++;
    }
    for (int i = 0; i < 6; i++) CHECK(counts[i] > 9500 && counts[i] < 10500);
    for (int i = 0; i < 1000; i++) CHECK(purr__rng_below(&r, 1) == 0);
    /* A range that is not a power of two near 2^64 (rejection path). */
    uint64_t big = (UINT64_MAX / 3) * 2;
    for (int i = 0; i < 1000; i++) CHECK(purr__rng_below(&r, big) < big);
    /* The same seed, the same draws. */
    purr__rng a, b;
    purr__rng_seed(&a, 99);
    purr__rng_seed(&b, 99);
    for (int i = 0; i < 100; i++) CHECK(purr__rng_below(&a, 1000) == purr__rng_below(&b, 1000));
}

/* ---------- the seeded run queue ---------- */

static void log_dispatch(purr_actor *self, purr_msg *m) { log_add(self->id, m->kind, int_of(m)); }
static void no_drop(void *state) { (void)state; }
static const purr_actor_type log_type = {"Log", 1, log_dispatch, no_drop};

static void start(uint64_t seed, const char *name) {
    purr__sim_configure(seed, PURR__SIM_STEP_COST_US, INT64_MAX);
    purr__sim_case(name);
    purr_sched_init(PURR_SCHED_DET);
    log_reset();
}

/* Three actors, each sent 1, 2, 3 in that order by the one sender (this
 * code): the log of a drain under `seed`, case `name`. */
static void three_actors(uint64_t seed, const char *name, char *out, size_t cap) {
    start(seed, name);
    char dummy = 0;
    purr_actor *a[3];
    for (int i = 0; i < 3; i++) a[i] = purr_spawn(&log_type, &dummy, false);
    for (int n = 1; n <= 3; n++)
        for (int i = 0; i < 3; i++) purr_send(a[i], int_msg_new(K_INT, n));
    purr_drain();
    snprintf(out, cap, "%s", test_log);
    for (int i = 0; i < 3; i++) purr_actor_release(a[i]);
    purr_sched_shutdown();
}

/* Whether each actor's messages ran in the order sent (1, 2, 3). */
static bool mailboxes_in_order(const char *log) {
    int64_t last[4] = {0, 0, 0, 0};
    long long id, v;
    unsigned kind;
    int used;
    while (sscanf(log, "%lld:%u:%lld%n", &id, &kind, &v, &used) == 3) {
        if (id < 1 || id > 3 || v != last[id] + 1) return false;
        last[id] = v;
        log += used;
        while (*log == ' ') log++;
    }
    return last[1] == 3 && last[2] == 3 && last[3] == 3;
}

static void test_seeded_order(void) {
    char fifo[256], x[256], y[256];
    three_actors(0, "t", fifo, sizeof fifo);
    CHECK(strcmp(fifo, "1:1:1 2:1:1 3:1:1 1:1:2 2:1:2 3:1:2 1:1:3 2:1:3 3:1:3") == 0);
    /* Seed 0 ignores the case name. */
    three_actors(0, "another", x, sizeof x);
    CHECK(strcmp(fifo, x) == 0);
    int differ = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        three_actors(seed, "t", x, sizeof x);
        three_actors(seed, "t", y, sizeof y);
        CHECK(strcmp(x, y) == 0); /* replayed exactly */
        CHECK(mailboxes_in_order(x));
        if (strcmp(x, fifo) != 0) differ++;
    }
    CHECK(differ >= 15);
    /* The case name is part of the stream: two names, two orders (for
     * these names and this seed). */
    three_actors(5, "t", x, sizeof x);
    three_actors(5, "u", y, sizeof y);
    CHECK(strcmp(x, y) != 0);
}

/* Timers due in the same millisecond: creation order under seed 0, a
 * seeded order (the same every run) otherwise. */
static void same_ms_timers(uint64_t seed, char *out, size_t cap) {
    start(seed, "timers");
    char dummy = 0;
    purr_actor *a = purr_spawn(&log_type, &dummy, false);
    for (int n = 1; n <= 6; n++) purr_send_after(a, 10, int_msg_new(K_INT, n));
    purr_send_after(a, 9, int_msg_new(K_INT, 0));
    purr_drain();
    snprintf(out, cap, "%s", test_log);
    CHECK(purr_now_ms() == 10);
    purr_actor_release(a);
    purr_sched_shutdown();
}

static void test_seeded_timers(void) {
    char fifo[256], x[256], y[256];
    same_ms_timers(0, fifo, sizeof fifo);
    CHECK(strcmp(fifo, "1:1:0 1:1:1 1:1:2 1:1:3 1:1:4 1:1:5 1:1:6") == 0);
    int differ = 0;
    for (uint64_t seed = 1; seed <= 10; seed++) {
        same_ms_timers(seed, x, sizeof x);
        same_ms_timers(seed, y, sizeof y);
        CHECK(strcmp(x, y) == 0);
        CHECK(strncmp(x, "1:1:0 ", 6) == 0); /* an earlier millisecond still goes first */
        if (strcmp(x, fifo) != 0) differ++;
    }
    CHECK(differ >= 8);
}

/* Each step costs a microsecond: a timer 1 ms away falls due after 1000
 * steps although the actor never runs out of messages; with a cost of 0
 * it waits for the queue to empty. */
static void test_step_cost(void) {
    for (int64_t cost = 0; cost <= 1; cost++) {
        purr__sim_configure(0, cost, INT64_MAX);
        purr__sim_case("cost");
        purr_sched_init(PURR_SCHED_DET);
        log_reset();
        char dummy = 0;
        purr_actor *busy = purr_spawn(&log_type, &dummy, false);
        purr_actor *late = purr_spawn(&log_type, &dummy, false);
        for (int n = 0; n < 1500; n++) purr_send(busy, int_msg_new(K_INT, n));
        purr_send_after(late, 1, int_msg_new(K_NOW, 0));
        purr_drain();
        char *at = strstr(test_log, "2:7:0");
        CHECK(at != NULL);
        /* Entries before it. */
        int before = 0;
        for (char *p = test_log; at != NULL && p < at; p++) before += *p == ' ';
        /* Due after the 1000th step; busy, already queued, goes once more. */
        CHECK(before == (cost == 0 ? 1500 : 1001));
        CHECK(purr_now_ms() == 1);
        purr_actor_release(busy);
        purr_actor_release(late);
        purr_sched_shutdown();
    }
    purr__sim_configure(0, PURR__SIM_STEP_COST_US, INT64_MAX);
}

/* The runtime's own events on the clock: at their microsecond, among the
 * steps, in (deadline, creation) order under seed 0. */
static char event_log[64];
static void record_event(void *ctx) {
    size_t n = strlen(event_log);
    snprintf(event_log + n, sizeof event_log - n, "%s@%lld ", (const char *)ctx, (long long)purr__det_now_us());
}

static void test_events(void) {
    start(0, "events");
    event_log[0] = '\0';
    purr__det_after(5, record_event, "b");
    purr__det_after(2, record_event, "a");
    purr__det_after(5, record_event, "c");
    purr_drain();
    CHECK(strcmp(event_log, "a@2 b@5 c@5 ") == 0);
    /* Left pending at shutdown: forgotten, nothing leaks. */
    purr__det_after(100, record_event, "d");
    purr_sched_shutdown();
    CHECK(strcmp(event_log, "a@2 b@5 c@5 ") == 0);
}

/* ---------- crashes ---------- */

/* Under every seed: a crash ends the actors of the machine with their
 * queued mail, and a spared actor keeps its mail and runs it afterwards,
 * though the crash emptied the run queue it was waiting in. */
static void test_spared_actor_survives_a_crash(void) {
    for (uint64_t seed = 0; seed <= 5; seed++) {
        start(seed, "spare");
        char dummy = 0;
        purr_actor *crashed = purr_spawn(&log_type, &dummy, false);
        purr_actor *spared = purr_spawn(&log_type, &dummy, false);
        purr_sim_spare(spared->id);
        purr_sim_spare(12345); /* no such actor: nothing */
        purr_send(crashed, int_msg_new(K_INT, 1));
        purr_send(spared, int_msg_new(K_INT, 2));
        purr_send(spared, int_msg_new(K_INT, 3));
        purr_sim_crash_process();
        CHECK(crashed->status == PURR__DEAD && spared->status == PURR__ALIVE);
        CHECK(purr_metrics_get().dropped_messages == 1);
        purr_drain();
        CHECK(strcmp(test_log, "2:1:2 2:1:3") == 0);
        /* It takes mail as before. */
        purr_send(spared, int_msg_new(K_INT, 4));
        purr_drain();
        CHECK(strcmp(test_log, "2:1:2 2:1:3 2:1:4") == 0);
        purr_actor_release(crashed);
        purr_actor_release(spared);
        purr_sched_shutdown();
    }
}

int main(void) {
    RUN(test_rng_reference);
    RUN(test_rng_below);
    RUN(test_seeded_order);
    RUN(test_seeded_timers);
    RUN(test_step_cost);
    RUN(test_events);
    RUN(test_spared_actor_survives_a_crash);
    return test_finish();
}
