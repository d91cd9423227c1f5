/* test_timer.c — the timer heap: (deadline, id) order, cancellation of the
 * top, of inner nodes and of fired timers; send_after on the virtual clock. */
#include "test.h"

#include "actor_util.h"
#include "internal.h"
#include "timer.h"

/* Fires everything due by `now` into the probe. */
static void fire_all(purr__timers *t, int64_t now) {
    while (purr__timers_fire_one(t, now)) {}
}

static void test_order_with_equal_deadlines(void) {
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *p = int_probe();
    purr__timers t;
    purr__timers_init(&t);
    int64_t deadlines[] = {30, 10, 20, 10, 30, 10, 0, 20};
    for (int i = 0; i < 8; i++) CHECK(purr__timers_add(&t, deadlines[i], 0, p, int_msg_new(K_INT, i)) == i + 1);
    int64_t next = -1;
    CHECK(purr__timers_next(&t, &next) && next == 0);
    fire_all(&t, 9);
    CHECK_PROBE(p, "6");
    CHECK(!purr__timers_fire_one(&t, 9));
    fire_all(&t, 20);
    CHECK_PROBE(p, "6 1 3 5 2 7"); /* equal deadlines: creation order */
    fire_all(&t, 1000);
    CHECK_PROBE(p, "6 1 3 5 2 7 0 4");
    CHECK(!purr__timers_next(&t, &next));
    purr__timers_free(&t);
    purr_actor_release(p);
    purr_sched_shutdown();
}

static void test_cancel(void) {
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *p = int_probe();
    purr__timers t;
    purr__timers_init(&t);
    int64_t ids[6];
    for (int i = 0; i < 6; i++) ids[i] = purr__timers_add(&t, 10 * (i + 1), 0, p, int_msg_new(K_INT, i));
    CHECK(purr__timers_cancel(&t, ids[0])); /* the top */
    int64_t next;
    CHECK(purr__timers_next(&t, &next) && next == 20);
    CHECK(purr__timers_cancel(&t, ids[3])); /* an inner node */
    CHECK(!purr__timers_cancel(&t, ids[3])); /* twice */
    CHECK(!purr__timers_cancel(&t, 0) && !purr__timers_cancel(&t, 99));
    fire_all(&t, 20);
    CHECK_PROBE(p, "1");
    CHECK(!purr__timers_cancel(&t, ids[1])); /* fired */
    CHECK(purr__timers_cancel(&t, ids[5])); /* the last slot */
    fire_all(&t, 1000);
    CHECK_PROBE(p, "1 2 4");
    purr__timers_free(&t);

    /* Freeing with timers pending drops their messages. */
    purr__timers_init(&t);
    purr_str *s = purr_str_from_cstr("held by a pending timer");
    str_msg *m = (str_msg *)(void *)purr_msg_alloc(sizeof *m, K_STR, str_msg_drop);
    purr_str_retain(s);
    m->s = s;
    purr__timers_add(&t, 5, 0, p, &m->hdr);
    CHECK(s->rc == 2);
    purr__timers_free(&t);
    CHECK(s->rc == 1);
    purr_str_release(s);
    purr_actor_release(p);
    purr_sched_shutdown();
}

/* Random adds, cancels and fires against a model: a sorted list of live
 * (deadline, id) pairs. */
static void test_against_model(void) {
    enum { N = 3000 };
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *p = int_probe();
    purr__timers t;
    purr__timers_init(&t);
    static int64_t deadline_of[N + 1];
    static bool live[N + 1];
    int64_t nids = 0, now = 0, fired = 0;
    uint64_t rng = 99;
    for (int step = 0; step < 4 * N && test_failures == 0; step++) {
        rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned r = (unsigned)(rng >> 33);
        if (r % 3 == 0 && nids < N) {
            int64_t d = now + (int64_t)(r / 3 % 50);
            int64_t id = purr__timers_add(&t, d, 0, p, int_msg_new(K_INT, nids + 1));
            CHECK(id == nids + 1);
            nids = id;
            deadline_of[id] = d;
            live[id] = true;
        } else if (r % 3 == 1 && nids > 0) {
            int64_t id = 1 + (int64_t)(r / 3 % (unsigned)nids);
            CHECK(purr__timers_cancel(&t, id) == live[id]);
            live[id] = false;
        } else {
            now += r / 3 % 7;
            /* The model's next: the least (deadline, id) among live ones. */
            for (;;) {
                int64_t best = 0;
                for (int64_t id = 1; id <= nids; id++)
                    if (live[id] && (best == 0 || deadline_of[id] < deadline_of[best])) best = id;
                if (best == 0 || deadline_of[best] > now) {
                    CHECK(!purr__timers_fire_one(&t, now));
                    break;
                }
                CHECK(purr__timers_fire_one(&t, now));
                live[best] = false;
                fired++;
                purr_list *got = purr_probe_received(p);
                CHECK(got->len == fired && *(int64_t *)purr_list_at(got, got->len - 1, NULL) == best);
                purr_list_release(got);
            }
        }
    }
    CHECK(fired > 100);
    purr__timers_free(&t);
    purr_actor_release(p);
    purr_sched_shutdown();
}

/* ---------- send_after on the deterministic scheduler ---------- */

/* Logs (id, kind, now_ms()) per message. */
static void clock_dispatch(purr_actor *self, purr_msg *m) { log_add(self->id, m->kind, purr_now_ms()); }
static const purr_actor_type clock_type = {"Clock", 0, clock_dispatch, NULL};

static void test_virtual_clock(void) {
    purr_sched_init(PURR_SCHED_DET);
    log_reset();
    purr_actor *a = purr_spawn(&clock_type, NULL, false);
    CHECK(purr_sched_now_ms() == 0 && purr_now_ms() == 0);
    int64_t t100 = purr_send_after(a, 100, int_msg_new(K_INT, 0));
    int64_t t50 = purr_send_after(a, 50, int_msg_new(K_NOW, 0));
    int64_t t70 = purr_send_after(a, 70, int_msg_new(K_INT, 0));
    CHECK(t100 > 0 && t50 > t100 && t70 > t50);
    purr_advance_ms(60); /* fires and runs t50 at time 50, stops at 60 */
    CHECK_LOG("1:7:50"); /* K_NOW is kind 8 */
    CHECK(purr_now_ms() == 60);
    CHECK(purr_cancel_timer(t70));
    CHECK(!purr_cancel_timer(t70) && !purr_cancel_timer(t50));
    purr_drain(); /* jumps to 100 */
    CHECK_LOG("1:7:50 1:1:100");
    CHECK(purr_now_ms() == 100);
    /* A delay of 0 (or less) is due now: delivered at the next step, after
     * what was already queued. */
    purr_send(a, int_msg_new(K_INT, 1));
    purr_send_after(a, 0, int_msg_new(K_NOW, 1));
    purr_send_after(a, -5, int_msg_new(K_NOW, 2));
    CHECK(purr_drain_steps(1) == 1);
    CHECK(purr_drain_steps(5) == 2);
    CHECK_LOG("1:7:50 1:1:100 1:1:100 1:7:100 1:7:100");
    CHECK(purr_now_ms() == 100);
    /* Timers left pending are dropped by shutdown. */
    purr_send_after(a, 1000, int_msg_new(K_INT, 3));
    purr_actor_release(a);
    purr_sched_shutdown();
    CHECK(!purr_cancel_timer(1)); /* no scheduler */
}

int main(void) {
    RUN(test_order_with_equal_deadlines);
    RUN(test_cancel);
    RUN(test_against_model);
    RUN(test_virtual_clock);
    return test_finish();
}
