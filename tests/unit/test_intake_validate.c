/*  test_intake_validate: the validation core over hand-built reference
    data.  Every rule code in intake_validate.h is broken by one row that
    sits between two good rows, so each case also shows that a bad row
    does not spill onto its neighbours.  No database, no sockets.  */

#include "check.h"
#include "intake_validate.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char s_err [256];

//  ---------------------------------------------------------------------
//  Reference data

//  england (england)
//    dudley (place)
//      pcn-a (pcn)
//        prac-1, prac-2 (practice)
//    walsall (place)
//      prac-w (practice)
static intake_ref_t *
s_ref (void)
{
    intake_ref_t *ref = intake_ref_new ();
    CHECK_INT (intake_ref_add_data_element (ref, "htn-control", "fraction", "percent", "quarter"), 0);
    CHECK_INT (intake_ref_add_data_element (ref, "adm-rate", "fraction", "per_100000", "quarter"), 0);
    CHECK_INT (intake_ref_add_data_element (ref, "smoking-prev", "value", "percent", "year"), 0);
    CHECK_INT (intake_ref_add_data_element (ref, "ae-attend", "count", "attendances", "month"), 0);
    CHECK_INT (intake_ref_add_data_element (ref, "life-exp", "value", "years", "calendar_year"), 0);
    CHECK_INT (intake_ref_add_data_element (ref, "bad-kind", "ratio", NULL, "month"), -1);
    CHECK_INT (intake_ref_add_data_element (ref, "bad-freq", "count", NULL, "fortnight"), -1);
    CHECK (intake_ref_data_element (ref, "bad-kind") == NULL);

    intake_ref_add_org_unit (ref, "england", "england", NULL);
    intake_ref_add_org_unit (ref, "dudley", "place", "england");
    intake_ref_add_org_unit (ref, "pcn-a", "pcn", "dudley");
    intake_ref_add_org_unit (ref, "prac-1", "practice", "pcn-a");
    intake_ref_add_org_unit (ref, "prac-2", "practice", "pcn-a");
    intake_ref_add_org_unit (ref, "walsall", "place", "england");
    intake_ref_add_org_unit (ref, "prac-w", "practice", "walsall");

    intake_ref_add_breakdown (ref, "total");
    intake_ref_add_breakdown (ref, "female");
    intake_ref_add_breakdown (ref, "male");

    //  ohid: everything, everywhere
    intake_ref_add_partner (ref, "ohid");
    intake_ref_add_grant (ref, "ohid", NULL);
    intake_ref_add_scope (ref, "ohid", "england", true, NULL);
    //  dudley-ccg: two elements, below dudley at pcn and practice level only
    intake_ref_add_partner (ref, "dudley-ccg");
    intake_ref_add_grant (ref, "dudley-ccg", "htn-control");
    intake_ref_add_grant (ref, "dudley-ccg", "ae-attend");
    intake_ref_add_scope (ref, "dudley-ccg", "dudley", true, "pcn,practice");
    //  walsall-ccg: walsall and below
    intake_ref_add_partner (ref, "walsall-ccg");
    intake_ref_add_grant (ref, "walsall-ccg", "htn-control");
    intake_ref_add_scope (ref, "walsall-ccg", "walsall", true, NULL);
    //  prac1-only: prac-1 itself, no descendants
    intake_ref_add_partner (ref, "prac1-only");
    intake_ref_add_grant (ref, "prac1-only", "htn-control");
    intake_ref_add_scope (ref, "prac1-only", "prac-1", false, NULL);
    //  no-scope: a grant but nowhere to report; no-grant: the reverse
    intake_ref_add_partner (ref, "no-scope");
    intake_ref_add_grant (ref, "no-scope", NULL);
    intake_ref_add_partner (ref, "no-grant");
    intake_ref_add_scope (ref, "no-grant", "england", true, NULL);
    return ref;
}

//  ---------------------------------------------------------------------
//  Running a batch

typedef struct {
    feed_t feed;                //  the parsed batch and its issues
    intake_row_t *rows;         //  one per observation
    size_t nbad;                //  what intake_validate_rows returned
} s_run_t;

typedef void (s_mod_fn) (Carewatch__V1__Observation *o);

//  Parses {"batch_key": "k", "observations": [obs]} for partner; mod, if
//  given, then edits row mod_row (1-based) the way only a protobuf
//  sender could; then validates.
static void
s_run_json_mod (const intake_ref_t *ref, const char *partner, const char *obs, s_mod_fn *mod,
                size_t mod_row, s_run_t *run)
{
    memset (run, 0, sizeof *run);
    size_t size = strlen (obs) + 64;
    char *doc = malloc (size);
    snprintf (doc, size, "{\"batch_key\": \"k-1\", \"observations\": [%s]}", obs);
    int rc = feed_parse_json (doc, strlen (doc), partner, 1000, &run->feed, s_err, sizeof s_err);
    free (doc);
    CHECK_INT (rc, 0);
    if (rc) {
        fprintf (stderr, "  parse failed: %s\n", s_err);
        return;
    }
    if (mod && mod_row >= 1 && mod_row <= run->feed.batch->n_observations)
        mod (run->feed.batch->observations [mod_row - 1]);
    size_t n = run->feed.batch->n_observations;
    run->rows = calloc (n ? n : 1, sizeof *run->rows);
    run->nbad = intake_validate_rows (ref, &run->feed, run->rows);
}

static void
s_run_json (const intake_ref_t *ref, const char *partner, const char *obs, s_run_t *run)
{
    s_run_json_mod (ref, partner, obs, NULL, 0, run);
}

static void
s_run_csv (const intake_ref_t *ref, const char *partner, const char *csv, s_run_t *run)
{
    memset (run, 0, sizeof *run);
    int rc = feed_parse_csv (csv, strlen (csv), partner, "k-1", false, 1000, &run->feed, s_err,
                             sizeof s_err);
    CHECK_INT (rc, 0);
    if (rc) {
        fprintf (stderr, "  parse failed: %s\n", s_err);
        return;
    }
    size_t n = run->feed.batch->n_observations;
    run->rows = calloc (n ? n : 1, sizeof *run->rows);
    run->nbad = intake_validate_rows (ref, &run->feed, run->rows);
}

static void
s_run_free (s_run_t *run)
{
    feed_clear (&run->feed);
    free (run->rows);
    memset (run, 0, sizeof *run);
}

//  The first issue for row and field, or NULL.
static const feed_issue_t *
s_issue (const feed_t *feed, uint32_t row, const char *field)
{
    for (size_t i = 0; i < feed->nissues; i++)
        if (feed->issues [i].row == row && strcmp (feed->issues [i].field, field) == 0)
            return &feed->issues [i];
    return NULL;
}

static size_t
s_issues_for_row (const feed_t *feed, uint32_t row)
{
    size_t n = 0;
    for (size_t i = 0; i < feed->nissues; i++)
        n += feed->issues [i].row == row;
    return n;
}

static bool
s_bad (const s_run_t *run, size_t row)
{
    return run->feed.bad && row >= 1 && row <= run->feed.batch->n_observations
        && run->feed.bad [row - 1];
}

//  Row row is bad with code on field.
#define CHECK_REJECT(run, row, field, want) do { \
    const feed_issue_t *i_ = (run)->feed.batch ? s_issue (&(run)->feed, row, field) : NULL; \
    CHECK (i_ != NULL); \
    if (i_) CHECK_STR (i_->code, want); \
    else fprintf (stderr, "  no issue for row %d field %s (want %s)\n", (int) (row), field, want); \
    CHECK (s_bad (run, row)); } while (0)

//  Row row is good: no issue, not marked, rows[] filled.
#define CHECK_ACCEPT(run, row, want_period, want_breakdown) do { \
    CHECK ((run)->feed.batch && !s_bad (run, row)); \
    CHECK_INT ((run)->feed.batch ? s_issues_for_row (&(run)->feed, row) : 1, 0); \
    if ((run)->rows) { CHECK_STR ((run)->rows [(row) - 1].period_code, want_period); \
                       CHECK_STR ((run)->rows [(row) - 1].breakdown, want_breakdown); } } while (0)

//  ---------------------------------------------------------------------
//  One bad row between two good ones, for every rule

#define GOOD1 "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q2 2022/23\"," \
              " \"numerator\": 81, \"denominator\": 263}"
#define GOOD2 "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"2022/23 Q2\"," \
              " \"breakdown\": \"female\", \"numerator\": 40, \"denominator\": 120}"

//  Runs GOOD1, bad, GOOD2 for partner (mod edits the bad row) and checks
//  that only row 2 is rejected, with code on field.
static void
s_case_mod (const intake_ref_t *ref, const char *label, const char *partner, const char *bad,
            s_mod_fn *mod, const char *field, const char *code)
{
    int failures = check_failures;
    size_t size = strlen (bad) + sizeof GOOD1 + sizeof GOOD2 + 8;
    char *obs = malloc (size);
    snprintf (obs, size, "%s, %s, %s", GOOD1, bad, GOOD2);
    s_run_t run;
    s_run_json_mod (ref, partner, obs, mod, 2, &run);
    free (obs);
    if (run.feed.batch) {
        CHECK_INT (run.nbad, 1);
        CHECK_REJECT (&run, 2, field, code);
        CHECK_ACCEPT (&run, 1, "FY2022-23Q2", "total");
        CHECK_ACCEPT (&run, 3, "FY2022-23Q2", "female");
        const feed_issue_t *i = s_issue (&run.feed, 2, field);
        CHECK (i && i->message [0]);
    }
    s_run_free (&run);
    if (check_failures > failures)
        fprintf (stderr, "  ^ in case \"%s\"\n", label);
}

static void
s_case (const intake_ref_t *ref, const char *label, const char *partner, const char *bad,
        const char *field, const char *code)
{
    s_case_mod (ref, label, partner, bad, NULL, field, code);
}

//  Replaces a text field of a parsed observation (protobuf-c frees it).
static void
s_set_text (char **field, const char *text)
{
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = strdup (text);
}

static void
s_set_long (char **field, size_t len)
{
    char *text = malloc (len + 1);
    memset (text, 'x', len);
    text [len] = 0;
    s_set_text (field, text);
    free (text);
}

static void s_mod_long_note (Carewatch__V1__Observation *o) { s_set_long (&o->note, FEED_MAX_NOTE + 1); }
static void s_mod_long_de (Carewatch__V1__Observation *o) { s_set_long (&o->data_element, FEED_MAX_CODE + 1); }
static void s_mod_long_status (Carewatch__V1__Observation *o) { s_set_long (&o->status, FEED_MAX_STATUS + 1); }
static void s_mod_nan_value (Carewatch__V1__Observation *o) { o->value = NAN; }
static void s_mod_inf_ci_high (Carewatch__V1__Observation *o) { o->ci_high = INFINITY; }
static void s_mod_inf_numerator (Carewatch__V1__Observation *o) { o->numerator = -INFINITY; }
static void s_mod_note_at_bound (Carewatch__V1__Observation *o) { s_set_long (&o->note, FEED_MAX_NOTE); }

static void
test_every_rule (const intake_ref_t *ref)
{
    //  missing_field
    s_case (ref, "no org unit", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"\", \"period\": \"FY2022-23Q2\","
            " \"numerator\": 1, \"denominator\": 2}",
            "org_unit", "missing_field");
    s_case (ref, "no data element", "ohid",
            "{\"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\", \"numerator\": 1, \"denominator\": 2}",
            "data_element", "missing_field");
    s_case (ref, "no period", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": null,"
            " \"numerator\": 1, \"denominator\": 2}",
            "period", "missing_field");

    //  too_long: a snapshot_date fits the feed's bound but not a date's;
    //  the rest only a protobuf sender can exceed (the feeds cut text)
    s_case (ref, "long snapshot date", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2, \"status\": \"snapshot\","
            " \"snapshot_date\": \"2022-11-01T00:00:00\"}",
            "snapshot_date", "too_long");
    s_case_mod (ref, "long note", "ohid",
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
                " \"numerator\": 1, \"denominator\": 2}",
                s_mod_long_note, "note", "too_long");
    s_case_mod (ref, "long data element", "ohid",
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
                " \"numerator\": 1, \"denominator\": 2}",
                s_mod_long_de, "data_element", "too_long");
    s_case_mod (ref, "long status", "ohid",
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
                " \"numerator\": 1, \"denominator\": 2}",
                s_mod_long_status, "status", "too_long");

    //  unknown reference data
    s_case (ref, "unknown data element", "ohid",
            "{\"data_element\": \"no-such\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2}",
            "data_element", "unknown_data_element");
    s_case (ref, "unknown org unit", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"atlantis\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2}",
            "org_unit", "unknown_org_unit");
    s_case (ref, "unknown breakdown", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"breakdown\": \"martian\", \"numerator\": 1, \"denominator\": 2}",
            "breakdown", "unknown_breakdown");

    //  periods
    s_case (ref, "bad period", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"2022-13\","
            " \"numerator\": 1, \"denominator\": 2}",
            "period", "bad_period");
    s_case (ref, "year for a quarterly element", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23\","
            " \"numerator\": 1, \"denominator\": 2}",
            "period", "period_frequency");

    //  permission
    s_case (ref, "other partner's org unit", "dudley-ccg",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-w\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2}",
            "org_unit", "not_permitted");
    s_case (ref, "element without a grant", "dudley-ccg",
            "{\"data_element\": \"adm-rate\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2}",
            "data_element", "not_permitted");
    s_case (ref, "scope root outside the levels filter", "dudley-ccg",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2}",
            "org_unit", "not_permitted");

    //  status and its companions
    s_case (ref, "bad status", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2, \"status\": \"draft\"}",
            "status", "bad_status");
    s_case (ref, "snapshot without date", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2, \"status\": \"snapshot\"}",
            "snapshot_date", "bad_snapshot_date");
    s_case (ref, "snapshot with a month for a date", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2, \"status\": \"snapshot\", \"snapshot_date\": \"2022-11\"}",
            "snapshot_date", "bad_snapshot_date");
    s_case (ref, "snapshot with an impossible date", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1, \"denominator\": 2, \"status\": \"snapshot\", \"snapshot_date\": \"2022-02-30\"}",
            "snapshot_date", "bad_snapshot_date");
    s_case (ref, "not available without a note", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"status\": \"not_available\"}",
            "note", "missing_note");

    //  numbers
    s_case_mod (ref, "NaN value", "ohid",
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
                " \"value\": 14}",
                s_mod_nan_value, "value", "not_finite");
    s_case_mod (ref, "infinite ci_high", "ohid",
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
                " \"value\": 14, \"ci_low\": 12, \"ci_high\": 16}",
                s_mod_inf_ci_high, "ci_high", "not_finite");
    s_case_mod (ref, "minus infinity numerator", "ohid",
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
                " \"numerator\": 1, \"denominator\": 2}",
                s_mod_inf_numerator, "numerator", "not_finite");
    s_case (ref, "negative numerator", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": -1, \"denominator\": 2}",
            "numerator", "negative_number");
    s_case (ref, "negative ci_low", "ohid",
            "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
            " \"value\": 1, \"ci_low\": -0.5, \"ci_high\": 3}",
            "ci_low", "negative_number");
    s_case (ref, "fraction without denominator", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 1}",
            "denominator", "missing_value");
    s_case (ref, "fraction without numerator", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"denominator\": 2}",
            "numerator", "missing_value");
    s_case (ref, "count without value", "ohid",
            "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-09\"}",
            "value", "missing_value");
    s_case (ref, "value for a fraction", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"value\": 30.8}",
            "value", "value_not_allowed");
    s_case (ref, "figures on a not_available row", "ohid",
            "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
            " \"value\": 14, \"status\": \"not_available\", \"note\": \"suppressed\"}",
            "value", "value_not_allowed");
    s_case (ref, "fraction for a count", "ohid",
            "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-09\","
            " \"numerator\": 5, \"denominator\": 10}",
            "numerator", "fraction_not_allowed");
    s_case (ref, "denominator alone for a value", "ohid",
            "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
            " \"denominator\": 10}",
            "denominator", "fraction_not_allowed");
    s_case (ref, "zero denominator", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 0, \"denominator\": 0}",
            "denominator", "zero_denominator");
    s_case (ref, "zero denominator, not a proportion", "ohid",
            "{\"data_element\": \"adm-rate\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 3, \"denominator\": 0}",
            "denominator", "zero_denominator");
    s_case (ref, "numerator over denominator", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"numerator\": 300, \"denominator\": 263}",
            "numerator", "numerator_over_denominator");
    s_case (ref, "percentage over 100", "ohid",
            "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
            " \"value\": 100.5}",
            "value", "percent_out_of_range");
    s_case (ref, "value outside its interval", "ohid",
            "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
            " \"value\": 50, \"ci_low\": 60, \"ci_high\": 70}",
            "value", "bad_interval");
    s_case (ref, "interval upside down", "ohid",
            "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\","
            " \"value\": 65, \"ci_low\": 70, \"ci_high\": 60}",
            "ci_low", "bad_interval");

    //  duplicate_key: GOOD1 again under the canonical spelling
    s_case (ref, "duplicate of row 1", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
            " \"numerator\": 7, \"denominator\": 9}",
            "data_element", "duplicate_key");
}

//  The edges of the rules: what is just inside them passes.
static void
test_boundaries (const intake_ref_t *ref)
{
    s_run_t run;
    s_run_json_mod (ref, "ohid",
                    "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\", \"value\": 100},"
                    "{\"data_element\": \"smoking-prev\", \"org_unit\": \"walsall\", \"period\": \"2022/23\", \"value\": 0},"
                    "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                    " \"numerator\": 263, \"denominator\": 263},"
                    "{\"data_element\": \"adm-rate\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                    " \"numerator\": 300, \"denominator\": 263},"
                    "{\"data_element\": \"smoking-prev\", \"org_unit\": \"england\", \"period\": \"2022/23\","
                    " \"value\": 60, \"ci_low\": 60, \"ci_high\": 60},"
                    "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-09\","
                    " \"value\": 1234, \"status\": \"snapshot\", \"snapshot_date\": \"2022-09-15\"},"
                    "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-10\","
                    " \"status\": \"not_available\", \"note\": \"in arrears\"},"
                    "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-11\","
                    " \"value\": 5, \"status\": \"provisional\", \"breakdown\": \"male\"},"
                    "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"FY2022-23Q2\","
                    " \"numerator\": 0, \"denominator\": 1, \"note\": \"n\"},"
                    "{\"data_element\": \"life-exp\", \"org_unit\": \"england\", \"period\": \"2021\", \"value\": 140}",
                    s_mod_note_at_bound, 9, &run);
    CHECK_INT (run.nbad, 0);
    CHECK_INT (run.feed.nissues, 0);
    CHECK_ACCEPT (&run, 1, "FY2022-23", "total");
    CHECK_ACCEPT (&run, 2, "FY2022-23", "total");
    CHECK_ACCEPT (&run, 3, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 4, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 5, "FY2022-23", "total");
    CHECK_ACCEPT (&run, 6, "2022-09", "total");
    CHECK_INT (run.rows [5].snapshot, period_day (2022, 9, 15));
    CHECK_INT (run.rows [0].snapshot, 0);
    CHECK_ACCEPT (&run, 7, "2022-10", "total");
    CHECK_ACCEPT (&run, 8, "2022-11", "male");
    CHECK_ACCEPT (&run, 9, "FY2022-23Q2", "total");
    CHECK_INT (strlen (run.feed.batch->observations [8]->note), FEED_MAX_NOTE);
    CHECK_ACCEPT (&run, 10, "2021", "total");   //  not a percent: over 100 is fine
    CHECK_INT (run.rows [0].period.type, PERIOD_FYEAR);
    CHECK_INT (run.rows [0].period.start, period_day (2022, 4, 1));
    CHECK_INT (run.rows [0].period.end, period_day (2023, 3, 31));
    s_run_free (&run);

    //  Several fields wrong at once: each field reported, the row counted once.
    s_run_json (ref, "ohid",
                "{\"data_element\": \"no-such\", \"org_unit\": \"atlantis\", \"period\": \"FY2022-23Q2\","
                " \"breakdown\": \"martian\"}",
                &run);
    CHECK_INT (run.nbad, 1);
    CHECK_REJECT (&run, 1, "data_element", "unknown_data_element");
    CHECK_REJECT (&run, 1, "org_unit", "unknown_org_unit");
    CHECK_REJECT (&run, 1, "breakdown", "unknown_breakdown");
    CHECK_INT (run.feed.nissues, 3);
    s_run_free (&run);

    //  A row the parser already refused is counted, not checked again.
    s_run_json (ref, "ohid",
                GOOD1 ", {\"data_element\": \"no-such\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
                " \"numerator\": \"lots\", \"denominator\": 2}, " GOOD2,
                &run);
    CHECK_INT (run.nbad, 1);
    CHECK_REJECT (&run, 2, "numerator", "not_a_number");
    CHECK (s_issue (&run.feed, 2, "data_element") == NULL);
    CHECK_INT (run.feed.nissues, 1);
    CHECK_ACCEPT (&run, 1, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 3, "FY2022-23Q2", "female");
    s_run_free (&run);
}

//  ---------------------------------------------------------------------
//  Periods and frequencies

static void
test_periods (const intake_ref_t *ref)
{
    s_run_t run;
    s_run_json (ref, "ohid",
                //  a quarterly element: every spelling of Q2 2022/23
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q2 2022/23\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"2022/23 Q2\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"pcn-a\", \"period\": \"fy2022-23q2\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"dudley\", \"period\": \" FY2022-23Q2 \","
                " \"numerator\": 1, \"denominator\": 2},"
                //  a yearly one
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\", \"value\": 1},"
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"walsall\", \"period\": \"2022-23\", \"value\": 1},"
                //  monthly, calendar year
                "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-09\", \"value\": 1},"
                "{\"data_element\": \"life-exp\", \"org_unit\": \"england\", \"period\": \"2021\", \"value\": 80},"
                //  and the wrong types for each
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"2022Q3\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"2022-09\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 1},"
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022\", \"value\": 1},"
                "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"FY2022-23Q2\", \"value\": 1},"
                "{\"data_element\": \"life-exp\", \"org_unit\": \"england\", \"period\": \"2021/22\", \"value\": 80},"
                "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-09-30\", \"value\": 1},"
                //  not periods at all
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q5 2022/23\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"FY2022-24\", \"value\": 1},"
                "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"last year\", \"value\": 1}",
                &run);
    CHECK_ACCEPT (&run, 1, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 2, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 3, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 4, "FY2022-23Q2", "total");
    CHECK_INT (run.rows [0].period.type, PERIOD_FQUARTER);
    CHECK_INT (run.rows [0].period.start, period_day (2022, 7, 1));
    CHECK_INT (run.rows [0].period.end, period_day (2022, 9, 30));
    CHECK_ACCEPT (&run, 5, "FY2022-23", "total");
    CHECK_ACCEPT (&run, 6, "FY2022-23", "total");
    CHECK_ACCEPT (&run, 7, "2022-09", "total");
    CHECK_ACCEPT (&run, 8, "2021", "total");
    for (uint32_t row = 9; row <= 15; row++)
        CHECK_REJECT (&run, row, "period", "period_frequency");
    const feed_issue_t *i = s_issue (&run.feed, 9, "period");
    if (i) {
        CHECK_CONTAINS (i->message, "2022Q3");
        CHECK_CONTAINS (i->message, "htn-control");
    }
    CHECK_REJECT (&run, 16, "period", "bad_period");
    CHECK_REJECT (&run, 17, "period", "bad_period");
    CHECK_REJECT (&run, 18, "period", "bad_period");
    CHECK_INT (run.nbad, 10);
    CHECK_INT (run.feed.nissues, 10);
    s_run_free (&run);
}

//  The same key under different spellings is one key.
static void
test_duplicates (const intake_ref_t *ref)
{
    s_run_t run;
    s_run_json (ref, "ohid",
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q2 2022/23\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"Q2 2022/23\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                " \"numerator\": 3, \"denominator\": 4},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"2022/23 Q2\","
                " \"breakdown\": \"total\", \"numerator\": 5, \"denominator\": 6},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"2022/23 Q2\","
                " \"breakdown\": \"female\", \"numerator\": 5, \"denominator\": 6},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
                " \"numerator\": 5, \"denominator\": 6},"
                "{\"data_element\": \"adm-rate\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                " \"numerator\": 5, \"denominator\": 6},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"fy2022-23q2\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                " \"breakdown\": \"female\", \"numerator\": 1, \"denominator\": 2}",
                &run);
    CHECK_ACCEPT (&run, 1, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&run, 2, "FY2022-23Q2", "total");
    CHECK_REJECT (&run, 3, "data_element", "duplicate_key");
    CHECK_REJECT (&run, 4, "data_element", "duplicate_key");
    CHECK_ACCEPT (&run, 5, "FY2022-23Q2", "female");
    CHECK_ACCEPT (&run, 6, "FY2022-23Q3", "total");
    CHECK_ACCEPT (&run, 7, "FY2022-23Q2", "total");
    CHECK_REJECT (&run, 8, "data_element", "duplicate_key");
    CHECK_REJECT (&run, 9, "data_element", "duplicate_key");
    const struct { uint32_t row; const char *first; } want [] = {
        { 3, "row 1" }, { 4, "row 1" }, { 8, "row 2" }, { 9, "row 5" }
    };
    for (size_t k = 0; k < sizeof want / sizeof want [0]; k++) {
        const feed_issue_t *i = s_issue (&run.feed, want [k].row, "data_element");
        if (i) {
            CHECK_CONTAINS (i->message, want [k].first);
            CHECK (strstr (i->message, "row 3") == NULL);
        }
    }
    CHECK_INT (run.nbad, 4);
    CHECK_INT (run.feed.nissues, 4);
    s_run_free (&run);
}

//  ---------------------------------------------------------------------
//  Permissions

static void
test_permissions (const intake_ref_t *ref)
{
    const char *obs =
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"pcn-a\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"england\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-w\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"walsall\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"ae-attend\", \"org_unit\": \"prac-2\", \"period\": \"2022-09\", \"value\": 1},"
        "{\"data_element\": \"adm-rate\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"life-exp\", \"org_unit\": \"england\", \"period\": \"2021\", \"value\": 80},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"FY2022-23Q2\", \"numerator\": 1, \"denominator\": 2}";
    //  Which of the ten rows each partner may send.
    const struct { const char *partner; const char *allowed; } want [] = {
        { "ohid",        "YYYYYYYYYY" },    //  all elements, england and below
        { "dudley-ccg",  "YYNNNNYNNY" },    //  pcn/practice under dudley; htn-control, ae-attend
        { "walsall-ccg", "NNNNYYNNNN" },    //  walsall and below; htn-control
        { "prac1-only",  "YNNNNNNNNN" },    //  prac-1 itself, not its siblings
        { "no-scope",    "NNNNNNNNNN" },    //  every element, nowhere
        { "no-grant",    "NNNNNNNNNN" },    //  everywhere, no element
    };
    for (size_t k = 0; k < sizeof want / sizeof want [0]; k++) {
        int failures = check_failures;
        s_run_t run;
        s_run_json (ref, want [k].partner, obs, &run);
        size_t nbad = 0;
        for (uint32_t row = 1; row <= 10; row++) {
            if (want [k].allowed [row - 1] == 'Y')
                CHECK (!s_bad (&run, row) && s_issues_for_row (&run.feed, row) == 0);
            else {
                //  The field names what is missing: the grant, else the scope.
                const char *field = intake_ref_may_send (ref, want [k].partner,
                    run.feed.batch->observations [row - 1]->data_element) ? "org_unit" : "data_element";
                CHECK_REJECT (&run, row, field, "not_permitted");
                nbad++;
            }
        }
        CHECK_INT (run.nbad, nbad);
        CHECK_INT (run.feed.nissues, nbad);
        if (!strcmp (want [k].partner, "dudley-ccg")) {
            const feed_issue_t *i = s_issue (&run.feed, 5, "org_unit");
            if (i) {
                CHECK_CONTAINS (i->message, "dudley-ccg");
                CHECK_CONTAINS (i->message, "prac-w");
            }
        }
        s_run_free (&run);
        if (check_failures > failures)
            fprintf (stderr, "  ^ for partner %s\n", want [k].partner);
    }

    //  The lookups directly.
    intake_ref_t *ref2 = s_ref ();
    CHECK (intake_ref_permits (ref2, "dudley-ccg", "htn-control", "prac-1"));
    CHECK (!intake_ref_permits (ref2, "dudley-ccg", "htn-control", "no-such-org"));
    CHECK (!intake_ref_permits (ref2, "nobody", "htn-control", "prac-1"));
    CHECK (intake_ref_has_partner (ref2, "no-grant"));
    CHECK (!intake_ref_has_partner (ref2, "nobody"));
    //  A second, wider scope and a later all-elements grant add to the first.
    intake_ref_add_scope (ref2, "dudley-ccg", "walsall", false, NULL);
    CHECK (intake_ref_permits (ref2, "dudley-ccg", "htn-control", "walsall"));
    CHECK (!intake_ref_permits (ref2, "dudley-ccg", "htn-control", "prac-w"));
    CHECK (!intake_ref_permits (ref2, "dudley-ccg", "life-exp", "prac-1"));
    intake_ref_add_grant (ref2, "dudley-ccg", NULL);
    CHECK (intake_ref_permits (ref2, "dudley-ccg", "life-exp", "prac-1"));
    //  A level name that only contains an allowed one is not allowed.
    intake_ref_add_org_unit (ref2, "odd", "prac", "pcn-a");
    CHECK (!intake_ref_permits (ref2, "dudley-ccg", "htn-control", "odd"));
    //  A cycle in the tree ends the walk.
    intake_ref_add_org_unit (ref2, "loop-a", "practice", "loop-b");
    intake_ref_add_org_unit (ref2, "loop-b", "pcn", "loop-a");
    CHECK (!intake_ref_permits (ref2, "dudley-ccg", "htn-control", "loop-a"));
    intake_ref_destroy (&ref2);
    CHECK (ref2 == NULL);
    intake_ref_destroy (&ref2);
}

//  ---------------------------------------------------------------------
//  The batch as a whole

static void
test_batch (const intake_ref_t *ref)
{
    char code [40], msg [256];
    Carewatch__V1__Observation obs = CAREWATCH__V1__OBSERVATION__INIT;
    Carewatch__V1__Observation *list [2] = { &obs, &obs };
    Carewatch__V1__SubmitBatch b = CAREWATCH__V1__SUBMIT_BATCH__INIT;
    b.partner = "ohid";
    b.batch_key = "2022-23-q2";
    b.n_observations = 2;
    b.observations = list;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), 0);

    b.partner = "nobody";
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "unknown_partner");
    CHECK_CONTAINS (msg, "nobody");
    b.partner = (char *) protobuf_c_empty_string;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "unknown_partner");
    b.partner = NULL;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "unknown_partner");
    b.partner = "ohid";

    b.batch_key = (char *) protobuf_c_empty_string;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "bad_batch_key");
    b.batch_key = NULL;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "bad_batch_key");
    b.batch_key = "tab\there";
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "bad_batch_key");
    char key [FEED_MAX_KEY + 2];
    memset (key, 'k', FEED_MAX_KEY + 1);
    key [FEED_MAX_KEY + 1] = 0;
    b.batch_key = key;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "bad_batch_key");
    key [FEED_MAX_KEY] = 0;     //  exactly at the bound
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), 0);
    b.batch_key = "k";

    CHECK_INT (intake_validate_batch (ref, &b, 1, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "batch_too_large");
    CHECK_CONTAINS (msg, "limit of 1");

    b.n_observations = 0;
    b.observations = NULL;
    CHECK_INT (intake_validate_batch (ref, &b, 2, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "empty_batch");

    //  The same through a parsed feed.
    feed_t feed;
    const char *doc = "{\"batch_key\": \"k-9\", \"observations\": []}";
    CHECK_INT (feed_parse_json (doc, strlen (doc), "ohid", 10, &feed, s_err, sizeof s_err), 0);
    CHECK_INT (intake_validate_batch (ref, feed.batch, 10, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "empty_batch");
    feed_clear (&feed);
    doc = "{\"batch_key\": \"k-9\", \"observations\": [" GOOD1 "]}";
    CHECK_INT (feed_parse_json (doc, strlen (doc), "stranger", 10, &feed, s_err, sizeof s_err), 0);
    CHECK_INT (intake_validate_batch (ref, feed.batch, 10, code, sizeof code, msg, sizeof msg), -1);
    CHECK_STR (code, "unknown_partner");
    feed_clear (&feed);
    CHECK_INT (feed_parse_json (doc, strlen (doc), "ohid", 10, &feed, s_err, sizeof s_err), 0);
    CHECK_INT (intake_validate_batch (ref, feed.batch, 10, code, sizeof code, msg, sizeof msg), 0);
    feed_clear (&feed);
}

//  ---------------------------------------------------------------------
//  CSV and JSON agree

#define INJECTION "'; drop table observations; --"

static void
test_csv_matches_json (const intake_ref_t *ref)
{
    const char *csv =
        "data_element,org_unit,period,breakdown,numerator,denominator,value,note,status,snapshot_date,ci_low,ci_high\r\n"
        "htn-control,prac-1,Q2 2022/23,,81,263,,,,,,\r\n"
        "htn-control, prac-2 ,FY2022-23Q2,female,40,120,,\"late, resubmitted\",provisional,,,\r\n"
        "smoking-prev,dudley,2022/23,,,,14.2,,,,12.1,16.3\r\n"
        "htn-control,prac-1,FY2022-23Q2,total,1,2,,,,,,\r\n"
        "htn-control,prac-2,FY2022-23,,1,2,,,,,,\r\n"
        "ae-attend,pcn-a,2022-09,,,,1234,,snapshot,2022-09-15,,\r\n"
        "ae-attend,pcn-a,2022-10,,,,,,not_available,,,\r\n"
        "smoking-prev,england,2021/22,,,,101,,,,,\r\n"
        "htn-control,prac-1,Q3 2022/23,,,263,,,,,,\r\n"
        "htn-control,prac-1,Q4 2022/23,,5,x,,,,,,\r\n"
        "ae-attend,pcn-a,2022-11,,,,12," INJECTION ",,,,\r\n"
        "atlantis,prac-1,2022-11,,,,12,,,,,\r\n";
    const char *json =
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q2 2022/23\", \"numerator\": 81, \"denominator\": 263},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"FY2022-23Q2\", \"breakdown\": \"female\","
        " \"numerator\": 40, \"denominator\": 120, \"note\": \"late, resubmitted\", \"status\": \"provisional\"},"
        "{\"data_element\": \"smoking-prev\", \"org_unit\": \"dudley\", \"period\": \"2022/23\", \"value\": 14.2, \"ci_low\": 12.1, \"ci_high\": 16.3},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\", \"breakdown\": \"total\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"FY2022-23\", \"numerator\": 1, \"denominator\": 2},"
        "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-09\", \"value\": 1234,"
        " \"status\": \"snapshot\", \"snapshot_date\": \"2022-09-15\"},"
        "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-10\", \"status\": \"not_available\"},"
        "{\"data_element\": \"smoking-prev\", \"org_unit\": \"england\", \"period\": \"2021/22\", \"value\": 101},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q3 2022/23\", \"denominator\": 263},"
        "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"Q4 2022/23\", \"numerator\": 5, \"denominator\": \"x\"},"
        "{\"data_element\": \"ae-attend\", \"org_unit\": \"pcn-a\", \"period\": \"2022-11\", \"value\": 12, \"note\": \"" INJECTION "\"},"
        "{\"data_element\": \"atlantis\", \"org_unit\": \"prac-1\", \"period\": \"2022-11\", \"value\": 12}";
    s_run_t c, j;
    s_run_csv (ref, "ohid", csv, &c);
    s_run_json (ref, "ohid", json, &j);
    if (!c.feed.batch || !j.feed.batch) {
        s_run_free (&c);
        s_run_free (&j);
        return;
    }
    CHECK_INT (c.feed.batch->n_observations, 12);
    CHECK_INT (j.feed.batch->n_observations, 12);

    //  What the rows are, checked on the JSON run.
    CHECK_ACCEPT (&j, 1, "FY2022-23Q2", "total");
    CHECK_ACCEPT (&j, 2, "FY2022-23Q2", "female");
    CHECK_ACCEPT (&j, 3, "FY2022-23", "total");
    CHECK_REJECT (&j, 4, "data_element", "duplicate_key");
    CHECK_REJECT (&j, 5, "period", "period_frequency");
    CHECK_ACCEPT (&j, 6, "2022-09", "total");
    CHECK_REJECT (&j, 7, "note", "missing_note");
    CHECK_REJECT (&j, 8, "value", "percent_out_of_range");
    CHECK_REJECT (&j, 9, "numerator", "missing_value");
    CHECK_REJECT (&j, 10, "denominator", "not_a_number");
    CHECK_ACCEPT (&j, 11, "2022-11", "total");
    CHECK_REJECT (&j, 12, "data_element", "unknown_data_element");
    CHECK_INT (j.nbad, 7);

    //  And the CSV run says exactly the same.
    CHECK_INT (c.nbad, j.nbad);
    CHECK_INT (c.feed.nissues, j.feed.nissues);
    for (size_t k = 0; k < c.feed.nissues && k < j.feed.nissues; k++) {
        CHECK_INT (c.feed.issues [k].row, j.feed.issues [k].row);
        CHECK_STR (c.feed.issues [k].field, j.feed.issues [k].field);
        CHECK_STR (c.feed.issues [k].code, j.feed.issues [k].code);
    }
    for (size_t r = 0; r < 12; r++) {
        CHECK_INT (c.feed.bad [r], j.feed.bad [r]);
        if (j.feed.bad [r])
            continue;
        CHECK_STR (c.rows [r].period_code, j.rows [r].period_code);
        CHECK_STR (c.rows [r].breakdown, j.rows [r].breakdown);
        CHECK_INT (c.rows [r].snapshot, j.rows [r].snapshot);
        CHECK_INT (c.rows [r].period.start, j.rows [r].period.start);
        Carewatch__V1__Observation *co = c.feed.batch->observations [r];
        Carewatch__V1__Observation *jo = j.feed.batch->observations [r];
        CHECK_STR (co->org_unit, jo->org_unit);
        CHECK_STR (co->note, jo->note);
    }
    CHECK_INT (c.rows [5].snapshot, period_day (2022, 9, 15));
    CHECK_STR (c.feed.batch->observations [1]->note, "late, resubmitted");
    CHECK_STR (c.feed.batch->observations [10]->note, INJECTION);
    s_run_free (&c);
    s_run_free (&j);
}

//  Text that looks like SQL is data: kept as sent, reported as sent.
static void
test_injection_text (const intake_ref_t *ref)
{
    s_run_t run;
    s_run_json (ref, "ohid",
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                " \"numerator\": 1, \"denominator\": 2, \"note\": \"" INJECTION "\"},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-2\", \"period\": \"FY2022-23Q2\","
                " \"status\": \"not_available\", \"note\": \"Robert'); DROP TABLE partners;--\"},"
                "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1'; --\", \"period\": \"FY2022-23Q2\","
                " \"numerator\": 1, \"denominator\": 2},"
                "{\"data_element\": \"htn-control\\\" OR 1=1\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q2\","
                " \"numerator\": 1, \"denominator\": 2}",
                &run);
    CHECK_ACCEPT (&run, 1, "FY2022-23Q2", "total");
    CHECK_STR (run.feed.batch->observations [0]->note, INJECTION);
    CHECK_ACCEPT (&run, 2, "FY2022-23Q2", "total");
    CHECK_STR (run.feed.batch->observations [1]->note, "Robert'); DROP TABLE partners;--");
    CHECK_REJECT (&run, 3, "org_unit", "unknown_org_unit");
    const feed_issue_t *i = s_issue (&run.feed, 3, "org_unit");
    if (i)
        CHECK_CONTAINS (i->message, "'prac-1'; --'");
    CHECK_REJECT (&run, 4, "data_element", "unknown_data_element");
    CHECK_STR (run.feed.batch->observations [2]->org_unit, "prac-1'; --");
    CHECK_INT (run.nbad, 2);
    s_run_free (&run);
}

int
main (void)
{
    intake_ref_t *ref = s_ref ();
    test_every_rule (ref);
    test_boundaries (ref);
    test_periods (ref);
    test_duplicates (ref);
    test_permissions (ref);
    test_batch (ref);
    test_csv_matches_json (ref);
    test_injection_text (ref);
    intake_ref_destroy (&ref);
    CHECK (ref == NULL);
    return check_done ("test_intake_validate");
}
