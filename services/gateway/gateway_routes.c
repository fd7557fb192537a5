/*  gateway_routes: the HTTP API and its route table (at the end of this
    file), which says for each route who may use it, where its handler
    runs and whether it takes a body.  Every /v1 route needs an API key
    (Authorization: Bearer ...) whose role the route lists; "own" rows
    (a partner's batches, a subscriber's subscriptions) are narrowed by
    the key in the handler.  /healthz and /readyz need no key.  A signed
    link (carewatch link) gives reader access to one GET until it
    expires, for browsers.  */
#include "gateway.h"
#include "gateway_store.h"
#include "web.h"
#include "log.h"
#include "period.h"
#include "receipt.h"
#include "utf8.h"
#include "subscription.h"

#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------
//  Batches

static unsigned int
s_receipt_status (const Carewatch__V1__BatchReceipt *r)
{
    if (strcmp (r->status, "refused") == 0 && r->n_errors) {
        const char *code = r->errors [0]->code;
        return strcmp (code, "batch_key_reused") == 0 ? 409 : strcmp (code, "batch_too_large") == 0 ? 413
             : strcmp (code, "unknown_partner") == 0 || strcmp (code, "partner_mismatch") == 0 ? 403 : strcmp (code, "database_unavailable") == 0 ? 503 : 400;
    }
    return strcmp (r->status, "rejected") == 0 ? 422 : 200;
}

static void
s_post_batch (gw_req_t *req)
{
    const char *type = gateway_header (req, "Content-Type");
    const char *format = NULL;
    if (type && strncmp (type, "application/json", 16) == 0)
        format = "json";
    else if (type && strncmp (type, "text/csv", 8) == 0)
        format = "csv";
    if (!format) {
        gateway_problem (req, 415, "Unsupported Media Type",
                         "send Content-Type application/json, or text/csv with an X-Batch-Key header");
        return;
    }
    const char *key = gateway_header (req, "X-Batch-Key");
    const char *atomic = gateway_header (req, "X-Batch-Atomic");
    if (key && (!utf8_clean (key) || strlen (key) > 200)) {
        gateway_problem (req, 400, "Bad Request", "X-Batch-Key must be up to 200 characters of UTF-8 text");
        return;
    }
    if (strcmp (format, "csv") == 0 && (!key || !*key)) {
        gateway_problem (req, 400, "Bad Request", "a CSV batch needs its batch key in the X-Batch-Key header");
        return;
    }
    Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
    f.partner = req->key.partner;
    f.format = (char *) format;
    f.content.data = (uint8_t *) (req->body ? req->body : "");
    f.content.len = req->len;
    f.batch_key = (char *) (key ? key : "");
    f.atomic = atomic && strcmp (atomic, "true") == 0;
    msg_t reply;
    if (gateway_call (req->gw, req->gw->cfg.intake_endpoint, &f.base, &reply, 0)) {
        gateway_problem (req, 503, "Service Unavailable", "intake did not answer in time; send the batch again"
                         " with the same key (it is idempotent)");
        return;
    }
    if (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor)) {
        Carewatch__V1__BatchReceipt *r = (Carewatch__V1__BatchReceipt *) reply.body;
        unsigned int st = s_receipt_status (r);
        json_t *receipt = receipt_json (r);
        if (st == 200)
            gateway_json (req, st, receipt);
        else {
            //  Errors are problem+json like every other (docs/openapi.yaml);
            //  the receipt, with every row issue, rides along.
            const char *title = st == 409 ? "Conflict" : st == 413 ? "Payload Too Large" : st == 422
                              ? "Unprocessable Entity" : st == 403 ? "Forbidden" : st == 503
                              ? "Service Unavailable" : "Bad Request";
            char detail [600];
            if (st == 422)
                snprintf (detail, sizeof detail, "the batch is atomic and has bad rows, so nothing was written;"
                          " fix the rows in receipt.errors and send it again");
            else
                snprintf (detail, sizeof detail, "%s", r->n_errors ? r->errors [0]->message : "the batch was refused");
            gateway_problem (req, st, title, "%s", detail);
            json_t *problem = json_loads (req->resp, 0, NULL);
            json_object_set_new (problem, "receipt", receipt);
            gateway_json (req, st, problem);
            req->content_type = "application/problem+json";
        }
    }
    else
        gateway_problem (req, 502, "Bad Gateway", "intake answered with %s", reply.type ? reply.type->name : "nothing");
    msg_clear (&reply);
}

static void
s_get_batch (gw_req_t *req, const char *id)
{
    char err [256];
    const char *p [2] = { id, strcmp (req->key.role, "partner") == 0 ? req->key.partner : NULL };
    if (!gateway_is_id (id)) {
        gateway_problem (req, 400, "Bad Request", "a batch id is a number");
        return;
    }
    PGresult *r = db_exec_stmt (gateway_db (req->gw), &gateway_get_batch_sql, p, DB_TUPLES, err, sizeof err);
    if (!r) {
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
        return;
    }
    if (PQntuples (r) == 0)
        gateway_problem (req, 404, "Not Found", "no batch %s%s", id, p [1] ? " from your partner" : "");
    else {
        json_t *receipt = json_loads (PQgetvalue (r, 0, 0), 0, NULL);
        gateway_json (req, 200, json_pack ("{s:s, s:s, s:o}", "partner", PQgetvalue (r, 0, 1),
                      "received_at", PQgetvalue (r, 0, 2), "receipt", receipt ? receipt : json_null ()));
    }
    PQclear (r);
}

// ---------------------------------------------------------------------
//  Catalogue and values

static void
s_rows_json (gw_req_t *req, const db_stmt_t *stmt, const char *const *p, bool single, const char *what)
{
    char err [256];
    PGresult *r = db_exec_stmt (gateway_db (req->gw), stmt, p, DB_TUPLES, err, sizeof err);
    if (!r) {
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
        return;
    }
    //  Each query returns one json column per row.
    if (single) {
        if (PQntuples (r) == 0)
            gateway_problem (req, 404, "Not Found", "%s", what);
        else
            gateway_json (req, 200, json_loads (PQgetvalue (r, 0, 0), 0, NULL));
    }
    else {
        json_t *a = json_array ();
        for (int i = 0; i < PQntuples (r); i++)
            json_array_append_new (a, json_loads (PQgetvalue (r, i, 0), 0, NULL));
        gateway_json (req, 200, a);
    }
    PQclear (r);
}

static void
s_values (gw_req_t *req, const char *code)
{
    const char *from = gateway_arg (req, "from"), *to = gateway_arg (req, "to");
    period_t pf, pt;
    char fs [16] = "", ts [16] = "", perr [128];
    if (from && period_parse (from, &pf, perr, sizeof perr)) {
        gateway_problem (req, 400, "Bad Request", "from: %s", perr);
        return;
    }
    if (to && period_parse (to, &pt, perr, sizeof perr)) {
        gateway_problem (req, 400, "Bad Request", "to: %s", perr);
        return;
    }
    if (from)
        period_iso (pf.start, fs, sizeof fs);
    if (to)
        period_iso (pt.end, ts, sizeof ts);
    //  The place unless asked (docs/openapi.yaml); "*" for every org unit.
    const char *org = gateway_arg (req, "org_unit");
    org = !org ? "dudley" : strcmp (org, "*") == 0 ? NULL : org;
    const char *p [5] = { code, org, from ? fs : NULL, to ? ts : NULL, gateway_arg (req, "breakdown") };
    char err [256];
    PGresult *r = db_exec_stmt (gateway_db (req->gw), &gateway_indicator_known_sql, p, DB_TUPLES, err, sizeof err);
    bool known = r && PQntuples (r) == 1;
    if (r)
        PQclear (r);
    if (!known) {
        gateway_problem (req, 404, "Not Found", "indicator '%s' is not in the catalogue", code);
        return;
    }
    s_rows_json (req, &gateway_values_sql, p, false, NULL);
}

// ---------------------------------------------------------------------
//  Reports, through the export service

static void
s_export (gw_req_t *req, const char *report, const char *period, const char *indicator)
{
    const char *format = gateway_arg (req, "format");
    if (!format)
        format = "json";
    if (strcmp (format, "json") && strcmp (format, "csv") && strcmp (format, "html") && strcmp (format, "fhir")) {
        gateway_problem (req, 400, "Bad Request", "format must be html, csv, json or fhir");
        return;
    }
    Carewatch__V1__ExportRequest e = CAREWATCH__V1__EXPORT_REQUEST__INIT;
    e.report = (char *) report;
    e.format = (char *) format;
    e.period = (char *) (period ? period : "");
    e.owner = (char *) (gateway_arg (req, "owner") ?: "");
    e.domain = (char *) (gateway_arg (req, "domain") ?: "");
    e.org_unit = (char *) (gateway_arg (req, "org_unit") ?: "");
    e.indicator = (char *) (indicator ? indicator : "");
    e.breakdown = (char *) (gateway_arg (req, "breakdown") ?: "");
    msg_t reply;
    if (gateway_call (req->gw, req->gw->cfg.export_endpoint, &e.base, &reply, 0)) {
        gateway_problem (req, 503, "Service Unavailable", "export did not answer in time; try again");
        return;
    }
    if (msg_is (&reply, &carewatch__v1__export_response__descriptor)) {
        Carewatch__V1__ExportResponse *r = (Carewatch__V1__ExportResponse *) reply.body;
        free (req->resp);
        req->resp = malloc (r->body.len + 1);
        if (!req->resp) {
            gateway_problem (req, 503, "Service Unavailable", "the gateway is out of memory; try again");
            msg_clear (&reply);
            return;
        }
        memcpy (req->resp, r->body.data, r->body.len);
        req->resp_len = r->body.len;
        req->status = 200;
        //  The content type must outlive the reply message.
        req->content_type = strncmp (r->content_type, "text/html", 9) == 0 ? "text/html; charset=utf-8"
                          : strncmp (r->content_type, "text/csv", 8) == 0 ? "text/csv; charset=utf-8"
                          : strstr (r->content_type, "fhir") ? "application/fhir+json" : "application/json";
    }
    else if (msg_is (&reply, &carewatch__v1__error__descriptor)) {
        Carewatch__V1__Error *e2 = (Carewatch__V1__Error *) reply.body;
        unsigned int st = strcmp (e2->code, "not_found") == 0 ? 404 : strcmp (e2->code, "bad_request") == 0 ? 400 : 500;
        //  What went wrong inside export (a database error's text) stays
        //  in the logs; the client hears that it was not its fault.
        if (st == 500) {
            log_error ("export_failed", "{s:s, s:s}", "code", e2->code, "message", e2->message);
            gateway_problem (req, 500, "Internal Server Error", "export could not make the document; the"
                             " gateway and export logs say why");
        }
        else
            gateway_problem (req, st, st == 404 ? "Not Found" : "Bad Request", "%s", e2->message);
    }
    else
        gateway_problem (req, 502, "Bad Gateway", "export answered with something unexpected");
    msg_clear (&reply);
}

// ---------------------------------------------------------------------
//  Alerts, silences, subscriptions

static json_t *
s_body_json (gw_req_t *req)
{
    json_error_t jerr;
    json_t *j = req->body ? json_loadb (req->body, req->len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
    if (!j || !json_is_object (j)) {
        gateway_problem (req, 400, "Bad Request", "the body must be a JSON object%s%s", j ? "" : ": ",
                         j ? "" : (req->body ? jerr.text : "it is empty"));
        json_decref (j);
        return NULL;
    }
    return j;
}

//  Sets the response for what subscription_create or _silence said.
static void
s_created (gw_req_t *req, subscription_rc_t rc, json_t *created, const char *err)
{
    if (rc == SUBSCRIPTION_OK)
        gateway_json (req, 201, created);
    else if (rc == SUBSCRIPTION_INVALID)
        gateway_problem (req, 400, "Bad Request", "%s", err);
    else {
        log_warn ("http_database", "{s:s}", "error", err);
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
    }
}

static void
s_post_silence (gw_req_t *req)
{
    json_t *j = s_body_json (req);
    if (!j)
        return;
    char err [512];
    json_t *created;
    subscription_rc_t rc = subscription_silence (gateway_db (req->gw), json_string_value (json_object_get (j, "matcher")),
                                                 json_string_value (json_object_get (j, "until")), false,
                                                 json_string_value (json_object_get (j, "reason")),
                                                 req->key.label [0] ? req->key.label : req->key.role,
                                                 &created, err, sizeof err);
    s_created (req, rc, created, err);
    json_decref (j);
}

static void
s_post_subscription (gw_req_t *req)
{
    json_t *j = s_body_json (req);
    if (!j)
        return;
    bool admin = strcmp (req->key.role, "admin") == 0;
    //  A subscriber key owns what it makes (by key id: labels are free
    //  text and not unique); an admin names the subscriber instead.
    char fallback [40];
    snprintf (fallback, sizeof fallback, "key-%lld", req->key.id);
    subscription_t s = {
        .subscriber = admin ? json_string_value (json_object_get (j, "subscriber"))
                    : req->key.label [0] ? req->key.label : fallback,
        .filter = json_object_get (j, "filter"),
        .channel = json_string_value (json_object_get (j, "channel")),
        .url = json_string_value (json_object_get (j, "url")),
        .secret = json_string_value (json_object_get (j, "secret")),
        .owner_key = admin ? 0 : req->key.id,
    };
    char err [512];
    json_t *created;
    subscription_rc_t rc = subscription_create (gateway_db (req->gw), &s, req->gw->cfg.webhook_allow, &created,
                                                err, sizeof err);
    s_created (req, rc, created, err);
    json_decref (j);
}

static void
s_delete_subscription (gw_req_t *req, const char *id)
{
    if (!gateway_is_id (id)) {
        gateway_problem (req, 400, "Bad Request", "a subscription id is a number");
        return;
    }
    char owner [24];
    snprintf (owner, sizeof owner, "%lld", req->key.id);
    const char *p [2] = { id, strcmp (req->key.role, "admin") == 0 ? NULL : owner };
    char err [256];
    PGresult *r = db_exec_stmt (gateway_db (req->gw), &gateway_delete_subscription_sql, p,
                           DB_TUPLES, err, sizeof err);
    if (!r)
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
    else if (PQntuples (r) == 0)
        gateway_problem (req, 404, "Not Found", "no active subscription %s of yours", id);
    else
        gateway_json (req, 200, json_pack ("{s:I, s:b}", "id", (json_int_t) atoll (id), "deleted", 1));
    if (r)
        PQclear (r);
}

// ---------------------------------------------------------------------
//  Health

static void
s_readyz (gw_req_t *req)
{
    gateway_t *gw = req->gw;
    json_t *checks = json_object ();
    bool ok = db_ping (gateway_db (gw)) == 0;
    json_object_set_new (checks, "database", json_string (ok ? "ok" : "down"));
    const char *names [] = { "intake", "calc", "alert", "export" };
    const char *eps [] = { gw->cfg.intake_endpoint, gw->cfg.calc_control, gw->cfg.alert_control,
                           gw->cfg.export_endpoint };
    for (int i = 0; i < 4; i++) {
        Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
        ping.from = "gateway-readyz";
        msg_t reply;
        bool up = gateway_call (gw, eps [i], &ping.base, &reply, 1000) == 0
               && msg_is (&reply, &carewatch__v1__pong__descriptor);
        if (up)
            msg_clear (&reply);
        json_object_set_new (checks, names [i], json_string (up ? "ok" : "down"));
        ok = ok && up;
    }
    gateway_json (req, ok ? 200 : 503, json_pack ("{s:s, s:o}", "status", ok ? "ready" : "not ready", "checks", checks));
}

// ---------------------------------------------------------------------
//  Handlers that are one query or one call

static void
s_healthz (gw_req_t *req)
{
    gateway_json (req, 200, json_pack ("{s:s}", "status", "ok"));
}

static void
s_metrics (gw_req_t *req)
{
    free (req->resp);
    req->resp = gateway_metrics_text (req->gw);
    req->resp_len = req->resp ? strlen (req->resp) : 0;
    req->status = req->resp ? 200 : 500;
    req->content_type = "text/plain; version=0.0.4";
}

static void
s_batch (gw_req_t *req)
{
    s_get_batch (req, req->params [0]);
}

static void
s_indicators (gw_req_t *req)
{
    const char *p [2] = { gateway_arg (req, "domain"), gateway_arg (req, "owner") };
    s_rows_json (req, &gateway_indicators_sql, p, false, NULL);
}

static void
s_indicator (gw_req_t *req)
{
    const char *p [1] = { req->params [0] };
    char what [400];
    snprintf (what, sizeof what, "indicator '%s' is not in the catalogue", req->params [0]);
    s_rows_json (req, &gateway_indicator_sql, p, true, what);
}

static void
s_indicator_values (gw_req_t *req)
{
    s_values (req, req->params [0]);
}

static void
s_indicator_report (gw_req_t *req)
{
    s_export (req, "indicator", gateway_arg (req, "period"), req->params [0]);
}

static void
s_scorecard (gw_req_t *req)
{
    s_export (req, "scorecard", req->params [0], NULL);
}

static void
s_progress (gw_req_t *req)
{
    s_export (req, "progress", gateway_arg (req, "period"), NULL);
}

static void
s_exceptions (gw_req_t *req)
{
    s_export (req, "exceptions", req->params [0], NULL);
}

static void
s_alerts (gw_req_t *req)
{
    const char *state = gateway_arg (req, "state");
    if (state && strcmp (state, "firing") && strcmp (state, "resolved")) {
        gateway_problem (req, 400, "Bad Request", "state must be firing or resolved");
        return;
    }
    const char *p [1] = { state };
    s_rows_json (req, &gateway_alerts_sql, p, false, NULL);
}

static void
s_subscriptions (gw_req_t *req)
{
    char owner [24];
    snprintf (owner, sizeof owner, "%lld", req->key.id);
    const char *p [1] = { strcmp (req->key.role, "admin") == 0 ? NULL : owner };
    s_rows_json (req, &gateway_subscriptions_sql, p, false, NULL);
}

static void
s_delete_sub (gw_req_t *req)
{
    s_delete_subscription (req, req->params [0]);
}

// ---------------------------------------------------------------------
//  The routes.  The role matrix in docs/openapi.yaml is this table.

#define READ (GW_READER | GW_SUBSCRIBER | GW_ADMIN)

const gw_route_t gateway_routes [] = {
    //  method   pattern                          roles                          pool            body   link   web
    { "GET",    "/healthz",                       0,                             GW_POOL_INLINE, false, false, false, s_healthz },
    { "GET",    "/readyz",                        0,                             GW_POOL_DB,     false, false, false, s_readyz },
    { "GET",    "/metrics",                       GW_READER | GW_ADMIN,          GW_POOL_DB,     false, false, false, s_metrics },
    { "POST",   "/v1/batches",                    GW_PARTNER,                    GW_POOL_INTAKE, true,  false, false, s_post_batch },
    { "GET",    "/v1/batches/{id}",               GW_PARTNER | GW_READER | GW_ADMIN, GW_POOL_DB, false, false, false, s_batch },
    { "GET",    "/v1/indicators",                 READ,                          GW_POOL_DB,     false, true,  false, s_indicators },
    { "GET",    "/v1/indicators/{code}",          READ,                          GW_POOL_DB,     false, true,  false, s_indicator },
    { "GET",    "/v1/indicators/{code}/values",   READ,                          GW_POOL_DB,     false, true,  false, s_indicator_values },
    { "GET",    "/v1/indicators/{code}/report",   READ,                          GW_POOL_EXPORT, false, true,  false, s_indicator_report },
    { "GET",    "/v1/scorecards/{period}",        READ,                          GW_POOL_EXPORT, false, true,  false, s_scorecard },
    { "GET",    "/v1/progress",                   READ,                          GW_POOL_EXPORT, false, true,  false, s_progress },
    { "GET",    "/v1/exceptions/{period}",        READ,                          GW_POOL_EXPORT, false, true,  false, s_exceptions },
    { "GET",    "/v1/alerts",                     READ,                          GW_POOL_DB,     false, true,  false, s_alerts },
    { "POST",   "/v1/silences",                   GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     true,  false, false, s_post_silence },
    { "GET",    "/v1/subscriptions",              GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     false, false, false, s_subscriptions },
    { "POST",   "/v1/subscriptions",              GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     true,  false, false, s_post_subscription },
    { "DELETE", "/v1/subscriptions/{id}",         GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     false, false, false, s_delete_sub },
    //  The web pages (web.h): a session cookie signs in; forms carry the CSRF token.
    { "GET",    "/",                              0,                             GW_POOL_INLINE, false, false, true,  web_root },
    { "GET",    "/ui",                            0,                             GW_POOL_INLINE, false, false, true,  web_root },
    { "GET",    "/ui/static/{name}",              0,                             GW_POOL_INLINE, false, false, true,  web_asset },
    { "GET",    "/ui/signin",                     0,                             GW_POOL_INLINE, false, false, true,  web_signin_form },
    { "POST",   "/ui/signin",                     0,                             GW_POOL_DB,     true,  false, true,  web_signin },
    { "POST",   "/ui/signout",                    READ | GW_PARTNER,             GW_POOL_DB,     true,  false, true,  web_signout },
    { "GET",    "/ui/",                           READ,                          GW_POOL_DB,     false, false, true,  web_overview },
    { "GET",    "/ui/indicators/{code}",          READ,                          GW_POOL_DB,     false, false, true,  web_indicator },
    { "GET",    "/ui/indicators/{code}/data",     READ,                          GW_POOL_DB,     false, false, true,  web_indicator_data },
    { "GET",    "/ui/indicators/{code}/report",   READ,                          GW_POOL_EXPORT, false, false, true,  s_indicator_report },
    { "GET",    "/ui/areas/{code}",               READ,                          GW_POOL_DB,     false, false, true,  web_area },
    { "GET",    "/ui/alerts",                     READ,                          GW_POOL_DB,     false, false, true,  web_alerts },
    { "POST",   "/ui/silences",                   GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     true,  false, true,  web_silence },
    { "POST",   "/ui/silences/{id}/end",          GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     true,  false, true,  web_silence_end },
    { "POST",   "/ui/subscriptions",              GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     true,  false, true,  web_subscribe },
    { "POST",   "/ui/subscriptions/{id}/delete",  GW_SUBSCRIBER | GW_ADMIN,      GW_POOL_DB,     true,  false, true,  web_unsubscribe },
    { "GET",    "/ui/feeds",                      GW_PARTNER | GW_ADMIN,         GW_POOL_DB,     false, false, true,  web_feeds },
    { "GET",    "/ui/keys",                       GW_ADMIN,                      GW_POOL_DB,     false, false, true,  web_keys },
    { "POST",   "/ui/keys",                       GW_ADMIN,                      GW_POOL_DB,     true,  false, true,  web_key_create },
    { "POST",   "/ui/keys/{id}/revoke",           GW_ADMIN,                      GW_POOL_DB,     true,  false, true,  web_key_revoke },
    { NULL, NULL, 0, GW_POOL_INLINE, false, false, false, NULL }
};
