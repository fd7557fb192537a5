/*  period: reporting periods as NHS and council analysts use them.

    A period code is parsed once into (type, start, end) and then ordered
    and stepped by arithmetic on dates, never by string games.  Financial
    years run April to March: "Q2 2022/23" is 1 July to 30 September 2022.

    Canonical codes (period_format writes these; period_parse also takes
    the aliases):
      financial year          FY2022-23          2022/23, 2022-23
      financial quarter       FY2022-23Q2        2022/23 Q2, Q2 2022/23
      month                   2022-09
      calendar year           2022
      calendar quarter        2022Q3
      rolling 12 months       R12-2022-09        (12 months ending Sep 2022)
      pooled calendar years   2018-2020          2018 - 20
      pooled financial years  FY2017-18..FY2019-20   2017/18 - 19/20
      snapshot date           2025-03-24

    Reading the aliases:
    - YYYY-NN is a month when NN is 01-12 and otherwise a financial year
      when NN is the last two digits of YYYY+1: "2022-09" is September
      2022, "2022-23" and "2012-13" are financial years.  "2011-12" reads
      as December 2011 (the canonical month form wins), so that financial
      year must be written FY2011-12 or 2011/12.  Any other NN ("2022-13",
      "2018-20") is an error.
    - A dash with blanks around it, or "..", makes a range: "2018 - 20" and
      "2012 - 13" are pooled calendar years, never a financial year.
    - A two-digit end year is in the start year's century, or the next one
      when that keeps the span within ten years ("1998 - 02").
    - A financial year's two years must be consecutive ("FY2022-24" and
      "2022/24" are errors); a pooled range must end after it starts.
    - Letters (FY, Q, R) may be either case.  Every day of the period must
      lie in years PERIOD_YEAR_MIN..PERIOD_YEAR_MAX (so FY1899-00Q4, which
      is January to March 1900, is a period, but FY1899-00 is not).
*/
#ifndef CAREWATCH_PERIOD_H
#define CAREWATCH_PERIOD_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    PERIOD_MONTH = 1,       //  a calendar month
    PERIOD_FQUARTER,        //  a financial quarter (Q1 = Apr-Jun)
    PERIOD_FYEAR,           //  a financial year, April to March
    PERIOD_CYEAR,           //  a calendar year
    PERIOD_CQUARTER,        //  a calendar quarter (Q1 = Jan-Mar)
    PERIOD_ROLLING12,       //  12 months ending with a month
    PERIOD_POOLED_CY,       //  several calendar years pooled
    PERIOD_POOLED_FY,       //  several financial years pooled
    PERIOD_SNAPSHOT         //  a single day
} period_type_t;

//  A date as days since 1970-01-01 (proleptic Gregorian).
typedef int period_day_t;

typedef struct {
    period_type_t type;     //  what kind of period
    period_day_t start;     //  first day, inclusive
    period_day_t end;       //  last day, inclusive
} period_t;

//  Longest canonical code plus NUL.
#define PERIOD_CODE_MAX 32

//  Years a period may touch; anything outside is taken as a typing error.
#define PERIOD_YEAR_MIN 1900
#define PERIOD_YEAR_MAX 2200

//  Parses a code or alias into *out.  Returns 0, or -1 with a lowercase
//  reason in err (e.g. "quarter must be 1-4") when the text is not a
//  period; err may be NULL, and *out is left alone on failure.  Leading
//  and trailing blanks (space, tab, CR, LF) are ignored.  A NULL text is
//  an error like the empty string.
int period_parse (const char *text, period_t *out, char *err, size_t errlen);

//  Writes the canonical code into buf (at least PERIOD_CODE_MAX bytes;
//  a shorter buffer gets a truncated, terminated code).  An unknown type
//  writes "".  Returns buf.
char *period_format (const period_t *self, char *buf, size_t buflen);

//  Orders periods: by end, then by start (shorter first), then type.
//  So a month sorts before the quarter and year ending with it.
//  Returns <0, 0, >0 like strcmp.
int period_compare (const period_t *a, const period_t *b);

//  The period of the same type immediately before: the previous month,
//  quarter, year; a rolling-12 or pooled period steps back by one month or
//  one year respectively with the same length; a snapshot has no previous
//  (returns -1).  Returns 0, or -1 also when self is not a valid period or
//  the result would leave PERIOD_YEAR_MIN..PERIOD_YEAR_MAX.
int period_previous (const period_t *self, period_t *out);

//  The same period one year earlier (Q2 2022/23 -> Q2 2021/22; a snapshot
//  on 29 February moves to 28 February).  Returns 0, or -1 when self is
//  not valid or the result would leave the year range.
int period_same_last_year (const period_t *self, period_t *out);

//  Steps forward: the inverse of period_previous.  Returns 0 or -1.
int period_next (const period_t *self, period_t *out);

//  The period of the given type that contains day: its month, quarter,
//  year, the rolling 12 months ending with its month, or the day itself.
//  Returns 0, or -1 for the pooled types (no single answer) or a day
//  outside PERIOD_YEAR_MIN..PERIOD_YEAR_MAX.
int period_containing (period_type_t type, period_day_t day, period_t *out);

//  Name of a type ("month", "quarter", "year", "calendar_year",
//  "calendar_quarter", "rolling_12", "pooled_years", "pooled_fy",
//  "snapshot"): the frequency names data elements use.  NULL for a value
//  that is not a period_type_t.
const char *period_type_name (period_type_t type);

//  Reverse of period_type_name; returns 0 when the name is unknown.
period_type_t period_type_from_name (const char *name);

//  Converts between days and y/m/d.  period_day carries an out-of-range
//  month or day over (month 13 is January of the next year, day 0 the last
//  day of the month before); period_ymd accepts NULL for parts not wanted.
period_day_t period_day (int year, int month, int day);
void period_ymd (period_day_t day, int *year, int *month, int *dayofmonth);

//  Writes an ISO date (YYYY-MM-DD) into buf (11 bytes).  Returns buf.
char *period_iso (period_day_t day, char *buf, size_t buflen);

//  Today's date in UTC.
period_day_t period_today (void);

//  Writes a period as a report prints it ("Q2 2022/23", "2022/23", "Sep 2022",
//  "2018-20", "12 months to Sep 2022", else the canonical code) into buf
//  and returns buf; text that is not a period is copied as it is.
char *period_label (const char *code, char *buf, size_t len);

//  The latest period of type whose data is due by today when figures
//  come lag days after a period ends: the period containing (today -
//  lag), or the one before when that has not ended.  Returns 0 or -1.
int period_due (period_type_t type, period_day_t today, int lag, period_t *out);

#endif
