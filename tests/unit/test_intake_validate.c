/*  test_intake_validate: the validation core over hand-built reference
    data.  Every rule code in intake_validate.h is broken by one row that
    sits between two good rows, so each case also shows that a bad row
    does not spill onto its neighbours; then the bounds of each field and
    every period form.  No database, no sockets.  The batch-level cases
    are in test_intake_validate_batch.c.  */

#include "intake_validate_cases.h"

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
    s_case (ref, "a value and a fraction together", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"value\": 30.8, \"numerator\": 4, \"denominator\": 13}",
            "value", "value_not_allowed");
    s_case (ref, "a published percentage over 100", "ohid",
            "{\"data_element\": \"htn-control\", \"org_unit\": \"prac-1\", \"period\": \"FY2022-23Q3\","
            " \"value\": 108}",
            "value", "percent_out_of_range");
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

int
main (void)
{
    intake_ref_t *ref = s_ref ();
    test_every_rule (ref);
    test_boundaries (ref);
    test_periods (ref);
    intake_ref_destroy (&ref);
    CHECK (ref == NULL);
    return check_done ("test_intake_validate");
}
