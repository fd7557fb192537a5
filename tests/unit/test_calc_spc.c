/*  test_calc_spc: XmR limits and every special cause rule on hand-built
    series.  Expected means and limits are worked out in the comments;
    the flagged points were also checked against a transliteration of
    NHSRplotthedots' ptd_spc_standard / ptd_calculate_point_type.

    Constants: limits mean +/- 2.66 MR-bar; two sigma mean +/- 1.773333
    MR-bar; screening drops moving ranges >= 3.267 x MR-bar.
*/
#include "check.h"
#include "calc_spc.h"

#define N_OF(a) (sizeof (a) / sizeof ((a) [0]))
#define MAX_POINTS 32

//  The rules that flagged each point as a string, one character a point:
//  '.' common cause, 'O' outside, 'T' trend, '2' two of three, 'R' run.
static const char *
s_flags (const calc_spc_point_t *points, size_t n, char *buf)
{
    static const char code [] = ".OT2R";
    for (size_t i = 0; i < n; i++)
        buf [i] = code [points [i].rule];
    buf [n] = 0;
    return buf;
}

//  Runs calc_spc_compute with opts (NULL = defaults) and returns the flags.
static const char *
s_run (const double *values, size_t n, const calc_spc_options_t *opts,
       calc_spc_point_t *points, calc_spc_summary_t *summary, char *buf)
{
    if (calc_spc_compute (values, n, opts, points, summary) != 0)
        return "(error)";
    return s_flags (points, n, buf);
}

static void
test_outside_limits (void)
{
    //  5,6 x 9 then 5, 12.  mean = (10*5 + 9*6 + 12) / 20 = 5.8.
    //  Moving ranges: 18 of 1 and |12-6| = 6; MR-bar 24/19 = 1.263, cut
    //  3.267 * 1.263 = 4.127 screens out the 6, so MR-bar = 18/18 = 1.
    //  UCL 5.8 + 2.66 = 8.46, LCL 3.14; 12 > 8.46 is outside, high.
    double y [] = { 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 12 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), "...................O");
    CHECK_NEAR (sum.mean, 5.8, 1e-12);
    CHECK_NEAR (sum.mr_bar, 1.0, 1e-12);
    CHECK_NEAR (sum.ucl, 8.46, 1e-12);
    CHECK_NEAR (sum.lcl, 3.14, 1e-12);
    CHECK_NEAR (sum.upper_two_sigma, 5.8 + 1.773333333, 1e-8);
    CHECK_NEAR (sum.lower_two_sigma, 5.8 - 1.773333333, 1e-8);
    CHECK_INT (sum.excluded_ranges, 1);
    CHECK_INT (sum.baseline_points, 20);
    CHECK_INT (sum.segments, 1);
    CHECK (!sum.trial_limits);
    CHECK (p [19].special_cause);
    CHECK_INT (p [19].direction, 1);
    CHECK_STR (calc_spc_rule_name (p [19].rule), "outside_limits");
    CHECK (!p [18].special_cause);
    CHECK_INT (p [18].direction, 0);
    //  Default polarity is neutral.
    CHECK_STR (calc_variation_name (sum.variation), "special_cause_neutral");
    CHECK_STR (calc_assurance_name (sum.assurance), "none");
}

static void
test_screening (void)
{
    //  10,20 alternating with one spike of 80 at index 10 (between two
    //  20s).  mean = (9*10 + 10*20 + 80) / 20 = 18.5.  Ranges: 17 of 10
    //  and two of 60; MR-bar 290/19 = 15.263, cut 49.87 drops both 60s,
    //  so the screened MR-bar is 170/17 = 10: UCL 45.1, LCL -8.1.
    //  Unscreened: UCL = 18.5 + 2.66 * 15.263 = 59.1.  The spike is
    //  outside either way; nothing else is (10 and 20 alternate sides and
    //  stay within two sigma, 0.767 .. 36.23).
    double y [] = { 10, 20, 10, 20, 10, 20, 10, 20, 10, 20,
                    80, 20, 10, 20, 10, 20, 10, 20, 10, 20 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), "..........O.........");
    CHECK_NEAR (sum.mean, 18.5, 1e-12);
    CHECK_NEAR (sum.mr_bar, 10.0, 1e-12);
    CHECK_NEAR (sum.ucl, 45.1, 1e-9);
    CHECK_NEAR (sum.lcl, -8.1, 1e-9);
    CHECK_INT (sum.excluded_ranges, 2);

    calc_spc_options_t opts;
    calc_spc_options_init (&opts);
    opts.screen_outliers = false;
    CHECK_STR (s_run (y, N_OF (y), &opts, p, &sum, buf), "..........O.........");
    CHECK_NEAR (sum.mr_bar, 290.0 / 19.0, 1e-12);
    CHECK_NEAR (sum.ucl, 59.1, 1e-9);
    CHECK_INT (sum.excluded_ranges, 0);

    //  A flat series has MR-bar 0; screening must not drop every range.
    double flat [] = { 4, 4, 4, 4, 4 };
    CHECK_STR (s_run (flat, N_OF (flat), NULL, p, &sum, buf), ".....");
    CHECK_NEAR (sum.mr_bar, 0.0, 0);
    CHECK_NEAR (sum.ucl, 4.0, 0);
}

static void
test_trend (void)
{
    //  A 7-point rise 10, 10.5, ..., 13 at indices 5..11.
    //  mean = (59 + 80.5 + 48) / 16 = 11.71875.  Ranges: 2,2,2,2,1,
    //  0.5 x 6, 2,2,2,2 = 20, MR-bar 20/15 = 1.3333 (none screened).
    //  UCL 11.71875 + 3.54667 = 15.26542, LCL 8.17208; two sigma
    //  9.35431 .. 14.08319, so no point is near a limit, and no side of
    //  the mean holds 7 in a row.
    double y [] = { 11, 13, 11, 13, 11, 10, 10.5, 11, 11.5, 12, 12.5, 13,
                    11, 13, 11, 13 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), ".....TTTTTTT....");
    CHECK_NEAR (sum.mean, 11.71875, 1e-12);
    CHECK_NEAR (sum.mr_bar, 20.0 / 15.0, 1e-12);
    CHECK_NEAR (sum.ucl, 15.265416667, 1e-8);
    CHECK_NEAR (sum.lcl, 8.172083333, 1e-8);
    CHECK_INT (p [5].direction, 1);
    CHECK_INT (p [11].direction, 1);
    CHECK_STR (calc_spc_rule_name (p [8].rule), "trend");

    //  The same shape with six rising points (10.5 .. 13) is not a trend,
    //  unless trend_length is 6.
    double six [] = { 11, 13, 11, 13, 11, 10.5, 11, 11.5, 12, 12.5, 13,
                      11, 13, 11, 13 };
    CHECK_STR (s_run (six, N_OF (six), NULL, p, &sum, buf), "...............");
    calc_spc_options_t opts;
    calc_spc_options_init (&opts);
    opts.trend_length = 6;
    CHECK_STR (s_run (six, N_OF (six), &opts, p, &sum, buf), ".....TTTTTT....");

    //  An equal step breaks a trend: 10, 10.5, 11, 11, 11.5, 12, 12.5.
    double flat_step [] = { 11, 13, 11, 13, 11, 10, 10.5, 11, 11, 11.5, 12,
                            12.5, 11, 13, 11, 13 };
    CHECK_STR (s_run (flat_step, N_OF (flat_step), NULL, p, &sum, buf),
               "................");
}

static void
test_trend_peak (void)
{
    //  Rise 10..16 (indices 4..10) then fall 16..10 (10..16): 13 points
    //  in two trends sharing the peak.  mean 262/21 = 12.47619, MR-bar
    //  28/20 = 1.4, limits 8.75219 .. 16.20019 (16 is inside).  The peak
    //  takes the later (falling) trend's direction, as NHSRplotthedots
    //  reads direction from the step to its right.
    double y [] = { 13, 11, 13, 11, 10, 11, 12, 13, 14, 15, 16, 15, 14, 13,
                    12, 11, 10, 13, 11, 13, 11 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), "....TTTTTTTTTTTTT....");
    CHECK_NEAR (sum.mean, 262.0 / 21.0, 1e-12);
    CHECK_NEAR (sum.mr_bar, 1.4, 1e-12);
    CHECK_INT (p [9].direction, 1);
    CHECK_INT (p [10].direction, -1);
    CHECK_INT (p [11].direction, -1);
}

static void
test_two_of_three (void)
{
    //  10,12 x 5, then 17, 12, 17, then 10,12 x 5, 10 (24 points).
    //  mean = 276 / 24 = 11.5.  Ranges: 9 of 2, 5, 5, 5, 7, 9 of 2, 2 =
    //  60, MR-bar 60/23 = 2.608696.  UCL 11.5 + 6.939130 = 18.439130,
    //  upper two sigma 11.5 + 4.626087 = 16.126087.  Each 17 is beyond
    //  two sigma but inside the limits; the 12 between them is above the
    //  mean, so the window is all one side: the two 17s are flagged, the
    //  12 is not.
    double y [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 17, 12, 17,
                    10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), "..........2.2...........");
    CHECK_NEAR (sum.mean, 11.5, 1e-12);
    CHECK_NEAR (sum.mr_bar, 60.0 / 23.0, 1e-12);
    CHECK_NEAR (sum.upper_two_sigma, 16.126086957, 1e-8);
    CHECK_NEAR (sum.ucl, 18.439130435, 1e-8);
    CHECK_INT (p [10].direction, 1);
    CHECK_STR (calc_spc_rule_name (p [12].rule), "two_of_three");
    CHECK (!p [11].special_cause);

    //  17, 10, 17: the middle point is below the mean, so no window of
    //  three is all on one side and nothing is flagged (NHSRplotthedots
    //  requires all three on the same side).
    double split [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 17, 10, 17,
                        12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12 };
    CHECK_STR (s_run (split, N_OF (split), NULL, p, &sum, buf),
               "........................");
}

static void
test_run (void)
{
    //  10,12 x 6, 10, then seven 12s.  mean = (70 + 72 + 84) / 20 = 11.3.
    //  Ranges: 13 of 2 and 6 of 0, MR-bar 26/19 = 1.368421; two sigma
    //  8.873 .. 13.727, so 12 is not near a limit.  Indices 13..19 are
    //  seven points above the mean: a run, all flagged, high.
    double y [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10,
                    12, 12, 12, 12, 12, 12, 12 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), ".............RRRRRRR");
    CHECK_NEAR (sum.mean, 11.3, 1e-12);
    CHECK_NEAR (sum.mr_bar, 26.0 / 19.0, 1e-12);
    CHECK_NEAR (sum.ucl, 14.94, 1e-9);
    CHECK_INT (p [13].direction, 1);
    CHECK_STR (calc_spc_rule_name (p [19].rule), "run");

    //  Eight above (mean 238/21 = 11.333): all eight flagged.
    double eight [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10,
                        12, 12, 12, 12, 12, 12, 12, 12 };
    CHECK_STR (s_run (eight, N_OF (eight), NULL, p, &sum, buf),
               ".............RRRRRRRR");

    //  With run_length 8 the run of seven is not flagged.
    calc_spc_options_t opts;
    calc_spc_options_init (&opts);
    opts.run_length = 8;
    CHECK_STR (s_run (y, N_OF (y), &opts, p, &sum, buf), "....................");
}

static void
test_run_broken_by_mean (void)
{
    //  9,12 x 5, 10, 12, 10, then 12, 12, 12, 11, 12, 12, 12.
    //  Sum = 137 + 72 + 11 = 220, mean exactly 11, so index 16 sits on
    //  the mean and splits the 12s into three and three: no run.
    //  Ranges: 9 of 3, 2, 2, 2, 2, 0, 0, 1, 1, 0, 0 = 37, MR-bar 37/19.
    double y [] = { 9, 12, 9, 12, 9, 12, 9, 12, 9, 12, 10, 12, 10,
                    12, 12, 12, 11, 12, 12, 12 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), "....................");
    CHECK (sum.mean == 11.0);
    CHECK_NEAR (sum.mr_bar, 37.0 / 19.0, 1e-12);

    //  The same with 12 in place of the 11: mean 221/20 = 11.05 and the
    //  last seven points are a run.
    y [16] = 12;
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), ".............RRRRRRR");
    CHECK_NEAR (sum.mean, 11.05, 1e-12);
}

static void
test_trial_limits (void)
{
    //  10,12 x 6: mean 11, every range 2, MR-bar 2, limits 5.68 .. 16.32.
    double y [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    CHECK_INT (calc_spc_compute (y, 12, NULL, p, &sum), 0);
    CHECK (sum.trial_limits);
    CHECK_INT (sum.baseline_points, 12);
    CHECK_NEAR (sum.mean, 11.0, 1e-12);
    CHECK_NEAR (sum.mr_bar, 2.0, 1e-12);
    CHECK_NEAR (sum.ucl, 16.32, 1e-12);
    CHECK_NEAR (sum.lcl, 5.68, 1e-12);
    //  Thirteen points are enough.
    CHECK_INT (calc_spc_compute (y, 13, NULL, p, &sum), 0);
    CHECK (!sum.trial_limits);
}

static void
test_baseline_and_rebase (void)
{
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    char buf [MAX_POINTS + 1];
    calc_spc_options_t opts;

    //  Limits from the first 10 points (mean 11, MR-bar 2, UCL 16.32)
    //  judge the 11th, 17, as outside.  With all 11 points as baseline
    //  (mean 127/11 = 11.545, MR-bar 23/10 = 2.3, UCL 17.663) it is not.
    double y [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 17 };
    CHECK_STR (s_run (y, N_OF (y), NULL, p, &sum, buf), "...........");
    CHECK_NEAR (sum.ucl, 127.0 / 11.0 + 2.66 * 2.3, 1e-12);
    calc_spc_options_init (&opts);
    opts.baseline_points = 10;
    CHECK_STR (s_run (y, N_OF (y), &opts, p, &sum, buf), "..........O");
    CHECK_NEAR (sum.ucl, 16.32, 1e-12);
    CHECK_INT (sum.baseline_points, 10);
    CHECK (sum.trial_limits);

    //  A step from 10/12 to 20/22 at index 10.  As one segment: mean 16;
    //  ranges 18 of 2 and one of 8 (screened out: cut 3.267 * 44/19 =
    //  7.57), MR-bar 2, limits 10.68 .. 21.32, two sigma 12.453 .. 19.547:
    //  every 10 and 22 is outside, every 12 and 20 two-of-three.
    double step [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12,
                       20, 22, 20, 22, 20, 22, 20, 22, 20, 22 };
    CHECK_STR (s_run (step, N_OF (step), NULL, p, &sum, buf), "O2O2O2O2O22O2O2O2O2O");
    CHECK_INT (p [0].direction, -1);
    CHECK_INT (p [19].direction, 1);
    //  Rebased at 10: two segments, means 11 and 21, MR-bar 2 each, and
    //  no special cause in either.
    size_t at [] = { 10 };
    calc_spc_options_init (&opts);
    opts.rebase_at = at;
    opts.rebase_count = 1;
    CHECK_STR (s_run (step, N_OF (step), &opts, p, &sum, buf), "....................");
    CHECK_INT (sum.segments, 2);
    CHECK_INT (p [9].segment, 0);
    CHECK_INT (p [10].segment, 1);
    CHECK_NEAR (p [0].mean, 11.0, 1e-12);
    CHECK_NEAR (p [19].mean, 21.0, 1e-12);
    CHECK_NEAR (sum.mean, 21.0, 1e-12);
    CHECK_NEAR (sum.ucl, 26.32, 1e-12);
    CHECK_INT (sum.baseline_points, 10);
    CHECK (sum.trial_limits);
}

static void
test_variation_polarity (void)
{
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    calc_spc_options_t opts;
    calc_spc_options_init (&opts);

    //  High outlier (see test_outside_limits).
    double high [] = { 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 12 };
    opts.polarity = CALC_POLARITY_HIGHER_BETTER;
    CHECK_INT (calc_spc_compute (high, N_OF (high), &opts, p, &sum), 0);
    CHECK_STR (calc_variation_name (sum.variation), "special_cause_improving");
    opts.polarity = CALC_POLARITY_LOWER_BETTER;
    CHECK_INT (calc_spc_compute (high, N_OF (high), &opts, p, &sum), 0);
    CHECK_STR (calc_variation_name (sum.variation), "special_cause_concerning");
    CHECK_STR (calc_variation_name (p [18].variation), "common_cause");

    //  Low outlier: mean (50 + 54 + 0) / 20 = 5.2, the range of 5 is
    //  screened out, MR-bar 1, LCL 2.54 > 0.
    double low [] = { 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 0 };
    CHECK_INT (calc_spc_compute (low, N_OF (low), &opts, p, &sum), 0);
    CHECK_NEAR (sum.lcl, 2.54, 1e-12);
    CHECK_INT (p [19].direction, -1);
    CHECK_STR (calc_variation_name (sum.variation), "special_cause_improving");
    opts.polarity = CALC_POLARITY_HIGHER_BETTER;
    CHECK_INT (calc_spc_compute (low, N_OF (low), &opts, p, &sum), 0);
    CHECK_STR (calc_variation_name (sum.variation), "special_cause_concerning");
    opts.polarity = CALC_POLARITY_NEUTRAL;
    CHECK_INT (calc_spc_compute (low, N_OF (low), &opts, p, &sum), 0);
    CHECK_STR (calc_variation_name (sum.variation), "special_cause_neutral");

    //  A falling trend (test_trend mirrored: 24 - y) is improving when
    //  smaller is better and concerning when bigger is better.
    double fall [] = { 13, 11, 13, 11, 13, 14, 13.5, 13, 12.5, 12, 11.5, 11,
                       13, 11, 13, 11 };
    opts.polarity = CALC_POLARITY_LOWER_BETTER;
    CHECK_INT (calc_spc_compute (fall, N_OF (fall), &opts, p, &sum), 0);
    CHECK_INT (p [8].rule, CALC_SPC_RULE_TREND);
    CHECK_INT (p [8].direction, -1);
    CHECK_STR (calc_variation_name (p [8].variation), "special_cause_improving");
    CHECK_STR (calc_variation_name (sum.variation), "common_cause");
    opts.polarity = CALC_POLARITY_HIGHER_BETTER;
    CHECK_INT (calc_spc_compute (fall, N_OF (fall), &opts, p, &sum), 0);
    CHECK_STR (calc_variation_name (p [8].variation), "special_cause_concerning");
}

static void
test_assurance (void)
{
    //  10,12 x 6: limits 5.68 .. 16.32 (see test_trial_limits).
    double y [] = { 10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 12 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    calc_spc_options_t opts;
    calc_spc_options_init (&opts);

    struct { calc_polarity_t polarity; double target; const char *want; } cases [] = {
        { CALC_POLARITY_HIGHER_BETTER, 20, "consistently_failing" },
        { CALC_POLARITY_HIGHER_BETTER,  3, "consistently_passing" },
        { CALC_POLARITY_HIGHER_BETTER, 11, "hit_and_miss" },
        { CALC_POLARITY_LOWER_BETTER,  20, "consistently_passing" },
        { CALC_POLARITY_LOWER_BETTER,   3, "consistently_failing" },
        { CALC_POLARITY_LOWER_BETTER,  11, "hit_and_miss" },
        { CALC_POLARITY_NEUTRAL,       20, "none" },
        { CALC_POLARITY_HIGHER_BETTER, NAN, "none" },
    };
    for (size_t i = 0; i < N_OF (cases); i++) {
        opts.polarity = cases [i].polarity;
        opts.target = cases [i].target;
        CHECK_INT (calc_spc_compute (y, N_OF (y), &opts, p, &sum), 0);
        CHECK_STR (calc_assurance_name (sum.assurance), cases [i].want);
    }
    //  A target exactly on a limit is inside (bounds included).
    CHECK_INT (calc_spc_assurance (5, 15, 15, CALC_POLARITY_HIGHER_BETTER),
               CALC_ASSURANCE_HIT_AND_MISS);
    CHECK_INT (calc_spc_assurance (5, 15, 5, CALC_POLARITY_LOWER_BETTER),
               CALC_ASSURANCE_HIT_AND_MISS);
    CHECK_INT (calc_spc_assurance (5, 15, 4.999, CALC_POLARITY_LOWER_BETTER),
               CALC_ASSURANCE_CONSISTENTLY_FAILING);
}

static void
test_rejects (void)
{
    double y [] = { 1, 2, 3, 4, 5 };
    calc_spc_point_t p [MAX_POINTS];
    calc_spc_summary_t sum;
    calc_spc_options_t opts;
    CHECK_INT (calc_spc_compute (y, 0, NULL, p, &sum), -1);
    CHECK_INT (calc_spc_compute (NULL, 5, NULL, p, &sum), -1);
    CHECK_INT (calc_spc_compute (y, 5, NULL, NULL, &sum), -1);
    CHECK_INT (calc_spc_compute (y, 1, NULL, p, &sum), -1);     //  no moving range
    CHECK_INT (calc_spc_compute (y, 2, NULL, p, NULL), 0);      //  summary optional
    double bad [] = { 1, NAN, 3 };
    CHECK_INT (calc_spc_compute (bad, 3, NULL, p, &sum), -1);

    size_t at [2];
    calc_spc_options_init (&opts);
    opts.rebase_at = at;
    opts.rebase_count = 1;
    at [0] = 0;             //  a segment must start after index 0
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    at [0] = 5;             //  and before n
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    at [0] = 4;             //  a one-point segment has no moving range
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    at [0] = 3;
    at [1] = 2;             //  not ascending
    opts.rebase_count = 2;
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    opts.rebase_at = NULL;
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    calc_spc_options_init (&opts);
    opts.trend_length = 1;
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    calc_spc_options_init (&opts);
    opts.baseline_points = 1;
    CHECK_INT (calc_spc_compute (y, 5, &opts, p, &sum), -1);
    CHECK_STR (calc_spc_rule_name ((calc_spc_rule_t) 99), "unknown");
}

//  A small practice at 100% for 35 months and 50% once (issue 14): the
//  screened MR-bar is 0, the limits collapse onto the mean, and without
//  care every 100% point would be "special cause".  The chart is
//  unsuitable: no point is judged, nothing is special cause, no
//  assurance.  A segment after a rebase with real variation is judged as
//  usual.
static void
test_collapsed_limits (void)
{
    double v [48];
    calc_spc_point_t p [48];
    for (int i = 0; i < 36; i++)
        v [i] = 100;
    v [20] = 50;
    calc_spc_options_t o;
    calc_spc_options_init (&o);
    o.polarity = CALC_POLARITY_HIGHER_BETTER;
    o.target = 95;
    calc_spc_summary_t sum;
    CHECK_INT (calc_spc_compute (v, 36, &o, p, &sum), 0);
    CHECK_NEAR (sum.mr_bar, 0, 0);
    CHECK (sum.unsuitable);
    CHECK_STR (calc_variation_name (sum.variation), "not_assessed");
    CHECK_INT (sum.assurance, CALC_ASSURANCE_NONE);
    int special = 0;
    for (int i = 0; i < 36; i++) {
        special += p [i].special_cause;
        CHECK_INT (p [i].variation, CALC_VARIATION_NOT_ASSESSED);
    }
    CHECK_INT (special, 0);
    //  Unscreened, the same series has a moving range and is judged.
    o.screen_outliers = false;
    CHECK_INT (calc_spc_compute (v, 36, &o, p, &sum), 0);
    CHECK (!sum.unsuitable);
    CHECK (p [20].special_cause);
    //  A flat segment then a varying one: only the first is unsuitable.
    o.screen_outliers = true;
    for (int i = 36; i < 48; i++)
        v [i] = 80 + (i % 3) * 2;
    v [20] = 100;
    size_t at [1] = { 36 };
    o.rebase_at = at;
    o.rebase_count = 1;
    CHECK_INT (calc_spc_compute (v, 48, &o, p, &sum), 0);
    CHECK_INT (p [0].variation, CALC_VARIATION_NOT_ASSESSED);
    CHECK (!sum.unsuitable);
    CHECK (p [47].variation != CALC_VARIATION_NOT_ASSESSED);
}

int
main (void)
{
    test_outside_limits ();
    test_screening ();
    test_trend ();
    test_trend_peak ();
    test_two_of_three ();
    test_run ();
    test_run_broken_by_mean ();
    test_trial_limits ();
    test_baseline_and_rebase ();
    test_variation_polarity ();
    test_assurance ();
    test_rejects ();
    test_collapsed_limits ();
    return check_done ("test_calc_spc");
}
