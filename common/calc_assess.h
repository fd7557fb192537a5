/*  calc_assess: the verdicts calc writes beside an indicator value.

    Target status (the red/amber/green of a scorecard), trend against an
    earlier period, benchmark against England, inequality gaps, and the
    stable lowercase names every verdict is stored and exported under.
    The SPC verdicts (variation, assurance) are computed by calc_spc but
    named here, so the whole vocabulary lives in one place.

    All functions are pure: plain values in, a verdict out, no allocation.
    It lives in common/ because calc computes the verdicts while export
    and alert read them by these names (and export uses the gap maths).
    A missing number is NAN throughout.
*/
#ifndef CAREWATCH_CALC_ASSESS_H
#define CAREWATCH_CALC_ASSESS_H

#include <stddef.h>

//  Which direction is good for an indicator.
typedef enum {
    CALC_POLARITY_HIGHER_BETTER = 1,    //  "bigger is better"
    CALC_POLARITY_LOWER_BETTER,         //  "smaller is better"
    CALC_POLARITY_NEUTRAL               //  no direction is good
} calc_polarity_t;

//  The kind of target an indicator carries.
typedef enum {
    CALC_TARGET_NONE = 0,       //  no target
    CALC_TARGET_MIN,            //  on target when value >= threshold
    CALC_TARGET_MAX,            //  on target when value <= threshold
    CALC_TARGET_RANGE,          //  DQOFH-style range [lower, upper]
    CALC_TARGET_ZERO            //  on target only at exactly zero
} calc_target_kind_t;

//  A target as the catalogue states it.
typedef struct {
    calc_target_kind_t kind;    //  what sort of target
    double threshold;           //  the line for MIN and MAX
    double lower;               //  RANGE: below this is red
    double upper;               //  RANGE: at or beyond this is green
    double tolerance;           //  MIN, MAX, ZERO: amber band on the wrong
                                //  side, in value units; 0 or NAN = none
} calc_target_t;

//  Scorecard status against a target.
typedef enum {
    CALC_STATUS_NO_TARGET = 0,  //  the indicator has no target
    CALC_STATUS_ON_TARGET,      //  green
    CALC_STATUS_TOLERANCE,      //  amber: near, or inside a range
    CALC_STATUS_BELOW_TARGET,   //  red (whichever way "below" points)
    CALC_STATUS_MISSING         //  there is a target but no value
} calc_status_t;

//  Direction of travel against an earlier value.
typedef enum {
    CALC_TREND_CANNOT_COMPARE = 0,  //  one of the two values is missing
    CALC_TREND_IMPROVED,            //  moved the good way
    CALC_TREND_CONSISTENT,          //  no change (within tolerance)
    CALC_TREND_WORSENING,           //  moved the bad way
    CALC_TREND_HIGHER,              //  neutral polarity: went up
    CALC_TREND_LOWER                //  neutral polarity: went down
} calc_trend_t;

//  Comparison with a benchmark (England) by confidence interval.
typedef enum {
    CALC_BENCHMARK_NOT_COMPARED = 0,    //  no interval or no comparator
    CALC_BENCHMARK_BETTER,              //  interval wholly on the good side
    CALC_BENCHMARK_SIMILAR,             //  interval includes the comparator
    CALC_BENCHMARK_WORSE,               //  interval wholly on the bad side
    CALC_BENCHMARK_HIGHER,              //  neutral: interval wholly above
    CALC_BENCHMARK_LOWER                //  neutral: interval wholly below
} calc_benchmark_t;

//  SPC variation of a point ("Making Data Count" icons).
typedef enum {
    CALC_VARIATION_COMMON_CAUSE = 0,        //  no special cause
    CALC_VARIATION_SPECIAL_IMPROVING,       //  special cause, good side
    CALC_VARIATION_SPECIAL_CONCERNING,      //  special cause, bad side
    CALC_VARIATION_SPECIAL_NEUTRAL,         //  special cause, neutral
    CALC_VARIATION_NOT_ASSESSED             //  XmR unsuitable: the limits collapse
                                            //  (no moving range left), so no verdict
} calc_variation_t;

//  SPC assurance: can the process be relied on to meet its target?
typedef enum {
    CALC_ASSURANCE_NONE = 0,                //  no target, or neutral
    CALC_ASSURANCE_CONSISTENTLY_PASSING,    //  target outside limits, good
    CALC_ASSURANCE_CONSISTENTLY_FAILING,    //  target outside limits, bad
    CALC_ASSURANCE_HIT_AND_MISS             //  target within the limits
} calc_assurance_t;

//  A value for one rank of a deprivation breakdown.
typedef struct {
    int rank;                   //  1 = most deprived quintile or decile
    double value;               //  the indicator value; NAN = missing
} calc_ranked_value_t;

//  Status of value against target.  MIN: value >= threshold is on
//  target, within tolerance below it amber.  MAX: value <= threshold on
//  target, within tolerance above amber.  ZERO: exactly 0 on target,
//  0 < |value| <= tolerance amber.  RANGE with higher_better (the DQOFH
//  rule): value < lower red, lower <= value < upper amber, value >= upper
//  green; lower_better mirrors it (value > upper red, lower < value <=
//  upper amber, value <= lower green); neutral: inside [lower, upper]
//  green, outside red.  Returns NO_TARGET when target is NULL or its kind
//  is NONE, MISSING when value is NAN, otherwise the status.
calc_status_t calc_assess_target_status (double value, calc_polarity_t polarity,
                                         const calc_target_t *target);

//  QOF-style achievement: (value - lower) / (upper - lower) clamped to
//  0..1.  With upper == lower it is 1 at or above the bound, else 0.
//  Returns NAN when any argument is NAN or upper < lower.
double calc_assess_achievement (double value, double lower, double upper);

//  Trend of current against previous (either may be NAN = missing).
//  The change counts only when |current - previous| > rel_tolerance *
//  |previous| (rel_tolerance 0: any change counts; negative is taken as
//  0).  Returns CANNOT_COMPARE, CONSISTENT, IMPROVED / WORSENING by
//  polarity, or HIGHER / LOWER for neutral polarity.
calc_trend_t calc_assess_trend (double current, double previous,
                                calc_polarity_t polarity, double rel_tolerance);

//  Benchmark of an area's value and its interval [ci_lo, ci_hi] against
//  comparator.  SIMILAR when ci_lo <= comparator <= ci_hi; otherwise
//  BETTER / WORSE by polarity, HIGHER / LOWER for neutral.  Returns
//  NOT_COMPARED when value, an interval bound or comparator is NAN.
calc_benchmark_t calc_assess_benchmark (double value, double ci_lo, double ci_hi,
                                        double comparator, calc_polarity_t polarity);

//  Deprivation gap over n ranked values: most deprived (rank 1) minus
//  least deprived (the highest rank present).  Writes *gap and *ratio
//  (most / least; NAN when least is 0).  Returns 0, or -1 when rank 1 or
//  a second rank has no value, or a rank appears twice with a value.
int calc_assess_deprivation_gap (const calc_ranked_value_t *items, size_t n,
                                 double *gap, double *ratio);

//  Gap between any two breakdown values: *gap = a - b, *ratio = a / b
//  (NAN when b is 0).  Returns 0, or -1 when a or b is NAN.
int calc_assess_gap (double a, double b, double *gap, double *ratio);

//  Stable lowercase names, as stored and exported ("on_target",
//  "tolerance", "below_target", "no_target", "missing"; "improved",
//  "consistent", "worsening", "cannot_compare", "higher", "lower";
//  "better", "similar", "worse", "higher", "lower", "not_compared";
//  "common_cause", "special_cause_improving", "special_cause_concerning",
//  "special_cause_neutral", "not_assessed"; "consistently_passing",
//  "consistently_failing", "hit_and_miss", "none"; "higher_better",
//  "lower_better", "neutral"; "none", "min", "max", "range", "zero").
//  Each returns a static string, never NULL ("unknown" for a value
//  outside the enum); the caller does not free it.
const char *calc_status_name (calc_status_t status);
const char *calc_trend_name (calc_trend_t trend);
const char *calc_benchmark_name (calc_benchmark_t benchmark);
const char *calc_variation_name (calc_variation_t variation);
const char *calc_assurance_name (calc_assurance_t assurance);
const char *calc_polarity_name (calc_polarity_t polarity);
const char *calc_target_kind_name (calc_target_kind_t kind);

//  The published precision of a unit: the decimals a report prints it
//  with (percent, percentage points and rates 1, ratios and pounds 2),
//  or -1 for a unit compared as it is (counts, numbers).  An
//  indicator's own "decimals" in the catalogue overrides it.
int calc_assess_decimals (const char *unit);

//  value rounded half away from zero to decimals places (decimals < 0, or
//  a NAN value: value as it is).  Status against a target compares the
//  value at its published precision, so 94.995% (printed 95.0%) meets a
//  95% target, as the report that prints it says.
double calc_assess_round (double value, int decimals);

//  Parses a polarity name ("higher_better", "lower_better", "neutral")
//  into *out.  Returns 0, or -1 (leaving *out alone) for anything else.
int calc_polarity_parse (const char *name, calc_polarity_t *out);

//  Parses a target kind ("min", "max", "range", "zero", "none") into
//  *out.  Returns 0, or -1 (leaving *out alone) for anything else.
int calc_target_kind_parse (const char *name, calc_target_kind_t *out);

#endif
