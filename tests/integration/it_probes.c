#define _GNU_SOURCE     //  strcasestr
/*  The probes of an attacker and of a careless client (issue 13), replayed
    against the real services: bytes that are not UTF-8 and NULs in paths,
    requests without Host, keyless and oversized bodies that must be
    refused before they are read, half-sent bodies, slow clients, a
    stalled intake, re-scoped signed links, subscribers that share a
    label, webhook URLs that point inside.  After all of it every service
    still answers Ping and the gateway's memory has stayed bounded.  */
#include "gateway_util.h"
#include "signlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

static harness_t s_h;

//  A TCP connection to the gateway from src (a loopback address), or -1.
static int
s_connect (const char *src)
{
    return harness_connect (src, gw_port);
}

//  Reads what the server sends within timeout_ms (until it closes, or
//  the headers and a Content-Length body are in).  Returns the status, 0
//  when nothing came.
static long
s_read_response (int fd, char *out, size_t cap, int timeout_ms)
{
    size_t len = 0;
    long long deadline = harness_now_ms () + timeout_ms;
    out [0] = '\0';
    while (len + 1 < cap && harness_now_ms () < deadline) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll (&p, 1, (int) (deadline - harness_now_ms ())) <= 0)
            break;
        ssize_t n = recv (fd, out + len, cap - len - 1, 0);
        if (n <= 0)
            break;
        len += (size_t) n;
        out [len] = '\0';
        const char *end = strstr (out, "\r\n\r\n"), *cl = strcasestr (out, "Content-Length:");
        if (end && cl && len >= (size_t) (end + 4 - out) + (size_t) atol (cl + 15))
            break;
    }
    long status = 0;
    sscanf (out, "HTTP/1.%*d %ld", &status);
    return status;
}

//  Sends raw bytes as one request and returns the status (the response
//  in out).
static long
s_raw (const char *request, size_t len, char *out, size_t cap)
{
    int fd = s_connect (NULL);
    if (fd < 0)
        return 0;
    send (fd, request, len, MSG_NOSIGNAL);
    long status = s_read_response (fd, out, cap, 5000);
    close (fd);
    return status;
}

//  The body of a raw response, parsed as JSON (a new reference) or NULL.
static json_t *
s_body (const char *response)
{
    const char *b = strstr (response, "\r\n\r\n");
    return b ? json_loads (b + 4, 0, NULL) : NULL;
}

static long
s_rss_kb (pid_t pid)
{
    char path [64], line [256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *f = fopen (path, "r");
    long kb = -1;
    while (f && fgets (line, sizeof line, f))
        if (strncmp (line, "VmRSS:", 6) == 0)
            kb = atol (line + 6);
    if (f)
        fclose (f);
    return kb;
}

static pid_t
s_pid (const char *service)
{
    for (int i = 0; i < s_h.nprocs; i++)
        if (strcmp (s_h.procs [i], service) == 0 && s_h.pids [i] > 0)
            return s_h.pids [i];
    return 0;
}

// ---------------------------------------------------------------------
//  1. Bytes that are not UTF-8, NULs, no Host

static void
s_bad_bytes (gw_keys_t *k)
{
    char out [8192], req [1024];
    const char *paths [] = { "/%ff", "/v1/%c0%ae", "/v1/scorecards/%ff", "/v1/indicators/%ed%a0%80",
                             "/v1/indicators?domain=%ff%fe", "/%ff?%ff=%fe" };
    for (size_t i = 0; i < sizeof paths / sizeof paths [0]; i++) {
        snprintf (req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", paths [i]);
        CHECK_INT (s_raw (req, strlen (req), out, sizeof out), 400);
        json_t *p = s_body (out);
        CHECK (p && json_integer_value (json_object_get (p, "status")) == 400);
        CHECK_CONTAINS (json_string_value (json_object_get (p, "detail")) ?: "", "not valid UTF-8");
        json_decref (p);
    }
    //  With a key too, and on the export route: 400, and no database text.
    gw_resp_t r = gw_get ("/v1/scorecards/FY2022-23Q2?org_unit=%ff", k->reader);
    GW_CHECK_PROBLEM (r, 400);
    CHECK (!strstr (r.body, "ERROR") && !strstr (r.body, "invalid byte sequence"));
    gw_free (&r);
    //  %00 does not cut the path short: /healthz%00x is not /healthz.
    snprintf (req, sizeof req, "GET /healthz%%00x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK_INT (s_raw (req, strlen (req), out, sizeof out), 404);
    r = gw_get ("/v1/indicators/pi-2257%00/values", k->reader);
    GW_CHECK_PROBLEM (r, 404);
    gw_free (&r);
    //  HTTP/1.1 needs Host; HTTP/1.0 does not.
    snprintf (req, sizeof req, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
    CHECK_INT (s_raw (req, strlen (req), out, sizeof out), 400);
    snprintf (req, sizeof req, "GET /healthz HTTP/1.0\r\n\r\n");
    CHECK_INT (s_raw (req, strlen (req), out, sizeof out), 200);
}

// ---------------------------------------------------------------------
//  3. Bodies: refused before they are read

//  Sends headers announcing len bytes of body and nothing more; returns
//  the status that comes back within timeout_ms without any body sent.
static long
s_announce (const char *key, unsigned long long len, bool expect, int timeout_ms, int *fd_out)
{
    char req [1024], out [4096];
    int fd = s_connect (NULL);
    if (fd < 0)
        return 0;
    int n = snprintf (req, sizeof req, "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: %llu\r\n%s%s%s%s\r\n", len, expect ? "Expect: 100-continue\r\n" : "",
                      key ? "Authorization: Bearer " : "", key ? key : "", key ? "\r\n" : "");
    send (fd, req, (size_t) n, MSG_NOSIGNAL);
    long status = timeout_ms ? s_read_response (fd, out, sizeof out, timeout_ms) : 0;
    if (fd_out)
        *fd_out = fd;
    else
        close (fd);
    return status;
}

static void
s_bodies (gw_keys_t *k)
{
    //  Over the limit: 413 at once, key or not (the length is checked
    //  with the headers).  No key: 401 at once, and no 100 Continue.
    long long t0 = harness_now_ms ();
    CHECK_INT (s_announce (NULL, 1ULL << 30, false, 3000, NULL), 413);
    CHECK_INT (s_announce (NULL, 1ULL << 30, true, 3000, NULL), 413);
    CHECK_INT (s_announce (NULL, 60000, false, 3000, NULL), 401);
    CHECK_INT (s_announce (NULL, 60000, true, 3000, NULL), 401);
    CHECK_INT (s_announce ("cw_not-a-key", 1000, true, 3000, NULL), 401);
    //  A reader may not post batches: 403, still before the body.
    CHECK_INT (s_announce (k->reader, 1000, true, 3000, NULL), 403);
    //  A partner over the limit: 413 before the body.
    CHECK_INT (s_announce (k->dmbc, 1ULL << 30, true, 3000, NULL), 413);
    CHECK (harness_now_ms () - t0 < 5000);
    //  A partner within the limit and 100-continue: 100 comes, then the body.
    char out [4096];
    int fd;
    CHECK_INT (s_announce (k->dmbc, 10, true, 3000, &fd), 100);
    send (fd, "not json!!", 10, MSG_NOSIGNAL);
    s_read_response (fd, out, sizeof out, 5000);
    CHECK_CONTAINS (out, "HTTP/1.1 400");
    close (fd);

    //  24 half-sent POSTs without a key, each announcing as much as the
    //  limit allows, leave the gateway's memory where it was: nothing is
    //  buffered for them.
    pid_t gw = s_pid ("gateway");
    long before = s_rss_kb (gw);
    int fds [24];
    char chunk [65536];
    memset (chunk, 'x', sizeof chunk);
    for (int i = 0; i < 24; i++) {
        CHECK_INT (s_announce (NULL, 65536, false, 2000, &fds [i]), 401);
        send (fds [i], chunk, sizeof chunk - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    long after = s_rss_kb (gw);
    printf ("gateway RSS before %ld kB, with 24 half-sent keyless POSTs %ld kB\n", before, after);
    CHECK (after > 0 && after - before < 16 * 1024);
    for (int i = 0; i < 24; i++)
        close (fds [i]);
}

// ---------------------------------------------------------------------
//  4. Slow clients and a stalled intake

static void
s_slow (gw_keys_t *k)
{
    //  300 connections that send half a request line and stop, from five
    //  addresses, 60 each (more than the old per-address cap of 128 would
    //  have let one address reach is tested below).
    enum { N = 300 };
    static int fds [N];
    const char *ips [] = { "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6" };
    int held = 0;
    for (int i = 0; i < N; i++) {
        fds [i] = s_connect (ips [i % 5]);
        if (fds [i] >= 0 && send (fds [i], "GET /v1/indi", 12, MSG_NOSIGNAL) == 12)
            held++;
    }
    CHECK_INT (held, N);
    //  150 more from one address: above 128, still let in.
    static int same [150];
    int more = 0;
    for (int i = 0; i < 150; i++) {
        same [i] = s_connect ("127.0.0.7");
        if (same [i] >= 0 && send (same [i], "GET /", 5, MSG_NOSIGNAL) == 5)
            more++;
    }
    CHECK_INT (more, 150);
    usleep (200000);
    gw_resp_t r = gw_get ("/healthz", NULL);
    CHECK_INT (r.status, 200);
    gw_free (&r);
    //  A client on the crowded address is still served.
    char out [4096], req [256];
    int fd = s_connect ("127.0.0.7");
    snprintf (req, sizeof req, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    send (fd, req, strlen (req), MSG_NOSIGNAL);
    CHECK_INT (s_read_response (fd, out, sizeof out, 3000), 200);
    close (fd);
    for (int i = 0; i < N; i++)
        if (fds [i] >= 0)
            close (fds [i]);
    for (int i = 0; i < 150; i++)
        if (same [i] >= 0)
            close (same [i]);

    //  Intake stopped: batch POSTs wait on it (up to the gateway timeout),
    //  and /healthz and reads do not wait behind them.
    kill (s_pid ("intake"), SIGSTOP);
    int posts [8];
    const char *body = "{\"batch_key\": \"stalled\", \"observations\": []}";
    for (int i = 0; i < 8; i++) {
        posts [i] = s_connect (NULL);
        int n = snprintf (req, sizeof req, "POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Authorization: Bearer %s\r\nContent-Length: %zu\r\n\r\n", k->dmbc, strlen (body));
        send (posts [i], req, (size_t) n, MSG_NOSIGNAL);
        send (posts [i], body, strlen (body), MSG_NOSIGNAL);
    }
    usleep (200000);
    long long worst = 0;
    for (int i = 0; i < 20; i++) {
        r = gw_get ("/healthz", NULL);
        CHECK_INT (r.status, 200);
        worst = r.ms > worst ? r.ms : worst;
        gw_free (&r);
    }
    r = gw_get ("/v1/indicators", k->reader);
    CHECK_INT (r.status, 200);
    printf ("with intake stopped and 8 batches waiting: /healthz worst %lld ms, /v1/indicators %lld ms\n", worst, r.ms);
    CHECK (worst < 1000 && r.ms < 1000);
    gw_free (&r);
    //  The waiting batches get their 503 when the gateway timeout passes.
    for (int i = 0; i < 8; i++) {
        CHECK_INT (s_read_response (posts [i], out, sizeof out, 10000), 503);
        close (posts [i]);
    }
    kill (s_pid ("intake"), SIGCONT);
}

// ---------------------------------------------------------------------
//  6. Signed links, 7. subscriber identity, 5. webhook URLs

static void
s_links (gw_keys_t *k)
{
    char secret [65], err [256], sig [65], expires [24], path [1024];
    CHECK_INT (signlink_secret (gw_db, secret, err, sizeof err), 0);
    snprintf (expires, sizeof expires, "%lld", (long long) time (NULL) + 600);
    const char *names [] = { "format", "expires" }, *values [] = { "html", expires };
    signlink_sign (secret, "/v1/scorecards/FY2022-23Q2", names, values, 2, sig);
    snprintf (path, sizeof path, "/v1/scorecards/FY2022-23Q2?format=html&expires=%s&sig=%s", expires, sig);
    GW_EXPECT_STATUS (200, "GET", path, NULL);
    //  The old attack: a newline in a value that swallows later
    //  parameters.  Signed as "expires=E\nformat=csv" under the old form.
    char forged [64];
    snprintf (forged, sizeof forged, "%s\nformat=csv", expires);
    const char *n2 [] = { "expires" }, *v2 [] = { forged };
    signlink_sign (secret, "/v1/scorecards/FY2022-23Q2", n2, v2, 1, sig);
    snprintf (path, sizeof path, "/v1/scorecards/FY2022-23Q2?expires=%s%%0Aformat%%3Dcsv&format=csv&sig=%s",
              expires, sig);
    GW_EXPECT (401, "GET", path, NULL);
}

static void
s_subscribers (void)
{
    //  Two subscriber keys with one label, and two without any.
    char a [APIKEY_LEN + 1], b [APIKEY_LEN + 1], c [APIKEY_LEN + 1], d [APIKEY_LEN + 1], err [256];
    CHECK (apikey_create (gw_db, "subscriber", NULL, "same-label", a, err, sizeof err) > 0);
    CHECK (apikey_create (gw_db, "subscriber", NULL, "same-label", b, err, sizeof err) > 0);
    CHECK (apikey_create (gw_db, "subscriber", NULL, NULL, c, err, sizeof err) > 0);
    CHECK (apikey_create (gw_db, "subscriber", NULL, NULL, d, err, sizeof err) > 0);
    const char *keys [] = { a, c };
    const char *others [] = { b, d };
    for (int i = 0; i < 2; i++) {
        gw_resp_t r = gw_post ("/v1/subscriptions", keys [i], "application/json", "{\"channel\": \"zmq\"}");
        CHECK_INT (r.status, 201);
        json_t *j = gw_json (&r);
        long long id = json_integer_value (json_object_get (j, "id"));
        json_decref (j);
        gw_free (&r);
        char path [64];
        snprintf (path, sizeof path, "/v1/subscriptions/%lld", id);
        r = gw_get ("/v1/subscriptions", others [i]);
        CHECK_INT (r.status, 200);
        CHECK_STR (r.body, "[]");
        gw_free (&r);
        GW_EXPECT (404, "DELETE", path, others [i]);
        r = gw_get ("/v1/subscriptions", keys [i]);
        CHECK_CONTAINS (r.body, "\"channel\":\"zmq\"");
        gw_free (&r);
        GW_EXPECT_STATUS (200, "DELETE", path, keys [i]);
    }
}

static void
s_webhooks (gw_keys_t *k)
{
    const char *inside [] = { "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/hook", "http://[::1]:9/x",
                              "http://192.168.1.1/", "http://[fe80::1]/", "http://0.0.0.0:8080/" };
    for (size_t i = 0; i < sizeof inside / sizeof inside [0]; i++) {
        json_t *doc = json_pack ("{s:s, s:s}", "url", inside [i], "secret", "0123456789abcdef-secret");
        gw_resp_t r = gw_post_json ("/v1/subscriptions", k->sub_a, doc);
        GW_CHECK_PROBLEM (r, 400);
        CHECK_CONTAINS (r.body, "CAREWATCH_WEBHOOK_ALLOW");
        gw_free (&r);
    }
    //  Loopback is allowed here (the test's receivers), by the operator's list.
    json_t *doc = json_pack ("{s:s, s:s}", "url", "http://127.0.0.1:9/hook", "secret", "0123456789abcdef-secret");
    gw_resp_t r = gw_post_json ("/v1/subscriptions", k->sub_a, doc);
    CHECK_INT (r.status, 201);
    gw_free (&r);
}

// ---------------------------------------------------------------------

int
main (void)
{
    gw_keys_t k;
    if (gw_setup (&s_h, "probes", &k))
        return 1;
    s_bad_bytes (&k);
    s_bodies (&k);
    s_links (&k);
    s_subscribers ();
    s_webhooks (&k);
    s_slow (&k);
    //  Every service still answers, and the gateway's memory is bounded.
    for (int i = 0; i < GW_NSERVICES; i++)
        CHECK_INT (harness_ping (harness_endpoint (&s_h, gw_services [i]), 5000, NULL, NULL, 0), 0);
    //  8. The gateway listens on loopback unless told otherwise.
    CHECK_INT (harness_sh ("grep '\"event\":\"http_listening\"' logs/probes-gateway.log | grep -q '\"address\":\"127.0.0.1\"'"), 0);
    long rss = s_rss_kb (s_pid ("gateway"));
    printf ("gateway RSS after every probe: %ld kB\n", rss);
    CHECK (rss > 0 && rss < 100 * 1024);
    gw_teardown (&s_h);
    return check_done ("it_probes");
}
