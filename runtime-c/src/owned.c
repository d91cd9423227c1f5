/* owned.c — the owned stack (purr.h): what the frames of generated code
 * own, so that a panic can release it.
 *
 * Invariants:
 *   - purr__owned[0 .. purr__owned_top) are the entries of the frames now
 *     on the C stack, oldest frame first; an entry's slot is NULL or the
 *     address of a live C variable that owns one value of entry.type.
 *   - purr__owned_cap >= purr__owned_top; the array grows by realloc, which
 *     is safe because entries hold addresses of C variables, never of
 *     other entries.
 *   - Only the scheduler thread touches it (generated code runs there). */
#include "internal.h"

#include <stdlib.h>

purr_owned *purr__owned;
size_t purr__owned_top, purr__owned_cap;

/* The stand-ins of lent state fields (purr.h): immortal (rc < 0), empty. */
purr_str purr__vacant_str = {.rc = -1};
purr_bytes purr__vacant_bytes = {.rc = -1};
purr_list purr__vacant_list = {.rc = -1};
purr_map purr__vacant_map = {.rc = -1};

void purr__owned_grow(size_t need) {
    purr__owned = purr__table_grow(purr__owned, &purr__owned_cap, need, 256, sizeof *purr__owned, "owned stack");
}

void purr__owned_release_from(size_t base) {
    while (purr__owned_top > base) {
        purr_owned *e = &purr__owned[--purr__owned_top];
        if (e->slot != NULL) e->type->drop(e->slot);
    }
}

void purr__owned_free(void) {
    free(purr__owned);
    purr__owned = NULL;
    purr__owned_top = purr__owned_cap = 0;
}
