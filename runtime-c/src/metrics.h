/* metrics.h — the counters behind purr_metrics_get (metrics.c). */
#ifndef PURR_METRICS_H
#define PURR_METRICS_H

#include "internal.h"

/* Counted by the runtime since the last purr_sched_init. Plain integers:
 * one thread updates them (a multi-threaded scheduler would keep them per
 * thread and sum them on read). The deterministic scheduler makes every
 * count the same from run to run. */
typedef struct purr__counters {
    int64_t message_count;     /* messages delivered to handlers (start and ActorExited included) */
    int64_t scheduler_steps;   /* actor turns: one message each under det, a batch on the event loop */
    int64_t max_mailbox_depth; /* most messages ever waiting in one mailbox */
    int64_t actors_spawned;    /* purr_spawn calls (probes are not actors) */
    int64_t dropped_messages;  /* messages to ended actors, and those left in an ending actor's mailbox */
} purr__counters;

extern purr__counters purr__metrics;

/* Zeroes the counters and restarts the heap peak (purr_sched_init). */
void purr__metrics_reset(void);

#endif /* PURR_METRICS_H */
