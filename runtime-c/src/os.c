/* os.c — thin POSIX file-system wrappers that std.fs calls through
 * `extern fn` (the Purr side declares them; purr.h does not), and the
 * text of an error number for the I/O layers (purr_error_text, in purr.h).
 *
 * Conventions, chosen for what a Purr extern can express:
 * - Failures return -errno instead of setting errno: generated code may call
 *   the allocator (which may touch errno) between the call and a later read
 *   of errno, and a negative result needs no second call. The only
 *   exceptions are the pointer-returning directory calls, which record the
 *   error for purr_os_last_error().
 * - Calls interrupted by a signal are retried, so EINTR never reaches Purr.
 * - Every descriptor is opened O_CLOEXEC so that no child process inherits it.
 * - Only types an extern can carry: int32_t/int64_t, bool, const char *
 *   (a Purr string), uint8_t * (a Purr bytes buffer), void * (ptr). */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* purr_os_open modes; std.fs repeats these numbers. */
enum { OS_READ = 0, OS_WRITE = 1, OS_APPEND = 2 };

/* purr_os_kind results. */
enum { OS_FILE = 1, OS_DIR = 2, OS_SYMLINK = 3, OS_OTHER = 4 };

/* Plain statics, not _Thread_local: `--cc tcc` links this gcc-built
 * library and tcc's linker cannot resolve thread-local relocations. The
 * runtime runs every handler on one thread (like the reference counts in
 * rc.c), so one copy is enough; a multi-threaded scheduler would have to
 * move this state into the calling actor. */
static int32_t last_error;

/* Opens path for reading (OS_READ), for writing from empty, creating it
 * (OS_WRITE), or for appending, creating it (OS_APPEND). New files get
 * mode 0666 less the umask, as fopen would give them. */
int32_t purr_os_open(const char *path, int32_t mode) {
    int flags;
    switch (mode) {
    case OS_READ: flags = O_RDONLY; break;
    case OS_WRITE: flags = O_WRONLY | O_CREAT | O_TRUNC; break;
    case OS_APPEND: flags = O_WRONLY | O_CREAT | O_APPEND; break;
    default: return -EINVAL;
    }
    int fd;
    do fd = open(path, flags | O_CLOEXEC, 0666);
    while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : fd;
}

/* Reads up to n bytes into buf; 0 at end of file. */
int64_t purr_os_read(int32_t fd, uint8_t *buf, int64_t n) {
    if (n < 0) return -EINVAL;
    ssize_t r;
    do r = read(fd, buf, (size_t)n);
    while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : (int64_t)r;
}

/* Writes all n bytes, looping over short writes, because Purr code cannot
 * point into the middle of a buffer to resume one. Returns n. */
int64_t purr_os_write_all(int32_t fd, const uint8_t *buf, int64_t n) {
    if (n < 0) return -EINVAL;
    int64_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, buf + done, (size_t)(n - done));
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return -errno;
        done += w;
    }
    return n;
}

/* Not retried on EINTR: on Linux the descriptor is gone either way, and a
 * retry could close a descriptor another open() has just reused. */
int32_t purr_os_close(int32_t fd) { return close(fd) < 0 && errno != EINTR ? -errno : 0; }

void (*purr__os_fsync_hook)(int fd);

int32_t purr_os_fsync(int32_t fd) {
    int r;
    do r = fsync(fd);
    while (r < 0 && errno == EINTR);
    if (r < 0) return -errno;
    if (purr__os_fsync_hook != NULL) purr__os_fsync_hook(fd);
    return 0;
}

int32_t purr_os_rename(const char *from, const char *to) { return rename(from, to) < 0 ? -errno : 0; }

/* remove(3): unlinks a file, or removes an empty directory. */
int32_t purr_os_remove(const char *path) { return remove(path) < 0 ? -errno : 0; }

int32_t purr_os_mkdir(const char *path) { return mkdir(path, 0777) < 0 ? -errno : 0; }

/* What path names: OS_FILE, OS_DIR, OS_OTHER, or -errno. With follow false
 * a symbolic link is reported as OS_SYMLINK rather than as its target, so
 * that a recursive removal never walks out through a link. */
int32_t purr_os_kind(const char *path, bool follow) {
    struct stat st;
    if ((follow ? stat(path, &st) : lstat(path, &st)) < 0) return -errno;
    if (S_ISREG(st.st_mode)) return OS_FILE;
    if (S_ISDIR(st.st_mode)) return OS_DIR;
    if (S_ISLNK(st.st_mode)) return OS_SYMLINK;
    return OS_OTHER;
}

/* Size in bytes of what path names (following links), or -errno. */
int64_t purr_os_file_size(const char *path) {
    struct stat st;
    if (stat(path, &st) < 0) return -errno;
    return (int64_t)st.st_size;
}

/* The message for error number e ("No such file or directory"). The buffer
 * is reused by the next call; purrc copies an extern's string result at once. */
const char *purr_os_strerror(int32_t e) {
    static char buf[256]; /* not thread-local: see last_error */
    if (strerror_r(e, buf, sizeof buf) != 0) snprintf(buf, sizeof buf, "error %d", (int)e);
    return buf;
}

purr_str *purr_error_text(int64_t code) {
    return purr_str_from_cstr(purr_os_strerror((int32_t)(code < 0 ? -code : code)));
}

/* Whether a -errno result means "no such file or directory", so that Purr
 * code need not know the platform's number for ENOENT. */
bool purr_os_not_found(int32_t code) { return code == -ENOENT; }

/* The error recorded by the last failing directory call, 0 after success. */
int32_t purr_os_last_error(void) { return last_error; }

/* A directory stream (an opaque ptr for Purr), or NULL with last_error set. */
void *purr_os_opendir(const char *path) {
    DIR *d = opendir(path);
    last_error = d ? 0 : errno;
    return d;
}

/* The next entry's name, skipping "." and ".."; NULL at the end (last_error
 * 0) or on failure (last_error set). Names are never empty, so Purr, which
 * reads NULL as "", can tell the end from an entry. */
const char *purr_os_readdir(void *dir) {
    for (;;) {
        errno = 0;
        struct dirent *e = readdir(dir);
        if (!e) {
            last_error = errno;
            return NULL;
        }
        const char *n = e->d_name;
        if (strcmp(n, ".") != 0 && strcmp(n, "..") != 0) {
            last_error = 0;
            return n;
        }
    }
}

int32_t purr_os_closedir(void *dir) { return closedir(dir) < 0 ? -errno : 0; }
