/*  fuzz_gateway: the gateway's request handling as the HTTP server drives
    it, without the server: a request line, headers, a query and a body
    from the input go through gateway_unescape (the server's decoder),
    gateway_request_check (UTF-8, Host, the route table, Content-Length),
    gateway_authorize (signed links, and the 401s that need no database)
    and then the route's own handler under a key of one of the route's
    roles.  The database is real libpq pointed at a socket that is not
    there, so every query fails as a down database does (the handlers'
    503 paths); calls to intake and export end at once (the gateway is
    "stopping").  Nothing else is faked.

    Input: "METHOD PATH[?QUERY] [HTTP/1.0]\n", header lines "Name: value",
    an empty line, the body.  The first byte of the body (when there is
    one) also picks the role.

    Checks: a response is always set, with a status between 200 and 599;
    every problem+json body is valid JSON whose "status" is the status.  */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "log.h"

#define S_CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gateway_t s_gw;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    char err [256];
    log_init ("fuzz_gateway", "error");
    if (config_load (&s_gw.cfg, err, sizeof err))
        abort ();
    s_gw.cfg.max_body_bytes = 65536;
    snprintf (s_gw.db_url, sizeof s_gw.db_url, "host=/nonexistent-carewatch-fuzz dbname=none connect_timeout=1");
    snprintf (s_gw.link_secret, sizeof s_gw.link_secret, "%064d", 7);
    s_gw.stopping = 1;
    pthread_key_create (&s_gw.db_key, NULL);
    pthread_mutex_init (&s_gw.lock, NULL);
    json_object_seed (1);
    return 0;
}

//  Splits "a=b&c=d" into req->args, decoding each side.
static void
s_query (gw_req_t *req, char *q)
{
    for (char *save = NULL, *tok = strtok_r (q, "&", &save); tok && req->nargs < GW_MAX_ARGS;
         tok = strtok_r (NULL, "&", &save)) {
        char *eq = strchr (tok, '=');
        if (eq)
            *eq++ = '\0';
        for (char *c = tok; *c; c++)
            *c = *c == '+' ? ' ' : *c;
        gateway_unescape (tok);
        if (eq) {
            for (char *c = eq; *c; c++)
                *c = *c == '+' ? ' ' : *c;
            gateway_unescape (eq);
        }
        req->args [req->nargs++] = (gw_kv_t) { tok, eq };
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size > 100000)
        return 0;
    char *text = malloc (size + 1);
    memcpy (text, data, size);
    text [size] = '\0';
    gw_req_t *req = calloc (1, sizeof *req);
    req->gw = &s_gw;
    //  The request line.
    char *line = text, *next = strchr (line, '\n');
    if (next)
        *next++ = '\0';
    char *sp = strchr (line, ' ');
    snprintf (req->method, sizeof req->method, "%.*s", sp ? (int) (sp - line) : 0, line);
    char *target = sp ? sp + 1 : line;
    char *version = strchr (target, ' ');
    if (version)
        *version++ = '\0';
    req->http11 = !version || strcmp (version, "HTTP/1.0") != 0;
    char *q = strchr (target, '?');
    if (q)
        *q++ = '\0';
    gateway_unescape (target);
    snprintf (req->path, sizeof req->path, "%s", target);
    if (q)
        s_query (req, q);
    //  Headers, then the body.
    char *body = NULL;
    while (next) {
        line = next;
        next = strchr (line, '\n');
        if (next)
            *next++ = '\0';
        if (!*line) {
            body = next;
            break;
        }
        char *colon = strchr (line, ':');
        if (colon && req->nheaders < GW_MAX_HEADERS) {
            *colon++ = '\0';
            while (*colon == ' ')
                colon++;
            req->headers [req->nheaders++] = (gw_kv_t) { line, colon };
        }
    }
    if (body) {
        req->len = size - (size_t) (body - text);
        req->body = malloc (req->len + 1);
        memcpy (req->body, body, req->len);
        req->body [req->len] = '\0';
    }
    if (gateway_request_check (req) == 0) {
        const gw_route_t *route = req->route;
        bool go = true;
        if (route->roles && !gateway_header (req, "Authorization"))
            go = gateway_authorize (req);      //  a signed link, or a 401
        else if (route->roles) {
            //  As if the key had been found: a role the route allows.
            static const char *roles [] = { "partner", "subscriber", "reader", "admin" };
            int pick = req->len ? (unsigned char) req->body [0] : 0, bits [4] = { 1, 2, 4, 8 };
            for (int i = 0; i < 4; i++) {
                int r = (pick + i) % 4;
                if (route->roles & bits [r]) {
                    snprintf (req->key.role, sizeof req->key.role, "%s", roles [r]);
                    break;
                }
            }
            snprintf (req->key.partner, sizeof req->key.partner, "dmbc-corp");
            snprintf (req->key.label, sizeof req->key.label, "fuzz \xc3\xa9 label");
            req->key.id = 42;
            req->authed = true;
        }
        if (go)
            gateway_run (req);
    }
    S_CHECK (req->status >= 200 && req->status <= 599);
    S_CHECK (req->resp || req->resp_len == 0);
    if (req->content_type && strcmp (req->content_type, "application/problem+json") == 0) {
        json_t *p = json_loadb (req->resp, req->resp_len, 0, NULL);
        S_CHECK (p);
        S_CHECK (json_integer_value (json_object_get (p, "status")) == (json_int_t) req->status);
        json_decref (p);
    }
    free (req->resp);
    free (req->body);
    free (req);
    free (text);
    //  This thread's connection (never connected) goes each time.
    db_t *db = pthread_getspecific (s_gw.db_key);
    db_destroy (&db);
    pthread_setspecific (s_gw.db_key, NULL);
    return 0;
}
