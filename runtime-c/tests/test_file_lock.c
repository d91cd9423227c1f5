/* test_file_lock.c — file.lock (file_lock.c): a lock held through one
 * handle refuses a second open of the same file, in this process and in
 * another one; taking it again through the holder succeeds; closing the
 * holder releases it; a Read handle can lock; a closed id is -EBADF. */
#include "test.h"

#include <errno.h>

static char dir[64];

static int64_t open_path(const char *path, int32_t mode) {
    purr_str *p = purr_str_from_cstr(path);
    int64_t id = purr_file_open(p, mode);
    purr_str_release(p);
    return id;
}

/* What a lock of path through a fresh handle in a child process returns. */
static int lock_in_child(const char *path) {
    pid_t pid = fork();
    if (pid == 0) {
        int64_t f = open_path(path, PURR_FILE_READ);
        _exit(f < 0 ? 99 : purr_file_lock(f));
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

static void test_second_lock_refused(void) {
    char path[128];
    snprintf(path, sizeof path, "%s/LOCK", dir);
    int64_t first = open_path(path, PURR_FILE_APPEND);
    int64_t second = open_path(path, PURR_FILE_READ);
    CHECK(first > 0 && second > 0);
    CHECK(purr_file_lock(first) == 1);
    CHECK(purr_file_lock(first) == 1); /* held through this handle already */
    CHECK(purr_file_lock(second) == 0);
    CHECK(lock_in_child(path) == 0);
    CHECK(purr_file_close(first) == 0);
    CHECK(purr_file_lock(second) == 1); /* released with its handle */
    CHECK(lock_in_child(path) == 0);
    CHECK(purr_file_close(second) == 0);
    CHECK(lock_in_child(path) == 1);
    CHECK(purr_file_lock(second) == -EBADF);
}

int main(void) {
    strcpy(dir, "/tmp/purr_test_file_lock.XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    RUN(test_second_lock_refused);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) test_failures++;
    return test_finish();
}
