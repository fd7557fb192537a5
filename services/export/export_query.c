/*  export_query: report documents from the database.  */
#include "export_query.h"
#include "export_store.h"
#include "calc_assess.h"
#include "period.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *
s_num (PGresult *r, int row, int col)
{
    return PQgetisnull (r, row, col) ? json_null () : json_real (atof (PQgetvalue (r, row, col)));
}

static json_t *
s_str (PGresult *r, int row, int col)
{
    return PQgetisnull (r, row, col) ? json_null () : json_string (PQgetvalue (r, row, col));
}

static void
s_header (json_t *doc, const char *report, const char *title, db_t *db, const export_params_t *p)
{
    char ts [32];
    time_t now = time (NULL);
    struct tm tm;
    gmtime_r (&now, &tm);
    strftime (ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new (doc, "report", json_string (report));
    json_object_set_new (doc, "title", json_string (title));
    json_object_set_new (doc, "generated_at", json_string (ts));
    json_object_set_new (doc, "filters", json_pack ("{s:o, s:o}",
        "owner", p->owner ? json_string (p->owner) : json_null (),
        "domain", p->domain ? json_string (p->domain) : json_null ()));
}

//  Looks the org unit up; returns its name in a new string or NULL (404).
static char *
s_org_name (db_t *db, const char *org, int *status, char *err, size_t errlen)
{
    const char *q [1] = { org };
    PGresult *r = db_exec_stmt (db, &export_sql_org_name, q, DB_TUPLES, err, errlen);
    if (!r) {
        *status = 500;
        return NULL;
    }
    char *name = PQntuples (r) ? strdup (PQgetvalue (r, 0, 0)) : NULL;
    PQclear (r);
    if (!name) {
        *status = 404;
        snprintf (err, errlen, "org unit '%s' is not known", org);
    }
    return name;
}

static json_t *
s_target (PGresult *r, int i, int col)
{
    if (PQgetisnull (r, i, col))
        return json_null ();
    return json_pack ("{s:o, s:o, s:o, s:o, s:o}", "kind", s_str (r, i, col), "value", s_num (r, i, col + 1),
                      "lower", s_num (r, i, col + 2), "upper", s_num (r, i, col + 3), "text", s_str (r, i, col + 4));
}

//  "Similar to England (77.3)", "Worse than England (published)", or "".
static const char *
s_benchmark_text (const char *benchmark, PGresult *r, int i, int col, char *text, size_t len)
{
    static const char *words [][2] = {
        { "similar", "Similar to" }, { "better", "Better than" }, { "worse", "Worse than" },
        { "higher", "Higher than" }, { "lower", "Lower than" },
    };
    text [0] = '\0';
    for (size_t k = 0; benchmark && k < sizeof words / sizeof words [0]; k++)
        if (strcmp (benchmark, words [k][0]) == 0) {
            if (PQgetisnull (r, i, col))
                snprintf (text, len, "%s England (published comparison)", words [k][1]);
            else
                snprintf (text, len, "%s England (%.4g)", words [k][1], atof (PQgetvalue (r, i, col)));
        }
    return text;
}

//  The scorecard's rows: every indicator of the period's frequency that is
//  due (owner and domain filters applied), with its values for the
//  period, the one before and the same one last year, its target and
//  verdicts.  The periods: q [0..8] as export_scorecard fills them.
static PGresult *
s_scorecard_rows (db_t *db, const char *const *q, char *err, size_t errlen)
{
    PGresult *r = db_exec_stmt (db, &export_sql_scorecard_rows, q, DB_TUPLES, err, errlen);
    //  The columns are read by name (CARD_*): a statement that no longer
    //  has them all is an error here, not a wrong figure on a card.
    if (r && PQnfields (r) != CARD_COLUMNS) {
        snprintf (err, errlen, "export_scorecard_rows has %d columns, CARD_COLUMNS says %d", PQnfields (r), CARD_COLUMNS);
        PQclear (r);
        return NULL;
    }
    return r;
}

//  The last eight values of each indicator up to end, for the
//  sparklines, as {code: [{period, value}...]}.  Per indicator, a short
//  backward range scan of its series index.
static json_t *
s_sparklines (db_t *db, const char *org, const char *end, const char *period_type, char *err, size_t errlen)
{
    const char *sq [3] = { org, end, period_type };
    PGresult *s = db_exec_stmt (db, &export_sql_sparklines, sq, DB_TUPLES, err, errlen);
    json_t *spark = json_object ();
    for (int k = 0; s && k < PQntuples (s); k++) {
        json_t *a = json_object_get (spark, PQgetvalue (s, k, 0));
        if (!a)
            json_object_set_new (spark, PQgetvalue (s, k, 0), a = json_array ());
        json_array_append_new (a, json_pack ("{s:s, s:o}", "period", PQgetvalue (s, k, 1), "value", s_num (s, k, 2)));
    }
    if (s)
        PQclear (s);
    return spark;
}

//  Row i of s_scorecard_rows as the document's row.
static json_t *
s_scorecard_row (PGresult *r, int i, const char *code, const char *pcode, const char *lcode, json_t *spark)
{
    const char *ind = PQgetvalue (r, i, CARD_CODE);
    json_t *series = json_object_get (spark, ind);
    series = series ? json_incref (series) : json_array ();
    char btext [160];
    s_benchmark_text (PQgetvalue (r, i, CARD_BENCHMARK), r, i, CARD_ENGLAND, btext, sizeof btext);
    if (!*btext && !PQgetisnull (r, i, CARD_PUBLISHED_ENGLAND)) {
        //  A published comparator for another period, as the report prints it.
        char value [32], label [64];
        const char *bar = strchr (PQgetvalue (r, i, CARD_PUBLISHED_ENGLAND), '|');
        snprintf (value, sizeof value, "%.*s", bar ? (int) (bar - PQgetvalue (r, i, CARD_PUBLISHED_ENGLAND)) : 0, PQgetvalue (r, i, CARD_PUBLISHED_ENGLAND));
        period_label (bar ? bar + 1 : "", label, sizeof label);
        snprintf (btext, sizeof btext, "England %s (%s)", value, label);
    }
    return json_pack ("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:o}, s:{s:s, s:o},"
                      " s:{s:s, s:o, s:o, s:o, s:o, s:o}, s:o, s:s, s:s, s:s, s:s, s:o, s:s,"
                      " s:{s:o, s:o}, s:o, s:o}",
        "indicator", ind, "name", PQgetvalue (r, i, CARD_NAME), "owner", PQgetvalue (r, i, CARD_OWNER),
        "unit", PQgetvalue (r, i, CARD_UNIT), "polarity", PQgetvalue (r, i, CARD_POLARITY),
        "last_year", "period", lcode, "value", s_num (r, i, CARD_LAST_YEAR),
        "previous", "period", pcode, "value", s_num (r, i, CARD_PREVIOUS),
        "current", "period", code, "value", s_num (r, i, CARD_VALUE), "numerator", s_num (r, i, CARD_NUMERATOR),
            "denominator", s_num (r, i, CARD_DENOMINATOR), "ci_low", s_num (r, i, CARD_CI_LOW), "ci_high", s_num (r, i, CARD_CI_HIGH),
        "target", s_target (r, i, CARD_TARGET), "status", PQgetvalue (r, i, CARD_STATUS), "short_trend", PQgetvalue (r, i, CARD_SHORT_TREND),
        "annual_trend", PQgetvalue (r, i, CARD_ANNUAL_TREND), "benchmark", PQgetvalue (r, i, CARD_BENCHMARK),
        "england", s_num (r, i, CARD_ENGLAND), "benchmark_text", btext,
        "spc", "variation", s_str (r, i, CARD_VARIATION), "assurance", s_str (r, i, CARD_ASSURANCE),
        "note", s_str (r, i, CARD_NOTE), "series", series);
}

//  The dashboard: counts over the rows that are due.
typedef struct {
    int due, reported, counts [5];
    json_t *st, *at;            //  short and annual trend counts
} s_dashboard_t;

static void
s_dashboard_count (s_dashboard_t *d, PGresult *r, int i)
{
    //  A figure from a one-off publication (data_due false) is shown,
    //  not counted.
    if (PQgetvalue (r, i, CARD_EXPECTED) [0] != 't')
        return;
    const char *status_names [5] = { calc_status_name (CALC_STATUS_ON_TARGET), calc_status_name (CALC_STATUS_TOLERANCE),
                                     calc_status_name (CALC_STATUS_BELOW_TARGET), calc_status_name (CALC_STATUS_MISSING),
                                     calc_status_name (CALC_STATUS_NO_TARGET) };
    d->due++;
    d->reported += !PQgetisnull (r, i, CARD_VALUE);
    for (int k = 0; k < 5; k++)
        if (strcmp (PQgetvalue (r, i, CARD_STATUS), status_names [k]) == 0)
            d->counts [k]++;
    json_t *c = json_object_get (d->st, PQgetvalue (r, i, CARD_SHORT_TREND));
    if (c)
        json_integer_set (c, json_integer_value (c) + 1);
    c = json_object_get (d->at, PQgetvalue (r, i, CARD_ANNUAL_TREND));
    if (c)
        json_integer_set (c, json_integer_value (c) + 1);
}

json_t *
export_scorecard (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen)
{
    period_t cur, prev, ly;
    char code [PERIOD_CODE_MAX], pcode [PERIOD_CODE_MAX] = "", lcode [PERIOD_CODE_MAX] = "", start [16], end [16];
    if (!p->period || period_parse (p->period, &cur, err, errlen)) {
        *status = 400;
        if (!p->period)
            snprintf (err, errlen, "a period is required, e.g. FY2022-23Q2");
        return NULL;
    }
    period_format (&cur, code, sizeof code);
    if (period_previous (&cur, &prev) == 0)
        period_format (&prev, pcode, sizeof pcode);
    if (period_same_last_year (&cur, &ly) == 0)
        period_format (&ly, lcode, sizeof lcode);
    period_iso (cur.start, start, sizeof start);
    period_iso (cur.end, end, sizeof end);
    const char *org = p->org_unit ? p->org_unit : "dudley";
    char *org_name = s_org_name (db, org, status, err, errlen);
    if (!org_name)
        return NULL;
    const char *q [9] = { org, code, pcode, lcode, start, period_type_name (cur.type), p->owner, p->domain, end };
    PGresult *r = s_scorecard_rows (db, q, err, errlen);
    if (!r) {
        free (org_name);
        *status = 500;
        return NULL;
    }
    json_t *spark = s_sparklines (db, org, end, period_type_name (cur.type), err, errlen);
    json_t *doc = json_object ();
    char label [64], title [256];
    period_label (code, label, sizeof label);
    snprintf (title, sizeof title, "Scorecard %s – %s", label, org_name);
    s_header (doc, "scorecard", title, db, p);
    json_object_set_new (doc, "org_unit", json_pack ("{s:s, s:s}", "code", org, "name", org_name));
    json_object_set_new (doc, "period", json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", code, "label", label,
                         "start", start, "end", end, "previous", pcode, "last_year", lcode));
    free (org_name);
    s_dashboard_t d = { 0 };
    d.st = json_pack ("{s:i, s:i, s:i, s:i}", "improved", 0, "consistent", 0, "worsening", 0, "cannot_compare", 0);
    d.at = json_deep_copy (d.st);
    json_t *groups = json_array (), *group = NULL;
    //  Rows come by domain, then code: a group per domain.
    for (int i = 0; i < PQntuples (r); i++) {
        const char *domain = PQgetvalue (r, i, 2);
        if (!group || strcmp (json_string_value (json_object_get (group, "domain")), domain)) {
            group = json_pack ("{s:s, s:[]}", "domain", domain, "rows");
            json_array_append_new (groups, group);
        }
        json_array_append_new (json_object_get (group, "rows"), s_scorecard_row (r, i, code, pcode, lcode, spark));
        s_dashboard_count (&d, r, i);
    }
    PQclear (r);
    json_decref (spark);
    json_object_set_new (doc, "dashboard", json_pack ("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:o}",
        "due", d.due, "reported", d.reported, "missing", d.due - d.reported, "on_target", d.counts [0],
        "tolerance", d.counts [1], "below_target", d.counts [2], "no_target", d.counts [4],
        "short_trend", d.st, "annual_trend", d.at));
    json_object_set_new (doc, "groups", groups);
    return doc;
}

//  The last of the progress table's three financial years: the one asked
//  for, else the latest with data (2024/25 when there is none).  Returns
//  0, or -1 with *status.
static int
s_progress_last_year (db_t *db, const export_params_t *p, const char *org, period_t *last, int *status,
                      char *err, size_t errlen)
{
    if (p->period) {
        if (period_parse (p->period, last, err, errlen) || last->type != PERIOD_FYEAR) {
            *status = 400;
            snprintf (err, errlen, "the progress table takes a financial year, e.g. FY2024-25");
            return -1;
        }
        return 0;
    }
    const char *q [1] = { org };
    PGresult *r = db_exec_stmt (db, &export_sql_progress_latest_year, q, DB_TUPLES, err, errlen);
    if (!r) {
        *status = 500;
        return -1;
    }
    if (PQntuples (r) == 0 || period_parse (PQgetvalue (r, 0, 0), last, NULL, 0))
        period_parse ("FY2024-25", last, NULL, 0);
    PQclear (r);
    return 0;
}

//  A progress cell's footnote (a snapshot's date, why a figure is not
//  available, or provisional) into note; "" when it needs none.
static void
s_progress_note (PGresult *r, int i, char *note, size_t len)
{
    const char *ostatus = PQgetvalue (r, i, 13);
    note [0] = '\0';
    if (strcmp (ostatus, "snapshot") == 0)
        snprintf (note, len, "snapshot %s", PQgetvalue (r, i, 14));
    else if (strcmp (ostatus, "not_available") == 0)
        snprintf (note, len, "not available: %s", PQgetvalue (r, i, 15));
    else if (strcmp (ostatus, "provisional") == 0)
        snprintf (note, len, "provisional");
}

json_t *
export_progress (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen)
{
    const char *org = p->org_unit ? p->org_unit : "dudley";
    char *org_name = s_org_name (db, org, status, err, errlen);
    if (!org_name)
        return NULL;
    //  The latest financial year: the one asked for, else the latest with data.
    period_t last;
    if (s_progress_last_year (db, p, org, &last, status, err, errlen)) {
        free (org_name);
        return NULL;
    }
    char years [3][PERIOD_CODE_MAX], bounds [3][2][16];
    period_t y = last;
    for (int k = 2; k >= 0; k--) {
        period_format (&y, years [k], sizeof years [k]);
        period_iso (y.start, bounds [k][0], sizeof bounds [k][0]);
        period_iso (y.end, bounds [k][1], sizeof bounds [k][1]);
        period_previous (&y, &y);
    }
    char start [16];
    period_iso (last.start, start, sizeof start);
    //  Yearly indicators by their year; a snapshot indicator (children
    //  missing education, virtual ward occupancy) by its latest snapshot
    //  within each year, footnoted with the snapshot date.
    const char *q [13] = { org, years [0], years [1], years [2], start, p->owner, p->domain,
                           bounds [0][0], bounds [0][1], bounds [1][0], bounds [1][1], bounds [2][0], bounds [2][1] };
    PGresult *r = db_exec_stmt (db, &export_sql_progress_rows, q, DB_TUPLES, err, errlen);
    if (!r) {
        *status = 500;
        free (org_name);
        return NULL;
    }
    json_t *doc = json_object ();
    char title [256];
    snprintf (title, sizeof title, "Our progress – %s", org_name);
    s_header (doc, "progress", title, db, p);
    json_object_set_new (doc, "org_unit", json_pack ("{s:s, s:s}", "code", org, "name", org_name));
    free (org_name);
    json_object_set_new (doc, "years", json_pack ("[s, s, s]", years [0], years [1], years [2]));
    json_t *rows = json_array (), *footnotes = json_array (), *row = NULL;
    for (int i = 0; i < PQntuples (r); i++) {
        if (atoi (PQgetvalue (r, i, 9)) == 0) {
            row = json_pack ("{s:s, s:s, s:s, s:s, s:o, s:[]}", "domain", PQgetvalue (r, i, 0),
                             "indicator", PQgetvalue (r, i, 1), "name", PQgetvalue (r, i, 2),
                             "unit", PQgetvalue (r, i, 3), "target", s_target (r, i, 4), "values");
            json_array_append_new (rows, row);
        }
        char note [600];
        s_progress_note (r, i, note, sizeof note);
        if (*note) {
            char full [700];
            snprintf (full, sizeof full, "%s %s: %s", PQgetvalue (r, i, 1), PQgetvalue (r, i, 10), note);
            json_array_append_new (footnotes, json_string (full));
        }
        json_array_append_new (json_object_get (row, "values"), json_pack ("{s:s, s:o, s:s, s:o}",
            "period", PQgetvalue (r, i, 10), "value", s_num (r, i, 11), "status", PQgetvalue (r, i, 12),
            "footnote", *note ? json_string (note) : json_null ()));
    }
    PQclear (r);
    json_object_set_new (doc, "rows", rows);
    json_object_set_new (doc, "footnotes", footnotes);
    return doc;
}

json_t *
export_exceptions (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen)
{
    period_t cur;
    char code [PERIOD_CODE_MAX], label [64], title [256];
    if (!p->period || period_parse (p->period, &cur, err, errlen)) {
        *status = 400;
        if (!p->period)
            snprintf (err, errlen, "a period is required, e.g. FY2022-23Q2");
        return NULL;
    }
    period_format (&cur, code, sizeof code);
    const char *org = p->org_unit ? p->org_unit : "dudley";
    char *org_name = s_org_name (db, org, status, err, errlen);
    if (!org_name)
        return NULL;
    const char *q [4] = { org, code, p->owner, p->domain };
    PGresult *r = db_exec_stmt (db, &export_sql_exception_rows, q, DB_TUPLES, err, errlen);
    if (!r) {
        *status = 500;
        free (org_name);
        return NULL;
    }
    json_t *doc = json_object ();
    period_label (code, label, sizeof label);
    snprintf (title, sizeof title, "Exception report %s – %s", label, org_name);
    s_header (doc, "exceptions", title, db, p);
    json_object_set_new (doc, "org_unit", json_pack ("{s:s, s:s}", "code", org, "name", org_name));
    json_object_set_new (doc, "period", json_pack ("{s:s, s:s}", "code", code, "label", label));
    free (org_name);
    json_t *items = json_array ();
    for (int i = 0; i < PQntuples (r); i++) {
        json_t *last = json_loads (PQgetvalue (r, i, 13), 0, NULL);
        json_t *notes = PQgetisnull (r, i, 14) ? json_array () : json_loads (PQgetvalue (r, i, 14), 0, NULL);
        json_array_append_new (items, json_pack ("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:{s:s, s:o}, s:o, s:o}",
            "indicator", PQgetvalue (r, i, 0), "name", PQgetvalue (r, i, 1), "owner", PQgetvalue (r, i, 2),
            "unit", PQgetvalue (r, i, 3), "target", s_target (r, i, 4), "status", PQgetvalue (r, i, 9),
            "short_trend", PQgetvalue (r, i, 10), "annual_trend", PQgetvalue (r, i, 11),
            "current", "period", code, "value", s_num (r, i, 12),
            "last_periods", last ? last : json_array (), "commentary", notes ? notes : json_array ()));
    }
    PQclear (r);
    json_object_set_new (doc, "items", items);
    return doc;
}

//  The catalogue entry of p->indicator as the document's "indicator", or
//  NULL with *status 404 or 500.
static json_t *
s_indicator_definition (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen)
{
    const char *iq [1] = { p->indicator };
    PGresult *r = db_exec_stmt (db, &export_sql_indicator_definition, iq, DB_TUPLES, err, errlen);
    if (!r) {
        *status = 500;
        return NULL;
    }
    if (PQntuples (r) == 0) {
        PQclear (r);
        *status = 404;
        snprintf (err, errlen, "indicator '%s' is not in the catalogue", p->indicator ? p->indicator : "");
        return NULL;
    }
    json_t *targets = PQgetisnull (r, 0, 9) ? json_array () : json_loads (PQgetvalue (r, 0, 9), 0, NULL);
    json_t *source = PQgetisnull (r, 0, 7) ? json_null () : json_loads (PQgetvalue (r, 0, 7), 0, NULL);
    json_t *ind = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
        "code", PQgetvalue (r, 0, 0), "name", PQgetvalue (r, 0, 1), "domain", PQgetvalue (r, 0, 2),
        "owner", PQgetvalue (r, 0, 3), "unit", PQgetvalue (r, 0, 4), "polarity", PQgetvalue (r, 0, 5),
        "calculation", PQgetvalue (r, 0, 6), "source", source ? source : json_null (), "notes", s_str (r, 0, 8),
        "targets", targets ? targets : json_array ());
    PQclear (r);
    return ind;
}

//  The series and its SPC summary into doc; the latest period into
//  latest.  Returns 0 or -1.
static int
s_indicator_series (db_t *db, const export_params_t *p, const char *org, const char *breakdown, json_t *doc,
                    char *latest, size_t latest_len, char *err, size_t errlen)
{
    const char *sq [3] = { p->indicator, org, breakdown };
    PGresult *r = db_exec_stmt (db, &export_sql_indicator_series, sq, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    json_t *series = json_array ();
    int n = PQntuples (r);
    for (int i = 0; i < n; i++)
        json_array_append_new (series, json_pack ("{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:b, s:o, s:o}",
            "period", PQgetvalue (r, i, 0), "value", s_num (r, i, 1), "ci_low", s_num (r, i, 2),
            "ci_high", s_num (r, i, 3), "numerator", s_num (r, i, 4), "denominator", s_num (r, i, 5),
            "status", PQgetvalue (r, i, 6), "spc_mean", s_num (r, i, 7), "spc_lcl", s_num (r, i, 8),
            "spc_ucl", s_num (r, i, 9), "special_cause", !PQgetisnull (r, i, 10), "spc_rule", s_str (r, i, 10),
            "variation", s_str (r, i, 11)));
    json_object_set_new (doc, "series", series);
    json_object_set_new (doc, "spc", n ? json_pack ("{s:o, s:o, s:o, s:o, s:o, s:b}", "mean", s_num (r, n - 1, 7),
        "lcl", s_num (r, n - 1, 8), "ucl", s_num (r, n - 1, 9), "variation", s_str (r, n - 1, 11),
        "assurance", s_str (r, n - 1, 12), "trial", !PQgetisnull (r, n - 1, 13) && PQgetvalue (r, n - 1, 13) [0] == 't')
        : json_null ());
    snprintf (latest, latest_len, "%s", n ? PQgetvalue (r, n - 1, 0) : "");
    PQclear (r);
    return 0;
}

//  Breakdowns at the latest period: the child org units, and the
//  deprivation quintiles with the gap between the extremes.
static json_t *
s_indicator_breakdowns (db_t *db, const export_params_t *p, const char *org, const char *latest,
                        char *err, size_t errlen)
{
    const char *bq [3] = { p->indicator, org, latest };
    PGresult *r = db_exec_stmt (db, &export_sql_indicator_peers, bq, DB_TUPLES, err, errlen);
    json_t *children = json_array ();
    for (int i = 0; r && i < PQntuples (r); i++)
        json_array_append_new (children, json_pack ("{s:s, s:s, s:o, s:o, s:o}", "org_unit", PQgetvalue (r, i, 0),
            "name", PQgetvalue (r, i, 1), "value", s_num (r, i, 2), "ci_low", s_num (r, i, 3), "ci_high", s_num (r, i, 4)));
    if (r)
        PQclear (r);
    r = db_exec_stmt (db, &export_sql_indicator_breakdowns, bq, DB_TUPLES, err, errlen);
    json_t *dep = json_array ();
    calc_ranked_value_t ranked [16];
    size_t nranked = 0;
    for (int i = 0; r && i < PQntuples (r) && nranked < 16; i++) {
        json_array_append_new (dep, json_pack ("{s:s, s:i, s:o}", "breakdown", PQgetvalue (r, i, 0),
            "rank", atoi (PQgetvalue (r, i, 1)), "value", s_num (r, i, 2)));
        ranked [nranked++] = (calc_ranked_value_t) { atoi (PQgetvalue (r, i, 1)),
            PQgetisnull (r, i, 2) ? NAN : atof (PQgetvalue (r, i, 2)) };
    }
    if (r)
        PQclear (r);
    double gap, ratio;
    json_t *gapj = nranked && calc_assess_deprivation_gap (ranked, nranked, &gap, &ratio) == 0
                 ? json_pack ("{s:f, s:o}", "value", gap, "ratio", isnan (ratio) ? json_null () : json_real (ratio))
                 : json_null ();
    return json_pack ("{s:s, s:o, s:o, s:o}", "period", latest, "children", children, "deprivation", dep, "gap", gapj);
}

json_t *
export_indicator (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen)
{
    const char *org = p->org_unit ? p->org_unit : "dudley";
    const char *breakdown = p->breakdown ? p->breakdown : "total";
    json_t *ind = s_indicator_definition (db, p, status, err, errlen);
    if (!ind)
        return NULL;
    char *org_name = s_org_name (db, org, status, err, errlen);
    if (!org_name) {
        json_decref (ind);
        return NULL;
    }
    char title [400];
    snprintf (title, sizeof title, "%s – %s", json_string_value (json_object_get (ind, "name")), org_name);
    json_t *doc = json_object ();
    s_header (doc, "indicator", title, db, p);
    json_object_set_new (doc, "indicator", ind);
    json_object_set_new (doc, "org_unit", json_pack ("{s:s, s:s}", "code", org, "name", org_name));
    json_object_set_new (doc, "breakdown", json_string (breakdown));
    free (org_name);
    char latest [PERIOD_CODE_MAX];
    if (s_indicator_series (db, p, org, breakdown, doc, latest, sizeof latest, err, errlen)) {
        json_decref (doc);
        *status = 500;
        return NULL;
    }
    json_object_set_new (doc, "breakdowns", s_indicator_breakdowns (db, p, org, latest, err, errlen));
    return doc;
}
