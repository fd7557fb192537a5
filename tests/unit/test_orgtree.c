/*  orgtree: levels, parents, ancestors and "within" over a small tree.  */
#include "check.h"
#include "orgtree.h"

int
main (void)
{
    orgtree_t *t = orgtree_new ();
    orgtree_add (t, "england", "england", NULL);
    orgtree_add (t, "dudley", "place", "england");
    orgtree_add (t, "pcn-a", "pcn", "dudley");
    orgtree_add (t, "p1", "practice", "pcn-a");
    orgtree_add (t, "ward-x", "ward", "dudley");
    CHECK_STR (orgtree_level (t, "p1"), "practice");
    CHECK_STR (orgtree_parent (t, "p1"), "pcn-a");
    CHECK (orgtree_parent (t, "england") == NULL);
    CHECK (orgtree_level (t, "nowhere") == NULL);
    const char *up [8];
    CHECK_INT (orgtree_ancestors (t, "p1", up, 8), 3);
    CHECK_STR (up [0], "pcn-a");
    CHECK_STR (up [2], "england");
    CHECK_INT (orgtree_ancestors (t, "p1", up, 2), 2);
    CHECK (orgtree_within (t, "p1", "dudley"));
    CHECK (orgtree_within (t, "dudley", "dudley"));
    CHECK (!orgtree_within (t, "ward-x", "pcn-a"));
    CHECK (!orgtree_within (t, "dudley", "p1"));
    //  A cycle in bad data ends at the bound instead of looping.
    orgtree_add (t, "loop-a", "pcn", "loop-b");
    orgtree_add (t, "loop-b", "pcn", "loop-a");
    CHECK_INT (orgtree_ancestors (t, "loop-a", up, 8), 8);
    CHECK (!orgtree_within (t, "loop-a", "dudley"));
    //  Replacing a unit moves it.
    orgtree_add (t, "p1", "practice", "dudley");
    CHECK_INT (orgtree_ancestors (t, "p1", up, 8), 2);
    orgtree_destroy (&t);
    orgtree_destroy (&t);
    CHECK (t == NULL);
    return check_done ("test_orgtree");
}
