/* scheduler.h — the scheduler interface (scheduler.c), its two implementations
 * (sched_det.c, sched_epoll.c), and what they share: the run queue, the
 * point where handler faults land, and the I/O registrations that the net
 * and file layers make. */
#ifndef PURR_SCHEDULER_H
#define PURR_SCHEDULER_H

#include "actor.h"
#include "runq.h"

/* Called on the scheduler thread, between actor turns, when a watched fd
 * is ready: `events` is the epoll mask that epoll_wait reported (EPOLLIN,
 * EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP). It turns readiness into
 * messages (purr_send), and may watch, modify and unwatch any fd (its own
 * included) and take or drop I/O references. No handler is running, so it
 * must not panic. Readiness can be stale or spurious (level-triggered, and
 * another callback of the same wake-up may have read the fd): it must treat
 * EAGAIN as "nothing after all". */
typedef void (*purr__io_ready)(void *ctx, uint32_t events);

/* What actor.c, timer.c, the I/O layers and the public scheduler API need
 * from a scheduler. A scheduler owns its clock and its timers, and runs the
 * actors of purr__sched_runq; the actors and their mailboxes belong to
 * actor.c. Test-only controls (a bounded number of steps, moving the clock)
 * exist only on the deterministic scheduler, below. */
typedef struct purr__sched_ops {
    const char *name;
    /* Fresh clock and timers (scheduler.c has cleared the run queue). */
    void (*init)(void);
    /* Drops every pending timer and its message, and what the scheduler
     * holds; the actors still queued are ended afterwards by actor.c. */
    void (*shutdown)(void);
    /* a's mailbox lost its EMPTY mark (mailbox.h) on the atomic path: queue
     * it to run. (While purr__single_threaded, purr_send queues inline.) */
    void (*schedule)(purr__actor *a);
    /* Runs actors and fires timers until the program is over for this
     * scheduler: no actor runnable, no timer pending, and (event loop only)
     * no I/O open (purr__io_refs). A handler's fault ends that actor only. */
    void (*run)(void);
    /* The clock, in milliseconds. */
    int64_t (*now)(void);
    /* A timer that sends m (owned) to target (retained by the timer) at
     * now + delay_ms (delay_ms >= 0); returns its id (> 0). */
    int64_t (*add_timer)(purr_actor *target, int64_t delay_ms, purr_msg *m);
    /* true when the timer was pending and is now cancelled (its message
     * dropped); false when it fired, was cancelled already, or never was. */
    bool (*cancel_timer)(int64_t id);
    /* fd readiness (see purr__io_watch below); 0 or -errno. */
    int (*watch)(int fd, uint32_t events, purr__io_ready on_ready, void *ctx);
    int (*modify)(int fd, uint32_t events);
    int (*unwatch)(int fd);
} purr__sched_ops;

/* The running scheduler, or NULL before purr_sched_init and after
 * purr_sched_shutdown. */
extern const purr__sched_ops *purr__sched;

extern const purr__sched_ops purr__sched_det;   /* sched_det.c */
extern const purr__sched_ops purr__sched_epoll; /* sched_epoll.c */

/* The running scheduler's run queue (runq.h): actors whose mailbox is not
 * marked EMPTY, except the one running. Global rather than inside each
 * scheduler so that purr_send queues an actor with no call and no
 * indirection, whichever scheduler runs; one scheduler runs at a time, and
 * purr_sched_init clears it. */
extern purr__runq purr__sched_runq;

/* The `schedule` operation of both schedulers: a push on purr__sched_runq. */
void purr__sched_schedule(purr__actor *a);

/* Runs turns() so that a handler's fault ends only that actor: sets the
 * point a fault unwinds to (purr__fault_jump, once per run, not per message:
 * setjmp was a measurable share of a message's cost) and the owned-stack
 * base above which the handler's frames registered what they own; after a
 * fault, finishes the faulted step (purr__actor_recover: the message
 * dropped, the actor ended) and calls turns() again, until it returns.
 * turns() is abandoned by the unwind, so what it must keep across a fault
 * (step counts) lives in static storage, written before each handler runs. */
void purr__sched_guard(void (*turns)(void));

/* The end of an actor's turn (after its batch on the event loop, after its
 * step on the deterministic scheduler, after a fault): the net layer's
 * work for the turn, such as writing what the turn queued on each
 * connection with one writev (net.c, docs/io.md). The hook is NULL while
 * there is no such work, so a turn costs one load and branch. The net
 * layer sets it; pointers, not calls, so that a program without std.net
 * links none of net.c. The shutdown hook runs at purr_sched_shutdown after
 * every actor ended, and closes what the net layer still holds. */
extern void (*purr__turn_end_hook)(void);
extern void (*purr__net_shutdown_hook)(void);
static inline void purr__turn_end(void) {
    if (PURR_UNLIKELY(purr__turn_end_hook != NULL)) purr__turn_end_hook();
}

/* sched_epoll.c's tuning, here so the tests can check the bounds.
 *
 * PURR__LOOP_BATCH: messages an actor handles per turn while other actors
 * wait (alone in the queue, it runs on to the end of the turn). Measured on
 * the Savina benches (event loop / deterministic msgs/s, medians of 15
 * interleaved runs): 1 → forkjoin 1.05, counting 1.02 (with the run-on
 * rule; 1.00 without); 16, 64, 256 → forkjoin 0.77-0.89, counting
 * 1.01-1.05; pingpong and threadring never hold two messages in a mailbox,
 * so batches change nothing there. Fork-join queues 3M messages before
 * running, each worker's nodes 60 apart in memory: one message per actor
 * reads the nodes in the order they were allocated (independent loads, the
 * hardware streams them), while a batch chases one mailbox's links (a
 * dependent cache miss per message). The mailbox is a linked list, unlike
 * the C reference's ring buffer, which gained from batches of 64.
 *
 * PURR__LOOP_TURN_MESSAGES: messages between two looks at the timers and
 * at I/O while actors stay runnable: bounds how late a timer or readiness
 * is seen under load, and spreads an epoll_wait(0) over many messages.
 *
 * PURR__LOOP_POLL_US: the longest the loop polls before it sleeps
 * (poll_window.h; PURR_POLL_US in the environment). Measured with
 * redis-benchmark PING -c 50 -P 16 against the broker, ops/s against
 * redis-server in the same rounds: no polling 0.87-0.99; a fixed window
 * of 5, 10, 20 µs 1.01-1.11, 1.03-1.07, 1.04-1.09; the learned window
 * with this limit 0.95-1.15, median 1.06 (docs/performance.md). */
#define PURR__LOOP_BATCH 1
#define PURR__LOOP_TURN_MESSAGES 1024
#define PURR__LOOP_POLL_US 20

/* sched_det.c: the test controls behind purr_drain_steps and
 * purr_advance_ms (purr.h), valid only while purr__sched_det runs. */
int64_t purr__det_run_steps(int64_t max_steps);
void purr__det_advance(int64_t ms);
/* The simulation's events (sim.h): the virtual clock in microseconds, and
 * fire(ctx) called between steps once it reaches now + delay_us, in
 * (deadline, seeded tie, creation) order with the timers. Shutdown forgets
 * events still pending (their owners free their own state). */
int64_t purr__det_now_us(void);
void purr__det_after(int64_t delay_us, void (*fire)(void *ctx), void *ctx);
/* Takes a (not the one running) out of the runnable actors, if it is
 * there: before sim.kill ends it. O(runnable actors). */
void purr__det_unqueue(purr__actor *a);
/* After a simulated crash ended every actor: drops the pending timers and
 * events and forgets the runnable actors (all ended). The clock goes on. */
void purr__det_crash(void);

/* ---------- I/O registrations (scheduler.c), for the net and file layers ----------
 * The event loop wakes on fd readiness and calls on_ready(ctx, events) on
 * the scheduler thread. `events` is an epoll mask (EPOLLIN, EPOLLOUT,
 * EPOLLRDHUP; EPOLLERR and EPOLLHUP are always reported; level-triggered
 * unless EPOLLET is given). The deterministic scheduler has no fd readiness
 * (the net layer gives it an in-memory network): there these return
 * -EOPNOTSUPP. Unwatch an fd before closing it. All return 0 or -errno. */
int purr__io_watch(int fd, uint32_t events, purr__io_ready on_ready, void *ctx);
int purr__io_modify(int fd, uint32_t events);
/* -ENOENT when fd is not watched (or no scheduler runs). After it returns,
 * on_ready is not called for fd again, even for readiness already
 * collected in the same wake-up. */
int purr__io_unwatch(int fd);

/* The "I/O still open" count: each listener, connection and file sync in
 * flight holds one reference from when it opens to when it closes, and the
 * event loop keeps running (waiting for readiness) while any is held, even
 * with no actor runnable and no timer pending (docs/actors.md: program
 * end). Watching an fd does not hold the program by itself (a paused
 * connection is unwatched but open). The deterministic scheduler's run
 * ignores the count: its I/O completes within steps. Scheduler thread only;
 * reset by purr_sched_init. */
extern int64_t purr__io_refs;
void purr__io_ref(void);
void purr__io_unref(void);

#endif /* PURR_SCHEDULER_H */
