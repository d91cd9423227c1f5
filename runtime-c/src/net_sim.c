/* net_sim.c — std.sim's network faults (docs/testing.md): stalling and
 * healing the connections made through a listening port, and resetting a
 * connection. The simulated network itself (latency, chunks, watermarks)
 * is net_mem.c's; the stalled ports are sim.c's.
 *
 * These calls may come from a handler (its turn's end runs the
 * connections' work, as for any net call) or from a test body between
 * runs, where no turn ends: then the work runs at once. */
#include "net.h"
#include "scheduler.h"
#include "sim.h"

/* Runs the marked connections' work now when no handler's turn will. */
static void settle(void) {
    if (purr__actor_current() == NULL) purr__turn_end();
}

void purr_sim_stall(int64_t port) {
    purr__sim_need_det("sim.stall");
    purr__sim_stall(port);
}

void purr_sim_heal(int64_t port) {
    purr__sim_need_det("sim.heal");
    if (!purr__sim_heal(port)) return;
    purr__net_mem_kick(port);
    settle();
}

void purr_sim_reset(int64_t conn) {
    purr__sim_need_det("sim.reset");
    purr__net_conn *c = purr__net_conn_of(conn);
    if (c == NULL) return;
    purr__net_reset(c);
    settle();
}
