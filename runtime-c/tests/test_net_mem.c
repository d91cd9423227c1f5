/* test_net_mem.c — std.net on the in-memory network of the deterministic
 * scheduler (net_mem.c, with net.c and net_frame.c): listen, connect and
 * accept between the program's actors, each framing over writes made in
 * separate steps, the window, Throttled then Writable and the output
 * limit, the reasons of Closed (after every Data), ownership (moves, the
 * owner-only calls, an ended owner's connections), stale handles, and a
 * run that ends with connections open. Every log is exact: the network is
 * a pure function of the program. */
#include "test.h"

#include "actor_util.h"
#include "net_util.h"

#include "net.h"
#include "scheduler.h"

#include "net_cases.h"

/* The scenarios run on the in-memory network. */
static void run_scenario(scenario s) { run_on(PURR_SCHED_DET, s); }

/* ---------- echo ---------- */

/* The same program, the same events, the same handles, every run. */
static void test_echo(void) {
    check_echo(PURR_SCHED_DET);
    CHECK(net.port == 40000 && strcmp(net.peer, "127.0.0.1:40001") == 0);
    textlog first_s = slog, first_c = clog;
    int64_t conn = net.client_conn;
    check_echo(PURR_SCHED_DET);
    CHECK(strcmp(first_s.text, slog.text) == 0 && strcmp(first_c.text, clog.text) == 0);
    CHECK(net.client_conn == conn && conn > 0);
}

static void test_early_writes(void) { check_early_writes(PURR_SCHED_DET); }

/* ---------- framing ---------- */

/* The client writes one chunk per step, then closes. */
static void start_chunks(purr_actor *self, int64_t conn) {
    (void)conn;
    purr_send(self, int_msg_new(K_SEND, 0));
}
static void write_chunk(purr_actor *self, int64_t conn, int64_t i) {
    purr_bytes *b = purr_bytes_from((const uint8_t *)fcase->chunks[i].bytes, (int64_t)fcase->chunks[i].len);
    purr_net_write(conn, b);
    purr_bytes_release(b);
    if ((size_t)i + 1 < fcase->nchunks)
        purr_send(self, int_msg_new(K_SEND, i + 1));
    else
        purr_net_close(conn);
}
static void run_case(void) {
    run_scenario((scenario){.accepted = attach_framed, .connected = start_chunks, .client_step = write_chunk});
}
static void test_framing(void) { check_framing(run_case); }

/* Raw Data are at most 64 KiB, long ones views of the buffer. */
static void write_big(purr_actor *self, int64_t conn) {
    (void)self;
    purr_bytes *b = purr_bytes_new(200000, NULL);
    for (int64_t i = 0; i < b->len; i++) b->data[i] = (uint8_t)(i * 7);
    CHECK(purr_net_write(conn, b) == PURR_NET_OK);
    purr_bytes_release(b);
    purr_net_close(conn);
}
static void test_raw_big(void) {
    raw_reset();
    static const framing_case raw = {.framing = PURR_NET_RAW};
    fcase = &raw;
    run_scenario((scenario){.accepted = attach_framed, .server_data = raw_data, .server_closed = raw_closed,
                            .connected = write_big});
    CHECK(raw_total == 200000 && raw_max == 65536 && raw_ok && raw_total_at_close == 200000);
}

/* ---------- window and set_framing ---------- */

static void write_lines(purr_actor *self, int64_t conn) {
    (void)self;
    purr_strbuf sb;
    purr_strbuf_init(&sb);
    for (int i = 0; i < 50; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "line %d\n", i);
        purr_strbuf_cstr(&sb, line, n);
    }
    purr_str *all = purr_strbuf_finish(&sb);
    purr_bytes *b = purr_str_to_bytes(all);
    purr_net_write(conn, b);
    purr_net_close(conn);
    purr_bytes_release(b);
    purr_str_release(all);
}

static void test_window(void) {
    lines_reset(3);
    run_scenario((scenario){.accepted = attach_lines, .server_data = count_line, .connected = write_lines});
    CHECK(lines_seen == 50 && lines_ok && window_peak == 3);
    CHECK(strstr(slog.text, "data line 49; closed peer closed") != NULL);
    CHECK(purr_metrics_get().max_mailbox_depth <= 3);
}

/* After a handshake line, the rest is prefixed: a window of 1 keeps it uncut. */
static void attach_handshake(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_LINE, 0, 100);
    purr_net_set_window(conn, 1);
}
static void switch_framing(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self;
    if (data->len == 5 && memcmp(data->data, "hello", 5) == 0) purr_net_set_framing(conn, PURR_NET_PREFIXED, 2, 100);
}
static void write_handshake(purr_actor *self, int64_t conn) {
    (void)self;
    static const uint8_t bytes[] = "hello\n\0\3abc\0\1z";
    purr_bytes *b = purr_bytes_from(bytes, sizeof bytes - 1);
    purr_net_write(conn, b);
    purr_bytes_release(b);
    purr_net_close(conn);
}
static void test_set_framing(void) {
    scenario s = {.accepted = attach_handshake, .server_data = switch_framing, .connected = write_handshake};
    run_scenario(s);
    CHECK_TEXT(&slog, "listening; accepted; data hello; data abc; data z; "
                      "closed peer closed");
}

/* ---------- writes: Throttled, Writable, the output limit ---------- */

static void resume_server(purr_actor *self, int64_t v) {
    (void)self, (void)v;
    tlog(&slog, "resume");
    purr_net_resume(net.server_conn);
}
static void throttle_steps(purr_actor *self, int64_t conn, int64_t step) {
    (void)self;
    purr_bytes *b = purr_bytes_new(60, NULL);
    if (step == 0) {
        purr_net_set_limits(conn, 10, 100, 1000);
        tlog(&clog, "write %d", purr_net_write(conn, b));
        tlog(&clog, "write %d", purr_net_write(conn, b));
    } else {
        purr_bytes *big = purr_bytes_new(1001, NULL);
        tlog(&clog, "write %d", purr_net_write(conn, big));
        tlog(&clog, "then %d", purr_net_write(conn, b));
        purr_bytes_release(big);
    }
    purr_bytes_release(b);
}
static void start_throttle(purr_actor *self, int64_t conn) {
    (void)conn;
    purr_send(self, int_msg_new(K_SEND, 0));
}
/* Writable: the next step writes past the hard limit. */
static void write_on(purr_actor *self, int64_t conn) {
    (void)conn;
    purr_send(self, int_msg_new(K_SEND, 1));
}

static void test_throttle(void) {
    scenario s = {.accepted = attach_paused, .connected = start_throttle, .client_step = throttle_steps,
                  .timer = resume_server, .client_writable = write_on};
    purr_actor *server = scenario_start(PURR_SCHED_DET, s);
    purr_sched_run();
    /* Ok, then Throttled over 100 bytes; nothing moves while the server is
     * paused; its resume takes both writes (one Data) and the client hears
     * Writable; 1001 bytes pass the hard limit of 1000. */
    CHECK_TEXT(&clog, "connected; write 0; write 1; writable; write 2; then 2; closed output buffer limit");
    CHECK_TEXT(&slog, "listening; accepted; resume; data "
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
                      "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00; closed peer closed");
    scenario_end(server);
}

/* ---------- Closed ---------- */

static void test_reasons(void) { check_reasons(PURR_SCHED_DET); }

/* The peer's FIN does not stop the replies to its last requests. */
static void ping_and_close(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_RAW, 0, 0);
    write_text(conn, "ping\nping\n");
    purr_net_close(conn);
}
static void test_replies_after_fin(void) {
    run_scenario((scenario){.accepted = attach_line, .server_data = reply_pong, .connected = ping_and_close});
    CHECK_TEXT(&slog, "listening; accepted; data ping; data ping; closed peer closed");
    /* The client closed its handle: nothing comes back to it. */
    CHECK_TEXT(&clog, "connected; closed closed");
}

/* ---------- ownership ---------- */

static void write_ten_lines(purr_actor *self, int64_t conn) {
    (void)self;
    write_text(conn, "l0\nl1\nl2\nl3\nl4\nl5\nl6\nl7\nl8\nl9\n");
    purr_net_close(conn);
}
static void test_move(void) {
    purr_actor *server = start_move(PURR_SCHED_DET, (scenario){.connected = write_ten_lines});
    purr_sched_run();
    CHECK_TEXT(&slog, "listening; accepted; data l0; data l1; data l2; data l3; data l4; data l5; data l6; data l7; "
                      "data l8");
    CHECK_TEXT(&blog, "attached; data l9; closed peer closed");
    purr_actor_release(b_actor);
    scenario_end(server);
}

/* In a child: another actor may not pause the server's connection (its
 * handler panics, the connection goes on), and a connection's owner that
 * panics closes it: the client hears "peer closed". */
static void thief_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    purr_net_pause(int_of(m));
}
static const purr_actor_type thief_type = {"Thief", 0, thief_dispatch, NULL};
static purr_actor *thief;
static void lend_to_thief(purr_actor *self, int64_t conn) {
    (void)self;
    purr_net_attach(conn, PURR_NET_LINE, 0, 100);
    purr_send(thief, int_msg_new(K_INT, conn));
}
static void panic_on_data(purr_actor *self, int64_t conn, const purr_bytes *data) {
    (void)self, (void)conn, (void)data;
    purr_panic(NULL, "bad input");
}
static void ownership_faults(void) {
    scenario s = {.accepted = lend_to_thief, .server_data = panic_on_data, .connected = say_hello};
    purr_actor *server = scenario_start(PURR_SCHED_DET, s);
    thief = purr_spawn(&thief_type, NULL, false);
    purr_sched_run();
    printf("server: %s\nclient: %s\n", slog.text, clog.text);
    purr_actor_release(thief);
    scenario_end(server);
    printf("heap %zu, io %lld\n", purr_heap_bytes(), (long long)purr__io_refs);
}

/* ---------- handles ---------- */

static void handles_dispatch(purr_actor *self, purr_msg *m) {
    (void)self;
    if (m->kind == PURR_KIND_START) {
        int64_t l = purr_net_listen(HOST, 7000);
        CHECK(l > 0 && purr_net_local_port(l) == 7000);
        int64_t again = purr_net_listen(HOST, 7000);
        CHECK_OWNED_STR(purr_net_error_text(again), "Address already in use");
        PURR_STR_LIT(bad, "example.com");
        CHECK_OWNED_STR(purr_net_error_text(purr_net_listen(PURR_STR_LIT_REF(bad), 0)),
                        "not a numeric IP address (names are not resolved)");
        CHECK_OWNED_STR(purr_net_error_text(purr_net_listen(HOST, 70000)), "Invalid argument");
        purr_net_close_listener(l);
        CHECK(purr_net_local_port(l) == 0); /* stale */
        purr_net_close_listener(l);
        int64_t c = purr_net_connect(HOST, 7000); /* nobody listens now */
        /* It failed at once: writes say Closed; Closed comes as a message. */
        CHECK(c > 0 && write_text(c, "x") == PURR_NET_CLOSED);
        /* The listener's slot, a new generation: the old id stays stale. */
        CHECK((uint32_t)c == (uint32_t)l && c != l && purr_net_local_port(l) == 0);
        return;
    }
    if (m->kind == K_CLOSED) {
        int64_t c = CLOSED(m)->conn;
        tlog(&clog, "closed %s", CLOSED(m)->reason->data);
        /* Closed was sent: the id is stale, every call harmless. */
        CHECK(write_text(c, "x") == PURR_NET_CLOSED);
        purr_net_pause(c);
        purr_net_resume(c);
        purr_net_set_window(c, 2);
        purr_net_set_framing(c, PURR_NET_RAW, 0, 0);
        purr_net_set_limits(c, 1, 2, 3);
        purr_net_attach(c, PURR_NET_RAW, 0, 0);
        purr_net_close(c);
        purr_net_abort(c);
        CHECK(purr_net_local_port(c) == 0);
        CHECK(write_text(0, "x") == PURR_NET_CLOSED && write_text(-5, "x") == PURR_NET_CLOSED);
    }
}
static const purr_actor_type handles_type = {"Handles", 0, handles_dispatch, NULL};

static void test_handles(void) {
    run_actor(PURR_SCHED_DET, &handles_type);
    CHECK_TEXT(&clog, "closed Connection refused");
}

/* ---------- the end of a run ---------- */

/* A listener and connections left open do not keep the run going;
 * shutdown closes and frees them. */
static void test_run_ends_with_connections_open(void) {
    run_on(PURR_SCHED_DET, (scenario){.accepted = attach_line, .connected = attach_raw});
    CHECK_TEXT(&slog, "listening; accepted");
    CHECK_TEXT(&clog, "connected");
    CHECK(purr_heap_bytes() == 0);
}

/* An accepted connection that nobody attached closes when its listener's
 * owner ends; the client reads the end. */
static void stop_server(purr_actor *self, int64_t conn) {
    (void)conn;
    purr_stop(self);
}
static void test_unattached_closes_with_owner(void) {
    purr_actor *server = scenario_start(PURR_SCHED_DET, (scenario){.accepted = stop_server, .connected = attach_raw});
    purr_sched_run();
    CHECK(purr__net_conn_of(net.server_conn) == NULL && purr_net_local_port(net.listener) == 0);
    CHECK_TEXT(&slog, "listening; accepted");
    CHECK_TEXT(&clog, "connected; closed peer closed");
    scenario_end(server);
}

int main(void) {
    register_net_messages();
    RUN(test_echo);
    RUN(test_early_writes);
    RUN(test_framing);
    RUN(test_raw_big);
    RUN(test_window);
    RUN(test_set_framing);
    RUN(test_throttle);
    RUN(test_reasons);
    RUN(test_replies_after_fin);
    RUN(test_move);
    EXPECT_EXIT(ownership_faults, 0,
                "panic in actor Thief handling message: net.pause: connection 4294967298 belongs to actor "
                "Server #2, not to the caller\n"
                "panic in actor Server handling message: bad input\n"
                "server: listening; accepted; data hello\n"
                "client: connected; closed peer closed\n"
                "heap 0, io 0\n");
    RUN(test_handles);
    RUN(test_run_ends_with_connections_open);
    RUN(test_unattached_closes_with_owner);
    return test_finish();
}
