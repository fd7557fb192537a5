/*  gateway_request: what the gateway decides about a request before its
    handler runs, with no HTTP library in sight (so the fuzz harness
    drives it as the server does): the checks on path, arguments and
    headers, the route match, authentication, and problem+json bodies
    that stay valid JSON whatever bytes the client sent.  */
#include "gateway.h"
#include "log.h"
#include "signlink.h"
#include "utf8.h"
#include "websession.h"
#include "web.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

//  What is sent when even the problem body cannot be built (no memory).
static const char s_fallback [] = "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\",\"status\":500}";

static void
s_set_fallback (gw_req_t *req)
{
    free (req->resp);
    req->resp = strdup (s_fallback);
    req->resp_len = req->resp ? strlen (req->resp) : 0;
    req->status = 500;
    req->content_type = "application/problem+json";
}

//  Sets the response to doc (stolen) as text, or to the fallback when it
//  is NULL or cannot be written.
static void
s_set (gw_req_t *req, unsigned int status, json_t *doc, const char *content_type)
{
    char *text = doc ? json_dumps (doc, JSON_COMPACT) : NULL;
    json_decref (doc);
    if (!text) {
        log_error ("http_json_failed", "{s:s}", "route", req->route ? req->route->pattern : "?");
        s_set_fallback (req);
        return;
    }
    free (req->resp);
    req->resp = text;
    req->resp_len = strlen (text);
    req->status = status;
    req->content_type = content_type;
}

void
gateway_problem (gw_req_t *req, unsigned int status, const char *title, const char *fmt, ...)
{
    char raw [1024], detail [1200], instance [400];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (raw, sizeof raw, fmt, ap);
    va_end (ap);
    //  The detail may quote the client's bytes, and the instance is its path.
    utf8_escape (raw, strlen (raw), detail, sizeof detail);
    utf8_escape (req->path, strlen (req->path), instance, sizeof instance);
    json_t *p = json_pack ("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", title,
                           "status", (int) status, "detail", detail, "instance", instance);
    s_set (req, status, p, "application/problem+json");
}

void
gateway_json (gw_req_t *req, unsigned int status, json_t *doc)
{
    s_set (req, status, doc, "application/json");
}

const char *
gateway_arg (gw_req_t *req, const char *name)
{
    for (size_t i = 0; i < req->nargs; i++)
        if (strcmp (req->args [i].name, name) == 0)
            return req->args [i].value && *req->args [i].value ? req->args [i].value : NULL;
    return NULL;
}

const char *
gateway_header (gw_req_t *req, const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++)
        if (strcasecmp (req->headers [i].name, name) == 0)
            return req->headers [i].value;
    return NULL;
}

// ---------------------------------------------------------------------
//  Step 1: the request line and headers

static int
s_hex (char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

size_t
gateway_unescape (char *val)
{
    char *r = val, *w = val;
    while (*r) {
        int hi = r [0] == '%' ? s_hex (r [1]) : -1;
        int lo = hi >= 0 ? s_hex (r [2]) : -1;
        if (lo >= 0 && (hi || lo)) {
            *w++ = (char) (hi * 16 + lo);
            r += 3;
        }
        else
            *w++ = *r++;
    }
    *w = '\0';
    return (size_t) (w - val);
}

//  Matches path against a route pattern, filling req->params.
static bool
s_match (gw_req_t *req, const char *pattern, const char *path)
{
    size_t np = 0;
    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *close = strchr (pattern, '}');
            size_t n = strcspn (path, "/");
            if (!close || n == 0 || n >= sizeof req->params [0] || np == GW_MAX_PARAMS)
                return false;
            memcpy (req->params [np], path, n);
            req->params [np++][n] = '\0';
            pattern = close + 1;
            path += n;
        }
        else if (*pattern++ != *path++)
            return false;
    }
    return !*pattern && !*path;
}

//  A text from the client as JSON and SQL will take it, or a 400 naming it.
static bool
s_clean (gw_req_t *req, const char *what, const char *name, const char *text)
{
    if (utf8_clean (text))
        return true;
    char shown [200];
    utf8_escape (text, strlen (text), shown, sizeof shown);
    gateway_problem (req, 400, "Bad Request", "%s%s%s is not valid UTF-8 text or holds control characters: '%s'",
                     what, name ? " " : "", name ? name : "", shown);
    return false;
}

int
gateway_request_check (gw_req_t *req)
{
    if (req->status)
        return -1;              //  the HTTP layer already refused it
    if (!s_clean (req, "the path", NULL, req->path))
        return -1;
    for (size_t i = 0; i < req->nargs; i++)
        if (!s_clean (req, "the query argument name", NULL, req->args [i].name)
        ||  (req->args [i].value && !s_clean (req, "the query argument", req->args [i].name, req->args [i].value)))
            return -1;
    if (req->http11 && !gateway_header (req, "Host")) {
        gateway_problem (req, 400, "Bad Request", "an HTTP/1.1 request needs a Host header");
        return -1;
    }
    //  The route: the first whose pattern matches, or a 405 naming the
    //  methods the path has.
    req->allow [0] = '\0';
    for (const gw_route_t *r = gateway_routes; r->method; r++) {
        if (!s_match (req, r->pattern, req->path))
            continue;
        if (strcmp (r->method, req->method) == 0) {
            req->route = r;
            break;
        }
        if (!strstr (req->allow, r->method) && strlen (req->allow) + strlen (r->method) + 3 < sizeof req->allow)
            snprintf (req->allow + strlen (req->allow), sizeof req->allow - strlen (req->allow), "%s%s",
                      req->allow [0] ? ", " : "", r->method);
    }
    if (!req->route && req->allow [0]) {
        gateway_problem (req, 405, "Method Not Allowed", "%s is not allowed here; use %s", req->method, req->allow);
        return -1;
    }
    if (!req->route) {
        gateway_problem (req, 404, "Not Found", "no route %s %s; see docs/openapi.yaml", req->method, req->path);
        return -1;
    }
    //  The body's size is known (or promised) before any of it is read.
    const char *cl = gateway_header (req, "Content-Length");
    const char *te = gateway_header (req, "Transfer-Encoding");
    if (cl) {
        char *end;
        unsigned long long n = strtoull (cl, &end, 10);
        if (*end || end == cl || cl [0] == '-') {
            gateway_problem (req, 400, "Bad Request", "Content-Length must be a number of bytes");
            return -1;
        }
        if (n > (unsigned long long) gateway_body_limit (req)) {
            gateway_problem (req, 413, "Payload Too Large", "the body is %llu bytes, over the %zu byte limit%s",
                             n, gateway_body_limit (req), req->route->web ? " of a form" : "; split the batch");
            return -1;
        }
    }
    else if (req->route->body && (!te || req->route->web)) {
        gateway_problem (req, 411, "Length Required", "send the body with a Content-Length header");
        return -1;
    }
    return 0;
}

// ---------------------------------------------------------------------
//  Step 2: who is asking

bool
gateway_is_id (const char *text)
{
    size_t n = strlen (text);
    return n >= 1 && n <= 18 && strspn (text, "0123456789") == n;
}

int
gateway_role_bit (const char *role)
{
    return strcmp (role, "partner") == 0 ? GW_PARTNER : strcmp (role, "subscriber") == 0 ? GW_SUBSCRIBER
         : strcmp (role, "reader") == 0 ? GW_READER : strcmp (role, "admin") == 0 ? GW_ADMIN : 0;
}

//  A signed read-only link (carewatch link): reader access to this GET.
static bool
s_signed_link (gw_req_t *req)
{
    const char *sig = gateway_arg (req, "sig"), *expires = gateway_arg (req, "expires");
    if (!sig || !expires || strlen (sig) != 64 || strspn (expires, "0123456789") != strlen (expires))
        return false;
    if (atoll (expires) < (long long) time (NULL))
        return false;
    const char *names [GW_MAX_ARGS], *values [GW_MAX_ARGS];
    for (size_t i = 0; i < req->nargs; i++) {
        names [i] = req->args [i].name;
        values [i] = req->args [i].value ? req->args [i].value : "";
    }
    char want [65];
    signlink_sign (req->gw->link_secret, req->path, names, values, req->nargs, want);
    if (sodium_memcmp (want, sig, 64) != 0)
        return false;
    memset (&req->key, 0, sizeof req->key);
    snprintf (req->key.role, sizeof req->key.role, "reader");
    snprintf (req->key.label, sizeof req->key.label, "signed-link");
    return true;
}

void
gateway_urlencode (const char *text, char *out, size_t outlen, bool slash)
{
    size_t n = 0;
    for (const unsigned char *c = (const unsigned char *) text; *c && n + 3 < outlen; c++) {
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr ("-._~", *c)
        ||  (slash && *c == '/'))
            out [n++] = (char) *c;
        else
            n += (size_t) snprintf (out + n, outlen - n, "%%%02X", *c);
    }
    out [n] = '\0';
}

//  A person's session (the cookie the sign-in page set).  No session: a
//  GET is sent to the sign-in page, to come back here after.
static bool
s_web_session (gw_req_t *req)
{
    char token [64], err [256];
    const char *cookie = gateway_header (req, "Cookie");
    int found = cookie && websession_cookie (cookie, WEBSESSION_COOKIE, token, sizeof token)
              ? websession_lookup (gateway_db (req->gw), token, &req->key, req->csrf, err, sizeof err) : 0;
    if (found < 0) {
        log_warn ("http_auth_database", "{s:s}", "error", err);
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
        return false;
    }
    if (!found) {
        //  Back here after signing in: the path and its arguments, encoded
        //  as one value (a POST goes back to the overview).
        bool get = strcmp (req->method, "GET") == 0;
        char here [GW_MAX_PATH * 3], next [sizeof here * 3 + 20];
        gateway_urlencode (get ? req->path : "/ui/", here, sizeof here, true);
        for (size_t i = 0; get && i < req->nargs; i++) {
            size_t n = strlen (here);
            snprintf (here + n, sizeof here - n, "%s", i ? "&" : "?");
            gateway_urlencode (req->args [i].name, here + strlen (here), sizeof here - strlen (here), false);
            n = strlen (here);
            snprintf (here + n, sizeof here - n, "=");
            gateway_urlencode (req->args [i].value ? req->args [i].value : "", here + strlen (here), sizeof here - strlen (here),
                         false);
        }
        gateway_urlencode (here, stpcpy (next, "/ui/signin?next="), sizeof next - 16, false);
        //  A Location header holds 511 bytes: a longer way back is dropped.
        if (strlen (next) >= sizeof req->out [0].value)
            snprintf (next, sizeof next, "/ui/signin");
        gateway_redirect (req, next);
        return false;
    }
    req->authed = req->session = true;
    if (!(gateway_role_bit (req->key.role) & req->route->roles)) {
        //  A person gets a page saying so, with the navigation they may use.
        char msg [200];
        snprintf (msg, sizeof msg, "Signed in with a %s key, you may not open this page.", req->key.role);
        web_error (req, 403, msg);
        return false;
    }
    return true;
}

bool
gateway_authorize (gw_req_t *req)
{
    const gw_route_t *route = req->route;
    if (!route->roles)
        return true;
    const char *auth = gateway_header (req, "Authorization");
    if (!auth && route->link && gateway_arg (req, "sig")) {
        if (s_signed_link (req))
            return true;
        gateway_problem (req, 401, "Unauthorized", "the link is not valid or has expired; make a new one with carewatch link");
        return false;
    }
    if (!auth && route->web)
        return s_web_session (req);
    if (!auth || strncmp (auth, "Bearer ", 7) || strlen (auth + 7) > 200) {
        gateway_problem (req, 401, "Unauthorized", "send an API key as 'Authorization: Bearer <key>'"
                         " (carewatch key create --role ... makes one)");
        return false;
    }
    char err [256];
    int found = apikey_lookup (gateway_db (req->gw), auth + 7, &req->key, err, sizeof err);
    if (found < 0) {
        log_warn ("http_auth_database", "{s:s}", "error", err);
        gateway_problem (req, 503, "Service Unavailable", "the database did not answer; try again");
        return false;
    }
    if (!found) {
        gateway_problem (req, 401, "Unauthorized", "the API key is not valid or has been revoked");
        return false;
    }
    req->authed = true;
    if (!(gateway_role_bit (req->key.role) & route->roles)) {
        gateway_problem (req, 403, "Forbidden", "a %s key may not %s %s", req->key.role, req->method, req->path);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------
//  Step 4: the handler

//  A form posted from a page of ours: the session's CSRF token is in the
//  body, and the Origin is this gateway's.
static bool
s_csrf_ok (gw_req_t *req)
{
    char token [64];
    if (!gateway_form (req, "csrf", token, sizeof token) || !req->csrf [0]
    ||  strlen (token) != strlen (req->csrf) || sodium_memcmp (token, req->csrf, strlen (token)) != 0)
        return false;
    return gateway_same_origin (req);
}

bool
gateway_same_origin (gw_req_t *req)
{
    const char *origin = gateway_header (req, "Origin"), *host = gateway_header (req, "Host");
    const char *o = origin ? strstr (origin, "://") : NULL;
    return !origin || (o && host && strcmp (o + 3, host) == 0);
}

size_t
gateway_body_limit (const gw_req_t *req)
{
    return req->route && req->route->web ? GW_MAX_FORM : (size_t) req->gw->cfg.max_body_bytes;
}

void
gateway_run (gw_req_t *req)
{
    long long t0 = zclock_usecs ();
    if (req->session && strcmp (req->method, "POST") == 0 && !s_csrf_ok (req))
        gateway_problem (req, 403, "Forbidden", "the form's CSRF token is missing or wrong; reload the page and"
                         " send it again");
    else
        req->route->handler (req);
    req->handler_us = zclock_usecs () - t0;
}

void
gateway_html (gw_req_t *req, unsigned int status, char *html, size_t len)
{
    if (!html) {
        gateway_problem (req, 500, "Internal Server Error", "the page could not be made (out of memory)");
        return;
    }
    free (req->resp);
    req->resp = html;
    req->resp_len = len;
    req->status = status;
    req->content_type = "text/html; charset=utf-8";
}

void
gateway_set_header (gw_req_t *req, const char *name, const char *fmt, ...)
{
    if (req->nout == sizeof req->out / sizeof req->out [0]) {
        log_warn ("http_header_dropped", "{s:s}", "name", name);
        return;
    }
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (req->out [req->nout].value, sizeof req->out [req->nout].value, fmt, ap);
    va_end (ap);
    //  No header splitting, whatever went into the value.
    for (char *c = req->out [req->nout].value; *c; c++)
        if (*c == '\r' || *c == '\n')
            *c = ' ';
    req->out [req->nout++].name = name;
}

void
gateway_redirect (gw_req_t *req, const char *location)
{
    //  Only to a path here: never "//host", "/\\host" or a scheme, nor
    //  with a control character a browser would drop ("/\t/host").
    bool control = false;
    for (const unsigned char *c = (const unsigned char *) location; *c; c++)
        control = control || *c < 0x20 || *c == 0x7f;
    if (location [0] != '/' || location [1] == '/' || location [1] == '\\' || control)
        location = "/ui/";
    gateway_set_header (req, "Location", "%s", location);
    free (req->resp);
    req->resp = strdup ("");
    req->resp_len = 0;
    req->status = 303;
    req->content_type = "text/plain";
}

bool
gateway_form (gw_req_t *req, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen (name);
    const char *s = req->body, *end = req->body ? req->body + req->len : NULL;
    while (s && s < end) {
        const char *amp = memchr (s, '&', (size_t) (end - s));
        const char *stop = amp ? amp : end;
        if ((size_t) (stop - s) > nlen && strncmp (s, name, nlen) == 0 && s [nlen] == '=') {
            const char *v = s + nlen + 1;
            size_t n = 0;
            for (; v < stop; v++) {
                if (n + 1 >= outlen)
                    return false;
                int hi, lo;
                if (*v == '%' && stop - v > 2 && (hi = s_hex (v [1])) >= 0 && (lo = s_hex (v [2])) >= 0) {
                    out [n++] = (char) (hi * 16 + lo);
                    v += 2;
                }
                else
                    out [n++] = *v == '+' ? ' ' : *v;
            }
            out [n] = '\0';
            //  A NUL or broken UTF-8 in a field is refused like anywhere else.
            return strlen (out) == n && utf8_clean (out);
        }
        s = amp ? amp + 1 : end;
    }
    return false;
}
