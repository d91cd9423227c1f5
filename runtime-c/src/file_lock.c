/* file_lock.c — file.lock (docs/io.md): an exclusive advisory lock on an
 * open file, so that two processes never use one data directory at once
 * (examples/broker/STORAGE.md, the lock file).
 *
 * flock, not fcntl's record locks: a flock lock belongs to the open file
 * description, so it goes away exactly when the handle closes (file.close,
 * or the end of the actor that owns the handle, or of the process), and a
 * second open of the same file in the same process conflicts with it as
 * another process would. fcntl locks belong to the process instead: any
 * close of any descriptor of the file would drop them, and a second lock
 * from the same process would always succeed. LOCK_NB: a lock held
 * elsewhere is reported at once, never waited for on the scheduler
 * thread. */
#define _DEFAULT_SOURCE /* flock */
#include "file.h"

#include <errno.h>
#include <sys/file.h>

int32_t purr_file_lock(int64_t id) {
    purr__file *f = purr__file_lookup(id);
    if (f == NULL) return -EBADF;
    int r;
    do r = flock(f->fd, LOCK_EX | LOCK_NB);
    while (r < 0 && errno == EINTR);
    if (r == 0) return 1;
    return errno == EWOULDBLOCK ? 0 : -errno;
}
