/*  fuzz_alert_filter: the JSON bodies of POST /v1/subscriptions and POST
    /v1/silences, read as gateway_routes.c reads them (json_loadb with
    JSON_REJECT_DUPLICATES, an object).  The subscription's "filter" goes
    through alert_filter_check, and then, as the alert engine later reads
    it back from the database, through alert_filter_matches against a
    few alerts.  A silence's "matcher" goes through alert_silence_matches.

    Checks: a filter that passes the check still passes, and matches the
    same alerts, after the trip through its stored text; an empty filter
    matches everything; a filter naming only the alert's own rule
    matches it.  The body may carry "facts" (an alert: rule, severity,
    indicator, domain, owner, org_unit, ancestors, partner) and "key" (a
    silence key) to vary the other side.  */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alert_filter.h"

#define S_CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)
#define S_MAX_ANCESTORS 8

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    json_object_seed (1);
    return 0;
}

static const char *const s_dudley_up [] = { "dudley", "black-country-icb", "west-midlands", "england" };
static const char *const s_none [] = { NULL };

static const alert_facts_t s_alerts [] = {
    { "off_target", "warning", "pi-2257", "Dudley the safe and healthy borough", "Public Health",
      "dudley", s_dudley_up + 1, 3, "" },
    { "deteriorating", "critical", "htn-treated-to-target-monthly", "Primary care", "GP practices",
      "high-oak-surgery", s_dudley_up, 4, "" },
    { "batch_rejected_rows", "info", "", "", "", "", s_none, 0, "gp-practices" },
};

static void
s_check_filter (json_t *filter, const alert_facts_t *facts, size_t nfacts)
{
    char err [256];
    err [0] = 0;
    bool ok = alert_filter_check (filter, err, sizeof err) == 0;
    S_CHECK (ok || (err [0] && strlen (err) < sizeof err));
    bool matched [8];
    for (size_t i = 0; i < nfacts; i++) {
        //  The engine only reads checked filters, but one odd row must
        //  not take it down either.
        matched [i] = alert_filter_matches (filter, &facts [i]);
        if (ok && json_object_size (filter) == 0)
            S_CHECK (matched [i]);
    }
    if (!ok)
        return;
    //  The gateway stores json_dumps (filter); the engine loads it back.
    char *text = json_dumps (filter, JSON_COMPACT);
    S_CHECK (text);
    json_t *stored = json_loads (text, JSON_REJECT_DUPLICATES, NULL);
    free (text);
    S_CHECK (stored && alert_filter_check (stored, err, sizeof err) == 0);
    for (size_t i = 0; i < nfacts; i++)
        S_CHECK (alert_filter_matches (stored, &facts [i]) == matched [i]);
    json_decref (stored);
    //  Adding the alert's own rule to a filter without rules changes nothing
    if (json_object_get (filter, "rules"))
        return;
    for (size_t i = 0; i < sizeof s_alerts / sizeof s_alerts [0]; i++) {
        json_t *narrow = json_deep_copy (filter);
        json_object_set_new (narrow, "rules", json_pack ("[s]", s_alerts [i].rule));
        S_CHECK (alert_filter_check (narrow, err, sizeof err) == 0);
        S_CHECK (alert_filter_matches (narrow, &s_alerts [i]) == matched [i]);
        json_decref (narrow);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *body = json_loadb ((const char *) data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!body || !json_is_object (body)) {
        json_decref (body);
        return 0;
    }
    alert_facts_t facts [4];
    size_t nfacts = sizeof s_alerts / sizeof s_alerts [0];
    memcpy (facts, s_alerts, sizeof s_alerts);
    const char *ancestors [S_MAX_ANCESTORS];
    json_t *f = json_object_get (body, "facts");
    if (json_is_object (f)) {
        alert_facts_t *x = &facts [nfacts++];
        x->rule = json_string_value (json_object_get (f, "rule"));
        x->severity = json_string_value (json_object_get (f, "severity"));
        x->indicator = json_string_value (json_object_get (f, "indicator"));
        x->domain = json_string_value (json_object_get (f, "domain"));
        x->owner = json_string_value (json_object_get (f, "owner"));
        x->org_unit = json_string_value (json_object_get (f, "org_unit"));
        x->partner = json_string_value (json_object_get (f, "partner"));
        x->nancestors = 0;
        json_t *a = json_object_get (f, "ancestors");
        for (size_t i = 0; i < json_array_size (a) && x->nancestors < S_MAX_ANCESTORS; i++)
            ancestors [x->nancestors++] = json_string_value (json_array_get (a, i));
        x->org_ancestors = ancestors;
    }

    //  POST /v1/subscriptions: no filter is the empty filter
    json_t *filter = json_object_get (body, "filter");
    json_t *empty = json_object ();
    s_check_filter (filter ? filter : empty, facts, nfacts);
    json_decref (empty);

    //  POST /v1/silences
    const char *matcher = json_string_value (json_object_get (body, "matcher"));
    if (matcher && strlen (matcher) <= 300) {
        const char *key = json_string_value (json_object_get (body, "key"));
        alert_silence_matches (matcher, "off_target/pi-2257/dudley/total");
        alert_silence_matches (matcher, "data_missing/htn-treated-to-target-monthly/high-oak-surgery/imd_q1");
        if (key)
            alert_silence_matches (matcher, key);
        S_CHECK (alert_silence_matches (matcher, matcher) || strpbrk (matcher, "*?[\\"));
    }
    json_decref (body);
    return 0;
}
