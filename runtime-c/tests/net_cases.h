/* net_cases.h — the cases both net tests run (included after net_util.h):
 * test_net.c on real sockets, test_net_mem.c on the in-memory network. The
 * program must observe the same events on either, so each case is written
 * once: its actors' hooks, and a check that runs it on a scheduler kind.
 * A case whose client must be a plain socket keeps its data here and its
 * driver in test_net.c. */
#ifndef PURR_NET_CASES_H
#define PURR_NET_CASES_H

/* ---------- hooks ---------- */

__attribute__((unused)) static void attach_line(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_LINE, 0, 100);
}
__attribute__((unused)) static void attach_raw(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
}
/* A line server: replies "you said: …", closes on "quit". */
static void echo_data(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self;
    if (data->len == 4 && memcmp(data->data, "quit", 4) == 0) {
        purr_net_close(conn);
        return;
    }
    char reply[128];
    snprintf(reply, sizeof reply, "you said: %s\n", shown(data));
    CHECK(write_text(conn, reply) == PURR_NET_OK);
}
static void say_hello(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    CHECK(write_text(conn, "hello\nquit\n") == PURR_NET_OK);
}

/* ---------- echo ---------- */

static void check_echo(purr_sched_kind kind) {
    run_on(kind, (scenario){.accepted = attach_line, .server_data = echo_data, .connected = say_hello});
    CHECK_TEXT(&slog, "listening; accepted; data hello; data quit; closed closed");
    CHECK_TEXT(&clog, "connected; data you said: hello\\x0a; closed peer closed");
    CHECK(purr__io_refs == 0);
}

/* Writes and attach before Connected: queued, sent once connected. */
static void check_early_writes(purr_sched_kind kind) {
    run_on(kind, (scenario){.accepted = attach_line, .server_data = echo_data, .connecting = say_hello});
    CHECK_TEXT(&slog, "listening; accepted; data hello; data quit; closed closed");
    CHECK_TEXT(&clog, "connected; data you said: hello\\x0a; closed peer closed");
}

/* ---------- framing ---------- */

typedef struct chunk {
    const char *bytes;
    size_t len;
} chunk;
#define CH(s) {s, sizeof(s) - 1}
#define MAX_CHUNKS 8

/* What a client sends, chunk by chunk (each one written, and so read,
 * apart from the others), then its end; and what the server logs. */
typedef struct framing_case {
    int32_t framing;
    int64_t width, max;
    chunk chunks[MAX_CHUNKS];
    size_t nchunks;
    const char *want;
} framing_case;

static const framing_case framing_cases[] = {
    /* Lines split across reads, several in one, \r\n, an unterminated last line. */
    {PURR_NET_LINE, 0, 10, {CH("ab"), CH("c\nde"), CH("f\r\ng\nh"), CH("\n"), CH("tail")}, 5,
     "listening; accepted; data abc; data def; data g; data h; data tail; closed peer closed"},
    {PURR_NET_LINE, 0, 3, {CH("abc\r\n\n"), CH("abcd\n")}, 2,
     "listening; accepted; data abc; data ; closed frame too long"},
    {PURR_NET_LINE, 0, 3, {CH("abc\r"), CH("\nabcd")}, 2, "listening; accepted; data abc; closed frame too long"},
    /* Prefixed: split headers, empty frames, an incomplete last frame dropped. */
    {PURR_NET_PREFIXED, 2, 100, {CH("\0\3ab"), CH("c\0"), CH("\0\0\2xy\0\1z"), CH("\0\5ab")}, 4,
     "listening; accepted; data abc; data ; data xy; data z; closed peer closed"},
    {PURR_NET_PREFIXED, 1, 100, {CH("\2hi\1"), CH("!")}, 2, "listening; accepted; data hi; data !; closed peer closed"},
    {PURR_NET_PREFIXED, 4, 100, {CH("\0\0\0\3abc\0\0"), CH("\0\1z")}, 2,
     "listening; accepted; data abc; data z; closed peer closed"},
    {PURR_NET_PREFIXED, 2, 4, {CH("\0\4four\0\5")}, 1, "listening; accepted; data four; closed frame too long"},
    {PURR_NET_RAW, 0, 0, {CH("ab"), CH("c\nd")}, 2, "listening; accepted; data ab; data c\\x0ad; closed peer closed"},
};

/* The case being run; the server attaches with its framing. */
static const framing_case *fcase;
static void attach_framed(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, fcase->framing, fcase->width, fcase->max);
}

/* Runs every case with `run` (which sends fcase's chunks to a server that
 * attaches with attach_framed) and checks the server's log. */
static void check_framing(void (*run)(void)) {
    for (size_t i = 0; i < sizeof framing_cases / sizeof framing_cases[0]; i++) {
        fcase = &framing_cases[i];
        run();
        CHECK_TEXT(&slog, fcase->want);
    }
}

/* ---------- raw data: the pattern byte i is i * 7 ---------- */

static int64_t raw_total, raw_max, raw_total_at_close;
static bool raw_ok;
static void raw_reset(void) {
    raw_total = raw_max = raw_total_at_close = 0;
    raw_ok = true;
}
/* Checks the pattern; a Data longer than 64 bytes is a view, not a copy. */
static void raw_data(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self, (void)conn;
    for (int64_t i = 0; i < data->len; i++)
        if (data->data[i] != (uint8_t)((raw_total + i) * 7)) raw_ok = false;
    raw_total += data->len;
    if (data->len > raw_max) raw_max = data->len;
    if (data->len > 64 && data->base == NULL) raw_ok = false;
}
static void raw_closed(purr_actor *self, int64_t conn) {
    (void)self, (void)conn;
    raw_total_at_close = raw_total;
}

/* Attached raw and paused; a K_INT with the connection 200 ms later. */
static void attach_paused(purr_actor *self, int64_t conn) {
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    purr_net_pause(conn);
    purr_send_after(self, 200, int_msg_new(K_INT, conn));
}

/* ---------- lines "line 0", "line 1", … through a window ---------- */

static int32_t lines_window;
static int64_t lines_seen, window_peak;
static bool lines_ok;
static void lines_reset(int32_t window) {
    lines_window = window;
    lines_seen = window_peak = 0;
    lines_ok = true;
}
static void attach_lines(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_LINE, 0, 100);
    purr_net_set_window(conn, lines_window);
}
/* Checks the order, and records the most Data in flight (this one too). */
static void count_line(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self;
    char want[32];
    int n = snprintf(want, sizeof want, "line %lld", (long long)lines_seen++);
    if (data->len != n || memcmp(data->data, want, (size_t)n) != 0) lines_ok = false;
    int64_t in_flight = purr__net_conn_of(conn)->in_flight;
    if (in_flight > window_peak) window_peak = in_flight;
}

/* ---------- the reasons of Closed ---------- */

static void close_at_once(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    purr_net_close(conn);
    CHECK(write_text(conn, "late") == PURR_NET_CLOSED);
}
static void abort_later(purr_actor *self, int64_t conn) {
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    purr_send_after(self, 20, int_msg_new(K_INT, conn));
}
static void abort_now(purr_actor *self, int64_t conn) {
    (void)self;
    CHECK(write_text(conn, "lost") == PURR_NET_OK);
    purr_net_abort(conn);
}
static void attach_and_pause(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    purr_net_pause(conn);
}
/* The client aborts 20 ms after Connected (a K_SEND step). */
static void client_aborts(purr_actor *self, int64_t conn) {
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    write_text(conn, "x");
    purr_send_after(self, 20, int_msg_new(K_SEND, 0));
}
static void abort_step(purr_actor *self, int64_t conn, int64_t step) {
    (void)self, (void)step;
    purr_net_abort(conn);
}
static void write_then_close(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    write_text(conn, "a\nb\nc\n");
    purr_net_close(conn);
}
static void attach_window1(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_LINE, 0, 10);
    purr_net_set_window(conn, 1);
}

static void check_reasons(purr_sched_kind kind) {
    run_on(kind, (scenario){.accepted = close_at_once, .connected = attach_raw});
    CHECK_TEXT(&slog, "listening; accepted; closed closed");
    CHECK_TEXT(&clog, "connected; closed peer closed");

    /* A paused client hears the reset; what was queued is lost. */
    run_on(kind, (scenario){.accepted = abort_later, .connected = attach_and_pause, .timer = abort_now});
    CHECK_TEXT(&slog, "listening; accepted; closed aborted");
    CHECK_TEXT(&clog, "connected; closed reset");

    run_on(kind, (scenario){.accepted = attach_line, .connected = client_aborts, .client_step = abort_step});
    CHECK_TEXT(&slog, "listening; accepted; closed reset"); /* "x" was no whole line */
    CHECK_TEXT(&clog, "connected; closed aborted");

    /* A server paused from the start hears it too. */
    run_on(kind, (scenario){.accepted = attach_and_pause, .connected = client_aborts, .client_step = abort_step});
    CHECK_TEXT(&slog, "listening; accepted; closed reset");

    /* Closed after every Data, one at a time. */
    run_on(kind, (scenario){.accepted = attach_window1, .connected = write_then_close});
    CHECK_TEXT(&slog, "listening; accepted; data a; data b; data c; closed peer closed");
    CHECK_TEXT(&clog, "connected; closed closed");
}

/* ---------- replies after the peer's FIN ---------- */

static void reply_pong(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self, (void)data;
    CHECK(write_text(conn, "pong\n") == PURR_NET_OK);
}

/* ---------- ownership moves ----------
 * The server takes the first line, "l0", then hands the connection to B,
 * which attaches it: what was cut for the server stays with it, the rest
 * goes to B, and Closed to B once the server handled all of its Data. */
static textlog blog;
static purr_actor *b_actor;
static void b_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    switch (m->kind) {
    case K_INT:
        purr_net_attach(int_of(m), PURR_NET_LINE, 0, 100);
        tlog(&blog, "attached");
        break;
    case K_DATA:
        tlog(&blog, "data %s", shown(DATA(m)->data));
        break;
    case K_CLOSED:
        tlog(&blog, "closed %s", CLOSED(m)->reason->data);
        purr_net_close_listener(net.listener);
        break;
    }
}
static const purr_actor_type b_type = {"B", 0, b_dispatch, NULL};
static void hand_over(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self;
    if (data->len == 2 && memcmp(data->data, "l0", 2) == 0) purr_send(b_actor, int_msg_new(K_INT, conn));
}

/* Starts the move scenario (the caller runs it): B spawned after the
 * scenario's actors. */
static purr_actor *start_move(purr_sched_kind kind, scenario s) {
    blog.len = 0;
    blog.text[0] = '\0';
    s.accepted = attach_line;
    s.server_data = hand_over;
    purr_actor *server = scenario_start(kind, s);
    b_actor = purr_spawn(&b_type, NULL, false);
    return server;
}

#endif /* PURR_NET_CASES_H */
