/*
 * Durable appends: file.sync's group commit against plain C loops
 * (docs/performance.md, "File sync").
 *
 *   group   50 writer actors on the event loop, through the runtime's C API
 *           (runtime-c/include/purr.h): each appends a 64-byte record,
 *           calls purr_file_sync, waits for its Synced, and repeats. A
 *           record counts once its Synced reports success.
 *   record  one thread: write a 64-byte record, fdatasync, repeat.
 *   batch   one thread: write 50 records, one fdatasync, repeat.
 *
 * Each runs for SECONDS on its own file in DIR (removed afterwards) and
 * prints `NAME records_per_sec=R records=N fdatasyncs=F seconds=S`.
 *
 * Build (tools/bench_file.py does this): gcc -O2 -std=c11, with
 * -Iruntime-c/include -Iruntime-c/src, every runtime-c/src file, this
 * file, and -lm.
 * Usage: file_sync DIR SECONDS [group|record|batch ...]
 */
#define _POSIX_C_SOURCE 200809L
#include "purr.h"

#include "file.h" /* purr__file_datasync, to count the fdatasyncs */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define WRITERS 50
#define RECORD 64

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *name, int64_t records, int64_t syncs, double seconds) {
    printf("%s records_per_sec=%.0f records=%lld fdatasyncs=%lld seconds=%.3f\n", name, (double)records / seconds,
           (long long)records, (long long)syncs, seconds);
}

static void fail(const char *what) {
    fprintf(stderr, "file_sync: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* ---------- group: writer actors through the runtime ---------- */

enum { K_SYNCED = PURR_KIND_FIRST_USER };

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

/* Counted on the worker thread, read after the run: each fdatasync's
 * count is written before its result is posted to the scheduler thread. */
static int64_t group_syncs;
static int counted_datasync(int fd) {
    group_syncs++;
    return fdatasync(fd) != 0 ? errno : 0;
}

static int64_t group_file, group_records, group_end_ms;
static purr_bytes *record;

static void writer_dispatch(purr_actor *self, purr_msg *m) {
    if (m->kind == K_SYNCED) {
        const synced_msg *s = (const synced_msg *)(const void *)m;
        if (s->error->len != 0) {
            fprintf(stderr, "file_sync: Synced error: %s\n", s->error->data);
            exit(1);
        }
        group_records++;
        if (purr_now_ms() >= group_end_ms) {
            purr_stop(self);
            return;
        }
    }
    if (purr_file_append(group_file, record) < 0) fail("append");
    purr_file_sync(group_file);
}
static const purr_actor_type writer_type = {"Writer", 0, writer_dispatch, NULL};

static void run_group(const char *path, double seconds) {
    purr_register_message_ctor("std.file.Synced", (purr_msg_ctor)new_synced);
    purr__file_datasync = counted_datasync;
    uint8_t rec[RECORD];
    memset(rec, 'g', sizeof rec);
    record = purr_bytes_from(rec, RECORD);
    purr_sched_init(PURR_SCHED_EPOLL);
    purr_str *p = purr_str_from_cstr(path);
    group_file = purr_file_open(p, PURR_FILE_APPEND);
    purr_str_release(p);
    if (group_file < 0) {
        errno = (int)-group_file;
        fail(path);
    }
    double t0 = now_s();
    group_end_ms = purr_now_ms() + (int64_t)(seconds * 1000);
    purr_actor *w[WRITERS];
    for (int i = 0; i < WRITERS; i++) w[i] = purr_spawn(&writer_type, NULL, true);
    purr_sched_run();
    double t = now_s() - t0;
    for (int i = 0; i < WRITERS; i++) purr_actor_release(w[i]);
    purr_file_close(group_file);
    purr_sched_shutdown();
    purr_bytes_release(record);
    report("group", group_records, group_syncs, t);
}

/* ---------- plain C: per record and per batch of 50 ---------- */

static void write_all(int fd, const uint8_t *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) fail("write");
        buf += w;
        n -= (size_t)w;
    }
}

static void run_plain(const char *name, const char *path, double seconds, int per_sync) {
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) fail(path);
    uint8_t rec[RECORD];
    memset(rec, 'p', sizeof rec);
    int64_t records = 0, syncs = 0;
    double t0 = now_s(), t;
    do {
        for (int i = 0; i < per_sync; i++) write_all(fd, rec, sizeof rec);
        if (fdatasync(fd) != 0) fail("fdatasync");
        records += per_sync;
        syncs++;
        t = now_s() - t0;
    } while (t < seconds);
    close(fd);
    report(name, records, syncs, t);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: file_sync DIR SECONDS [group|record|batch ...]\n");
        return 2;
    }
    purr_init(argc, argv);
    double seconds = atof(argv[2]);
    const char *all[] = {"group", "record", "batch"};
    const char **which = argc > 3 ? (const char **)argv + 3 : all;
    int n = argc > 3 ? argc - 3 : 3;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.log", argv[1], which[i]);
        if (strcmp(which[i], "group") == 0)
            run_group(path, seconds);
        else if (strcmp(which[i], "record") == 0)
            run_plain("record", path, seconds, 1);
        else if (strcmp(which[i], "batch") == 0)
            run_plain("batch", path, seconds, WRITERS);
        else {
            fprintf(stderr, "file_sync: unknown variant %s\n", which[i]);
            return 2;
        }
        fflush(stdout);
        unlink(path);
    }
    purr_shutdown();
    return 0;
}
