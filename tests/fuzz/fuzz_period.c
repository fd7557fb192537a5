/*  fuzz_period: period codes as partners write them (a feed's period
    and snapshot_date cells, a URL's period).  A code that parses must
    survive every operation period.h offers, and these must agree:
      - the period lies in PERIOD_YEAR_MIN..MAX, start <= end;
      - its canonical code fits PERIOD_CODE_MAX and parses back to the
        same period, and formatting that gives the same code;
      - next (previous (p)) == p and previous (next (p)) == p, each step
        keeps the type and sorts before / after p;
      - same_last_year keeps the type and moves back one year;
      - period_containing of its type at its end day gives it back.
    A broken invariant traps.  */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"

#define S_CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static bool
s_same (const period_t *a, const period_t *b)
{
    return a->type == b->type && a->start == b->start && a->end == b->end;
}

static int
s_year_of (period_day_t day)
{
    int y;
    period_ymd (day, &y, NULL, NULL);
    return y;
}

static void
s_check_valid (const period_t *p)
{
    S_CHECK (p->type >= PERIOD_MONTH && p->type <= PERIOD_SNAPSHOT);
    S_CHECK (p->start <= p->end);
    S_CHECK (s_year_of (p->start) >= PERIOD_YEAR_MIN && s_year_of (p->end) <= PERIOD_YEAR_MAX);
    S_CHECK (period_type_name (p->type) && period_type_from_name (period_type_name (p->type)) == p->type);
    //  Whole months, except a snapshot which is one day
    int y, m, d;
    if (p->type == PERIOD_SNAPSHOT)
        S_CHECK (p->start == p->end);
    else {
        period_ymd (p->start, &y, &m, &d);
        S_CHECK (d == 1);
        period_ymd (p->end + 1, &y, &m, &d);
        S_CHECK (d == 1);
    }
}

//  Canonical code round trip.
static void
s_check_format (const period_t *p)
{
    char code [PERIOD_CODE_MAX], again [PERIOD_CODE_MAX], err [128];
    period_format (p, code, sizeof code);
    size_t len = strlen (code);
    S_CHECK (len > 0 && len < PERIOD_CODE_MAX - 1);     //  never cut short
    period_t back;
    S_CHECK (period_parse (code, &back, err, sizeof err) == 0);
    S_CHECK (s_same (&back, p));
    S_CHECK (strcmp (period_format (&back, again, sizeof again), code) == 0);
    //  A short buffer gets a terminated prefix
    char small [5];
    period_format (p, small, sizeof small);
    S_CHECK (strlen (small) < sizeof small && strncmp (small, code, strlen (small)) == 0);
}

//  Whole months between the starts of two periods.
static int
s_months_between (period_day_t from, period_day_t to)
{
    int y1, m1, y2, m2;
    period_ymd (from, &y1, &m1, NULL);
    period_ymd (to, &y2, &m2, NULL);
    return (y2 - y1) * 12 + (m2 - m1);
}

static void
s_check_steps (const period_t *p)
{
    period_t prev, next, back, last;
    int step = p->type == PERIOD_MONTH || p->type == PERIOD_ROLLING12 ? 1
             : p->type == PERIOD_FQUARTER || p->type == PERIOD_CQUARTER ? 3 : 12;
    if (period_previous (p, &prev) == 0) {
        S_CHECK (p->type != PERIOD_SNAPSHOT);
        s_check_valid (&prev);
        S_CHECK (prev.type == p->type);
        S_CHECK (period_compare (&prev, p) < 0 && period_compare (p, &prev) > 0);
        S_CHECK (s_months_between (prev.start, p->start) == step);
        S_CHECK (period_next (&prev, &back) == 0 && s_same (&back, p));
        s_check_format (&prev);
    }
    else
        S_CHECK (p->type == PERIOD_SNAPSHOT || s_year_of (p->start) < PERIOD_YEAR_MIN + 2);
    if (period_next (p, &next) == 0) {
        s_check_valid (&next);
        S_CHECK (next.type == p->type);
        S_CHECK (period_compare (&next, p) > 0 && period_compare (p, &next) < 0);
        S_CHECK (s_months_between (p->start, next.start) == step);
        S_CHECK (period_previous (&next, &back) == 0 && s_same (&back, p));
        s_check_format (&next);
    }
    else
        S_CHECK (p->type == PERIOD_SNAPSHOT || s_year_of (p->end) > PERIOD_YEAR_MAX - 2);
    if (period_same_last_year (p, &last) == 0) {
        s_check_valid (&last);
        S_CHECK (last.type == p->type);
        S_CHECK (period_compare (&last, p) < 0);
        int y1, m1, d1, y2, m2, d2;
        period_ymd (p->start, &y1, &m1, &d1);
        period_ymd (last.start, &y2, &m2, &d2);
        S_CHECK (y2 == y1 - 1 && m2 == m1 && (d2 == d1 || (m1 == 2 && d1 == 29 && d2 == 28)));
        S_CHECK (last.end - last.start <= p->end - p->start + 1
                 && last.end - last.start >= p->end - p->start - 1);
        s_check_format (&last);
    }
    else
        S_CHECK (s_year_of (p->start) < PERIOD_YEAR_MIN + 1);
}

static void
s_check_containing (const period_t *p)
{
    period_t c;
    if (p->type == PERIOD_POOLED_CY || p->type == PERIOD_POOLED_FY) {
        S_CHECK (period_containing (p->type, p->end, &c) == -1);
        return;
    }
    S_CHECK (period_containing (p->type, p->end, &c) == 0 && s_same (&c, p));
    if (p->type != PERIOD_ROLLING12)
        S_CHECK (period_containing (p->type, p->start, &c) == 0 && s_same (&c, p));
    //  Every other type's period around the start day holds that day
    for (int t = PERIOD_MONTH; t <= PERIOD_SNAPSHOT; t++)
        if (period_containing ((period_type_t) t, p->start, &c) == 0) {
            s_check_valid (&c);
            S_CHECK (c.type == (period_type_t) t && c.start <= p->start && p->start <= c.end);
        }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *text = malloc (size + 1);
    memcpy (text, data, size);
    text [size] = 0;
    period_t p = { PERIOD_MONTH, 1, 2 }, untouched = p;
    char err [128];
    err [0] = 0;
    if (period_parse (text, &p, err, sizeof err) == 0) {
        s_check_valid (&p);
        s_check_format (&p);
        s_check_steps (&p);
        s_check_containing (&p);
    }
    else
        S_CHECK (err [0] && strlen (err) < sizeof err && s_same (&p, &untouched));
    //  NULL err is allowed; a short err is cut, never overrun
    period_t q;
    char tiny [3];
    int rc = period_parse (text, &q, tiny, sizeof tiny);
    S_CHECK (rc == period_parse (text, &q, NULL, 0));
    S_CHECK (rc == 0 || strlen (tiny) < sizeof tiny);
    free (text);
    return 0;
}
