/*  calc_group: the series of one (indicator, breakdown) group as calc
    assembles them from observations, sorts them and sums them up the
    org tree.  */
#include "calc_group.h"
#include "calc_store.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

calc_point_in_t *
calc_group_push (calc_group_series_t *s, const char *note)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->points = realloc (s->points, s->cap * sizeof *s->points);
        s->notes = realloc (s->notes, s->cap * sizeof *s->notes);
    }
    s->notes [s->n] = note && *note ? strdup (note) : NULL;
    calc_point_in_t *p = &s->points [s->n++];
    memset (p, 0, sizeof *p);
    return p;
}

void
calc_group_series_free (calc_group_series_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free (s->notes [i]);
        free ((char *) s->points [i].assessment);
    }
    free (s->notes);
    free (s->points);
    free (s->org);
    memset (s, 0, sizeof *s);
}

//  Sorting points and notes together: sort an index, then permute.
static int
s_cmp_point (const void *a, const void *b)
{
    return period_compare (&((const calc_point_in_t *) a)->period, &((const calc_point_in_t *) b)->period);
}

void
calc_group_sort (calc_group_series_t *s)
{
    bool sorted = true;
    for (size_t i = 1; i < s->n && sorted; i++)
        sorted = period_compare (&s->points [i - 1].period, &s->points [i].period) < 0;
    if (sorted)
        return;
    //  Notes ride along by being stashed in the assessment slot's neighbour:
    //  simplest is to sort pairs.
    typedef struct { calc_point_in_t p; char *note; } pair_t;
    pair_t *pairs = malloc (s->n * sizeof *pairs);
    for (size_t i = 0; i < s->n; i++)
        pairs [i] = (pair_t) { s->points [i], s->notes [i] };
    qsort (pairs, s->n, sizeof *pairs, s_cmp_point);
    for (size_t i = 0; i < s->n; i++) {
        s->points [i] = pairs [i].p;
        s->notes [i] = pairs [i].note;
    }
    free (pairs);
}

//  For an aggregating indicator, adds the sums of the reporting-level
//  series to every ancestor at PCN and place level, for the periods the
//  ancestor did not report itself.
void
calc_group_aggregate (const orgtree_t *orgs, const char *reporting, calc_group_series_t **series,
                      size_t *nseries, size_t *cap)
{
    zhashx_t *own = zhashx_new ();      //  "org\x1fperiod" reported directly
    zhashx_t *sums = zhashx_new ();     //  "org\x1fperiod" -> index into acc
    zhashx_set_destructor (sums, NULL);
    typedef struct { char org [72]; calc_point_in_t p; } acc_t;
    acc_t *acc = NULL;
    size_t nacc = 0, capacc = 0;
    char key [160], code [PERIOD_CODE_MAX];
    for (size_t i = 0; i < *nseries; i++)
        for (size_t k = 0; k < (*series) [i].n; k++) {
            snprintf (key, sizeof key, "%s\x1f%s", (*series) [i].org,
                      period_format (&(*series) [i].points [k].period, code, sizeof code));
            zhashx_update (own, key, (void *) 1);
        }
    for (size_t i = 0; i < *nseries; i++) {
        const char *level = orgtree_level (orgs, (*series) [i].org);
        if (!level || strcmp (level, reporting) != 0)
            continue;
        for (size_t k = 0; k < (*series) [i].n; k++) {
            const calc_point_in_t *p = &(*series) [i].points [k];
            if (p->not_available)
                continue;
            const char *up = orgtree_parent (orgs, (*series) [i].org);
            for (int depth = 0; up && depth < 8; depth++) {
                const char *alevel = orgtree_level (orgs, up);
                if (!alevel || (strcmp (alevel, "pcn") && strcmp (alevel, "place")))
                    break;
                snprintf (key, sizeof key, "%s\x1f%s", up, period_format (&p->period, code, sizeof code));
                if (!zhashx_lookup (own, key)) {
                    uintptr_t at = (uintptr_t) zhashx_lookup (sums, key);
                    if (!at) {
                        if (nacc == capacc) {
                            capacc = capacc ? capacc * 2 : 64;
                            acc = realloc (acc, capacc * sizeof *acc);
                        }
                        memset (&acc [nacc], 0, sizeof acc [nacc]);
                        snprintf (acc [nacc].org, sizeof acc [nacc].org, "%s", up);
                        acc [nacc].p.period = p->period;
                        at = ++nacc;
                        zhashx_insert (sums, key, (void *) at);
                    }
                    calc_point_in_t *sum = &acc [at - 1].p;
                    sum->has_num |= p->has_num;
                    sum->has_den |= p->has_den;
                    sum->has_value |= p->has_value;
                    sum->num += p->has_num ? p->num : 0;
                    sum->den += p->has_den ? p->den : 0;
                    sum->value += p->has_value ? p->value : 0;
                }
                up = orgtree_parent (orgs, up);
            }
        }
    }
    //  Sums become points of the ancestors' series.
    for (size_t a = 0; a < nacc; a++) {
        calc_group_series_t *target = NULL;
        for (size_t i = 0; i < *nseries && !target; i++)
            if (strcmp ((*series) [i].org, acc [a].org) == 0)
                target = &(*series) [i];
        if (!target) {
            if (*nseries == *cap) {
                *cap = *cap ? *cap * 2 : 16;
                *series = realloc (*series, *cap * sizeof **series);
            }
            target = &(*series) [(*nseries)++];
            memset (target, 0, sizeof *target);
            target->org = strdup (acc [a].org);
        }
        *calc_group_push (target, NULL) = acc [a].p;
    }
    free (acc);
    zhashx_destroy (&own);
    zhashx_destroy (&sums);
}
