/*  test_intake_feed: JSON feeds read into a SubmitBatch, the issue
    limits, and random bytes in both formats.  CSV cases are in
    test_intake_csv.c.  */

#include "intake_feed_cases.h"

static void
test_json_all_fields (void)
{
    feed_t feed;
    const char *doc =
        "{\"batch_key\": \"b-2024-01\", \"atomic\": true, \"observations\": ["
        " {\"data_element\": \"DE1\", \"org_unit\": \"OU1\", \"period\": \"2024Q1\","
        "  \"breakdown\": \"female\", \"numerator\": 12, \"denominator\": 40.5,"
        "  \"value\": 29.6, \"note\": \"caf\xC3\xA9 \\\"quoted\\\"\", \"status\": \"snapshot\","
        "  \"snapshot_date\": \"2024-03-31\", \"ci_low\": 20.25, \"ci_high\": 40,"
        "  \"assessment\": \"on_track\"},"
        " {\"data_element\": \"DE2\", \"org_unit\": \"OU2\", \"period\": \"2024\", \"value\": 0}]}";
    CHECK_INT (s_json (doc, 100, &feed), 0);
    CHECK_STR (s_err, "");
    Carewatch__V1__SubmitBatch *batch = feed.batch;
    CHECK_STR (batch->partner, "P1");
    CHECK_STR (batch->batch_key, "b-2024-01");
    CHECK_STR (batch->format, "json");
    CHECK (batch->atomic);
    CHECK_INT (batch->n_observations, 2);
    CHECK_INT (feed.nissues, 0);
    CHECK (!feed.bad [0] && !feed.bad [1]);
    Carewatch__V1__Observation *o = s_obs (&feed, 1);
    CHECK_STR (o->data_element, "DE1");
    CHECK_STR (o->org_unit, "OU1");
    CHECK_STR (o->period, "2024Q1");
    CHECK_STR (o->breakdown, "female");
    CHECK (o->has_numerator && o->has_denominator && o->has_value && o->has_ci);
    CHECK_NEAR (o->numerator, 12, 0);
    CHECK_NEAR (o->denominator, 40.5, 0);
    CHECK_NEAR (o->value, 29.6, 1e-12);
    CHECK_STR (o->note, "caf\xC3\xA9 \"quoted\"");
    CHECK_STR (o->status, "snapshot");
    CHECK_STR (o->snapshot_date, "2024-03-31");
    CHECK_NEAR (o->ci_low, 20.25, 0);
    CHECK_NEAR (o->ci_high, 40, 0);
    CHECK_STR (o->assessment, "on_track");
    o = s_obs (&feed, 2);
    CHECK_STR (o->data_element, "DE2");
    CHECK (!o->has_numerator && !o->has_denominator && !o->has_ci);
    CHECK (o->has_value);
    CHECK_NEAR (o->value, 0, 0);
    CHECK (s_is_empty (o->breakdown) && s_is_empty (o->note) && s_is_empty (o->status));
    s_check_packs (&feed);
    feed_clear (&feed);
    CHECK (!feed.batch && !feed.bad && !feed.issues && feed.nissues == 0);
    feed_clear (&feed);     //  twice is fine
    feed_clear (NULL);

    //  No partner, atomic absent, empty array, a 20-digit integer
    const char *empty = "{\"batch_key\":\"k\",\"observations\":[]}";
    CHECK_INT (feed_parse_json (empty, strlen (empty), NULL, 10, &feed, s_err, sizeof s_err), 0);
    CHECK (s_is_empty (feed.batch->partner));
    CHECK (!feed.batch->atomic);
    CHECK_INT (feed.batch->n_observations, 0);
    s_check_packs (&feed);
    feed_clear (&feed);
    CHECK_INT (s_json ("{\"batch_key\":\"k\",\"atomic\":null,\"observations\":"
                       "[{\"numerator\":123456789012345678901234}]}", 10, &feed), 0);
    CHECK_NEAR (s_obs (&feed, 1)->numerator, 1.2345678901234568e23, 1e8);
    CHECK_INT (feed.nissues, 0);
    feed_clear (&feed);
}

static void
test_json_document_errors (void)
{
    feed_t feed;
    CHECK_FAILS (s_json ("{\"observations\": []}", 10, &feed), &feed, "batch_key is required");
    CHECK_FAILS (s_json ("{\"batch_key\": null, \"observations\": []}", 10, &feed), &feed,
                 "batch_key is required");
    CHECK_FAILS (s_json ("{\"batch_key\": \"\", \"observations\": []}", 10, &feed), &feed,
                 "batch_key is required");
    CHECK_FAILS (s_json ("{\"batch_key\": 7, \"observations\": []}", 10, &feed), &feed,
                 "batch_key must be a string, got a number");
    char doc [400];
    snprintf (doc, sizeof doc, "{\"batch_key\": \"%0201d\", \"observations\": []}", 0);
    CHECK_FAILS (s_json (doc, 10, &feed), &feed, "batch_key is 201 bytes, over the limit of 200");
    snprintf (doc, sizeof doc, "{\"batch_key\": \"%0200d\", \"observations\": []}", 0);
    CHECK_INT (s_json (doc, 10, &feed), 0);
    feed_clear (&feed);

    CHECK_FAILS (s_json ("", 10, &feed), &feed, "not valid JSON");
    CHECK_FAILS (s_json ("data_element,org_unit", 10, &feed), &feed, "not valid JSON");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"observations\": [", 10, &feed), &feed,
                 "not valid JSON");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"batch_key\": \"j\", \"observations\": []}", 10,
                         &feed), &feed, "duplicate");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"observations\": [{\"value\": 1, \"value\": 2}]}",
                         10, &feed), &feed, "duplicate");
    CHECK_FAILS (feed_parse_json ("{\"batch_key\": \"k\xff\"}", 18, "P", 10, &feed, s_err,
                                  sizeof s_err), &feed, "not valid JSON");
    CHECK_FAILS (s_json ("[{\"data_element\": \"A\"}]", 10, &feed), &feed,
                 "must be a JSON object, got an array");
    CHECK_FAILS (s_json ("\"text\"", 10, &feed), &feed, "not valid JSON");

    CHECK_FAILS (s_json ("{\"batch_key\": \"k\"}", 10, &feed), &feed, "observations is required");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"observations\": {}}", 10, &feed), &feed,
                 "observations must be an array, got an object");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"observations\": \"[]\"}", 10, &feed), &feed,
                 "observations must be an array, got a string");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"observations\": [], \"partner\": \"X\"}", 10,
                         &feed), &feed, "unknown top-level key \"partner\"");
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"atomic\": \"yes\", \"observations\": []}", 10,
                         &feed), &feed, "atomic must be true or false, got a string");
    //  Errors that quote the input stay printable
    CHECK_FAILS (s_json ("{\"batch_key\": \"k\", \"observations\": [], \"a\\nb\\u0001\": 1}", 10,
                         &feed), &feed, "unknown top-level key \"a?b?\"");

    //  Null arguments are tolerated where they make sense
    CHECK_FAILS (feed_parse_json (NULL, 0, NULL, 10, &feed, s_err, sizeof s_err), &feed,
                 "not valid JSON");
    CHECK_INT (feed_parse_json ("{", 1, NULL, 10, &feed, NULL, 0), -1);
}

static void
test_json_row_errors (void)
{
    feed_t feed;
    const char *doc =
        "{\"batch_key\": \"k\", \"observations\": ["
        " {\"data_element\": 5, \"org_unit\": \"OU\", \"period\": \"2024\"},"     //  1
        " {\"data_element\": \"DE\", \"numerator\": \"12\"},"                     //  2
        " {\"denominator\": true, \"value\": [1]},"                               //  3
        " {\"note\": [], \"status\": {}, \"period\": false},"                     //  4
        " {\"ci_low\": {}, \"ci_high\": 1, \"snapshot_date\": 20240331},"         //  5
        " 3,"                                                                       //  6
        " \"DE,OU,2024\","                                                          //  7
        " {\"data_element\": \"DE\", \"value\": 1.5},"                            //  8
        " {\"breakdown\": null, \"note\": null, \"numerator\": null, \"assessment\": 1},"  //  9
        " null]}";                                                                  //  10
    CHECK_INT (s_json (doc, 100, &feed), 0);
    CHECK_INT (feed.batch->n_observations, 10);
    CHECK_ISSUE (&feed, 1, "data_element", "not_a_string");
    CHECK_ISSUE (&feed, 2, "numerator", "not_a_number");
    CHECK_STR (s_issue (&feed, 2, "numerator")->message, "numerator must be a number, got a string");
    CHECK_ISSUE (&feed, 3, "denominator", "not_a_number");
    CHECK_ISSUE (&feed, 3, "value", "not_a_number");
    CHECK_ISSUE (&feed, 4, "note", "not_a_string");
    CHECK_ISSUE (&feed, 4, "status", "not_a_string");
    CHECK_ISSUE (&feed, 4, "period", "not_a_string");
    CHECK_STR (s_issue (&feed, 4, "period")->message, "period must be a string, got a boolean");
    CHECK_ISSUE (&feed, 5, "ci_low", "not_a_number");
    CHECK_ISSUE (&feed, 5, "snapshot_date", "not_a_string");
    CHECK (!s_issue (&feed, 5, "ci_high"));     //  present, just unreadable: no incomplete_ci
    CHECK_ISSUE (&feed, 6, "", "not_an_object");
    CHECK_STR (s_issue (&feed, 6, "")->message, "observation must be a JSON object, got a number");
    CHECK_ISSUE (&feed, 7, "", "not_an_object");
    CHECK_ISSUE (&feed, 9, "assessment", "not_a_string");
    CHECK_ISSUE (&feed, 10, "", "not_an_object");
    CHECK_INT (feed.nissues, 13);
    bool want_bad [10] = { 1, 1, 1, 1, 1, 1, 1, 0, 1, 1 };
    for (size_t i = 0; i < 10; i++)
        CHECK_INT (feed.bad [i], want_bad [i]);
    //  Issues come in row order; readable fields of a bad row are kept
    for (size_t i = 1; i < feed.nissues; i++)
        CHECK (feed.issues [i - 1].row <= feed.issues [i].row);
    CHECK_STR (s_obs (&feed, 1)->org_unit, "OU");
    CHECK (!s_obs (&feed, 2)->has_numerator);
    CHECK_NEAR (s_obs (&feed, 8)->value, 1.5, 0);
    CHECK (s_is_empty (s_obs (&feed, 9)->breakdown) && s_is_empty (s_obs (&feed, 9)->note));
    CHECK (!s_obs (&feed, 9)->has_numerator);
    s_check_packs (&feed);
    feed_clear (&feed);
}

static void
test_json_each_field_type (void)
{
    //  Every field, wrongly typed, alone in row 2 after a good row 1
    const char *fields [] = { "data_element", "org_unit", "period", "breakdown", "numerator",
                              "denominator", "value", "note", "status", "snapshot_date",
                              "ci_low", "ci_high", "assessment" };
    for (size_t i = 0; i < sizeof fields / sizeof fields [0]; i++) {
        bool number = strstr ("numerator denominator value ci_low ci_high", fields [i]) != NULL;
        char doc [256];
        snprintf (doc, sizeof doc, "{\"batch_key\":\"k\",\"observations\":[{\"%s\":%s},{\"%s\":%s}]}",
                  fields [i], number ? "1" : "\"x\"", fields [i], number ? "\"12\"" : "12");
        feed_t feed;
        CHECK_INT (s_json (doc, 10, &feed), 0);
        if (!feed.batch)
            continue;
        CHECK_ISSUE (&feed, 2, fields [i], number ? "not_a_number" : "not_a_string");
        //  ci_low or ci_high alone is also half an interval, in both rows
        bool ci = strncmp (fields [i], "ci_", 3) == 0;
        CHECK_INT (feed.nissues, ci ? 3 : 1);
        CHECK_INT (feed.bad [0], ci);
        CHECK (feed.bad [1]);
        feed_clear (&feed);
    }
}

static void
test_json_unknown_and_ci (void)
{
    feed_t feed;
    const char *doc =
        "{\"batch_key\": \"k\", \"observations\": ["
        " {\"data_element\": \"DE\", \"colour\": \"red\"},"
        " {\"Data_Element\": \"DE\", \"x\": 1, \"y\": 2},"
        " {\"ci_low\": 1},"
        " {\"ci_high\": 2, \"ci_low\": null},"
        " {\"ci_low\": 1, \"ci_high\": 2}]}";
    CHECK_INT (s_json (doc, 100, &feed), 0);
    CHECK_ISSUE (&feed, 1, "colour", "unknown_field");
    CHECK_STR (s_issue (&feed, 1, "colour")->message, "unknown field \"colour\"");
    CHECK_STR (s_obs (&feed, 1)->data_element, "DE");
    //  One issue per row, naming the first unknown key
    CHECK_ISSUE (&feed, 2, "Data_Element", "unknown_field");
    CHECK_STR (s_issue (&feed, 2, "Data_Element")->message,
               "unknown field \"Data_Element\" and 2 more");
    CHECK_ISSUE (&feed, 3, "ci_high", "incomplete_ci");
    CHECK_ISSUE (&feed, 4, "ci_low", "incomplete_ci");
    CHECK (!s_obs (&feed, 3)->has_ci && !s_obs (&feed, 4)->has_ci);
    CHECK (s_obs (&feed, 5)->has_ci && !feed.bad [4]);
    CHECK_INT (feed.nissues, 4);
    feed_clear (&feed);
}

static void
test_json_too_long (void)
{
    feed_t feed;
    size_t cap = 2 * 4000 + 200;
    char *doc = malloc (cap), *text = malloc (4001);
    //  2000 bytes is fine, 2001 is not; the text kept is cut to the bound
    memset (text, 'n', 2001);
    text [2000] = 0;
    snprintf (doc, cap, "{\"batch_key\":\"k\",\"observations\":[{\"note\":\"%s\"},", text);
    text [2000] = 'n', text [2001] = 0;
    snprintf (doc + strlen (doc), cap - strlen (doc), "{\"note\":\"%s\"},", text);
    //  Two-byte characters: 1 + 2 * 1000 = 2001 bytes, cut before the split one
    text [0] = 'a';
    for (int i = 0; i < 1000; i++)
        memcpy (text + 1 + 2 * i, "\xC3\xA9", 2);
    text [2001] = 0;
    snprintf (doc + strlen (doc), cap - strlen (doc),
              "{\"note\":\"%s\",\"data_element\":\"%065d\",\"period\":\"%033d\"}]}", text, 0, 0);
    CHECK_INT (s_json (doc, 10, &feed), 0);
    CHECK_INT (feed.nissues, 4);
    CHECK (!feed.bad [0] && feed.bad [1] && feed.bad [2]);
    CHECK_INT (strlen (s_obs (&feed, 1)->note), 2000);
    CHECK_ISSUE (&feed, 2, "note", "too_long");
    CHECK_STR (s_issue (&feed, 2, "note")->message, "note is 2001 bytes, over the limit of 2000");
    CHECK_INT (strlen (s_obs (&feed, 2)->note), 2000);
    CHECK_ISSUE (&feed, 3, "note", "too_long");
    CHECK_INT (strlen (s_obs (&feed, 3)->note), 1999);
    CHECK_ISSUE (&feed, 3, "data_element", "too_long");
    CHECK_INT (strlen (s_obs (&feed, 3)->data_element), FEED_MAX_CODE);
    CHECK_ISSUE (&feed, 3, "period", "too_long");
    s_check_packs (&feed);
    feed_clear (&feed);
    free (doc);
    free (text);
}

static void
test_json_max_rows (void)
{
    feed_t feed;
    const char *doc = "{\"batch_key\": \"k\", \"observations\": [{}, {}, {}]}";
    CHECK_FAILS (s_json (doc, 2, &feed), &feed, "batch has 3 observations, over the limit of 2");
    CHECK_FAILS (s_json (doc, 0, &feed), &feed, "batch has 3 observations, over the limit of 0");
    CHECK_INT (s_json (doc, 3, &feed), 0);
    CHECK_INT (feed.batch->n_observations, 3);
    feed_clear (&feed);
}

static void
test_issue_cap (void)
{
    //  Every row bad: the issues stop at the cap, the rows are still marked
    size_t rows = FEED_MAX_ISSUES + 50;
    char *doc = malloc (rows * 2 + 64);
    char *p = doc + sprintf (doc, "{\"batch_key\":\"k\",\"observations\":[1");
    for (size_t i = 1; i < rows; i++)
        p += sprintf (p, ",1");
    strcpy (p, "]}");
    feed_t feed;
    CHECK_INT (s_json (doc, rows, &feed), 0);
    CHECK_INT (feed.nissues, FEED_MAX_ISSUES + 1);
    CHECK_STR (feed.issues [FEED_MAX_ISSUES].code, "too_many_issues");
    CHECK_INT (feed.issues [FEED_MAX_ISSUES].row, FEED_MAX_ISSUES + 1);
    CHECK (feed.bad [rows - 1]);
    feed_clear (&feed);
    free (doc);

    //  feed_add_issue itself has no cap, and formats
    memset (&feed, 0, sizeof feed);
    for (int i = 0; i < 100; i++)
        feed_add_issue (&feed, (uint32_t) i + 1, "value", "below_zero", "value %d is below zero", -i);
    CHECK_INT (feed.nissues, 100);
    CHECK_STR (feed.issues [99].message, "value -99 is below zero");
    CHECK_STR (feed.issues [99].field, "value");
    feed_add_issue (&feed, 1, "a_field_name_that_is_much_longer_than_the_slot", "c", "%s", "m");
    CHECK_INT (strlen (feed.issues [100].field), sizeof feed.issues [100].field - 1);
    feed_clear (&feed);
}

//  ---------------------------------------------------------------------
//  Robustness: whatever the bytes, a clean 0 or -1 and a usable batch

static uint64_t s_rng = 0x9E3779B97F4A7C15ULL;

static uint32_t
s_rand (void)
{
    s_rng ^= s_rng << 13;
    s_rng ^= s_rng >> 7;
    s_rng ^= s_rng << 17;
    return (uint32_t) (s_rng >> 11);
}

static void
s_check_result (int rc, const feed_t *feed)
{
    CHECK (rc == 0 || rc == -1);
    if (rc) {
        CHECK (!feed->batch && s_err [0]);
        return;
    }
    CHECK (feed->batch != NULL);
    if (!feed->batch)
        return;
    CHECK (feed->batch->n_observations <= 50);
    CHECK (feed->nissues <= FEED_MAX_ISSUES + 1);
    size_t bad = 0;
    for (size_t i = 0; i < feed->batch->n_observations; i++)
        bad += feed->bad [i];
    for (size_t i = 0; i < feed->nissues; i++)
        CHECK (feed->issues [i].row >= 1 && feed->issues [i].row <= feed->batch->n_observations);
    CHECK (bad >= 1 || feed->nissues == 0);
    for (size_t i = 0; i < feed->batch->n_observations; i++) {
        Carewatch__V1__Observation *o = feed->batch->observations [i];
        CHECK (strlen (o->data_element) <= FEED_MAX_CODE && strlen (o->note) <= FEED_MAX_NOTE);
    }
    s_check_packs (feed);
}

static void
s_mutate (char *buf, size_t *len, size_t cap)
{
    static const char specials [] = ",\"\r\n\xC3\xEF\xBB\xBF{}[]:0.e-";
    int edits = 1 + s_rand () % 4;
    for (int e = 0; e < edits && *len > 0; e++) {
        size_t at = s_rand () % *len;
        switch (s_rand () % 4) {
            case 0: buf [at] = (char) s_rand (); break;
            case 1: buf [at] = specials [s_rand () % (sizeof specials - 1)]; break;
            case 2: memmove (buf + at, buf + at + 1, *len - at - 1); (*len)--; break;
            default:
                if (*len < cap) {
                    memmove (buf + at + 1, buf + at, *len - at);
                    buf [at] = specials [s_rand () % (sizeof specials - 1)];
                    (*len)++;
                }
        }
    }
}

static void
test_robustness (void)
{
    const char *csv =
        "\xEF\xBB\xBF" "data_element,org_unit,period,numerator,denominator,note,ci_low,ci_high\r\n"
        "DE1,OU1,2024Q1,12,40,\"a, \"\"b\"\"\r\nc\",1,2\r\n"
        "DE2,OU2,2024,,,\"\",,\r\nDE3,OU3,2023,1e3,-2,caf\xC3\xA9,0.5,0.7";
    const char *json =
        "{\"batch_key\":\"k\",\"atomic\":false,\"observations\":[{\"data_element\":\"DE1\","
        "\"org_unit\":\"OU1\",\"period\":\"2024Q1\",\"numerator\":12,\"note\":\"caf\xC3\xA9\","
        "\"ci_low\":1,\"ci_high\":2},{\"value\":null,\"status\":\"final\"},3]}";
    enum { CAP = 512 };
    char buf [CAP];
    int failures = check_failures;
    size_t parsed = 0, refused = 0;
    for (int iter = 0; iter < 6000 && check_failures == failures; iter++) {
        size_t len;
        int kind = iter % 3;
        if (kind == 0) {                        //  random bytes
            len = s_rand () % 200;
            for (size_t i = 0; i < len; i++)
                buf [i] = s_rand () % 4 ? ",\"\r\nab1{}[]:"[s_rand () % 12] : (char) s_rand ();
        }
        else {                                  //  mutations of a valid document
            const char *base = kind == 1 ? csv : json;
            len = strlen (base);
            memcpy (buf, base, len);
            s_mutate (buf, &len, CAP);
        }
        //  An exact-size heap copy, so ASan sees any read past the end
        char *data = malloc (len ? len : 1);
        memcpy (data, buf, len);
        feed_t feed;
        bool as_json = kind == 2 || (kind == 0 && iter % 2);
        int rc = as_json
                     ? feed_parse_json (data, len, "P", 50, &feed, s_err, sizeof s_err)
                     : feed_parse_csv (data, len, "P", "k", false, 50, &feed, s_err, sizeof s_err);
        s_check_result (rc, &feed);
        rc == 0 ? parsed++ : refused++;
        feed_clear (&feed);
        free (data);
    }
    //  Both outcomes were exercised, not just one of them
    CHECK (parsed > 300 && refused > 300);
}

int
main (void)
{
    test_json_all_fields ();
    test_json_document_errors ();
    test_json_row_errors ();
    test_json_each_field_type ();
    test_json_unknown_and_ci ();
    test_json_too_long ();
    test_json_max_rows ();
    test_issue_cap ();
    test_robustness ();
    return check_done ("test_intake_feed");
}
