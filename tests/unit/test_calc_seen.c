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

//  A bounded table: never larger than max_bytes, whatever it is fed.
//  What it holds is still answered right, and a key it had no room for
//  always says "write".
static void
test_bounded (void)
{
    calc_seen_t seen = { .max_bytes = 64 * 1024 };      //  4,096 slots
    for (uint64_t k = 1; k <= 100000; k++)
        CHECK (!calc_seen_check (&seen, k << 20, k));
    CHECK (seen.cap * 2 * sizeof (uint64_t) <= seen.max_bytes);
    CHECK (seen.cap == 4096);
    CHECK (seen.n * 4 <= seen.cap * 3);
    size_t held = 0, written = 0, wrong = 0;
    for (uint64_t k = 1; k <= 100000; k++)
        if (calc_seen_check (&seen, k << 20, k))
            held++;
        else
            written++;
    CHECK (held == seen.n);
    CHECK (written == 100000 - seen.n);
    //  A held key whose value changed is written, and remembered.
    for (uint64_t k = 1; k <= 100000; k++)
        if (calc_seen_check (&seen, k << 20, k)) {
            wrong += calc_seen_check (&seen, k << 20, k + 1);
            wrong += !calc_seen_check (&seen, k << 20, k + 1);
            break;
        }
    CHECK_INT (wrong, 0);
    //  Unknown keys are still never reported as seen.
    for (uint64_t k = 200001; k <= 201000; k++)
        wrong += calc_seen_check (&seen, k << 20, k);
    CHECK_INT (wrong, 0);
    calc_seen_free (&seen);

    //  The default bound applies when none is set.
    calc_seen_t dflt = { 0 };
    for (uint64_t k = 1; k <= 2000; k++)
        calc_seen_check (&dflt, k, k);
    CHECK (dflt.cap * 2 * sizeof (uint64_t) <= CALC_SEEN_MAX_BYTES);
    calc_seen_free (&dflt);
}

int
main (void)
{
    test_hash ();
    test_check ();
    test_bounded ();
    return check_done ("test_calc_seen");
}
