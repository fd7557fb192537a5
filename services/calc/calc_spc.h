/*  calc_spc: statistical process control for a series of indicator values.

    An XmR (individuals) chart as NHS England's "Making Data Count" draws
    it and the NHS-R package NHSRplotthedots computes it:
      mean           of the baseline points of a segment
      MR-bar         mean of the moving ranges |y[i] - y[i-1]| of the
                     baseline, optionally screened: ranges of 3.267 x
                     MR-bar or more are dropped and MR-bar recomputed
      process limits mean +/- 2.66 x MR-bar
      two-sigma      mean +/- (2/3 x 2.66) x MR-bar
    Special cause rules, judged within a segment; the first that matches a
    point wins, in this order:
      1. outside limits  the point is strictly beyond a process limit
      2. trend           N points each strictly above (or below) the one
                         before; every point of the trend is flagged
      3. two of three    of three consecutive points, all on one side of
                         the mean, two or more are beyond two sigma (but
                         inside the limits); those points are flagged
      4. run             N points on one side of the mean (a point on the
                         mean breaks it); every point of the run is flagged
    A segment is a stretch between rebase points (a known process change):
    limits are recomputed from each segment's own baseline and no rule
    looks across a rebase.

    Where a segment's MR-bar is 0 (every moving range equal, or screened
    out: a small practice at 100% month after month with one 50% month),
    the limits collapse onto the mean and every point off it would be
    "special cause".  Making Data Count's guidance is that an XmR chart
    does not suit such data (a p-chart does, for a proportion with small
    denominators): the segment gets no rule and no verdict, its points
    are "not_assessed", and the summary says the chart is unsuitable and
    gives no assurance.

    Pure functions: the caller provides the input and an output array of
    n points; nothing is allocated.
*/
#ifndef CAREWATCH_CALC_SPC_H
#define CAREWATCH_CALC_SPC_H

#include <stdbool.h>
#include <stddef.h>

#include "calc_assess.h"

//  XmR constants (Wheeler; NHS "Making Data Count").
#define CALC_SPC_LIMIT       2.66                       //  3 sigma / MR-bar
#define CALC_SPC_NEAR_LIMIT  (2.0 * CALC_SPC_LIMIT / 3.0)   //  2 sigma: 1.7733
#define CALC_SPC_SCREEN      3.267                      //  D4 for n = 2

//  Which special cause rule flagged a point.
typedef enum {
    CALC_SPC_RULE_NONE = 0,         //  common cause
    CALC_SPC_RULE_OUTSIDE_LIMITS,   //  beyond a process limit
    CALC_SPC_RULE_TREND,            //  part of a rising or falling trend
    CALC_SPC_RULE_TWO_OF_THREE,     //  two of three beyond two sigma
    CALC_SPC_RULE_RUN               //  part of a run one side of the mean
} calc_spc_rule_t;

//  How to compute the chart.  Start from calc_spc_options_init.
typedef struct {
    int trend_length;           //  points in a trend (default 7, >= 2)
    int run_length;             //  points in a run (default 7, >= 2)
    bool screen_outliers;       //  drop moving ranges >= 3.267 MR-bar
                                //  before the final MR-bar (default on)
    size_t baseline_points;     //  limits from the first N points of each
                                //  segment; 0 = all of it (default 0)
    size_t trial_below;         //  limits are "trial" when the latest
                                //  baseline has fewer points (default 13)
    const size_t *rebase_at;    //  indices where a new segment starts,
                                //  ascending, each in 1..n-1; borrowed
    size_t rebase_count;        //  entries in rebase_at
    calc_polarity_t polarity;   //  which way is good (default neutral)
    double target;              //  for assurance; NAN = none (default)
} calc_spc_options_t;

//  One point of the chart.
typedef struct {
    double mean;                //  centre line in force at this point
    double mr_bar;              //  mean moving range behind the limits
    double ucl;                 //  upper process limit
    double lcl;                 //  lower process limit
    double upper_two_sigma;     //  upper two-sigma line
    double lower_two_sigma;     //  lower two-sigma line
    size_t segment;             //  0-based segment the point belongs to
    bool special_cause;         //  flagged by any rule
    calc_spc_rule_t rule;       //  the first rule that flagged it
    int direction;              //  +1 high, -1 low, 0 common cause
    calc_variation_t variation; //  direction judged by polarity
} calc_spc_point_t;

//  The chart as a whole, judged at its latest point.
typedef struct {
    size_t segments;            //  number of segments
    size_t baseline_points;     //  points behind the latest limits
    size_t excluded_ranges;     //  moving ranges screened out of them
    double mean;                //  latest segment's centre line
    double mr_bar;              //  latest segment's mean moving range
    double ucl;                 //  latest upper process limit
    double lcl;                 //  latest lower process limit
    double upper_two_sigma;     //  latest upper two-sigma line
    double lower_two_sigma;     //  latest lower two-sigma line
    bool trial_limits;          //  baseline_points < trial_below
    calc_variation_t variation; //  variation of the latest point
    calc_assurance_t assurance; //  latest limits against the target
    bool unsuitable;            //  the latest segment's limits collapsed (MR-bar 0)
} calc_spc_summary_t;

//  Fills *self with the defaults: trend and run of 7, screening on, all
//  points as baseline, trial below 13 points, no rebase, neutral
//  polarity, no target.
void calc_spc_options_init (calc_spc_options_t *self);

//  Computes the chart of values[0..n) (in time order) into points[0..n)
//  and, when summary is not NULL, *summary.  options NULL means the
//  defaults.  Returns 0, or -1 when n is 0, points or values is NULL, a
//  value is not finite, an option is out of range, the rebase indices are
//  not ascending within 1..n-1, or a segment's baseline has fewer than 2
//  points (no moving range); outputs are then unspecified.
int calc_spc_compute (const double *values, size_t n,
                      const calc_spc_options_t *options,
                      calc_spc_point_t *points, calc_spc_summary_t *summary);

//  Assurance of limits [lcl, ucl] against target: NONE when target is
//  NAN or polarity neutral; a target strictly outside the limits is
//  CONSISTENTLY_PASSING or _FAILING by polarity (a higher_better process
//  whose LCL is above the target always passes); inside, bounds
//  included, HIT_AND_MISS.
calc_assurance_t calc_spc_assurance (double lcl, double ucl, double target,
                                     calc_polarity_t polarity);

//  Name of a rule ("none", "outside_limits", "trend", "two_of_three",
//  "run"): a static string the caller does not free.
const char *calc_spc_rule_name (calc_spc_rule_t rule);

#endif
