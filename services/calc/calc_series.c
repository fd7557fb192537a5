/*  calc_series: one series' derived values.  */
#include "calc_series.h"
#include "calc_store.h"
#include "calc_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
calc_method_parse (const char *name, calc_method_t *out)
{
    static const char *names [] = { NULL, "proportion", "rate", "count", "mean", "published" };
    for (int i = 1; i <= 5; i++)
        if (name && strcmp (name, names [i]) == 0) {
            *out = (calc_method_t) i;
            return 0;
        }
    return -1;
}

bool
calc_series_value (const calc_indicator_t *ind, const calc_point_in_t *in,
                   double *value, double *lo, double *hi)
{
    *value = *lo = *hi = NAN;
    if (in->not_available)
        return false;
    double m = ind->multiplier > 0 ? ind->multiplier : 1;
    //  A figure as published (no counts behind it) stands for any method,
    //  with its published interval when it has one.
    static const calc_indicator_t s_as_published = { .method = CALC_METHOD_PUBLISHED };
    bool counts = in->has_num || in->has_den;
    if (ind->method != CALC_METHOD_COUNT && in->has_value && !counts)
        ind = &s_as_published;
    switch (ind->method) {
        case CALC_METHOD_PROPORTION:
            if (!in->has_num || !in->has_den || in->den <= 0)
                return false;
            *value = in->num / in->den * m;
            if (!ind->no_interval && calc_wilson (in->num, in->den, CALC_Z95, lo, hi) == 0) {
                *lo *= m;
                *hi *= m;
            }
            return true;
        case CALC_METHOD_RATE:
            if (!in->has_num || !in->has_den || in->den <= 0)
                return false;
            if (ind->no_interval || calc_rate_ci (in->num, in->den, m, value, lo, hi)) {
                *value = in->num / in->den * m;
                *lo = *hi = NAN;
            }
            return true;
        case CALC_METHOD_MEAN:
            if (!in->has_num || !in->has_den || in->den <= 0)
                return false;
            *value = in->num / in->den;
            return true;
        case CALC_METHOD_COUNT:
            if (!in->has_value)
                return false;
            *value = in->value;
            if (in->has_ci) {
                *lo = in->ci_lo;
                *hi = in->ci_hi;
            }
            else if (!ind->no_interval)
                calc_byar (in->value, lo, hi);
            return true;
        case CALC_METHOD_PUBLISHED:
        default:
            if (!in->has_value)
                return false;
            *value = in->value;
            if (in->has_ci) {
                *lo = in->ci_lo;
                *hi = in->ci_hi;
            }
            return true;
    }
}

const calc_target_t *
calc_series_target (const calc_indicator_t *ind, period_day_t day)
{
    const calc_target_t *found = NULL;
    for (size_t i = 0; i < ind->ntargets; i++)
        if (ind->targets [i].from <= day)
            found = &ind->targets [i].target;
    return found;
}

//  Index of the point for period p in a sorted array, or -1.
static long
s_find (const calc_point_in_t *in, size_t n, const period_t *p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = period_compare (&in [mid].period, p);
        if (c == 0)
            return (long) mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

//  A published comparison ("better", "similar", ...) given by the data
//  owner, used where carewatch has no interval of its own.
static bool
s_published_benchmark (const char *text, calc_benchmark_t *out)
{
    static const struct { const char *name; calc_benchmark_t b; } map [] = {
        { "better", CALC_BENCHMARK_BETTER }, { "similar", CALC_BENCHMARK_SIMILAR },
        { "worse", CALC_BENCHMARK_WORSE }, { "higher", CALC_BENCHMARK_HIGHER },
        { "lower", CALC_BENCHMARK_LOWER },
    };
    for (size_t i = 0; text && i < sizeof map / sizeof map [0]; i++)
        if (strcmp (text, map [i].name) == 0) {
            *out = map [i].b;
            return true;
        }
    return false;
}

static void
s_spc (const calc_indicator_t *ind, size_t n, const period_day_t *out_start, calc_point_out_t *out)
{
    double *values = malloc ((n ? n : 1) * sizeof *values);
    size_t *index = malloc ((n ? n : 1) * sizeof *index);
    calc_spc_point_t *points = malloc ((n ? n : 1) * sizeof *points);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan (out [i].value)) {
            values [m] = out [i].value;
            index [m++] = i;
        }
    calc_spc_options_t opts;
    calc_spc_options_init (&opts);
    opts.polarity = ind->polarity;
    //  Assurance is judged against the target in force at the latest point.
    const calc_target_t *t = m ? out [index [m - 1]].target : NULL;
    if (t && (t->kind == CALC_TARGET_MIN || t->kind == CALC_TARGET_MAX))
        opts.target = t->threshold;
    else if (t && t->kind == CALC_TARGET_ZERO)
        opts.target = 0;
    else if (t && t->kind == CALC_TARGET_RANGE)
        opts.target = ind->polarity == CALC_POLARITY_LOWER_BETTER ? t->lower : t->upper;
    //  A stated process change restarts the limits at the first charted
    //  point on or after it.
    size_t *rebase = malloc ((ind->nrebase ? ind->nrebase : 1) * sizeof *rebase);
    size_t nrebase = 0;
    for (size_t r = 0; r < ind->nrebase; r++)
        for (size_t k = 1; k < m; k++)
            if (out_start [index [k]] >= ind->rebase [r]) {
                if ((!nrebase || rebase [nrebase - 1] < k))
                    rebase [nrebase++] = k;
                break;
            }
    opts.rebase_at = rebase;
    opts.rebase_count = nrebase;
    calc_spc_summary_t summary;
    int rc = m >= 2 ? calc_spc_compute (values, m, &opts, points, &summary) : -1;
    if (rc && nrebase) {
        //  A segment too short to chart: fall back to one set of limits.
        opts.rebase_count = 0;
        rc = calc_spc_compute (values, m, &opts, points, &summary);
    }
    free (rebase);
    if (rc == 0)
        for (size_t k = 0; k < m; k++) {
            calc_point_out_t *o = &out [index [k]];
            o->has_spc = true;
            o->spc = points [k];
            o->assurance = summary.assurance;
            o->trial_limits = summary.trial_limits;
        }
    free (values);
    free (index);
    free (points);
}

int
calc_series_compute (const calc_indicator_t *ind, const calc_point_in_t *in, size_t n,
                     const calc_point_in_t *england, size_t nengland, calc_point_out_t *out)
{
    for (size_t i = 1; i < n; i++)
        if (period_compare (&in [i - 1].period, &in [i].period) >= 0)
            return -1;
    for (size_t i = 0; i < n; i++) {
        calc_point_out_t *o = &out [i];
        memset (o, 0, sizeof *o);
        calc_series_value (ind, &in [i], &o->value, &o->ci_lo, &o->ci_hi);
        o->target = calc_series_target (ind, in [i].period.start);
        //  At the published precision: what the report prints is what it scores.
        o->status = o->target ? calc_assess_target_status (calc_assess_round (o->value, ind->rounds ? ind->decimals : -1),
                                                           ind->polarity, o->target)
                              : CALC_STATUS_NO_TARGET;
        o->achievement = o->target && o->target->kind == CALC_TARGET_RANGE
                       ? calc_assess_achievement (o->value, o->target->lower, o->target->upper) : NAN;
        o->england = NAN;
        o->benchmark = CALC_BENCHMARK_NOT_COMPARED;
        o->short_trend = o->annual_trend = CALC_TREND_CANNOT_COMPARE;
    }
    for (size_t i = 0; i < n; i++) {
        calc_point_out_t *o = &out [i];
        period_t p;
        long j;
        if (period_previous (&in [i].period, &p) == 0 && (j = s_find (in, n, &p)) >= 0)
            o->short_trend = calc_assess_trend (o->value, out [j].value, ind->polarity, ind->trend_tolerance);
        if (period_same_last_year (&in [i].period, &p) == 0 && (j = s_find (in, n, &p)) >= 0)
            o->annual_trend = calc_assess_trend (o->value, out [j].value, ind->polarity, ind->trend_tolerance);
        if (!ind->benchmark || isnan (o->value))
            continue;
        if (england && (j = s_find (england, nengland, &in [i].period)) >= 0) {
            double ev, elo, ehi;
            if (calc_series_value (ind, &england [j], &ev, &elo, &ehi)) {
                o->england = ev;
                o->benchmark = calc_assess_benchmark (o->value, o->ci_lo, o->ci_hi, ev, ind->polarity);
            }
        }
        //  The publisher's verdict stands where carewatch cannot make its
        //  own (no interval, or no England value for the period).
        calc_benchmark_t published;
        if (o->benchmark == CALC_BENCHMARK_NOT_COMPARED && s_published_benchmark (in [i].assessment, &published))
            o->benchmark = published;
    }
    period_day_t *starts = malloc ((n ? n : 1) * sizeof *starts);
    for (size_t i = 0; i < n; i++)
        starts [i] = in [i].period.start;
    s_spc (ind, n, starts, out);
    free (starts);
    return 0;
}
