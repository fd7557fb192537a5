/*  web_manage: the pages where people act.  Alerts (firing, grouped by
    indicator and rule; recently resolved; silences) with forms to silence
    and subscribe; the feeds page (recent batches, rejected rows named,
    completeness by partner); API keys for admins.  Forms post with the
    session's CSRF token (gateway_run checks it) and answer with a
    redirect back to the page (post/redirect/get), or the page again with
    the error named.  */
#include "web.h"
#include "gateway_store.h"
#include "log.h"
#include "period.h"
#include "subscription.h"

#include <stdlib.h>
#include <string.h>

static bool
s_can_manage (gw_req_t *req)
{
    return strcmp (req->key.role, "admin") == 0 || strcmp (req->key.role, "subscriber") == 0;
}

//  Who a silence made here is by: the key's label, else its role (as the
//  API records it).
static const char *
s_creator (gw_req_t *req)
{
    return req->key.label [0] ? req->key.label : req->key.role;
}

static void
s_cells (htmlbuf_t *b, const PGresult *r, int row, int from, int to)
{
    for (int c = from; c <= to; c++) {
        htmlbuf_append (b, "<td>");
        htmlbuf_html (b, PQgetvalue (r, row, c));
        htmlbuf_append (b, "</td>");
    }
}

// ---------------------------------------------------------------------
//  Alerts

static void
s_firing (htmlbuf_t *b, gw_req_t *req)
{
    PGresult *r = web_query_stmt (req, &web_firing_sql, NULL);
    if (!r)
        return;
    long total = 0;
    for (int i = 0; i < PQntuples (r); i++)
        total += atol (PQgetvalue (r, i, 3));
    htmlbuf_printf (b, "<section aria-labelledby=\"firing-h\"><h2 id=\"firing-h\">Firing: <span id=\"firing-count\""
                    " data-value=\"%ld\">%ld</span> alerts in %d groups</h2><div class=\"scroll\"><table class=\"data\""
                    " id=\"firing\"><thead><tr><th scope=\"col\">Indicator</th><th scope=\"col\">Rule</th><th scope=\"col\">"
                    "Areas</th><th scope=\"col\">Which</th><th scope=\"col\">Latest</th></tr></thead><tbody>",
                    total, total, PQntuples (r));
    for (int i = 0; i < PQntuples (r); i++) {
        htmlbuf_append (b, "<tr data-indicator=\"");
        htmlbuf_html (b, PQgetvalue (r, i, 0));
        htmlbuf_append (b, "\" data-rule=\"");
        htmlbuf_html (b, PQgetvalue (r, i, 2));
        htmlbuf_append (b, "\"><th scope=\"row\">");
        if (*PQgetvalue (r, i, 0)) {
            htmlbuf_append (b, "<a href=\"/ui/indicators/");
            web_url (b, PQgetvalue (r, i, 0));
            htmlbuf_append (b, "\">");
            htmlbuf_html (b, PQgetvalue (r, i, 1));
            htmlbuf_append (b, "</a>");
        }
        else
            htmlbuf_append (b, "(feed)");
        htmlbuf_append (b, "</th>");
        s_cells (b, r, i, 2, 2);
        htmlbuf_printf (b, "<td class=\"num\" data-value=\"%s\">%s</td><td class=\"areas\">", PQgetvalue (r, i, 3),
                        PQgetvalue (r, i, 3));
        //  The first five areas; the rest behind a disclosure, so a group of
        //  43 practices stays one line.
        htmlbuf_html (b, PQgetvalue (r, i, 4));
        if (*PQgetvalue (r, i, 6)) {
            htmlbuf_printf (b, "<details><summary>and %ld more</summary>", atol (PQgetvalue (r, i, 3)) - 5);
            htmlbuf_html (b, PQgetvalue (r, i, 6));
            htmlbuf_append (b, "</details>");
        }
        htmlbuf_append (b, "</td>");
        s_cells (b, r, i, 5, 5);
        htmlbuf_append (b, "</tr>");
    }
    htmlbuf_append (b, "</tbody></table></div></section>");
    PQclear (r);
}

static void
s_resolved_and_silences (htmlbuf_t *b, gw_req_t *req)
{
    PGresult *r = web_query_stmt (req, &web_resolved_sql, NULL);
    if (!r)
        return;
    htmlbuf_printf (b, "<section aria-labelledby=\"resolved-h\"><h2 id=\"resolved-h\">Resolved in the last 30 days (%d)</h2>",
                    PQntuples (r));
    htmlbuf_append (b, "<div class=\"scroll\"><table class=\"data\" id=\"resolved\"><thead><tr><th scope=\"col\">Rule</th>"
                       "<th scope=\"col\">Indicator</th><th scope=\"col\">Area</th><th scope=\"col\">Period</th>"
                       "<th scope=\"col\">Resolved</th></tr></thead><tbody>");
    for (int i = 0; i < PQntuples (r); i++) {
        htmlbuf_append (b, "<tr>");
        s_cells (b, r, i, 0, 4);
        htmlbuf_append (b, "</tr>");
    }
    htmlbuf_append (b, "</tbody></table></div></section>");
    PQclear (r);
    r = web_query_stmt (req, &web_silences_active_sql, NULL);
    if (!r)
        return;
    htmlbuf_printf (b, "<section aria-labelledby=\"silences-h\"><h2 id=\"silences-h\">Silences (%d)</h2>"
                    "<table class=\"data\" id=\"silences\"><thead><tr><th scope=\"col\">Matcher</th><th scope=\"col\">"
                    "Reason</th><th scope=\"col\">Until (UTC)</th><th scope=\"col\">By</th><th scope=\"col\"></th>"
                    "</tr></thead><tbody>", PQntuples (r));
    for (int i = 0; i < PQntuples (r); i++) {
        htmlbuf_append (b, "<tr>");
        s_cells (b, r, i, 0, 3);
        htmlbuf_append (b, "<td>");
        if (s_can_manage (req) && (strcmp (req->key.role, "admin") == 0 || strcmp (PQgetvalue (r, i, 3), s_creator (req)) == 0)) {
            htmlbuf_printf (b, "<form method=\"post\" action=\"/ui/silences/%s/end\">", PQgetvalue (r, i, 4));
            web_csrf (b, req);
            htmlbuf_append (b, "<button type=\"submit\">End now</button></form>");
        }
        htmlbuf_append (b, "</td></tr>");
    }
    htmlbuf_append (b, "</tbody></table></section>");
    PQclear (r);
}

static void
s_forms (htmlbuf_t *b, gw_req_t *req)
{
    htmlbuf_append (b, "<section aria-labelledby=\"silence-h\"><h2 id=\"silence-h\">Silence alerts</h2>"
                       "<form method=\"post\" action=\"/ui/silences\" class=\"stack\">");
    web_csrf (b, req);
    htmlbuf_append (b, "<label>Matcher (rule/indicator/area, * for any) <input name=\"matcher\" required maxlength=\"300\""
                       " placeholder=\"off_target/pi-2257/*\"></label><label>Until (UTC) <input name=\"until\" required"
                       " type=\"datetime-local\"></label><label>Reason <input name=\"reason\" required maxlength=\"1000\">"
                       "</label><button type=\"submit\">Silence</button></form></section>"
                       "<section aria-labelledby=\"subscribe-h\"><h2 id=\"subscribe-h\">Subscribe</h2>"
                       "<form method=\"post\" action=\"/ui/subscriptions\" class=\"stack\">");
    web_csrf (b, req);
    htmlbuf_append (b, "<label>Webhook URL <input name=\"url\" type=\"url\" required maxlength=\"500\"></label>"
                       "<label>Signing secret <input name=\"secret\" required minlength=\"16\" maxlength=\"200\"></label>"
                       "<label>Indicator (blank for all) <input name=\"indicator\" maxlength=\"64\"></label>"
                       "<label>Area (blank for all) <input name=\"org_unit\" maxlength=\"64\"></label>"
                       "<fieldset><legend>Rules</legend>");
    const char *rules [] = { "off_target", "outside_range", "worse_than_england", "deteriorating", "data_missing" };
    for (int i = 0; i < 5; i++)
        htmlbuf_printf (b, "<label><input type=\"checkbox\" name=\"rule_%s\" value=\"1\" checked> %s</label>", rules [i],
                        rules [i]);
    htmlbuf_append (b, "</fieldset><button type=\"submit\">Subscribe</button></form></section>");
    char owner [24];
    snprintf (owner, sizeof owner, "%lld", req->key.id);
    const char *p [1] = { strcmp (req->key.role, "admin") == 0 ? NULL : owner };
    PGresult *r = web_query_stmt (req, &web_subscriptions_listed_sql, p);
    if (!r)
        return;
    htmlbuf_append (b, "<section aria-labelledby=\"subs-h\"><h2 id=\"subs-h\">Subscriptions</h2><table class=\"data\""
                       " id=\"subscriptions\"><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Subscriber</th>"
                       "<th scope=\"col\">Where</th><th scope=\"col\">Filter</th><th scope=\"col\"></th></tr></thead><tbody>");
    for (int i = 0; i < PQntuples (r); i++) {
        htmlbuf_append (b, "<tr>");
        s_cells (b, r, i, 0, 3);
        htmlbuf_printf (b, "<td><form method=\"post\" action=\"/ui/subscriptions/%s/delete\">", PQgetvalue (r, i, 0));
        web_csrf (b, req);
        htmlbuf_append (b, "<button type=\"submit\">Unsubscribe</button></form></td></tr>");
    }
    htmlbuf_append (b, "</tbody></table></section>");
    PQclear (r);
}

static void
s_alerts_page (gw_req_t *req, const char *message)
{
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, "Alerts", "alerts");
    if (message) {
        htmlbuf_append (&b, "<p class=\"error\" role=\"alert\">");
        htmlbuf_html (&b, message);
        htmlbuf_append (&b, "</p>");
    }
    s_firing (&b, req);
    if (req->status == 0)
        s_resolved_and_silences (&b, req);
    if (req->status == 0 && s_can_manage (req))
        s_forms (&b, req);
    if (req->status) {
        htmlbuf_free (&b);
        return;
    }
    web_close (&b, req);
    if (message)
        req->status = 400;
}

void
web_alerts (gw_req_t *req)
{
    s_alerts_page (req, NULL);
}

void
web_silence (gw_req_t *req)
{
    char matcher [320], until [64], reason [1100], err [512];
    if (!gateway_form (req, "matcher", matcher, sizeof matcher) || !gateway_form (req, "until", until, sizeof until)
    ||  !gateway_form (req, "reason", reason, sizeof reason)) {
        s_alerts_page (req, "A silence needs a matcher (up to 300 characters), an end and a reason (up to 1,000).");
        return;
    }
    for (char *t = strchr (until, 'T'); t; t = NULL)
        *t = ' ';
    strncat (until, strlen (until) > 0 ? "+00" : "", sizeof until - strlen (until) - 1);
    json_t *created = NULL;
    subscription_rc_t rc = subscription_silence (gateway_db (req->gw), matcher, until, false, reason, s_creator (req),
                                                 &created, err, sizeof err);
    json_decref (created);
    if (rc == SUBSCRIPTION_OK)
        gateway_redirect (req, "/ui/alerts");
    else
        s_alerts_page (req, rc == SUBSCRIPTION_INVALID ? err : "The database did not answer; try again.");
}

//  Ends one row of the caller's (or, for an admin, anyone's) by a named
//  statement taking (id, owner): back to the alerts page, or the page
//  again saying there was none.
static void
s_end_own (gw_req_t *req, const db_stmt_t *stmt, const char *owner, const char *what)
{
    const char *id = req->params [0];
    char msg [120];
    if (!gateway_is_id (id)) {
        snprintf (msg, sizeof msg, "A %s id is a number.", what);
        s_alerts_page (req, msg);
        return;
    }
    const char *p [2] = { id, strcmp (req->key.role, "admin") == 0 ? NULL : owner };
    PGresult *r = web_query_stmt (req, stmt, p);
    if (!r)
        return;
    int n = PQntuples (r);
    PQclear (r);
    if (n) {
        log_info ("web_ended", "{s:s, s:s, s:I}", "what", what, "id", id, "by", (json_int_t) req->key.id);
        gateway_redirect (req, "/ui/alerts");
    }
    else {
        snprintf (msg, sizeof msg, "No %s of yours in force has that id.", what);
        s_alerts_page (req, msg);
    }
}

void
web_silence_end (gw_req_t *req)
{
    //  A subscriber ends the silences it made; an admin any.
    s_end_own (req, &web_silence_end_sql, s_creator (req), "silence");
}

void
web_subscribe (gw_req_t *req)
{
    char url [520], secret [220], indicator [72], org [72], err [512];
    if (!gateway_form (req, "url", url, sizeof url) || !gateway_form (req, "secret", secret, sizeof secret)) {
        s_alerts_page (req, "A subscription needs a webhook URL and a signing secret.");
        return;
    }
    json_t *filter = json_object (), *rules = json_array ();
    const char *names [] = { "off_target", "outside_range", "worse_than_england", "deteriorating", "data_missing" };
    for (int i = 0; i < 5; i++) {
        char field [40], v [8];
        snprintf (field, sizeof field, "rule_%s", names [i]);
        if (gateway_form (req, field, v, sizeof v))
            json_array_append_new (rules, json_string (names [i]));
    }
    json_object_set_new (filter, "rules", rules);
    if (gateway_form (req, "indicator", indicator, sizeof indicator) && *indicator)
        json_object_set_new (filter, "indicators", json_pack ("[s]", indicator));
    if (gateway_form (req, "org_unit", org, sizeof org) && *org)
        json_object_set_new (filter, "org_unit", json_string (org));
    char fallback [40];
    snprintf (fallback, sizeof fallback, "key-%lld", req->key.id);
    bool admin = strcmp (req->key.role, "admin") == 0;
    subscription_t s = { .subscriber = req->key.label [0] ? req->key.label : fallback, .filter = filter,
                         .url = url, .secret = secret, .owner_key = admin ? 0 : req->key.id };
    json_t *created = NULL;
    subscription_rc_t rc = subscription_create (gateway_db (req->gw), &s, req->gw->cfg.webhook_allow, &created, err,
                                                sizeof err);
    json_decref (created);
    json_decref (filter);
    if (rc == SUBSCRIPTION_OK)
        gateway_redirect (req, "/ui/alerts");
    else
        s_alerts_page (req, rc == SUBSCRIPTION_INVALID ? err : "The database did not answer; try again.");
}

void
web_unsubscribe (gw_req_t *req)
{
    //  A key ends the subscriptions it made; an admin any.
    char owner [24];
    snprintf (owner, sizeof owner, "%lld", req->key.id);
    s_end_own (req, &gateway_delete_subscription_sql, owner, "subscription");
}

// ---------------------------------------------------------------------
//  Feeds

//  Due / reported / missing for one partner's feed of one cadence: the
//  series (indicator and org unit) that had begun by the end of the due
//  period, and how many have a figure for it.  The same rule as alert's
//  data_missing.
static void
s_completeness (htmlbuf_t *b, gw_req_t *req, const char *partner)
{
    const char *p [1] = { partner };
    PGresult *g = web_query_stmt (req, &web_feeds_due_sql, p);
    if (!g)
        return;
    htmlbuf_append (b, "<section aria-labelledby=\"complete-h\"><h2 id=\"complete-h\">Completeness</h2><table class=\"data\""
                       " id=\"completeness\"><thead><tr><th scope=\"col\">Partner</th><th scope=\"col\">Cadence</th>"
                       "<th scope=\"col\">Due period</th><th scope=\"col\">Due</th><th scope=\"col\">Reported</th>"
                       "<th scope=\"col\">Missing</th></tr></thead><tbody>");

    for (int i = 0; i < PQntuples (g); i++) {
        period_t due;
        char code [PERIOD_CODE_MAX], end [16];
        if (period_due (period_type_from_name (PQgetvalue (g, i, 1)), period_today (), atoi (PQgetvalue (g, i, 2)), &due))
            continue;
        period_format (&due, code, sizeof code);
        period_iso (due.end, end, sizeof end);
        const char *q [5] = { PQgetvalue (g, i, 0), PQgetvalue (g, i, 1), PQgetvalue (g, i, 2), code, end };
        PGresult *c = web_query_stmt (req, &web_feed_completeness_sql, q);
        if (!c)
            break;
        long want = atol (PQgetvalue (c, 0, 0)), got = atol (PQgetvalue (c, 0, 1));
        htmlbuf_append (b, "<tr data-partner=\"");
        htmlbuf_html (b, PQgetvalue (g, i, 0));
        htmlbuf_append (b, "\" data-frequency=\"");
        htmlbuf_html (b, PQgetvalue (g, i, 1));
        htmlbuf_append (b, "\">");
        s_cells (b, g, i, 0, 1);
        htmlbuf_printf (b, "<td>%s</td><td class=\"num\">%ld</td><td class=\"num\">%ld</td><td class=\"num%s\">%ld</td></tr>",
                        code, want, got, want > got ? " missing" : "", want - got);
        PQclear (c);
    }
    htmlbuf_append (b, "</tbody></table><p class=\"meta\">A series is due once it has begun; the due period is the latest"
                       " one whose figures should have arrived by today (the indicator's lag after the period ends).</p>"
                       "</section>");
    PQclear (g);
}

static void
s_batches (htmlbuf_t *b, gw_req_t *req, const char *partner)
{
    const char *p [1] = { partner };
    PGresult *r = web_query_stmt (req, &web_batches_sql, p);
    if (!r)
        return;
    htmlbuf_append (b, "<section aria-labelledby=\"batches-h\"><h2 id=\"batches-h\">Recent batches</h2><div class=\"scroll\">"
                       "<table class=\"data\" id=\"batches\"><thead><tr><th scope=\"col\">Batch</th><th scope=\"col\">"
                       "Partner</th><th scope=\"col\">Key</th><th scope=\"col\">Received (UTC)</th><th scope=\"col\">"
                       "Format</th><th scope=\"col\">Accepted</th><th scope=\"col\">Rejected</th><th scope=\"col\">"
                       "Rejected rows</th></tr></thead><tbody>");
    for (int i = 0; i < PQntuples (r); i++) {
        htmlbuf_printf (b, "<tr data-batch=\"%s\">", PQgetvalue (r, i, 0));
        s_cells (b, r, i, 0, 4);
        htmlbuf_printf (b, "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"errors\">", PQgetvalue (r, i, 5),
                        PQgetvalue (r, i, 6));
        htmlbuf_html (b, PQgetvalue (r, i, 7));
        htmlbuf_append (b, "</td></tr>");
    }
    htmlbuf_append (b, "</tbody></table></div></section>");
    PQclear (r);
}

void
web_feeds (gw_req_t *req)
{
    const char *partner = strcmp (req->key.role, "partner") == 0 ? req->key.partner : NULL;
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, partner ? "Your feeds" : "Feeds", "feeds");
    s_completeness (&b, req, partner);
    if (req->status == 0)
        s_batches (&b, req, partner);
    if (req->status) {
        htmlbuf_free (&b);
        return;
    }
    web_close (&b, req);
}

// ---------------------------------------------------------------------
//  Keys (admins)

static void
s_keys_page (gw_req_t *req, const char *made, const char *message)
{
    PGresult *r = web_query_stmt (req, &web_keys_listed_sql, NULL);
    if (!r)
        return;
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, "API keys", "keys");
    if (made) {
        htmlbuf_append (&b, "<p class=\"made\" role=\"status\">The new key, shown this once: <code id=\"new-key\">");
        htmlbuf_html (&b, made);
        htmlbuf_append (&b, "</code></p>");
    }
    if (message) {
        htmlbuf_append (&b, "<p class=\"error\" role=\"alert\">");
        htmlbuf_html (&b, message);
        htmlbuf_append (&b, "</p>");
    }
    htmlbuf_append (&b, "<form method=\"post\" action=\"/ui/keys\" class=\"stack\"><h2>Make a key</h2>");
    web_csrf (&b, req);
    htmlbuf_append (&b, "<label>Role <select name=\"role\"><option>reader</option><option>subscriber</option>"
                        "<option>partner</option><option>admin</option></select></label><label>Partner (for a partner key)"
                        " <input name=\"partner\" maxlength=\"64\"></label><label>Label <input name=\"label\" maxlength=\"120\""
                        " required></label><button type=\"submit\">Make key</button></form><table class=\"data\" id=\"keys\">"
                        "<thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Prefix</th><th scope=\"col\">Role</th>"
                        "<th scope=\"col\">Partner</th><th scope=\"col\">Label</th><th scope=\"col\">Made</th>"
                        "<th scope=\"col\">Revoked</th><th scope=\"col\"></th></tr></thead><tbody>");
    for (int i = 0; i < PQntuples (r); i++) {
        htmlbuf_append (&b, "<tr>");
        s_cells (&b, r, i, 0, 6);
        htmlbuf_append (&b, "<td>");
        if (!*PQgetvalue (r, i, 6) && atoll (PQgetvalue (r, i, 0)) != req->key.id) {
            htmlbuf_printf (&b, "<form method=\"post\" action=\"/ui/keys/%s/revoke\">", PQgetvalue (r, i, 0));
            web_csrf (&b, req);
            htmlbuf_append (&b, "<button type=\"submit\">Revoke</button></form>");
        }
        htmlbuf_append (&b, "</td></tr>");
    }
    htmlbuf_append (&b, "</tbody></table>");
    PQclear (r);
    web_close (&b, req);
    if (message)
        req->status = 400;
}

void
web_keys (gw_req_t *req)
{
    s_keys_page (req, NULL, NULL);
}

void
web_key_create (gw_req_t *req)
{
    char role [16], partner [72], label [128], key [APIKEY_LEN + 1], err [256];
    if (!gateway_form (req, "role", role, sizeof role) || !gateway_form (req, "label", label, sizeof label) || !*label
    ||  (strcmp (role, "reader") && strcmp (role, "subscriber") && strcmp (role, "partner") && strcmp (role, "admin"))) {
        s_keys_page (req, NULL, "A key needs a role (reader, subscriber, partner or admin) and a label.");
        return;
    }
    if (!gateway_form (req, "partner", partner, sizeof partner))
        partner [0] = '\0';
    if ((strcmp (role, "partner") == 0) != (partner [0] != '\0')) {
        s_keys_page (req, NULL, "A partner key names its partner, and only a partner key does.");
        return;
    }
    if (apikey_create (gateway_db (req->gw), role, partner, label, key, err, sizeof err) < 0) {
        log_warn ("web_key_create", "{s:s}", "error", err);
        s_keys_page (req, NULL, strstr (err, "foreign key") ? "There is no partner with that code." : "The key could not be made.");
        return;
    }
    log_info ("web_key_created", "{s:s, s:s, s:I}", "role", role, "label", label, "by", (json_int_t) req->key.id);
    s_keys_page (req, key, NULL);
}

void
web_key_revoke (gw_req_t *req)
{
    const char *id = req->params [0];
    char err [256];
    if (!gateway_is_id (id) || atoll (id) == req->key.id) {
        s_keys_page (req, NULL, "Pick a key to revoke by its id (not your own).");
        return;
    }
    int n = apikey_revoke (gateway_db (req->gw), atoll (id), err, sizeof err);
    if (n < 0)
        web_error (req, 503, "The database did not answer; try again.");
    else if (n == 0)
        s_keys_page (req, NULL, "No unrevoked key has that id.");
    else
        gateway_redirect (req, "/ui/keys");
}
