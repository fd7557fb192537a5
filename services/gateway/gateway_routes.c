/*  gateway_routes: the HTTP API.  Every /v1 route needs an API key
    (Authorization: Bearer ...) whose role may use it:

      route                                   partner  subscriber  reader  admin
      POST   /v1/batches                         x                            
      GET    /v1/batches/{id}                  own                   x       x
      GET    /v1/indicators[/{code}[/values|/report]]   x           x       x
      GET    /v1/scorecards/{period}, /v1/progress,
             /v1/exceptions/{period}                       x           x       x
      GET    /v1/alerts                                   x           x       x
      POST   /v1/silences                                 x                   x
      GET    /v1/subscriptions                           own                  x
      POST   /v1/subscriptions                            x                   x
      DELETE /v1/subscriptions/{id}                      own                  x
      GET    /metrics                                                 x       x
    /healthz and /readyz need no key.  A signed link (carewatch link) gives
    reader access to one GET until it expires, for browsers.  */
#include "alert_rules.h"
#include "gateway.h"
#include "log.h"
#include "period.h"
#include "signlink.h"

#include <sodium.h>
#include <time.h>

#include <stdlib.h>
#include <string.h>

enum { R_PARTNER = 1, R_SUBSCRIBER = 2, R_READER = 4, R_ADMIN = 8 };

static int
s_role_bit (const char *role)
{
    return strcmp (role, "partner") == 0 ? R_PARTNER : strcmp (role, "subscriber") == 0 ? R_SUBSCRIBER
         : strcmp (role, "reader") == 0 ? R_READER : strcmp (role, "admin") == 0 ? R_ADMIN : 0;
}

typedef struct {
    const char *names [32];
    const char *values [32];
    size_t n;
} s_args_t;

static enum MHD_Result
s_collect (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    s_args_t *a = cls;
    if (a->n == 32)
        return MHD_NO;
    a->names [a->n] = key;
    a->values [a->n++] = value ? value : "";
    return MHD_YES;
}

//  A signed read-only link (carewatch link): reader access to this GET.
static bool
s_signed_link (gw_req_t *req)
{
    const char *sig = gateway_arg (req, "sig"), *expires = gateway_arg (req, "expires");
    if (!sig || !expires || strcmp (req->method, "GET") || strlen (sig) != 64)
        return false;
    if (atoll (expires) < (long long) time (NULL))
        return false;
    s_args_t a = { .n = 0 };
    MHD_get_connection_values (req->conn, MHD_GET_ARGUMENT_KIND, s_collect, &a);
    char want [65];
    signlink_sign (req->gw->link_secret, req->url, a.names, a.values, a.n, want);
    if (sodium_memcmp (want, sig, 64) != 0)
        return false;
    memset (&req->key, 0, sizeof req->key);
    snprintf (req->key.role, sizeof req->key.role, "reader");
    snprintf (req->key.label, sizeof req->key.label, "signed-link");
    return true;
}

//  Authenticates and checks the role.  Returns true when the request may go on.
static bool
s_allow (gw_req_t *req, int roles)
{
    const char *auth = MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!auth && (roles & R_READER) && gateway_arg (req, "sig")) {
        if (s_signed_link (req))
            return true;
        gateway_problem (req, 401, "Unauthorized", "the link is not valid or has expired; make a new one with carewatch link");
        return false;
    }
    if (!auth || strncmp (auth, "Bearer ", 7)) {
        gateway_problem (req, 401, "Unauthorized", "send an API key as 'Authorization: Bearer <key>'"
                         " (carewatch key create --role ... makes one)");
        return false;
    }
    char err [256];
    int found = apikey_lookup (gateway_db (req->gw), auth + 7, &req->key, err, sizeof err);
    if (found < 0) {
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
        return false;
    }
    if (!found) {
        gateway_problem (req, 401, "Unauthorized", "the API key is not valid or has been revoked");
        return false;
    }
    req->authed = true;
    if (!(s_role_bit (req->key.role) & roles)) {
        gateway_problem (req, 403, "Forbidden", "a %s key may not %s %s", req->key.role, req->method, req->url);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------
//  Batches

static json_t *
s_issues_json (Carewatch__V1__RowIssue **items, size_t n)
{
    json_t *a = json_array ();
    for (size_t i = 0; i < n; i++)
        json_array_append_new (a, json_pack ("{s:i, s:s, s:s, s:s}", "row", (int) items [i]->row,
                               "field", items [i]->field, "code", items [i]->code, "message", items [i]->message));
    return a;
}

static unsigned int
s_receipt_status (const Carewatch__V1__BatchReceipt *r)
{
    if (strcmp (r->status, "refused") == 0 && r->n_errors) {
        const char *code = r->errors [0]->code;
        return strcmp (code, "batch_key_reused") == 0 ? 409 : strcmp (code, "batch_too_large") == 0 ? 413
             : strcmp (code, "unknown_partner") == 0 ? 403 : strcmp (code, "database_unavailable") == 0 ? 503 : 400;
    }
    return strcmp (r->status, "rejected") == 0 ? 422 : 200;
}

static void
s_post_batch (gw_req_t *req)
{
    const char *type = MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
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
    const char *key = MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, "X-Batch-Key");
    const char *atomic = MHD_lookup_connection_value (req->conn, MHD_HEADER_KIND, "X-Batch-Atomic");
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
        json_t *receipt = json_pack ("{s:I, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:b, s:I, s:o, s:o}",
            "batch_id", (json_int_t) r->batch_id, "batch_key", r->batch_key, "status", r->status,
            "accepted", (int) r->accepted, "rejected", (int) r->rejected, "new", (int) r->new_count,
            "revised", (int) r->revised_count, "unchanged", (int) r->unchanged_count, "replayed", r->replayed,
            "sequence", (json_int_t) r->sequence, "errors", s_issues_json (r->errors, r->n_errors),
            "warnings", s_issues_json (r->warnings, r->n_warnings));
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
    if (strspn (id, "0123456789") != strlen (id) || strlen (id) > 18) {
        gateway_problem (req, 400, "Bad Request", "a batch id is a number");
        return;
    }
    PGresult *r = db_exec (gateway_db (req->gw), "select receipt::text, partner, received_at::text from batches where id = $1::bigint"
                                        " and ($2::text is null or partner = $2)", 2, p, DB_TUPLES, err, sizeof err);
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
s_rows_json (gw_req_t *req, const char *sql, int n, const char *const *p, bool single, const char *what)
{
    char err [256];
    PGresult *r = db_exec (gateway_db (req->gw), sql, n, p, DB_TUPLES, err, sizeof err);
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
    const char *p [5] = { code, gateway_arg (req, "org_unit"), from ? fs : NULL, to ? ts : NULL,
                          gateway_arg (req, "breakdown") };
    char err [256];
    PGresult *r = db_exec (gateway_db (req->gw), "select 1 from indicators where code = $1", 1, p, DB_TUPLES, err, sizeof err);
    bool known = r && PQntuples (r) == 1;
    if (r)
        PQclear (r);
    if (!known) {
        gateway_problem (req, 404, "Not Found", "indicator '%s' is not in the catalogue", code);
        return;
    }
    s_rows_json (req, "select row_to_json (v)::text from (select indicator, org_unit, period, breakdown, numerator,"
                      " denominator, value, ci_low, ci_high, status, achievement, short_trend, annual_trend, benchmark,"
                      " england_value, spc_variation, spc_assurance, spc_rule, spc_mean, spc_lcl, spc_ucl, note,"
                      " change_seq from indicator_values where indicator = $1 and ($2::text is null or org_unit = $2)"
                      " and ($3::date is null or period_end >= $3::date) and ($4::date is null or period_end <= $4::date)"
                      " and ($5::text is null or breakdown = $5) order by org_unit, breakdown, period_end) v",
                 5, p, false, NULL);
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
        gateway_problem (req, st, st == 404 ? "Not Found" : st == 400 ? "Bad Request" : "Internal Server Error",
                         "%s", e2->message);
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

static void
s_post_silence (gw_req_t *req)
{
    json_t *j = s_body_json (req);
    if (!j)
        return;
    const char *matcher = json_string_value (json_object_get (j, "matcher"));
    const char *until = json_string_value (json_object_get (j, "until"));
    const char *reason = json_string_value (json_object_get (j, "reason"));
    if (!matcher || !until || !reason || !*reason || strlen (matcher) > 300 || strlen (reason) > 1000) {
        gateway_problem (req, 400, "Bad Request", "a silence needs matcher (e.g. \"off_target/pi-2257/*\"),"
                         " until (a timestamp) and reason");
        json_decref (j);
        return;
    }
    const char *p [4] = { matcher, until, reason, req->key.label [0] ? req->key.label : req->key.role };
    char err [256];
    PGresult *r = db_exec (gateway_db (req->gw), "insert into silences (matcher, until, reason, created_by)"
                                        " values ($1, $2::timestamptz, $3, $4) returning row_to_json (silences)::text",
                           4, p, DB_TUPLES, err, sizeof err);
    if (r) {
        gateway_json (req, 201, json_loads (PQgetvalue (r, 0, 0), 0, NULL));
        PQclear (r);
    }
    else
        gateway_problem (req, 400, "Bad Request", "until must be a timestamp such as 2026-12-01T00:00:00Z");
    json_decref (j);
}

static void
s_post_subscription (gw_req_t *req)
{
    json_t *j = s_body_json (req);
    if (!j)
        return;
    json_t *filter = json_object_get (j, "filter");
    const char *url = json_string_value (json_object_get (j, "url"));
    const char *secret = json_string_value (json_object_get (j, "secret"));
    const char *channel = json_string_value (json_object_get (j, "channel"));
    const char *subscriber = strcmp (req->key.role, "admin") == 0
                           ? json_string_value (json_object_get (j, "subscriber")) : req->key.label;
    char err [256];
    if (!filter)
        filter = json_object ();
    else
        json_incref (filter);
    if (!channel)
        channel = url ? "webhook" : "zmq";
    if (alert_filter_check (filter, err, sizeof err))
        gateway_problem (req, 400, "Bad Request", "%s", err);
    else if (strcmp (channel, "webhook") && strcmp (channel, "zmq"))
        gateway_problem (req, 400, "Bad Request", "channel must be webhook or zmq");
    else if (strcmp (channel, "webhook") == 0 && (!url || (strncmp (url, "http://", 7) && strncmp (url, "https://", 8))
                                                   || !secret || strlen (secret) < 16 || strlen (url) > 2000))
        gateway_problem (req, 400, "Bad Request", "a webhook needs an http(s) url and a secret of at least 16 characters");
    else if (!subscriber || !*subscriber)
        gateway_problem (req, 400, "Bad Request", "name the subscriber");
    else {
        char *ftext = json_dumps (filter, JSON_COMPACT);
        const char *p [5] = { subscriber, ftext, channel, url, secret };
        PGresult *r = db_exec (gateway_db (req->gw), "insert into subscriptions (subscriber, filter, channel, url, secret)"
                                            " values ($1, $2::jsonb, $3, $4, $5) returning json_build_object ('id', id,"
                                            " 'subscriber', subscriber, 'filter', filter, 'channel', channel, 'url', url)::text",
                               5, p, DB_TUPLES, err, sizeof err);
        free (ftext);
        if (r) {
            gateway_json (req, 201, json_loads (PQgetvalue (r, 0, 0), 0, NULL));
            PQclear (r);
        }
        else
            gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
    }
    json_decref (filter);
    json_decref (j);
}

static void
s_delete_subscription (gw_req_t *req, const char *id)
{
    if (strspn (id, "0123456789") != strlen (id) || strlen (id) > 18) {
        gateway_problem (req, 400, "Bad Request", "a subscription id is a number");
        return;
    }
    const char *p [2] = { id, strcmp (req->key.role, "admin") == 0 ? NULL : req->key.label };
    char err [256];
    PGresult *r = db_exec (gateway_db (req->gw), "update subscriptions set active = false where id = $1::bigint and active"
                                        " and ($2::text is null or subscriber = $2) returning id", 2, p,
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
//  Dispatch

//  If path starts with prefix and the rest is one segment, returns it.
static const char *
s_param (const char *path, const char *prefix, char *buf, size_t len)
{
    size_t n = strlen (prefix);
    if (strncmp (path, prefix, n) || !path [n] || strchr (path + n, '/') || strlen (path + n) >= len)
        return NULL;
    snprintf (buf, len, "%s", path + n);
    return buf;
}

void
gateway_route (gw_req_t *req)
{
    const char *m = req->method, *u = req->url;
    bool get = strcmp (m, "GET") == 0, post = strcmp (m, "POST") == 0, del = strcmp (m, "DELETE") == 0;
    char a [256], b [256];
    const int READ = R_READER | R_SUBSCRIBER | R_ADMIN;
    if (strcmp (u, "/healthz") == 0 && get)
        gateway_json (req, 200, json_pack ("{s:s}", "status", "ok"));
    else if (strcmp (u, "/readyz") == 0 && get)
        s_readyz (req);
    else if (strcmp (u, "/metrics") == 0 && get) {
        if (s_allow (req, R_READER | R_ADMIN)) {
            free (req->resp);
            req->resp = gateway_metrics_text (req->gw);
            req->resp_len = strlen (req->resp);
            req->status = 200;
            req->content_type = "text/plain; version=0.0.4";
        }
    }
    else if (strcmp (u, "/v1/batches") == 0 && post) {
        if (s_allow (req, R_PARTNER))
            s_post_batch (req);
    }
    else if (s_param (u, "/v1/batches/", a, sizeof a) && get) {
        if (s_allow (req, R_PARTNER | R_READER | R_ADMIN))
            s_get_batch (req, a);
    }
    else if (strcmp (u, "/v1/indicators") == 0 && get) {
        if (s_allow (req, READ)) {
            const char *p [2] = { gateway_arg (req, "domain"), gateway_arg (req, "owner") };
            s_rows_json (req, "select json_build_object ('code', code, 'name', name, 'domain', domain, 'owner', owner,"
                              " 'unit', unit, 'polarity', polarity, 'frequency', frequency)::text from indicators"
                              " where ($1::text is null or domain = $1) and ($2::text is null or owner = $2) order by code",
                         2, p, false, NULL);
        }
    }
    else if (s_param (u, "/v1/indicators/", a, sizeof a) && get) {
        if (s_allow (req, READ)) {
            const char *p [1] = { a };
            char what [400];
            snprintf (what, sizeof what, "indicator '%s' is not in the catalogue", a);
            s_rows_json (req, "select (definition || jsonb_build_object ('targets', coalesce ((select jsonb_agg ("
                              " jsonb_build_object ('from', from_period, 'kind', kind, 'value', value, 'lower', lower,"
                              " 'upper', upper, 'text', text) order by from_date) from indicator_targets"
                              " where indicator = code), '[]')))::text from indicators where code = $1",
                         1, p, true, what);
        }
    }
    else if (strncmp (u, "/v1/indicators/", 15) == 0 && get
         &&  sscanf (u + 15, "%200[^/]/%30s", a, b) == 2 && strcmp (b, "values") == 0) {
        if (s_allow (req, READ))
            s_values (req, a);
    }
    else if (strncmp (u, "/v1/indicators/", 15) == 0 && get
         &&  sscanf (u + 15, "%200[^/]/%30s", a, b) == 2 && strcmp (b, "report") == 0) {
        if (s_allow (req, READ))
            s_export (req, "indicator", gateway_arg (req, "period"), a);
    }
    else if (s_param (u, "/v1/scorecards/", a, sizeof a) && get) {
        if (s_allow (req, READ))
            s_export (req, "scorecard", a, NULL);
    }
    else if (strcmp (u, "/v1/progress") == 0 && get) {
        if (s_allow (req, READ))
            s_export (req, "progress", gateway_arg (req, "period"), NULL);
    }
    else if (s_param (u, "/v1/exceptions/", a, sizeof a) && get) {
        if (s_allow (req, READ))
            s_export (req, "exceptions", a, NULL);
    }
    else if (strcmp (u, "/v1/alerts") == 0 && get) {
        if (s_allow (req, READ)) {
            const char *state = gateway_arg (req, "state");
            if (state && strcmp (state, "firing") && strcmp (state, "resolved"))
                gateway_problem (req, 400, "Bad Request", "state must be firing or resolved");
            else {
                const char *p [1] = { state };
                s_rows_json (req, "select json_build_object ('id', id, 'rule', rule, 'severity', severity,"
                                  " 'indicator', indicator, 'org_unit', org_unit, 'breakdown', breakdown, 'state', state,"
                                  " 'period', period, 'fired_at', fired_at, 'resolved_at', resolved_at, 'payload', payload)::text"
                                  " from alerts where $1::text is null or state = $1 order by fired_at desc, id", 1, p, false, NULL);
            }
        }
    }
    else if (strcmp (u, "/v1/silences") == 0 && post) {
        if (s_allow (req, R_SUBSCRIBER | R_ADMIN))
            s_post_silence (req);
    }
    else if (strcmp (u, "/v1/subscriptions") == 0 && get) {
        if (s_allow (req, R_SUBSCRIBER | R_ADMIN)) {
            const char *p [1] = { strcmp (req->key.role, "admin") == 0 ? NULL : req->key.label };
            s_rows_json (req, "select json_build_object ('id', id, 'subscriber', subscriber, 'filter', filter,"
                              " 'channel', channel, 'url', url, 'created_at', created_at)::text from subscriptions"
                              " where active and ($1::text is null or subscriber = $1) order by id", 1, p, false, NULL);
        }
    }
    else if (strcmp (u, "/v1/subscriptions") == 0 && post) {
        if (s_allow (req, R_SUBSCRIBER | R_ADMIN))
            s_post_subscription (req);
    }
    else if (s_param (u, "/v1/subscriptions/", a, sizeof a) && del) {
        if (s_allow (req, R_SUBSCRIBER | R_ADMIN))
            s_delete_subscription (req, a);
    }
    else
        gateway_problem (req, 404, "Not Found", "no route %s %s; see docs/openapi.yaml", m, u);
}
