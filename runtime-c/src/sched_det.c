/* sched_det.c — the deterministic scheduler (docs/actors.md §9).
 *
 * One thread and the FIFO run queue (runq.h). A step takes the actor at the
 * front, runs ONE of its messages, and queues it at the back if it has
 * more: every actor with mail gets a turn per round, so one busy actor
 * cannot starve the others, and the order of handlers is a pure function
 * of the program. The clock is virtual: handlers take no time, and when
 * nothing is runnable the clock jumps to the next timer. Same program and
 * input, same output and same metrics, on any machine. It has no fd
 * readiness: the net layer gives it an in-memory network, so open I/O never
 * keeps it running.
 *
 * Besides the interface's operations it has the test controls: running a
 * bounded number of steps (drain_steps) and moving the clock (advance_ms). */
#include "metrics.h"
#include "scheduler.h"
#include "timer.h"

#include <errno.h>

/* Invariants:
 *   - purr__sched_runq holds each actor whose mailbox is not marked EMPTY,
 *     except the one being run, exactly once, in the order they became
 *     runnable (runq.h).
 *   - virtual_now never decreases; it moves only to the next timer's
 *     deadline (when idle) or by advance.
 *   - running is true while a run is on the stack; none may be entered
 *     again from a handler. steps counts the run's steps, each counted
 *     before its handler runs (a fault does not come back to count it). */
static struct {
    int64_t virtual_now;
    purr__timers timers;
    int64_t steps, max_steps; /* of the current run */
    int64_t until;            /* how far the current run may move the clock */
    bool running;
} det;

static void init(void) {
    det.virtual_now = 0;
    purr__timers_init(&det.timers);
    det.running = false;
}

static void shutdown(void) {
    det.running = false;
    purr__timers_free(&det.timers);
}

static int64_t now(void) { return det.virtual_now; }

/* Steps until max_steps, or until nothing is runnable and no timer is due
 * by `until`. Timers that are due fire before each step, in (deadline, id)
 * order, so a send_after with delay 0 is delivered at the next step rather
 * than after everything else. */
static void turns(void) {
    purr__runq *q = &purr__sched_runq;
    while (det.steps < det.max_steps) {
        if (det.timers.len != 0)
            while (purr__timers_fire_one(&det.timers, det.virtual_now)) {}
        if (!purr__runq_empty(q)) {
            purr__actor *a = purr__runq_pop(q);
            det.steps++;
            purr__metrics.scheduler_steps++;
            if (purr__actor_run_one(a)) purr__runq_push(q, a);
            purr__turn_end();
            continue;
        }
        int64_t next;
        if (!purr__timers_next(&det.timers, &next) || next > det.until) break;
        if (next > det.virtual_now) det.virtual_now = next;
    }
}

static int64_t run_until(int64_t max_steps, int64_t until) {
    if (det.running) purr__fatal("the scheduler was entered from a handler");
    det.running = true;
    det.steps = 0;
    det.max_steps = max_steps;
    det.until = until;
    purr__sched_guard(turns);
    det.running = false;
    return det.steps;
}

static void run(void) { run_until(INT64_MAX, INT64_MAX); }

int64_t purr__det_run_steps(int64_t max_steps) { return run_until(max_steps, INT64_MAX); }

void purr__det_advance(int64_t ms) {
    int64_t until = purr__timer_deadline(det.virtual_now, ms < 0 ? 0 : ms);
    run_until(INT64_MAX, until);
    if (until > det.virtual_now) det.virtual_now = until;
}

static int64_t add_timer(purr_actor *target, int64_t delay_ms, purr_msg *m) {
    return purr__timers_add(&det.timers, purr__timer_deadline(det.virtual_now, delay_ms), target, m);
}

static bool cancel_timer(int64_t id) { return purr__timers_cancel(&det.timers, id); }

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
