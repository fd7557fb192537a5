/*  test_calc_seen: the fingerprint table calc uses to skip unchanged rows.  */
#include "check.h"
#include "calc_seen.h"

#include <string.h>

static void
test_hash (void)
{
    //  Same bytes, same hash; a changed byte, seed or length changes it.
    uint64_t a = calc_seen_hash ("pi-2257\tdudley", 14, 0);
    CHECK (a == calc_seen_hash ("pi-2257\tdudley", 14, 0));
    CHECK (a != calc_seen_hash ("pi-2257\tdudlez", 14, 0));
    CHECK (a != calc_seen_hash ("pi-2257\tdudley", 14, 1));
    CHECK (a != calc_seen_hash ("pi-2257\tdudley", 13, 0));
    CHECK (calc_seen_hash ("", 0, 0) != 0);
    //  In steps, the same as in one go.
    uint64_t h = calc_seen_start (0);
    h = calc_seen_feed (h, "pi-2257", 7);
    h = calc_seen_feed (h, "\tdudley", 7);
    CHECK (calc_seen_final (h) == a);
}

static void
test_check (void)
{
    calc_seen_t seen = { 0 };
    //  First sight: must be written; the same again: skip.
    CHECK (!calc_seen_check (&seen, 42, 7));
    CHECK (calc_seen_check (&seen, 42, 7));
    //  A new fingerprint: written, and remembered.
    CHECK (!calc_seen_check (&seen, 42, 8));
    CHECK (calc_seen_check (&seen, 42, 8));
    CHECK (!calc_seen_check (&seen, 42, 7));
    CHECK_INT (seen.n, 1);
    //  Key 0 is the empty marker: it is stored as another key, not lost.
    CHECK (!calc_seen_check (&seen, 0, 5));
    CHECK (calc_seen_check (&seen, 0, 5));

    //  Many keys, through several growths, colliding low bits included:
    //  every one is kept with its own fingerprint.
    for (uint64_t k = 1; k <= 100000; k++)
        calc_seen_check (&seen, k << 20, k * 3);
    CHECK (seen.n == 100002);
    CHECK (seen.n * 4 <= seen.cap * 3);
    int wrong = 0;
    for (uint64_t k = 1; k <= 100000; k++)
        wrong += !calc_seen_check (&seen, k << 20, k * 3);
    CHECK_INT (wrong, 0);
    CHECK (!calc_seen_check (&seen, 777ULL << 20, 1));

    //  Cleared: everything must be written again.
    calc_seen_clear (&seen);
    CHECK_INT (seen.n, 0);
    CHECK (!calc_seen_check (&seen, 42, 8));
    CHECK (!calc_seen_check (&seen, 5ULL << 20, 15));
    calc_seen_free (&seen);
    CHECK (seen.keys == NULL && seen.cap == 0);
}

int
main (void)
{
    test_hash ();
    test_check ();
    return check_done ("test_calc_seen");
}
