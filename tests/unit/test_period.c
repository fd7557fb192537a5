/*  test_period: parsing, formatting, ordering and stepping of periods.  */

#include "check.h"
#include "period.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

//  ISO start and end of a parsed code, for compact expectations.
static char s_start [16], s_end [16];

static int
s_parse_span (const char *text, period_t *p)
{
    char err [128];
    int rc = period_parse (text, p, err, sizeof err);
    if (rc)
        fprintf (stderr, "parse \"%s\" failed: %s\n", text, err);
    period_iso (p->start, s_start, sizeof s_start);
    period_iso (p->end, s_end, sizeof s_end);
    return rc;
}

static bool
s_same (const period_t *a, const period_t *b)
{
    return a->type == b->type && a->start == b->start && a->end == b->end;
}

static void
test_days (void)
{
    CHECK_INT (period_day (1970, 1, 1), 0);
    CHECK_INT (period_day (1969, 12, 31), -1);
    CHECK_INT (period_day (2000, 3, 1), 11017);
    CHECK_INT (period_day (1900, 1, 1), -25567);
    CHECK_INT (period_day (2200, 12, 31), 84370);
    CHECK_INT (period_day (2022, 7, 1), 19174);
    CHECK_INT (period_day (2024, 2, 29), 19782);
    //  carrying months and days over
    CHECK_INT (period_day (2022, 13, 1), period_day (2023, 1, 1));
    CHECK_INT (period_day (2022, 0, 1), period_day (2021, 12, 1));
    CHECK_INT (period_day (2022, -11, 1), period_day (2021, 1, 1));
    CHECK_INT (period_day (2022, -12, 1), period_day (2020, 12, 1));
    CHECK_INT (period_day (2022, 25, 1), period_day (2024, 1, 1));
    CHECK_INT (period_day (2024, 3, 0), period_day (2024, 2, 29));
    CHECK_INT (period_day (2023, 3, 0), period_day (2023, 2, 28));

    //  leap years: 2000 and 2024 are, 1900 and 2100 are not
    CHECK_INT (period_day (2000, 3, 1) - period_day (2000, 2, 1), 29);
    CHECK_INT (period_day (2024, 3, 1) - period_day (2024, 2, 1), 29);
    CHECK_INT (period_day (1900, 3, 1) - period_day (1900, 2, 1), 28);
    CHECK_INT (period_day (2100, 3, 1) - period_day (2100, 2, 1), 28);
    CHECK_INT (period_day (2023, 3, 1) - period_day (2023, 2, 1), 28);

    //  every day 1899..2201 against a naive calendar walk
    static const int lengths [] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int y = 1899, m = 1, d = 1, bad = 0;
    for (period_day_t day = period_day (1899, 1, 1); y < 2202; day++) {
        int gy, gm, gd;
        period_ymd (day, &gy, &gm, &gd);
        if (gy != y || gm != m || gd != d || period_day (y, m, d) != day) {
            if (bad++ < 5)
                fprintf (stderr, "day %d: got %d-%d-%d want %d-%d-%d\n", day, gy, gm, gd, y, m, d);
        }
        bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int length = lengths [m - 1] + (m == 2 && leap);
        if (++d > length) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    CHECK_INT (bad, 0);

    //  far from the epoch and NULL parts
    int gy = 0, gm = 0, gd = 0;
    period_ymd (period_day (-4713, 11, 24), &gy, &gm, &gd);
    CHECK_INT (gy, -4713);
    CHECK_INT (gm, 11);
    CHECK_INT (gd, 24);
    period_ymd (0, NULL, &gm, NULL);
    CHECK_INT (gm, 1);
    period_ymd (2147483647, &gy, &gm, &gd);         //  must not overflow
    period_ymd (-2147483647 - 1, &gy, &gm, &gd);
    CHECK (gy < 0);

    char iso [11];
    CHECK_STR (period_iso (0, iso, sizeof iso), "1970-01-01");
    CHECK_STR (period_iso (period_day (2024, 2, 29), iso, sizeof iso), "2024-02-29");
    CHECK_STR (period_iso (period_day (1900, 1, 1), iso, sizeof iso), "1900-01-01");
    char small [5];
    CHECK_STR (period_iso (0, small, sizeof small), "1970");
}

static void
test_today (void)
{
    time_t before = time (NULL);
    period_day_t today = period_today ();
    time_t after = time (NULL);
    CHECK (today >= (period_day_t) (before / 86400));
    CHECK (today <= (period_day_t) (after / 86400));
    CHECK (today >= period_day (2024, 1, 1));
    CHECK (today <= period_day (2200, 1, 1));
}

//  The fixed spans the design relies on.
static void
test_spans (void)
{
    period_t p;
    CHECK_INT (s_parse_span ("Q2 2022/23", &p), 0);
    CHECK_INT (p.type, PERIOD_FQUARTER);
    CHECK_STR (s_start, "2022-07-01");
    CHECK_STR (s_end, "2022-09-30");

    CHECK_INT (s_parse_span ("FY2022-23", &p), 0);
    CHECK_INT (p.type, PERIOD_FYEAR);
    CHECK_STR (s_start, "2022-04-01");
    CHECK_STR (s_end, "2023-03-31");

    CHECK_INT (s_parse_span ("R12-2022-09", &p), 0);
    CHECK_INT (p.type, PERIOD_ROLLING12);
    CHECK_STR (s_start, "2021-10-01");
    CHECK_STR (s_end, "2022-09-30");

    CHECK_INT (s_parse_span ("2018-2020", &p), 0);
    CHECK_INT (p.type, PERIOD_POOLED_CY);
    CHECK_STR (s_start, "2018-01-01");
    CHECK_STR (s_end, "2020-12-31");

    struct { const char *code; period_type_t type; const char *start, *end; } cases [] = {
        { "FY2022-23Q1", PERIOD_FQUARTER, "2022-04-01", "2022-06-30" },
        { "FY2022-23Q3", PERIOD_FQUARTER, "2022-10-01", "2022-12-31" },
        { "FY2022-23Q4", PERIOD_FQUARTER, "2023-01-01", "2023-03-31" },
        { "FY2023-24Q4", PERIOD_FQUARTER, "2024-01-01", "2024-03-31" },
        { "FY1999-00", PERIOD_FYEAR, "1999-04-01", "2000-03-31" },
        { "2022-09", PERIOD_MONTH, "2022-09-01", "2022-09-30" },
        { "2024-02", PERIOD_MONTH, "2024-02-01", "2024-02-29" },
        { "2023-02", PERIOD_MONTH, "2023-02-01", "2023-02-28" },
        { "2022", PERIOD_CYEAR, "2022-01-01", "2022-12-31" },
        { "2022Q1", PERIOD_CQUARTER, "2022-01-01", "2022-03-31" },
        { "2022Q3", PERIOD_CQUARTER, "2022-07-01", "2022-09-30" },
        { "2022Q4", PERIOD_CQUARTER, "2022-10-01", "2022-12-31" },
        { "R12-2023-12", PERIOD_ROLLING12, "2023-01-01", "2023-12-31" },
        { "R12-2024-02", PERIOD_ROLLING12, "2023-03-01", "2024-02-29" },
        { "FY2017-18..FY2019-20", PERIOD_POOLED_FY, "2017-04-01", "2020-03-31" },
        { "2025-03-24", PERIOD_SNAPSHOT, "2025-03-24", "2025-03-24" },
        { "2024-02-29", PERIOD_SNAPSHOT, "2024-02-29", "2024-02-29" },
        { "1900", PERIOD_CYEAR, "1900-01-01", "1900-12-31" },
        { "2200", PERIOD_CYEAR, "2200-01-01", "2200-12-31" },
        { "FY2199-00", PERIOD_FYEAR, "2199-04-01", "2200-03-31" },
        { "FY1899-00Q4", PERIOD_FQUARTER, "1900-01-01", "1900-03-31" },
        { "Q4 1899/00", PERIOD_FQUARTER, "1900-01-01", "1900-03-31" },
        { "FY2200-01Q3", PERIOD_FQUARTER, "2200-10-01", "2200-12-31" },
        { "R12-1900-12", PERIOD_ROLLING12, "1900-01-01", "1900-12-31" },
        { "2199 - 00", PERIOD_POOLED_CY, "2199-01-01", "2200-12-31" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        CHECK_INT (s_parse_span (cases [i].code, &p), 0);
        CHECK_INT (p.type, cases [i].type);
        CHECK_STR (s_start, cases [i].start);
        CHECK_STR (s_end, cases [i].end);
    }
}

//  Canonical codes come back unchanged; aliases come back canonical.
static void
test_round_trip_codes (void)
{
    struct { const char *text, *canonical; } cases [] = {
        { "FY2022-23", "FY2022-23" },
        { "2022/23", "FY2022-23" },
        { "2022-23", "FY2022-23" },
        { "2012-13", "FY2012-13" },
        { "2099-00", "FY2099-00" },
        { "1999/00", "FY1999-00" },
        { "FY2011-12", "FY2011-12" },
        { "2011/12", "FY2011-12" },
        { "2011-12", "2011-12" },           //  December 2011, not the FY
        { "2022-12", "2022-12" },
        { "2000-01", "2000-01" },
        { "fy2022-23", "FY2022-23" },
        { "FY2022/23", "FY2022-23" },
        { "FY2022-23Q2", "FY2022-23Q2" },
        { "2022/23 Q2", "FY2022-23Q2" },
        { "Q2 2022/23", "FY2022-23Q2" },
        { "Q4 2022/23", "FY2022-23Q4" },
        { "q1 2022/23", "FY2022-23Q1" },
        { "Q2 FY2022-23", "FY2022-23Q2" },
        { "Q2 2022-23", "FY2022-23Q2" },
        { "Q3 2011-12", "FY2011-12Q3" },
        { "2022/23Q2", "FY2022-23Q2" },
        { "FY2022-23 Q2", "FY2022-23Q2" },
        { "2022-23 Q2", "FY2022-23Q2" },
        { "2022-09", "2022-09" },
        { "2022", "2022" },
        { "2022Q3", "2022Q3" },
        { "2022q3", "2022Q3" },
        { "R12-2022-09", "R12-2022-09" },
        { "r12-2022-09", "R12-2022-09" },
        { "2018-2020", "2018-2020" },
        { "2018 - 20", "2018-2020" },
        { "2018 - 2020", "2018-2020" },
        { "2018 -20", "2018-2020" },
        { "2018- 20", "2018-2020" },
        { "2018..2020", "2018-2020" },
        { "2012 - 13", "2012-2013" },       //  spaced dash: a range, not FY
        { "1998 - 02", "1998-2002" },
        { "2099 - 00", "2099-2100" },
        { "FY2017-18..FY2019-20", "FY2017-18..FY2019-20" },
        { "2017/18 - 19/20", "FY2017-18..FY2019-20" },
        { "2017/18 - 2019/20", "FY2017-18..FY2019-20" },
        { "2017/18-19/20", "FY2017-18..FY2019-20" },
        { "2017-18 - 2019-20", "FY2017-18..FY2019-20" },
        { "2011-12 - 2013-14", "FY2011-12..FY2013-14" },
        { "FY2017-18 - FY2019-20", "FY2017-18..FY2019-20" },
        { "FY2017-18 .. FY2019-20", "FY2017-18..FY2019-20" },
        { "1998/99 - 00/01", "FY1998-99..FY2000-01" },
        { "2025-03-24", "2025-03-24" },
        { "2024-02-29", "2024-02-29" },
        { "2000-02-29", "2000-02-29" },
        { "  FY2022-23  ", "FY2022-23" },
        { "\t2022-09\r\n", "2022-09" },
    };
    char buf [PERIOD_CODE_MAX];
    char err [128];
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        period_t p = { 0, 0, 0 };
        err [0] = 0;
        int rc = period_parse (cases [i].text, &p, err, sizeof err);
        if (rc)
            fprintf (stderr, "\"%s\": %s\n", cases [i].text, err);
        CHECK_INT (rc, 0);
        CHECK_STR (err, "");
        CHECK_STR (period_format (&p, buf, sizeof buf), cases [i].canonical);
    }
    //  the longest canonical code fits with room to spare
    period_t p;
    CHECK_INT (period_parse ("FY2017-18..FY2019-20", &p, NULL, 0), 0);
    CHECK (strlen (period_format (&p, buf, sizeof buf)) < PERIOD_CODE_MAX);
    //  a short buffer gets a truncated, terminated code
    char small [6];
    CHECK_STR (period_format (&p, small, sizeof small), "FY201");
    CHECK (period_format (&p, NULL, 0) == NULL);
    CHECK (period_format (&p, small, 0) == small);
    //  an unknown type writes nothing
    period_t odd = { 42, 0, 0 };
    CHECK_STR (period_format (&odd, buf, sizeof buf), "");
    CHECK_STR (period_format (NULL, buf, sizeof buf), "");
}

static void
test_rejects (void)
{
    struct { const char *text, *reason; } cases [] = {
        { "", "empty period code" },
        { "   ", "empty period code" },
        { "FY2022-24", "financial year must span consecutive years" },
        { "2022/24", "financial year must span consecutive years" },
        { "FY2022-22", "financial year must span consecutive years" },
        { "Q2 2022/24", "financial year must span consecutive years" },
        { "FY2022-2023", "financial year must end in a two-digit year" },
        { "2022/2023", "financial year must end in a two-digit year" },
        { "FY2022", "expected / or - in financial year" },
        { "FY", "expected a year" },
        { "FY22-23", "year must have 4 digits" },
        { "2022Q0", "quarter must be 1-4" },
        { "2022Q5", "quarter must be 1-4" },
        { "2022Q", "quarter must be 1-4" },
        { "2022Q12", "quarter must be 1-4" },
        { "Q0 2022/23", "quarter must be 1-4" },
        { "Q5 2022/23", "quarter must be 1-4" },
        { "FY2022-23Q5", "quarter must be 1-4" },
        { "2022/23 Q0", "quarter must be 1-4" },
        { "Q22022/23", "quarter must be 1-4" },
        { "Q2", "expected a space after the quarter" },
        { "Q2 ", "expected a space after the quarter" },     //  trimmed first
        { "Q2 2022", "expected / or - in financial year" },
        { "2022-13", "month must be 01-12" },
        { "2022-00", "month must be 01-12" },
        { "2018-20", "month must be 01-12" },
        { "2022-9", "month must have 2 digits" },
        { "2022-009", "month must have 2 digits" },
        { "R12-2022-13", "month must be 01-12" },
        { "R12-2022-9", "month must have 2 digits" },
        { "R12-2022", "rolling period must be written R12-YYYY-MM" },
        { "R6-2022-09", "rolling period must be written R12-YYYY-MM" },
        { "R12 2022-09", "rolling period must be written R12-YYYY-MM" },
        { "2022-13-01", "month must be 01-12" },
        { "2023-02-30", "day must be 01-28 in 2023-02" },
        { "2023-02-29", "day must be 01-28 in 2023-02" },
        { "2100-02-29", "day must be 01-28 in 2100-02" },
        { "2022-04-31", "day must be 01-30 in 2022-04" },
        { "2022-04-00", "day must be 01-30 in 2022-04" },
        { "2022-04-1", "day must have 2 digits" },
        { "2022-04-011", "day must have 2 digits" },
        { "2022x", "unexpected text after period code" },
        { "2022Q3x", "unexpected text after period code" },
        { "FY2022-23x", "unexpected text after period code" },
        { "FY2022-23Q2 extra", "unexpected text after period code" },
        { "2022-09 ", NULL },   //  trailing blank is fine: checked below
        { "2022-09x", "unexpected text after period code" },
        { "2025-03-24T00:00", "unexpected text after period code" },
        { "2022 Q3", "unexpected text after period code" },
        { "2018-2020-2022", "unexpected text after period code" },
        { "2022-23-", "month must be 01-12" },
        { "1899", "period must lie within years 1900-2200" },
        { "2201", "period must lie within years 1900-2200" },
        { "0000", "period must lie within years 1900-2200" },
        { "9999-01", "period must lie within years 1900-2200" },
        { "FY1899-00", "period must lie within years 1900-2200" },
        { "20222", "year must have 4 digits" },
        { "202", "year must have 4 digits" },
        { "99999999999999999999", "year must have 4 digits" },
        { "FY2200-01", "period must lie within years 1900-2200" },
        { "FY2200-01Q4", "period must lie within years 1900-2200" },
        { "FY1899-00Q3", "period must lie within years 1900-2200" },
        { "R12-1900-05", "period must lie within years 1900-2200" },
        { "R12-1900-12", NULL },
        { "2020-2018", "end year must be after start year" },
        { "2020-2020", "end year must be after start year" },
        { "2018 - 18", "end year must be after start year" },
        { "2018 - 17", "end year must be after start year" },
        { "2018 - 2300", "period must lie within years 1900-2200" },
        { "2018 - ", "expected an end year" },
        { "2018 - 2", "expected an end year" },
        { "FY2019-20..FY2017-18", "end year must be after start year" },
        { "2019/20 - 17/18", "end year must be after start year" },
        { "2019/20 - 19/20", "end year must be after start year" },
        { "2017/18 - 19/21", "financial year must span consecutive years" },
        { "2017/18 - ", "expected a financial year" },
        { "hello", "unrecognised period code" },
        { "Foo", "unrecognised period code" },
        { "-2022", "unrecognised period code" },
        { "\xe2\x80\x93", "unrecognised period code" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        period_t p = { PERIOD_MONTH, 7, 7 };
        char err [128] = "";
        int rc = period_parse (cases [i].text, &p, err, sizeof err);
        if (!cases [i].reason) {
            CHECK_INT (rc, 0);
            continue;
        }
        if (rc == 0)
            fprintf (stderr, "\"%s\" parsed but should not\n", cases [i].text);
        CHECK_INT (rc, -1);
        CHECK_STR (err, cases [i].reason);
        //  out untouched on failure
        CHECK (p.type == PERIOD_MONTH && p.start == 7 && p.end == 7);
        //  the house style: lowercase, no trailing punctuation
        size_t len = strlen (err);
        CHECK (len > 0 && err [len - 1] != '.' && err [0] >= 'a' && err [0] <= 'z');
        //  NULL err and tiny buffers are fine
        CHECK_INT (period_parse (cases [i].text, &p, NULL, 0), -1);
        char tiny [4] = "xyz";
        CHECK_INT (period_parse (cases [i].text, &p, tiny, sizeof tiny), -1);
        CHECK_INT ((int) strlen (tiny), 3);
        char one [1] = { 'x' };
        CHECK_INT (period_parse (cases [i].text, &p, one, 0), -1);
        CHECK_INT (one [0], 'x');
    }
    period_t p;
    char err [64];
    CHECK_INT (period_parse (NULL, &p, err, sizeof err), -1);
    CHECK_STR (err, "empty period code");
    //  an embedded NUL ends the text
    CHECK_INT (period_parse ("2022\0garbage", &p, err, sizeof err), 0);
    CHECK_INT (p.type, PERIOD_CYEAR);
}

static void
test_previous_next (void)
{
    struct { const char *code, *previous, *next, *last_year; } cases [] = {
        { "2022-09", "2022-08", "2022-10", "2021-09" },
        { "2022-01", "2021-12", "2022-02", "2021-01" },
        { "2022-12", "2022-11", "2023-01", "2021-12" },
        { "FY2022-23Q1", "FY2021-22Q4", "FY2022-23Q2", "FY2021-22Q1" },
        { "FY2022-23Q2", "FY2022-23Q1", "FY2022-23Q3", "FY2021-22Q2" },
        { "FY2022-23Q4", "FY2022-23Q3", "FY2023-24Q1", "FY2021-22Q4" },
        { "FY2022-23", "FY2021-22", "FY2023-24", "FY2021-22" },
        { "FY1999-00", "FY1998-99", "FY2000-01", "FY1998-99" },
        { "2022", "2021", "2023", "2021" },
        { "2022Q1", "2021Q4", "2022Q2", "2021Q1" },
        { "2022Q4", "2022Q3", "2023Q1", "2021Q4" },
        { "R12-2022-09", "R12-2022-08", "R12-2022-10", "R12-2021-09" },
        { "R12-2022-01", "R12-2021-12", "R12-2022-02", "R12-2021-01" },
        { "R12-2024-03", "R12-2024-02", "R12-2024-04", "R12-2023-03" },
        { "2018-2020", "2017-2019", "2019-2021", "2017-2019" },
        { "FY2017-18..FY2019-20", "FY2016-17..FY2018-19", "FY2018-19..FY2020-21",
          "FY2016-17..FY2018-19" },
    };
    char buf [PERIOD_CODE_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        period_t p, q, r;
        CHECK_INT (period_parse (cases [i].code, &p, NULL, 0), 0);
        CHECK_INT (period_previous (&p, &q), 0);
        CHECK_STR (period_format (&q, buf, sizeof buf), cases [i].previous);
        CHECK_INT (period_next (&q, &r), 0);
        CHECK (s_same (&r, &p));
        CHECK_INT (period_next (&p, &q), 0);
        CHECK_STR (period_format (&q, buf, sizeof buf), cases [i].next);
        CHECK_INT (period_previous (&q, &r), 0);
        CHECK (s_same (&r, &p));
        CHECK_INT (period_same_last_year (&p, &q), 0);
        CHECK_STR (period_format (&q, buf, sizeof buf), cases [i].last_year);
        //  same length, and previous ends the day before p starts for
        //  the non-overlapping types
        CHECK_INT (period_previous (&p, &q), 0);
        if (p.type == PERIOD_MONTH || p.type == PERIOD_FQUARTER || p.type == PERIOD_FYEAR
        ||  p.type == PERIOD_CYEAR || p.type == PERIOD_CQUARTER)
            CHECK_INT (q.end, p.start - 1);
    }
    //  rolling-12 steps keep twelve months
    period_t p, q;
    CHECK_INT (period_parse ("R12-2024-02", &p, NULL, 0), 0);
    CHECK_INT (period_previous (&p, &q), 0);
    period_iso (q.start, s_start, sizeof s_start);
    period_iso (q.end, s_end, sizeof s_end);
    CHECK_STR (s_start, "2023-02-01");
    CHECK_STR (s_end, "2024-01-31");

    //  snapshots: no previous or next; last year clamps 29 February
    CHECK_INT (period_parse ("2025-03-24", &p, NULL, 0), 0);
    q.type = PERIOD_MONTH;
    CHECK_INT (period_previous (&p, &q), -1);
    CHECK_INT (period_next (&p, &q), -1);
    CHECK_INT (q.type, PERIOD_MONTH);
    CHECK_INT (period_same_last_year (&p, &q), 0);
    CHECK_STR (period_format (&q, buf, sizeof buf), "2024-03-24");
    CHECK_INT (period_parse ("2024-02-29", &p, NULL, 0), 0);
    CHECK_INT (period_same_last_year (&p, &q), 0);
    CHECK_STR (period_format (&q, buf, sizeof buf), "2023-02-28");
    CHECK_INT (q.type, PERIOD_SNAPSHOT);
    CHECK_INT (q.start, q.end);
    CHECK_INT (period_parse ("2024-03-01", &p, NULL, 0), 0);
    CHECK_INT (period_same_last_year (&p, &q), 0);
    CHECK_STR (period_format (&q, buf, sizeof buf), "2023-03-01");

    //  edges of the year range
    CHECK_INT (period_parse ("1900-01", &p, NULL, 0), 0);
    CHECK_INT (period_previous (&p, &q), -1);
    CHECK_INT (period_same_last_year (&p, &q), -1);
    CHECK_INT (period_next (&p, &q), 0);
    CHECK_INT (period_parse ("2200-12", &p, NULL, 0), 0);
    CHECK_INT (period_next (&p, &q), -1);
    CHECK_INT (period_parse ("FY2199-00", &p, NULL, 0), 0);
    CHECK_INT (period_next (&p, &q), -1);
    CHECK_INT (period_parse ("1900-03-01", &p, NULL, 0), 0);
    CHECK_INT (period_same_last_year (&p, &q), -1);

    //  invalid periods step nowhere
    period_t bad = { 0, 0, 0 };
    CHECK_INT (period_previous (&bad, &q), -1);
    CHECK_INT (period_next (&bad, &q), -1);
    CHECK_INT (period_same_last_year (&bad, &q), -1);
    period_t backwards = { PERIOD_MONTH, 10, 5 };
    CHECK_INT (period_previous (&backwards, &q), -1);
    period_t far = { PERIOD_MONTH, 2000000000, 2000000030 };
    CHECK_INT (period_next (&far, &q), -1);
    CHECK_INT (period_previous (NULL, &q), -1);
    CHECK_INT (period_next (NULL, &q), -1);
    CHECK_INT (period_same_last_year (NULL, &q), -1);
}

static void
test_compare (void)
{
    //  in the documented order: by end, then shorter first, then type
    const char *sorted [] = {
        "2022-12", "FY2022-23Q3", "2022Q4", "2022", "R12-2022-12", "2021-2022",
        "2023-01-15", "2023-03-31", "2023-03", "FY2022-23Q4", "2023Q1",
        "FY2022-23", "R12-2023-03", "FY2021-22..FY2022-23", "FY2020-21..FY2022-23",
        "2023-04",
    };
    size_t n = sizeof sorted / sizeof sorted [0];
    period_t p [32];
    for (size_t i = 0; i < n; i++)
        CHECK_INT (period_parse (sorted [i], &p [i], NULL, 0), 0);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = period_compare (&p [i], &p [j]);
            int want = i < j ? -1 : i > j ? 1 : 0;
            if ((c > 0) - (c < 0) != want)
                fprintf (stderr, "compare %s %s = %d\n", sorted [i], sorted [j], c);
            CHECK_INT ((c > 0) - (c < 0), want);
        }
}

static int
s_cmp (const void *a, const void *b)
{
    return period_compare (a, b);
}

//  Walks every type through its whole range of years, checking each step
//  against format, parse, previous and period_containing.
static void
test_walk (void)
{
    const char *first [] = {
        "1900-01", "FY1899-00Q4", "FY1900-01", "1900", "1900Q1",
        "R12-1900-12", "1900-1902", "FY1900-01..FY1902-03",
    };
    int bad = 0;
    long steps = 0;
    for (size_t i = 0; i < sizeof first / sizeof first [0]; i++) {
        period_t p, q, back, prev_year;
        CHECK_INT (period_parse (first [i], &p, NULL, 0), 0);
        CHECK_INT (period_previous (&p, &q), -1);
        int count = 0;
        while (true) {
            char code [PERIOD_CODE_MAX], err [64];
            period_t reparsed;
            period_format (&p, code, sizeof code);
            if (period_parse (code, &reparsed, err, sizeof err) || !s_same (&reparsed, &p)) {
                if (bad++ < 5)
                    fprintf (stderr, "round trip of %s failed: %s\n", code, err);
            }
            //  a single-period type is the period containing its start and end
            if (p.type != PERIOD_POOLED_CY && p.type != PERIOD_POOLED_FY) {
                period_t a, b;
                if (period_containing (p.type, p.end, &a) || !s_same (&a, &p)
                ||  (p.type != PERIOD_ROLLING12
                     && (period_containing (p.type, p.start, &b) || !s_same (&b, &p)))) {
                    if (bad++ < 5)
                        fprintf (stderr, "period_containing disagrees on %s\n", code);
                }
            }
            if (count >= 12 && period_same_last_year (&p, &prev_year) == 0) {
                //  twelve months back by steps matches one year back
                period_t s = p;
                int months = p.type == PERIOD_MONTH || p.type == PERIOD_ROLLING12 ? 12
                           : p.type == PERIOD_FQUARTER || p.type == PERIOD_CQUARTER ? 4 : 1;
                for (int k = 0; k < months; k++)
                    period_previous (&s, &s);
                if (!s_same (&s, &prev_year) && bad++ < 5)
                    fprintf (stderr, "same_last_year of %s is not %d steps back\n", code, months);
            }
            if (period_next (&p, &q))
                break;
            if (period_compare (&p, &q) >= 0
            ||  period_previous (&q, &back) || !s_same (&back, &p)) {
                if (bad++ < 5)
                    fprintf (stderr, "step after %s failed\n", code);
            }
            p = q;
            count++;
            steps++;
        }
        //  each walk reaches the last period inside 2200
        CHECK (p.end <= period_day (2200, 12, 31));
        CHECK (p.end + 366 > period_day (2200, 12, 31));
    }
    CHECK_INT (bad, 0);
    CHECK (steps > 3600 * 2);

    //  period_containing of every day in a leap year
    for (period_day_t d = period_day (2024, 1, 1); d <= period_day (2024, 12, 31); d++) {
        period_t m, fq, fy, cq, s;
        CHECK (period_containing (PERIOD_MONTH, d, &m) == 0 && m.start <= d && d <= m.end);
        CHECK (period_containing (PERIOD_FQUARTER, d, &fq) == 0 && fq.start <= d && d <= fq.end);
        CHECK (period_containing (PERIOD_FYEAR, d, &fy) == 0 && fy.start <= d && d <= fy.end);
        CHECK (period_containing (PERIOD_CQUARTER, d, &cq) == 0 && cq.start <= d && d <= cq.end);
        CHECK (period_containing (PERIOD_SNAPSHOT, d, &s) == 0 && s.start == d && s.end == d);
    }
    period_t p;
    char buf [PERIOD_CODE_MAX];
    CHECK_INT (period_containing (PERIOD_FQUARTER, period_day (2022, 8, 15), &p), 0);
    CHECK_STR (period_format (&p, buf, sizeof buf), "FY2022-23Q2");
    CHECK_INT (period_containing (PERIOD_FQUARTER, period_day (2023, 2, 28), &p), 0);
    CHECK_STR (period_format (&p, buf, sizeof buf), "FY2022-23Q4");
    CHECK_INT (period_containing (PERIOD_FYEAR, period_day (2023, 3, 31), &p), 0);
    CHECK_STR (period_format (&p, buf, sizeof buf), "FY2022-23");
    CHECK_INT (period_containing (PERIOD_FYEAR, period_day (2023, 4, 1), &p), 0);
    CHECK_STR (period_format (&p, buf, sizeof buf), "FY2023-24");
    CHECK_INT (period_containing (PERIOD_ROLLING12, period_day (2022, 9, 3), &p), 0);
    CHECK_STR (period_format (&p, buf, sizeof buf), "R12-2022-09");
    CHECK_INT (period_containing (PERIOD_POOLED_CY, 0, &p), -1);
    CHECK_INT (period_containing (PERIOD_POOLED_FY, 0, &p), -1);
    CHECK_INT (period_containing (0, 0, &p), -1);
    CHECK_INT (period_containing (PERIOD_MONTH, period_day (1899, 12, 31), &p), -1);
    CHECK_INT (period_containing (PERIOD_MONTH, 2147483647, &p), -1);
    CHECK_INT (period_containing (PERIOD_FYEAR, period_day (1900, 2, 1), &p), -1);

    //  qsort with period_compare puts months before their quarter and year
    period_t list [4];
    const char *codes [] = { "FY2022-23", "2023-03", "FY2022-23Q4", "2022-04" };
    for (int i = 0; i < 4; i++)
        period_parse (codes [i], &list [i], NULL, 0);
    qsort (list, 4, sizeof list [0], s_cmp);
    CHECK_STR (period_format (&list [0], buf, sizeof buf), "2022-04");
    CHECK_STR (period_format (&list [1], buf, sizeof buf), "2023-03");
    CHECK_STR (period_format (&list [2], buf, sizeof buf), "FY2022-23Q4");
    CHECK_STR (period_format (&list [3], buf, sizeof buf), "FY2022-23");
}

//  Every snapshot day in the range survives format and parse.
static void
test_snapshots (void)
{
    int bad = 0;
    for (period_day_t d = period_day (1900, 1, 1); d <= period_day (2200, 12, 31); d += 7) {
        period_t p = { PERIOD_SNAPSHOT, d, d }, q;
        char code [PERIOD_CODE_MAX];
        period_format (&p, code, sizeof code);
        if ((period_parse (code, &q, NULL, 0) || !s_same (&p, &q)) && bad++ < 5)
            fprintf (stderr, "snapshot %s did not round trip\n", code);
    }
    CHECK_INT (bad, 0);
}

static void
test_type_names (void)
{
    struct { period_type_t type; const char *name; } cases [] = {
        { PERIOD_MONTH, "month" },
        { PERIOD_FQUARTER, "quarter" },
        { PERIOD_FYEAR, "year" },
        { PERIOD_CYEAR, "calendar_year" },
        { PERIOD_CQUARTER, "calendar_quarter" },
        { PERIOD_ROLLING12, "rolling_12" },
        { PERIOD_POOLED_CY, "pooled_years" },
        { PERIOD_POOLED_FY, "pooled_fy" },
        { PERIOD_SNAPSHOT, "snapshot" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        CHECK_STR (period_type_name (cases [i].type), cases [i].name);
        CHECK_INT (period_type_from_name (cases [i].name), cases [i].type);
    }
    CHECK (period_type_name (0) == NULL);
    CHECK (period_type_name (99) == NULL);
    CHECK (period_type_name ((period_type_t) -1) == NULL);
    CHECK_INT (period_type_from_name ("Month"), 0);
    CHECK_INT (period_type_from_name ("weekly"), 0);
    CHECK_INT (period_type_from_name (""), 0);
    CHECK_INT (period_type_from_name (NULL), 0);
}

//  A small deterministic generator so failures reproduce.
static uint32_t
s_random (uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

//  Random bytes and mutated codes: no crash, no overread (the buffer is
//  exactly sized so ASan sees one), and whatever parses round-trips.
static void
test_fuzz (void)
{
    const char *seeds [] = {
        "FY2022-23", "2022/23 Q2", "Q2 2022/23", "2022-23", "2018 - 20",
        "2017/18 - 19/20", "FY2017-18..FY2019-20", "R12-2022-09", "2022Q3",
        "2025-03-24", "2022-09", "2022", "2018-2020",
    };
    const char alphabet [] = "0123456789-/. QqFfYyRr\t";
    uint32_t state = 0x2545f491;
    int bad = 0, parsed = 0;
    for (int round = 0; round < 200000; round++) {
        char text [48];
        size_t len;
        if (round % 2) {
            len = s_random (&state) % 40;
            for (size_t i = 0; i < len; i++) {
                uint32_t r = s_random (&state);
                text [i] = r & 1 ? (char) (r >> 8) : alphabet [(r >> 8) % (sizeof alphabet - 1)];
            }
        }
        else {
            const char *seed = seeds [s_random (&state) % (sizeof seeds / sizeof seeds [0])];
            len = strlen (seed);
            memcpy (text, seed, len);
            int edits = 1 + s_random (&state) % 3;
            for (int e = 0; e < edits; e++) {
                uint32_t r = s_random (&state);
                size_t at = len ? r % len : 0;
                char ch = alphabet [(r >> 8) % (sizeof alphabet - 1)];
                if ((r >> 16) % 3 == 0 && len < 40) {          //  insert
                    memmove (text + at + 1, text + at, len - at);
                    text [at] = ch;
                    len++;
                }
                else
                if ((r >> 16) % 3 == 1 && len > 0) {           //  delete
                    memmove (text + at, text + at + 1, len - at - 1);
                    len--;
                }
                else
                if (len > 0)                                   //  replace
                    text [at] = ch;
            }
        }
        char *exact = malloc (len + 1);
        memcpy (exact, text, len);
        exact [len] = 0;
        period_t p;
        char err [64];
        if (period_parse (exact, &p, err, sizeof err) == 0) {
            parsed++;
            char code [PERIOD_CODE_MAX];
            period_t q;
            period_format (&p, code, sizeof code);
            if ((period_parse (code, &q, NULL, 0) || !s_same (&p, &q)) && bad++ < 5)
                fprintf (stderr, "fuzz: \"%s\" -> %s does not round trip\n", exact, code);
            if ((p.start > p.end || p.start < period_day (1900, 1, 1)
                 || p.end > period_day (2200, 12, 31)) && bad++ < 5)
                fprintf (stderr, "fuzz: \"%s\" gave an out-of-range period\n", exact);
        }
        else {
            size_t n = strlen (err);
            if ((n == 0 || err [0] < 'a' || err [0] > 'z' || err [n - 1] == '.') && bad++ < 5)
                fprintf (stderr, "fuzz: \"%s\" gave a poor error \"%s\"\n", exact, err);
        }
        free (exact);
    }
    CHECK_INT (bad, 0);
    CHECK (parsed > 1000);      //  the mutations still hit real codes
}

int
main (void)
{
    test_days ();
    test_today ();
    test_spans ();
    test_round_trip_codes ();
    test_rejects ();
    test_previous_next ();
    test_compare ();
    test_walk ();
    test_snapshots ();
    test_type_names ();
    test_fuzz ();
    return check_done ("test_period");
}
