/* scheduler.c — the scheduler interface, what both schedulers share, and
 * the public scheduler API.
 *
 * Generated code and the rest of the runtime reach the scheduler only
 * through purr__sched (scheduler.h), a table of functions: schedule an actor,
 * run, read the clock, set and cancel timers, watch fds. Two tables fill
 * it: the deterministic scheduler (sched_det.c; tests, benches by default,
 * `--scheduler det`) and the event loop (sched_epoll.c; programs by
 * default). Both run every handler on the calling thread, so both set
 * purr__single_threaded and share one run queue that purr_send feeds
 * inline. This file also holds the fault point both run their actors
 * under, and the I/O registrations the net and file layers make. */
#include "file.h"
#include "metrics.h"
#include "scheduler.h"

#include <errno.h>
#include <setjmp.h>

const purr__sched_ops *purr__sched;
purr__runq purr__sched_runq;
int64_t purr__io_refs;
void (*purr__turn_end_hook)(void);
void (*purr__net_shutdown_hook)(void);

void purr_sched_init(purr_sched_kind kind) {
    if (purr__sched != NULL) purr_sched_shutdown();
    purr__install_overflow_handler();
    purr__metrics_reset();
    purr__actors_reset();
    purr__runq_clear(&purr__sched_runq);
    purr__io_refs = 0;
    /* Both schedulers run every send and handler on this thread (worker
     * threads hand results back through purr__loop_post, never a mailbox). */
    purr__single_threaded = true;
    purr__sched = kind == PURR_SCHED_DET ? &purr__sched_det : &purr__sched_epoll;
    purr__sched->init();
    purr__msg_pool_start();
}

static const purr__sched_ops *running(const char *what) {
    if (purr__sched == NULL) purr__fatal("%s without a scheduler (purr_sched_init)", what);
    return purr__sched;
}

void purr_sched_run(void) { running("run")->run(); }

/* File syncs still out finish first, while the event loop can take their
 * results (loop_post.h). Timers go next: their messages are dropped while
 * every actor they name still exists, then actor.c ends the actors in
 * spawn order (the queued ones included: only the queue's links are
 * forgotten here). */
void purr_sched_shutdown(void) {
    if (purr__sched == NULL) return;
    purr__file_sync_shutdown();
    purr__sched->shutdown();
    purr__runq_clear(&purr__sched_runq);
    purr__actors_shutdown();
    purr__disk_forget();
    if (purr__net_shutdown_hook != NULL) purr__net_shutdown_hook();
    purr__sched = NULL;
    purr__single_threaded = false; /* back to the atomic mailbox path */
    purr__msg_cache_release();
}

void purr__sched_schedule(purr__actor *a) { purr__runq_push(&purr__sched_runq, a); }

void purr__sched_guard(void (*turns)(void)) {
    purr__handler_owned_base = purr__owned_top;
    if (setjmp(purr__fault_jump) != 0) {
        purr__actor_recover();
        purr__turn_end();
    }
    turns();
}

/* ---------- test controls ---------- */

/* drain() runs either scheduler to its end (a bench may run on the event
 * loop); the bounded forms need the virtual clock and a step count that
 * only the deterministic scheduler has. */
void purr_drain(void) { running("drain()")->run(); }

static void need_det(const char *what) {
    if (running(what) != &purr__sched_det) purr__fatal("%s needs the deterministic scheduler", what);
}

int64_t purr_drain_steps(int64_t n) {
    if (n <= 0) return 0;
    need_det("drain_steps()");
    return purr__det_run_steps(n);
}

void purr_advance_ms(int64_t ms) {
    need_det("advance_ms()");
    purr__det_advance(ms);
}

int64_t purr_sched_now_ms(void) { return running("now_ms()")->now(); }

/* ---------- I/O registrations ---------- */

int purr__io_watch(int fd, uint32_t events, purr__io_ready on_ready, void *ctx) {
    return running("watching an fd")->watch(fd, events, on_ready, ctx);
}

int purr__io_modify(int fd, uint32_t events) { return purr__sched == NULL ? -ENOENT : purr__sched->modify(fd, events); }

int purr__io_unwatch(int fd) { return purr__sched == NULL ? -ENOENT : purr__sched->unwatch(fd); }

void purr__io_ref(void) { purr__io_refs++; }

void purr__io_unref(void) {
    if (purr__io_refs <= 0) purr__fatal("I/O reference released twice");
    purr__io_refs--;
}
