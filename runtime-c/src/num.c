/* num.c — f64 to 64-bit integer conversions.
 *
 * C leaves an out-of-range float-to-integer conversion undefined; Purr gives
 * it Rust's `as` semantics: truncate toward zero, saturate at the target's
 * range, NaN to 0. The bounds are powers of two, exactly representable:
 * INT64_MAX itself is not (it rounds up to 2^63), hence >= 2^63. */
#include "internal.h"

#define TWO_POW_63 9223372036854775808.0
#define TWO_POW_64 18446744073709551616.0

int64_t purr_f64_to_i64(double v) {
    if (v != v) return 0;
    if (v <= -TWO_POW_63) return INT64_MIN;
    if (v >= TWO_POW_63) return INT64_MAX;
    return (int64_t)v;
}

uint64_t purr_f64_to_u64(double v) {
    if (v != v || v <= 0) return 0;
    if (v >= TWO_POW_64) return UINT64_MAX;
    return (uint64_t)v;
}
