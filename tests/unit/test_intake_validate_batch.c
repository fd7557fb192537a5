/*  test_intake_validate_batch: the validation core on whole batches:
    duplicate keys within a batch, what each partner may write where,
    batch-level limits, CSV and JSON giving the same rows, and injection
    text kept verbatim.  No database, no sockets.  */

#include "intake_validate_cases.h"

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
    test_duplicates (ref);
    test_permissions (ref);
    test_batch (ref);
    test_csv_matches_json (ref);
    test_injection_text (ref);
    intake_ref_destroy (&ref);
    return check_done ("test_intake_validate_batch");
}
