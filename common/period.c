/*  period: reporting periods parsed into (type, start, end) and stepped by
    date arithmetic.  See period.h for the codes and how aliases are read.

    The parser is a hand-written descent over [p, end) of the trimmed text:
    every read checks the cursor against end, so any byte string is safe.
    Each period is built from whole months (start on the 1st, end on the
    last day), which lets one "shift by N months" serve every step.  */

#include "period.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct {
    const char *p;          //  next unread byte
    const char *end;        //  one past the last byte to read
    char *err;              //  where a failure's reason goes, or NULL
    size_t errlen;          //  size of err
} s_cursor_t;

static const char *const s_type_names [] = {
    NULL, "month", "quarter", "year", "calendar_year", "calendar_quarter",
    "rolling_12", "pooled_years", "pooled_fy", "snapshot"
};
#define S_TYPE_COUNT ((int) (sizeof s_type_names / sizeof s_type_names [0]))
#define S_BLANK(ch)  ((ch) == ' ' || (ch) == '\t' || (ch) == '\r' || (ch) == '\n')
#define S_UPPER(ch)  ((ch) >= 'a' && (ch) <= 'z' ? (ch) - 'a' + 'A' : (ch))

//  ---------------------------------------------------------------------
//  Dates: Howard Hinnant's days_from_civil / civil_from_days, in long long
//  so that no int input can overflow on the way.

period_day_t
period_day (int year, int month, int day)
{
    long long m0 = (long long) month - 1;
    long long carry = m0 >= 0 ? m0 / 12 : -((11 - m0) / 12);
    long long y = (long long) year + carry;
    long long m = m0 - 12 * carry + 1;          //  now 1..12
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (period_day_t) (era * 146097 + doe - 719468);
}

void
period_ymd (period_day_t day, int *year, int *month, int *dayofmonth)
{
    long long z = (long long) day + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    long long y = yoe + era * 400 + (m <= 2);
    if (year)       *year = (int) y;
    if (month)      *month = (int) m;
    if (dayofmonth) *dayofmonth = (int) d;
}

char *
period_iso (period_day_t day, char *buf, size_t buflen)
{
    int y, m, d;
    period_ymd (day, &y, &m, &d);
    if (buf && buflen)
        snprintf (buf, buflen, "%04d-%02d-%02d", y, m, d);
    return buf;
}

period_day_t
period_today (void)
{
    time_t now = time (NULL);
    //  time_t is whole seconds since the epoch in UTC; floor for safety
    long long days = (long long) now / 86400 - ((long long) now % 86400 < 0);
    return (period_day_t) days;
}

//  ---------------------------------------------------------------------
//  Building and checking periods

//  A period of whole months, from month m1 of y1 to month m2 of y2; months
//  outside 1..12 carry into the year.
static period_t
s_months (period_type_t type, int y1, int m1, int y2, int m2)
{
    period_t p = { type, period_day (y1, m1, 1), period_day (y2, m2 + 1, 1) - 1 };
    return p;
}

//  The single period of a whole-month type that holds month m of year y:
//  quarters and years are blocks aligned on January, or on April for the
//  financial ones; a rolling 12 months ends with the month.
static period_t
s_around (period_type_t type, int y, int m)
{
    int length = type == PERIOD_MONTH ? 1
               : type == PERIOD_FQUARTER || type == PERIOD_CQUARTER ? 3 : 12;
    int anchor = type == PERIOD_FQUARTER || type == PERIOD_FYEAR ? 3 : 0;
    int index = y * 12 + m - 1;                 //  months since year 0
    int first = type == PERIOD_ROLLING12 ? index - 11
              : index - ((index - anchor) % length + length) % length;
    return s_months (type, 0, first + 1, 0, first + length);
}

static bool
s_in_range (period_day_t start, period_day_t end)
{
    return start <= end
        && start >= period_day (PERIOD_YEAR_MIN, 1, 1)
        && end <= period_day (PERIOD_YEAR_MAX, 12, 31);
}

static bool
s_valid (const period_t *self)
{
    return self && self->type >= PERIOD_MONTH && self->type <= PERIOD_SNAPSHOT
        && s_in_range (self->start, self->end);
}

//  ---------------------------------------------------------------------
//  Parsing helpers: each returns 0, or -1 with the reason in c->err.

#if defined(__GNUC__)
__attribute__ ((format (printf, 2, 3)))
#endif
static int
s_fail (s_cursor_t *c, const char *format, ...)
{
    if (c->err && c->errlen) {
        va_list args;
        va_start (args, format);
        vsnprintf (c->err, c->errlen, format, args);
        va_end (args);
    }
    return -1;
}

static int
s_peek (const s_cursor_t *c)
{
    return c->p < c->end ? (unsigned char) *c->p : -1;
}

static int
s_blanks (s_cursor_t *c)
{
    int count = 0;
    for (; S_BLANK (s_peek (c)); count++)
        c->p++;
    return count;
}

//  Consumes word (letters in either case) only when all of it is there.
static bool
s_take (s_cursor_t *c, const char *word)
{
    size_t len = strlen (word);
    if ((size_t) (c->end - c->p) < len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (S_UPPER ((unsigned char) c->p [i]) != word [i])
            return false;
    c->p += len;
    return true;
}

//  Reads a run of digits; returns how many.  The value keeps the first
//  nine only, so a long run cannot overflow; callers reject it by length.
static int
s_digits (s_cursor_t *c, int *value)
{
    int count = 0;
    for (*value = 0; s_peek (c) >= '0' && s_peek (c) <= '9'; count++, c->p++)
        if (count < 9)
            *value = *value * 10 + (*c->p - '0');
    return count;
}

static int
s_year (s_cursor_t *c, int *year)
{
    int count = s_digits (c, year);
    if (count != 4)
        return s_fail (c, count ? "year must have 4 digits" : "expected a year");
    return 0;
}

static int
s_month (s_cursor_t *c, int *month)
{
    if (s_digits (c, month) != 2)
        return s_fail (c, "month must have 2 digits");
    if (*month < 1 || *month > 12)
        return s_fail (c, "month must be 01-12");
    return 0;
}

//  Reads the quarter digit after its 'Q'.
static int
s_quarter (s_cursor_t *c, int *quarter)
{
    if (s_digits (c, quarter) != 1 || *quarter < 1 || *quarter > 4)
        return s_fail (c, "quarter must be 1-4");
    return 0;
}

//  Reads the end year of a range that starts in start: YYYY, or YY in the
//  start's century or, within ten years, the next.
static int
s_end_year (s_cursor_t *c, int start, int *year, const char *expected)
{
    int count = s_digits (c, year);
    if (count == 2) {
        *year += start - start % 100;
        if (*year <= start && *year + 100 - start <= 10)
            *year += 100;
    }
    else if (count != 4)
        return s_fail (c, "%s", expected);
    if (*year <= start)
        return s_fail (c, "end year must be after start year");
    return 0;
}

//  Reads the "/YY" or "-YY" that ends a financial year starting in year.
static int
s_fy_second (s_cursor_t *c, int year)
{
    int yy;
    if (!s_take (c, "/") && !s_take (c, "-"))
        return s_fail (c, "expected / or - in financial year");
    if (s_digits (c, &yy) != 2)
        return s_fail (c, "financial year must end in a two-digit year");
    if (yy != (year + 1) % 100)
        return s_fail (c, "financial year must span consecutive years");
    return 0;
}

//  Reads a whole financial year: [FY]YYYY/YY or [FY]YYYY-YY.  When after is
//  non-zero this ends a range that starts in financial year after, and the
//  first year may be cut to two digits ("2017/18 - 19/20").
static int
s_fy_term (s_cursor_t *c, int after, int *year)
{
    s_take (c, "FY");
    if (after) {
        if (s_end_year (c, after, year, "expected a financial year"))
            return -1;
    }
    else if (s_digits (c, year) != 4)
        return s_fail (c, "expected a financial year");
    return s_fy_second (c, *year);
}

//  ---------------------------------------------------------------------
//  Parsing: one function per way a code can begin.  Each leaves text it
//  does not understand unread, for period_parse to report.

//  What may follow a financial year: nothing, a quarter, or a range to a
//  later financial year.
static int
s_fy_tail (s_cursor_t *c, int fy, period_t *p)
{
    s_cursor_t mark = *c;
    int quarter, last;
    s_blanks (c);
    if (s_take (c, "Q")) {
        if (s_quarter (c, &quarter))
            return -1;
        *p = s_around (PERIOD_FQUARTER, fy, 1 + 3 * quarter);
        return 0;
    }
    if (s_take (c, "..") || s_take (c, "-")) {
        s_blanks (c);
        if (s_fy_term (c, fy, &last))
            return -1;
        *p = s_months (PERIOD_POOLED_FY, fy, 4, last, 15);
        return 0;
    }
    *c = mark;
    *p = s_around (PERIOD_FYEAR, fy, 4);
    return 0;
}

//  R12-YYYY-MM
static int
s_parse_rolling (s_cursor_t *c, period_t *p)
{
    int year, month;
    if (!s_take (c, "R12-"))
        return s_fail (c, "rolling period must be written R12-YYYY-MM");
    if (s_year (c, &year))
        return -1;
    if (!s_take (c, "-"))
        return s_fail (c, "rolling period must be written R12-YYYY-MM");
    if (s_month (c, &month))
        return -1;
    *p = s_around (PERIOD_ROLLING12, year, month);
    return 0;
}

//  Qn YYYY/YY
static int
s_parse_quarter_first (s_cursor_t *c, period_t *p)
{
    int quarter, fy;
    s_take (c, "Q");
    if (s_quarter (c, &quarter))
        return -1;
    if (s_blanks (c) == 0)
        return s_fail (c, "expected a space after the quarter");
    if (s_fy_term (c, 0, &fy))
        return -1;
    *p = s_around (PERIOD_FQUARTER, fy, 1 + 3 * quarter);
    return 0;
}

//  FYYYYY-YY, then what may follow a financial year
static int
s_parse_fy_first (s_cursor_t *c, period_t *p)
{
    int fy;
    if (!s_take (c, "FY"))
        return s_fail (c, "unrecognised period code");
    if (s_year (c, &fy) || s_fy_second (c, fy))
        return -1;
    return s_fy_tail (c, fy, p);
}

//  After "YYYY-" with no blanks: a month, a date, a financial year, or the
//  four-digit end of a pooled range (see the notes in period.h).
static int
s_parse_after_dash (s_cursor_t *c, int year, period_t *p)
{
    s_cursor_t mark = *c;
    int nn, day, last;
    int count = s_digits (c, &nn);
    if (count == 4) {
        *c = mark;
        if (s_end_year (c, year, &last, "expected an end year"))
            return -1;
        *p = s_months (PERIOD_POOLED_CY, year, 1, last, 12);
        return 0;
    }
    if (count != 2)
        return s_fail (c, "month must have 2 digits");
    bool month = nn >= 1 && nn <= 12;
    if (s_take (c, "-")) {
        if (!month)
            return s_fail (c, "month must be 01-12");
        last = period_day (year, nn + 1, 1) - period_day (year, nn, 1);
        if (s_digits (c, &day) != 2)
            return s_fail (c, "day must have 2 digits");
        if (day < 1 || day > last)
            return s_fail (c, "day must be 01-%02d in %04d-%02d", last, year, nn);
        p->type = PERIOD_SNAPSHOT;
        p->start = p->end = period_day (year, nn, day);
        return 0;
    }
    //  a month wins when the text ends here; "2011-12 - 2013-14" is FY
    if (nn == (year + 1) % 100 && !(month && c->p == c->end))
        return s_fy_tail (c, year, p);
    if (!month)
        return s_fail (c, "month must be 01-12");
    *p = s_around (PERIOD_MONTH, year, nn);
    return 0;
}

//  YYYY, YYYYQn, YYYY/YY..., YYYY-..., YYYY - YY, YYYY..YYYY
static int
s_parse_year_first (s_cursor_t *c, period_t *p)
{
    int year, quarter, last;
    if (s_year (c, &year))
        return -1;
    if (s_take (c, "Q")) {
        if (s_quarter (c, &quarter))
            return -1;
        *p = s_around (PERIOD_CQUARTER, year, 3 * quarter);
        return 0;
    }
    if (s_peek (c) == '/')
        return s_fy_second (c, year) ? -1 : s_fy_tail (c, year, p);

    s_cursor_t mark = *c;
    int blanks = s_blanks (c);
    bool dash = s_take (c, "-");
    if (dash && blanks + s_blanks (c) == 0)
        return s_parse_after_dash (c, year, p);
    if (dash || s_take (c, "..")) {
        s_blanks (c);
        if (s_end_year (c, year, &last, "expected an end year"))
            return -1;
        *p = s_months (PERIOD_POOLED_CY, year, 1, last, 12);
        return 0;
    }
    *c = mark;
    *p = s_around (PERIOD_CYEAR, year, 1);
    return 0;
}

int
period_parse (const char *text, period_t *out, char *err, size_t errlen)
{
    assert (out);
    s_cursor_t c = { text, text, err, errlen };
    if (err && errlen)
        *err = 0;
    if (!text)
        return s_fail (&c, "empty period code");
    c.end = text + strlen (text);
    s_blanks (&c);
    while (c.end > c.p && S_BLANK (c.end [-1]))
        c.end--;
    if (c.p == c.end)
        return s_fail (&c, "empty period code");

    period_t p = { 0, 0, 0 };
    int first = S_UPPER (s_peek (&c));
    int rc = first == 'R' ? s_parse_rolling (&c, &p)
           : first == 'Q' ? s_parse_quarter_first (&c, &p)
           : first == 'F' ? s_parse_fy_first (&c, &p)
           : first >= '0' && first <= '9' ? s_parse_year_first (&c, &p)
           : s_fail (&c, "unrecognised period code");
    if (rc)
        return -1;
    if (c.p != c.end)
        return s_fail (&c, "unexpected text after period code");
    if (!s_in_range (p.start, p.end))
        return s_fail (&c, "period must lie within years %d-%d",
                       PERIOD_YEAR_MIN, PERIOD_YEAR_MAX);
    *out = p;
    return 0;
}

//  ---------------------------------------------------------------------
//  Formatting, ordering, stepping

char *
period_format (const period_t *self, char *buf, size_t buflen)
{
    if (!buf || !buflen)
        return buf;
    *buf = 0;
    if (!self)
        return buf;
    int y1, m1, y2, m2;
    period_ymd (self->start, &y1, &m1, NULL);
    period_ymd (self->end, &y2, &m2, NULL);
    int fy1 = m1 >= 4 ? y1 : y1 - 1, yy1 = (fy1 + 1) % 100;    //  FY of start
    int fy2 = m2 >= 4 ? y2 : y2 - 1, yy2 = (fy2 + 1) % 100;    //  FY of end
    int fq = (m1 + 8) % 12 / 3 + 1, cq = (m1 - 1) / 3 + 1;
    switch (self->type) {
        case PERIOD_MONTH:     snprintf (buf, buflen, "%04d-%02d", y1, m1); break;
        case PERIOD_FQUARTER:  snprintf (buf, buflen, "FY%04d-%02dQ%d", fy1, yy1, fq); break;
        case PERIOD_FYEAR:     snprintf (buf, buflen, "FY%04d-%02d", fy1, yy1); break;
        case PERIOD_CYEAR:     snprintf (buf, buflen, "%04d", y1); break;
        case PERIOD_CQUARTER:  snprintf (buf, buflen, "%04dQ%d", y1, cq); break;
        case PERIOD_ROLLING12: snprintf (buf, buflen, "R12-%04d-%02d", y2, m2); break;
        case PERIOD_POOLED_CY: snprintf (buf, buflen, "%04d-%04d", y1, y2); break;
        case PERIOD_POOLED_FY:
            snprintf (buf, buflen, "FY%04d-%02d..FY%04d-%02d", fy1, yy1, fy2, yy2);
            break;
        case PERIOD_SNAPSHOT:  period_iso (self->start, buf, buflen); break;
    }
    return buf;
}

int
period_compare (const period_t *a, const period_t *b)
{
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->start != b->start)
        return a->start > b->start ? -1 : 1;    //  later start is shorter
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    return 0;
}

//  Moves a whole-month period by months, keeping its type and length.
static int
s_shift (const period_t *self, int months, period_t *out)
{
    if (!s_valid (self) || self->type == PERIOD_SNAPSHOT)
        return -1;
    int y1, m1, y2, m2;
    period_ymd (self->start, &y1, &m1, NULL);
    period_ymd (self->end, &y2, &m2, NULL);
    period_t p = s_months (self->type, y1, m1 + months, y2, m2 + months);
    if (!s_in_range (p.start, p.end))
        return -1;
    *out = p;
    return 0;
}

//  How far one step moves each type, in months.
static int
s_step (period_type_t type)
{
    if (type == PERIOD_MONTH || type == PERIOD_ROLLING12)
        return 1;
    return type == PERIOD_FQUARTER || type == PERIOD_CQUARTER ? 3 : 12;
}

int
period_previous (const period_t *self, period_t *out)
{
    return self ? s_shift (self, -s_step (self->type), out) : -1;
}

int
period_next (const period_t *self, period_t *out)
{
    return self ? s_shift (self, s_step (self->type), out) : -1;
}

int
period_same_last_year (const period_t *self, period_t *out)
{
    if (!s_valid (self))
        return -1;
    if (self->type != PERIOD_SNAPSHOT)
        return s_shift (self, -12, out);
    int y, m, d;
    period_ymd (self->start, &y, &m, &d);
    period_day_t day = period_day (y - 1, m, d);
    if (d == 29 && m == 2 && period_day (y - 1, 3, 1) == day)
        day--;                                  //  29 Feb to 28 Feb
    if (!s_in_range (day, day))
        return -1;
    out->type = PERIOD_SNAPSHOT;
    out->start = out->end = day;
    return 0;
}

int
period_containing (period_type_t type, period_day_t day, period_t *out)
{
    if (type < PERIOD_MONTH || type > PERIOD_SNAPSHOT
    ||  type == PERIOD_POOLED_CY || type == PERIOD_POOLED_FY || !s_in_range (day, day))
        return -1;
    int y, m;
    period_ymd (day, &y, &m, NULL);
    period_t p = { type, day, day };
    if (type != PERIOD_SNAPSHOT)
        p = s_around (type, y, m);
    if (!s_in_range (p.start, p.end))
        return -1;
    *out = p;
    return 0;
}

//  ---------------------------------------------------------------------
//  Type names

const char *
period_type_name (period_type_t type)
{
    if ((int) type <= 0 || (int) type >= S_TYPE_COUNT)
        return NULL;
    return s_type_names [type];
}

period_type_t
period_type_from_name (const char *name)
{
    if (name)
        for (int i = 1; i < S_TYPE_COUNT; i++)
            if (strcmp (name, s_type_names [i]) == 0)
                return (period_type_t) i;
    return 0;
}

char *
period_label (const char *code, char *buf, size_t len)
{
    static const char *months [] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                     "Oct", "Nov", "Dec" };
    period_t p;
    int y, m, d, y2, m2, d2;
    if (!code || period_parse (code, &p, NULL, 0)) {
        snprintf (buf, len, "%s", code ? code : "");
        return buf;
    }
    period_ymd (p.start, &y, &m, &d);
    period_ymd (p.end, &y2, &m2, &d2);
    switch (p.type) {
        case PERIOD_FQUARTER:
            snprintf (buf, len, "Q%d %d/%02d", (m - 4 + 12) % 12 / 3 + 1, m >= 4 ? y : y - 1, (m >= 4 ? y + 1 : y) % 100);
            break;
        case PERIOD_FYEAR:
            snprintf (buf, len, "%d/%02d", y, (y + 1) % 100);
            break;
        case PERIOD_MONTH:
            snprintf (buf, len, "%s %d", months [m - 1], y);
            break;
        case PERIOD_POOLED_CY:
            snprintf (buf, len, "%d-%02d", y, y2 % 100);
            break;
        case PERIOD_ROLLING12:
            snprintf (buf, len, "12 months to %s %d", months [m2 - 1], y2);
            break;
        default:
            period_format (&p, buf, len);
    }
    return buf;
}

int
period_due (period_type_t type, period_day_t today, int lag, period_t *out)
{
    period_day_t d = today - lag;
    if (period_containing (type, d, out))
        return -1;
    if (out->end > d && period_previous (out, out))
        return -1;
    return 0;
}
