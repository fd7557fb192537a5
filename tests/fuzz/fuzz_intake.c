/*  fuzz_intake: the shared reference and the database-free intake
    pipeline for the intake harnesses.  See fuzz_intake.h.  */
#include "fuzz_intake.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake_receipt.h"
#include "intake_store.h"
#include "intake_validate.h"

static intake_ref_t *s_ref;

//  The data elements of the seed corpus with their catalogue kind, unit
//  and frequency, plus one of each frequency the catalogue lacks.
static intake_ref_t *
s_ref_new (void)
{
    intake_ref_t *ref = intake_ref_new ();
    static const char *const elements [][4] = {
        { "pi-2133", "value", "percent", "quarter" },
        { "pi-2132", "value", "percent", "quarter" },
        { "htn-treated-to-target-monthly", "fraction", "percent", "month" },
        { "dqofh-dementia-diagnosis-monthly", "fraction", NULL, "month" },
        { "virtual-ward-occupancy", "value", "percent_occupancy", "snapshot" },
        { "screening-breast-coverage", "value", "percent", "year" },
        { "cancer-early-stage", "value", "percent", "calendar_year" },
        { "hi-overweight-y6", "value", "percent", "pooled_fy" },
        { "hi-suicide-rate", "value", "per_100000", "pooled_years" },
        { "hwb-gcse-fsm-gap", "value", "percent", "year" },
        { "asc-a105-homecare-hours-65plus", "count", "number", "rolling_12" },
        { "bcf-falls-65plus", "count", NULL, "year" },
        { "fuzz-calendar-quarter", "count", NULL, "calendar_quarter" },
    };
    for (size_t i = 0; i < sizeof elements / sizeof elements [0]; i++)
        FUZZ_CHECK (intake_ref_add_data_element (ref, elements [i][0], elements [i][1],
                                                 elements [i][2], elements [i][3]) == 0);
    intake_ref_add_org_unit (ref, "england", "england", NULL);
    intake_ref_add_org_unit (ref, "west-midlands", "region", "england");
    intake_ref_add_org_unit (ref, "dudley", "place", "west-midlands");
    intake_ref_add_org_unit (ref, "dudley-pcn-a", "pcn", "dudley");
    intake_ref_add_org_unit (ref, "high-oak-surgery", "practice", "dudley-pcn-a");
    intake_ref_add_org_unit (ref, "walsall", "place", "west-midlands");
    static const char *const breakdowns [] = {
        "total", "female", "male", "imd_q1", "imd_q5", "fsm_eligible", "fsm_not_eligible"
    };
    for (size_t i = 0; i < sizeof breakdowns / sizeof breakdowns [0]; i++)
        intake_ref_add_breakdown (ref, breakdowns [i]);

    //  ohid: everything, everywhere
    intake_ref_add_partner (ref, "ohid");
    intake_ref_add_grant (ref, "ohid", NULL);
    intake_ref_add_scope (ref, "ohid", "england", true, NULL);
    //  gp-practices: two elements, below dudley at some levels only
    intake_ref_add_partner (ref, "gp-practices");
    intake_ref_add_grant (ref, "gp-practices", "htn-treated-to-target-monthly");
    intake_ref_add_grant (ref, "gp-practices", "dqofh-dementia-diagnosis-monthly");
    intake_ref_add_scope (ref, "gp-practices", "dudley", true, "practice,pcn,place");
    //  dmbc-corp: dudley itself only
    intake_ref_add_partner (ref, "dmbc-corp");
    intake_ref_add_grant (ref, "dmbc-corp", "pi-2133");
    intake_ref_add_grant (ref, "dmbc-corp", "pi-2132");
    intake_ref_add_scope (ref, "dmbc-corp", "dudley", false, NULL);
    return ref;
}

const intake_ref_t *
fuzz_intake_ref (void)
{
    if (!s_ref)
        s_ref = s_ref_new ();
    return s_ref;
}

//  Strict UTF-8, as Jansson and PostgreSQL read it: no overlong forms,
//  no surrogates, nothing past U+10FFFF.  Written apart from common/utf8
//  on purpose: it is the oracle that checks what intake (which uses
//  common/utf8) lets through, so it must not share that code's mistakes.
bool
fuzz_utf8_valid (const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *) text;
    size_t i = 0;
    while (i < len) {
        unsigned c = s [i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, cp = c & 0x07;
        else
            return false;
        if (len - i < n)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s [i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s [i + k] & 0x3F);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        ||  (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += n;
    }
    return true;
}

//  Clean text for a log line or a protobuf string: strict UTF-8 and no
//  control bytes.
static bool
s_clean (const char *s)
{
    for (const char *c = s; *c; c++)
        if ((unsigned char) *c < 0x20 || *c == 0x7F)
            return false;
    return fuzz_utf8_valid (s, strlen (s));
}

static void
s_check_issue (const feed_issue_t *issue, size_t nrows)
{
    FUZZ_CHECK (issue->row <= nrows);
    FUZZ_CHECK (memchr (issue->field, 0, sizeof issue->field));
    FUZZ_CHECK (memchr (issue->code, 0, sizeof issue->code));
    FUZZ_CHECK (memchr (issue->message, 0, sizeof issue->message));
    FUZZ_CHECK (issue->code [0]);
    FUZZ_CHECK (s_clean (issue->field) && s_clean (issue->code) && s_clean (issue->message));
}

void
fuzz_feed_check (const feed_t *feed, size_t max_rows)
{
    const Carewatch__V1__SubmitBatch *b = feed->batch;
    FUZZ_CHECK (b && b->batch_key && b->format);
    FUZZ_CHECK (b->n_observations <= max_rows);
    FUZZ_CHECK (b->n_observations == 0 || (b->observations && feed->bad));
    FUZZ_CHECK (feed->nissues <= FEED_MAX_ISSUES + 1);
    for (size_t i = 0; i < feed->nissues; i++) {
        const feed_issue_t *issue = &feed->issues [i];
        s_check_issue (issue, b->n_observations);
        FUZZ_CHECK (issue->row >= 1 && feed->bad [issue->row - 1]);
        FUZZ_CHECK (i == 0 || feed->issues [i - 1].row <= issue->row);     //  row order
    }
    for (size_t i = 0; i < b->n_observations; i++) {
        const Carewatch__V1__Observation *o = b->observations [i];
        FUZZ_CHECK (o);
        const struct { const char *text; size_t max; } texts [] = {
            { o->data_element, FEED_MAX_CODE }, { o->org_unit, FEED_MAX_CODE },
            { o->period, FEED_MAX_PERIOD }, { o->breakdown, FEED_MAX_CODE },
            { o->note, FEED_MAX_NOTE }, { o->status, FEED_MAX_STATUS },
            { o->snapshot_date, FEED_MAX_PERIOD }, { o->assessment, FEED_MAX_ASSESSMENT },
        };
        for (size_t t = 0; t < sizeof texts / sizeof texts [0]; t++)
            if (texts [t].text) {
                size_t len = strlen (texts [t].text);
                FUZZ_CHECK (len <= texts [t].max);
                FUZZ_CHECK (fuzz_utf8_valid (texts [t].text, len));
            }
    }
}

//  ---------------------------------------------------------------------
//  The pipeline

static void
s_warn (void *arg, uint32_t row, const char *field, const char *code, const char *message)
{
    intake_receipt_warn (arg, row, field, code, message);
}

//  The receipt as intake stores it (JSON) and sends it (protobuf).
static void
s_check_receipt (const intake_receipt_t *receipt, bool stored, size_t nrows)
{
    for (size_t i = 0; i < receipt->nerrors; i++) {
        FUZZ_CHECK (i == 0 || receipt->errors [i - 1].row <= receipt->errors [i].row);
        if (stored)
            s_check_issue (&receipt->errors [i], nrows);
    }
    for (size_t i = 0; stored && i < receipt->nwarnings; i++)
        s_check_issue (&receipt->warnings [i], nrows);
    json_t *json = intake_receipt_to_json (receipt);
    //  A committed batch's receipt is kept in batches.receipt and sent
    //  back on a replay: it must survive the round trip whole.
    if (stored) {
        FUZZ_CHECK (json);
        FUZZ_CHECK (json_array_size (json_object_get (json, "errors")) == receipt->nerrors);
        FUZZ_CHECK (json_array_size (json_object_get (json, "warnings")) == receipt->nwarnings);
        char *text = json_dumps (json, JSON_COMPACT);
        FUZZ_CHECK (text);
        json_t *again = json_loads (text, 0, NULL);
        free (text);
        intake_receipt_t back;
        FUZZ_CHECK (intake_receipt_from_json (&back, again) == 0);
        FUZZ_CHECK (back.nerrors == receipt->nerrors && back.nwarnings == receipt->nwarnings);
        FUZZ_CHECK (strcmp (back.batch_key, receipt->batch_key) == 0);
        for (size_t i = 0; i < back.nerrors; i++) {
            const feed_issue_t *a = &back.errors [i], *b = &receipt->errors [i];
            FUZZ_CHECK (a->row == b->row && strcmp (a->field, b->field) == 0
                        && strcmp (a->code, b->code) == 0 && strcmp (a->message, b->message) == 0);
        }
        intake_receipt_clear (&back);
        json_decref (again);
    }
    json_decref (json);

    Carewatch__V1__BatchReceipt pb;
    intake_receipt_to_pb (receipt, &pb);
    size_t size = protobuf_c_message_get_packed_size (&pb.base);
    uint8_t *buf = malloc (size ? size : 1);
    FUZZ_CHECK (protobuf_c_message_pack (&pb.base, buf) == size);
    Carewatch__V1__BatchReceipt *back = carewatch__v1__batch_receipt__unpack (NULL, size, buf);
    FUZZ_CHECK (back && back->n_errors == pb.n_errors && back->n_warnings == pb.n_warnings);
    carewatch__v1__batch_receipt__free_unpacked (back, NULL);
    free (buf);
    intake_receipt_pb_free (&pb);
}

//  s_process of intake_service.c, from the batch checks to the point
//  where it would write to the database.
static void
s_process (feed_t *feed, size_t max_rows)
{
    const intake_ref_t *ref = fuzz_intake_ref ();
    Carewatch__V1__SubmitBatch *b = feed->batch;
    intake_receipt_t receipt;
    memset (&receipt, 0, sizeof receipt);
    char code [40], msg [256];
    code [0] = msg [0] = 0;
    if (intake_validate_batch (ref, b, max_rows, code, sizeof code, msg, sizeof msg)) {
        FUZZ_CHECK (code [0] && msg [0]);
        intake_receipt_refuse (&receipt, b->batch_key, code, msg);
        s_check_receipt (&receipt, false, b->n_observations);
        intake_receipt_clear (&receipt);
        return;
    }
    FUZZ_CHECK (b->n_observations >= 1 && b->n_observations <= max_rows);
    FUZZ_CHECK (s_clean (b->batch_key) && strlen (b->batch_key) <= FEED_MAX_KEY);
    unsigned char hash [32];
    intake_store_hash (b, hash);

    intake_row_t *rows = calloc (b->n_observations, sizeof *rows);
    size_t nbad = intake_validate_rows (ref, feed, rows);
    size_t counted = 0;
    for (size_t i = 0; i < b->n_observations; i++) {
        if (feed->bad [i]) {
            counted++;
            continue;
        }
        //  A good row is what the database is given: clean text, a
        //  known period whose canonical code reads back as itself.
        const Carewatch__V1__Observation *o = b->observations [i];
        const char *texts [] = { o->data_element, o->org_unit, o->period, o->breakdown,
                                 o->note, o->status, o->snapshot_date, o->assessment };
        for (size_t t = 0; t < sizeof texts / sizeof texts [0]; t++)
            FUZZ_CHECK (!texts [t] || fuzz_utf8_valid (texts [t], strlen (texts [t])));
        FUZZ_CHECK (intake_ref_data_element (ref, o->data_element));
        FUZZ_CHECK (intake_ref_permits (ref, b->partner, o->data_element, o->org_unit));
        FUZZ_CHECK (rows [i].breakdown && intake_ref_has_breakdown (ref, rows [i].breakdown));
        period_t p;
        FUZZ_CHECK (period_parse (rows [i].period_code, &p, NULL, 0) == 0);
        FUZZ_CHECK (period_compare (&p, &rows [i].period) == 0 && p.type == rows [i].period.type);
    }
    FUZZ_CHECK (counted == nbad);
    intake_receipt_take_errors (&receipt, feed);
    intake_warn_rows (ref, feed, rows, s_warn, &receipt);
    feed->nissues = 0;
    snprintf (receipt.batch_key, sizeof receipt.batch_key, "%s", b->batch_key);
    snprintf (receipt.status, sizeof receipt.status, "%s", nbad && b->atomic ? "rejected" : "committed");
    receipt.rejected = (uint32_t) nbad;
    receipt.accepted = (uint32_t) (b->n_observations - nbad);
    s_check_receipt (&receipt, true, b->n_observations);
    intake_receipt_clear (&receipt);
    free (rows);
}

void
fuzz_intake_process (feed_t *feed, size_t max_rows)
{
    static const char *const partners [] = { "ohid", "gp-practices", "dmbc-corp", "nobody" };
    Carewatch__V1__SubmitBatch *b = feed->batch;
    size_t n = b->n_observations, nissues = feed->nissues;
    //  Validation marks rows bad and sorts the issues: each partner starts
    //  from the feed as the parser left it.
    bool *bad = malloc ((n ? n : 1) * sizeof *bad);
    feed_issue_t *issues = malloc ((nissues ? nissues : 1) * sizeof *issues);
    if (n)
        memcpy (bad, feed->bad, n * sizeof *bad);
    if (nissues)
        memcpy (issues, feed->issues, nissues * sizeof *issues);
    char *partner = b->partner;
    for (size_t k = 0; k < sizeof partners / sizeof partners [0]; k++) {
        b->partner = (char *) partners [k];
        if (n)
            memcpy (feed->bad, bad, n * sizeof *bad);
        if (nissues)
            memcpy (feed->issues, issues, nissues * sizeof *issues);
        feed->nissues = nissues;
        s_process (feed, max_rows);
    }
    b->partner = partner;
    if (n)
        memcpy (feed->bad, bad, n * sizeof *bad);
    if (nissues)
        memcpy (feed->issues, issues, nissues * sizeof *issues);
    feed->nissues = nissues;
    free (bad);
    free (issues);
}
