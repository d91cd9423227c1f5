/* test_os.c — the POSIX wrappers behind std.fs: -errno results, short
 * reads, write_all, directory streams, and kinds of paths. */
#include "test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

/* os.c's functions are reached by Purr externs, so purr.h does not declare
 * them; these prototypes mirror os.c. */
int32_t purr_os_open(const char *path, int32_t mode);
int64_t purr_os_read(int32_t fd, uint8_t *buf, int64_t n);
int64_t purr_os_write_all(int32_t fd, const uint8_t *buf, int64_t n);
int32_t purr_os_close(int32_t fd);
int32_t purr_os_fsync(int32_t fd);
int32_t purr_os_rename(const char *from, const char *to);
int32_t purr_os_remove(const char *path);
int32_t purr_os_mkdir(const char *path);
int32_t purr_os_kind(const char *path, bool follow);
int64_t purr_os_file_size(const char *path);
const char *purr_os_strerror(int32_t e);
bool purr_os_not_found(int32_t code);
int32_t purr_os_last_error(void);
void *purr_os_opendir(const char *path);
const char *purr_os_readdir(void *dir);
int32_t purr_os_closedir(void *dir);

static char dir[64];
static char path_a[96], path_b[96], path_sub[96], path_link[96];

static void setup(void) {
    strcpy(dir, "/tmp/purr_test_os.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        exit(2);
    }
    snprintf(path_a, sizeof path_a, "%s/a", dir);
    snprintf(path_b, sizeof path_b, "%s/b", dir);
    snprintf(path_sub, sizeof path_sub, "%s/sub", dir);
    snprintf(path_link, sizeof path_link, "%s/link", dir);
}

static void write_read_append(void) {
    int32_t fd = purr_os_open(path_a, 1);
    CHECK(fd >= 0);
    CHECK(purr_os_write_all(fd, (const uint8_t *)"hello", 5) == 5);
    CHECK(purr_os_fsync(fd) == 0);
    CHECK(purr_os_close(fd) == 0);
    fd = purr_os_open(path_a, 2);
    CHECK(purr_os_write_all(fd, (const uint8_t *)" world", 6) == 6);
    CHECK(purr_os_close(fd) == 0);
    CHECK(purr_os_file_size(path_a) == 11);

    /* A buffer smaller than the file gives short reads, then 0 at the end. */
    uint8_t buf[8];
    fd = purr_os_open(path_a, 0);
    CHECK(purr_os_read(fd, buf, sizeof buf) == 8 && memcmp(buf, "hello wo", 8) == 0);
    CHECK(purr_os_read(fd, buf, sizeof buf) == 3 && memcmp(buf, "rld", 3) == 0);
    CHECK(purr_os_read(fd, buf, sizeof buf) == 0);
    CHECK(purr_os_read(fd, buf, -1) == -EINVAL);
    CHECK(purr_os_write_all(fd, buf, 1) == -EBADF); /* opened for reading */
    CHECK(purr_os_close(fd) == 0);

    /* Opening for writing truncates. */
    fd = purr_os_open(path_a, 1);
    CHECK(purr_os_close(fd) == 0);
    CHECK(purr_os_file_size(path_a) == 0);
}

static void errors(void) {
    CHECK(purr_os_open(path_b, 0) == -ENOENT);
    CHECK(purr_os_not_found(-ENOENT) && !purr_os_not_found(-EEXIST) && !purr_os_not_found(0));
    CHECK(purr_os_open(path_a, 7) == -EINVAL);
    CHECK(purr_os_file_size(path_b) == -ENOENT);
    CHECK(purr_os_kind(path_b, true) == -ENOENT);
    CHECK(purr_os_remove(path_b) == -ENOENT);
    CHECK(purr_os_rename(path_b, path_a) == -ENOENT);
    CHECK(purr_os_mkdir(dir) == -EEXIST);
    CHECK(purr_os_close(-1) == -EBADF);
    CHECK(strcmp(purr_os_strerror(ENOENT), "No such file or directory") == 0);
    CHECK(strlen(purr_os_strerror(123456)) > 0); /* unknown numbers still get text */
}

static void kinds_and_links(void) {
    CHECK(purr_os_kind(path_a, true) == 1);
    CHECK(purr_os_kind(dir, true) == 2);
    CHECK(symlink(path_a, path_link) == 0);
    CHECK(purr_os_kind(path_link, true) == 1);
    CHECK(purr_os_kind(path_link, false) == 3);
    CHECK(purr_os_remove(path_link) == 0);
    CHECK(purr_os_kind(path_a, true) == 1); /* removing the link kept its target */
}

static void directories(void) {
    CHECK(purr_os_mkdir(path_sub) == 0);
    CHECK(purr_os_rename(path_a, path_b) == 0);
    void *d = purr_os_opendir(dir);
    CHECK(d != NULL && purr_os_last_error() == 0);
    int seen = 0;
    const char *name;
    while ((name = purr_os_readdir(d)) != NULL) {
        CHECK(strcmp(name, "b") == 0 || strcmp(name, "sub") == 0);
        seen++;
    }
    CHECK(seen == 2 && purr_os_last_error() == 0);
    CHECK(purr_os_closedir(d) == 0);
    CHECK(purr_os_opendir(path_a) == NULL && purr_os_last_error() == ENOENT);
    CHECK(purr_os_opendir(path_b) == NULL && purr_os_last_error() == ENOTDIR);
    int32_t r = purr_os_remove(dir);
    CHECK(r == -ENOTEMPTY || r == -EEXIST); /* POSIX allows either */
    CHECK(purr_os_remove(path_sub) == 0);
    CHECK(purr_os_remove(path_b) == 0);
    CHECK(purr_os_remove(dir) == 0);
}

int main(void) {
    setup();
    RUN(write_read_append);
    RUN(errors);
    RUN(kinds_and_links);
    RUN(directories);
    return test_finish();
}
