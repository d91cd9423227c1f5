/* net.h — std.net inside the runtime (docs/io.md): the records behind
 * listener and connection handles, and the seams between the files that
 * share them:
 *
 *   net.c        the handle table, the public calls, a connection's life
 *                (window, Closed after every Data, Writable, closing) and
 *                the end-of-turn work
 *   net_frame.c  the input buffer and framing: bytes into Data messages
 *   net_sock.c   the transport over real sockets (the event loop)
 *   net_mem.c    the transport over the in-memory network (the
 *                deterministic scheduler)
 *
 * A transport moves bytes; everything a program can observe (framing,
 * flow control, the order and reasons of events) is decided in net.c and
 * net_frame.c, once for both transports. */
#ifndef PURR_NET_H
#define PURR_NET_H

#include "actor.h"

#include <sys/socket.h>

typedef struct purr__net_conn purr__net_conn;
typedef struct purr__net_listener purr__net_listener;

/* What listeners and connections share: the owner (a resource of that
 * actor, closed when it ends: actor.h) and the handle. */
typedef enum { PURR__NET_LISTENER = 1, PURR__NET_CONN = 2 } purr__net_kind;
typedef struct purr__net_handle {
    purr__resource res;
    int64_t id;
    purr__net_kind kind;
} purr__net_handle;

/* ---------- connection state ----------
 * flags of a connection. The handle side (what the program sees):
 *   READING   attached: its input is cut into Data for the owner
 *   TELLS     the owner gets Connected, Writable and Closed (attached, or
 *             the connect caller)
 *   PAUSED    net.pause without net.resume
 *   CONNECTED_DUE  Connected is to be sent
 *   EOF       the peer sent its last byte (FIN): what is buffered is cut,
 *             then the connection ends with "peer closed"
 *   INPUT_DONE  no Data will be cut any more
 *   ENDING    Closed is due with `reason` once every Data was handled
 *   CLOSED    writes return Closed and operations do nothing
 *   REPORTED  Closed was sent (or nobody will be told)
 *   WRITABLE_OWED  a write returned Throttled: Writable when the queue is low
 *   DIRTY     on the end-of-turn list (net.c)
 * The transport side:
 *   OPEN      the socket (or in-memory endpoint) is open and holds an I/O
 *             reference (scheduler.h)
 *   CONNECTING  a connect is under way
 *   DRAINING  closing gracefully: the transport closes once its queued
 *             output is sent
 *   BLOCKED   the socket's send buffer is full: output waits for EPOLLOUT
 *   WATCHED   the fd is registered with the event loop (mask in `armed`)
 *   FLIGHT    mem, seeded: a delivery of its output is on the simulated
 *             network (an event of the deterministic scheduler) */
enum {
    PURR__NET_READING = 1u << 0,
    PURR__NET_TELLS = 1u << 1,
    PURR__NET_PAUSED = 1u << 2,
    PURR__NET_CONNECTED_DUE = 1u << 3,
    PURR__NET_EOF = 1u << 4,
    PURR__NET_INPUT_DONE = 1u << 5,
    PURR__NET_ENDING = 1u << 6,
    PURR__NET_CLOSED = 1u << 7,
    PURR__NET_REPORTED = 1u << 8,
    PURR__NET_WRITABLE_OWED = 1u << 9,
    PURR__NET_DIRTY = 1u << 10,
    PURR__NET_OPEN = 1u << 11,
    PURR__NET_CONNECTING = 1u << 12,
    PURR__NET_DRAINING = 1u << 13,
    PURR__NET_BLOCKED = 1u << 14,
    PURR__NET_WATCHED = 1u << 15,
    PURR__NET_FLIGHT = 1u << 16,
};

/* The output queue: the buffers written and not yet sent, retained, never
 * copied.
 * Invariants: buf[head], buf[head+1 mod cap] … are the len queued buffers
 * in write order (cap a power of two, or 0 with buf NULL); `off` bytes of
 * the first were sent already; `bytes` is the sum of their lengths minus
 * off. Empty buffers are never queued. */
typedef struct purr__net_outq {
    purr_bytes **buf;
    uint32_t head, len, cap;
    int64_t off, bytes;
} purr__net_outq;

typedef struct purr__net_transport purr__net_transport;

/* A connection. Invariants (besides the flags' meanings above):
 *   - in_flight counts its Data sent and not yet dropped (handled, or
 *     dropped undelivered), whoever's mailbox holds them; no Data is cut
 *     while in_flight >= window.
 *   - `in` is NULL or the input buffer: bytes [cut, in->len) are received
 *     and not yet cut into frames (net_frame.c); bytes before `cut` may be
 *     seen by Data views, so they are never written again.
 *   - reason is set (owned) exactly when ENDING is.
 *   - The record is freed once it is neither OPEN nor DIRTY and REPORTED;
 *     its slot then takes a new generation, so its id goes stale. */
struct purr__net_conn {
    purr__net_handle h;
    const purr__net_transport *tp;
    purr__net_conn *next_dirty;
    uint32_t flags;
    uint32_t armed;        /* sock: the epoll mask registered */
    int fd;                /* sock: the socket, -1 once closed */
    uint8_t framing, width;
    int32_t window, in_flight;
    int64_t max;           /* the framing's frame limit */
    purr_bytes *in;
    int64_t cut, scan;     /* scan: Line framing searched up to here */
    purr__net_outq out;
    int64_t low, high, hard;
    purr_str *reason;
    purr__net_conn *peer;  /* mem: the other end, NULL once it closed */
    int64_t port;          /* mem: the listening port it was made through */
    purr__net_conn *next_mem; /* mem: the open in-memory connections */
};

/* A listener. Invariant: while open, `fd` (sock) is registered with the
 * event loop for EPOLLIN unless backed_off, and it holds an I/O reference. */
struct purr__net_listener {
    purr__net_handle h;
    const purr__net_transport *tp;
    int fd;                /* sock; -1 in memory */
    int64_t port;
    bool backed_off;       /* sock: accept hit the fd limit (net_sock.c) */
    purr__net_listener *next; /* sock: backed-off list; mem: listening ports */
};

/* A transport: how bytes move. net.c calls these from the handle side. */
struct purr__net_transport {
    /* Moves what can move now: sends queued output, delivers input
     * (in memory), closes a DRAINING transport whose queue is empty,
     * registers interest. Called at the end of a turn for a dirty
     * connection; never sends Data itself except through net_frame.c. */
    void (*pump)(purr__net_conn *c);
    /* Closes the transport now (clears OPEN); `reset` sends a reset to the
     * peer. The output queue was dropped by the caller. */
    void (*close)(purr__net_conn *c, bool reset);
    void (*close_listener)(purr__net_listener *l);
};

extern const purr__net_transport purr__net_sock;
extern const purr__net_transport purr__net_mem;

/* ---------- net.c: shared by the transports ---------- */

/* The record of a live connection id, or NULL (stale, or not a connection). */
purr__net_conn *purr__net_conn_of(int64_t id);
/* A new connection owned by `owner` (not DEAD), not yet open, with the
 * default window and limits. */
purr__net_conn *purr__net_conn_new(const purr__net_transport *tp, purr__actor *owner);
/* A new listener owned by `owner` (not DEAD); the transport fills fd and
 * port, and takes the I/O reference. */
purr__net_listener *purr__net_listener_new(const purr__net_transport *tp, purr__actor *owner);
void purr__net_listener_free(purr__net_listener *l);
/* Queues c for the end of the turn. */
void purr__net_mark(purr__net_conn *c);
/* Keeps the end-of-turn hook set (a listener waits to accept again). */
void purr__net_arm_hook(void);
/* Runs c's work now (a readiness callback: no handler runs); frees c when
 * it is done with (closed, reported, not on the dirty list). */
void purr__net_progress(purr__net_conn *c);
/* The transport failed (reset, an error): the connection ends with
 * `reason` (owned); input and output are dropped, the transport closed. */
void purr__net_fail(purr__net_conn *c, purr_str *reason);
/* Closed's reasons for an errno (strerror text; ECONNRESET and EPIPE are
 * "reset"), owned. */
purr_str *purr__net_errno_reason(int err);
/* The Accepted message for a connection to `listener`'s owner. */
void purr__net_send_accepted(purr__net_listener *l, purr__net_conn *c, purr_str *peer);
/* The transport opened c (sets OPEN, takes the I/O reference). */
void purr__net_opened(purr__net_conn *c);
/* The transport closed (OPEN cleared): drops the I/O reference, and gives
 * backed-off listeners another try (a descriptor was freed). */
void purr__net_transport_closed(purr__net_conn *c);
/* From framing: a Data for c's owner (counted in the window), a frame over
 * max, the end of the peer's input (ends with "peer closed"). */
void purr__net_send_data(purr__net_conn *c, purr_bytes *data);
void purr__net_frame_too_long(purr__net_conn *c);
void purr__net_input_ended(purr__net_conn *c);
/* Whether c wants input now (attached, not paused, window open, open). */
bool purr__net_wants_input(const purr__net_conn *c);

/* The output queue (net.c). consume: `n` bytes were sent. */
void purr__net_outq_consume(purr__net_outq *q, int64_t n);
void purr__net_outq_clear(purr__net_outq *q);

/* ---------- net_frame.c ---------- */

/* Room to receive into: at least one byte, at most PURR__NET_READ_MAX,
 * right after what c holds. The caller adds what it wrote to c->in->len. */
#define PURR__NET_READ_MAX 65536
uint8_t *purr__net_room(purr__net_conn *c, int64_t *room);
/* Cuts c's buffered input into Data while the window allows; at EOF,
 * finishes the input (a last unterminated line is a frame) and ends the
 * connection with "peer closed"; a frame over max ends it with "frame too
 * long". Gives the buffer back once it holds nothing. */
void purr__net_cut(purr__net_conn *c);
/* Drops c's input buffer (closing); trim gives it back only when it holds
 * nothing unread and no Data views it. */
void purr__net_drop_input(purr__net_conn *c);
void purr__net_input_trim(purr__net_conn *c);
/* Frees the spare buffers kept for reuse (shutdown). */
void purr__net_buffers_free(void);

/* ---------- net_sock.c / net_mem.c: the calls that pick a transport ---------- */

/* host (a numeric address or "localhost") and port as a socket address;
 * 0, or a negative code for purr_net_error_text. */
int purr__net_address(const purr_str *host, int64_t port, struct sockaddr_storage *ss, socklen_t *len);

int64_t purr__net_sock_listen(purr__actor *owner, const purr_str *host, int64_t port);
int64_t purr__net_sock_connect(purr__actor *owner, const purr_str *host, int64_t port);
/* Gives backed-off listeners another try (net_sock.c). */
void purr__net_sock_retry_accept(bool fd_freed);
/* Whether a listener waits for descriptors (the end-of-turn hook must stay). */
bool purr__net_sock_backed_off(void);
int64_t purr__net_mem_listen(purr__actor *owner, const purr_str *host, int64_t port);
int64_t purr__net_mem_connect(purr__actor *owner, const purr_str *host, int64_t port);
/* At scheduler shutdown: forgets the in-memory network's ports. */
void purr__net_mem_reset(void);
/* std.sim (sim.c): the open in-memory connections made through `port`
 * have their work run again (a healed stall lets their bytes flow). */
void purr__net_mem_kick(int64_t port);
/* std.sim: c ends now with "reset", and so does its peer (net.c). */
void purr__net_reset(purr__net_conn *c);

/* Not a numeric IP address: net.listen/connect's error code beside -errno
 * (purr_net_error_text). Names are not resolved: a lookup would block. */
#define PURR__NET_EBADHOST (-100000)

#endif /* PURR_NET_H */
