/* file.c — std.file handles (docs/io.md): open, append, read_at, size,
 * truncate, close, and closing when the opener ends. file.sync, the one
 * call that waits for the device, is file_sync.c's.
 *
 * Everything here is a plain call into the page cache on the scheduler
 * thread, as Redis writes its AOF: an append returns once the data is in
 * the operating system's cache (it survives the process, not the machine),
 * which takes microseconds and never waits for the disk.
 *
 * Appends go through an O_APPEND descriptor, so they never overwrite, and
 * the handle keeps the end of file itself (one write per append, no lseek
 * or fstat): the offset an append returns is right while this handle is
 * the file's only writer, which is how a log is written (docs/io.md).
 *
 * Handles are ids into a table of slots: id = generation << 32 | (index + 1),
 * always > 0. A slot's generation changes when it is freed, so an id kept
 * after close names nothing (calls on it fail with EBADF) even once the
 * slot serves another file. */
#define _POSIX_C_SOURCE 200809L
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NO_SLOT UINT32_MAX
/* Generations stay below 2^31, so that ids stay positive. */
#define GEN_MAX 0x7fffffffu

typedef struct slot {
    purr__file *file; /* NULL: free */
    uint32_t gen;
    uint32_t next_free;
} slot;

/* The handle table, scheduler thread only, grown by purr__table_grow (the
 * runtime's bookkeeping, not program data, like the event loop's fd
 * table). It is never freed, because the generations it keeps are what make old ids
 * stale.
 * Invariants:
 *   - slots[0..len): slot i's current id is gen << 32 | (i + 1); file is
 *     the open (or closing) handle of that id, or NULL.
 *   - The free slots form a list through next_free from free_head
 *     (NO_SLOT ends it), each exactly once.
 *   - gen is in 1..GEN_MAX and moves on each time the slot is freed, so
 *     an id repeats only after 2^31 - 1 reuses of its slot.
 *   - last_error is the -errno of the last read_at that failed. */
static struct {
    slot *slots;
    uint32_t len;
    size_t cap;
    uint32_t free_head;
    int64_t last_error;
} table = {NULL, 0, 0, NO_SLOT, 0};

static int64_t take_slot(purr__file *f) {
    uint32_t i = table.free_head;
    if (i != NO_SLOT) {
        table.free_head = table.slots[i].next_free;
    } else {
        table.slots = purr__table_grow(table.slots, &table.cap, (size_t)table.len + 1, 16, sizeof *table.slots, "file table");
        i = table.len++;
        table.slots[i].gen = 1;
    }
    table.slots[i].file = f;
    return (int64_t)table.slots[i].gen << 32 | (int64_t)(i + 1);
}

static void free_slot(int64_t id) {
    uint32_t i = (uint32_t)(id & 0xffffffff) - 1;
    slot *s = &table.slots[i];
    s->file = NULL;
    s->gen = s->gen == GEN_MAX ? 1 : s->gen + 1;
    s->next_free = table.free_head;
    table.free_head = i;
}

purr__file *purr__file_lookup(int64_t id) {
    uint64_t index = (uint64_t)(id & 0xffffffff) - 1;
    if (id <= 0 || index >= table.len) return NULL;
    slot *s = &table.slots[index];
    if (s->gen != (uint64_t)id >> 32 || s->file == NULL || s->file->closing) return NULL;
    return s->file;
}

/* ---------- closing ---------- */

void purr__file_release(purr__file *f) {
    /* Errors are not reported: the descriptor is gone either way (EINTR
     * included, on Linux), and what close could report about unsynced data
     * is what file.sync is for. */
    close(f->fd);
    free_slot(f->id);
    free(f->running.callers);
    free(f->waiting.callers);
    free(f);
}

/* No new call reaches f from now on; a sync in flight finishes first and
 * its callers get their Synced (file_sync.c releases f then). */
static void close_handle(purr__file *f) {
    f->closing = true;
    if (!f->syncing) purr__file_release(f);
}

static void owner_ended(purr__resource *r) {
    close_handle((purr__file *)(void *)((char *)r - offsetof(purr__file, res)));
}

int32_t purr_file_close(int64_t id) {
    purr__file *f = purr__file_lookup(id);
    if (f == NULL) return -EBADF;
    purr__resource_disown(&f->res);
    close_handle(f);
    return 0;
}

/* ---------- open ---------- */

int64_t purr_file_open(const purr_str *path, int32_t mode) {
    int flags;
    switch (mode) {
    case PURR_FILE_READ: flags = O_RDONLY; break;
    case PURR_FILE_APPEND: flags = O_RDWR | O_APPEND | O_CREAT; break;
    default: return -EINVAL;
    }
    /* A NUL inside the path would open another file than the one named. */
    if (strlen(path->data) != (size_t)path->len) return -EINVAL;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer on the
     * scheduler thread (it is refused just below); on a regular file the
     * flag changes nothing. */
    int fd;
    do fd = open(path->data, flags | O_CLOEXEC | O_NONBLOCK, 0666);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) return -errno;
    struct stat st;
    int err = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : !S_ISREG(st.st_mode) ? EINVAL : 0;
    if (err != 0) {
        close(fd);
        return -err;
    }
    purr__file *f = calloc(1, sizeof *f);
    if (f == NULL) purr__fatal("out of memory (file handle)");
    f->fd = fd;
    f->appendable = mode == PURR_FILE_APPEND;
    f->size = (int64_t)st.st_size;
    if (f->appendable) purr__disk_follow(fd, path->data);
    f->id = take_slot(f);
    f->res.owner_ended = owner_ended;
    purr__actor *opener = purr__actor_current();
    if (opener != NULL) purr__resource_own(&f->res, opener);
    return f->id;
}

/* ---------- reads and writes ---------- */

int64_t purr__file_current_size(purr__file *f) {
    if (f->appendable) return f->size;
    struct stat st;
    return fstat(f->fd, &st) != 0 ? -errno : (int64_t)st.st_size;
}

int64_t purr_file_size(int64_t id) {
    purr__file *f = purr__file_lookup(id);
    return f == NULL ? -EBADF : purr__file_current_size(f);
}

int64_t purr_file_append(int64_t id, const purr_bytes *data) {
    purr__file *f = purr__file_lookup(id);
    if (f == NULL || !f->appendable) return -EBADF;
    int64_t at = f->size, done = 0;
    while (done < data->len) {
        ssize_t w = write(f->fd, data->data + done, (size_t)(data->len - done));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            /* What went out before the failure is in the file: count it. */
            int err = errno;
            f->size += done;
            return -err;
        }
        done += w;
    }
    f->size += done;
    return at;
}

static purr_bytes *read_failed(int64_t err) {
    table.last_error = err;
    return NULL;
}

purr_bytes *purr_file_read_at(int64_t id, int64_t offset, int64_t n) {
    purr__file *f = purr__file_lookup(id);
    if (f == NULL) return read_failed(-EBADF);
    if (offset < 0 || n < 0) return read_failed(-EINVAL);
    int64_t size = purr__file_current_size(f);
    if (size < 0) return read_failed(size);
    /* Never more than the file holds, whatever n asks for. */
    int64_t want = offset >= size ? 0 : n < size - offset ? n : size - offset;
    purr_bytes *b = purr_bytes_new(want, NULL);
    int64_t got = 0;
    while (got < want) {
        ssize_t r = pread(f->fd, b->data + got, (size_t)(want - got), (off_t)(offset + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int err = errno;
            purr_bytes_release(b);
            return read_failed(-err);
        }
        if (r == 0) break; /* another process truncated it meanwhile */
        got += r;
    }
    b->len = got;
    return b;
}

int64_t purr_file_last_error(void) { return table.last_error; }

int32_t purr_file_truncate(int64_t id, int64_t len) {
    purr__file *f = purr__file_lookup(id);
    if (f == NULL || !f->appendable) return -EBADF;
    if (len < 0) return -EINVAL;
    int r;
    do r = ftruncate(f->fd, (off_t)len);
    while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    f->size = len;
    purr__disk_truncated(f->fd, len);
    return 0;
}

/* sim.crash_machine (sim_crash.c): the simulated disk cuts each file
 * back to what a power loss keeps (sim_disk.c); the handles still open
 * then take their files' sizes again. */
void purr__file_crash_machine(int64_t (*keep)(int64_t lost)) {
    purr__disk_crash(keep);
    for (uint32_t i = 0; i < table.len; i++) {
        purr__file *f = table.slots[i].file;
        struct stat st;
        if (f != NULL && f->appendable && fstat(f->fd, &st) == 0) f->size = (int64_t)st.st_size;
    }
}
