/* sched_det.c — the deterministic scheduler (docs/actors.md §9) and the
 * simulation's clock and schedules (docs/testing.md).
 *
 * One thread and the run queue (runq.h). A step takes one runnable actor,
 * runs ONE of its messages, and queues it again if it has more: every
 * actor with mail gets its turns, so one busy actor cannot starve the
 * others, and the order of handlers is a pure function of the program and
 * the seed (sim.h). Under seed 0 the actor is the one at the front of the
 * FIFO queue; under any other seed the generator picks one among all the
 * runnable actors (each actor's mailbox stays FIFO, so messages from one
 * sender to one receiver keep their order whatever is picked).
 *
 * The clock is virtual, in microseconds: each step costs step_cost_us (1
 * by default; now_ms() shows whole milliseconds), and when nothing is
 * runnable the clock jumps to the next timer. So a timer falls due among
 * busy actors too, and an actor that keeps messaging itself cannot starve
 * its own send_after. Timers are set in whole milliseconds (now_ms() +
 * delay); those due in the same millisecond fire in creation order under
 * seed 0 and in a seeded order otherwise. The same heap holds the
 * simulation's events (a delivery of bytes on the network, the end of a
 * disk sync), which the net and file layers place with purr__det_after.
 * Same program, input and seed: same output and same metrics, on any
 * machine. It has no fd readiness: the net layer gives it an in-memory
 * network, so open I/O never keeps it running.
 *
 * Besides the interface's operations it has the test controls: running a
 * bounded number of steps (drain_steps) and moving the clock (advance_ms);
 * and the step limit of a test. */
#include "metrics.h"
#include "scheduler.h"
#include "sim.h"
#include "timer.h"

#include <errno.h>

/* Invariants:
 *   - The runnable actors (those whose mailbox is not marked EMPTY, except
 *     the one being run) are those in purr__sched_runq, each exactly once:
 *     unseeded, in the order they became runnable (its FIFO form, runq.h);
 *     seeded, in its pool, whose order only says where each one sits for
 *     the next pick.
 *   - now_us never decreases; it moves by step_cost_us per step, to the
 *     next timer's deadline when idle, and by advance. Timer deadlines are
 *     whole milliseconds (multiples of 1000); events' are any microsecond.
 *   - running is true while a run is on the stack; none may be entered
 *     again from a handler. steps counts the run's steps, each counted
 *     before its handler runs (a fault does not come back to count it).
 *   - steps_left is what remains of the step limit since init; a run takes
 *     at most that many steps. */
static struct {
    int64_t now_us;
    int64_t step_cost_us;
    bool seeded;
    purr__timers timers;
    int64_t steps, max_steps; /* of the current run */
    int64_t until_us;         /* how far the current run may move the clock */
    int64_t steps_left;
    bool running;
    uint64_t draw; /* seeded: the draw the next pick scales */
} det;

static void init(void) {
    purr__sim_start();
    det.now_us = 0;
    det.step_cost_us = purr__sim_state.step_cost_us;
    det.seeded = purr__sim_seeded();
    det.steps_left = purr__sim_state.step_limit;
    purr__timers_init(&det.timers);
    det.running = false;
    det.draw = det.seeded ? purr__rng_next(&purr__sim_state.rng) : 0;
    if (det.seeded) purr__runq_pool_start(&purr__sched_runq);
}

static void shutdown(void) {
    det.running = false;
    purr__timers_free(&det.timers);
    purr__runq_pool_stop(&purr__sched_runq);
}

/* Microseconds, saturating: a deadline too far for the clock never falls
 * due rather than wrapping into the past. */
static int64_t ms_to_us(int64_t ms) { return ms > INT64_MAX / 1000 ? INT64_MAX : ms * 1000; }
static int64_t add_us(int64_t t, int64_t us) { return us > INT64_MAX - t ? INT64_MAX : t + us; }

static int64_t now(void) { return det.now_us / 1000; }

static uint64_t tie(void) { return det.seeded ? purr__rng_next(&purr__sim_state.rng) : 0; }

static bool runnable(void) { return !purr__runq_empty(&purr__sched_runq); }

/* Seeded: the generator's pick among every runnable actor, any position
 * of the pool: O(1) a step. The draw for the next pick is taken now, and
 * the actor it would pick among those runnable now is prefetched while
 * this one's handler runs: a random pick is otherwise a chain of dependent
 * loads (the pool, the actor, its mailbox) that FIFO order does not have.
 * The pick stays uniform among all the actors runnable at its step,
 * latecomers included: the draw does not depend on the pool. */
static purr__actor *pick(void) {
    purr__runq *q = &purr__sched_runq;
    purr__rng *rng = &purr__sim_state.rng;
    purr__actor *a = purr__runq_take(q, (uint32_t)purr__rng_scale(rng, det.draw, q->len));
    det.draw = purr__rng_next(rng);
    if (q->len != 0) {
        const purr__actor *next = q->pool[purr__rng_guess(det.draw, q->len)];
        __builtin_prefetch(next);
        __builtin_prefetch(next->mailbox.tail);
    }
    return a;
}

/* Seeded: a's turn. When the pick had a choice, whether a's mailbox
 * starts at its stub, whether its message is its last, whether it has
 * more and whether its sends find their receivers idle change at random
 * from step to step, and a branch on each would be mispredicted about
 * half the time: the turn takes none (mailbox.h's _flat, runq.h's
 * push_if). Alone, a runs as under FIFO order, whose branches predict
 * well. a's next turn comes at a random later step, by when the oldest of
 * its queued messages can be fetched from memory: FIFO order reads the
 * messages of a long queue in the order they were allocated, a random one
 * does not, so every read would otherwise miss. */
static void seeded_turn(purr__actor *a) {
    purr__runq *q = &purr__sched_runq;
    if (q->len == 0) {
        if (!purr__actor_run_one(a)) return;
        purr__runq_push(q, a);
    } else {
        if (!purr__actor_handle(a, purr__mailbox_pop_st_flat(&a->mailbox))) return; /* it ended */
        purr__runq_push_if(q, a, !purr__mailbox_mark_empty_st_flat(&a->mailbox));
    }
    __builtin_prefetch(a->mailbox.tail);
}

/* Steps until max_steps, or until nothing is runnable and no timer is due
 * by `until_us`, or (advance) until the steps used up the time to
 * until_us. Timers and events that are due fire before each step, in
 * (deadline, tie, id) order, so a send_after with delay 0 is delivered at
 * the next step rather than after everything else. */
static void turns(void) {
    purr__runq *q = &purr__sched_runq;
    while (det.steps < det.max_steps) {
        if (det.timers.len != 0)
            while (purr__timers_fire_one(&det.timers, det.now_us)) {}
        if (runnable()) {
            if (det.now_us > det.until_us) break;
            purr__actor *a = det.seeded ? pick() : purr__runq_pop(q);
            det.steps++;
            purr__metrics.scheduler_steps++;
            det.now_us = add_us(det.now_us, det.step_cost_us);
            if (det.seeded)
                seeded_turn(a);
            else if (purr__actor_run_one(a))
                purr__runq_push(q, a);
            purr__turn_end();
            continue;
        }
        int64_t next;
        if (!purr__timers_next(&det.timers, &next) || next > det.until_us) break;
        if (next > det.now_us) det.now_us = next;
    }
}

/* Whether a run stopped with work left that it would have done by
 * until_us. */
static bool work_left(void) {
    int64_t next;
    return (runnable() && det.now_us <= det.until_us) ||
           (purr__timers_next(&det.timers, &next) && next <= det.until_us);
}

static int64_t run_until(int64_t max_steps, int64_t until_us) {
    if (det.running) purr__fatal("the scheduler was entered from a handler");
    det.running = true;
    det.steps = 0;
    bool limited = det.steps_left < max_steps;
    det.max_steps = limited ? det.steps_left : max_steps;
    det.until_us = until_us;
    purr__sched_guard(turns);
    det.running = false;
    det.steps_left -= det.steps;
    if (limited && det.steps_left == 0 && work_left()) purr__harness_step_limit(purr__sim_state.step_limit);
    return det.steps;
}

static void run(void) { run_until(INT64_MAX, INT64_MAX); }

int64_t purr__det_run_steps(int64_t max_steps) { return run_until(max_steps, INT64_MAX); }

/* The clock may reach the last microsecond of millisecond now_ms() + ms,
 * and stops at that millisecond's start if the run ends earlier: timers
 * due then fire, and now_ms() reads now_ms() + ms afterwards. */
void purr__det_advance(int64_t ms) {
    int64_t until_ms = purr__timer_deadline(now(), ms < 0 ? 0 : ms);
    run_until(INT64_MAX, add_us(ms_to_us(until_ms), 999));
    if (ms_to_us(until_ms) > det.now_us) det.now_us = ms_to_us(until_ms);
}

static int64_t add_timer(purr_actor *target, int64_t delay_ms, purr_msg *m) {
    int64_t deadline = ms_to_us(purr__timer_deadline(now(), delay_ms));
    return purr__timers_add(&det.timers, deadline, tie(), target, m);
}

static bool cancel_timer(int64_t id) { return purr__timers_cancel(&det.timers, id); }

int64_t purr__det_now_us(void) { return det.now_us; }

void purr__det_after(int64_t delay_us, void (*fire)(void *ctx), void *ctx) {
    purr__timers_add_event(&det.timers, add_us(det.now_us, delay_us < 0 ? 0 : delay_us), tie(), fire, ctx);
}

void purr__det_crash(void) {
    purr__timers_free(&det.timers);
    int64_t next_id = det.timers.next_id;
    purr__timers_init(&det.timers);
    det.timers.next_id = next_id; /* timer ids stay unique across the crash */
    purr__runq_clear(&purr__sched_runq);
}

void purr__det_unqueue(purr__actor *a) { purr__runq_remove(&purr__sched_runq, a); }

static int no_fds(int fd, uint32_t events, purr__io_ready on_ready, void *ctx) {
    (void)fd, (void)events, (void)on_ready, (void)ctx;
    return -EOPNOTSUPP;
}
static int no_fd_modify(int fd, uint32_t events) {
    (void)fd, (void)events;
    return -EOPNOTSUPP;
}
static int no_fd_unwatch(int fd) {
    (void)fd;
    return -EOPNOTSUPP;
}

const purr__sched_ops purr__sched_det = {
    .name = "deterministic",
    .init = init,
    .shutdown = shutdown,
    .schedule = purr__sched_schedule,
    .run = run,
    .now = now,
    .add_timer = add_timer,
    .cancel_timer = cancel_timer,
    .watch = no_fds,
    .modify = no_fd_modify,
    .unwatch = no_fd_unwatch,
};
