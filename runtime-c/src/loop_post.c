/* loop_post.c — the one path between threads: a worker (a file sync,
 * docs/actors.md §9) hands a function back to the scheduler thread.
 *
 * Everything else in the runtime runs on the scheduler thread with plain
 * loads and stores (purr__single_threaded); a worker never touches a
 * mailbox, an actor or the heap counters. It appends (fn, ctx) to a queue
 * under a mutex and, when the queue was empty, bumps an eventfd that the
 * event loop watches; the loop wakes (or finds it ready at its next
 * epoll_wait), and purr__posts_ready takes the whole queue under the mutex
 * and runs each fn on the scheduler thread, where fn may send messages.
 *
 * Invariants:
 *   - head..tail (linked through next, NULL-terminated) holds the posts not
 *     yet taken, oldest first; head and tail are read and written only with
 *     `lock` held. wake_fd is written only by the scheduler thread, with the
 *     lock held; other threads read it only with the lock held, so the
 *     scheduler thread may read it without.
 *   - Whenever the queue is not empty, wake_fd's counter is nonzero, or the
 *     consumer has not yet read it since the post that made the queue
 *     non-empty: that post wrote it (with the lock held, so close cannot
 *     interleave), and the consumer reads it before it takes the queue. A
 *     post that finds the queue non-empty needs no write: the one that made
 *     it non-empty has a wake-up pending, and the consumer takes every node
 *     at once. So no post waits unseen, and a burst of posts costs one
 *     write.
 *   - wake_fd >= 0 exactly while the event loop runs (posts_open to
 *     posts_close); a post outside that is a runtime bug.
 *
 * Memory ordering: the mutex does it all. Unlocking in purr__loop_post
 * releases the node, and whatever the worker wrote into ctx before posting;
 * locking in purr__posts_ready acquires them, so fn reads a complete ctx.
 * The eventfd carries no data, only the wake-up. Nodes come from plain
 * malloc: purr_alloc's counters are the scheduler thread's. */
#define _GNU_SOURCE /* eventfd flags */
#include "loop_post.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

typedef struct post {
    struct post *next;
    void (*fn)(void *ctx);
    void *ctx;
} post;

static struct {
    pthread_mutex_t lock;
    post *head, *tail;
    int wake_fd;
} posts = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, -1};

void purr__loop_post(void (*fn)(void *ctx), void *ctx) {
    post *p = malloc(sizeof *p);
    if (p == NULL) purr__fatal("out of memory (loop_post)");
    p->next = NULL;
    p->fn = fn;
    p->ctx = ctx;
    pthread_mutex_lock(&posts.lock);
    if (posts.wake_fd < 0) purr__fatal("loop_post without a running event loop");
    bool was_empty = posts.head == NULL;
    if (posts.tail != NULL)
        posts.tail->next = p;
    else
        posts.head = p;
    posts.tail = p;
    if (was_empty) {
        uint64_t one = 1;
        /* Nonblocking; it could only fail with the counter at its maximum,
         * which still leaves the fd readable. */
        while (write(posts.wake_fd, &one, sizeof one) < 0 && errno == EINTR) {}
    }
    pthread_mutex_unlock(&posts.lock);
}

int purr__posts_open(void) {
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) purr__fatal("eventfd: %s", strerror(errno));
    pthread_mutex_lock(&posts.lock);
    posts.wake_fd = fd;
    pthread_mutex_unlock(&posts.lock);
    return fd;
}

/* Takes the whole queue; with `closing`, also ends posting (wake_fd = -1). */
static post *take_all(bool closing) {
    pthread_mutex_lock(&posts.lock);
    post *p = posts.head;
    posts.head = posts.tail = NULL;
    if (closing) posts.wake_fd = -1;
    pthread_mutex_unlock(&posts.lock);
    return p;
}

static void run_all(post *p) {
    while (p != NULL) {
        post *next = p->next;
        p->fn(p->ctx);
        free(p);
        p = next;
    }
}

void purr__posts_ready(void *ctx, uint32_t events) {
    (void)ctx, (void)events;
    uint64_t count;
    /* Read before taking: a post after this read writes again (invariant
     * above). EAGAIN: a wake-up already consumed, nothing lost. Only this
     * thread closes the fd, so it is valid here. */
    while (read(posts.wake_fd, &count, sizeof count) < 0 && errno == EINTR) {}
    run_all(take_all(false));
}

void purr__posts_close(void) {
    int fd = posts.wake_fd;
    run_all(take_all(true));
    close(fd);
}
