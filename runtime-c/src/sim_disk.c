/* sim_disk.c — the simulated disk behind sim.crash_machine
 * (docs/testing.md): how much of each file a power loss would keep.
 *
 * The files are real: std.file and std.fs write them through the page
 * cache, as on the event loop. What the simulation adds is the memory of
 * how much of each file a completed sync made durable, kept per file
 * (device and inode) rather than per handle, because that is what a disk
 * keeps: a segment closed before the crash still loses its unsynced tail;
 * a file opened again after a process crash still holds bytes that no
 * sync covered (they were in the cache the process left behind); and an
 * fsync through any descriptor (std.fs.fsync_file, write_file_sync)
 * counts, as it makes the whole file durable whoever asks.
 *
 * A file is followed from the first time it is opened for append under
 * the deterministic scheduler; what it held then counts as durable (a
 * file written before, or by std.fs alone, is not followed: all of it
 * survives). Each followed file keeps a descriptor of its own, so that it
 * can be cut after its handles closed, and so that its inode number cannot
 * pass to another file meanwhile. Everything is forgotten at the
 * scheduler's shutdown (a test's end); a program built with
 * `--scheduler det` keeps one descriptor per file it appended to.
 *
 * Invariants: files[0..len) name distinct (dev, ino), in the order they
 * were first opened (the order a crash draws their torn writes in); each
 * holds an open descriptor fd; 0 <= durable <= the file's size, unless the
 * file was cut by other means than file.truncate. */
#define _POSIX_C_SOURCE 200809L
#include "file.h"
#include "scheduler.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct followed {
    dev_t dev;
    ino_t ino;
    int fd;
    int64_t durable; /* what a power loss keeps at least */
} followed;

static struct {
    followed *files;
    uint32_t len;
    size_t cap;
} disk;

/* The followed file that fd is open on, or NULL. Without a file followed
 * (the event loop: every sync calls here) no system call. */
static followed *find(int fd) {
    struct stat st;
    if (disk.len == 0 || fstat(fd, &st) != 0) return NULL;
    for (uint32_t i = 0; i < disk.len; i++)
        if (disk.files[i].dev == st.st_dev && disk.files[i].ino == st.st_ino) return &disk.files[i];
    return NULL;
}

static int64_t size_of(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* std.fs syncs through purr_os_fsync (os.c), which calls this hook. */
static void fsynced(int fd) { purr__disk_synced(fd, size_of(fd)); }

void purr__disk_follow(int fd, const char *path) {
    if (purr__sched != &purr__sched_det || find(fd) != NULL) return;
    /* A descriptor of its own, not a dup: a dup would share fd's open file
     * description, and with it a file.lock that must end with the handle. */
    struct stat st, mine;
    int own;
    do own = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK);
    while (own < 0 && errno == EINTR);
    if (own < 0 || fstat(own, &mine) != 0 || fstat(fd, &st) != 0 || mine.st_dev != st.st_dev ||
        mine.st_ino != st.st_ino) {
        /* Out of descriptors, or the path names another file already:
         * not followed, so all of it survives. */
        if (own >= 0) close(own);
        return;
    }
    disk.files = purr__table_grow(disk.files, &disk.cap, (size_t)disk.len + 1, 8, sizeof *disk.files, "simulated disk");
    disk.files[disk.len++] = (followed){st.st_dev, st.st_ino, own, (int64_t)st.st_size};
    purr__os_fsync_hook = fsynced;
}

void purr__disk_synced(int fd, int64_t upto) {
    followed *f = find(fd);
    if (f == NULL) return;
    /* A sync answered after a crash cut its file covers no more than
     * what is left. */
    int64_t size = size_of(fd);
    if (upto > size) upto = size;
    if (upto > f->durable) f->durable = upto;
}

void purr__disk_truncated(int fd, int64_t len) {
    followed *f = find(fd);
    if (f != NULL && len < f->durable) f->durable = len;
}

void purr__disk_crash(int64_t (*keep)(int64_t lost)) {
    for (uint32_t i = 0; i < disk.len; i++) {
        followed *f = &disk.files[i];
        int64_t size = size_of(f->fd);
        if (size <= f->durable) continue;
        /* A cut that fails leaves more than a power loss would; a test
         * has nothing better to do with the error. */
        int r = ftruncate(f->fd, f->durable + keep(size - f->durable));
        (void)r;
        /* What the device holds after the power comes back is durable. */
        f->durable = size_of(f->fd);
    }
}

void purr__disk_forget(void) {
    for (uint32_t i = 0; i < disk.len; i++) close(disk.files[i].fd);
    free(disk.files);
    disk.files = NULL;
    disk.len = disk.cap = 0;
    purr__os_fsync_hook = NULL;
}
