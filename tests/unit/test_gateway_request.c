/*  gateway_request: the checks a request meets before its handler, with
    no HTTP server: the route table, UTF-8, Host, Content-Length, problem
    bodies that stay JSON whatever the client sent, and the decoder that
    keeps %00 literal.  */
#include "check.h"
#include "gateway.h"

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
    const char *missing [] = { "/v1/indicators/pi-2257/values/extra", "/", "/v1/indicators//values", "/healthz/" };
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
    //  Every route has a handler, and no two share method and pattern.
    for (const gw_route_t *a = gateway_routes; a->method; a++) {
        CHECK (a->handler != NULL);
        CHECK (!a->body || a->roles);
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
    pthread_mutex_destroy (&s_gw.lock);
    return check_done ("test_gateway_request");
}
