/* types.c — descriptors of the built-in element types.
 *
 * Containers reach their elements only through a purr_type, so a list<string>
 * and a list<Point> share one implementation. Scalars are plain data (dup and
 * drop NULL); the refcounted types retain on dup and release on drop. eq,
 * hash and cmp are given where the language uses them: eq for ==, hash for
 * map keys (integers, bool, string), cmp for list_sort (integers, strings). */
#include "internal.h"

/* Integers and bool: hash the value widened to 64 bits. */
#define PURR_SCALAR_TYPE(NAME, CT)                                                  \
    static bool NAME##_eq(const void *a, const void *b) {                           \
        return *(const CT *)a == *(const CT *)b;                                    \
    }                                                                               \
    static uint64_t NAME##_hash(const void *a) {                                    \
        return purr__mix64((uint64_t)*(const CT *)a);                               \
    }                                                                               \
    static int NAME##_cmp(const void *a, const void *b) {                           \
        CT x = *(const CT *)a, y = *(const CT *)b;                                  \
        return (x > y) - (x < y);                                                   \
    }                                                                               \
    const purr_type purr_type_##NAME = {sizeof(CT), NULL, NULL, NAME##_eq, NAME##_hash, NAME##_cmp};

PURR_SCALAR_TYPE(i8, int8_t)
PURR_SCALAR_TYPE(i16, int16_t)
PURR_SCALAR_TYPE(i32, int32_t)
PURR_SCALAR_TYPE(i64, int64_t)
PURR_SCALAR_TYPE(u8, uint8_t)
PURR_SCALAR_TYPE(u16, uint16_t)
PURR_SCALAR_TYPE(u32, uint32_t)
PURR_SCALAR_TYPE(u64, uint64_t)
PURR_SCALAR_TYPE(bool, bool)
#undef PURR_SCALAR_TYPE

/* f64 is not a map key type, so it has no hash. eq is IEEE == (NaN != NaN,
 * 0.0 == -0.0), as the == operator; cmp needs a total order for sorting, so
 * NaN sorts after every number and equal to itself. */
static bool f64_eq(const void *a, const void *b) { return *(const double *)a == *(const double *)b; }
static int f64_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    if (x < y) return -1;
    if (x > y) return 1;
    if (x == y) return 0;
    return (x != x) - (y != y);
}
const purr_type purr_type_f64 = {sizeof(double), NULL, NULL, f64_eq, NULL, f64_cmp};

/* ptr: opaque C pointers compare by address. */
static bool ptr_eq(const void *a, const void *b) { return *(void *const *)a == *(void *const *)b; }
static uint64_t ptr_hash(const void *a) { return purr__mix64((uint64_t)(uintptr_t)*(void *const *)a); }
const purr_type purr_type_ptr = {sizeof(void *), NULL, NULL, ptr_eq, ptr_hash, NULL};

/* The refcounted types: a value is a pointer to a shared object, so copying
 * it is a retain and dropping it a release. */
#define PURR_RC_TYPE_OPS(NAME)                                                      \
    static void NAME##_dup(void *dst, const void *src) {                            \
        purr_##NAME *p = *(purr_##NAME *const *)src;                                \
        purr_##NAME##_retain(p);                                                    \
        *(purr_##NAME **)dst = p;                                                   \
    }                                                                               \
    static void NAME##_drop(void *v) { purr_##NAME##_release(*(purr_##NAME **)v); }

PURR_RC_TYPE_OPS(str)
PURR_RC_TYPE_OPS(bytes)
PURR_RC_TYPE_OPS(list)
PURR_RC_TYPE_OPS(map)
#undef PURR_RC_TYPE_OPS

static bool str_eq(const void *a, const void *b) {
    return purr_str_eq(*(purr_str *const *)a, *(purr_str *const *)b);
}
static uint64_t str_hash(const void *a) { return purr_str_hash(*(purr_str *const *)a); }
static int str_cmp(const void *a, const void *b) {
    return purr_str_cmp(*(purr_str *const *)a, *(purr_str *const *)b);
}
const purr_type purr_type_str = {sizeof(purr_str *), str_dup, str_drop,
                                 str_eq, str_hash, str_cmp};

static bool bytes_eq(const void *a, const void *b) {
    return purr_bytes_eq(*(purr_bytes *const *)a, *(purr_bytes *const *)b);
}
const purr_type purr_type_bytes = {sizeof(purr_bytes *), bytes_dup, bytes_drop,
                                   bytes_eq, NULL, NULL};

static bool list_eq(const void *a, const void *b) {
    return purr_list_eq(*(purr_list *const *)a, *(purr_list *const *)b);
}
const purr_type purr_type_list = {sizeof(purr_list *), list_dup, list_drop,
                                  list_eq, NULL, NULL};

/* Maps have no == in the language, so no eq. */
const purr_type purr_type_map = {sizeof(purr_map *), map_dup, map_drop, NULL, NULL, NULL};
