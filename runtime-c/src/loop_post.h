/* loop_post.h — handing work from another thread back to the scheduler
 * thread (loop_post.c). */
#ifndef PURR_LOOP_POST_H
#define PURR_LOOP_POST_H

#include "internal.h"

/* Any thread, while the event loop runs: fn(ctx) will run on the scheduler
 * thread, after an epoll_wait, in the order posted (per posting thread and
 * across threads in the order their posts took the lock). Everything the
 * posting thread wrote before the call is visible to fn. This is the only
 * way a worker thread (a file sync) reaches actors: fn sends the messages.
 * A worker posts only for work that holds an I/O reference (purr__io_ref,
 * taken on the scheduler thread when the work started), and fn drops it:
 * otherwise the loop may end before the post is seen. Workers must be done
 * posting before purr_sched_shutdown. Never fails (out of memory aborts). */
void purr__loop_post(void (*fn)(void *ctx), void *ctx);

/* The event loop's side (sched_epoll.c). open makes the wake-up fd that
 * the loop watches for EPOLLIN; posts_ready is its readiness callback (it
 * runs what was posted); close runs what is still queued, then closes the
 * fd (at shutdown, before the timers and actors go). */
int purr__posts_open(void);
void purr__posts_ready(void *ctx, uint32_t events);
void purr__posts_close(void);

#endif /* PURR_LOOP_POST_H */
