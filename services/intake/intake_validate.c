/*  intake_validate: rules over parsed rows.  */
#include "intake_validate.h"
#include "utf8.h"

#include <czmq.h>
#include <math.h>
#include <string.h>


int
intake_validate_batch (const intake_ref_t *ref, const Carewatch__V1__SubmitBatch *batch,
                       size_t max_rows, char *code, size_t codelen, char *msg, size_t msglen)
{
    if (!batch->partner || !intake_ref_has_partner (ref, batch->partner)) {
        snprintf (code, codelen, "unknown_partner");
        snprintf (msg, msglen, "partner '%.64s' is not known", batch->partner ? batch->partner : "");
        return -1;
    }
    size_t keylen = batch->batch_key ? strlen (batch->batch_key) : 0;
    if (keylen == 0 || keylen > FEED_MAX_KEY) {
        snprintf (code, codelen, "bad_batch_key");
        snprintf (msg, msglen, "batch_key must be 1 to %d characters, got %zu", FEED_MAX_KEY, keylen);
        return -1;
    }
    for (const char *c = batch->batch_key; *c; c++)
        if ((unsigned char) *c < 32 || *c == 0x7F || !utf8_clean (batch->batch_key)) {
            snprintf (code, codelen, "bad_batch_key");
            snprintf (msg, msglen, "batch_key holds a control character");
            return -1;
        }
    if (batch->n_observations > max_rows) {
        snprintf (code, codelen, "batch_too_large");
        snprintf (msg, msglen, "batch has %zu observations, over the limit of %zu; split it",
                  batch->n_observations, max_rows);
        return -1;
    }
    if (batch->n_observations == 0) {
        snprintf (code, codelen, "empty_batch");
        snprintf (msg, msglen, "batch has no observations");
        return -1;
    }
    return 0;
}


static bool
s_empty (const char *s)
{
    return !s || !*s;
}

//  Each step of a row's checks records what it finds; the row stops at the
//  first step that found anything, since the later ones read what the
//  earlier ones vouch for.

//  Lengths, UTF-8, and the three fields every row needs.
static bool
s_check_texts (feed_t *feed, uint32_t row, const Carewatch__V1__Observation *o)
{
    size_t before = feed->nissues;
    const struct { const char *name; const char *text; size_t max; } texts [] = {
        { "data_element", o->data_element, FEED_MAX_CODE },
        { "org_unit", o->org_unit, FEED_MAX_CODE },
        { "period", o->period, FEED_MAX_PERIOD },
        { "breakdown", o->breakdown, FEED_MAX_CODE },
        { "note", o->note, FEED_MAX_NOTE },
        { "status", o->status, FEED_MAX_STATUS },
        { "snapshot_date", o->snapshot_date, 10 },
        { "assessment", o->assessment, FEED_MAX_ASSESSMENT },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++)
        if (texts [i].text && strlen (texts [i].text) > texts [i].max)
            feed_add_issue (feed, row, texts [i].name, "too_long", "%s is %zu characters, over the limit of %zu",
                            texts [i].name, strlen (texts [i].text), texts [i].max);
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++)
        if (texts [i].text && !utf8_clean (texts [i].text))
            feed_add_issue (feed, row, texts [i].name, "bad_text",
                            "%s is not valid UTF-8 text (or holds control characters)", texts [i].name);
    if (feed->nissues > before)
        return false;
    for (size_t i = 0; i < 3; i++)
        if (s_empty (texts [i].text))
            feed_add_issue (feed, row, texts [i].name, "missing_field", "%s is required", texts [i].name);
    return feed->nissues == before;
}

//  The codes against the reference data, the period against the
//  element's frequency, and what the partner may send.  *de_out is the
//  data element when it is known.
static bool
s_check_codes (const intake_ref_t *ref, feed_t *feed, const char *partner, uint32_t row,
               const Carewatch__V1__Observation *o, intake_row_t *out, const de_info_t **de_out)
{
    size_t before = feed->nissues;
    const de_info_t *de = *de_out = intake_ref_data_element (ref, o->data_element);
    if (!de)
        feed_add_issue (feed, row, "data_element", "unknown_data_element",
                        "data element '%s' is not in the catalogue", o->data_element);
    if (!intake_ref_has_org_unit (ref, o->org_unit))
        feed_add_issue (feed, row, "org_unit", "unknown_org_unit", "org unit '%s' is not known", o->org_unit);
    out->breakdown = s_empty (o->breakdown) ? "total" : o->breakdown;
    if (!intake_ref_has_breakdown (ref, out->breakdown))
        feed_add_issue (feed, row, "breakdown", "unknown_breakdown", "breakdown '%s' is not known", out->breakdown);
    char perr [128];
    if (period_parse (o->period, &out->period, perr, sizeof perr))
        feed_add_issue (feed, row, "period", "bad_period", "period '%s': %s", o->period, perr);
    else {
        period_format (&out->period, out->period_code, sizeof out->period_code);
        if (de && out->period.type != de->frequency)
            feed_add_issue (feed, row, "period", "period_frequency",
                            "period '%s' is a %s; %s is reported by %s", o->period,
                            period_type_name (out->period.type), o->data_element,
                            period_type_name (de->frequency));
    }
    if (feed->nissues > before)
        return false;
    if (!intake_ref_may_send (ref, partner, o->data_element)) {
        feed_add_issue (feed, row, "data_element", "not_permitted",
                        "partner '%s' may not send %s", partner, o->data_element);
        return false;
    }
    if (!intake_ref_permits (ref, partner, o->data_element, o->org_unit)) {
        feed_add_issue (feed, row, "org_unit", "not_permitted",
                        "partner '%s' may not send %s for %s", partner, o->data_element, o->org_unit);
        return false;
    }
    return true;
}

//  Status and its companions (a snapshot's date, a not_available row's
//  reason).  Returns whether the row is not_available.
static bool
s_check_status (feed_t *feed, uint32_t row, const Carewatch__V1__Observation *o, intake_row_t *out)
{
    const char *status = s_empty (o->status) ? "final" : o->status;
    bool not_available = strcmp (status, "not_available") == 0;
    if (strcmp (status, "final") && strcmp (status, "provisional") && !not_available
    &&  strcmp (status, "snapshot"))
        feed_add_issue (feed, row, "status", "bad_status",
                        "status '%s' is not final, provisional, not_available or snapshot", status);
    out->snapshot = 0;
    if (strcmp (status, "snapshot") == 0) {
        period_t d;
        char perr [128];
        if (s_empty (o->snapshot_date) || period_parse (o->snapshot_date, &d, perr, sizeof perr)
        ||  d.type != PERIOD_SNAPSHOT)
            feed_add_issue (feed, row, "snapshot_date", "bad_snapshot_date",
                            "a snapshot needs snapshot_date as YYYY-MM-DD");
        else
            out->snapshot = d.start;
    }
    if (not_available && s_empty (o->note))
        feed_add_issue (feed, row, "note", "missing_note",
                        "not_available needs the reason in note (not yet published, in arrears, suppressed)");
    return not_available;
}

//  Every number finite and not negative.
static void
s_check_numbers (feed_t *feed, uint32_t row, const Carewatch__V1__Observation *o)
{
    const struct { const char *name; bool has; double v; } nums [] = {
        { "numerator", o->has_numerator, o->numerator },
        { "denominator", o->has_denominator, o->denominator },
        { "value", o->has_value, o->value },
        { "ci_low", o->has_ci, o->ci_low },
        { "ci_high", o->has_ci, o->ci_high },
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums [0]; i++) {
        if (!nums [i].has)
            continue;
        if (!isfinite (nums [i].v))
            feed_add_issue (feed, row, nums [i].name, "not_finite", "%s is not a finite number", nums [i].name);
        else if (nums [i].v < 0)
            feed_add_issue (feed, row, nums [i].name, "negative_number", "%s is %g; it cannot be negative",
                            nums [i].name, nums [i].v);
    }
}

//  The figures the element's kind takes (a fraction, or a value), and an
//  interval that holds its value.
static void
s_check_figures (feed_t *feed, uint32_t row, const Carewatch__V1__Observation *o, const de_info_t *de,
                 bool not_available)
{
    size_t before = feed->nissues;
    bool fraction = o->has_numerator || o->has_denominator;
    if (not_available) {
        if (fraction || o->has_value)
            feed_add_issue (feed, row, o->has_value ? "value" : "numerator", "value_not_allowed",
                            "a not_available row carries no figures");
    }
    else if (de->kind == DE_FRACTION) {
        //  Numerator and denominator, or the figure as published (a
        //  report that prints "84.94%" and not its counts), not both.
        if (o->has_value && fraction)
            feed_add_issue (feed, row, "value", "value_not_allowed",
                            "%s takes numerator and denominator, or a published value, not both", o->data_element);
        else if (o->has_value) {
            if (de->percent && o->value > 100)
                feed_add_issue (feed, row, "value", "percent_out_of_range",
                                "value %g is a percentage outside 0-100", o->value);
        }
        else if (!o->has_numerator || !o->has_denominator)
            feed_add_issue (feed, row, o->has_numerator ? "denominator" : "numerator", "missing_value",
                            "%s needs both numerator and denominator", o->data_element);
        else if (o->denominator == 0)
            feed_add_issue (feed, row, "denominator", "zero_denominator", "denominator must be greater than 0");
        else if (de->percent && o->numerator > o->denominator)
            feed_add_issue (feed, row, "numerator", "numerator_over_denominator",
                            "numerator %g is greater than denominator %g for a proportion",
                            o->numerator, o->denominator);
    }
    else {
        if (fraction)
            feed_add_issue (feed, row, o->has_numerator ? "numerator" : "denominator", "fraction_not_allowed",
                            "%s takes value, not numerator and denominator", o->data_element);
        else if (!o->has_value)
            feed_add_issue (feed, row, "value", "missing_value", "%s needs a value", o->data_element);
        else if (de->percent && o->value > 100)
            feed_add_issue (feed, row, "value", "percent_out_of_range",
                            "value %g is a percentage outside 0-100", o->value);
    }
    if (o->has_ci && feed->nissues == before) {
        if (o->ci_low > o->ci_high)
            feed_add_issue (feed, row, "ci_low", "bad_interval", "ci_low %g is above ci_high %g",
                            o->ci_low, o->ci_high);
        else if (o->has_value && (o->value < o->ci_low || o->value > o->ci_high))
            feed_add_issue (feed, row, "value", "bad_interval", "value %g lies outside its interval %g-%g",
                            o->value, o->ci_low, o->ci_high);
    }
}

//  One row's checks; returns false when any found an error.
static bool
s_check_row (const intake_ref_t *ref, feed_t *feed, const char *partner, uint32_t row,
             Carewatch__V1__Observation *o, intake_row_t *out)
{
    size_t before = feed->nissues;
    const de_info_t *de = NULL;
    if (!s_check_texts (feed, row, o) || !s_check_codes (ref, feed, partner, row, o, out, &de))
        return false;
    bool not_available = s_check_status (feed, row, o, out);
    s_check_numbers (feed, row, o);
    if (feed->nissues > before)
        return false;
    s_check_figures (feed, row, o, de, not_available);
    return feed->nissues == before;
}

size_t
intake_validate_rows (const intake_ref_t *ref, feed_t *feed, intake_row_t *rows)
{
    Carewatch__V1__SubmitBatch *b = feed->batch;
    zhashx_t *seen = zhashx_new ();
    size_t nbad = 0;
    char key [FEED_MAX_CODE * 3 + PERIOD_CODE_MAX + 8];
    for (size_t i = 0; i < b->n_observations; i++) {
        uint32_t row = (uint32_t) i + 1;
        memset (&rows [i], 0, sizeof rows [i]);
        if (!feed->bad [i] && !s_check_row (ref, feed, b->partner, row, b->observations [i], &rows [i]))
            feed->bad [i] = true;
        if (feed->bad [i]) {
            nbad++;
            continue;
        }
        Carewatch__V1__Observation *o = b->observations [i];
        snprintf (key, sizeof key, "%s\x1f%s\x1f%s\x1f%s", o->data_element, o->org_unit,
                  rows [i].period_code, rows [i].breakdown);
        uintptr_t first = (uintptr_t) zhashx_lookup (seen, key);
        if (first) {
            feed_add_issue (feed, row, "data_element", "duplicate_key",
                            "same data_element, org_unit, period and breakdown as row %zu", (size_t) first);
            feed->bad [i] = true;
            nbad++;
        }
        else
            zhashx_insert (seen, key, (void *) (uintptr_t) row);
    }
    zhashx_destroy (&seen);
    return nbad;
}

size_t
intake_warn_rows (const intake_ref_t *ref, const feed_t *feed, const intake_row_t *rows,
                  intake_warn_fn *warn, void *arg)
{
    const Carewatch__V1__SubmitBatch *b = feed->batch;
    zhashx_t *seen = zhashx_new ();     //  "org\x1fperiod\x1fvalue" -> first row
    size_t found = 0;
    char key [FEED_MAX_CODE + PERIOD_CODE_MAX + 40], msg [256];
    for (size_t i = 0; i < b->n_observations; i++) {
        if (feed->bad [i] || !b->observations [i]->has_value)
            continue;
        const Carewatch__V1__Observation *o = b->observations [i];
        const de_info_t *de = intake_ref_data_element (ref, o->data_element);
        uint32_t row = (uint32_t) i + 1;
        if (de && de->percent_like && !de->percent && o->value > 100) {
            snprintf (msg, sizeof msg, "%g is a percentage above 100; kept as published", o->value);
            warn (arg, row, "value", "percent_over_100", msg);
            found++;
        }
        if (o->value == 0)
            continue;
        snprintf (key, sizeof key, "%s\x1f%s\x1f%.17g", o->org_unit, rows [i].period_code, o->value);
        uintptr_t first = (uintptr_t) zhashx_lookup (seen, key);
        if (!first) {
            zhashx_insert (seen, key, (void *) (uintptr_t) row);
            continue;
        }
        const Carewatch__V1__Observation *other = b->observations [first - 1];
        if (strcmp (other->data_element, o->data_element) && strcmp (rows [first - 1].breakdown, rows [i].breakdown) == 0) {
            snprintf (msg, sizeof msg, "%g for %s is the same figure as row %zu (%s) for the same org unit and"
                      " period; was it copied?", o->value, o->data_element, (size_t) first, other->data_element);
            warn (arg, row, "value", "same_as_other_element", msg);
            found++;
        }
    }
    zhashx_destroy (&seen);
    return found;
}
