/* scheduler.c — the scheduler interface and the public scheduler API.
 *
 * Generated code and the rest of the runtime reach the scheduler only
 * through purr__sched (sched.h), a table of functions: schedule an actor,
 * run, read the clock, set and cancel timers. That is the seam where the
 * epoll event loop will plug in.
 *
 * PURR_SCHED_EPOLL has no event loop yet: it runs the deterministic run
 * queue on the real monotonic clock (purr__sched_wall in sched_det.c), so
 * now_ms() is wall time and send_after waits in real time (sleeping when
 * nothing else is runnable). Programs behave as they will under the event
 * loop, except that there is no I/O readiness to wait for and each turn
 * runs one message instead of a batch. */
#include "metrics.h"
#include "sched.h"

const purr__sched_ops *purr__sched;

void purr_sched_init(purr_sched_kind kind) {
    if (purr__sched != NULL) purr_sched_shutdown();
    purr__install_overflow_handler();
    purr__metrics_reset();
    purr__actors_reset();
    purr__sched = kind == PURR_SCHED_DET ? &purr__sched_det : &purr__sched_wall;
    purr__sched->init();
    purr__msg_pool_start();
}

static const purr__sched_ops *running(const char *what) {
    if (purr__sched == NULL) purr__fatal("%s without a scheduler (purr_sched_init)", what);
    return purr__sched;
}

void purr_sched_run(void) { running("run")->run(INT64_MAX); }

/* Timers go first: their messages are dropped while every actor they name
 * still exists, then actor.c ends the actors in spawn order. */
void purr_sched_shutdown(void) {
    if (purr__sched == NULL) return;
    purr__sched->shutdown();
    purr__actors_shutdown();
    purr__sched = NULL;
    purr__single_threaded = false; /* back to the atomic mailbox path */
    purr__msg_cache_release();
}

void purr_drain(void) { running("drain()")->run(INT64_MAX); }

int64_t purr_drain_steps(int64_t n) { return n <= 0 ? 0 : running("drain_steps()")->run(n); }

void purr_advance_ms(int64_t ms) { running("advance_ms()")->advance(ms); }

int64_t purr_sched_now_ms(void) { return running("now_ms()")->now(); }
