/* fmt_f64.c — str(x) for f64: the shortest text that reads back to x,
 * byte-for-byte the same as Rust's `{:?}`.
 *
 * Digits: the fewest significant digits p such that the decimal nearest to
 * |x| with p digits parses back (strtod) to |x|. printf's "%.*e" and strtod
 * are both correctly rounded in glibc, so this finds the shortest digit
 * string, and among strings of that length the one closest to x, which is
 * what Rust's Grisu/Dragon implementation prints. One correction: when x is a
 * power of two, the gap to the next double below is half the gap above, so
 * the nearest p-digit decimal may fall just outside the interval below x
 * while the next one up lies inside it; that candidate is tried too.
 * Round-tripping is monotone in p (more digits never get further from x), so
 * p is found by binary search over 1..17; 17 digits always round-trip.
 * Ties: when |x| lies exactly halfway between two p-digit decimals, printf
 * rounds to even but Rust rounds up, so the upper one is taken.
 * Only libc is used (no libm), so programs need not link -lm.
 *
 * Layout: decimal when x == 0 or 1e-4 <= |x| < 1e16, always with a
 * fractional digit ("2.0", "0.0001", "1000000000000000.0"); otherwise
 * d[.ddd]e[-]N ("1e16", "1.5e-5"). Special values: inf, -inf, NaN. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* |x| = 0.d[0]d[1]...d[n-1] * 10^(exp + 1), i.e. d[0] is the digit of 10^exp. */
typedef struct decimal {
    char d[20];
    int n;
    int exp;
} decimal;

static void nearest_decimal(double a, int p, decimal *out) {
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.*e", p - 1, a);
    const char *s = tmp;
    out->n = 0;
    for (; *s != 'e'; s++)
        if (*s != '.') out->d[out->n++] = *s;
    out->exp = atoi(s + 1);
}

static double decimal_value(const decimal *x) {
    char tmp[48];
    snprintf(tmp, sizeof tmp, "0.%.*se%d", x->n, x->d, x->exp + 1);
    return strtod(tmp, NULL);
}

/* The next p-digit decimal above x. */
static void decimal_bump(decimal *x) {
    int i = x->n - 1;
    while (i >= 0 && x->d[i] == '9') x->d[i--] = '0';
    if (i >= 0) {
        x->d[i]++;
    } else {
        x->d[0] = '1'; /* 99..9 -> 100..0, one decade up */
        x->exp++;
    }
}

static bool round_trips(double a, int p, bool pow2, decimal *out) {
    nearest_decimal(a, p, out);
    if (decimal_value(out) == a) return true;
    if (!pow2) return false;
    decimal_bump(out);
    return decimal_value(out) == a;
}

/* True when x (p digits, nearest to a by printf) is the lower of two p-digit
 * decimals exactly equidistant from a. The p+1-digit text then ends in 5; an
 * exact tie has no nonzero digit after it, which "%.800e" shows because every
 * double's decimal expansion has at most 767 significant digits. The long
 * print runs only for the rare candidates that pass the cheap test. */
static bool is_lower_tie(double a, const decimal *x) {
    decimal q;
    nearest_decimal(a, x->n + 1, &q);
    if (q.d[x->n] != '5' || q.exp != x->exp || memcmp(q.d, x->d, (size_t)x->n) != 0) return false;
    char exact[832];
    snprintf(exact, sizeof exact, "%.800e", a);
    const char *s = exact + 2 + x->n; /* skip "d." and the digits up to the 5 */
    while (*s == '0') s++;
    return *s == 'e';
}

static void shortest_decimal(double a, decimal *out) {
    uint64_t bits;
    memcpy(&bits, &a, sizeof bits);
    bool pow2 = (bits & 0xfffffffffffffULL) == 0 && (bits >> 52) != 0; /* normal 2^k */
    int lo = 1, hi = 17;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (round_trips(a, mid, pow2, out))
            hi = mid;
        else
            lo = mid + 1;
    }
    round_trips(a, lo, pow2, out);
    if (is_lower_tie(a, out)) decimal_bump(out);
    while (out->n > 1 && out->d[out->n - 1] == '0') out->n--;
}

static char *put_zeros(char *p, int count) {
    for (int i = 0; i < count; i++) *p++ = '0';
    return p;
}

static char *put_digits(char *p, const char *d, int count) {
    memcpy(p, d, (size_t)count);
    return p + count;
}

static char *put_positional(char *p, const decimal *x) {
    if (x->exp < 0) {
        *p++ = '0';
        *p++ = '.';
        p = put_zeros(p, -x->exp - 1);
        return put_digits(p, x->d, x->n);
    }
    int int_digits = x->exp + 1;
    if (x->n > int_digits) {
        p = put_digits(p, x->d, int_digits);
        *p++ = '.';
        return put_digits(p, x->d + int_digits, x->n - int_digits);
    }
    p = put_digits(p, x->d, x->n);
    p = put_zeros(p, int_digits - x->n);
    *p++ = '.';
    *p++ = '0';
    return p;
}

static char *put_exponential(char *p, const decimal *x) {
    *p++ = x->d[0];
    if (x->n > 1) {
        *p++ = '.';
        p = put_digits(p, x->d + 1, x->n - 1);
    }
    return p + sprintf(p, "e%d", x->exp);
}

int purr__fmt_f64(char *buf, double v) {
    const char *special = NULL;
    if (v != v)
        special = "NaN";
    else if (v == 0)
        special = signbit(v) ? "-0.0" : "0.0";
    else if (isinf(v))
        special = v < 0 ? "-inf" : "inf";
    if (special != NULL) {
        size_t n = strlen(special);
        memcpy(buf, special, n + 1);
        return (int)n;
    }

    double a = v < 0 ? -v : v;
    decimal x;
    shortest_decimal(a, &x);
    char *p = buf;
    if (v < 0) *p++ = '-';
    p = (a >= 1e-4 && a < 1e16) ? put_positional(p, &x) : put_exponential(p, &x);
    *p = '\0';
    return (int)(p - buf);
}
