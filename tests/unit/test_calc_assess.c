/*  test_calc_assess: target status, trend, benchmark, gaps and names.

    Several cases come from the partnership's own documents (seeds/):
      001, council Quarterly Performance Report Q2 2022/23, public health
        scorecard: short term trend compares Q2 with Q1, annual trend Q2
        with Q2 of the year before, arrows polarity-adjusted; its summary
        counts 3 improved / 0 consistent / 1 worsening short term and
        1 improved / 3 worsening annual.
      000/001, health inequalities tables: Dudley against England marked
        Better / Worse by polarity.
*/
#include "check.h"
#include "calc_assess.h"

static calc_target_t
s_target (calc_target_kind_t kind, double threshold, double tolerance)
{
    calc_target_t target = { kind, threshold, NAN, NAN, tolerance };
    return target;
}

static calc_target_t
s_range (double lower, double upper)
{
    calc_target_t target = { CALC_TARGET_RANGE, NAN, lower, upper, NAN };
    return target;
}

static const char *
s_status (double value, calc_polarity_t polarity, calc_target_t target)
{
    return calc_status_name (calc_assess_target_status (value, polarity, &target));
}

static void
test_target_min_max (void)
{
    const calc_polarity_t hb = CALC_POLARITY_HIGHER_BETTER;
    const calc_polarity_t lb = CALC_POLARITY_LOWER_BETTER;
    //  Seed 001: PI 2074 food hygiene 92.9% against a 90% minimum: on
    //  target; PI 501 reablement 90% against 83%: on target.
    CHECK_STR (s_status (92.9, hb, s_target (CALC_TARGET_MIN, 90, 0)), "on_target");
    CHECK_STR (s_status (90, hb, s_target (CALC_TARGET_MIN, 83, 0)), "on_target");
    //  Exactly on the line counts as met.
    CHECK_STR (s_status (90, hb, s_target (CALC_TARGET_MIN, 90, 0)), "on_target");
    CHECK_STR (s_status (89.9, hb, s_target (CALC_TARGET_MIN, 90, 0)), "below_target");
    //  A tolerance band of 5 below a minimum of 90: 85..90 is amber.
    CHECK_STR (s_status (85, hb, s_target (CALC_TARGET_MIN, 90, 5)), "tolerance");
    CHECK_STR (s_status (87.5, hb, s_target (CALC_TARGET_MIN, 90, 5)), "tolerance");
    CHECK_STR (s_status (84.9, hb, s_target (CALC_TARGET_MIN, 90, 5)), "below_target");
    CHECK_STR (s_status (84.9, hb, s_target (CALC_TARGET_MIN, 90, NAN)), "below_target");

    //  Seed 001: PI 2260 smoking at time of delivery 8.4% against a 9%
    //  maximum: on target; 11.5% (its Q1) would not be.
    CHECK_STR (s_status (8.4, lb, s_target (CALC_TARGET_MAX, 9, 0)), "on_target");
    CHECK_STR (s_status (9, lb, s_target (CALC_TARGET_MAX, 9, 0)), "on_target");
    CHECK_STR (s_status (11.5, lb, s_target (CALC_TARGET_MAX, 9, 0)), "below_target");
    CHECK_STR (s_status (10, lb, s_target (CALC_TARGET_MAX, 9, 1)), "tolerance");
    CHECK_STR (s_status (10.01, lb, s_target (CALC_TARGET_MAX, 9, 1)), "below_target");

    //  Zero targets (never events).
    CHECK_STR (s_status (0, lb, s_target (CALC_TARGET_ZERO, NAN, 0)), "on_target");
    CHECK_STR (s_status (1, lb, s_target (CALC_TARGET_ZERO, NAN, 0)), "below_target");
    CHECK_STR (s_status (1, lb, s_target (CALC_TARGET_ZERO, NAN, 2)), "tolerance");

    //  No target, and a target without a value.
    CHECK_STR (s_status (50, hb, s_target (CALC_TARGET_NONE, 0, 0)), "no_target");
    CHECK_INT (calc_assess_target_status (50, hb, NULL), CALC_STATUS_NO_TARGET);
    CHECK_STR (s_status (NAN, hb, s_target (CALC_TARGET_MIN, 90, 0)), "missing");
    CHECK_STR (s_status (50, hb, s_target (CALC_TARGET_MIN, NAN, 0)), "no_target");
}

static void
test_target_range (void)
{
    //  DQOFH "43-72%": below 43 red, 43 up to 72 amber, 72 and over green.
    const calc_polarity_t hb = CALC_POLARITY_HIGHER_BETTER;
    CHECK_STR (s_status (42.9, hb, s_range (43, 72)), "below_target");
    CHECK_STR (s_status (43, hb, s_range (43, 72)), "tolerance");
    CHECK_STR (s_status (71.9, hb, s_range (43, 72)), "tolerance");
    CHECK_STR (s_status (72, hb, s_range (43, 72)), "on_target");
    CHECK_STR (s_status (95, hb, s_range (43, 72)), "on_target");
    //  Smaller is better mirrors it: 20 or less green, over 30 red.
    const calc_polarity_t lb = CALC_POLARITY_LOWER_BETTER;
    CHECK_STR (s_status (20, lb, s_range (20, 30)), "on_target");
    CHECK_STR (s_status (25, lb, s_range (20, 30)), "tolerance");
    CHECK_STR (s_status (30, lb, s_range (20, 30)), "tolerance");
    CHECK_STR (s_status (30.1, lb, s_range (20, 30)), "below_target");
    //  Neutral: inside the band is on target.
    const calc_polarity_t ne = CALC_POLARITY_NEUTRAL;
    CHECK_STR (s_status (25, ne, s_range (20, 30)), "on_target");
    CHECK_STR (s_status (31, ne, s_range (20, 30)), "below_target");
    CHECK_STR (s_status (25, hb, s_range (NAN, 30)), "no_target");
}

static void
test_achievement (void)
{
    //  QOF: points scale linearly between the thresholds.
    //  (57.5 - 43) / (72 - 43) = 14.5 / 29 = 0.5
    CHECK_NEAR (calc_assess_achievement (57.5, 43, 72), 0.5, 1e-12);
    CHECK_NEAR (calc_assess_achievement (43, 43, 72), 0.0, 0);
    CHECK_NEAR (calc_assess_achievement (30, 43, 72), 0.0, 0);
    CHECK_NEAR (calc_assess_achievement (72, 43, 72), 1.0, 0);
    CHECK_NEAR (calc_assess_achievement (99, 43, 72), 1.0, 0);
    //  (50 - 40) / (90 - 40) = 0.2
    CHECK_NEAR (calc_assess_achievement (50, 40, 90), 0.2, 1e-12);
    CHECK_NEAR (calc_assess_achievement (50, 50, 50), 1.0, 0);
    CHECK_NEAR (calc_assess_achievement (49, 50, 50), 0.0, 0);
    CHECK (isnan (calc_assess_achievement (NAN, 43, 72)));
    CHECK (isnan (calc_assess_achievement (50, 72, 43)));
}

static void
test_trend_seed_001 (void)
{
    const calc_polarity_t hb = CALC_POLARITY_HIGHER_BETTER;
    const calc_polarity_t lb = CALC_POLARITY_LOWER_BETTER;
    //  Public health scorecard, Q2 2022/23: (Q2 2021/22, Q1, Q2).
    //  PI 1441 air quality actions (bigger is better): 100, 97.7, 98.9
    CHECK_STR (calc_trend_name (calc_assess_trend (98.9, 97.7, hb, 0)), "improved");
    CHECK_STR (calc_trend_name (calc_assess_trend (98.9, 100, hb, 0)), "worsening");
    //  PI 2257 savings by the scams team: 410,400, 135,000, 6,000
    CHECK_STR (calc_trend_name (calc_assess_trend (6000, 135000, hb, 0)), "worsening");
    CHECK_STR (calc_trend_name (calc_assess_trend (6000, 410400, hb, 0)), "worsening");
    //  PI 2074 food hygiene: 86.6, 89.5, 92.9
    CHECK_STR (calc_trend_name (calc_assess_trend (92.9, 89.5, hb, 0)), "improved");
    CHECK_STR (calc_trend_name (calc_assess_trend (92.9, 86.6, hb, 0)), "improved");
    //  PI 2260 smoking at time of delivery (smaller is better): 6.8, 11.5,
    //  8.4.  The value fell quarter on quarter: improved (the report's
    //  up arrow); it rose year on year: worsening.
    CHECK_STR (calc_trend_name (calc_assess_trend (8.4, 11.5, lb, 0)), "improved");
    CHECK_STR (calc_trend_name (calc_assess_trend (8.4, 6.8, lb, 0)), "worsening");
    //  Adult social care: PI 501 reablement 93, 98, 90: worse both ways.
    CHECK_STR (calc_trend_name (calc_assess_trend (90, 98, hb, 0)), "worsening");
    CHECK_STR (calc_trend_name (calc_assess_trend (90, 93, hb, 0)), "worsening");
    //  "KPIs new for 2022-23 cannot be compared".
    CHECK_STR (calc_trend_name (calc_assess_trend (73, NAN, hb, 0)), "cannot_compare");
    CHECK_STR (calc_trend_name (calc_assess_trend (NAN, 46, hb, 0)), "cannot_compare");
}

static void
test_trend_rules (void)
{
    const calc_polarity_t hb = CALC_POLARITY_HIGHER_BETTER;
    const calc_polarity_t lb = CALC_POLARITY_LOWER_BETTER;
    const calc_polarity_t ne = CALC_POLARITY_NEUTRAL;
    CHECK_STR (calc_trend_name (calc_assess_trend (50, 50, hb, 0)), "consistent");
    CHECK_STR (calc_trend_name (calc_assess_trend (50, 50, ne, 0)), "consistent");
    CHECK_STR (calc_trend_name (calc_assess_trend (51, 50, ne, 0)), "higher");
    CHECK_STR (calc_trend_name (calc_assess_trend (49, 50, ne, 0)), "lower");
    CHECK_STR (calc_trend_name (calc_assess_trend (49, 50, lb, 0)), "improved");
    CHECK_STR (calc_trend_name (calc_assess_trend (51, 50, lb, 0)), "worsening");
    //  A 2% relative tolerance: 50 -> 51 (2%) is no change, 51.1 is.
    CHECK_STR (calc_trend_name (calc_assess_trend (51, 50, hb, 0.02)), "consistent");
    CHECK_STR (calc_trend_name (calc_assess_trend (49, 50, hb, 0.02)), "consistent");
    CHECK_STR (calc_trend_name (calc_assess_trend (51.1, 50, hb, 0.02)), "improved");
    CHECK_STR (calc_trend_name (calc_assess_trend (48.9, 50, lb, 0.02)), "improved");
    //  A negative tolerance is treated as none.
    CHECK_STR (calc_trend_name (calc_assess_trend (50.001, 50, hb, -1)), "improved");
}

static void
test_benchmark (void)
{
    const calc_polarity_t hb = CALC_POLARITY_HIGHER_BETTER;
    const calc_polarity_t lb = CALC_POLARITY_LOWER_BETTER;
    const calc_polarity_t ne = CALC_POLARITY_NEUTRAL;
    //  Seed 000: stroke admissions (smaller is better) Dudley 137.1
    //  against England 161.8: "Better" when the interval lies below.
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (137.1, 126.2, 148.7, 161.8, lb)),
               "better");
    //  Smoking in early pregnancy 15.7% vs 12.8%: "Worse".
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (15.7, 14.3, 17.2, 12.8, lb)),
               "worse");
    //  Early access to maternity care 74.8% vs 57.8% (bigger is better).
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (74.8, 73.1, 76.4, 57.8, hb)),
               "better");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (50, 40, 49, 57.8, hb)), "worse");
    //  Interval including England, bounds included.
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (60, 55, 65, 57.8, hb)), "similar");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (60, 57.8, 65, 57.8, hb)), "similar");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (60, 55, 57.8, 57.8, lb)), "similar");
    //  Neutral polarity.
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (70, 65, 75, 57.8, ne)), "higher");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (50, 45, 55, 57.8, ne)), "lower");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (57, 55, 60, 57.8, ne)), "similar");
    //  No interval (a published value) or no comparator.
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (70, NAN, NAN, 57.8, hb)),
               "not_compared");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (70, 65, 75, NAN, hb)),
               "not_compared");
    CHECK_STR (calc_benchmark_name (calc_assess_benchmark (NAN, 65, 75, 57.8, hb)),
               "not_compared");
}

static void
test_gaps (void)
{
    double gap = 0, ratio = 0;
    //  Quintile 1 (most deprived) 30.2, quintile 5 (least) 18.9, listed
    //  in any order: gap 11.3, ratio 30.2 / 18.9 = 1.597884.
    calc_ranked_value_t quintiles [] = {
        { 3, 24.0 }, { 5, 18.9 }, { 1, 30.2 }, { 2, 27.5 }, { 4, 21.0 }
    };
    CHECK_INT (calc_assess_deprivation_gap (quintiles, 5, &gap, &ratio), 0);
    CHECK_NEAR (gap, 11.3, 1e-12);
    CHECK_NEAR (ratio, 1.597883598, 1e-9);
    //  Life expectancy runs the other way: the gap is negative.
    calc_ranked_value_t le [] = { { 1, 74.5 }, { 5, 83.4 } };
    CHECK_INT (calc_assess_deprivation_gap (le, 2, &gap, &ratio), 0);
    CHECK_NEAR (gap, -8.9, 1e-12);
    //  Deciles: the highest rank present is the least deprived.
    calc_ranked_value_t deciles [] = { { 1, 12 }, { 10, 4 }, { 6, 7 } };
    CHECK_INT (calc_assess_deprivation_gap (deciles, 3, &gap, &ratio), 0);
    CHECK_NEAR (gap, 8, 0);
    CHECK_NEAR (ratio, 3, 0);
    //  A missing least-deprived value falls back to the next rank present.
    calc_ranked_value_t hole [] = { { 1, 12 }, { 5, NAN }, { 4, 6 } };
    CHECK_INT (calc_assess_deprivation_gap (hole, 3, &gap, &ratio), 0);
    CHECK_NEAR (gap, 6, 0);
    //  Least deprived 0: gap, no ratio.
    calc_ranked_value_t zero [] = { { 1, 3 }, { 5, 0 } };
    CHECK_INT (calc_assess_deprivation_gap (zero, 2, &gap, &ratio), 0);
    CHECK_NEAR (gap, 3, 0);
    CHECK (isnan (ratio));
    //  Refusals: no most deprived, only one rank, duplicates.
    calc_ranked_value_t no_q1 [] = { { 2, 12 }, { 5, 4 } };
    CHECK_INT (calc_assess_deprivation_gap (no_q1, 2, &gap, &ratio), -1);
    calc_ranked_value_t only_q1 [] = { { 1, 12 } };
    CHECK_INT (calc_assess_deprivation_gap (only_q1, 1, &gap, &ratio), -1);
    calc_ranked_value_t dup [] = { { 1, 12 }, { 5, 4 }, { 1, 13 } };
    CHECK_INT (calc_assess_deprivation_gap (dup, 3, &gap, &ratio), -1);
    CHECK_INT (calc_assess_deprivation_gap (NULL, 0, &gap, &ratio), -1);

    //  Any two categories: e.g. male 77.8 vs female 81.8 years.
    CHECK_INT (calc_assess_gap (77.8, 81.8, &gap, &ratio), 0);
    CHECK_NEAR (gap, -4.0, 1e-12);
    CHECK_NEAR (ratio, 77.8 / 81.8, 1e-12);
    CHECK_INT (calc_assess_gap (NAN, 81.8, &gap, &ratio), -1);
}

static void
test_names (void)
{
    CHECK_STR (calc_status_name (CALC_STATUS_ON_TARGET), "on_target");
    CHECK_STR (calc_status_name (CALC_STATUS_TOLERANCE), "tolerance");
    CHECK_STR (calc_status_name (CALC_STATUS_BELOW_TARGET), "below_target");
    CHECK_STR (calc_status_name (CALC_STATUS_NO_TARGET), "no_target");
    CHECK_STR (calc_status_name (CALC_STATUS_MISSING), "missing");
    CHECK_STR (calc_trend_name (CALC_TREND_IMPROVED), "improved");
    CHECK_STR (calc_trend_name (CALC_TREND_CONSISTENT), "consistent");
    CHECK_STR (calc_trend_name (CALC_TREND_WORSENING), "worsening");
    CHECK_STR (calc_trend_name (CALC_TREND_CANNOT_COMPARE), "cannot_compare");
    CHECK_STR (calc_benchmark_name (CALC_BENCHMARK_BETTER), "better");
    CHECK_STR (calc_benchmark_name (CALC_BENCHMARK_SIMILAR), "similar");
    CHECK_STR (calc_benchmark_name (CALC_BENCHMARK_WORSE), "worse");
    CHECK_STR (calc_benchmark_name (CALC_BENCHMARK_HIGHER), "higher");
    CHECK_STR (calc_benchmark_name (CALC_BENCHMARK_LOWER), "lower");
    CHECK_STR (calc_benchmark_name (CALC_BENCHMARK_NOT_COMPARED), "not_compared");
    CHECK_STR (calc_variation_name (CALC_VARIATION_COMMON_CAUSE), "common_cause");
    CHECK_STR (calc_variation_name (CALC_VARIATION_SPECIAL_IMPROVING), "special_cause_improving");
    CHECK_STR (calc_variation_name (CALC_VARIATION_SPECIAL_CONCERNING), "special_cause_concerning");
    CHECK_STR (calc_variation_name (CALC_VARIATION_SPECIAL_NEUTRAL), "special_cause_neutral");
    CHECK_STR (calc_assurance_name (CALC_ASSURANCE_CONSISTENTLY_PASSING), "consistently_passing");
    CHECK_STR (calc_assurance_name (CALC_ASSURANCE_CONSISTENTLY_FAILING), "consistently_failing");
    CHECK_STR (calc_assurance_name (CALC_ASSURANCE_HIT_AND_MISS), "hit_and_miss");
    CHECK_STR (calc_assurance_name (CALC_ASSURANCE_NONE), "none");
    CHECK_STR (calc_status_name ((calc_status_t) 42), "unknown");
    CHECK_STR (calc_trend_name ((calc_trend_t) -1), "unknown");
    CHECK_STR (calc_polarity_name ((calc_polarity_t) 0), "unknown");

    calc_polarity_t polarity = CALC_POLARITY_NEUTRAL;
    CHECK_INT (calc_polarity_parse ("higher_better", &polarity), 0);
    CHECK_INT (polarity, CALC_POLARITY_HIGHER_BETTER);
    CHECK_INT (calc_polarity_parse ("lower_better", &polarity), 0);
    CHECK_INT (polarity, CALC_POLARITY_LOWER_BETTER);
    CHECK_INT (calc_polarity_parse ("neutral", &polarity), 0);
    CHECK_INT (polarity, CALC_POLARITY_NEUTRAL);
    CHECK_INT (calc_polarity_parse ("Higher_Better", &polarity), -1);
    CHECK_INT (calc_polarity_parse ("", &polarity), -1);
    CHECK_INT (calc_polarity_parse (NULL, &polarity), -1);
    CHECK_INT (polarity, CALC_POLARITY_NEUTRAL);
    for (int p = CALC_POLARITY_HIGHER_BETTER; p <= CALC_POLARITY_NEUTRAL; p++) {
        calc_polarity_t back;
        CHECK_INT (calc_polarity_parse (calc_polarity_name ((calc_polarity_t) p), &back), 0);
        CHECK_INT (back, p);
    }

    calc_target_kind_t kind = CALC_TARGET_NONE;
    const char *kinds [] = { "min", "max", "range", "zero", "none" };
    calc_target_kind_t want [] = { CALC_TARGET_MIN, CALC_TARGET_MAX, CALC_TARGET_RANGE,
                                   CALC_TARGET_ZERO, CALC_TARGET_NONE };
    for (int i = 0; i < 5; i++) {
        CHECK_INT (calc_target_kind_parse (kinds [i], &kind), 0);
        CHECK_INT (kind, want [i]);
        CHECK_STR (calc_target_kind_name (kind), kinds [i]);
    }
    CHECK_INT (calc_target_kind_parse ("minimum", &kind), -1);
    CHECK_INT (calc_target_kind_parse (NULL, &kind), -1);
}

int
main (void)
{
    test_target_min_max ();
    test_target_range ();
    test_achievement ();
    test_trend_seed_001 ();
    test_trend_rules ();
    test_benchmark ();
    test_gaps ();
    test_names ();
    return check_done ("test_calc_assess");
}
