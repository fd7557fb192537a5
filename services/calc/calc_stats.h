/*  calc_stats: confidence intervals for the indicator values calc writes.

    The methods are the ones OHID (formerly PHE) publishes in its
    "Technical Guide: Confidence Intervals" and uses on Fingertips, so a
    value carewatch computes matches the one a board sees in the national
    tools:
      proportion   Wilson score interval (Newcombe 1998, method 3)
      count, rate  Byar's approximation for 10 events or more, the exact
                   Poisson limits from the chi-square distribution below 10
                   (Byar is within 0.2% of exact from 10 events upward)

    Every function is pure: no allocation, no state, libm only.  They
    return 0, or -1 when the input cannot carry an interval, and leave the
    outputs untouched on -1.
*/
#ifndef CAREWATCH_CALC_STATS_H
#define CAREWATCH_CALC_STATS_H

//  The two-sided 95% standard normal quantile, qnorm(0.975), to the
//  precision R prints.  Use this rather than 1.96: OHID's tools do.
#define CALC_Z95 1.959963984540054

//  Counts below this use the exact Poisson limits; from it on, Byar's.
#define CALC_BYAR_MIN_COUNT 10.0

//  Wilson score interval for the proportion num/den, as fractions in
//  0..1 (the caller scales to a percentage).  z is the normal quantile for
//  the confidence wanted (CALC_Z95 for 95%).  Writes *lo and *hi.  Returns
//  0, or -1 when den <= 0, num < 0, num > den, z <= 0 or any input is not
//  finite.
int calc_wilson (double num, double den, double z, double *lo, double *hi);

//  95% confidence interval for a Poisson count: exact (chi-square) limits
//  when count < 10, Byar's method from 10 on.  count may be fractional
//  (a pooled or weighted count).  Writes *lo and *hi in counts.  Returns
//  0, or -1 when count < 0 or is not finite.
int calc_byar (double count, double *lo, double *hi);

//  Exact 95% Poisson limits for any count: lo = qchisq(0.025, 2c) / 2
//  (0 when c = 0) and hi = qchisq(0.975, 2c + 2) / 2.  Writes *lo and
//  *hi.  Returns 0, or -1 when count < 0 or is not finite.
int calc_poisson_exact (double count, double *lo, double *hi);

//  A crude rate and its 95% interval: value = count / population *
//  multiplier, and the limits are calc_byar's count limits scaled the
//  same way.  Writes *value, *lo and *hi.  Returns 0, or -1 when count is
//  invalid (see calc_byar), population <= 0 or multiplier <= 0.
int calc_rate_ci (double count, double population, double multiplier,
                  double *value, double *lo, double *hi);

//  Regularised lower incomplete gamma function P(a, x) for a > 0, x >= 0.
//  Returns the probability, or NAN for arguments outside the domain.
double calc_gamma_p (double a, double x);

//  Quantile of the chi-square distribution with df > 0 degrees of
//  freedom: the x with P(df/2, x/2) = p, for 0 <= p < 1.  Returns x, 0
//  for p = 0, or NAN for arguments outside the domain.
double calc_chisq_quantile (double p, double df);

#endif
