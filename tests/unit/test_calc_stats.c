/*  test_calc_stats: known answers for the confidence interval methods.

    Sources of the expected values:
      Wilson: Newcombe RG (1998) Stat Med 17:857-872, Table II, method 3
        (score method without continuity correction): 81/263 -> 0.2553 to
        0.3662; 15/148 -> 0.0624 to 0.1605; 0/20 -> 0 to 0.1611;
        1/29 -> 0.0061 to 0.1718; 29/29 -> 0.8830 to 1.
      Exact Poisson: standard tables of 95% limits for a Poisson count
        (e.g. Documenta Geigy; Breslow & Day 1987 Table 2.2; epitools
        pois.exact): 0 -> 0 to 3.689; 1 -> 0.0253 to 5.572; 5 -> 1.6235 to
        11.668; 9 -> 4.115 to 17.085.  Cross-checked here against sums of
        Poisson terms (P(X >= O | L) = 0.025, P(X <= O | U) = 0.025), which
        do not go through the gamma function at all.
      Byar: the formula in OHID's Technical Guide Appendix 1 evaluated by
        hand with z = 1.959963985:
          lower = O (1 - 1/(9 O) - z / (3 sqrt O))^3
          upper = (O + 1) (1 - 1/(9 (O + 1)) + z / (3 sqrt (O + 1)))^3
*/
#include "check.h"
#include "calc_stats.h"

static void
test_wilson_newcombe (void)
{
    double lo = -1, hi = -1;
    CHECK_INT (calc_wilson (81, 263, CALC_Z95, &lo, &hi), 0);
    //  p = 0.30798; z^2 = 3.841459; centre = 0.30798 + 3.841459/526 =
    //  0.315285; half = 1.96 * sqrt(0.30798*0.69202/263 + 3.841459/276676)
    //  = 0.055451; scale = 1.014606 -> 0.25529, 0.36621
    CHECK_NEAR (lo, 0.2553, 0.00005);
    CHECK_NEAR (hi, 0.3662, 0.00005);

    CHECK_INT (calc_wilson (15, 148, CALC_Z95, &lo, &hi), 0);
    CHECK_NEAR (lo, 0.0624, 0.00005);
    CHECK_NEAR (hi, 0.1605, 0.00005);

    CHECK_INT (calc_wilson (0, 20, CALC_Z95, &lo, &hi), 0);
    CHECK (lo == 0.0);
    CHECK_NEAR (hi, 0.1611, 0.00005);

    CHECK_INT (calc_wilson (1, 29, CALC_Z95, &lo, &hi), 0);
    CHECK_NEAR (lo, 0.0061, 0.00005);
    CHECK_NEAR (hi, 0.1718, 0.00005);

    CHECK_INT (calc_wilson (29, 29, CALC_Z95, &lo, &hi), 0);
    CHECK_NEAR (lo, 0.8830, 0.00005);
    CHECK (hi == 1.0);
}

static void
test_wilson_properties (void)
{
    double lo, hi;
    //  Wilson is symmetric: the interval for r/n mirrors (n-r)/n.
    double lo2, hi2;
    CHECK_INT (calc_wilson (7, 40, CALC_Z95, &lo, &hi), 0);
    CHECK_INT (calc_wilson (33, 40, CALC_Z95, &lo2, &hi2), 0);
    CHECK_NEAR (lo, 1.0 - hi2, 1e-12);
    CHECK_NEAR (hi, 1.0 - lo2, 1e-12);
    //  The point estimate lies inside; a larger sample narrows it.
    CHECK (lo < 7.0 / 40 && 7.0 / 40 < hi);
    CHECK_INT (calc_wilson (70, 400, CALC_Z95, &lo2, &hi2), 0);
    CHECK (hi2 - lo2 < hi - lo);
    //  A fractional numerator (a weighted count) is accepted.
    CHECK_INT (calc_wilson (2.5, 10, CALC_Z95, &lo, &hi), 0);
    CHECK (lo > 0 && hi < 1);
}

static void
test_wilson_rejects (void)
{
    double lo = 42, hi = 42;
    CHECK_INT (calc_wilson (1, 0, CALC_Z95, &lo, &hi), -1);
    CHECK_INT (calc_wilson (1, -5, CALC_Z95, &lo, &hi), -1);
    CHECK_INT (calc_wilson (-1, 10, CALC_Z95, &lo, &hi), -1);
    CHECK_INT (calc_wilson (11, 10, CALC_Z95, &lo, &hi), -1);
    CHECK_INT (calc_wilson (NAN, 10, CALC_Z95, &lo, &hi), -1);
    CHECK_INT (calc_wilson (1, INFINITY, CALC_Z95, &lo, &hi), -1);
    CHECK_INT (calc_wilson (1, 10, 0, &lo, &hi), -1);
    //  Outputs are untouched on failure.
    CHECK (lo == 42 && hi == 42);
}

static void
test_poisson_exact_tables (void)
{
    double lo, hi;
    CHECK_INT (calc_poisson_exact (0, &lo, &hi), 0);
    CHECK (lo == 0.0);
    CHECK_NEAR (hi, 3.688879, 1e-6);        //  -ln(0.025)

    CHECK_INT (calc_poisson_exact (1, &lo, &hi), 0);
    CHECK_NEAR (lo, 0.025318, 1e-6);        //  -ln(0.975)
    CHECK_NEAR (hi, 5.571643, 1e-6);

    CHECK_INT (calc_poisson_exact (5, &lo, &hi), 0);
    CHECK_NEAR (lo, 1.623486, 1e-6);
    CHECK_NEAR (hi, 11.668332, 1e-6);

    CHECK_INT (calc_poisson_exact (9, &lo, &hi), 0);
    CHECK_NEAR (lo, 4.115373, 1e-6);
    CHECK_NEAR (hi, 17.084803, 1e-6);

    //  A large count exercises the continued fraction branch: the exact
    //  limits for 1000 (Poisson sums) are 938.9, 1063.9; Byar agrees to
    //  well under 0.1% there.
    double blo, bhi;
    CHECK_INT (calc_poisson_exact (1000, &lo, &hi), 0);
    CHECK_INT (calc_byar (1000, &blo, &bhi), 0);
    CHECK_NEAR (lo / blo, 1.0, 0.0005);
    CHECK_NEAR (hi / bhi, 1.0, 0.0005);
    CHECK_INT (calc_poisson_exact (-1, &lo, &hi), -1);
    CHECK_INT (calc_poisson_exact (NAN, &lo, &hi), -1);
}

static void
test_gamma_and_chisq (void)
{
    //  P(1, x) = 1 - e^-x
    CHECK_NEAR (calc_gamma_p (1, 2), 1 - exp (-2), 1e-14);
    //  P(0.5, x) = erf(sqrt x)
    CHECK_NEAR (calc_gamma_p (0.5, 0.3), erf (sqrt (0.3)), 1e-14);
    CHECK_NEAR (calc_gamma_p (0.5, 9.0), erf (3.0), 1e-14);
    CHECK (isnan (calc_gamma_p (0, 1)));
    CHECK (isnan (calc_gamma_p (1, -1)));
    //  Textbook chi-square critical values.
    CHECK_NEAR (calc_chisq_quantile (0.95, 1), 3.841459, 1e-6);
    CHECK_NEAR (calc_chisq_quantile (0.975, 2), 7.377759, 1e-6);
    CHECK_NEAR (calc_chisq_quantile (0.05, 10), 3.940299, 1e-6);
    CHECK_NEAR (calc_chisq_quantile (0.99, 30), 50.892181, 1e-5);
    CHECK (calc_chisq_quantile (0, 4) == 0.0);
    CHECK (isnan (calc_chisq_quantile (1, 4)));
    CHECK (isnan (calc_chisq_quantile (0.5, 0)));
}

static void
test_byar (void)
{
    double lo, hi;
    //  O = 17: 1/(9*17) = 0.0065359, z/(3 sqrt 17) = 0.1584527
    //  lower = 17 * 0.8350114^3 = 9.897477
    //  1/(9*18) = 0.0061728, z/(3 sqrt 18) = 0.1539893
    //  upper = 18 * 1.1478165^3 = 27.220109
    CHECK_INT (calc_byar (17, &lo, &hi), 0);
    CHECK_NEAR (lo, 9.897477, 1e-5);
    CHECK_NEAR (hi, 27.220109, 1e-5);

    //  O = 65 (the PHEindicatormethods byars_lower(65) example)
    CHECK_INT (calc_byar (65, &lo, &hi), 0);
    CHECK_NEAR (lo, 50.163188, 1e-5);
    CHECK_NEAR (hi, 82.849139, 1e-5);

    //  O = 10 is the first count on Byar: 4.787450 .. 18.391459, within
    //  0.2% of the exact 4.795389 .. 18.390356 as the Technical Guide says.
    CHECK_INT (calc_byar (10, &lo, &hi), 0);
    CHECK_NEAR (lo, 4.787450, 1e-5);
    CHECK_NEAR (hi, 18.391459, 1e-5);
    CHECK_NEAR (lo / 4.795389, 1.0, 0.002);

    //  Below 10 calc_byar gives the exact limits.
    CHECK_INT (calc_byar (9, &lo, &hi), 0);
    CHECK_NEAR (lo, 4.115373, 1e-6);
    CHECK_NEAR (hi, 17.084803, 1e-6);
    CHECK_INT (calc_byar (0, &lo, &hi), 0);
    CHECK (lo == 0.0);
    CHECK_NEAR (hi, 3.688879, 1e-6);

    CHECK_INT (calc_byar (-0.5, &lo, &hi), -1);
    CHECK_INT (calc_byar (INFINITY, &lo, &hi), -1);
}

static void
test_rate_ci (void)
{
    double value, lo, hi;
    //  17 deaths in 33,100 people per 100,000: 51.359517, limits the O=17
    //  Byar limits scaled by 100000 / 33100: 29.901743 .. 82.235979
    CHECK_INT (calc_rate_ci (17, 33100, 100000, &value, &lo, &hi), 0);
    CHECK_NEAR (value, 51.359517, 1e-5);
    CHECK_NEAR (lo, 9.897477 * 100000 / 33100, 1e-4);
    CHECK_NEAR (hi, 27.220109 * 100000 / 33100, 1e-4);

    //  5 events in 2,000 per 1,000: 2.5 (0.811743 .. 5.834166), exact.
    CHECK_INT (calc_rate_ci (5, 2000, 1000, &value, &lo, &hi), 0);
    CHECK_NEAR (value, 2.5, 1e-12);
    CHECK_NEAR (lo, 0.811743, 1e-6);
    CHECK_NEAR (hi, 5.834166, 1e-6);

    CHECK_INT (calc_rate_ci (5, 0, 1000, &value, &lo, &hi), -1);
    CHECK_INT (calc_rate_ci (5, 100, 0, &value, &lo, &hi), -1);
    CHECK_INT (calc_rate_ci (-1, 100, 1000, &value, &lo, &hi), -1);
}

int
main (void)
{
    test_wilson_newcombe ();
    test_wilson_properties ();
    test_wilson_rejects ();
    test_poisson_exact_tables ();
    test_gamma_and_chisq ();
    test_byar ();
    test_rate_ci ();
    return check_done ("test_calc_stats");
}
