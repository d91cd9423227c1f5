/* file_sync.c — file.sync (docs/io.md): makes everything appended to a
 * file before the call durable with fdatasync, off the scheduler thread,
 * one fdatasync for many callers.
 *
 * Group commit. Per file, at most one fdatasync runs at a time, and on the
 * event loop it starts at the end of the loop's turn (the run queue done),
 * so that every call made in that turn shares it. A call that finds one
 * running (which may have started before the caller's last append) waits
 * in the file's `waiting` group; when the running one ends, its callers
 * get their Synced, and the next fdatasync starts at the end of the turn
 * in which they run: the group and whatever they sync again share it. N
 * callers at once cost one fdatasync, two when one was running already,
 * and a caller waits for at most the running one and its own.
 *
 * Results. Each call gets exactly one Synced { file, upto, error }, in the
 * order of the calls: upto is the file's size when the fdatasync that
 * covered the call started, error "" on success. A failed fdatasync is
 * sticky: the kernel may have dropped the dirty pages it could not write,
 * and a retry would then succeed without them (PostgreSQL's "fsyncgate",
 * 2018), so from then on every sync of the handle reports that first error
 * at once, with upto the last size known durable. Calls on a closed or
 * stale handle get Synced with EBADF's text and upto 0.
 *
 * The event loop. One worker thread runs every fdatasync of the process,
 * in the order queued. It starts with the first sync on the event loop,
 * with every signal blocked (so signal.c's handler runs only on the
 * scheduler thread), and purr_sched_shutdown stops it once its queue is
 * done, and joins it; a program that ends with exit() instead (os.exit:
 * a server's last handler) joins it from an atexit handler after the
 * fdatasync in progress, dropping those queued, so that no thread
 * outlives the program's end. Each call holds an I/O reference (scheduler.h) until
 * its Synced is sent, so the program runs until every sync is answered. A
 * file closed (or whose owner ends) while syncing keeps its descriptor
 * until its fdatasyncs finish (file.c).
 *
 * The deterministic scheduler. fdatasync runs inline, within the step that
 * asked, and Synced is sent to the caller at once (it runs at a later
 * step), so a run stays a function of its input. Under a seed other than 0
 * (sim.h) the answer comes after a seeded virtual latency instead, an
 * event of the scheduler, and syncs called meanwhile wait for the next
 * one, as on a real disk; shutdown answers the delayed ones first.
 *
 * Handoff. The file records, the groups and the actors are the scheduler
 * thread's; the worker sees only the queued purr__sync_job (plain malloc'd
 * memory, inside the file record: file.h) and the descriptor in it, which
 * stays open while the job is out. The scheduler thread fills the job and
 * links it in under the worker's lock; the worker unlinks it under the
 * lock (which orders its reads after those writes), runs fdatasync without
 * the lock, writes err and hands the job back with purr__loop_post, whose
 * mutex orders that write before job_back reads it on the scheduler
 * thread. Nothing here is atomic: the two mutexes carry every ordering. */
#define _POSIX_C_SOURCE 200809L
#include "file.h"
#include "loop_post.h"
#include "rtmsg.h"
#include "scheduler.h"
#include "sim.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static int datasync(int fd) {
    int r;
    do r = fdatasync(fd);
    while (r < 0 && errno == EINTR);
    return r < 0 ? errno : 0;
}

int (*purr__file_datasync)(int fd) = datasync;

/* The worker thread and its queue.
 * Invariants:
 *   - head..tail (through next, NULL-terminated), busy and stop are read
 *     and written only with `lock` held.
 *   - head..tail holds the jobs queued and not yet taken, oldest first;
 *     busy is true from when the worker takes a job until after it has
 *     posted the result. So with the queue empty and busy false, every
 *     job given to the worker has been posted back.
 *   - `work` is signalled when a job is queued or stop is set; `idle` when
 *     the worker finds the queue empty after a job.
 *   - started (scheduler thread only): the thread exists and has not been
 *     joined. out (scheduler thread only): what will come back
 *     through purr__loop_post and has not yet: a job from queue_job to
 *     job_back, a start from start_after_turn to start_later. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t work, idle;
    purr__sync_job *head, *tail;
    bool busy, stop;
    bool started;
    int64_t out;
    pthread_t thread;
} worker = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER, .idle = PTHREAD_COND_INITIALIZER};

static void job_back(void *ctx);
static void stop_worker(void);
static void stop_worker_at_exit(void);

static void *worker_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&worker.lock);
    for (;;) {
        while (worker.head == NULL && !worker.stop) pthread_cond_wait(&worker.work, &worker.lock);
        purr__sync_job *j = worker.head;
        if (j == NULL) break; /* stopped, and the queue is done */
        worker.head = j->next;
        if (worker.head == NULL) worker.tail = NULL;
        worker.busy = true;
        int (*run)(int fd) = purr__file_datasync;
        pthread_mutex_unlock(&worker.lock);
        j->err = run(j->fd);
        /* j belongs to the scheduler thread again from here on. */
        purr__loop_post(job_back, j);
        pthread_mutex_lock(&worker.lock);
        worker.busy = false;
        if (worker.head == NULL) pthread_cond_signal(&worker.idle);
    }
    pthread_mutex_unlock(&worker.lock);
    return NULL;
}

/* The thread inherits the signal mask in force at pthread_create: every
 * signal is blocked for that moment only. */
static void start_worker(void) {
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int err = pthread_create(&worker.thread, NULL, worker_main, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (err != 0) purr__fatal("starting the file sync thread: %s", strerror(err));
    worker.started = true;
    static bool stopped_at_exit;
    if (!stopped_at_exit) atexit(stop_worker_at_exit);
    stopped_at_exit = true;
}

/* Lets the worker finish the fdatasyncs queued and joins it. */
static void stop_worker(void) {
    if (!worker.started) return;
    pthread_mutex_lock(&worker.lock);
    worker.stop = true;
    pthread_cond_signal(&worker.work);
    pthread_mutex_unlock(&worker.lock);
    pthread_join(worker.thread, NULL);
    worker.stop = false;
    worker.started = false;
}

/* At exit() nothing will read a Synced again (the loop no longer runs), so
 * the fdatasyncs queued are dropped, not run one after another: a broker
 * on a stalled disk still exits at once, waiting only for the fdatasync in
 * progress. The dropped jobs stay in their file records, which live until
 * the process ends. exit() is called on the scheduler thread outside
 * queue_job, so the lock is free. */
static void stop_worker_at_exit(void) {
    if (!worker.started) return;
    pthread_mutex_lock(&worker.lock);
    worker.head = worker.tail = NULL;
    pthread_mutex_unlock(&worker.lock);
    stop_worker();
}

static void queue_job(purr__sync_job *j) {
    if (!worker.started) start_worker();
    worker.out++;
    pthread_mutex_lock(&worker.lock);
    j->next = NULL;
    if (worker.tail != NULL)
        worker.tail->next = j;
    else
        worker.head = j;
    worker.tail = j;
    pthread_cond_signal(&worker.work);
    pthread_mutex_unlock(&worker.lock);
}

/* Seeded det: the files whose fdatasync ran and whose answer waits for
 * its latency (through next_delayed), so that shutdown can answer them. */
static purr__file *delayed;

static void sync_done(purr__file *f);

/* While a crash settles the syncs (purr__file_sync_crash): a call waiting
 * for the next fdatasync is answered without one, as a dead process
 * starts none; its caller is about to end. */
static bool crashing;

static void delayed_done(void *ctx) {
    purr__file *f = ctx;
    purr__file **p = &delayed;
    while (*p != f) p = &(*p)->next_delayed;
    *p = f->next_delayed;
    sync_done(f);
}

void purr__file_sync_settle(void) {
    /* Answering may start another delayed fdatasync: until none is left.
     * Their events are forgotten with the scheduler's heap. */
    while (delayed != NULL) delayed_done(delayed);
}

void purr__file_sync_crash(void) {
    crashing = true;
    purr__file_sync_settle();
    crashing = false;
}

void purr__file_sync_shutdown(void) {
    purr__file_sync_settle();
    /* Running what was posted may start an fdatasync, and its result
     * posts again: wait for the worker and run the posts until nothing is
     * out. */
    while (worker.out > 0) {
        pthread_mutex_lock(&worker.lock);
        while (worker.head != NULL || worker.busy) pthread_cond_wait(&worker.idle, &worker.lock);
        pthread_mutex_unlock(&worker.lock);
        purr__posts_ready(NULL, 0);
    }
    stop_worker();
}

/* ---------- groups and answers (scheduler thread) ---------- */

static void join_group(purr__sync_group *g, purr_actor *caller) {
    if (g->len == g->cap) {
        int32_t cap = g->cap == 0 ? 4 : g->cap * 2;
        purr_actor **c = realloc(g->callers, (size_t)cap * sizeof *c);
        if (c == NULL) purr__fatal("out of memory (file sync callers)");
        g->callers = c;
        g->cap = cap;
    }
    purr_actor_retain(caller);
    g->callers[g->len++] = caller;
    purr__io_ref();
}

/* error: owned. */
static void send_synced(purr_actor *to, int64_t file, int64_t upto, purr_str *error) {
    purr_send(to, PURR__MSG_CTOR(PURR__MSG_FILE_SYNCED, purr__new_file_synced)(file, upto, error));
}

/* Sends each caller of g its Synced: the last durable size, and the
 * sticky error if there is one. */
static void answer(purr__file *f, purr__sync_group *g) {
    purr_str *error = f->sync_error != 0 ? purr_error_text(-f->sync_error) : purr_str_empty();
    for (int32_t i = 0; i < g->len; i++) {
        purr_str_retain(error);
        send_synced(g->callers[i], f->id, f->durable, error);
        purr_actor_release(g->callers[i]);
        purr__io_unref();
    }
    g->len = 0;
    purr_str_release(error);
}


/* The fdatasync for the waiting group, which becomes the running one:
 * inline under the deterministic scheduler, else on the worker. */
static void start(purr__file *f) {
    purr__sync_group ran = f->running;
    f->running = f->waiting;
    f->waiting = ran; /* empty: keeps its array for the next group */
    f->syncing = true;
    int64_t size = purr__file_current_size(f);
    f->sync_upto = size < 0 ? 0 : size;
    f->job.file = f;
    f->job.fd = f->fd;
    if (purr__sched == &purr__sched_det) {
        f->job.err = purr__file_datasync(f->fd);
        if (!purr__sim_seeded()) {
            sync_done(f);
            return;
        }
        f->next_delayed = delayed;
        delayed = f;
        purr__det_after(purr__sim_between(0, PURR__SIM_SYNC_LATENCY_MAX_US), delayed_done, f);
    } else {
        queue_job(&f->job);
    }
}

static void start_later(void *ctx) {
    worker.out--;
    start(ctx);
}

/* Event loop: f's next fdatasync starts once the actors that are runnable
 * now have had their turn, so that the syncs they call join it: the
 * writers a Synced wakes append and sync again at once, and share one
 * fdatasync instead of splitting across two (docs/performance.md, "File
 * sync"). A post from this thread runs after the loop's next epoll_wait
 * (loop_post.h), which comes when the run queue is empty or after 1,024
 * messages. */
static void start_after_turn(purr__file *f) {
    f->syncing = true;
    worker.out++;
    purr__loop_post(start_later, f);
}

/* Serves the calls waiting on f, none running: a failed sync answers them
 * at once (it is sticky); otherwise the next fdatasync starts — at once
 * under det, after the loop's turn on the event loop (so that the callers
 * answered in this turn can append and join it). */
static void serve_waiting(purr__file *f) {
    if (f->sync_error != 0 || crashing)
        answer(f, &f->waiting);
    else if (purr__sched == &purr__sched_det)
        start(f);
    else
        start_after_turn(f);
}

/* The fdatasync of f->job has run (inline, or on the worker). No other
 * fdatasync of f starts after a failure, so an error here is the first. */
static void sync_done(purr__file *f) {
    f->syncing = false;
    if (f->job.err != 0) {
        f->sync_error = f->job.err;
    } else {
        f->durable = f->sync_upto;
        purr__disk_synced(f->fd, f->sync_upto);
    }
    answer(f, &f->running);
    /* Under det only when seeded: calls wait for a delayed answer. */
    if (f->waiting.len > 0) serve_waiting(f);
    if (f->closing && !f->syncing) purr__file_release(f);
}

/* A job the worker posted back, on the scheduler thread. */
static void job_back(void *ctx) {
    worker.out--;
    sync_done(((purr__sync_job *)ctx)->file);
}

void purr_file_sync(int64_t id) {
    purr__actor *caller = purr__actor_current();
    if (caller == NULL) purr__fatal("file.sync outside an actor");
    purr__file *f = purr__file_lookup(id);
    if (f == NULL) {
        send_synced(&caller->pub, id, 0, purr_error_text(-EBADF));
        return;
    }
    join_group(&f->waiting, &caller->pub);
    if (f->syncing) return; /* the next fdatasync of f answers it */
    serve_waiting(f);
}
