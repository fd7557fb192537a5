/*  test_calc_group: series assembly, sorting and the sums up the org tree.  */
#include "check.h"
#include "calc_group.h"

#include <stdlib.h>
#include <string.h>

static calc_point_in_t *
s_point (calc_group_series_t *s, const char *period, double num, double den, const char *note)
{
    calc_point_in_t *p = calc_group_push (s, note);
    CHECK_INT (period_parse (period, &p->period, NULL, 0), 0);
    p->has_num = p->has_den = true;
    p->num = num;
    p->den = den;
    return p;
}

static calc_group_series_t *
s_find (calc_group_series_t *series, size_t n, const char *org)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp (series [i].org, org) == 0)
            return &series [i];
    return NULL;
}

static void
test_sort_keeps_notes (void)
{
    calc_group_series_t s = { .org = strdup ("p1") };
    s_point (&s, "FY2023-24", 3, 10, "third");
    s_point (&s, "FY2021-22", 1, 10, "first");
    s_point (&s, "FY2022-23", 2, 10, "");
    calc_group_sort (&s);
    CHECK_INT (s.n, 3);
    CHECK_NEAR (s.points [0].num, 1, 0);
    CHECK_NEAR (s.points [2].num, 3, 0);
    //  Notes travel with their points; an empty note is none.
    CHECK_STR (s.notes [0], "first");
    CHECK (s.notes [1] == NULL);
    CHECK_STR (s.notes [2], "third");
    calc_group_series_free (&s);
    CHECK (s.n == 0 && s.points == NULL && s.org == NULL);
}

static void
test_aggregate (void)
{
    orgtree_t *t = orgtree_new ();
    orgtree_add (t, "england", "england", NULL);
    orgtree_add (t, "dudley", "place", "england");
    orgtree_add (t, "pcn-a", "pcn", "dudley");
    orgtree_add (t, "pcn-b", "pcn", "dudley");
    orgtree_add (t, "p1", "practice", "pcn-a");
    orgtree_add (t, "p2", "practice", "pcn-a");
    orgtree_add (t, "p3", "practice", "pcn-b");

    size_t n = 0, cap = 8;
    calc_group_series_t *series = calloc (cap, sizeof *series);
    const char *orgs [] = { "p1", "p2", "p3", "pcn-b" };
    for (int i = 0; i < 4; i++)
        series [n++].org = strdup (orgs [i]);
    s_point (&series [0], "2024-04", 70, 100, NULL);
    s_point (&series [0], "2024-05", 72, 100, NULL);
    s_point (&series [1], "2024-04", 90, 100, NULL);
    calc_point_in_t *na = s_point (&series [1], "2024-05", 0, 0, NULL);
    na->not_available = true;
    s_point (&series [2], "2024-04", 10, 50, NULL);
    //  pcn-b reported April itself: its own figure stands, no sum.
    s_point (&series [3], "2024-04", 11, 55, NULL);
    s_point (&series [2], "2024-05", 20, 50, NULL);

    calc_group_aggregate (t, "practice", &series, &n, &cap);
    calc_group_series_t *a = s_find (series, n, "pcn-a"), *b = s_find (series, n, "pcn-b"),
                        *d = s_find (series, n, "dudley");
    CHECK (a && b && d);
    CHECK (s_find (series, n, "england") == NULL);     //  only PCN and place
    if (a && b && d) {
        calc_group_sort (a);
        calc_group_sort (b);
        calc_group_sort (d);
        //  pcn-a: April 70 + 90 of 200; May only p1 (p2 not available).
        CHECK_INT (a->n, 2);
        CHECK_NEAR (a->points [0].num, 160, 0);
        CHECK_NEAR (a->points [0].den, 200, 0);
        CHECK_NEAR (a->points [1].num, 72, 0);
        CHECK_NEAR (a->points [1].den, 100, 0);
        //  pcn-b: its own April, the summed May.
        CHECK_INT (b->n, 2);
        CHECK_NEAR (b->points [0].num, 11, 0);
        CHECK_NEAR (b->points [0].den, 55, 0);
        CHECK_NEAR (b->points [1].num, 20, 0);
        //  dudley sums the practices, not the PCNs' own figures.
        CHECK_INT (d->n, 2);
        CHECK_NEAR (d->points [0].num, 170, 0);
        CHECK_NEAR (d->points [0].den, 250, 0);
        CHECK_NEAR (d->points [1].num, 92, 0);
        CHECK_NEAR (d->points [1].den, 150, 0);
    }
    for (size_t i = 0; i < n; i++)
        calc_group_series_free (&series [i]);
    free (series);
    orgtree_destroy (&t);
}

int
main (void)
{
    test_sort_keeps_notes ();
    test_aggregate ();
    return check_done ("test_calc_group");
}
