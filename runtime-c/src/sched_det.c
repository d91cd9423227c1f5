/* sched_det.c — the deterministic scheduler (PURR.md §7).
 *
 * One thread and a FIFO run queue of actors with pending messages. A step
 * takes the actor at the front, runs ONE of its messages, and queues it at
 * the back if it has more: every actor with mail gets a turn per round, so
 * one busy actor cannot starve the others, and the order of handlers is a
 * pure function of the program. The clock is virtual: handlers take no
 * time, and when nothing is runnable the clock jumps to the next timer.
 * Same program and input, same output and same metrics, on any machine.
 *
 * The same loop also runs on the monotonic wall clock (purr__sched_wall):
 * there the clock is real and an idle scheduler sleeps until the next timer.
 * It stands in for the epoll event loop until that exists (scheduler.c). */
#define _POSIX_C_SOURCE 200809L
#include "metrics.h"
#include "sched.h"
#include "timer.h"

#include <errno.h>
#include <setjmp.h>
#include <time.h>

/* Invariants:
 *   - The run queue (purr__det_runq, head..tail through run_next, NULL-terminated)
 *     holds each actor whose mailbox is not marked EMPTY, except the one
 *     being run, exactly once, in the order they became runnable.
 *   - virtual_now never decreases; it moves only to the next timer's
 *     deadline (when idle) or by advance.
 *   - running is true while run() or advance() is on the stack; neither may
 *     be entered again from a handler. */
purr__runq purr__det_runq;

static struct {
    int64_t virtual_now;
    purr__timers timers;
    bool wall;
    bool running;
} det;

static void init_common(bool wall) {
    purr__det_runq.head = purr__det_runq.tail = NULL;
    det.virtual_now = 0;
    purr__timers_init(&det.timers);
    det.wall = wall;
    det.running = false;
    purr__single_threaded = true; /* one thread runs every send and handler */
}
static void init_det(void) { init_common(false); }
static void init_wall(void) { init_common(true); }

static void shutdown(void) {
    /* The queued actors are ended by actor.c; only the links go here. */
    purr__det_runq.head = purr__det_runq.tail = NULL;
    det.running = false;
    purr__timers_free(&det.timers);
}

static void schedule(purr__actor *a) { purr__runq_push(a); }

static int64_t now(void) { return det.wall ? purr__clock_ms() : det.virtual_now; }

/* Lets time pass until `t`: the virtual clock jumps; the wall clock is
 * waited for. */
static void wait_until(int64_t t) {
    if (!det.wall) {
        if (t > det.virtual_now) det.virtual_now = t;
        return;
    }
    for (int64_t left; (left = t - purr__clock_ms()) > 0;) {
        struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
        if (nanosleep(&ts, NULL) != 0 && errno != EINTR) break;
    }
}

static inline void step(void) {
    purr__actor *a = purr__det_runq.head;
    purr__actor *next = a->run_next;
    purr__det_runq.head = next;
    if (next == NULL) purr__det_runq.tail = NULL;
    purr__metrics.scheduler_steps++;
    if (purr__actor_run_one(a)) purr__runq_push(a);
}

/* The loop behind run and advance: steps until max_steps, or until nothing
 * is runnable and no timer is due by `until`. Timers that are due fire
 * before each step, in (deadline, id) order, so a send_after with delay 0
 * is delivered at the next step rather than after everything else. */
static int64_t loop(int64_t max_steps, int64_t until) {
    if (det.running) purr__fatal("the scheduler was entered from a handler");
    det.running = true;
    purr__handler_owned_base = purr__owned_top;
    /* steps is modified after setjmp, so it must not live in a register
     * that longjmp would restore (C11 7.13.2.1). */
    volatile int64_t steps = 0;
    /* One setjmp per run: a handler's fault lands here, its step is
     * finished (the actor ended, so not queued again) and counted, and the
     * loop goes on with the next step. */
    if (setjmp(purr__fault_jump) != 0) {
        purr__actor_recover();
        steps++;
    }
    while (steps < max_steps) {
        if (det.timers.len != 0) {
            int64_t t = now();
            while (purr__timers_fire_one(&det.timers, t)) {}
        }
        if (purr__det_runq.head != NULL) {
            step();
            steps++;
            continue;
        }
        int64_t next;
        if (!purr__timers_next(&det.timers, &next) || next > until) break;
        wait_until(next);
    }
    det.running = false;
    return steps;
}

static int64_t run(int64_t max_steps) { return loop(max_steps, INT64_MAX); }

static void advance(int64_t ms) {
    int64_t t = now();
    if (ms < 0) ms = 0;
    int64_t until = ms > INT64_MAX - t ? INT64_MAX : t + ms;
    loop(INT64_MAX, until);
    wait_until(until);
}

static int64_t add_timer(purr_actor *target, int64_t delay_ms, purr_msg *m) {
    int64_t t = now();
    int64_t deadline = delay_ms > INT64_MAX - t ? INT64_MAX : t + delay_ms;
    return purr__timers_add(&det.timers, deadline, target, m);
}

static bool cancel_timer(int64_t id) { return purr__timers_cancel(&det.timers, id); }

const purr__sched_ops purr__sched_det = {"deterministic", init_det, shutdown, schedule, run, advance, now,
                                         add_timer, cancel_timer};
const purr__sched_ops purr__sched_wall = {"deterministic (wall clock)", init_wall, shutdown, schedule, run,
                                          advance, now, add_timer, cancel_timer};
