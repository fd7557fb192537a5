/*  gateway_util.h: what the gateway integration tests (it_gateway*.c)
    share: the five services started by the harness with a small body
    limit and a short gateway timeout, API keys for every role, HTTP
    requests through libcurl, problem+json checks and the test
    database.  */
#ifndef IT_GATEWAY_UTIL_H
#define IT_GATEWAY_UTIL_H

#include "apikey.h"
#include "check.h"
#include "db.h"
#include "harness.h"
#include "msg.h"

#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *gw_services [] = { "intake", "calc", "alert", "export", "gateway" };
#define GW_NSERVICES 5

static db_t *gw_db;
static int gw_port;

//  API keys for every role.
typedef struct {
    char admin [APIKEY_LEN + 1];
    char reader [APIKEY_LEN + 1];
    char sub_a [APIKEY_LEN + 1];        //  subscriber "sub-alice"
    char sub_b [APIKEY_LEN + 1];        //  subscriber with quotes, backslashes and SQL in its name
    char dmbc [APIKEY_LEN + 1];         //  partner dmbc-corp
    char gp [APIKEY_LEN + 1];           //  partner gp-practices
    char revoked [APIKEY_LEN + 1];      //  a reader key, revoked
} gw_keys_t;

//  Subscriber B's name: what a key label holds and GET /v1/subscriptions
//  must give back verbatim.
#define GW_SUB_B "O'Brien \"Bob\" \\ '); drop table subscriptions; --"

// ---------------------------------------------------------------------
//  HTTP

typedef struct {
    long status;                //  0 when the request failed
    char *body;                 //  NUL-terminated (malloc'd)
    size_t len;
    char ctype [128];           //  Content-Type
    char www_auth [128];        //  WWW-Authenticate
    long long ms;               //  how long it took
} gw_resp_t;

static size_t
s_gw_write (char *data, size_t size, size_t n, void *arg)
{
    gw_resp_t *r = arg;
    size_t len = size * n;
    char *body = realloc (r->body, r->len + len + 1);
    if (!body)
        return 0;
    r->body = body;
    memcpy (r->body + r->len, data, len);
    r->len += len;
    r->body [r->len] = '\0';
    return len;
}

static size_t
s_gw_header (char *data, size_t size, size_t n, void *arg)
{
    gw_resp_t *r = arg;
    size_t len = size * n;
    const char *names [2] = { "Content-Type:", "WWW-Authenticate:" };
    char *dest [2] = { r->ctype, r->www_auth };
    for (int i = 0; i < 2; i++) {
        size_t nl = strlen (names [i]);
        if (len > nl && strncasecmp (data, names [i], nl) == 0) {
            size_t start = nl;
            while (start < len && data [start] == ' ')
                start++;
            size_t end = len;
            while (end > start && (data [end - 1] == '\r' || data [end - 1] == '\n'))
                end--;
            snprintf (dest [i], 128, "%.*s", (int) (end - start), data + start);
        }
    }
    return len;
}

//  Sends method path (with its query) to the gateway with key (or none),
//  body of len bytes with content type ctype (or none), and extra headers
//  (NULL-terminated list, or NULL).  Free the response with gw_free.
static inline gw_resp_t
gw_send (const char *method, const char *path, const char *key, const char *ctype, const char *body,
         size_t len, const char *const *headers)
{
    gw_resp_t r = { 0 };
    r.body = calloc (1, 1);
    CURL *c = curl_easy_init ();
    char url [4096], h [512];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", gw_port, path);
    struct curl_slist *hl = curl_slist_append (NULL, "Expect:");
    if (key) {
        snprintf (h, sizeof h, "Authorization: Bearer %s", key);
        hl = curl_slist_append (hl, h);
    }
    if (ctype) {
        snprintf (h, sizeof h, "Content-Type: %s", ctype);
        hl = curl_slist_append (hl, h);
    }
    else
        hl = curl_slist_append (hl, "Content-Type:");     //  none, not curl's form default
    for (size_t i = 0; headers && headers [i]; i++)
        hl = curl_slist_append (hl, headers [i]);
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_gw_write);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, s_gw_header);
    curl_easy_setopt (c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    if (strcmp (method, "POST") == 0) {
        curl_easy_setopt (c, CURLOPT_POST, 1L);
        curl_easy_setopt (c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (body ? len : 0));
    }
    else if (strcmp (method, "GET"))
        curl_easy_setopt (c, CURLOPT_CUSTOMREQUEST, method);
    long long t0 = harness_now_ms ();
    CURLcode rc = curl_easy_perform (c);
    r.ms = harness_now_ms () - t0;
    if (rc == CURLE_OK)
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &r.status);
    else
        fprintf (stderr, "curl %s %s: %s\n", method, path, curl_easy_strerror (rc));
    curl_slist_free_all (hl);
    curl_easy_cleanup (c);
    return r;
}

static inline gw_resp_t
gw_get (const char *path, const char *key)
{
    return gw_send ("GET", path, key, NULL, NULL, 0, NULL);
}

static inline gw_resp_t
gw_post (const char *path, const char *key, const char *ctype, const char *body)
{
    return gw_send ("POST", path, key, ctype, body, body ? strlen (body) : 0, NULL);
}

//  POSTs doc (stolen) as JSON.
static inline gw_resp_t
gw_post_json (const char *path, const char *key, json_t *doc)
{
    char *text = json_dumps (doc, JSON_COMPACT);
    json_decref (doc);
    gw_resp_t r = gw_post (path, key, "application/json", text);
    free (text);
    return r;
}

static inline void
gw_free (gw_resp_t *r)
{
    free (r->body);
    r->body = NULL;
}

//  The body as JSON (a new reference), or NULL.
static inline json_t *
gw_json (const gw_resp_t *r)
{
    return json_loadb (r->body, r->len, 0, NULL);
}

//  Checks status, the problem+json type and that title and detail are set
//  (and status in the body agrees).
#define GW_CHECK_PROBLEM(r, st) gw_check_problem (&(r), (st), __FILE__, __LINE__)

static inline void
gw_check_problem (const gw_resp_t *r, long status, const char *file, int line)
{
    check_count++;
    json_t *p = gw_json (r);
    const char *title = json_string_value (json_object_get (p, "title"));
    const char *detail = json_string_value (json_object_get (p, "detail"));
    if (r->status != status || strncmp (r->ctype, "application/problem+json", 24) || !title || !*title || !detail
    ||  !*detail || json_integer_value (json_object_get (p, "status")) != status) {
        check_failures++;
        fprintf (stderr, "%s:%d: got %ld (%s) %s, want a %ld problem+json with title and detail\n", file, line,
                 r->status, r->ctype, r->body ? r->body : "", status);
    }
    json_decref (p);
}

//  Sends a request that must fail with status as problem+json; frees it.
#define GW_EXPECT(st, method, path, key) do { gw_resp_t r_ = gw_send ((method), (path), (key), NULL, NULL, 0, NULL); \
    gw_check_problem (&r_, (st), __FILE__, __LINE__); gw_free (&r_); } while (0)

//  Sends a request that must answer status; frees it.
#define GW_EXPECT_STATUS(st, method, path, key) do { \
    gw_resp_t r_ = gw_send ((method), (path), (key), NULL, NULL, 0, NULL); check_count++; \
    if (r_.status != (st)) { check_failures++; fprintf (stderr, "%s:%d: %s %s = %ld %s, want %ld\n", \
        __FILE__, __LINE__, (method), (path), r_.status, r_.body, (long) (st)); } gw_free (&r_); } while (0)

// ---------------------------------------------------------------------
//  Set-up

//  The seed 001 figures for PI 2257 (Dudley), as a JSON batch (a new string).
static inline char *
gw_seed_batch (const char *batch_key, const char *note)
{
    json_t *doc = json_pack ("{s:s, s:[{s:s, s:s, s:s, s:i}, {s:s, s:s, s:s, s:i}, {s:s, s:s, s:s, s:i, s:s}]}",
        "batch_key", batch_key, "observations",
        "data_element", "pi-2257", "org_unit", "dudley", "period", "FY2021-22Q2", "value", 410400,
        "data_element", "pi-2257", "org_unit", "dudley", "period", "FY2022-23Q1", "value", 135000,
        "data_element", "pi-2257", "org_unit", "dudley", "period", "FY2022-23Q2", "value", 6000, "note", note);
    char *text = json_dumps (doc, JSON_COMPACT);
    json_decref (doc);
    return text;
}

//  Starts the five services with the gateway's limits, connects to the
//  test database and makes the keys.  Returns 0 or -1.
static inline int
gw_setup (harness_t *h, const char *name, gw_keys_t *keys)
{
    if (harness_init (h, name))
        return -1;
    setenv ("CAREWATCH_MAX_BODY_BYTES", "65536", 1);
    setenv ("CAREWATCH_GATEWAY_TIMEOUT_MS", "2000", 1);
    gw_port = h->http_port;
    curl_global_init (CURL_GLOBAL_ALL);
    for (int i = 0; i < GW_NSERVICES; i++)
        if (harness_start (h, gw_services [i]) <= 0)
            return -1;
    for (int i = 0; i < GW_NSERVICES; i++)
        if (harness_ping (harness_endpoint (h, gw_services [i]), 30000, NULL, NULL, 0)) {
            fprintf (stderr, "%s did not answer\n", gw_services [i]);
            return -1;
        }
    //  The HTTP side listens once /healthz answers.
    bool up = false;
    for (long long deadline = harness_now_ms () + 10000; !up && harness_now_ms () < deadline; ) {
        gw_resp_t r = gw_get ("/healthz", NULL);
        up = r.status == 200;
        gw_free (&r);
        if (!up)
            usleep (50000);
    }
    if (!up)
        return -1;
    gw_db = db_new (h->db_url, "test", 10000);
    char err [256];
    if (db_connect (gw_db, 10000, err, sizeof err)) {
        fprintf (stderr, "test database: %s\n", err);
        return -1;
    }
    struct { char *key; const char *role, *partner, *label; } k [] = {
        { keys->admin, "admin", NULL, "ops" },
        { keys->reader, "reader", NULL, "dashboards" },
        { keys->sub_a, "subscriber", NULL, "sub-alice" },
        { keys->sub_b, "subscriber", NULL, GW_SUB_B },
        { keys->dmbc, "partner", "dmbc-corp", "dmbc feed" },
        { keys->gp, "partner", "gp-practices", "gp feed" },
        { keys->revoked, "reader", NULL, "old dashboards" },
    };
    for (size_t i = 0; i < sizeof k / sizeof k [0]; i++) {
        long long id = apikey_create (gw_db, k [i].role, k [i].partner, k [i].label, k [i].key, err, sizeof err);
        if (id < 0) {
            fprintf (stderr, "apikey_create %s: %s\n", k [i].role, err);
            return -1;
        }
        if (k [i].key == keys->revoked && apikey_revoke (gw_db, id, err, sizeof err) != 1)
            return -1;
    }
    return 0;
}

//  Polls the values of pi-2257 at Dudley until calc has made want rows.
static inline bool
gw_wait_values (const char *key, size_t want, int timeout_ms)
{
    for (long long deadline = harness_now_ms () + timeout_ms; harness_now_ms () < deadline; ) {
        gw_resp_t r = gw_get ("/v1/indicators/pi-2257/values?org_unit=dudley", key);
        json_t *a = r.status == 200 ? gw_json (&r) : NULL;
        size_t n = json_array_size (a);
        json_decref (a);
        gw_free (&r);
        if (n == want)
            return true;
        usleep (50000);
    }
    fprintf (stderr, "timeout waiting for %zu values of pi-2257\n", want);
    return false;
}

//  Stops the services still running with SIGTERM (each must exit 0) and
//  frees what the set-up made.
static inline void
gw_teardown (harness_t *h)
{
    for (int i = GW_NSERVICES - 1; i >= 0; i--) {
        bool running = false;
        for (int j = 0; j < h->nprocs; j++)
            running = running || (h->pids [j] > 0 && strcmp (h->procs [j], gw_services [i]) == 0);
        if (running)
            CHECK_INT (harness_stop (h, gw_services [i], SIGTERM, 10000), 0);
    }
    harness_cleanup (h);
    db_destroy (&gw_db);
    curl_global_cleanup ();
}

#endif
