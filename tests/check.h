/*  check.h: the tiny assertion kit our unit tests use.

    Each test file is one executable whose main() runs its cases and
    returns check_done(), non-zero when any check failed, so ctest sees
    the failure.  A failed check prints file:line and both values and the
    test goes on, so one run shows every failure.

    A test of several files defines CHECK_SHARED_COUNTERS for all of them
    and CHECK_DEFINE_COUNTERS in exactly one (the one with main), so every
    file counts into the same totals.  */
#ifndef CAREWATCH_CHECK_H
#define CAREWATCH_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#if defined (CHECK_DEFINE_COUNTERS)
int check_failures = 0;
int check_count = 0;
#elif defined (CHECK_SHARED_COUNTERS)
extern int check_failures;
extern int check_count;
#else
static int check_failures = 0;
static int check_count = 0;
#endif

#define CHECK(cond) do { check_count++; if (!(cond)) { check_failures++; \
    fprintf (stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_INT(got, want) do { long long g_ = (long long) (got), w_ = (long long) (want); \
    check_count++; if (g_ != w_) { check_failures++; \
    fprintf (stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, g_, w_); } } while (0)

#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); check_count++; \
    if (!g_ || !w_ || strcmp (g_, w_) != 0) { check_failures++; \
    fprintf (stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
             g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)

#define CHECK_NEAR(got, want, tol) do { double g_ = (got), w_ = (want); check_count++; \
    if (!(fabs (g_ - w_) <= (tol))) { check_failures++; \
    fprintf (stderr, "%s:%d: %s = %.10g, want %.10g (tol %g)\n", __FILE__, __LINE__, #got, g_, w_, (double) (tol)); } } while (0)

#define CHECK_CONTAINS(hay, needle) do { const char *h_ = (hay), *n_ = (needle); check_count++; \
    if (!h_ || !strstr (h_, n_)) { check_failures++; \
    fprintf (stderr, "%s:%d: %s = \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, #hay, h_ ? h_ : "(null)", n_); } } while (0)

//  How many times needle occurs in hay (overlaps counted; NULL hay: 0).
static inline int
check_occurrences (const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay ? strstr (hay, needle) : NULL; p; p = strstr (p + 1, needle))
        n++;
    return n;
}

static inline int
check_done (const char *name)
{
    fprintf (stderr, "%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures ? 1 : 0;
}

#endif
