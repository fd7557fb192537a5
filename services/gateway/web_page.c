/*  web_page: the pages' shell, their helpers, the assets and sign-in.  */
#include "web.h"
#include "gateway_store.h"
#include "embedded.h"
#include "figure.h"
#include "log.h"
#include "period.h"
#include "verdict.h"
#include "websession.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// ---------------------------------------------------------------------
//  The shell

void
web_open (htmlbuf_t *b, gw_req_t *req, const char *title, const char *section)
{
    static const struct {
        const char *id, *href, *text;
        int roles;
    } nav [] = {
        { "overview", "/ui/", "Overview", GW_READER | GW_SUBSCRIBER | GW_ADMIN },
        { "areas", "/ui/areas/dudley", "Areas", GW_READER | GW_SUBSCRIBER | GW_ADMIN },
        { "alerts", "/ui/alerts", "Alerts", GW_READER | GW_SUBSCRIBER | GW_ADMIN },
        { "feeds", "/ui/feeds", "Feeds", GW_PARTNER | GW_ADMIN },
        { "keys", "/ui/keys", "Keys", GW_ADMIN },
    };
    htmlbuf_append (b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
    htmlbuf_html (b, title);
    htmlbuf_append (b, " · carewatch</title><link rel=\"stylesheet\" href=\"/ui/static/app.css\">"
                       "<script src=\"/ui/static/app.js\" defer></script></head>\n<body>"
                       "<a class=\"skip\" href=\"#main\">Skip to content</a><header class=\"top\">"
                       "<a class=\"brand\" href=\"/ui/\">carewatch</a><nav aria-label=\"Main\"><ul>");
    int bits = req->authed ? gateway_role_bit (req->key.role) : 0;
    for (size_t i = 0; i < sizeof nav / sizeof nav [0]; i++)
        if (nav [i].roles & bits)
            htmlbuf_printf (b, "<li><a href=\"%s\"%s>%s</a></li>", nav [i].href,
                            section && strcmp (section, nav [i].id) == 0 ? " aria-current=\"page\"" : "", nav [i].text);
    htmlbuf_append (b, "</ul></nav>");
    if (req->authed) {
        htmlbuf_append (b, "<div class=\"who\"><span>");
        htmlbuf_html (b, req->key.label [0] ? req->key.label : req->key.role);
        htmlbuf_append (b, " (");
        htmlbuf_html (b, req->key.role);
        htmlbuf_append (b, ")</span>");
        if (req->session) {
            htmlbuf_append (b, "<form method=\"post\" action=\"/ui/signout\">");
            web_csrf (b, req);
            htmlbuf_append (b, "<button type=\"submit\">Sign out</button></form>");
        }
        htmlbuf_append (b, "</div>");
    }
    htmlbuf_append (b, "</header>\n<main id=\"main\" tabindex=\"-1\"><h1>");
    htmlbuf_html (b, title);
    htmlbuf_append (b, "</h1>\n");
}

void
web_close (htmlbuf_t *b, gw_req_t *req)
{
    htmlbuf_append (b, "</main>\n<footer><p>carewatch · figures as calculated from the partners' feeds;"
                       " ★ on target, ◆ tolerance, ▲ below target, ○ missing; ● better, ○ similar, ◉ worse than"
                       " England (95% interval); ↗ improved, ↘ worsening.</p></footer></body></html>\n");
    size_t len;
    char *html = htmlbuf_take (b, &len);
    gateway_html (req, 200, html, len);
}

void
web_finish (htmlbuf_t *b, gw_req_t *req)
{
    if (req->status)
        htmlbuf_free (b);
    else
        web_close (b, req);
}

void
web_url (htmlbuf_t *b, const char *text)
{
    size_t len = text ? strlen (text) * 3 + 1 : 1;
    char *out = malloc (len);
    if (!out) {
        b->failed = true;
        return;
    }
    gateway_urlencode (text ? text : "", out, len, false);
    htmlbuf_append (b, out);
    free (out);
}

void
web_error (gw_req_t *req, unsigned int status, const char *message)
{
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, status == 404 ? "Not found" : status == 503 ? "Try again" : status == 403 ? "Not for your role"
              : "Something is wrong", NULL);
    htmlbuf_append (&b, "<p class=\"error\" role=\"alert\">");
    htmlbuf_html (&b, message);
    htmlbuf_append (&b, "</p><p><a href=\"/ui/\">Back to the overview</a></p>");
    web_close (&b, req);
    req->status = status;
}

//  A page's query failed: logged, and a 503 page for the person.
static PGresult *
s_answer (gw_req_t *req, PGresult *r, const char *err)
{
    if (!r) {
        log_warn ("web_database", "{s:s, s:s}", "path", req->path, "error", err);
        web_error (req, 503, "The database did not answer. Reload the page in a moment.");
    }
    return r;
}

PGresult *
web_query_stmt (gw_req_t *req, const db_stmt_t *stmt, const char *const *params)
{
    char err [256];
    return s_answer (req, db_exec_stmt (gateway_db (req->gw), stmt, params, DB_TUPLES, err, sizeof err), err);
}

PGresult *
web_query_row (gw_req_t *req, const db_stmt_t *stmt, const char *const *params, const char *missing)
{
    PGresult *r = web_query_stmt (req, stmt, params);
    if (r && PQntuples (r) == 0) {
        PQclear (r);
        web_error (req, 404, missing);
        return NULL;
    }
    return r;
}

double
web_num (const PGresult *r, int row, int col)
{
    if (PQgetisnull (r, row, col) || !*PQgetvalue (r, row, col))
        return NAN;
    return atof (PQgetvalue (r, row, col));
}

const char *
web_text (const PGresult *r, int row, int col)
{
    return PQgetisnull (r, row, col) ? NULL : PQgetvalue (r, row, col);
}

void
web_csrf (htmlbuf_t *b, gw_req_t *req)
{
    htmlbuf_append (b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    htmlbuf_html (b, req->csrf);
    htmlbuf_append (b, "\">");
}

void
web_verdict (htmlbuf_t *b, const char *name)
{
    const char *words = verdict_words (name);
    htmlbuf_append (b, "<span class=\"v v-");
    htmlbuf_html (b, name ? name : "none");
    htmlbuf_printf (b, "\"><span class=\"sym\" aria-hidden=\"true\">%s</span> ", verdict_symbol (name));
    htmlbuf_html (b, words ? words : name ? name : "–");
    htmlbuf_append (b, "</span>");
}

void
web_figure (htmlbuf_t *b, double value, const char *unit)
{
    char text [FIGURE_MAX];
    htmlbuf_append (b, "<span class=\"fig\"");
    if (isfinite (value)) {
        htmlbuf_append (b, " data-value=\"");
        htmlbuf_number (b, value);
        htmlbuf_append (b, "\"");
    }
    htmlbuf_append (b, ">");
    htmlbuf_html (b, figure_value (value, unit, text, sizeof text));
    htmlbuf_append (b, "</span>");
}

const char *
web_code_arg (gw_req_t *req, const char *name, const char *dflt)
{
    const char *v = gateway_arg (req, name);
    if (!v || strlen (v) > 64 || strspn (v, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen (v))
        return dflt;
    return v;
}

int
web_as_at (gw_req_t *req, char *code, size_t codelen, char *end_iso, size_t endlen)
{
    const char *arg = gateway_arg (req, "as_at");
    period_t p;
    char err [128];
    if (arg) {
        if (period_parse (arg, &p, err, sizeof err)) {
            char msg [256];
            snprintf (msg, sizeof msg, "as_at: %s (a period such as FY2022-23Q2)", err);
            web_error (req, 400, msg);
            return -1;
        }
    }
    else {
        PGresult *r = web_query_stmt (req, &web_as_at_sql, NULL);
        if (!r)
            return -1;
        period_day_t day = PQgetisnull (r, 0, 0) ? period_today ()
                         : period_day (atoi (PQgetvalue (r, 0, 0)), atoi (PQgetvalue (r, 0, 1)), atoi (PQgetvalue (r, 0, 2)));
        PQclear (r);
        period_containing (PERIOD_FQUARTER, day, &p);
    }
    period_format (&p, code, codelen);
    period_iso (p.end, end_iso, endlen);
    return 0;
}

void
web_period_picker (htmlbuf_t *b, gw_req_t *req, const char *action, const char *current, const char *const *keep)
{
    htmlbuf_append (b, "<form class=\"picker\" method=\"get\" action=\"");
    htmlbuf_html (b, action);
    htmlbuf_append (b, "\"><label for=\"as_at\">As at</label> <select id=\"as_at\" name=\"as_at\" class=\"autosubmit\">");
    period_t q;
    period_containing (PERIOD_FQUARTER, period_today (), &q);
    bool seen = false;
    for (int i = 0; i < 40; i++) {
        char code [PERIOD_CODE_MAX], label [64];
        period_format (&q, code, sizeof code);
        bool sel = current && strcmp (code, current) == 0;
        seen = seen || sel;
        htmlbuf_printf (b, "<option value=\"%s\"%s>%s</option>", code, sel ? " selected" : "",
                        period_label (code, label, sizeof label));
        if (period_previous (&q, &q))
            break;
    }
    if (!seen && current) {
        htmlbuf_append (b, "<option selected value=\"");
        htmlbuf_html (b, current);
        htmlbuf_append (b, "\">");
        htmlbuf_html (b, current);
        htmlbuf_append (b, "</option>");
    }
    htmlbuf_append (b, "</select>");
    for (size_t i = 0; keep && keep [i]; i++) {
        const char *v = gateway_arg (req, keep [i]);
        if (!v)
            continue;
        htmlbuf_printf (b, "<input type=\"hidden\" name=\"%s\" value=\"", keep [i]);
        htmlbuf_html (b, v);
        htmlbuf_append (b, "\">");
    }
    htmlbuf_append (b, " <button type=\"submit\">Show</button></form>");
}

// ---------------------------------------------------------------------
//  Assets and the door

void
web_root (gw_req_t *req)
{
    gateway_redirect (req, "/ui/");
}

void
web_asset (gw_req_t *req)
{
    const char *name = req->params [0];
    for (const embedded_file_t *f = embedded_web; f->name; f++)
        if (strcmp (f->name, name) == 0) {
            size_t len = strlen (f->text);
            char *copy = malloc (len + 1);
            if (!copy) {
                gateway_problem (req, 503, "Service Unavailable", "out of memory; try again");
                return;
            }
            memcpy (copy, f->text, len + 1);
            gateway_html (req, 200, copy, len);
            const char *dot = strrchr (name, '.');
            req->content_type = dot && strcmp (dot, ".css") == 0 ? "text/css; charset=utf-8"
                              : dot && strcmp (dot, ".js") == 0 ? "text/javascript; charset=utf-8" : "text/plain";
            return;
        }
    gateway_problem (req, 404, "Not Found", "no asset %s", name);
}

//  Where to go after signing in: a page of ours, else the overview.
static const char *
s_next (const char *next)
{
    if (!next || strncmp (next, "/ui/", 4) || strstr (next, "//") || strchr (next, '\\') || strlen (next) > 400)
        return NULL;
    return next;
}

static void
s_signin_page (gw_req_t *req, unsigned int status, const char *message, const char *next)
{
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, "Sign in", NULL);
    if (message) {
        htmlbuf_append (&b, "<p class=\"error\" role=\"alert\" id=\"signin-error\">");
        htmlbuf_html (&b, message);
        htmlbuf_append (&b, "</p>");
    }
    htmlbuf_append (&b, "<form class=\"signin\" method=\"post\" action=\"/ui/signin\"><p>"
                        "<label for=\"key\">API key</label><br><input id=\"key\" name=\"key\" type=\"password\""
                        " autocomplete=\"current-password\" required size=\"50\" maxlength=\"100\"></p>"
                        "<input type=\"hidden\" name=\"next\" value=\"");
    htmlbuf_html (&b, s_next (next) ? next : "");
    htmlbuf_append (&b, "\"><p><button type=\"submit\">Sign in</button></p><p class=\"hint\">An administrator makes"
                        " keys (<code>carewatch key create --role reader</code>); <code>make run</code> prints one."
                        " The key is exchanged for a session of 12 hours and is not kept by the browser.</p></form>");
    web_close (&b, req);
    req->status = status;
}

void
web_signin_form (gw_req_t *req)
{
    s_signin_page (req, 200, NULL, gateway_arg (req, "next"));
}

void
web_signin (gw_req_t *req)
{
    char key [128], next [420], token [WEBSESSION_TOKEN_LEN + 1], err [256];
    if (!gateway_form (req, "next", next, sizeof next))
        next [0] = '\0';
    //  Another site may not sign a browser in (login CSRF): an Origin, when
    //  sent, must be this gateway ("null", from a sandboxed or data: page,
    //  is not).
    if (!gateway_same_origin (req)) {
        s_signin_page (req, 403, "This form must be sent from carewatch's own sign-in page.", next);
        return;
    }
    apikey_t k;
    int found = gateway_form (req, "key", key, sizeof key) ? apikey_lookup (gateway_db (req->gw), key, &k, err, sizeof err) : 0;
    if (found < 0) {
        s_signin_page (req, 503, "The database did not answer; try again in a moment.", next);
        return;
    }
    if (!found) {
        s_signin_page (req, 401, "That key is not valid or has been revoked.", next);
        return;
    }
    if (websession_create (gateway_db (req->gw), k.id, WEBSESSION_HOURS, token, req->csrf, err, sizeof err)) {
        log_warn ("web_session", "{s:s}", "error", err);
        s_signin_page (req, 503, "The session could not be saved; try again in a moment.", next);
        return;
    }
    bool secure = strncmp (req->gw->cfg.public_url, "https:", 6) == 0;
    gateway_set_header (req, "Set-Cookie", "%s=%s; Path=/ui/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
                        WEBSESSION_COOKIE, token, WEBSESSION_HOURS * 3600, secure ? "; Secure" : "");
    log_info ("web_signin", "{s:I, s:s}", "key", (json_int_t) k.id, "role", k.role);
    const char *to = s_next (next);
    gateway_redirect (req, to ? to : strcmp (k.role, "partner") == 0 ? "/ui/feeds" : "/ui/");
}

void
web_signout (gw_req_t *req)
{
    char token [64], err [256];
    const char *cookie = gateway_header (req, "Cookie");
    if (cookie && websession_cookie (cookie, WEBSESSION_COOKIE, token, sizeof token))
        websession_end (gateway_db (req->gw), token, err, sizeof err);
    gateway_set_header (req, "Set-Cookie", "%s=; Path=/ui/; HttpOnly; SameSite=Strict; Max-Age=0", WEBSESSION_COOKIE);
    gateway_redirect (req, "/ui/signin");
}
