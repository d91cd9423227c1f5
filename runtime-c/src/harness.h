/* harness.h — what the test and bench harness's two files share: test.c
 * (running one case, stdout capture, expectations, the hooks of panics,
 * faults and the step limit) and test_main.c (the mains: options, seeds,
 * explore, the reports). */
#ifndef PURR_HARNESS_H
#define PURR_HARNESS_H

#include "internal.h"

/* A growable text buffer on plain malloc: harness memory stays out of the
 * heap counters that benches report and tests check.
 * Invariant: data[0..len) is the text, len <= cap; data is NULL when cap
 * is 0. */
typedef struct purr__buf {
    char *data;
    size_t len, cap;
} purr__buf;

void purr__buf_add(purr__buf *b, const char *data, size_t len);
void purr__buf_cstr(purr__buf *b, const char *s);
void purr__buf_free(purr__buf *b);
/* As a NUL-terminated string (the terminator is not counted in len). */
const char *purr__buf_text(purr__buf *b);

/* What the running (or last) case left for its report: the text of its
 * failure; what print wrote since the last expect_output; in seeded tests
 * the faults of its handlers, a line each (at most PURR__SHOWN_FAULTS;
 * faults_seen counts them all). run_case empties them at its start. */
typedef struct purr__case_state {
    purr__buf failure, captured, faults;
    int64_t faults_seen;
} purr__case_state;
extern purr__case_state purr__case;
enum { PURR__SHOWN_FAULTS = 5 };

/* Runs one case body on a fresh scheduler of kind `sched` with print going
 * to `out`. Returns true when it finished, false when it failed (the text
 * is in purr__case.failure). With `m`, also measures the body: wall time
 * into *ns, the metrics into *m (before shutdown releases everything). */
bool purr__run_case(const char *kind, const purr_test_case *c, purr_sched_kind sched, purr__out_mode out,
                    purr_metrics *m, int64_t *ns);

#endif /* PURR_HARNESS_H */
