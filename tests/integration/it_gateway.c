/*  Gateway end to end over real HTTP: batches in (JSON, CSV, rows a
    partner may not send), receipts, the reports once calc has caught up
    (JSON, CSV, FHIR, HTML), every route of the route table answering its
    role, every (path, method) in docs/openapi.yaml routed, Prometheus
    metrics, and 503 with readyz naming export when export is stopped.
    Errors and role boundaries are in it_gateway_security.c.  */
#include "gateway_util.h"

//  A JSON batch body for dmbc-corp (a new string).
static char *
s_batch (const char *batch_key, json_t *observations)
{
    json_t *doc = json_pack ("{s:s, s:o}", "batch_key", batch_key, "observations", observations);
    char *text = json_dumps (doc, JSON_COMPACT);
    json_decref (doc);
    return text;
}

//  The row of indicator in a scorecard document, or NULL.
static json_t *
s_scorecard_row (json_t *doc, const char *indicator)
{
    size_t i, j;
    json_t *g, *row;
    json_array_foreach (json_object_get (doc, "groups"), i, g)
        json_array_foreach (json_object_get (g, "rows"), j, row)
            if (strcmp (json_string_value (json_object_get (row, "indicator")) ?: "", indicator) == 0)
                return row;
    return NULL;
}

//  The value of a metric sample line "name value" (name with its labels),
//  or -1 when absent.
static double
s_metric (const char *text, const char *name)
{
    size_t n = strlen (name);
    for (const char *line = text; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
        if (strncmp (line, name, n) == 0 && line [n] == ' ')
            return atof (line + n + 1);
    return -1;
}

static long long
s_int (json_t *doc, const char *key)
{
    return json_integer_value (json_object_get (doc, key));
}

static const char *
s_str (json_t *doc, const char *key)
{
    return json_string_value (json_object_get (doc, key)) ?: "(none)";
}

// ---------------------------------------------------------------------

//  Batches: JSON, its replay, CSV, rows another partner owns.  Returns the
//  seed batch's id.
static long long
s_batches (gw_keys_t *k)
{
    char *seed = gw_seed_batch ("gw-seed", "exception report referred to the Service Director");
    gw_resp_t r = gw_post ("/v1/batches", k->dmbc, "application/json", seed);
    CHECK_INT (r.status, 200);
    CHECK_CONTAINS (r.ctype, "application/json");
    json_t *j = gw_json (&r);
    long long id = s_int (j, "batch_id");
    CHECK (id > 0);
    CHECK_STR (s_str (j, "status"), "committed");
    CHECK_INT (s_int (j, "accepted"), 3);
    CHECK_INT (s_int (j, "new"), 3);
    CHECK_INT (json_array_size (json_object_get (j, "errors")), 0);
    json_decref (j);
    gw_free (&r);

    //  The same batch again is a replay: nothing written, same id.
    r = gw_post ("/v1/batches", k->dmbc, "application/json", seed);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK (json_is_true (json_object_get (j, "replayed")));
    CHECK_INT (s_int (j, "batch_id"), id);
    json_decref (j);
    gw_free (&r);
    free (seed);

    //  CSV with its key in X-Batch-Key.
    const char *hdr [] = { "X-Batch-Key: gw-csv-1", NULL };
    const char *csv = "data_element,org_unit,period,value\r\npi-2260,dudley,FY2022-23Q2,8.4\r\n";
    r = gw_send ("POST", "/v1/batches", k->dmbc, "text/csv", csv, strlen (csv), hdr);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_STR (s_str (j, "status"), "committed");
    CHECK_STR (s_str (j, "batch_key"), "gw-csv-1");
    CHECK_INT (s_int (j, "accepted"), 1);
    json_decref (j);
    gw_free (&r);

    //  Rows for another partner's data element and for an org unit outside
    //  dmbc-corp's scope are rejected as not_permitted; the good row lands.
    char *mixed = s_batch ("gw-mixed", json_pack ("[{s:s, s:s, s:s, s:f}, {s:s, s:s, s:s, s:i, s:i},"
                                                  " {s:s, s:s, s:s, s:i}]",
        "data_element", "pi-2260", "org_unit", "dudley", "period", "FY2022-23Q1", "value", 11.5,
        "data_element", "htn-treated-to-target", "org_unit", "syn-p01", "period", "FY2024-25",
        "numerator", 700, "denominator", 1000,
        "data_element", "pi-2257", "org_unit", "pcn-brierley-hill", "period", "FY2022-23Q2", "value", 1));
    r = gw_post ("/v1/batches", k->dmbc, "application/json", mixed);
    free (mixed);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_STR (s_str (j, "status"), "committed");
    CHECK_INT (s_int (j, "accepted"), 1);
    CHECK_INT (s_int (j, "rejected"), 2);
    json_t *errors = json_object_get (j, "errors");
    CHECK_INT (json_array_size (errors), 2);
    for (size_t i = 0; i < json_array_size (errors); i++) {
        json_t *e = json_array_get (errors, i);
        CHECK_STR (s_str (e, "code"), "not_permitted");
        CHECK_INT (s_int (e, "row"), (long long) i + 2);
    }
    CHECK_STR (s_str (json_array_get (errors, 0), "field"), "data_element");
    CHECK_STR (s_str (json_array_get (errors, 1), "field"), "org_unit");
    json_decref (j);
    gw_free (&r);

    //  The receipt, for its owner and for readers and admins.
    char path [64];
    snprintf (path, sizeof path, "/v1/batches/%lld", id);
    const char *who [] = { k->dmbc, k->reader, k->admin };
    for (int i = 0; i < 3; i++) {
        r = gw_get (path, who [i]);
        CHECK_INT (r.status, 200);
        j = gw_json (&r);
        CHECK_STR (s_str (j, "partner"), "dmbc-corp");
        json_t *receipt = json_object_get (j, "receipt");
        CHECK (json_is_object (receipt));
        CHECK_INT (s_int (receipt, "batch_id"), id);
        CHECK_STR (s_str (receipt, "batch_key"), "gw-seed");
        CHECK_INT (s_int (receipt, "accepted"), 3);
        json_decref (j);
        gw_free (&r);
    }
    return id;
}

//  The reports, once calc has made the values.
static void
s_reports (gw_keys_t *k)
{
    //  Values, as calc computed them.
    gw_resp_t r = gw_get ("/v1/indicators/pi-2257/values?org_unit=dudley&from=FY2022-23Q2&to=FY2022-23Q2", k->reader);
    CHECK_INT (r.status, 200);
    json_t *j = gw_json (&r);
    CHECK_INT (json_array_size (j), 1);
    json_t *v = json_array_get (j, 0);
    CHECK_STR (s_str (v, "period"), "FY2022-23Q2");
    CHECK_NEAR (json_number_value (json_object_get (v, "value")), 6000, 1e-9);
    CHECK_STR (s_str (v, "status"), "below_target");
    CHECK_STR (s_str (v, "note"), "exception report referred to the Service Director");
    json_decref (j);
    gw_free (&r);

    //  Scorecard, JSON.
    r = gw_get ("/v1/scorecards/FY2022-23Q2?format=json", k->reader);
    CHECK_INT (r.status, 200);
    CHECK_CONTAINS (r.ctype, "application/json");
    j = gw_json (&r);
    CHECK_STR (s_str (j, "report"), "scorecard");
    json_t *row = s_scorecard_row (j, "pi-2257");
    CHECK (row != NULL);
    if (row) {
        CHECK_NEAR (json_number_value (json_object_get (json_object_get (row, "current"), "value")), 6000, 1e-9);
        CHECK_NEAR (json_number_value (json_object_get (json_object_get (row, "previous"), "value")), 135000, 1e-9);
        CHECK_NEAR (json_number_value (json_object_get (json_object_get (row, "last_year"), "value")), 410400, 1e-9);
        CHECK_STR (s_str (row, "status"), "below_target");
        CHECK_STR (s_str (row, "short_trend"), "worsening");
        CHECK_STR (s_str (row, "annual_trend"), "worsening");
    }
    json_decref (j);
    gw_free (&r);

    //  CSV: the row is there, with its figures.
    r = gw_get ("/v1/scorecards/FY2022-23Q2?format=csv", k->reader);
    CHECK_INT (r.status, 200);
    CHECK (strncmp (r.ctype, "text/csv", 8) == 0);
    CHECK (strncmp (r.body, "domain,indicator,name,owner,unit,last_year_period,last_year_value,previous_period,"
                    "previous_value,current_period,current_value,target,status,short_trend,annual_trend,", 165) == 0);
    char *line = strstr (r.body, ",pi-2257,");
    CHECK (line != NULL);
    if (line) {
        char *end = strstr (line, "\r\n");
        if (end)
            *end = '\0';
        CHECK_CONTAINS (line, ",FY2021-22Q2,410400,FY2022-23Q1,135000,FY2022-23Q2,6000,");
        CHECK_CONTAINS (line, ",below_target,worsening,worsening,");
    }
    gw_free (&r);

    //  FHIR: a Bundle with pi-2257's MeasureReport.
    r = gw_get ("/v1/scorecards/FY2022-23Q2?format=fhir", k->reader);
    CHECK_INT (r.status, 200);
    CHECK_CONTAINS (r.ctype, "fhir+json");
    j = gw_json (&r);
    CHECK_STR (s_str (j, "resourceType"), "Bundle");
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach (json_object_get (j, "entry"), i, e) {
        json_t *res = json_object_get (e, "resource");
        const char *measure = s_str (res, "measure");
        size_t n = strlen (measure);
        if (strcmp (s_str (res, "resourceType"), "MeasureReport") == 0 && n > 16
        &&  strcmp (measure + n - 16, "/Measure/pi-2257") == 0)
            found = true;
    }
    CHECK (found);
    json_decref (j);
    gw_free (&r);

    //  HTML.
    r = gw_get ("/v1/scorecards/FY2022-23Q2?format=html", k->sub_a);
    CHECK_INT (r.status, 200);
    CHECK (strncmp (r.ctype, "text/html", 9) == 0);
    CHECK_CONTAINS (r.body, "pi-2257");
    gw_free (&r);

    //  Exceptions: pi-2257 with its last periods, oldest first.
    r = gw_get ("/v1/exceptions/FY2022-23Q2", k->admin);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    json_t *item = NULL;
    json_array_foreach (json_object_get (j, "items"), i, e)
        if (strcmp (s_str (e, "indicator"), "pi-2257") == 0)
            item = e;
    CHECK (item != NULL);
    if (item) {
        json_t *last = json_object_get (item, "last_periods");
        CHECK (json_array_size (last) >= 2);
        json_t *newest = json_array_get (last, json_array_size (last) - 1);
        CHECK_STR (s_str (newest, "period"), "FY2022-23Q2");
        CHECK_NEAR (json_number_value (json_object_get (newest, "value")), 6000, 1e-9);
        CHECK_CONTAINS (json_string_value (json_array_get (json_object_get (item, "commentary"), 0)),
                        "Service Director");
    }
    json_decref (j);
    gw_free (&r);

    r = gw_get ("/v1/progress", k->reader);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_STR (s_str (j, "report"), "progress");
    json_decref (j);
    gw_free (&r);

    r = gw_get ("/v1/indicators/pi-2257/report?format=html", k->reader);
    CHECK_INT (r.status, 200);
    CHECK (strncmp (r.ctype, "text/html", 9) == 0);
    CHECK_CONTAINS (r.body, "pi-2257");
    gw_free (&r);
    r = gw_get ("/v1/indicators/pi-2257/report?format=json&period=FY2022-23Q2", k->reader);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_STR (s_str (json_object_get (j, "indicator"), "code"), "pi-2257");
    CHECK (json_array_size (json_object_get (j, "series")) >= 3);
    json_decref (j);
    gw_free (&r);
}

//  The catalogue, alerts, silences and subscriptions, each by a role the
//  route table lets in.
static void
s_routes (gw_keys_t *k)
{
    GW_EXPECT_STATUS (200, "GET", "/healthz", NULL);
    gw_resp_t r = gw_get ("/readyz", NULL);
    CHECK_INT (r.status, 200);
    json_t *j = gw_json (&r);
    CHECK_STR (s_str (j, "status"), "ready");
    const char *checks [] = { "database", "intake", "calc", "alert", "export" };
    for (int i = 0; i < 5; i++)
        CHECK_STR (s_str (json_object_get (j, "checks"), checks [i]), "ok");
    json_decref (j);
    gw_free (&r);

    //  The catalogue, filtered.
    r = gw_get ("/v1/indicators?owner=Public%20Health%20and%20Wellbeing%20(Trading%20Standards)", k->sub_a);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach (j, i, e) {
        found = found || strcmp (s_str (e, "code"), "pi-2257") == 0;
        CHECK_STR (s_str (e, "owner"), "Public Health and Wellbeing (Trading Standards)");
    }
    CHECK (found);
    json_decref (j);
    gw_free (&r);
    r = gw_get ("/v1/indicators/pi-2257", k->reader);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK (json_array_size (json_object_get (j, "targets")) >= 1);
    CHECK_STR (s_str (json_array_get (json_object_get (j, "targets"), 0), "kind"), "min");
    json_decref (j);
    gw_free (&r);
    GW_EXPECT_STATUS (200, "GET", "/v1/indicators/pi-2257/values", k->admin);

    //  Alerts: calc said below target, so alert fires off_target for it.
    bool firing = false;
    for (long long deadline = harness_now_ms () + 15000; !firing && harness_now_ms () < deadline; ) {
        r = gw_get ("/v1/alerts?state=firing", k->reader);
        CHECK_INT (r.status, 200);
        j = gw_json (&r);
        json_array_foreach (j, i, e)
            firing = firing || (strcmp (s_str (e, "rule"), "off_target") == 0
                             && strcmp (s_str (e, "indicator"), "pi-2257") == 0
                             && strcmp (s_str (e, "state"), "firing") == 0);
        json_decref (j);
        gw_free (&r);
        if (!firing)
            usleep (100000);
    }
    CHECK (firing);
    GW_EXPECT_STATUS (200, "GET", "/v1/alerts?state=resolved", k->sub_a);

    //  Silences, by a subscriber and by an admin.
    const char *who [] = { k->sub_a, k->admin };
    for (int n = 0; n < 2; n++) {
        r = gw_post_json ("/v1/silences", who [n], json_pack ("{s:s, s:s, s:s}", "matcher", "off_target/pi-2257/*",
                          "until", "2099-01-01T00:00:00Z", "reason", "known: scams team restructure"));
        CHECK_INT (r.status, 201);
        j = gw_json (&r);
        CHECK (s_int (j, "id") > 0);
        CHECK_STR (s_str (j, "matcher"), "off_target/pi-2257/*");
        CHECK_STR (s_str (j, "created_by"), n == 0 ? "sub-alice" : "ops");
        json_decref (j);
        gw_free (&r);
    }

    //  Subscriptions: a subscriber's own, then an admin's for someone.
    r = gw_post_json ("/v1/subscriptions", k->sub_a, json_pack ("{s:s, s:s, s:{s:[s]}}",
                      "url", "http://127.0.0.1:9/hook", "secret", "alice-webhook-secret-0123456789",
                      "filter", "indicators", "no-such-indicator"));
    CHECK_INT (r.status, 201);
    j = gw_json (&r);
    long long sid = s_int (j, "id");
    CHECK (sid > 0);
    CHECK_STR (s_str (j, "subscriber"), "sub-alice");
    CHECK_STR (s_str (j, "channel"), "webhook");
    json_decref (j);
    gw_free (&r);
    r = gw_post_json ("/v1/subscriptions", k->admin, json_pack ("{s:s, s:s}", "subscriber", "ops-team",
                      "channel", "zmq"));
    CHECK_INT (r.status, 201);
    j = gw_json (&r);
    CHECK_STR (s_str (j, "subscriber"), "ops-team");
    CHECK_STR (s_str (j, "channel"), "zmq");
    json_decref (j);
    gw_free (&r);

    //  Alice sees hers only; the admin sees both.
    r = gw_get ("/v1/subscriptions", k->sub_a);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_INT (json_array_size (j), 1);
    CHECK_INT (s_int (json_array_get (j, 0), "id"), sid);
    json_decref (j);
    gw_free (&r);
    r = gw_get ("/v1/subscriptions", k->admin);
    j = gw_json (&r);
    CHECK_INT (json_array_size (j), 2);
    json_decref (j);
    gw_free (&r);

    char path [64];
    snprintf (path, sizeof path, "/v1/subscriptions/%lld", sid);
    r = gw_send ("DELETE", path, k->sub_a, NULL, NULL, 0, NULL);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_INT (s_int (j, "id"), sid);
    CHECK (json_is_true (json_object_get (j, "deleted")));
    json_decref (j);
    gw_free (&r);
    //  Gone: not listed, and a second delete finds nothing.
    r = gw_get ("/v1/subscriptions", k->sub_a);
    j = gw_json (&r);
    CHECK_INT (json_array_size (j), 0);
    json_decref (j);
    gw_free (&r);
    GW_EXPECT (404, "DELETE", path, k->sub_a);
}

//  /metrics is Prometheus text with the counters.
static void
s_metrics (gw_keys_t *k)
{
    const char *who [] = { k->reader, k->admin };
    for (int n = 0; n < 2; n++) {
        gw_resp_t r = gw_get ("/metrics", who [n]);
        CHECK_INT (r.status, 200);
        CHECK (strncmp (r.ctype, "text/plain", 10) == 0);
        CHECK_CONTAINS (r.body, "# TYPE carewatch_batches_total counter\n");
        CHECK_CONTAINS (r.body, "# TYPE carewatch_http_requests_total counter\n");
        CHECK_CONTAINS (r.body, "# TYPE carewatch_http_request_seconds histogram\n");
        //  Three batches committed (the replay is not a new one).
        CHECK_NEAR (s_metric (r.body, "carewatch_batches_total"), 3, 0);
        CHECK (s_metric (r.body, "carewatch_http_requests_total{class=\"2xx\"}") >= 20);
        CHECK (s_metric (r.body, "carewatch_http_requests_total{class=\"4xx\"}") >= 1);
        double inf = s_metric (r.body, "carewatch_http_request_seconds_bucket{le=\"+Inf\"}");
        CHECK (inf >= 20);
        CHECK_NEAR (s_metric (r.body, "carewatch_http_request_seconds_count"), inf, 0);
        CHECK (s_metric (r.body, "carewatch_http_request_seconds_bucket{le=\"0.001\"}") >= 0);
        CHECK (s_metric (r.body, "carewatch_http_request_seconds_bucket{le=\"0.001\"}") <= inf);
        CHECK (s_metric (r.body, "carewatch_rows_accepted_total") >= 5);
        gw_free (&r);
    }
}

//  Every (path, method) of docs/openapi.yaml reaches a handler and
//  succeeds with a suitable key; the document lists exactly the routes of
//  the route table.
static void
s_openapi (gw_keys_t *k, long long batch_id)
{
    char file [1024];
    snprintf (file, sizeof file, "%s/docs/openapi.yaml", getenv ("CAREWATCH_SOURCE_DIR") ?: "..");
    FILE *f = fopen (file, "r");
    CHECK (f != NULL);
    if (!f)
        return;
    static const char *want [] = {
        "get /healthz", "get /readyz", "get /metrics", "post /v1/batches", "get /v1/batches/{id}",
        "get /v1/indicators", "get /v1/indicators/{code}", "get /v1/indicators/{code}/values",
        "get /v1/indicators/{code}/report", "get /v1/scorecards/{period}", "get /v1/progress",
        "get /v1/exceptions/{period}", "get /v1/alerts", "post /v1/silences", "get /v1/subscriptions",
        "post /v1/subscriptions", "delete /v1/subscriptions/{id}",
    };
    const size_t nwant = sizeof want / sizeof want [0];
    char line [1024], path [512] = "", seen [32][600];
    bool in_paths = false;
    size_t nseen = 0;
    while (fgets (line, sizeof line, f)) {
        line [strcspn (line, "\r\n")] = '\0';
        if (line [0] && line [0] != ' ' && line [0] != '#') {
            in_paths = strcmp (line, "paths:") == 0;
            continue;
        }
        if (!in_paths)
            continue;
        size_t n = strlen (line);
        if (strncmp (line, "  /", 3) == 0 && n > 3 && line [n - 1] == ':') {
            snprintf (path, sizeof path, "%.*s", (int) (n - 3), line + 2);
            continue;
        }
        const char *methods [] = { "get", "post", "delete" };
        for (int m = 0; m < 3; m++) {
            char key [16];
            snprintf (key, sizeof key, "    %s:", methods [m]);
            if (strcmp (line, key) || !*path)
                continue;
            if (nseen < 32)
                snprintf (seen [nseen++], sizeof seen [0], "%s %s", methods [m], path);

            //  Fill the path parameters with real values.
            char url [1024] = "", *o = url;
            for (const char *p = path; *p && o < url + sizeof url - 64; ) {
                if (strncmp (p, "{id}", 4) == 0 && strncmp (path, "/v1/batches", 11) == 0)
                    o += sprintf (o, "%lld", batch_id), p += 4;
                else if (strncmp (p, "{id}", 4) == 0) {
                    //  A subscription of its own to delete.
                    gw_resp_t s = gw_post_json ("/v1/subscriptions", k->admin,
                                                json_pack ("{s:s, s:s}", "subscriber", "openapi", "channel", "zmq"));
                    json_t *j = gw_json (&s);
                    o += sprintf (o, "%lld", s_int (j, "id")), p += 4;
                    json_decref (j);
                    gw_free (&s);
                }
                else if (strncmp (p, "{code}", 6) == 0)
                    o += sprintf (o, "pi-2257"), p += 6;
                else if (strncmp (p, "{period}", 8) == 0)
                    o += sprintf (o, "FY2022-23Q2"), p += 8;
                else
                    *o++ = *p++;
            }
            *o = '\0';
            CHECK (!strchr (url, '{'));
            gw_resp_t r;
            if (strcmp (path, "/v1/batches") == 0) {
                char *seed = gw_seed_batch ("gw-seed", "exception report referred to the Service Director");
                r = gw_post (url, k->dmbc, "application/json", seed);
                free (seed);
            }
            else if (strcmp (path, "/v1/silences") == 0)
                r = gw_post_json (url, k->admin, json_pack ("{s:s, s:s, s:s}", "matcher", "data_missing/*",
                                  "until", "2099-01-01T00:00:00Z", "reason", "openapi walk"));
            else if (strcmp (path, "/v1/subscriptions") == 0 && m == 1)
                r = gw_post_json (url, k->admin, json_pack ("{s:s}", "subscriber", "openapi"));
            else
                r = gw_send (m == 0 ? "GET" : m == 1 ? "POST" : "DELETE", url, k->admin, NULL, NULL, 0, NULL);
            json_t *j = strncmp (r.ctype, "application/problem+json", 24) == 0 ? gw_json (&r) : NULL;
            const char *detail = json_string_value (json_object_get (j, "detail"));
            check_count++;
            if (r.status == 404 && detail && strncmp (detail, "no route", 8) == 0) {
                check_failures++;
                fprintf (stderr, "openapi: %s %s is not routed: %s\n", methods [m], url, detail);
            }
            check_count++;
            if (r.status < 200 || r.status > 201) {
                check_failures++;
                fprintf (stderr, "openapi: %s %s = %ld %s\n", methods [m], url, r.status, r.body);
            }
            json_decref (j);
            gw_free (&r);
        }
    }
    fclose (f);
    CHECK_INT (nseen, nwant);
    for (size_t i = 0; i < nwant; i++) {
        bool listed = false;
        for (size_t s = 0; s < nseen; s++)
            listed = listed || strcmp (seen [s], want [i]) == 0;
        check_count++;
        if (!listed) {
            check_failures++;
            fprintf (stderr, "openapi: %s is routed but not in docs/openapi.yaml\n", want [i]);
        }
    }
}

//  export stopped: reports answer 503 within the gateway timeout, readyz
//  names export, and the rest goes on.
static void
s_export_down (harness_t *h, gw_keys_t *k)
{
    CHECK_INT (harness_stop (h, "export", SIGTERM, 10000), 0);
    gw_resp_t r = gw_get ("/v1/scorecards/FY2022-23Q2?format=json", k->reader);
    GW_CHECK_PROBLEM (r, 503);
    CHECK_CONTAINS (r.body, "export");
    CHECK (r.ms >= 1500 && r.ms < 3000);
    gw_free (&r);
    r = gw_get ("/readyz", NULL);
    CHECK_INT (r.status, 503);
    json_t *j = gw_json (&r);
    CHECK_STR (s_str (j, "status"), "not ready");
    CHECK_STR (s_str (json_object_get (j, "checks"), "export"), "down");
    CHECK_STR (s_str (json_object_get (j, "checks"), "intake"), "ok");
    CHECK_STR (s_str (json_object_get (j, "checks"), "database"), "ok");
    json_decref (j);
    gw_free (&r);
    //  What does not need export still answers.
    GW_EXPECT_STATUS (200, "GET", "/v1/indicators/pi-2257/values", k->reader);
}

//  Benchmarks computed and published (issue 14): a row that brings its
//  95% interval gets carewatch's own verdict by the Fingertips method
//  (the interval against England's value), shown beside the publisher's
//  with a flag where they differ; a row without an interval keeps the
//  published verdict.
static void
s_benchmark_sources (gw_keys_t *k)
{
    char key [APIKEY_LEN + 1], err [256];
    CHECK (apikey_create (gw_db, "partner", "ohid", "ohid feed", key, err, sizeof err) > 0);
    const char *feed =
        "{\"batch_key\": \"benchmarks\", \"observations\": ["
        " {\"data_element\": \"hi-nhs-health-check\", \"org_unit\": \"england\", \"period\": \"FY2019-20Q1\", \"value\": 1.85},"
        " {\"data_element\": \"hi-nhs-health-check\", \"org_unit\": \"england\", \"period\": \"FY2019-20Q2\", \"value\": 1.85},"
        " {\"data_element\": \"hi-nhs-health-check\", \"org_unit\": \"dudley\", \"period\": \"FY2019-20Q1\", \"value\": 3.16,"
        "  \"ci_low\": 3.0, \"ci_high\": 3.3, \"assessment\": \"better\"},"
        " {\"data_element\": \"hi-nhs-health-check\", \"org_unit\": \"dudley\", \"period\": \"FY2019-20Q2\", \"value\": 1.9,"
        "  \"ci_low\": 1.7, \"ci_high\": 2.1, \"assessment\": \"better\"},"
        " {\"data_element\": \"hi-nhs-health-check\", \"org_unit\": \"dudley\", \"period\": \"FY2019-20Q3\", \"value\": 2.5,"
        "  \"assessment\": \"worse\"}]}";
    gw_resp_t r = gw_post ("/v1/batches", key, "application/json", feed);
    CHECK_INT (r.status, 200);
    gw_free (&r);
    json_t *v = NULL;
    for (long long deadline = harness_now_ms () + 15000; harness_now_ms () < deadline; usleep (50000)) {
        json_decref (v);
        r = gw_get ("/v1/indicators/hi-nhs-health-check/values?from=FY2019-20Q1&to=FY2019-20Q3", k->reader);
        v = gw_json (&r);
        gw_free (&r);
        if (json_array_size (v) == 3)
            break;
    }
    CHECK_INT (json_array_size (v), 3);
    const struct { const char *benchmark, *source, *published; bool differs; } want [3] = {
        { "better", "computed", "better", false },      //  the interval is above England's 1.85
        { "similar", "computed", "better", true },      //  1.7-2.1 holds 1.85: not "better" by this method
        { "worse", "published", "worse", false },       //  no interval: the publisher's verdict
    };
    for (size_t i = 0; i < 3 && i < json_array_size (v); i++) {
        json_t *row = json_array_get (v, i);
        CHECK_STR (s_str (row, "benchmark"), want [i].benchmark);
        CHECK_STR (s_str (row, "benchmark_source"), want [i].source);
        CHECK_STR (s_str (row, "benchmark_published"), want [i].published);
        CHECK_INT (json_is_true (json_object_get (row, "benchmark_differs")), want [i].differs);
    }
    json_decref (v);
}

int
main (void)
{
    harness_t h;
    gw_keys_t k;
    if (gw_setup (&h, "gateway", &k)) {
        harness_cleanup (&h);
        return 1;
    }
    long long id = s_batches (&k);
    CHECK (gw_wait_values (k.reader, 3, 15000));
    s_reports (&k);
    s_routes (&k);
    s_openapi (&k, id);
    s_metrics (&k);
    s_benchmark_sources (&k);
    s_export_down (&h, &k);
    gw_teardown (&h);
    return check_done ("it_gateway");
}
