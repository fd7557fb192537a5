/*  intake_validate_cases.h: what the two validation test files share
    (test_intake_validate.c: every rule, boundaries, periods;
    test_intake_validate_batch.c: duplicates, permissions, whole batches,
    CSV against JSON, injection text): hand-built reference data, running
    a batch through feed and validation, and the checks on its rows.
    Functions are static inline so each file takes only what it uses.  */
#ifndef CAREWATCH_INTAKE_VALIDATE_CASES_H
#define CAREWATCH_INTAKE_VALIDATE_CASES_H

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
static inline intake_ref_t *
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
static inline void
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

static inline void
s_run_json (const intake_ref_t *ref, const char *partner, const char *obs, s_run_t *run)
{
    s_run_json_mod (ref, partner, obs, NULL, 0, run);
}

static inline void
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

static inline void
s_run_free (s_run_t *run)
{
    feed_clear (&run->feed);
    free (run->rows);
    memset (run, 0, sizeof *run);
}

//  The first issue for row and field, or NULL.
static inline const feed_issue_t *
s_issue (const feed_t *feed, uint32_t row, const char *field)
{
    for (size_t i = 0; i < feed->nissues; i++)
        if (feed->issues [i].row == row && strcmp (feed->issues [i].field, field) == 0)
            return &feed->issues [i];
    return NULL;
}

static inline size_t
s_issues_for_row (const feed_t *feed, uint32_t row)
{
    size_t n = 0;
    for (size_t i = 0; i < feed->nissues; i++)
        n += feed->issues [i].row == row;
    return n;
}

static inline bool
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
static inline void
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

static inline void
s_case (const intake_ref_t *ref, const char *label, const char *partner, const char *bad,
        const char *field, const char *code)
{
    s_case_mod (ref, label, partner, bad, NULL, field, code);
}

//  Replaces a text field of a parsed observation (protobuf-c frees it).
static inline void
s_set_text (char **field, const char *text)
{
    if (*field != protobuf_c_empty_string)
        free (*field);
    *field = strdup (text);
}

static inline void
s_set_long (char **field, size_t len)
{
    char *text = malloc (len + 1);
    memset (text, 'x', len);
    text [len] = 0;
    s_set_text (field, text);
    free (text);
}

static inline void s_mod_long_note (Carewatch__V1__Observation *o) { s_set_long (&o->note, FEED_MAX_NOTE + 1); }
static inline void s_mod_long_de (Carewatch__V1__Observation *o) { s_set_long (&o->data_element, FEED_MAX_CODE + 1); }
static inline void s_mod_long_status (Carewatch__V1__Observation *o) { s_set_long (&o->status, FEED_MAX_STATUS + 1); }
static inline void s_mod_nan_value (Carewatch__V1__Observation *o) { o->value = NAN; }
static inline void s_mod_inf_ci_high (Carewatch__V1__Observation *o) { o->ci_high = INFINITY; }
static inline void s_mod_inf_numerator (Carewatch__V1__Observation *o) { o->numerator = -INFINITY; }
static inline void s_mod_note_at_bound (Carewatch__V1__Observation *o) { s_set_long (&o->note, FEED_MAX_NOTE); }

#endif
