/* sim_crash.c — std.sim's crashes of the whole program (docs/testing.md):
 * a process crash, like kill -9, and a machine crash, like a power loss.
 * A file of its own so that only programs that crash link file.c.
 *
 * Either crash ends every actor of the program (the test's probes and the
 * actors sim.spare put outside the machine stay), with no ActorExited,
 * closing what they owned; drops every timer and event, the survivors'
 * included (a timer is the crashed machine's clock); and leaves the clock
 * where it is, so the test can spawn the program's actors again on what
 * survived. Bytes appended to files survive a process crash (they are in
 * the operating system's cache); a machine crash then cuts each file
 * appended to back to what a completed sync made durable, keeping a
 * seeded prefix of the rest (a torn write: sim_disk.c). A sync whose
 * seeded latency is still running has not completed (the latency is the
 * device's time), so what it covered is cut like the rest; it is answered
 * after the cut, to an actor about to end, and no fdatasync starts for
 * the calls waiting behind it: their bytes stay unsynced (a process crash
 * leaves them in the cache, where a later machine crash can take them). */
#include "file.h"
#include "scheduler.h"
#include "sim.h"

/* A torn write keeps 0 to all of the lost bytes, seeded. */
static int64_t torn(int64_t lost) { return purr__sim_between(0, lost); }

static void crash(const char *what, bool machine) {
    purr__sim_need_det(what);
    if (purr__actor_current() != NULL) purr_panicf(NULL, "%s: only a test body can crash the program", what);
    if (machine) purr__file_crash_machine(torn);
    purr__file_sync_crash();
    purr__actors_crash();
    purr__turn_end(); /* the closed connections' last work */
    purr__det_crash();
    purr__actors_requeue();
}

void purr_sim_crash_process(void) { crash("sim.crash_process", false); }

void purr_sim_crash_machine(void) { crash("sim.crash_machine", true); }
