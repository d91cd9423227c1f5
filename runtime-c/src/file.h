/* file.h — std.file's handle record (docs/io.md), shared by file.c (the
 * handle table, reads, appends, close) and file_sync.c (file.sync: group
 * commit, fdatasync on a worker thread). */
#ifndef PURR_FILE_H
#define PURR_FILE_H

#include "actor.h"

/* The callers of file.sync that one fdatasync answers: each retained until
 * its Synced is sent, each holding one I/O reference (scheduler.h) until
 * then. A plain malloc'd array (see purr__file). */
typedef struct purr__sync_group {
    purr_actor **callers;
    int32_t len, cap;
} purr__sync_group;

typedef struct purr__file purr__file;

/* One fdatasync handed to the worker thread (file_sync.c). The scheduler
 * thread fills file and fd before queueing it; the worker writes only err
 * (and next, under the worker's lock), then posts the job back. */
typedef struct purr__sync_job {
    struct purr__sync_job *next; /* the worker's queue */
    purr__file *file;            /* never dereferenced by the worker */
    int fd;
    int err; /* 0, or the errno of the failed fdatasync */
} purr__sync_job;

/* An open handle. Allocated with plain malloc, not purr_alloc: the worker
 * thread writes into `job`, and purr_alloc's counters belong to the
 * scheduler thread; everything else is read and written on the scheduler
 * thread only.
 * Invariants:
 *   - fd stays open until purr__file_release; closing marks a handle that
 *     file.close or its owner's end closed: lookups fail from then on, and
 *     it is released as soon as syncing is false.
 *   - size is the end of file, kept by append and truncate (Append mode
 *     only: a Read handle asks the system each time).
 *   - syncing is true from when an fdatasync of f is due to start (on the
 *     event loop: at the end of the turn) until it has run and its
 *     callers are answered: its start is posted, or `job` is with the
 *     worker, or it runs inline (deterministic scheduler; seeded, its
 *     answer then waits for a seeded latency, with f on the delayed list
 *     through next_delayed: file_sync.c). `running` holds
 *     the callers that the fdatasync under way answers, `waiting` those
 *     for the next one; waiting is empty while syncing is false.
 *   - sync_error is 0 or the errno of the first failed fdatasync (sticky);
 *     durable is the upto of the last one that succeeded (0 before any). */
struct purr__file {
    purr__resource res; /* the opener, which closes it by ending */
    int64_t id;
    int fd;
    bool appendable;
    bool closing;
    int64_t size;
    bool syncing;
    int sync_error;
    int64_t sync_upto; /* the size when the running fdatasync started */
    int64_t durable;
    purr__sync_group running, waiting;
    purr__sync_job job;
    purr__file *next_delayed;
};

/* file.c: see sim.crash_machine (sim_crash.c). */
void purr__file_crash_machine(int64_t (*keep)(int64_t lost));

/* sim_disk.c, the simulated disk: what a power loss keeps of each file.
 * follow: fd was opened for append at path (followed under the
 * deterministic scheduler only, once per file). synced: a sync of fd's
 * file completed, covering its first `upto` bytes. truncated: fd's file
 * was cut to len. crash: each followed file loses what no completed sync
 * covers, except a prefix of keep(lost) bytes (the torn write). forget:
 * at scheduler shutdown. */
void purr__disk_follow(int fd, const char *path);
void purr__disk_synced(int fd, int64_t upto);
void purr__disk_truncated(int fd, int64_t len);
void purr__disk_crash(int64_t (*keep)(int64_t lost));
void purr__disk_forget(void);
/* file_sync.c: answers the syncs whose seeded latency is still running
 * (before a crash or shutdown forgets the scheduler's events). */
void purr__file_sync_settle(void);
/* file_sync.c: settle for a crash: the fdatasyncs under way complete, but
 * none starts for the calls waiting behind them (answered as they are). */
void purr__file_sync_crash(void);

/* file.c: the open handle `id` names, or NULL (never opened, closed,
 * closing, or of an earlier generation of its slot). */
purr__file *purr__file_lookup(int64_t id);
/* file.c: f's size now: tracked for Append, fstat for Read; or -errno. */
int64_t purr__file_current_size(purr__file *f);
/* file.c: closes f's fd and frees it; its id is stale from then on.
 * Only once closing is set and syncing is false. */
void purr__file_release(purr__file *f);

/* file_sync.c: the fdatasync every sync runs (EINTR retried), returning 0
 * or an errno. A test may replace it to count calls, note the thread, or
 * fail, but only while no sync is queued or running: the worker reads it
 * after taking a job under the worker's lock, which orders that read after
 * the write. */
extern int (*purr__file_datasync)(int fd);
/* file_sync.c, at purr_sched_shutdown before the scheduler's own shutdown:
 * finishes every sync queued or running (their Synced messages are sent),
 * then stops and joins the worker thread. */
void purr__file_sync_shutdown(void);

#endif /* PURR_FILE_H */
