/* probe.c — takes one message node from the runtime's pool (a scheduler
 * must run, or nodes bypass the pool) and, as `what` says:
 *   released          frees it, as a handler's message is freed;
 *   read_after_free   frees it and then reads its kind;
 *   lost              drops the only pointer to it;
 *   small_lost        instead drops the only pointer to a small block
 *                     (rc.c's pool of blocks up to 256 bytes). */
#include "purr.h"

#include <string.h>

void probe_message_node(const char *what) {
    if (strcmp(what, "small_lost") == 0) {
        volatile void *p = purr_alloc(40);
        (void)p;
        return;
    }
    purr_sched_init(PURR_SCHED_DET);
    purr_msg *m = purr_msg_alloc(sizeof(purr_msg) + 8, PURR_KIND_FIRST_USER, purr_msg_free);
    if (strcmp(what, "lost") != 0) purr_msg_free(m);
    if (strcmp(what, "read_after_free") == 0) {
        volatile uint32_t kind = m->kind;
        (void)kind;
    }
    purr_sched_shutdown();
}
