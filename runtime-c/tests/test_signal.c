/* test_signal.c — purr.h's os and time section: os.on_signal (signal.c)
 * on the event loop (SIGTERM, SIGINT and SIGHUP raised in the process
 * become Signal messages to every registered actor, and the process lives
 * on; the registration alone does not keep the program running; the
 * previous disposition comes back when the actors end; nothing is left
 * open) and under the deterministic scheduler (no effect);
 * time.unix_ms on both schedulers; os.getenv. */
#include "test.h"

#include "actor.h"
#include "scheduler.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

static int open_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (readdir(d) != NULL) n++;
    closedir(d);
    return n;
}

static void (*disposition(int signo))(int) {
    struct sigaction sa;
    sigaction(signo, NULL, &sa);
    return sa.sa_handler;
}

static int32_t on_signal(const char *name) {
    purr_str *s = purr_str_from_cstr(name);
    int32_t r = purr_os_on_signal(s);
    purr_str_release(s);
    return r;
}

/* ---------- the Signal message ---------- */

enum { K_SIGNAL = PURR_KIND_FIRST_USER, K_REGISTER, K_RAISE, K_KILL_LATER, K_STOP_LISTENING };

typedef struct signal_msg {
    purr_msg hdr;
    purr_str *name;
} signal_msg;

static void signal_drop(purr_msg *m) {
    purr_str_release(((signal_msg *)(void *)m)->name);
    purr_msg_free(m);
}

static purr_msg *new_signal(purr_str *name) {
    signal_msg *m = (signal_msg *)(void *)purr_msg_alloc(sizeof *m, K_SIGNAL, signal_drop);
    m->name = name;
    return &m->hdr;
}

/* ---------- a listening actor ----------
 * K_REGISTER registers the signals named in its state ("TERM INT");
 * K_RAISE raises SIGTERM then SIGINT on this thread; K_KILL_LATER starts a
 * thread that sends SIGHUP to the process. Each Signal is logged as
 * "id:NAME"; after `expect` of them in all, the I/O reference that kept
 * the loop waiting goes, and every listener stops. */
typedef struct listener_state {
    const char *names;
} listener_state;

static char got[256];
static int ngot, expect;
static purr_actor *listeners[4];
static int nlisteners;
static pthread_t killer;
static bool handler_installed;

static void *kill_hup(void *arg) {
    (void)arg;
    struct timespec ts = {0, 10 * 1000000};
    nanosleep(&ts, NULL);
    kill(getpid(), SIGHUP);
    return NULL;
}

static purr_msg *bare(uint32_t kind) { return purr_msg_alloc(sizeof(purr_msg), kind, purr_msg_free); }

static void listener_dispatch(purr_actor *self, purr_msg *m) {
    listener_state *s = self->state;
    if (m->kind == K_REGISTER) {
        char names[64];
        snprintf(names, sizeof names, "%s", s->names);
        for (char *n = strtok(names, " "); n != NULL; n = strtok(NULL, " ")) CHECK(on_signal(n) == 0);
        CHECK(on_signal("TERM") == 0); /* again: still one message per signal */
        CHECK(on_signal("KILL") == -EINVAL);
        CHECK(on_signal("term") == -EINVAL);
        handler_installed = disposition(SIGTERM) != SIG_DFL;
    } else if (m->kind == K_RAISE) {
        raise(SIGTERM);
        raise(SIGINT);
    } else if (m->kind == K_KILL_LATER) {
        pthread_create(&killer, NULL, kill_hup, NULL);
    } else if (m->kind == K_SIGNAL) {
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%s%lld:%s", n ? " " : "", (long long)self->id,
                 ((signal_msg *)(void *)m)->name->data);
        if (++ngot == expect) {
            purr__io_unref();
            for (int i = 0; i < nlisteners; i++) purr_send(listeners[i], bare(K_STOP_LISTENING));
        }
    } else if (m->kind == K_STOP_LISTENING) {
        purr_stop(self);
    }
}
static const purr_actor_type listener_type = {"Listener", sizeof(listener_state), listener_dispatch, NULL};

static purr_actor *spawn_listener(const char *names) {
    listener_state s = {names};
    purr_actor *a = purr_spawn(&listener_type, &s, false);
    listeners[nlisteners++] = a;
    return a;
}

static void reset(void) {
    got[0] = '\0';
    ngot = expect = 0;
    nlisteners = 0;
    handler_installed = false;
}

/* Two actors registered for TERM both get it, in the order they
 * registered; signals raised on the scheduler thread and sent to the
 * process from another thread arrive; the process lives on. When the
 * actors end, each signal's earlier disposition is back (HUP was
 * ignored), and the pipe is closed. */
static void test_signals_on_loop(void) {
    reset();
    struct sigaction ignore, old_hup;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &ignore, &old_hup);
    int fds0 = open_fds();
    purr_sched_init(PURR_SCHED_EPOLL);
    int fds_sched = open_fds();
    purr_actor *b = spawn_listener("TERM");
    purr_actor *a = spawn_listener("TERM INT HUP");
    purr_send(b, bare(K_REGISTER));
    purr_send(a, bare(K_REGISTER));
    purr_send(a, bare(K_RAISE));
    purr_send(a, bare(K_KILL_LATER));
    expect = 4;
    purr__io_ref(); /* until the signals are in */
    purr_sched_run();
    pthread_join(killer, NULL);
    CHECK(handler_installed);
    CHECK(strcmp(got, "1:TERM 2:TERM 2:INT 2:HUP") == 0);
    CHECK(disposition(SIGTERM) == SIG_DFL && disposition(SIGINT) == SIG_DFL);
    CHECK(disposition(SIGHUP) == SIG_IGN);
    CHECK(open_fds() == fds_sched);
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown();
    CHECK(open_fds() == fds0);
    sigaction(SIGHUP, &old_hup, NULL);
    if (strcmp(got, "1:TERM 2:TERM 2:INT 2:HUP") != 0) fprintf(stderr, "got \"%s\"\n", got);
}

/* A registration does not keep the program running; the actor still
 * alive at shutdown ends there, and with it the registration. */
static void test_registration_alone_ends(void) {
    reset();
    int fds0 = open_fds();
    purr_sched_init(PURR_SCHED_EPOLL);
    purr_actor *a = spawn_listener("INT");
    purr_send(a, bare(K_REGISTER));
    purr_sched_run();
    CHECK(handler_installed && disposition(SIGINT) != SIG_DFL);
    purr_actor_release(a);
    purr_sched_shutdown();
    CHECK(disposition(SIGINT) == SIG_DFL && disposition(SIGTERM) == SIG_DFL);
    CHECK(open_fds() == fds0);
}

/* Under the deterministic scheduler a registration changes nothing. */
static void test_no_effect_on_det(void) {
    reset();
    int fds0 = open_fds();
    purr_sched_init(PURR_SCHED_DET);
    purr_actor *a = spawn_listener("TERM INT");
    purr_send(a, bare(K_REGISTER));
    purr_sched_run();
    CHECK(!handler_installed && disposition(SIGINT) == SIG_DFL);
    CHECK(open_fds() == fds0);
    purr_actor_release(a);
    purr_sched_shutdown();
}

/* ---------- time.unix_ms and os.getenv ---------- */

static void test_unix_ms(void) {
    int64_t real = (int64_t)time(NULL) * 1000;
    int64_t t = purr_time_unix_ms();
    CHECK(t >= real - 1000 && t <= real + 2000);
    purr_sched_init(PURR_SCHED_EPOLL);
    t = purr_time_unix_ms();
    CHECK(t >= real - 1000 && t <= real + 2000);
    purr_sched_shutdown();
    purr_sched_init(PURR_SCHED_DET);
    CHECK(purr_time_unix_ms() == 1767225600000); /* 2026-01-01T00:00:00Z */
    purr_advance_ms(1500);
    CHECK(purr_time_unix_ms() == 1767225601500);
    purr_sched_shutdown();
}

static purr_str *getenv_of(const char *name, int64_t len) {
    purr_str *n = purr_str_from(name, len);
    purr_str *v = purr_os_getenv(n);
    purr_str_release(n);
    return v;
}

static void test_getenv(void) {
    setenv("PURR_TEST_VAR", "some value", 1);
    setenv("PURR_TEST_EMPTY", "", 1);
    unsetenv("PURR_TEST_UNSET");
    CHECK_OWNED_STR(getenv_of("PURR_TEST_VAR", 13), "some value");
    CHECK_OWNED_STR(getenv_of("PURR_TEST_EMPTY", 15), "");
    CHECK(getenv_of("PURR_TEST_UNSET", 15) == NULL);
    CHECK(getenv_of("PURR_TEST_VAR\0X", 15) == NULL); /* not PURR_TEST_VAR */
    CHECK(getenv_of("", 0) == NULL);
}

int main(void) {
    purr_register_message_ctor("std.os.Signal", (purr_msg_ctor)new_signal);
    RUN(test_signals_on_loop);
    RUN(test_registration_alone_ends);
    RUN(test_no_effect_on_det);
    RUN(test_unix_ms);
    RUN(test_getenv);
    return test_finish();
}
