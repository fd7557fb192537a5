/*  calc_stats: Wilson, Byar and exact Poisson confidence intervals.

    References
      OHID / PHE, "Technical Guide: Confidence Intervals" (Public Health
        Data Science, 2018): Appendix 1 (Byar), 2 (chi-square exact),
        3 (Wilson score).
      Newcombe RG (1998), "Two-sided confidence intervals for the single
        proportion: comparison of seven methods", Stat Med 17:857-872.
      Breslow NE, Day NE (1987), Statistical methods in cancer research,
        vol. II, IARC (Byar's approximation, eq. 2.12).
*/
#include "calc_stats.h"
#include "calc_store.h"

#include <math.h>

//  Iteration bounds for the incomplete gamma: both expansions converge in
//  far fewer steps for the counts indicators see; the bound only stops a
//  pathological argument from spinning.
#define S_GAMMA_MAX_ITER 10000
#define S_GAMMA_EPS      1e-15
#define S_TINY           1e-300

//  pi, spelt out: M_PI is not ISO C and vanishes under -std=c11.
#define S_PI 3.14159265358979323846

//  The exact limits are the 2.5% and 97.5% points.
#define S_ALPHA_HALF 0.025

//  log Gamma(x) for x > 0 by the Lanczos approximation (g = 7, n = 9),
//  good to about 15 significant digits.  Our own rather than libm's
//  lgamma, which writes the global signgam and so is not thread-safe.
static double
s_log_gamma (double x)
{
    static const double coef [9] = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905,
        -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
    };
    if (x < 0.5)
        //  Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x)
        return log (S_PI / sin (S_PI * x)) - s_log_gamma (1.0 - x);
    x -= 1.0;
    double sum = coef [0];
    for (int i = 1; i < 9; i++)
        sum += coef [i] / (x + i);
    double t = x + 7.5;
    return 0.5 * log (2.0 * S_PI) + (x + 0.5) * log (t) - t + log (sum);
}

//  P(a, x) by its power series; converges quickly for x < a + 1.
static double
s_gamma_p_series (double a, double x)
{
    double ap = a;
    double term = 1.0 / a;
    double sum = term;
    for (int n = 0; n < S_GAMMA_MAX_ITER; n++) {
        ap += 1.0;
        term *= x / ap;
        sum += term;
        if (fabs (term) < fabs (sum) * S_GAMMA_EPS)
            break;
    }
    return sum * exp (-x + a * log (x) - s_log_gamma (a));
}

//  Q(a, x) = 1 - P(a, x) by its continued fraction (modified Lentz);
//  converges quickly for x >= a + 1.
static double
s_gamma_q_fraction (double a, double x)
{
    double b = x + 1.0 - a;
    double c = 1.0 / S_TINY;
    double d = 1.0 / b;
    double h = d;
    for (int i = 1; i < S_GAMMA_MAX_ITER; i++) {
        double an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if (fabs (d) < S_TINY)
            d = S_TINY;
        c = b + an / c;
        if (fabs (c) < S_TINY)
            c = S_TINY;
        d = 1.0 / d;
        double delta = d * c;
        h *= delta;
        if (fabs (delta - 1.0) < S_GAMMA_EPS)
            break;
    }
    return exp (-x + a * log (x) - s_log_gamma (a)) * h;
}

double
calc_gamma_p (double a, double x)
{
    if (!(a > 0.0) || !(x >= 0.0) || !isfinite (a))
        return NAN;
    if (x == 0.0)
        return 0.0;
    if (isinf (x))
        return 1.0;
    if (x < a + 1.0)
        return s_gamma_p_series (a, x);
    return 1.0 - s_gamma_q_fraction (a, x);
}

double
calc_chisq_quantile (double p, double df)
{
    if (!(df > 0.0) || !isfinite (df) || !(p >= 0.0) || !(p < 1.0))
        return NAN;
    if (p == 0.0)
        return 0.0;
    //  Solve P(a, y) = p for y = x / 2 by bisection: P is monotone in y,
    //  so bisection cannot miss, and 200 halvings of a bracket reach the
    //  precision of a double whatever the bracket.
    double a = df / 2.0;
    double lo = 0.0;
    double hi = a > 1.0 ? a : 1.0;
    while (calc_gamma_p (a, hi) < p)
        hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (calc_gamma_p (a, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return lo + hi;             //  2 * (lo + hi) / 2
}

int
calc_wilson (double num, double den, double z, double *lo, double *hi)
{
    if (!isfinite (num) || !isfinite (den) || !isfinite (z))
        return -1;
    if (den <= 0.0 || num < 0.0 || num > den || z <= 0.0)
        return -1;
    double p = num / den;
    double z2 = z * z;
    double centre = p + z2 / (2.0 * den);
    double half = z * sqrt (p * (1.0 - p) / den + z2 / (4.0 * den * den));
    double scale = 1.0 + z2 / den;
    double l = (centre - half) / scale;
    double h = (centre + half) / scale;
    //  At the edges the exact answer is 0 or 1; rounding must not leave a
    //  tiny negative lower limit or an upper limit past 100%.
    *lo = num == 0.0 || l < 0.0 ? 0.0 : l;
    *hi = num == den || h > 1.0 ? 1.0 : h;
    return 0;
}

int
calc_poisson_exact (double count, double *lo, double *hi)
{
    if (!isfinite (count) || count < 0.0)
        return -1;
    *lo = count == 0.0 ? 0.0
                       : calc_chisq_quantile (S_ALPHA_HALF, 2.0 * count) / 2.0;
    *hi = calc_chisq_quantile (1.0 - S_ALPHA_HALF, 2.0 * count + 2.0) / 2.0;
    return 0;
}

int
calc_byar (double count, double *lo, double *hi)
{
    if (!isfinite (count) || count < 0.0)
        return -1;
    if (count < CALC_BYAR_MIN_COUNT)
        return calc_poisson_exact (count, lo, hi);
    const double z = CALC_Z95;
    double l = 1.0 - 1.0 / (9.0 * count) - z / (3.0 * sqrt (count));
    double u = count + 1.0;
    double h = 1.0 - 1.0 / (9.0 * u) + z / (3.0 * sqrt (u));
    *lo = count * l * l * l;
    *hi = u * h * h * h;
    return 0;
}

int
calc_rate_ci (double count, double population, double multiplier,
              double *value, double *lo, double *hi)
{
    if (!isfinite (population) || population <= 0.0
        || !isfinite (multiplier) || multiplier <= 0.0)
        return -1;
    double count_lo, count_hi;
    if (calc_byar (count, &count_lo, &count_hi) != 0)
        return -1;
    double scale = multiplier / population;
    *value = count * scale;
    *lo = count_lo * scale;
    *hi = count_hi * scale;
    return 0;
}
