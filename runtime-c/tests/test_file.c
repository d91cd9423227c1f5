/* test_file.c — std.file (file.c, file_sync.c): open, append offsets,
 * read_at, size, truncate, close; errors (missing file, directory, FIFO,
 * closed and stale ids); the owner's end closing its files (no descriptor
 * left: /proc/self/fd); file.sync on the event loop (one Synced per call
 * with the right upto, group commit counted through the fdatasync hook,
 * never on the scheduler thread, the worker started lazily and joined at
 * shutdown, syncs still out at shutdown finished, close with a sync in
 * flight) and on the deterministic scheduler (inline, Synced as a message);
 * a failed fdatasync staying sticky (simulated through the hook); what a
 * machine crash keeps of each file (the simulated disk). */
#include "test.h"

#include "actor.h"
#include "file.h"
#include "loop_post.h"
#include "scheduler.h"
#include "sim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

static char dir[64];
static pthread_t scheduler_thread;

static void path_in_dir(char *out, size_t cap, const char *name) { snprintf(out, cap, "%s/%s", dir, name); }

static int count_entries(const char *path) {
    DIR *d = opendir(path);
    if (d == NULL) return -1;
    int n = 0;
    while (readdir(d) != NULL) n++;
    closedir(d);
    return n;
}
static int open_fds(void) { return count_entries("/proc/self/fd"); }
static int threads(void) { return count_entries("/proc/self/task"); }

static int64_t open_path(const char *path, int32_t mode) {
    purr_str *p = purr_str_from_cstr(path);
    int64_t id = purr_file_open(p, mode);
    purr_str_release(p);
    return id;
}

static int64_t append_text(int64_t f, const char *text) {
    purr_bytes *b = purr_bytes_from((const uint8_t *)text, (int64_t)strlen(text));
    int64_t at = purr_file_append(f, b);
    purr_bytes_release(b);
    return at;
}

/* read_at as text ("<error -N>" on failure). */
static const char *read_text(int64_t f, int64_t off, int64_t n) {
    static char text[256];
    purr_bytes *b = purr_file_read_at(f, off, n);
    if (b == NULL) {
        snprintf(text, sizeof text, "<error %lld>", (long long)purr_file_last_error());
        return text;
    }
    snprintf(text, sizeof text, "%.*s", (int)b->len, (const char *)b->data);
    purr_bytes_release(b);
    return text;
}

/* ---------- the Synced message and the fdatasync hook ---------- */

enum { K_SYNCED = PURR_KIND_FIRST_USER, K_GO };

typedef struct synced_msg {
    purr_msg hdr;
    int64_t file, upto;
    purr_str *error;
} synced_msg;

static void synced_drop(purr_msg *m) {
    purr_str_release(((synced_msg *)(void *)m)->error);
    purr_msg_free(m);
}

static purr_msg *new_synced(int64_t file, int64_t upto, purr_str *error) {
    synced_msg *m = (synced_msg *)(void *)purr_msg_alloc(sizeof *m, K_SYNCED, synced_drop);
    m->file = file;
    m->upto = upto;
    m->error = error;
    return &m->hdr;
}

/* Written by whichever thread runs the fdatasync and read by the test
 * after purr_sched_run or purr_sched_shutdown: the worker's writes come
 * before its loop_post, and so before the run that took the post ends. */
static int datasyncs;
static int fail_from;      /* fdatasync number (1, 2, ...) from which on to fail; 0: never */
static bool on_sched_thread;
static long sleep_us;      /* makes an fdatasync last, so that calls pile up */

static int hooked_datasync(int fd) {
    datasyncs++;
    if (pthread_equal(pthread_self(), scheduler_thread)) on_sched_thread = true;
    if (sleep_us > 0) {
        struct timespec ts = {0, sleep_us * 1000};
        nanosleep(&ts, NULL);
    }
    if (fail_from > 0 && datasyncs >= fail_from) return EIO;
    return fdatasync(fd) != 0 ? errno : 0;
}

static void reset_hook(void) {
    datasyncs = 0;
    fail_from = 0;
    on_sched_thread = false;
    sleep_us = 0;
}

/* ---------- a writer actor ----------
 * On start (or K_GO), and on each Synced while rounds remain: appends a 64-byte
 * record and calls file.sync, remembering where the record ended. Each
 * Synced is logged with that end, so the test can check that the sync
 * covered the record. With `retry_error`, a failed Synced is answered with
 * one more sync (which must fail at once). */
typedef struct writer_state {
    int64_t file;
    int32_t rounds;
    int64_t end; /* where the last record ended */
    bool retry_error;
} writer_state;

#define MAX_LOG 4096
static struct {
    int64_t actor, file, upto, end;
    char error[64];
} synced_log[MAX_LOG];
static int nsynced;

static void writer_record(writer_state *s) {
    uint8_t rec[64];
    memset(rec, 'r', sizeof rec);
    purr_bytes *b = purr_bytes_from(rec, sizeof rec);
    int64_t at = purr_file_append(s->file, b);
    purr_bytes_release(b);
    CHECK(at >= 0);
    s->end = at + 64;
    purr_file_sync(s->file);
}

static void writer_dispatch(purr_actor *self, purr_msg *m) {
    writer_state *s = self->state;
    if (m->kind == PURR_KIND_START || m->kind == K_GO) {
        writer_record(s);
        return;
    }
    const synced_msg *y = (const synced_msg *)(const void *)m;
    if (nsynced < MAX_LOG) {
        synced_log[nsynced].actor = self->id;
        synced_log[nsynced].file = y->file;
        synced_log[nsynced].upto = y->upto;
        synced_log[nsynced].end = s->end;
        snprintf(synced_log[nsynced].error, sizeof synced_log[nsynced].error, "%s", y->error->data);
        nsynced++;
    }
    if (y->error->len > 0) {
        if (s->retry_error) purr_file_sync(s->file);
        s->retry_error = false;
    } else if (--s->rounds > 0) {
        writer_record(s);
    }
}
static const purr_actor_type writer_type = {"Writer", sizeof(writer_state), writer_dispatch, NULL};

static purr_actor *spawn_writer(int64_t file, int32_t rounds, bool retry_error) {
    writer_state s = {file, rounds, 0, retry_error};
    return purr_spawn(&writer_type, &s, true);
}

/* A writer that starts on K_GO. */
static purr_actor *spawn_idle_writer(int64_t file) {
    writer_state s = {file, 1, 0, false};
    return purr_spawn(&writer_type, &s, false);
}

/* ---------- plain calls ---------- */

static void test_append_read_size_truncate(void) {
    char path[128];
    path_in_dir(path, sizeof path, "plain");
    int64_t f = open_path(path, PURR_FILE_APPEND);
    CHECK(f > 0);
    CHECK(purr_file_size(f) == 0);
    CHECK(append_text(f, "hello") == 0);
    CHECK(append_text(f, " world") == 5);
    CHECK(append_text(f, "") == 11);
    CHECK(purr_file_size(f) == 11);
    CHECK(strcmp(read_text(f, 0, 5), "hello") == 0);
    CHECK(strcmp(read_text(f, 6, 100), "world") == 0); /* short at the end */
    CHECK(strcmp(read_text(f, 11, 5), "") == 0);
    CHECK(strcmp(read_text(f, 50, 5), "") == 0);
    CHECK(strcmp(read_text(f, 0, 0), "") == 0);
    CHECK(strcmp(read_text(f, -1, 5), "<error -22>") == 0);
    CHECK(strcmp(read_text(f, 0, -5), "<error -22>") == 0);

    CHECK(purr_file_truncate(f, 5) == 0);
    CHECK(purr_file_size(f) == 5);
    CHECK(append_text(f, "!") == 5); /* appends go on from the new end */
    CHECK(strcmp(read_text(f, 0, 100), "hello!") == 0);
    CHECK(purr_file_truncate(f, -1) == -EINVAL);

    /* A second handle reads what the first appended; Read refuses writes. */
    int64_t r = open_path(path, PURR_FILE_READ);
    CHECK(r > 0 && r != f);
    CHECK(purr_file_size(r) == 6);
    CHECK(strcmp(read_text(r, 1, 4), "ello") == 0);
    CHECK(append_text(r, "x") == -EBADF);
    CHECK(purr_file_truncate(r, 0) == -EBADF);
    CHECK(append_text(f, "?") == 6);
    CHECK(purr_file_size(r) == 7); /* a Read handle asks the system */

    /* Reopened for append, the end is the file's size. */
    CHECK(purr_file_close(f) == 0);
    f = open_path(path, PURR_FILE_APPEND);
    CHECK(append_text(f, "+") == 7);
    CHECK(purr_file_close(f) == 0);
    CHECK(purr_file_close(r) == 0);
}

static void test_errors_and_stale_ids(void) {
    char path[128], missing[128], fifo[128];
    path_in_dir(path, sizeof path, "errors");
    path_in_dir(missing, sizeof missing, "missing");
    path_in_dir(fifo, sizeof fifo, "fifo");
    int fds0 = open_fds();

    CHECK(open_path(missing, PURR_FILE_READ) == -ENOENT);
    CHECK_OWNED_STR(purr_error_text(-ENOENT), "No such file or directory");
    CHECK_OWNED_STR(purr_error_text(EBADF), "Bad file descriptor");
    CHECK(open_path(dir, PURR_FILE_READ) == -EISDIR);
    CHECK(open_path(dir, PURR_FILE_APPEND) == -EISDIR);
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(open_path(fifo, PURR_FILE_READ) == -EINVAL); /* and it did not wait for a writer */
    CHECK(open_path(path, 7) == -EINVAL);
    purr_str *nul = purr_str_from("a\0b", 3);
    CHECK(purr_file_open(nul, PURR_FILE_APPEND) == -EINVAL);
    purr_str_release(nul);
    CHECK(open_fds() == fds0);

    /* Ids that were never given, and ids after close. */
    int64_t bogus[] = {0, -1, 1, (int64_t)1 << 32, INT64_MAX};
    for (size_t i = 0; i < sizeof bogus / sizeof bogus[0]; i++) {
        CHECK(purr_file_size(bogus[i]) == -EBADF);
        CHECK(append_text(bogus[i], "x") == -EBADF);
        CHECK(purr_file_close(bogus[i]) == -EBADF);
    }
    int64_t f = open_path(path, PURR_FILE_APPEND);
    CHECK(append_text(f, "abc") == 0);
    CHECK(purr_file_close(f) == 0);
    CHECK(purr_file_close(f) == -EBADF);
    CHECK(append_text(f, "x") == -EBADF);
    CHECK(strcmp(read_text(f, 0, 1), "<error -9>") == 0);
    CHECK(purr_file_size(f) == -EBADF);
    CHECK(purr_file_truncate(f, 0) == -EBADF);
    /* The slot serves the next file under a new id; the old one stays stale. */
    int64_t g = open_path(path, PURR_FILE_READ);
    CHECK(g > 0 && g != f && (g & 0xffffffff) == (f & 0xffffffff));
    CHECK(purr_file_size(f) == -EBADF && purr_file_size(g) == 3);
    CHECK(purr_file_close(g) == 0);
    CHECK(open_fds() == fds0);
}

/* ---------- the owner's end ---------- */

enum { K_OPEN = PURR_KIND_FIRST_USER + 1, K_STOP_NOW, K_PANIC };

/* Opens the file named in its state on K_OPEN; stops on K_STOP_NOW;
 * panics on K_PANIC. */
static int64_t opened[4][2]; /* by actor id */
static int nopened;
static void opener_dispatch(purr_actor *self, purr_msg *m) {
    if (m->kind == K_OPEN) {
        int64_t *mine = opened[self->id];
        mine[mine[0] != 0] = open_path(*(const char **)self->state, PURR_FILE_APPEND);
        nopened++;
    }
    if (m->kind == K_STOP_NOW) purr_stop(self);
    if (m->kind == K_PANIC) purr_panic(NULL, "opener fails");
}
static const purr_actor_type opener_type = {"Opener", sizeof(const char *), opener_dispatch, NULL};

static purr_msg *bare(uint32_t kind) { return purr_msg_alloc(sizeof(purr_msg), kind, purr_msg_free); }

/* Stop, a fault and the scheduler's shutdown each close what the actor
 * opened, on both schedulers; a file opened outside any actor stays open. */
static void owner_end_closes(purr_sched_kind kind) {
    char path[128];
    path_in_dir(path, sizeof path, "owned");
    const char *p = path;
    int fds0 = open_fds();
    nopened = 0;
    memset(opened, 0, sizeof opened);
    purr_sched_init(kind);
    int fds_sched = open_fds(); /* the event loop's epoll fd and eventfd */
    int64_t unowned = open_path(path, PURR_FILE_APPEND);
    purr_actor *stops = purr_spawn(&opener_type, &p, false);
    purr_actor *faults = purr_spawn(&opener_type, &p, false);
    purr_actor *lives = purr_spawn(&opener_type, &p, false);
    purr_send(stops, bare(K_OPEN));
    purr_send(stops, bare(K_OPEN));
    purr_send(faults, bare(K_OPEN));
    purr_send(lives, bare(K_OPEN));
    purr_send(stops, bare(K_STOP_NOW));
    purr_send(faults, bare(K_PANIC));
    purr_sched_run();
    CHECK(nopened == 4);
    CHECK(purr_file_size(opened[1][0]) == -EBADF && purr_file_size(opened[1][1]) == -EBADF); /* stop */
    CHECK(purr_file_size(opened[2][0]) == -EBADF);                                             /* fault */
    CHECK(purr_file_size(opened[3][0]) == 0);                                                  /* alive */
    /* The two open handles, and under det the simulated disk's own
     * descriptor of the one file (sim_disk.c), until shutdown. */
    CHECK(open_fds() == fds_sched + 2 + (kind == PURR_SCHED_DET));
    purr_actor_release(stops);
    purr_actor_release(faults);
    purr_actor_release(lives);
    purr_sched_shutdown();
    CHECK(purr_file_size(opened[3][0]) == -EBADF);
    CHECK(purr_file_size(unowned) == 0);
    CHECK(purr_file_close(unowned) == 0);
    CHECK(open_fds() == fds0);
}

/* The fault's report goes to stderr, shown only if the test fails. */
static void test_owner_end_closes(void) {
    owner_end_closes(PURR_SCHED_DET);
    owner_end_closes(PURR_SCHED_EPOLL);
}

/* ---------- sync ---------- */

/* Each caller got exactly one Synced per call, for its file, and each
 * covered the record the caller appended before the call. */
static void check_synced(int64_t file, int calls) {
    CHECK(nsynced == calls);
    for (int i = 0; i < nsynced; i++) {
        CHECK(synced_log[i].file == file);
        CHECK(synced_log[i].error[0] == '\0');
        CHECK(synced_log[i].upto >= synced_log[i].end);
    }
}

/* 50 writers call file.sync in the same turn of the loop: the fdatasync
 * starts after the turn, and one covers all 50 records (upto 3200). Then
 * 20 rounds each: one fdatasync per round, since the Synced messages of
 * one fdatasync wake all 50 writers in one turn; one Synced per call, each
 * covering its record; none on the scheduler thread. The worker thread
 * exists from the first sync to the shutdown. */
static void test_group_commit_on_loop(void) {
    char path[128];
    path_in_dir(path, sizeof path, "group");
    int threads0 = threads();
    reset_hook();
    nsynced = 0;
    purr_sched_init(PURR_SCHED_EPOLL);
    int64_t f = open_path(path, PURR_FILE_APPEND);
    purr_actor *w[50];
    for (int i = 0; i < 50; i++) w[i] = spawn_writer(f, 1, false);
    CHECK(threads() == threads0); /* started lazily */
    purr_sched_run();
    CHECK(threads() == threads0 + 1);
    check_synced(f, 50);
    CHECK(datasyncs == 1);
    for (int i = 0; i < nsynced; i++) CHECK(synced_log[i].upto == 50 * 64);
    CHECK(!on_sched_thread);
    CHECK(purr__io_refs == 0);
    for (int i = 0; i < 50; i++) purr_actor_release(w[i]);

    reset_hook();
    sleep_us = 200;
    nsynced = 0;
    for (int i = 0; i < 50; i++) w[i] = spawn_writer(f, 20, false);
    purr_sched_run();
    check_synced(f, 1000);
    CHECK(datasyncs == 20);
    CHECK(!on_sched_thread);
    CHECK(purr_file_size(f) == 1050 * 64);
    /* Per caller, the answers come in the order of its calls. */
    for (int a = 0; a < 50; a++) {
        int64_t last = 0;
        for (int i = 0; i < nsynced; i++)
            if (synced_log[i].actor == w[a]->id) {
                CHECK(synced_log[i].upto >= last);
                last = synced_log[i].upto;
            }
    }
    for (int i = 0; i < 50; i++) purr_actor_release(w[i]);
    purr_sched_shutdown();
    CHECK(threads() == threads0); /* joined */
    CHECK(purr_file_close(f) == 0);   /* opened outside an actor: still open */
}

/* Under the deterministic scheduler the fdatasync runs in the step that
 * asked (on this thread), one per call, and Synced arrives at a later
 * step. */
static void test_sync_on_det(void) {
    char path[128];
    path_in_dir(path, sizeof path, "det");
    int threads0 = threads();
    reset_hook();
    nsynced = 0;
    purr_sched_init(PURR_SCHED_DET);
    int64_t f = open_path(path, PURR_FILE_APPEND);
    purr_actor *a = spawn_writer(f, 3, false), *b = spawn_writer(f, 3, false);
    CHECK(purr_drain_steps(1) == 1); /* a's start: append, fdatasync */
    CHECK(datasyncs == 1 && nsynced == 0 && on_sched_thread);
    CHECK(purr_drain_steps(1) == 1); /* b's start */
    CHECK(datasyncs == 2 && nsynced == 0);
    CHECK(purr_drain_steps(1) == 1); /* a's Synced */
    CHECK(nsynced == 1 && synced_log[0].actor == a->id && synced_log[0].upto == 64);
    purr_sched_run();
    check_synced(f, 6);
    CHECK(datasyncs == 6);
    /* Steps alternate: a, b, a, b, ...; each sync covers what was appended. */
    int64_t want[] = {64, 128, 192, 256, 320, 384};
    for (int i = 0; i < 6; i++) CHECK(synced_log[i].upto == want[i] && synced_log[i].actor == (i % 2 ? b : a)->id);
    CHECK(threads() == threads0);
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown();
    CHECK(purr_file_close(f) == 0);
}

/* The second fdatasync fails: that call and the retry after it get the
 * error, with upto what the first made durable, and no fdatasync runs
 * again. On both schedulers. */
static void sticky_failure(purr_sched_kind kind) {
    char path[128];
    path_in_dir(path, sizeof path, kind == PURR_SCHED_DET ? "sticky-det" : "sticky-loop");
    reset_hook();
    fail_from = 2;
    nsynced = 0;
    purr_sched_init(kind);
    int64_t f = open_path(path, PURR_FILE_APPEND);
    purr_actor *w = spawn_writer(f, 2, true);
    purr_sched_run();
    CHECK(datasyncs == 2);
    CHECK(nsynced == 3);
    CHECK(synced_log[0].upto == 64 && synced_log[0].error[0] == '\0');
    for (int i = 1; i < 3; i++)
        CHECK(synced_log[i].upto == 64 && strcmp(synced_log[i].error, "Input/output error") == 0);
    CHECK(purr__io_refs == 0);
    purr_actor_release(w);
    purr_sched_shutdown();
    CHECK(purr_file_close(f) == 0);
}

static void test_sticky_failure(void) {
    sticky_failure(PURR_SCHED_EPOLL);
    sticky_failure(PURR_SCHED_DET);
}

/* Event loop: a starts an fdatasync that takes 100 ms; b and c call
 * file.sync 5 ms into it. They share the next fdatasync, which covers
 * their records (upto 192) — or, when the first one fails, they get its
 * error at once, and no other fdatasync runs. */
static void calls_during_fdatasync(bool fail) {
    char path[128];
    path_in_dir(path, sizeof path, fail ? "during-fail" : "during");
    reset_hook();
    sleep_us = 100000;
    fail_from = fail ? 1 : 0;
    nsynced = 0;
    purr_sched_init(PURR_SCHED_EPOLL);
    int64_t f = open_path(path, PURR_FILE_APPEND);
    purr_actor *a = spawn_writer(f, 1, false), *b = spawn_idle_writer(f), *c = spawn_idle_writer(f);
    purr_send_after(b, 5, purr_msg_alloc(sizeof(purr_msg), K_GO, purr_msg_free));
    purr_send_after(c, 5, purr_msg_alloc(sizeof(purr_msg), K_GO, purr_msg_free));
    purr_sched_run();
    CHECK(nsynced == 3);
    CHECK(synced_log[0].actor == a->id);
    if (fail) {
        CHECK(datasyncs == 1);
        for (int i = 0; i < nsynced; i++)
            CHECK(synced_log[i].upto == 0 && strcmp(synced_log[i].error, "Input/output error") == 0);
    } else {
        CHECK(datasyncs == 2);
        check_synced(f, 3);
        CHECK(synced_log[0].upto == 64 && synced_log[1].upto == 192 && synced_log[2].upto == 192);
    }
    purr_actor_release(a);
    purr_actor_release(b);
    purr_actor_release(c);
    purr_sched_shutdown();
    CHECK(purr_file_close(f) == 0);
}

static void test_calls_during_fdatasync(void) {
    calls_during_fdatasync(false);
    calls_during_fdatasync(true);
}

/* Closes its file right after asking for a sync, then syncs the closed
 * handle: the first sync still completes, the second fails at once. */
static void closer_dispatch(purr_actor *self, purr_msg *m) {
    writer_dispatch(self, m);
    if (m->kind == PURR_KIND_START) {
        writer_state *s = self->state;
        CHECK(purr_file_close(s->file) == 0);
        CHECK(append_text(s->file, "late") == -EBADF);
        purr_file_sync(s->file);
    }
}
static const purr_actor_type closer_type = {"Closer", sizeof(writer_state), closer_dispatch, NULL};

static void test_close_with_sync_in_flight(void) {
    char path[128];
    path_in_dir(path, sizeof path, "closing");
    int fds0 = open_fds();
    reset_hook();
    sleep_us = 20000;
    nsynced = 0;
    purr_sched_init(PURR_SCHED_EPOLL);
    writer_state s = {open_path(path, PURR_FILE_APPEND), 1, 0, false};
    purr_actor *a = purr_spawn(&closer_type, &s, true);
    purr_sched_run();
    CHECK(datasyncs == 1);
    CHECK(nsynced == 2);
    CHECK(strcmp(synced_log[0].error, "Bad file descriptor") == 0 && synced_log[0].upto == 0);
    CHECK(synced_log[1].error[0] == '\0' && synced_log[1].upto == 64);
    CHECK(open_fds() == fds0 + 2); /* the loop's epoll fd and eventfd */
    purr_actor_release(a);
    purr_sched_shutdown();
    CHECK(open_fds() == fds0);
}

/* purr_sched_shutdown with syncs out (the loop never ran): the running
 * fdatasync and the next group's both finish, their Synced messages go to
 * the actor's mailbox and are dropped with it, and the worker is joined. */
static void test_shutdown_with_syncs_out(void) {
    char path[128];
    path_in_dir(path, sizeof path, "shutdown");
    int threads0 = threads();
    reset_hook();
    sleep_us = 20000;
    purr_sched_init(PURR_SCHED_EPOLL);
    int64_t f = open_path(path, PURR_FILE_APPEND);
    purr_actor *a = spawn_writer(f, 1, false);
    /* Calls as if from a's handlers, and the loop's part in between. */
    purr__current = purr__actor_of(a);
    CHECK(append_text(f, "x") == 0);
    purr_file_sync(f);
    purr__current = NULL;
    purr__posts_ready(NULL, 0); /* the end of the turn: the fdatasync starts */
    purr__current = purr__actor_of(a);
    purr_file_sync(f);
    purr_file_sync(f);
    purr__current = NULL;
    CHECK(purr__io_refs == 3);
    purr_actor_release(a);
    purr_sched_shutdown();
    CHECK(datasyncs == 2);
    CHECK(purr_metrics_get().dropped_messages == 4); /* 3 Synced and start */
    CHECK(threads() == threads0);
    CHECK(purr_file_close(f) == 0);
}

/* ---------- the simulated disk (sim_disk.c) ---------- */

/* std.fs's fsync (os.c); generated code declares it from std.fs. */
int32_t purr_os_fsync(int32_t fd);

static int64_t keep_half(int64_t lost) { return lost / 2; }

static int64_t size_at(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* A machine crash keeps, per file, what a completed sync covered, however
 * it was synced (here through another descriptor, as std.fs.fsync_file
 * does) and whether the file is still open; the rest goes but a torn
 * prefix (half, here). What a crash kept is durable after it; a truncate
 * takes back what it cut; a process crash (a close and an open again)
 * changes nothing. */
static void test_machine_crash_follows_files(void) {
    char a_path[128], b_path[128];
    path_in_dir(a_path, sizeof a_path, "disk-a");
    path_in_dir(b_path, sizeof b_path, "disk-b");
    purr_sched_init(PURR_SCHED_DET);
    int64_t a = open_path(a_path, PURR_FILE_APPEND);
    CHECK(append_text(a, "0123456789") == 0);
    int fd = open(a_path, O_RDONLY);
    CHECK(purr_os_fsync(fd) == 0);
    close(fd);
    CHECK(append_text(a, "abcdefgh") == 10);
    CHECK(purr_file_close(a) == 0);
    int64_t b = open_path(b_path, PURR_FILE_APPEND);
    CHECK(append_text(b, "wxyz") == 0);
    purr__file_crash_machine(keep_half);
    CHECK(size_at(a_path) == 14); /* closed before the crash: cut all the same */
    CHECK(size_at(b_path) == 2 && purr_file_size(b) == 2);
    /* Opened again, as after a process crash: durable stays 14. */
    int64_t again = open_path(a_path, PURR_FILE_APPEND);
    CHECK(append_text(again, "+-") == 14);
    CHECK(purr_file_close(again) == 0);
    again = open_path(a_path, PURR_FILE_APPEND);
    purr__file_crash_machine(keep_half);
    CHECK(size_at(a_path) == 15);
    CHECK(purr_file_truncate(again, 5) == 0);
    CHECK(append_text(again, "QQQQ") == 5);
    purr__file_crash_machine(keep_half);
    CHECK(size_at(a_path) == 7);
    /* A lock ends with its handle, though the disk follows the file. */
    CHECK(purr_file_lock(again) == 1);
    CHECK(purr_file_close(again) == 0);
    again = open_path(a_path, PURR_FILE_APPEND);
    CHECK(purr_file_lock(again) == 1);
    CHECK(purr_file_close(again) == 0 && purr_file_close(b) == 0);
    purr_sched_shutdown();
    CHECK(purr__os_fsync_hook == NULL);
}

/* A process crash while one writer's sync is in its seeded latency and a
 * second writer's waits behind it: the running fdatasync has run, but none
 * starts for the waiting one (a dead process starts none), so its record
 * stays unsynced, and a machine crash after the restart takes half of it. */
static void test_crash_starts_no_sync(void) {
    char path[128];
    path_in_dir(path, sizeof path, "crash-syncs");
    reset_hook();
    purr__sim_configure(1, PURR__SIM_STEP_COST_US, INT64_MAX);
    purr__sim_case("crash-syncs");
    purr_sched_init(PURR_SCHED_DET);
    int64_t f = open_path(path, PURR_FILE_APPEND);
    purr_actor *a = spawn_writer(f, 1, false), *b = spawn_writer(f, 1, false);
    CHECK(purr_drain_steps(2) == 2);
    CHECK(datasyncs == 1 && purr_file_size(f) == 128);
    purr_sim_crash_process();
    CHECK(datasyncs == 1);
    purr__file_crash_machine(keep_half);
    CHECK(size_at(path) == 96);
    purr_actor_release(a);
    purr_actor_release(b);
    CHECK(purr_file_close(f) == 0);
    purr_sched_shutdown();
    purr__sim_configure(0, PURR__SIM_STEP_COST_US, INT64_MAX);
}

int main(void) {
    scheduler_thread = pthread_self();
    strcpy(dir, "/tmp/purr_test_file.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    purr_register_message_ctor("std.file.Synced", (purr_msg_ctor)new_synced);
    purr__file_datasync = hooked_datasync;
    RUN(test_append_read_size_truncate);
    RUN(test_errors_and_stale_ids);
    RUN(test_owner_end_closes);
    RUN(test_group_commit_on_loop);
    RUN(test_sync_on_det);
    RUN(test_sticky_failure);
    RUN(test_calls_during_fdatasync);
    RUN(test_close_with_sync_in_flight);
    RUN(test_shutdown_with_syncs_out);
    RUN(test_machine_crash_follows_files);
    RUN(test_crash_starts_no_sync);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) test_failures++;
    return test_finish();
}
