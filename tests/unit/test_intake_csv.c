/*  test_intake_csv: CSV feeds (RFC 4180) read into a SubmitBatch:
    quoting, line ends, cell counts, header errors, UTF-8, unterminated
    quotes, numbers and the row limit.  */

#include "intake_feed_cases.h"

static void
test_csv_basic (void)
{
    feed_t feed;
    const char *doc =
        "data_element,org_unit,period,breakdown,numerator,denominator,value,note,status,"
        "snapshot_date,ci_low,ci_high,assessment\r\n"
        "DE1,OU1,2024Q1,female,12,40.5,29.6,plain note,snapshot,2024-03-31,20.25,40,on_track\r\n"
        "DE2, OU2 ,2024,,,,-3.5e2,  padded  ,,,,,\r\n";
    CHECK_INT (feed_parse_csv (doc, strlen (doc), "P9", "key-9", true, 10, &feed, s_err,
                               sizeof s_err), 0);
    CHECK_STR (s_err, "");
    CHECK_STR (feed.batch->partner, "P9");
    CHECK_STR (feed.batch->batch_key, "key-9");
    CHECK_STR (feed.batch->format, "csv");
    CHECK (feed.batch->atomic);
    CHECK_INT (feed.batch->n_observations, 2);
    CHECK_INT (feed.nissues, 0);
    Carewatch__V1__Observation *o = s_obs (&feed, 1);
    CHECK_STR (o->data_element, "DE1");
    CHECK_STR (o->org_unit, "OU1");
    CHECK_STR (o->period, "2024Q1");
    CHECK_STR (o->breakdown, "female");
    CHECK (o->has_numerator && o->has_denominator && o->has_value && o->has_ci);
    CHECK_NEAR (o->numerator, 12, 0);
    CHECK_NEAR (o->denominator, 40.5, 0);
    CHECK_NEAR (o->value, 29.6, 1e-12);
    CHECK_STR (o->note, "plain note");
    CHECK_STR (o->status, "snapshot");
    CHECK_STR (o->snapshot_date, "2024-03-31");
    CHECK_NEAR (o->ci_low, 20.25, 0);
    CHECK_NEAR (o->ci_high, 40, 0);
    CHECK_STR (o->assessment, "on_track");
    o = s_obs (&feed, 2);
    CHECK_STR (o->org_unit, "OU2");                 //  codes are trimmed
    CHECK_STR (o->note, "  padded  ");              //  a note is not
    CHECK (s_is_empty (o->breakdown) && s_is_empty (o->status) && s_is_empty (o->assessment));
    CHECK (!o->has_numerator && !o->has_denominator && !o->has_ci);
    CHECK_NEAR (o->value, -350, 0);
    s_check_packs (&feed);
    feed_clear (&feed);

    //  Header only: an empty batch; columns in any order, names trimmed
    CHECK_INT (s_csv (" period , data_element,org_unit\n", 10, &feed), 0);
    CHECK_INT (feed.batch->n_observations, 0);
    feed_clear (&feed);
    CHECK_INT (s_csv ("period,value,data_element,org_unit\n2024,7,DE,OU\n", 10, &feed), 0);
    CHECK_STR (s_obs (&feed, 1)->period, "2024");
    CHECK_STR (s_obs (&feed, 1)->data_element, "DE");
    CHECK_NEAR (s_obs (&feed, 1)->value, 7, 0);
    feed_clear (&feed);
}

static void
test_csv_quoting (void)
{
    feed_t feed;
    const char *doc =
        HEADER ",note,breakdown\n"
        "DE,OU,2024,\"a, b\",x\n"                         //  embedded comma
        "DE,OU,2024,\"say \"\"hi\"\"\",x\n"               //  embedded quotes
        "DE,OU,2024,\"line one\r\nline two\",x\n"         //  embedded CRLF
        "DE,OU,2024,\"\",\"\"\n"                          //  empty quoted: absent
        "\"DE\",\"OU\",\"2024\",\"\"\"\",\"x\"\n"         //  all quoted; a lone quote
        "DE,OU,2024,ab\"c,\"q\"rest\n"                    //  stray quotes kept as text
        "DE,OU,2024,\"\n\",x";                            //  just a newline
    CHECK_INT (s_csv (doc, 10, &feed), 0);
    CHECK_INT (feed.batch->n_observations, 7);
    CHECK_INT (feed.nissues, 0);
    CHECK_STR (s_obs (&feed, 1)->note, "a, b");
    CHECK_STR (s_obs (&feed, 2)->note, "say \"hi\"");
    CHECK_STR (s_obs (&feed, 3)->note, "line one\r\nline two");
    CHECK (s_is_empty (s_obs (&feed, 4)->note) && s_is_empty (s_obs (&feed, 4)->breakdown));
    CHECK_STR (s_obs (&feed, 5)->data_element, "DE");
    CHECK_STR (s_obs (&feed, 5)->note, "\"");
    CHECK_STR (s_obs (&feed, 6)->note, "ab\"c");
    CHECK_STR (s_obs (&feed, 6)->breakdown, "qrest");
    CHECK_STR (s_obs (&feed, 7)->note, "\n");
    s_check_packs (&feed);
    feed_clear (&feed);
}

static void
test_csv_line_ends (void)
{
    //  CRLF, LF, lone CR, a BOM and a missing final newline all read the same
    const char *docs [] = {
        HEADER ",value\r\nA,B,2024,1\r\nC,D,2025,2\r\n",
        HEADER ",value\nA,B,2024,1\nC,D,2025,2\n",
        HEADER ",value\rA,B,2024,1\rC,D,2025,2\r",
        "\xEF\xBB\xBF" HEADER ",value\r\nA,B,2024,1\r\nC,D,2025,2\r\n",
        HEADER ",value\nA,B,2024,1\nC,D,2025,2",
        "\xEF\xBB\xBF" HEADER ",value\nA,B,2024,1\r\nC,D,2025,2",
        HEADER ",value\nA,B,2024,1\nC,D,2025,2\n\n\r\n\n",   //  trailing empty lines
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs [0]; i++) {
        feed_t feed;
        CHECK_INT (s_csv (docs [i], 10, &feed), 0);
        if (!feed.batch)
            continue;
        CHECK_INT (feed.batch->n_observations, 2);
        CHECK_INT (feed.nissues, 0);
        if (feed.batch->n_observations == 2) {
            CHECK_STR (s_obs (&feed, 1)->data_element, "A");
            CHECK_STR (s_obs (&feed, 2)->period, "2025");
            CHECK_NEAR (s_obs (&feed, 2)->value, 2, 0);
        }
        feed_clear (&feed);
    }
}

static void
test_csv_cell_count (void)
{
    feed_t feed;
    //  Row 1 spans three physical lines; row 3 is the one with too few cells
    const char *doc =
        HEADER ",note,value\n"
        "A,B,2024,\"two\nline\nnote\",1\n"
        "A,B,2024,,2\n"
        "A,B,2024,3\n"
        "\n"                                      //  an empty line inside: a row
        "A,B,2024,x,4,extra,extra\n"
        "\"\"\n"
        "A,B,2024,,5\n";
    CHECK_INT (s_csv (doc, 10, &feed), 0);
    CHECK_INT (feed.batch->n_observations, 7);
    CHECK_ISSUE (&feed, 3, "", "wrong_cell_count");
    CHECK_STR (s_issue (&feed, 3, "")->message, "row has 4 cells, header has 5");
    CHECK_ISSUE (&feed, 4, "", "wrong_cell_count");
    CHECK_STR (s_issue (&feed, 4, "")->message, "row is empty, header has 5");
    CHECK_ISSUE (&feed, 5, "", "wrong_cell_count");
    CHECK_STR (s_issue (&feed, 5, "")->message, "row has 7 cells, header has 5");
    CHECK_ISSUE (&feed, 6, "", "wrong_cell_count");
    CHECK_STR (s_issue (&feed, 6, "")->message, "row has 1 cell, header has 5");
    CHECK_INT (feed.nissues, 4);
    bool want_bad [7] = { 0, 0, 1, 1, 1, 1, 0 };
    for (size_t i = 0; i < 7; i++)
        CHECK_INT (feed.bad [i], want_bad [i]);
    CHECK_STR (s_obs (&feed, 1)->note, "two\nline\nnote");
    CHECK (s_is_empty (s_obs (&feed, 3)->data_element));
    CHECK_NEAR (s_obs (&feed, 7)->value, 5, 0);
    s_check_packs (&feed);
    feed_clear (&feed);

    //  A hostile row of a million commas costs no memory per cell
    size_t n = 1000000;
    char *wide = malloc (n + 64);
    strcpy (wide, HEADER "\n");
    memset (wide + strlen (wide), ',', n);
    strcpy (wide + strlen (HEADER "\n") + n, "\n");
    CHECK_INT (s_csv (wide, 10, &feed), 0);
    CHECK_ISSUE (&feed, 1, "", "wrong_cell_count");
    CHECK_STR (feed.issues [0].message, "row has 1000001 cells, header has 3");
    feed_clear (&feed);
    free (wide);
}

static void
test_csv_header_errors (void)
{
    feed_t feed;
    CHECK_FAILS (s_csv (HEADER ",colour\nA,B,C,red\n", 10, &feed), &feed,
                 "unknown column \"colour\" in the header (column 4)");
    CHECK_FAILS (s_csv ("Data_Element,org_unit,period\n", 10, &feed), &feed,
                 "unknown column \"Data_Element\"");
    CHECK_FAILS (s_csv (HEADER ",,value\n", 10, &feed), &feed, "unknown column \"\" in the header (column 4)");
    CHECK_FAILS (s_csv (HEADER ",period\n", 10, &feed), &feed,
                 "duplicate column \"period\" in the header (column 4)");
    CHECK_FAILS (s_csv ("data_element,org_unit,value\nA,B,1\n", 10, &feed), &feed,
                 "the header lacks the required column period");
    CHECK_FAILS (s_csv ("org_unit,period\n", 10, &feed), &feed, "required column data_element");
    CHECK_FAILS (s_csv ("", 10, &feed), &feed, "empty file");
    CHECK_FAILS (feed_parse_csv (NULL, 0, NULL, "k", false, 10, &feed, s_err, sizeof s_err), &feed,
                 "empty file");
    CHECK_FAILS (s_csv ("\xEF\xBB\xBF", 10, &feed), &feed, "empty file");
    CHECK_FAILS (s_csv ("\n" HEADER "\n", 10, &feed), &feed, "the header row is empty");
    CHECK_FAILS (s_csv ("data_element,\"org_unit\n", 10, &feed), &feed,
                 "unterminated quote in the header row (line 1)");
    //  Fourteen known names cannot all be distinct
    CHECK_FAILS (s_csv ("data_element,org_unit,period,breakdown,numerator,denominator,value,note,"
                        "status,snapshot_date,ci_low,ci_high,assessment,value,a,b,c\n", 10, &feed),
                 &feed, "duplicate column \"value\" in the header (column 14)");
    //  batch_key comes from outside but is checked the same way
    CHECK_FAILS (feed_parse_csv (HEADER "\n", 13, "P", "", false, 10, &feed, s_err, sizeof s_err),
                 &feed, "batch_key is required");
    CHECK_FAILS (feed_parse_csv (HEADER "\n", 13, "P", NULL, false, 10, &feed, s_err, sizeof s_err),
                 &feed, "batch_key is required");
    CHECK_FAILS (feed_parse_csv (HEADER "\n", 13, "P", "k\xC3", false, 10, &feed, s_err,
                                 sizeof s_err), &feed, "batch_key is not valid UTF-8");
}

static void
test_csv_utf8 (void)
{
    feed_t feed;
    CHECK_INT (s_csv (HEADER ",note\nA,B,2024,\xE2\x82\xAC \xF0\x9F\x98\x80 caf\xC3\xA9\n", 10,
                      &feed), 0);
    CHECK_STR (s_obs (&feed, 1)->note, "\xE2\x82\xAC \xF0\x9F\x98\x80 caf\xC3\xA9");
    feed_clear (&feed);
    //  Offsets are 0-based from the first byte of the data
    CHECK_FAILS (s_csv (HEADER "\nA,B,\xFF\n", 10, &feed), &feed, "not valid UTF-8 at byte 33");
    CHECK_FAILS (s_csv ("\xEF\xBB\xBF" HEADER "\nA,B,\xC0\xAF\n", 10, &feed), &feed,
                 "not valid UTF-8 at byte 36");                 //  overlong
    CHECK_FAILS (s_csv (HEADER "\nA,B,\xED\xA0\x80\n", 10, &feed), &feed,
                 "not valid UTF-8 at byte 33");                 //  surrogate
    CHECK_FAILS (s_csv (HEADER "\nA,B,C\xE2\x82", 10, &feed), &feed,
                 "not valid UTF-8 at byte 34");                 //  cut short at the end
    CHECK_FAILS (s_csv (HEADER "\nA,B,\xF4\x90\x80\x80\n", 10, &feed), &feed,
                 "not valid UTF-8 at byte 33");                 //  past U+10FFFF
    CHECK_FAILS (feed_parse_csv (HEADER "\nA,B\0,C\n", 37, "P", "k", false, 10, &feed, s_err,
                                 sizeof s_err), &feed, "NUL byte at byte 32");
}

static void
test_csv_unterminated (void)
{
    feed_t feed;
    //  Row 2 begins on line 4 because row 1 spans two lines
    CHECK_FAILS (s_csv (HEADER ",note\nA,B,2024,\"x\ny\"\nA,B,2024,\"open\nmore\n", 10, &feed),
                 &feed, "unterminated quote in row 2 (line 4)");
    CHECK_FAILS (s_csv (HEADER "\n\"", 10, &feed), &feed, "unterminated quote in row 1 (line 2)");
    CHECK_FAILS (s_csv (HEADER "\nA,B,\"2024\"\"", 10, &feed), &feed, "unterminated quote in row 1");
}

static void
test_csv_numbers (void)
{
    feed_t feed;
    const char *doc =
        HEADER ",numerator,denominator,value\n"
        "A,B,1,abc,12abc,\"12\"\n"              //  1
        "A,B,2,nan,inf,-Infinity\n"             //  2
        "A,B,3,0x10,1e999,.\n"                  //  3
        "A,B,4, 12 ,-0.5e-3,+7\n"               //  4
        "A,B,5,\"1,5\",1e-999,1e\n";            //  5
    CHECK_INT (s_csv (doc, 10, &feed), 0);
    CHECK_ISSUE (&feed, 1, "numerator", "not_a_number");
    CHECK_STR (s_issue (&feed, 1, "numerator")->message, "numerator \"abc\" is not a number");
    CHECK_ISSUE (&feed, 1, "denominator", "not_a_number");
    CHECK (!s_issue (&feed, 1, "value"));
    CHECK_NEAR (s_obs (&feed, 1)->value, 12, 0);
    CHECK_ISSUE (&feed, 2, "numerator", "not_a_number");
    CHECK_ISSUE (&feed, 2, "denominator", "not_a_number");
    CHECK_ISSUE (&feed, 2, "value", "not_a_number");
    CHECK_ISSUE (&feed, 3, "numerator", "not_a_number");
    CHECK_ISSUE (&feed, 3, "denominator", "not_a_number");
    CHECK_STR (s_issue (&feed, 3, "denominator")->message, "denominator \"1e999\" is out of range");
    CHECK_ISSUE (&feed, 3, "value", "not_a_number");
    CHECK (!feed.bad [3]);
    CHECK_NEAR (s_obs (&feed, 4)->numerator, 12, 0);
    CHECK_NEAR (s_obs (&feed, 4)->denominator, -0.0005, 1e-15);
    CHECK_NEAR (s_obs (&feed, 4)->value, 7, 0);
    CHECK_ISSUE (&feed, 5, "numerator", "not_a_number");
    CHECK (!s_issue (&feed, 5, "denominator"));
    CHECK_NEAR (s_obs (&feed, 5)->denominator, 0, 1e-300);
    CHECK_ISSUE (&feed, 5, "value", "not_a_number");
    CHECK_INT (feed.nissues, 10);
    feed_clear (&feed);

    //  The ci pair, and bounds on text, as in JSON
    char doc2 [6000];
    snprintf (doc2, sizeof doc2, HEADER ",ci_low,ci_high,note\nA,B,1,1,,\nA,B,2,1,2,\n"
              "%065d,B,3,,,\nA,B,4,,,\"%05000d\"\n", 0, 0);
    CHECK_INT (s_csv (doc2, 10, &feed), 0);
    CHECK_ISSUE (&feed, 1, "ci_high", "incomplete_ci");
    CHECK (s_obs (&feed, 2)->has_ci && !feed.bad [1]);
    CHECK_ISSUE (&feed, 3, "data_element", "too_long");
    CHECK_INT (strlen (s_obs (&feed, 3)->data_element), 64);
    CHECK_ISSUE (&feed, 4, "note", "too_long");
    CHECK_STR (s_issue (&feed, 4, "note")->message, "note is 5000 bytes, over the limit of 2000");
    CHECK_INT (strlen (s_obs (&feed, 4)->note), 2000);
    feed_clear (&feed);
}

static void
test_csv_max_rows (void)
{
    feed_t feed;
    const char *doc = HEADER "\nA,B,1\nA,B,2\nA,B,3\n\n\n";
    CHECK_FAILS (s_csv (doc, 2, &feed), &feed, "batch has 3 observations, over the limit of 2");
    CHECK_FAILS (s_csv (doc, 0, &feed), &feed, "batch has 3 observations, over the limit of 0");
    CHECK_INT (s_csv (doc, 3, &feed), 0);     //  trailing empty lines are not rows
    CHECK_INT (feed.batch->n_observations, 3);
    feed_clear (&feed);
    CHECK_FAILS (s_csv (HEADER "\nA,B,1\n\n\nA,B,2\n", 3, &feed), &feed,
                 "batch has 4 observations, over the limit of 3");

    //  Many rows: the arrays grow as they go
    size_t rows = 20000;
    char *big = malloc (rows * 16 + 64), *p = big;
    p += sprintf (p, HEADER ",value\n");
    for (size_t i = 0; i < rows; i++)
        p += sprintf (p, "D%zu,O,2024,%zu\n", i % 7, i);
    CHECK_INT (s_csv (big, rows, &feed), 0);
    CHECK_INT (feed.batch->n_observations, rows);
    CHECK_NEAR (s_obs (&feed, rows)->value, (double) (rows - 1), 0);
    CHECK_INT (feed.nissues, 0);
    feed_clear (&feed);
    CHECK_FAILS (s_csv (big, rows - 1, &feed), &feed, "batch has 20000 observations, over the limit of 19999");
    free (big);
}

int
main (void)
{
    test_csv_basic ();
    test_csv_quoting ();
    test_csv_line_ends ();
    test_csv_cell_count ();
    test_csv_header_errors ();
    test_csv_utf8 ();
    test_csv_unterminated ();
    test_csv_numbers ();
    test_csv_max_rows ();
    return check_done ("test_intake_csv");
}
