/* test_loop.c — the event loop (sched_epoll.c): batches and fairness,
 * timers on the real clock (also while actors stay busy), fd readiness
 * (a pipe written by another thread wakes the loop; the callback runs on
 * the scheduler thread and sends a message), unwatch and stale readiness,
 * the program's end while I/O is open, loop_post from another thread, the
 * poll window and polling turned off, fault isolation, and a signal during
 * epoll_wait.
 *
 * Waits are short (20-50 ms) and only lower bounds and orders are checked:
 * a loaded machine may be late, never early. */
#include "test.h"

#include "actor_util.h"
#include "internal.h"
#include "loop_post.h"
#include "poll_window.h"
#include "scheduler.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <time.h>

static pthread_t scheduler_thread;

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

/* ---------- a recording actor ----------
 * Records (actor id, value, now_ms) of each K_INT; K_BOOM panics (with a
 * temporary on the owned stack that the fault must release); K_STOP drops
 * an I/O reference. */
#define MAX_SEEN 4096
static struct {
    int64_t id, v, at;
} seen[MAX_SEEN];
static int nseen;

static void recorder_dispatch(purr_actor *self, purr_msg *m) {
    if (m->kind == K_BOOM) {
        size_t base = purr_owned_enter(1);
        purr_str *temp = purr_str_from_cstr("released by the fault");
        purr_own(base, &temp, &purr_type_str);
        purr_panic(&LOC, "boom");
    }
    if (m->kind == K_STOP) purr__io_unref();
    if (m->kind == K_INT && nseen < MAX_SEEN) {
        seen[nseen].id = self->id;
        seen[nseen].v = int_of(m);
        seen[nseen].at = purr_now_ms();
        nseen++;
    }
}
static const purr_actor_type recorder_type = {"Recorder", 0, recorder_dispatch, NULL};

static purr_actor *spawn_recorder(void) { return purr_spawn(&recorder_type, NULL, false); }

/* Per-sender FIFO, and a busy actor delays another by one batch; alone in
 * the queue, an actor runs on to the end of the turn. */
static void test_batches(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    purr_actor *a = spawn_recorder(), *b = spawn_recorder();
    for (int i = 0; i < 1000; i++) purr_send(a, int_msg_new(K_INT, i));
    purr_send(b, int_msg_new(K_INT, 0));
    purr_send(b, int_msg_new(K_INT, 1));
    purr_sched_run();
    CHECK(nseen == 1002);
    int64_t next_a = 0, next_b = 0, a_before_b = -1;
    for (int i = 0; i < nseen; i++) {
        if (seen[i].id == a->id) {
            CHECK(seen[i].v == next_a);
            next_a++;
        } else {
            CHECK(seen[i].v == next_b);
            if (next_b == 0) a_before_b = next_a;
            next_b++;
        }
    }
    CHECK(next_a == 1000 && next_b == 2);
    CHECK(a_before_b == PURR__LOOP_BATCH);
    CHECK(purr_metrics_get().message_count == 1002);
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown();

    /* Alone, 3000 messages take three steps: two whole turns and the rest. */
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    a = spawn_recorder();
    for (int i = 0; i < 3000; i++) purr_send(a, int_msg_new(K_INT, i));
    purr_sched_run();
    CHECK(nseen == 3000 && seen[2999].v == 2999);
    CHECK(PURR__LOOP_TURN_MESSAGES == 1024 && purr_metrics_get().scheduler_steps == 3);
    purr_actor_release(a);
    purr_sched_shutdown();
}

/* Timers fire in deadline order, never before their deadline; a cancelled
 * one never fires. */
static void test_timers(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    purr_actor *a = spawn_recorder();
    int64_t t0 = purr_now_ms();
    CHECK(t0 >= 0 && purr_now_ms() >= t0);
    purr_send_after(a, 40, int_msg_new(K_INT, 40));
    purr_send_after(a, 20, int_msg_new(K_INT, 20));
    int64_t cancelled = purr_send_after(a, 10, int_msg_new(K_INT, 10));
    purr_send_after(a, 0, int_msg_new(K_INT, 0));
    CHECK(purr_cancel_timer(cancelled));
    purr_sched_run();
    CHECK(nseen == 3);
    CHECK(seen[0].v == 0 && seen[1].v == 20 && seen[2].v == 40);
    for (int i = 0; i < nseen; i++) CHECK(seen[i].at >= t0 + seen[i].v);
    CHECK(purr_now_ms() >= t0 + 40);
    purr_actor_release(a);
    purr_sched_shutdown();
}

/* Busy: sends itself K_INT until a K_STOP arrives. */
static int64_t busy_count, busy_stopped_at;
static void busy_dispatch(purr_actor *self, purr_msg *m) {
    if (m->kind == K_STOP) {
        busy_stopped_at = purr_now_ms();
        purr_stop(self);
        return;
    }
    busy_count++;
    purr_send(self, int_msg_new(K_INT, 0));
}
static const purr_actor_type busy_type = {"Busy", 0, busy_dispatch, NULL};

/* A timer falls due while an actor never stops being runnable: the loop
 * still looks at the clock between turns. */
static void test_timer_amid_busy_actor(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    busy_count = 0;
    busy_stopped_at = -1;
    purr_actor *a = purr_spawn(&busy_type, NULL, false);
    int64_t t0 = purr_now_ms();
    purr_send(a, int_msg_new(K_INT, 0));
    purr_send_after(a, 20, int_msg_new(K_STOP, 0));
    purr_sched_run();
    CHECK(busy_stopped_at >= t0 + 20);
    CHECK(busy_count > 0);
    CHECK(purr_metrics_get().dropped_messages == 1); /* the self-send behind the stop */
    purr_actor_release(a);
    purr_sched_shutdown();
}

/* ---------- fd readiness ---------- */

typedef struct pipe_watch {
    int rfd;
    purr_actor *to; /* borrowed */
    int calls;
    bool off_thread; /* a call ran on another thread */
} pipe_watch;

/* Each byte read becomes a K_INT; end of file ends the watch and the I/O. */
static void pipe_ready(void *ctx, uint32_t events) {
    pipe_watch *w = ctx;
    w->calls++;
    if (!pthread_equal(pthread_self(), scheduler_thread)) w->off_thread = true;
    CHECK((events & (EPOLLIN | EPOLLHUP)) != 0);
    unsigned char buf[16];
    ssize_t n = read(w->rfd, buf, sizeof buf);
    if (n < 0 && errno == EAGAIN) return;
    for (ssize_t i = 0; i < n; i++) purr_send(w->to, int_msg_new(K_INT, buf[i]));
    if (n == 0) {
        CHECK(purr__io_unwatch(w->rfd) == 0);
        close(w->rfd);
        purr__io_unref();
    }
}

static void nonblocking_pipe(int fds[2]) {
    if (pipe(fds) != 0) exit(2);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
}

static void *write_later(void *arg) {
    int wfd = *(int *)arg;
    sleep_ms(20);
    unsigned char b = 7;
    if (write(wfd, &b, 1) != 1) exit(2);
    sleep_ms(20);
    close(wfd);
    return NULL;
}

/* A pipe written by another thread wakes the blocked loop; the callback
 * runs on the scheduler thread and sends; the loop ends only when the
 * callback has closed the I/O (at end of file). */
static void test_pipe_wakes_loop(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    int fds[2];
    nonblocking_pipe(fds);
    pipe_watch w = {fds[0], spawn_recorder(), 0, false};
    CHECK(purr__io_watch(fds[0], EPOLLIN, pipe_ready, &w) == 0);
    purr__io_ref();
    int64_t t0 = purr_now_ms();
    pthread_t writer;
    pthread_create(&writer, NULL, write_later, &fds[1]);
    purr_sched_run();
    pthread_join(writer, NULL);
    CHECK(nseen == 1 && seen[0].v == 7 && seen[0].at >= t0 + 20);
    CHECK(purr_now_ms() >= t0 + 40); /* ran until end of file */
    CHECK(w.calls >= 2 && !w.off_thread);
    CHECK(purr__io_refs == 0);
    purr_actor_release(w.to);
    purr_sched_shutdown();
}

/* The program ends when the last I/O reference goes, not before. */
static void test_io_keeps_loop_running(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    purr_actor *a = spawn_recorder();
    int64_t t0 = purr_now_ms();
    purr__io_ref();
    purr_send_after(a, 30, int_msg_new(K_STOP, 0)); /* its handler drops the reference */
    purr_sched_run();
    CHECK(purr_now_ms() >= t0 + 30 && purr__io_refs == 0);
    purr_actor_release(a);
    purr_sched_shutdown();
}

static int never_calls;
static void never_ready(void *ctx, uint32_t events) {
    (void)ctx, (void)events;
    never_calls++;
}

/* Two ready pipes; whichever callback runs first unwatches the other,
 * whose readiness (collected by the same epoll_wait) must then be skipped. */
static int other_fd[2];
static int exclusive_calls;
static void exclusive_ready(void *ctx, uint32_t events) {
    (void)events;
    int me = (int)(intptr_t)ctx;
    exclusive_calls++;
    CHECK(purr__io_unwatch(other_fd[1 - me]) == 0);
    CHECK(purr__io_unwatch(other_fd[me]) == 0);
    purr__io_unref();
}

static void test_watch_errors_and_unwatch(void) {
    int p[2], q[2];
    nonblocking_pipe(p);
    nonblocking_pipe(q);
    if (write(p[1], "x", 1) != 1 || write(q[1], "y", 1) != 1) exit(2);

    /* The deterministic scheduler has no fd readiness. */
    purr_sched_init(PURR_SCHED_DET);
    CHECK(purr__io_watch(p[0], EPOLLIN, never_ready, NULL) == -EOPNOTSUPP);
    purr_sched_shutdown();
    CHECK(purr__io_unwatch(p[0]) == -ENOENT); /* no scheduler */

    purr_sched_init(PURR_SCHED_EPOLL);
    never_calls = 0;
    CHECK(purr__io_watch(p[0], EPOLLIN, never_ready, NULL) == 0);
    CHECK(purr__io_watch(p[0], EPOLLIN, never_ready, NULL) == -EEXIST);
    CHECK(purr__io_watch(-1, EPOLLIN, never_ready, NULL) == -EINVAL);
    CHECK(purr__io_modify(p[0], EPOLLIN | EPOLLOUT) == 0);
    CHECK(purr__io_unwatch(p[0]) == 0);
    CHECK(purr__io_unwatch(p[0]) == -ENOENT);
    CHECK(purr__io_modify(p[0], EPOLLIN) == -ENOENT);
    /* A readable but unwatched pipe neither runs its callback nor, with no
     * I/O open, keeps the loop from ending; a watched one without an I/O
     * reference does not either. */
    CHECK(purr__io_watch(q[0], EPOLLIN, never_ready, NULL) == 0);
    purr_sched_run();
    CHECK(never_calls == 0);
    CHECK(purr__io_unwatch(q[0]) == 0);

    other_fd[0] = p[0];
    other_fd[1] = q[0];
    exclusive_calls = 0;
    CHECK(purr__io_watch(p[0], EPOLLIN, exclusive_ready, (void *)(intptr_t)0) == 0);
    CHECK(purr__io_watch(q[0], EPOLLIN, exclusive_ready, (void *)(intptr_t)1) == 0);
    purr__io_ref();
    purr_sched_run();
    CHECK(exclusive_calls == 1);
    purr_sched_shutdown();
    for (int i = 0; i < 2; i++) {
        close(p[i]);
        close(q[i]);
    }
}

/* ---------- loop_post ---------- */

#define POSTS 1000
typedef struct posted {
    purr_actor *to; /* borrowed */
    int64_t v;
} posted;
static posted post_ctx[POSTS];
static bool post_off_thread;

static void deliver_post(void *ctx) {
    posted *p = ctx;
    if (!pthread_equal(pthread_self(), scheduler_thread)) post_off_thread = true;
    purr_send(p->to, int_msg_new(K_INT, p->v));
    if (p->v == POSTS - 1) purr__io_unref(); /* the last result: the work is done */
}

static void *poster(void *arg) {
    (void)arg;
    for (int i = 0; i < POSTS; i++) {
        post_ctx[i].v = i; /* written here, read by deliver_post on the scheduler thread */
        purr__loop_post(deliver_post, &post_ctx[i]);
        if (i % 100 == 0) sleep_ms(1);
    }
    return NULL;
}

static void test_loop_post(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    post_off_thread = false;
    purr_actor *a = spawn_recorder();
    for (int i = 0; i < POSTS; i++) post_ctx[i].to = a;
    purr__io_ref(); /* the worker's results are outstanding */
    pthread_t t;
    pthread_create(&t, NULL, poster, NULL);
    purr_sched_run();
    pthread_join(t, NULL);
    CHECK(nseen == POSTS && !post_off_thread);
    for (int i = 0; i < nseen; i++) CHECK(seen[i].v == i);
    /* Posts still queued at shutdown run there. */
    post_ctx[0].v = 5000;
    purr__loop_post(deliver_post, &post_ctx[0]);
    purr_actor_release(a);
    purr_sched_shutdown();
    CHECK(purr_metrics_get().dropped_messages == 1);
}

/* ---------- faults and signals ---------- */

/* In a child: a fault ends the faulting actor and its batch; the rest of
 * the queue runs, and the fault's temporary is released. */
static void fault_on_loop(void) {
    size_t heap0 = purr_heap_bytes();
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    purr_actor *a = spawn_recorder(), *b = spawn_recorder();
    purr_send(a, int_msg_new(K_INT, 1));
    purr_send(a, int_msg_new(K_BOOM, 0));
    purr_send(a, int_msg_new(K_INT, 2)); /* behind the fault: dropped */
    purr_send(b, int_msg_new(K_INT, 3));
    purr_send(b, int_msg_new(K_INT, 4));
    purr_sched_run();
    for (int i = 0; i < nseen; i++) printf("%lld:%lld ", (long long)seen[i].id, (long long)seen[i].v);
    printf("faulted %d, dropped %lld\n", purr_actor_faulted(a), (long long)purr_metrics_get().dropped_messages);
    purr_actor_release(a);
    purr_actor_release(b);
    purr_sched_shutdown();
    printf("leaked %zu bytes\n", purr_heap_bytes() - heap0);
}

static volatile sig_atomic_t signals_caught;
static void on_signal(int sig) {
    (void)sig;
    signals_caught++;
}

static void *signal_later(void *arg) {
    (void)arg;
    sleep_ms(10);
    pthread_kill(scheduler_thread, SIGUSR1);
    return NULL;
}

/* A signal interrupts epoll_wait (EINTR, never restarted); the loop goes
 * on waiting for its timer. */
static void test_signal_during_wait(void) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, &old);
    signals_caught = 0;
    purr_sched_init(PURR_SCHED_EPOLL);
    nseen = 0;
    purr_actor *a = spawn_recorder();
    int64_t t0 = purr_now_ms();
    purr_send_after(a, 50, int_msg_new(K_INT, 1));
    pthread_t t;
    pthread_create(&t, NULL, signal_later, NULL);
    purr_sched_run();
    pthread_join(t, NULL);
    CHECK(signals_caught == 1);
    CHECK(nseen == 1 && seen[0].at >= t0 + 50);
    purr_actor_release(a);
    purr_sched_shutdown();
    sigaction(SIGUSR1, &old, NULL);
}

/* The bounded test controls need the deterministic scheduler. */
/* The poll window (poll_window.h) grows on short sleeps that readiness
 * ended, from a quarter of the limit up to the limit, and halves on long
 * sleeps and timeouts, to 0 below a quarter. */
static void test_poll_window(void) {
    purr__poll_window p;
    purr__poll_window_init(&p, 20000);
    CHECK(p.window_ns == 0);
    int64_t grows[] = {5000, 10000, 20000, 20000};
    for (int i = 0; i < 4; i++) {
        purr__poll_window_adapt(&p, 3000, true);
        CHECK(p.window_ns == grows[i]);
    }
    purr__poll_window_adapt(&p, 20000, true); /* the limit itself is short */
    CHECK(p.window_ns == 20000);
    purr__poll_window_adapt(&p, 20001, true);
    CHECK(p.window_ns == 10000);
    purr__poll_window_adapt(&p, 1000, false); /* a timeout */
    CHECK(p.window_ns == 5000);
    purr__poll_window_adapt(&p, 1000000000, true);
    CHECK(p.window_ns == 0);
    purr__poll_window_adapt(&p, 1000000000, true);
    CHECK(p.window_ns == 0);

    purr__poll_window_init(&p, 0); /* off */
    purr__poll_window_adapt(&p, 0, true);
    CHECK(p.window_ns == 0);
}

/* With polling off (PURR_POLL_US=0) the loop sleeps at once, and is woken
 * the same way. */
static void test_pipe_wakes_loop_without_polling(void) {
    setenv("PURR_POLL_US", "0", 1);
    test_pipe_wakes_loop();
    unsetenv("PURR_POLL_US");
}

static void bad_poll_setting(void) {
    setenv("PURR_POLL_US", "20us", 1);
    purr_sched_init(PURR_SCHED_EPOLL);
}

static void drain_steps_on_loop(void) {
    purr_sched_init(PURR_SCHED_EPOLL);
    purr_drain_steps(1);
}

int main(void) {
    scheduler_thread = pthread_self();
    RUN(test_batches);
    RUN(test_timers);
    RUN(test_timer_amid_busy_actor);
    RUN(test_pipe_wakes_loop);
    RUN(test_poll_window);
    RUN(test_pipe_wakes_loop_without_polling);
    EXPECT_EXIT(bad_poll_setting, 2, "purr: PURR_POLL_US=20us is not a whole number from 0 to 1000000\n");
    RUN(test_io_keeps_loop_running);
    RUN(test_watch_errors_and_unwatch);
    RUN(test_loop_post);
    EXPECT_EXIT(fault_on_loop, 0,
                "panic in actor Recorder handling message at t.pu:3:7: boom\n"
                "1:1 2:3 2:4 faulted 1, dropped 1\n"
                "leaked 0 bytes\n");
    RUN(test_signal_during_wait);
    EXPECT_EXIT(drain_steps_on_loop, -1, "purr: internal error: drain_steps() needs the deterministic scheduler\n");
    return test_finish();
}
