/*  calc_group: the series of one (indicator, breakdown) group, one per
    org unit, as calc assembles them from the observations it reads:
    points pushed in any order, sorted by period, and for an indicator
    that sums up the org tree, the PCN and place series added from the
    reporting-level ones.  */
#ifndef CAREWATCH_CALC_GROUP_H
#define CAREWATCH_CALC_GROUP_H

#include "calc_series.h"
#include "orgtree.h"

//  One series being assembled: the points of one org unit.
typedef struct {
    char *org;                  //  org unit code (owned)
    calc_point_in_t *points;    //  sorted by period before computing
    char **notes;               //  per point, owned, may be NULL
    size_t n, cap;
} calc_group_series_t;

//  Appends a zeroed point with its note (copied; NULL or "" = none).
calc_point_in_t *calc_group_push (calc_group_series_t *s, const char *note);

//  Frees the points, notes, assessments and org code; s is emptied.
void calc_group_series_free (calc_group_series_t *s);

//  Sorts the points (and their notes) by period.
void calc_group_sort (calc_group_series_t *s);

//  Adds to series[0..*nseries) the sums of the series at level `reporting` for
//  every ancestor at PCN and place level, for the periods the ancestor
//  did not report itself; grows *series (capacity *cap) as needed.
void calc_group_aggregate (const orgtree_t *orgs, const char *reporting, calc_group_series_t **series,
                           size_t *nseries, size_t *cap);

#endif
