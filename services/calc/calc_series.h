/*  calc_series: everything calc derives for one series, the values of
    one indicator for one org unit and breakdown over its periods.  Pure:
    plain data in, plain data out.

    For each point: the value and its 95% interval (Wilson for a
    proportion, Byar / exact Poisson for a rate or count, published
    values pass through with their published interval), the status
    against the target in force for that period, the short-term trend
    (against the previous period) and annual trend (the same period last
    year), the England benchmark, and the SPC chart over the series.  */
#ifndef CAREWATCH_CALC_SERIES_H
#define CAREWATCH_CALC_SERIES_H

#include "calc_assess.h"
#include "calc_spc.h"
#include "period.h"

typedef enum {
    CALC_METHOD_PROPORTION = 1, //  numerator / denominator x multiplier, Wilson CI
    CALC_METHOD_RATE,           //  crude rate: count / population x multiplier, Byar CI
    CALC_METHOD_COUNT,          //  a count of events, Byar (Poisson) CI
    CALC_METHOD_MEAN,           //  total / number, no interval
    CALC_METHOD_PUBLISHED       //  a published figure with its published interval
} calc_method_t;

typedef struct {
    period_day_t from;          //  applies to periods starting on or after
    calc_target_t target;       //  the target itself
} calc_target_entry_t;

typedef struct {
    calc_method_t method;       //  how a value is made
    double multiplier;          //  100, 1000, 100000 or 1
    calc_polarity_t polarity;   //  which way is good
    const calc_target_entry_t *targets;     //  ascending by from; borrowed
    size_t ntargets;
    bool benchmark;             //  compare with England
    double trend_tolerance;     //  relative change counted as no change (0)
    const period_day_t *rebase; //  SPC limits restart at the first point on or
                                //  after each of these days (a process change); borrowed
    size_t nrebase;
    bool rounds;                //  status compares the value at its published precision
    int decimals;               //  that precision (calc_assess_decimals)
    bool no_interval;           //  the catalogue's "interval": "none": a stock, or a mean
                                //  whose numerator is not a count of events
} calc_indicator_t;

//  One period's input: what the partners reported (or, for an org unit
//  above the reporting level, the sums of its children).
typedef struct {
    period_t period;            //  the period
    bool has_num, has_den, has_value, has_ci;
    double num, den, value;     //  as reported
    double ci_lo, ci_hi;        //  a published interval
    bool not_available;         //  reported as not available
    const char *assessment;     //  a published assessment, or NULL
} calc_point_in_t;

//  One period's output.
typedef struct {
    double value;               //  NAN when missing
    double ci_lo, ci_hi;        //  NAN when there is no interval
    calc_status_t status;       //  against the target in force
    double achievement;         //  range targets: (v - lower) / (upper - lower), else NAN
    const calc_target_t *target;//  the target in force, or NULL
    calc_trend_t short_trend;   //  against the previous period
    calc_trend_t annual_trend;  //  against the same period last year
    calc_benchmark_t benchmark; //  against England
    double england;             //  England's value for the period, or NAN
    bool has_spc;               //  the series was long enough to chart
    calc_spc_point_t spc;       //  this point on the chart
    calc_assurance_t assurance; //  the series' assurance against its target
    bool trial_limits;          //  under 13 points behind the limits
} calc_point_out_t;

//  Works out the value and interval of one input point.  Returns true
//  when the point has a value.
bool calc_series_value (const calc_indicator_t *ind, const calc_point_in_t *in,
                        double *value, double *lo, double *hi);

//  The target in force for a period starting on day, or NULL.
const calc_target_t *calc_series_target (const calc_indicator_t *ind, period_day_t day);

//  Computes out[0..n) for in[0..n) (sorted by period_compare, one point
//  per period).  england[0..nengland) are England's points for the same
//  indicator and breakdown (sorted), or NULL.  Returns 0, or -1 when
//  the input is not sorted.
int calc_series_compute (const calc_indicator_t *ind, const calc_point_in_t *in, size_t n,
                         const calc_point_in_t *england, size_t nengland, calc_point_out_t *out);

//  Parses the catalogue's names.  Return 0 or -1.
int calc_method_parse (const char *name, calc_method_t *out);

#endif
