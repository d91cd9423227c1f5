/* net_frame.c — a connection's input: the buffer bytes are received into,
 * and framing, which cuts them into Data (docs/io.md).
 *
 * Bytes are received into a purr_bytes buffer of BUF_SIZE (or, for a frame
 * longer than that, of the frame's size) and each frame is a bytes_slice
 * of it: a view sharing the buffer when longer than 64 bytes (bytes.c), so
 * a frame is copied at most once, by the kernel. The next receive goes into
 * the same buffer, after what is there: the views see only their own
 * ranges, so writing past them changes nothing a program can see. When the
 * room left is short, the unfinished frame moves to a fresh buffer (or to
 * the front of this one, when nobody views it).
 *
 * A connection holds a buffer only while it has unread bytes or Data that
 * view it: once everything is cut and the last view is gone, the buffer
 * goes back to a short list of spares. So an idle connection holds none,
 * and a busy one takes a buffer from the list instead of the allocator.
 * (A frame kept by the program keeps its whole buffer alive, as with any
 * bytes_slice view.)
 *
 * Framing reads the bytes [cut, in->len) and stops at the window (net.c):
 * what is not cut waits in the buffer, and set_framing applies to it. */
#include "net.h"

enum {
    BUF_SIZE = 65536,
    /* Below this much room after the unread bytes, a receive moves them
     * first, rather than reading a few bytes per system call. */
    MIN_ROOM = 4096,
    /* Spare buffers kept for reuse: enough for the connections of one
     * wake-up (4 MiB at most). Each connection that has input holds a
     * buffer until its actor has run, so 50 clients pipelining hold 50 at
     * once: with 8 spares, 42 buffers went back to malloc and came again
     * every wake-up, and malloc gave their pages back to the system and
     * faulted them in again (15% of the broker's time under
     * redis-benchmark -c 50 -P 16). */
    SPARES = 64,
};

/* Invariant: spare[0..nspare) are buffers of BUF_SIZE bytes, rc 1, owned
 * here. */
static purr_bytes *spare[SPARES];
static int nspare;

/* An empty buffer (bytes.c's layout: not a view) with cap bytes of room,
 * left unwritten: the receive fills them. */
static purr_bytes *buffer_new(int64_t cap) {
    if (cap == BUF_SIZE && nspare > 0) return spare[--nspare];
    purr_bytes *b = purr_alloc(sizeof *b);
    b->rc = 1;
    b->len = 0;
    b->cap = cap;
    b->data = purr_alloc((size_t)cap);
    b->base = NULL;
    return b;
}

/* Lets go of a buffer: back to the spares when nobody else holds it. */
static void buffer_give(purr_bytes *b) {
    if (b->rc == 1 && b->cap == BUF_SIZE && nspare < SPARES) {
        b->len = 0;
        spare[nspare++] = b;
    } else {
        purr_bytes_release(b);
    }
}

static void buffer_put(purr__net_conn *c) {
    buffer_give(c->in);
    c->in = NULL;
    c->cut = c->scan = 0;
}

void purr__net_drop_input(purr__net_conn *c) {
    if (c->in != NULL) buffer_put(c);
}

void purr__net_input_trim(purr__net_conn *c) {
    if (c->in != NULL && c->cut == c->in->len && c->in->rc == 1) buffer_put(c);
}

void purr__net_buffers_free(void) {
    while (nspare > 0) purr_bytes_release(spare[--nspare]);
}

static uint64_t length_prefix(const uint8_t *p, int width) {
    uint64_t n = 0;
    for (int i = 0; i < width; i++) n = n << 8 | p[i];
    return n;
}

/* Bytes from cut that the next frame needs in one buffer, at least. */
static int64_t frame_need(const purr__net_conn *c) {
    int64_t have = c->in != NULL ? c->in->len - c->cut : 0;
    switch (c->framing) {
    case PURR_NET_LINE:
        return have + 1;
    case PURR_NET_PREFIXED: {
        if (have < c->width) return c->width;
        uint64_t n = length_prefix(c->in->data + c->cut, c->width);
        return n > (uint64_t)c->max ? 1 : c->width + (int64_t)n; /* too long: cut ends it */
    }
    default:
        return 1;
    }
}

uint8_t *purr__net_room(purr__net_conn *c, int64_t *room) {
    purr_bytes *b = c->in;
    if (b == NULL) {
        b = c->in = buffer_new(BUF_SIZE);
    } else if (c->cut == b->len && b->rc == 1) {
        b->len = c->cut = c->scan = 0;
    }
    int64_t have = b->len - c->cut;
    int64_t need = frame_need(c);
    if (need < have + MIN_ROOM) need = have + MIN_ROOM;
    if (b->cap - c->cut < need || b->cap - b->len < MIN_ROOM) {
        /* A line grows by doubling; a prefixed frame gets its size. */
        int64_t cap = need <= BUF_SIZE ? BUF_SIZE : c->framing == PURR_NET_LINE && need < 2 * have ? 2 * have : need;
        if (b->rc == 1 && cap <= b->cap) {
            memmove(b->data, b->data + c->cut, (size_t)have);
        } else {
            purr_bytes *fresh = buffer_new(cap);
            memcpy(fresh->data, b->data + c->cut, (size_t)have);
            buffer_give(b);
            c->in = b = fresh;
        }
        c->scan = c->scan > c->cut ? c->scan - c->cut : 0;
        c->cut = 0;
        b->len = have;
    }
    int64_t left = b->cap - b->len;
    *room = left < PURR__NET_READ_MAX ? left : PURR__NET_READ_MAX;
    return b->data + b->len;
}

typedef enum { NEED_MORE, FRAME, TOO_LONG } cut_result;

/* The next frame of c's input: [*start, *end), the input going on at
 * *next. */
static cut_result next_frame(purr__net_conn *c, int64_t *start, int64_t *end, int64_t *next) {
    const purr_bytes *b = c->in;
    int64_t cut = c->cut, len = b != NULL ? b->len : 0;
    if (len == cut) return NEED_MORE;
    switch (c->framing) {
    case PURR_NET_LINE: {
        if (c->scan < cut) c->scan = cut;
        const uint8_t *nl = memchr(b->data + c->scan, '\n', (size_t)(len - c->scan));
        if (nl == NULL) {
            c->scan = len;
            int64_t line = len - cut - (b->data[len - 1] == '\r');
            return line > c->max ? TOO_LONG : NEED_MORE;
        }
        int64_t at = nl - b->data;
        int64_t stop = at > cut && b->data[at - 1] == '\r' ? at - 1 : at;
        if (stop - cut > c->max) return TOO_LONG;
        *start = cut;
        *end = stop;
        *next = c->scan = at + 1;
        return FRAME;
    }
    case PURR_NET_PREFIXED: {
        if (len - cut < c->width) return NEED_MORE;
        uint64_t n = length_prefix(b->data + cut, c->width);
        if (n > (uint64_t)c->max) return TOO_LONG;
        if ((uint64_t)(len - cut - c->width) < n) return NEED_MORE;
        *start = cut + c->width;
        *end = *next = *start + (int64_t)n;
        return FRAME;
    }
    default:
        *start = cut;
        *end = *next = len - cut > PURR__NET_READ_MAX ? cut + PURR__NET_READ_MAX : len;
        return FRAME;
    }
}

void purr__net_cut(purr__net_conn *c) {
    enum { STOP = PURR__NET_PAUSED | PURR__NET_INPUT_DONE | PURR__NET_CLOSED };
    if (!(c->flags & PURR__NET_READING) || (c->flags & STOP)) return;
    while (c->in_flight < c->window) {
        int64_t start = 0, end = 0, next = 0;
        cut_result r = next_frame(c, &start, &end, &next);
        if (r == TOO_LONG) {
            purr__net_frame_too_long(c);
            return;
        }
        if (r == NEED_MORE) {
            if (!(c->flags & PURR__NET_EOF)) break;
            /* The peer sent everything: an unterminated last line is a
             * line; an incomplete prefixed frame is dropped. */
            int64_t left = c->in != NULL ? c->in->len - c->cut : 0;
            if (c->framing == PURR_NET_LINE && left > 0) {
                start = c->cut;
                end = next = c->in->len;
            } else {
                purr__net_input_ended(c);
                break;
            }
        }
        c->cut = next;
        purr__net_send_data(c, purr_bytes_slice(c->in, start, end, NULL));
    }
    purr__net_input_trim(c);
}
