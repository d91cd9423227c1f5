/* metrics.c — bench metrics (docs/actors.md §11).
 *
 * The counters are bumped where the events happen (actor.c, the
 * schedulers); this file owns their storage, their reset at each scheduler
 * start, and the snapshot. peak_heap_bytes is the allocator's peak since the
 * scheduler started (rc.c), so it includes what was live at that moment. */
#include "metrics.h"

purr__counters purr__metrics;

void purr__metrics_reset(void) {
    memset(&purr__metrics, 0, sizeof purr__metrics);
    purr__heap_reset_peak();
}

purr_metrics purr_metrics_get(void) {
    purr_metrics m;
    m.message_count = purr__metrics.message_count;
    m.scheduler_steps = purr__metrics.scheduler_steps;
    m.max_mailbox_depth = purr__metrics.max_mailbox_depth;
    m.actors_spawned = purr__metrics.actors_spawned;
    m.dropped_messages = purr__metrics.dropped_messages;
    m.peak_heap_bytes = (int64_t)purr_heap_peak_bytes();
    return m;
}
