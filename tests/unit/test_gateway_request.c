/*  gateway_request: the checks a request meets before its handler, with
    no HTTP server: the route table, UTF-8, Host, Content-Length, problem
    bodies that stay JSON whatever the client sent, and the decoder that
    keeps %00 literal.  */
#include "check.h"
#include "gateway.h"
#include "websession.h"
#include "web.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static gateway_t s_gw;

static gw_req_t *
s_req (const char *method, const char *path)
{
    gw_req_t *r = calloc (1, sizeof *r);
    r->gw = &s_gw;
    snprintf (r->method, sizeof r->method, "%s", method);
    snprintf (r->path, sizeof r->path, "%s", path);
    r->http11 = true;
    r->headers [r->nheaders++] = (gw_kv_t) { "Host", "x" };
    return r;
}

static void
s_free (gw_req_t *r)
{
    free (r->resp);
    free (r);
}

//  Status of gateway_request_check, and the problem body is valid JSON.
static unsigned int
s_check (gw_req_t *r)
{
    int rc = gateway_request_check (r);
    if (rc == 0)
        return 0;
    json_t *p = json_loadb (r->resp, r->resp_len, 0, NULL);
    CHECK (p != NULL);
    CHECK_INT (json_integer_value (json_object_get (p, "status")), r->status);
    json_decref (p);
    return r->status;
}

//  The web pages' plumbing: form fields, the CSRF check before a form's
//  handler, redirects only to paths here, headers without line breaks,
//  the session cookie, the embedded assets.
static void
s_web (void)
{
    gw_req_t *r = s_req ("POST", "/ui/signout");
    r->headers [r->nheaders++] = (gw_kv_t) { "Content-Length", "12" };
    CHECK_INT (s_check (r), 0);
    CHECK (r->route->web && r->route->body);
    r->body = strdup ("a=1&csrf=t%2Bk+n&label=caf%C3%A9%21&nul=x%00y&bad=%ff");
    r->len = strlen (r->body);
    char v [32];
    CHECK (gateway_form (r, "csrf", v, sizeof v));
    CHECK_STR (v, "t+k n");
    CHECK (gateway_form (r, "label", v, sizeof v));
    CHECK_STR (v, "caf\xc3\xa9!");
    CHECK (!gateway_form (r, "nul", v, sizeof v));     //  a NUL never cuts a field short
    CHECK (!gateway_form (r, "bad", v, sizeof v));     //  nor is broken UTF-8 let in
    CHECK (!gateway_form (r, "missing", v, sizeof v));
    CHECK (!gateway_form (r, "label", v, 4));          //  too long for the buffer: refused, not cut
    //  A session's form with the wrong token, or none: 403, handler not run.
    r->session = true;
    snprintf (r->csrf, sizeof r->csrf, "t+k n");
    free (r->body);
    r->body = strdup ("csrf=wrong");
    r->len = strlen (r->body);
    gateway_run (r);
    CHECK_INT (r->status, 403);
    CHECK_INT (r->nout, 0);
    free (r->body);
    r->body = strdup ("csrf=t%2Bk+n");
    r->len = strlen (r->body);
    //  The right token from another site's page (Origin): 403.
    r->headers [r->nheaders++] = (gw_kv_t) { "Origin", "http://evil.example" };
    r->status = 0;
    gateway_run (r);
    CHECK_INT (r->status, 403);
    //  From this gateway's own page: the handler runs (sign-out: cookie
    //  cleared, back to the sign-in page).
    r->headers [r->nheaders - 1] = (gw_kv_t) { "Origin", "http://x" };
    r->status = 0;
    gateway_run (r);
    CHECK_INT (r->status, 303);
    CHECK_STR (r->out [0].name, "Set-Cookie");
    CHECK_CONTAINS (r->out [0].value, "Max-Age=0");
    CHECK_CONTAINS (r->out [0].value, "HttpOnly");
    CHECK_STR (r->out [1].value, "/ui/signin");
    free (r->body);
    s_free (r);
    //  Redirects stay on this gateway; header values lose line breaks.
    r = s_req ("GET", "/ui");
    gateway_redirect (r, "//evil.example/ui/");
    CHECK_STR (r->out [0].value, "/ui/");
    gateway_set_header (r, "X-Test", "a\r\nSet-Cookie: b");
    CHECK_STR (r->out [1].value, "a  Set-Cookie: b");
    s_free (r);
    const char *away [] = { "/\t/evil.example/", "/\\evil.example", "https://evil.example/", "/ui/\n" };
    for (size_t i = 0; i < 4; i++) {
        r = s_req ("GET", "/ui");
        gateway_redirect (r, away [i]);
        CHECK_STR (r->out [0].value, "/ui/");
        s_free (r);
    }
    //  Codes in links are percent-encoded; CSV fields quoted when they must be.
    htmlbuf_t hb = HTMLBUF_INIT;
    web_url (&hb, "pi-2257");
    htmlbuf_append (&hb, " ");
    web_url (&hb, "a b?c#d/\"e%");
    CHECK_STR (hb.data, "pi-2257 a%20b%3Fc%23d%2F%22e%25");
    htmlbuf_free (&hb);
    web_url (&hb, "a");                 //  a one-character code is not lost
    web_url (&hb, "%");
    CHECK_STR (hb.data, "a%25");
    htmlbuf_free (&hb);
    htmlbuf_csv (&hb, "plain");
    htmlbuf_append (&hb, "|");
    htmlbuf_csv (&hb, "a,b \"q\"\nx");
    CHECK_STR (hb.data, "plain|\"a,b \"\"q\"\"\nx\"");
    htmlbuf_free (&hb);
    //  Sign-in refuses a form from another origin, "null" included (a
    //  sandboxed frame or a data: page), before any key is looked up.
    const char *origins [] = { "null", "http://evil.example" };
    for (size_t i = 0; i < 2; i++) {
        r = s_req ("POST", "/ui/signin");
        r->headers [r->nheaders++] = (gw_kv_t) { "Content-Length", "20" };
        r->headers [r->nheaders++] = (gw_kv_t) { "Origin", origins [i] };
        CHECK_INT (s_check (r), 0);
        r->body = strdup ("key=cw_attackers_key");
        r->len = strlen (r->body);
        gateway_run (r);
        CHECK_INT (r->status, 403);
        CHECK_INT (r->nout, 0);         //  no session cookie
        free (r->body);
        s_free (r);
    }
    //  The session cookie among others.
    char tok [64];
    CHECK (websession_cookie ("a=1; cw_session=abc; b=2", "cw_session", tok, sizeof tok));
    CHECK_STR (tok, "abc");
    CHECK (!websession_cookie ("xcw_session=abc", "cw_session", tok, sizeof tok));
    CHECK (!websession_cookie ("cw_session=abcdef", "cw_session", tok, 4));
    CHECK (!websession_cookie ("", "cw_session", tok, sizeof tok));
    //  A form's body is small, and its length is said up front, even for
    //  the sign-in form that needs no key.
    r = s_req ("POST", "/ui/signin");
    r->headers [r->nheaders++] = (gw_kv_t) { "Content-Length", "16385" };
    CHECK_INT (s_check (r), 413);
    s_free (r);
    r = s_req ("POST", "/ui/signin");
    r->headers [r->nheaders++] = (gw_kv_t) { "Transfer-Encoding", "chunked" };
    CHECK_INT (s_check (r), 411);
    s_free (r);
    r = s_req ("POST", "/ui/signin");
    r->headers [r->nheaders++] = (gw_kv_t) { "Content-Length", "16384" };
    CHECK_INT (s_check (r), 0);
    CHECK_INT (gateway_body_limit (r), GW_MAX_FORM);
    s_free (r);
    //  Assets come from the binary, typed by name.
    r = s_req ("GET", "/ui/static/app.css");
    CHECK_INT (s_check (r), 0);
    gateway_run (r);
    CHECK_INT (r->status, 200);
    CHECK_STR (r->content_type, "text/css; charset=utf-8");
    CHECK_CONTAINS (r->resp, "@media print");
    s_free (r);
    r = s_req ("GET", "/ui/static/nothing.js");
    CHECK_INT (s_check (r), 0);
    gateway_run (r);
    CHECK_INT (r->status, 404);
    s_free (r);
}

int
main (void)
{
    char err [256];
    CHECK_INT (config_load (&s_gw.cfg, err, sizeof err), 0);
    s_gw.cfg.max_body_bytes = 65536;
    pthread_mutex_init (&s_gw.lock, NULL);

    //  Routes and their placeholders.
    gw_req_t *r = s_req ("GET", "/v1/indicators/pi-2257/values");
    CHECK_INT (s_check (r), 0);
    CHECK_STR (r->route->pattern, "/v1/indicators/{code}/values");
    CHECK_STR (r->params [0], "pi-2257");
    CHECK_INT (r->route->pool, GW_POOL_DB);
    s_free (r);
    r = s_req ("GET", "/v1/scorecards/FY2022-23Q2");
    CHECK_INT (s_check (r), 0);
    CHECK_INT (r->route->pool, GW_POOL_EXPORT);
    CHECK (r->route->link);
    s_free (r);
    r = s_req ("GET", "/healthz");
    CHECK_INT (s_check (r), 0);
    CHECK_INT (r->route->roles, 0);
    CHECK_INT (r->route->pool, GW_POOL_INLINE);
    s_free (r);
    const char *missing [] = { "/v1/indicators/pi-2257/values/extra", "/nothing", "/v1/indicators//values", "/healthz/" };
    for (size_t i = 0; i < 4; i++) {
        r = s_req ("GET", missing [i]);
        CHECK_INT (s_check (r), 404);
        s_free (r);
    }
    r = s_req ("PUT", "/v1/batches");
    CHECK_INT (s_check (r), 405);
    CHECK_STR (r->allow, "POST");
    s_free (r);
    r = s_req ("PATCH", "/v1/subscriptions");
    CHECK_INT (s_check (r), 405);
    CHECK_STR (r->allow, "GET, POST");
    s_free (r);
    //  Every route has a handler, and no two share method and pattern;
    //  only the sign-in form takes a body from a caller with no key.
    for (const gw_route_t *a = gateway_routes; a->method; a++) {
        CHECK (a->handler != NULL);
        CHECK (!a->body || a->roles || strcmp (a->pattern, "/ui/signin") == 0);
        for (const gw_route_t *b = a + 1; b->method; b++)
            CHECK (strcmp (a->method, b->method) || strcmp (a->pattern, b->pattern));
    }

    //  Bytes that are not UTF-8, in the path or an argument: 400, as JSON.
    r = s_req ("GET", "/v1/scorecards/\xff");
    CHECK_INT (s_check (r), 400);
    CHECK_CONTAINS (r->resp, "\\\\xFF");
    s_free (r);
    r = s_req ("GET", "/v1/scorecards/FY2022-23Q2");
    r->args [r->nargs++] = (gw_kv_t) { "org_unit", "\xc0\xae" };
    CHECK_INT (s_check (r), 400);
    CHECK_CONTAINS (r->resp, "org_unit");
    s_free (r);
    r = s_req ("GET", "/v1/alerts");
    r->args [r->nargs++] = (gw_kv_t) { "\xed\xa0\x80", "x" };
    CHECK_INT (s_check (r), 400);
    s_free (r);
    //  HTTP/1.1 without Host.
    r = s_req ("GET", "/healthz");
    r->nheaders = 0;
    CHECK_INT (s_check (r), 400);
    CHECK_CONTAINS (r->resp, "Host");
    r->http11 = false;
    r->status = 0;
    CHECK_INT (s_check (r), 0);
    s_free (r);
    //  Bodies: the length before anything is read.
    r = s_req ("POST", "/v1/batches");
    CHECK_INT (s_check (r), 411);
    s_free (r);
    r = s_req ("POST", "/v1/batches");
    r->headers [r->nheaders++] = (gw_kv_t) { "content-length", "1073741824" };
    CHECK_INT (s_check (r), 413);
    CHECK_CONTAINS (r->resp, "65536");
    s_free (r);
    r = s_req ("POST", "/v1/batches");
    r->headers [r->nheaders++] = (gw_kv_t) { "Content-Length", "12abc" };
    CHECK_INT (s_check (r), 400);
    s_free (r);
    r = s_req ("POST", "/v1/batches");
    r->headers [r->nheaders++] = (gw_kv_t) { "Transfer-Encoding", "chunked" };
    CHECK_INT (s_check (r), 0);
    s_free (r);

    //  A problem quoting bytes that are not UTF-8 is still JSON.
    r = s_req ("GET", "/x\xfe");
    gateway_problem (r, 400, "Bad Request", "value '%s' and a bell \x07", "\xff\xc3");
    json_t *p = json_loadb (r->resp, r->resp_len, 0, NULL);
    CHECK (p != NULL);
    CHECK_STR (json_string_value (json_object_get (p, "instance")), "/x\\xFE");
    CHECK_STR (json_string_value (json_object_get (p, "detail")), "value '\\xFF\\xC3' and a bell \\x07");
    json_decref (p);
    //  A JSON response that cannot be built is a 500, never a crash.
    gateway_json (r, 200, NULL);
    CHECK_INT (r->status, 500);
    p = json_loadb (r->resp, r->resp_len, 0, NULL);
    CHECK (p != NULL);
    json_decref (p);
    s_free (r);

    //  The decoder: %XX decoded, %00 kept as text, broken escapes left.
    char text [64] = "%41%62c%00d%2%zz%e2%86%97";
    CHECK_INT (gateway_unescape (text), 15);
    CHECK_STR (text, "Abc%00d%2%zz\xe2\x86\x97");

    s_web ();
    pthread_mutex_destroy (&s_gw.lock);
    return check_done ("test_gateway_request");
}
