/*  calc_spc: XmR chart, special cause rules, variation and assurance.

    The arithmetic and the rules follow NHSRplotthedots (ptd_spc_standard
    and ptd_calculate_point_type), the NHS-R implementation of NHS
    England's "Making Data Count", so a chart here flags the same points
    as the R package does for the same data.  The rules are applied as
    passes from the lowest priority to the highest, each overwriting what
    the one before marked, so the highest-priority rule that matches a
    point is the one that stays.
*/
#include "calc_spc.h"
#include "calc_store.h"

#include <math.h>

#define S_DEFAULT_LENGTH      7
#define S_DEFAULT_TRIAL_BELOW 13

void
calc_spc_options_init (calc_spc_options_t *self)
{
    self->trend_length = S_DEFAULT_LENGTH;
    self->run_length = S_DEFAULT_LENGTH;
    self->screen_outliers = true;
    self->baseline_points = 0;
    self->trial_below = S_DEFAULT_TRIAL_BELOW;
    self->rebase_at = NULL;
    self->rebase_count = 0;
    self->polarity = CALC_POLARITY_NEUTRAL;
    self->target = NAN;
}

static int
s_sign (double x)
{
    return (x > 0.0) - (x < 0.0);
}

static int
s_options_valid (const calc_spc_options_t *options, size_t n)
{
    if (options->trend_length < 2 || options->run_length < 2)
        return 0;
    if (options->rebase_count > 0 && !options->rebase_at)
        return 0;
    size_t previous = 0;
    for (size_t i = 0; i < options->rebase_count; i++) {
        size_t at = options->rebase_at [i];
        if (at <= previous || at >= n)
            return 0;
        previous = at;
    }
    return 1;
}

//  The limits of one segment [start, end) from its baseline.  Writes the
//  lines into every point of the segment; returns the number of moving
//  ranges screened out, or -1 when the baseline has no moving range.
static int
s_segment_limits (const double *values, size_t start, size_t end,
                  const calc_spc_options_t *options, calc_spc_point_t *points,
                  size_t *baseline_out)
{
    size_t stop = end;
    if (options->baseline_points > 0 && start + options->baseline_points < end)
        stop = start + options->baseline_points;
    size_t count = stop - start;
    if (count < 2)
        return -1;

    double sum = 0.0;
    for (size_t i = start; i < stop; i++)
        sum += values [i];
    double mean = sum / (double) count;

    double mr_sum = 0.0;
    for (size_t i = start + 1; i < stop; i++)
        mr_sum += fabs (values [i] - values [i - 1]);
    double mr_bar = mr_sum / (double) (count - 1);

    //  Screening drops ranges at or above the upper range limit (kept only
    //  when strictly below, as NHSRplotthedots does).  With MR-bar 0 every
    //  range is 0 and would be dropped, leaving no MR-bar at all: a flat
    //  baseline is left alone instead.
    int excluded = 0;
    if (options->screen_outliers && mr_bar > 0.0) {
        double cut = CALC_SPC_SCREEN * mr_bar;
        double kept_sum = 0.0;
        size_t kept = 0;
        for (size_t i = start + 1; i < stop; i++) {
            double mr = fabs (values [i] - values [i - 1]);
            if (mr < cut) {
                kept_sum += mr;
                kept++;
            }
            else
                excluded++;
        }
        //  At least the smallest range is below 3.267 x the mean range.
        mr_bar = kept_sum / (double) kept;
    }

    for (size_t i = start; i < end; i++) {
        points [i].mean = mean;
        points [i].mr_bar = mr_bar;
        points [i].ucl = mean + CALC_SPC_LIMIT * mr_bar;
        points [i].lcl = mean - CALC_SPC_LIMIT * mr_bar;
        points [i].upper_two_sigma = mean + CALC_SPC_NEAR_LIMIT * mr_bar;
        points [i].lower_two_sigma = mean - CALC_SPC_NEAR_LIMIT * mr_bar;
    }
    *baseline_out = count;
    return excluded;
}

static void
s_mark (calc_spc_point_t *point, calc_spc_rule_t rule, int direction)
{
    point->special_cause = true;
    point->rule = rule;
    point->direction = direction;
}

static int
s_outside (double value, const calc_spc_point_t *point)
{
    return value > point->ucl || value < point->lcl;
}

//  Beyond two sigma but not beyond the process limits.
static int
s_close (double value, const calc_spc_point_t *point)
{
    return !s_outside (value, point)
        && (value > point->upper_two_sigma || value < point->lower_two_sigma);
}

//  Side of the mean: +1 above, -1 below, 0 exactly on it.
static int
s_side (double value, const calc_spc_point_t *point)
{
    return s_sign (value - point->mean);
}

//  Rule 4: runs of `length` points on one side of the mean.
static void
s_rule_run (const double *values, size_t start, size_t end, size_t length,
            calc_spc_point_t *points)
{
    size_t run = 0;
    int side = 0;
    for (size_t i = start; i < end; i++) {
        int here = s_side (values [i], &points [i]);
        run = here != 0 && here == side ? run + 1 : (size_t) (here != 0);
        side = here;
        if (run == length)          //  a new run: flag all of it
            for (size_t j = i + 1 - length; j <= i; j++)
                s_mark (&points [j], CALC_SPC_RULE_RUN, side);
        else if (run > length)      //  the run goes on
            s_mark (&points [i], CALC_SPC_RULE_RUN, side);
    }
}

//  Rule 3: two (or three) of three consecutive points beyond two sigma,
//  all three on the same side of the mean.  Only the points beyond two
//  sigma are flagged; the third, nearer the mean, is not.
static void
s_rule_two_of_three (const double *values, size_t start, size_t end,
                     calc_spc_point_t *points)
{
    for (size_t i = start; i + 3 <= end; i++) {
        int side = s_side (values [i], &points [i]);
        if (side == 0
            || s_side (values [i + 1], &points [i + 1]) != side
            || s_side (values [i + 2], &points [i + 2]) != side)
            continue;
        int close = 0;
        for (size_t j = i; j < i + 3; j++)
            close += s_close (values [j], &points [j]);
        if (close < 2)
            continue;
        for (size_t j = i; j < i + 3; j++)
            if (s_close (values [j], &points [j]))
                s_mark (&points [j], CALC_SPC_RULE_TWO_OF_THREE, side);
    }
}

//  Rule 2: `length` points each strictly above (or below) the one before.
//  Windows are visited left to right, so a point that ends one trend and
//  starts the next takes the later trend's direction, as NHSRplotthedots
//  does (it reads the direction from the step to the right).
static void
s_rule_trend (const double *values, size_t start, size_t end, size_t length,
              calc_spc_point_t *points)
{
    //  steps = consecutive strict moves in one direction ending at i
    size_t steps = 0;
    int direction = 0;
    for (size_t i = start + 1; i < end; i++) {
        int here = s_sign (values [i] - values [i - 1]);
        steps = here != 0 && here == direction ? steps + 1 : (size_t) (here != 0);
        direction = here;
        if (steps + 1 >= length)
            for (size_t j = i + 1 - length; j <= i; j++)
                s_mark (&points [j], CALC_SPC_RULE_TREND, direction);
    }
}

//  Rule 1: points strictly beyond a process limit.
static void
s_rule_outside (const double *values, size_t start, size_t end,
                calc_spc_point_t *points)
{
    for (size_t i = start; i < end; i++)
        if (s_outside (values [i], &points [i]))
            s_mark (&points [i], CALC_SPC_RULE_OUTSIDE_LIMITS,
                    s_side (values [i], &points [i]));
}

static calc_variation_t
s_variation (const calc_spc_point_t *point, calc_polarity_t polarity)
{
    if (!point->special_cause)
        return CALC_VARIATION_COMMON_CAUSE;
    switch (polarity) {
        case CALC_POLARITY_HIGHER_BETTER:
            return point->direction > 0 ? CALC_VARIATION_SPECIAL_IMPROVING
                                        : CALC_VARIATION_SPECIAL_CONCERNING;
        case CALC_POLARITY_LOWER_BETTER:
            return point->direction < 0 ? CALC_VARIATION_SPECIAL_IMPROVING
                                        : CALC_VARIATION_SPECIAL_CONCERNING;
        case CALC_POLARITY_NEUTRAL:
            break;
    }
    return CALC_VARIATION_SPECIAL_NEUTRAL;
}

calc_assurance_t
calc_spc_assurance (double lcl, double ucl, double target, calc_polarity_t polarity)
{
    if (isnan (target) || isnan (lcl) || isnan (ucl))
        return CALC_ASSURANCE_NONE;
    if (polarity != CALC_POLARITY_HIGHER_BETTER && polarity != CALC_POLARITY_LOWER_BETTER)
        return CALC_ASSURANCE_NONE;
    bool higher = polarity == CALC_POLARITY_HIGHER_BETTER;
    if (target > ucl)
        return higher ? CALC_ASSURANCE_CONSISTENTLY_FAILING
                      : CALC_ASSURANCE_CONSISTENTLY_PASSING;
    if (target < lcl)
        return higher ? CALC_ASSURANCE_CONSISTENTLY_PASSING
                      : CALC_ASSURANCE_CONSISTENTLY_FAILING;
    return CALC_ASSURANCE_HIT_AND_MISS;
}

int
calc_spc_compute (const double *values, size_t n,
                  const calc_spc_options_t *options,
                  calc_spc_point_t *points, calc_spc_summary_t *summary)
{
    calc_spc_options_t defaults;
    if (!options) {
        calc_spc_options_init (&defaults);
        options = &defaults;
    }
    if (!values || !points || n == 0 || !s_options_valid (options, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite (values [i]))
            return -1;

    size_t segments = options->rebase_count + 1;
    size_t baseline = 0;
    int excluded = 0;
    for (size_t s = 0; s < segments; s++) {
        size_t start = s == 0 ? 0 : options->rebase_at [s - 1];
        size_t end = s + 1 < segments ? options->rebase_at [s] : n;
        excluded = s_segment_limits (values, start, end, options, points, &baseline);
        if (excluded < 0)
            return -1;
        for (size_t i = start; i < end; i++) {
            points [i].segment = s;
            points [i].special_cause = false;
            points [i].rule = CALC_SPC_RULE_NONE;
            points [i].direction = 0;
        }
        //  Collapsed limits judge nothing (see the header).
        if (points [start].mr_bar <= 0.0) {
            for (size_t i = start; i < end; i++)
                points [i].variation = CALC_VARIATION_NOT_ASSESSED;
            continue;
        }
        //  Lowest priority first: each pass overwrites the one before.
        s_rule_run (values, start, end, (size_t) options->run_length, points);
        s_rule_two_of_three (values, start, end, points);
        s_rule_trend (values, start, end, (size_t) options->trend_length, points);
        s_rule_outside (values, start, end, points);
        for (size_t i = start; i < end; i++)
            points [i].variation = s_variation (&points [i], options->polarity);
    }

    if (summary) {
        const calc_spc_point_t *last = &points [n - 1];
        summary->segments = segments;
        summary->baseline_points = baseline;
        summary->excluded_ranges = (size_t) excluded;
        summary->mean = last->mean;
        summary->mr_bar = last->mr_bar;
        summary->ucl = last->ucl;
        summary->lcl = last->lcl;
        summary->upper_two_sigma = last->upper_two_sigma;
        summary->lower_two_sigma = last->lower_two_sigma;
        summary->trial_limits = baseline < options->trial_below;
        summary->variation = last->variation;
        summary->unsuitable = last->mr_bar <= 0.0;
        summary->assurance = summary->unsuitable ? CALC_ASSURANCE_NONE
                           : calc_spc_assurance (last->lcl, last->ucl, options->target, options->polarity);
    }
    return 0;
}

const char *
calc_spc_rule_name (calc_spc_rule_t rule)
{
    switch (rule) {
        case CALC_SPC_RULE_NONE:            return "none";
        case CALC_SPC_RULE_OUTSIDE_LIMITS:  return "outside_limits";
        case CALC_SPC_RULE_TREND:           return "trend";
        case CALC_SPC_RULE_TWO_OF_THREE:    return "two_of_three";
        case CALC_SPC_RULE_RUN:             return "run";
    }
    return "unknown";
}
