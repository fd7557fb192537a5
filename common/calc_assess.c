/*  calc_assess: target status, trend, benchmark, gaps and their names.

    The rules follow the partnership's own reports (seeds/): the council's
    quarterly performance scorecard marks each KPI on target / tolerance /
    below target and shows polarity-adjusted trend arrows ("improved" for
    smoking at time of delivery falling from 11.5% to 8.4%); the DQOFH
    framework scores practices against ranges; the Fingertips-style
    tables compare with England by confidence interval.
*/
#include "calc_assess.h"

#include <math.h>
#include <string.h>

//  Status when a value sits on the wrong side of a one-sided threshold:
//  amber if within the tolerance band, else red.
static calc_status_t
s_wrong_side (double distance, double tolerance)
{
    if (!isnan (tolerance) && tolerance > 0.0 && distance <= tolerance)
        return CALC_STATUS_TOLERANCE;
    return CALC_STATUS_BELOW_TARGET;
}

static calc_status_t
s_range_status (double value, calc_polarity_t polarity, double lower, double upper)
{
    if (polarity == CALC_POLARITY_LOWER_BETTER) {
        if (value <= lower)
            return CALC_STATUS_ON_TARGET;
        return value <= upper ? CALC_STATUS_TOLERANCE : CALC_STATUS_BELOW_TARGET;
    }
    if (polarity == CALC_POLARITY_NEUTRAL)
        return value >= lower && value <= upper ? CALC_STATUS_ON_TARGET
                                                : CALC_STATUS_BELOW_TARGET;
    if (value >= upper)
        return CALC_STATUS_ON_TARGET;
    return value >= lower ? CALC_STATUS_TOLERANCE : CALC_STATUS_BELOW_TARGET;
}

calc_status_t
calc_assess_target_status (double value, calc_polarity_t polarity,
                           const calc_target_t *target)
{
    if (!target || target->kind == CALC_TARGET_NONE)
        return CALC_STATUS_NO_TARGET;
    if (isnan (value))
        return CALC_STATUS_MISSING;
    switch (target->kind) {
        case CALC_TARGET_MIN:
            if (isnan (target->threshold))
                return CALC_STATUS_NO_TARGET;
            if (value >= target->threshold)
                return CALC_STATUS_ON_TARGET;
            return s_wrong_side (target->threshold - value, target->tolerance);
        case CALC_TARGET_MAX:
            if (isnan (target->threshold))
                return CALC_STATUS_NO_TARGET;
            if (value <= target->threshold)
                return CALC_STATUS_ON_TARGET;
            return s_wrong_side (value - target->threshold, target->tolerance);
        case CALC_TARGET_ZERO:
            if (value == 0.0)
                return CALC_STATUS_ON_TARGET;
            return s_wrong_side (fabs (value), target->tolerance);
        case CALC_TARGET_RANGE:
            if (isnan (target->lower) || isnan (target->upper))
                return CALC_STATUS_NO_TARGET;
            return s_range_status (value, polarity, target->lower, target->upper);
        case CALC_TARGET_NONE:
            break;
    }
    return CALC_STATUS_NO_TARGET;
}

double
calc_assess_achievement (double value, double lower, double upper)
{
    if (isnan (value) || isnan (lower) || isnan (upper) || upper < lower)
        return NAN;
    if (upper == lower)
        return value >= upper ? 1.0 : 0.0;
    double fraction = (value - lower) / (upper - lower);
    return fraction < 0.0 ? 0.0 : fraction > 1.0 ? 1.0 : fraction;
}

calc_trend_t
calc_assess_trend (double current, double previous,
                   calc_polarity_t polarity, double rel_tolerance)
{
    if (isnan (current) || isnan (previous))
        return CALC_TREND_CANNOT_COMPARE;
    double change = current - previous;
    double band = rel_tolerance > 0.0 ? rel_tolerance * fabs (previous) : 0.0;
    if (fabs (change) <= band)
        return CALC_TREND_CONSISTENT;
    switch (polarity) {
        case CALC_POLARITY_HIGHER_BETTER:
            return change > 0 ? CALC_TREND_IMPROVED : CALC_TREND_WORSENING;
        case CALC_POLARITY_LOWER_BETTER:
            return change < 0 ? CALC_TREND_IMPROVED : CALC_TREND_WORSENING;
        case CALC_POLARITY_NEUTRAL:
            break;
    }
    return change > 0 ? CALC_TREND_HIGHER : CALC_TREND_LOWER;
}

calc_benchmark_t
calc_assess_benchmark (double value, double ci_lo, double ci_hi,
                       double comparator, calc_polarity_t polarity)
{
    if (isnan (value) || isnan (ci_lo) || isnan (ci_hi) || isnan (comparator))
        return CALC_BENCHMARK_NOT_COMPARED;
    if (ci_lo <= comparator && comparator <= ci_hi)
        return CALC_BENCHMARK_SIMILAR;
    //  The interval lies wholly to one side of the comparator.
    int above = ci_lo > comparator;
    switch (polarity) {
        case CALC_POLARITY_HIGHER_BETTER:
            return above ? CALC_BENCHMARK_BETTER : CALC_BENCHMARK_WORSE;
        case CALC_POLARITY_LOWER_BETTER:
            return above ? CALC_BENCHMARK_WORSE : CALC_BENCHMARK_BETTER;
        case CALC_POLARITY_NEUTRAL:
            break;
    }
    return above ? CALC_BENCHMARK_HIGHER : CALC_BENCHMARK_LOWER;
}

int
calc_assess_deprivation_gap (const calc_ranked_value_t *items, size_t n,
                             double *gap, double *ratio)
{
    if (!items)
        return -1;
    double most = NAN, least = NAN;
    int least_rank = 1;
    for (size_t i = 0; i < n; i++) {
        if (isnan (items [i].value))
            continue;
        for (size_t j = 0; j < i; j++)
            if (items [j].rank == items [i].rank && !isnan (items [j].value))
                return -1;
        if (items [i].rank == 1)
            most = items [i].value;
        else if (items [i].rank > least_rank) {
            least_rank = items [i].rank;
            least = items [i].value;
        }
    }
    if (isnan (most) || isnan (least))
        return -1;
    return calc_assess_gap (most, least, gap, ratio);
}

int
calc_assess_gap (double a, double b, double *gap, double *ratio)
{
    if (isnan (a) || isnan (b))
        return -1;
    *gap = a - b;
    *ratio = b != 0.0 ? a / b : NAN;
    return 0;
}

//  Name tables, indexed by enum value.
static const char *s_status_names [] = {
    "no_target", "on_target", "tolerance", "below_target", "missing"
};
static const char *s_trend_names [] = {
    "cannot_compare", "improved", "consistent", "worsening", "higher", "lower"
};
static const char *s_benchmark_names [] = {
    "not_compared", "better", "similar", "worse", "higher", "lower"
};
static const char *s_variation_names [] = {
    "common_cause", "special_cause_improving", "special_cause_concerning",
    "special_cause_neutral", "not_assessed"
};
static const char *s_assurance_names [] = {
    "none", "consistently_passing", "consistently_failing", "hit_and_miss"
};
static const char *s_polarity_names [] = {
    NULL, "higher_better", "lower_better", "neutral"
};
static const char *s_target_kind_names [] = {
    "none", "min", "max", "range", "zero"
};

#define S_COUNT(table) (sizeof (table) / sizeof ((table) [0]))

static const char *
s_name (const char **table, size_t count, int value)
{
    if (value < 0 || (size_t) value >= count || !table [value])
        return "unknown";
    return table [value];
}

//  Index of name in table, or -1.
static int
s_lookup (const char **table, size_t count, const char *name)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (table [i] && strcmp (table [i], name) == 0)
            return (int) i;
    return -1;
}

const char *
calc_status_name (calc_status_t status)
{
    return s_name (s_status_names, S_COUNT (s_status_names), (int) status);
}

const char *
calc_trend_name (calc_trend_t trend)
{
    return s_name (s_trend_names, S_COUNT (s_trend_names), (int) trend);
}

const char *
calc_benchmark_name (calc_benchmark_t benchmark)
{
    return s_name (s_benchmark_names, S_COUNT (s_benchmark_names), (int) benchmark);
}

const char *
calc_variation_name (calc_variation_t variation)
{
    return s_name (s_variation_names, S_COUNT (s_variation_names), (int) variation);
}

const char *
calc_assurance_name (calc_assurance_t assurance)
{
    return s_name (s_assurance_names, S_COUNT (s_assurance_names), (int) assurance);
}

const char *
calc_polarity_name (calc_polarity_t polarity)
{
    return s_name (s_polarity_names, S_COUNT (s_polarity_names), (int) polarity);
}

const char *
calc_target_kind_name (calc_target_kind_t kind)
{
    return s_name (s_target_kind_names, S_COUNT (s_target_kind_names), (int) kind);
}

int
calc_polarity_parse (const char *name, calc_polarity_t *out)
{
    int found = s_lookup (s_polarity_names, S_COUNT (s_polarity_names), name);
    if (found < 0)
        return -1;
    *out = (calc_polarity_t) found;
    return 0;
}

int
calc_target_kind_parse (const char *name, calc_target_kind_t *out)
{
    int found = s_lookup (s_target_kind_names, S_COUNT (s_target_kind_names), name);
    if (found < 0)
        return -1;
    *out = (calc_target_kind_t) found;
    return 0;
}

int
calc_assess_decimals (const char *unit)
{
    static const struct { const char *unit; int decimals; } map [] = {
        { "percent", 1 }, { "percentage_points", 1 }, { "per_1000", 1 }, { "per_10000", 1 },
        { "per_100000", 1 }, { "ratio", 2 }, { "pounds", 2 },
    };
    for (size_t i = 0; unit && i < sizeof map / sizeof map [0]; i++)
        if (strcmp (unit, map [i].unit) == 0)
            return map [i].decimals;
    return -1;
}

double
calc_assess_round (double value, int decimals)
{
    if (decimals < 0 || isnan (value))
        return value;
    double scale = pow (10, decimals);
    //  A little past the scaled value first, so 94.995 (stored as
    //  94.99499999...) rounds as printed.
    double scaled = value * scale;
    return round (scaled + (scaled >= 0 ? 1e-9 : -1e-9)) / scale;
}
