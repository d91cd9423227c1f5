/* sched.h — the scheduler interface (scheduler.c) and its implementations. */
#ifndef PURR_SCHED_H
#define PURR_SCHED_H

#include "actor.h"

/* What actor.c, timer.c and the public scheduler API need from a
 * scheduler. A scheduler owns its run queue, its clock and its timers; the
 * actors and their mailboxes belong to actor.c. An epoll event loop plugs in
 * as another instance of this struct, with no change to generated code. */
typedef struct purr__sched_ops {
    const char *name;
    /* Fresh run queue, clock and timers. */
    void (*init)(void);
    /* Forgets the run queue; drops every pending timer and its message. */
    void (*shutdown)(void);
    /* a's mailbox lost its EMPTY mark (mailbox.h): queue it to run. */
    void (*schedule)(purr__actor *a);
    /* Runs at most max_steps steps, firing timers as the clock reaches
     * them, until no actor is runnable and no timer is pending. Returns the
     * steps run. */
    int64_t (*run)(int64_t max_steps);
    /* Runs as `run` does but lets the clock go no further than now + ms,
     * and leaves it there. */
    void (*advance)(int64_t ms);
    /* The clock, in milliseconds. */
    int64_t (*now)(void);
    /* A timer that sends m (owned) to target (retained by the timer) at
     * now + delay_ms (delay_ms >= 0); returns its id (> 0). */
    int64_t (*add_timer)(purr_actor *target, int64_t delay_ms, purr_msg *m);
    /* true when the timer was pending and is now cancelled (its message
     * dropped); false when it fired, was cancelled already, or never was. */
    bool (*cancel_timer)(int64_t id);
} purr__sched_ops;

/* The running scheduler, or NULL before purr_sched_init and after
 * purr_sched_shutdown. */
extern const purr__sched_ops *purr__sched;

/* sched_det.c: the deterministic scheduler (virtual clock), and the same
 * run queue on the monotonic clock (the stand-in for the event loop). */
extern const purr__sched_ops purr__sched_det;
extern const purr__sched_ops purr__sched_wall;

/* sched_det.c: the run queue of the deterministic scheduler (both clocks):
 * actors with pending messages, through run_next, NULL-terminated, FIFO.
 * Exposed so that purr_send queues an actor inline while
 * purr__single_threaded (which only that scheduler sets). */
typedef struct purr__runq {
    purr__actor *head, *tail;
} purr__runq;
extern purr__runq purr__det_runq;
static inline void purr__runq_push(purr__actor *a) {
    a->run_next = NULL;
    if (purr__det_runq.tail != NULL)
        purr__det_runq.tail->run_next = a;
    else
        purr__det_runq.head = a;
    purr__det_runq.tail = a;
}

#endif /* PURR_SCHED_H */
