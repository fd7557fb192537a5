/*  gateway_http: libmicrohttpd plumbing.  The HTTP threads only parse,
    check and queue: anything that waits (the API key lookup, a query, a
    call to intake or export) runs on a worker pool while the connection
    is suspended, so the HTTP threads are always free for /healthz and
    for new connections.  See gateway.h for the steps of a request.  */
#include "gateway_http.h"
#include "gateway_store.h"
#include "gateway.h"
#include "log.h"
#include "signlink.h"

#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

//  The front door's limits.  Connections are cheap (epoll, a 32 KB
//  memory pool each), so the caps are high enough that a few hundred
//  slow clients do not fill them; the idle timeout closes one that goes
//  quiet.  See docs/reliability.md for the figures behind them.
#define S_CONNECTIONS 4000      //  open connections at once
#define S_PER_IP 512            //  from one address
#define S_IDLE_SECONDS 10       //  a connection that sends nothing for this long is closed
#define S_CONN_MEMORY (32 * 1024)   //  per connection: headers and read buffer
#define S_HTTP_THREADS 2        //  HTTP threads (parse and queue only)
#define S_DB_WORKERS 4          //  workers that wait on PostgreSQL
#define S_CALL_WORKERS 4        //  workers that wait on intake, and on export (each)
#define S_QUEUE 256             //  requests queued per pool before 503

//  Where a request is (req->phase).
enum {
    S_NEW = 0,                  //  headers in, checks not run
    S_AUTH,                     //  suspended, queued to authorise
    S_HANDLE,                   //  suspended, queued to run its handler
    S_READ,                     //  authorised, reading its body
    S_READY                     //  the response is set: send it
};

struct _gateway_http_t {
    struct MHD_Daemon *daemon;  //  the HTTP server
    gateway_t gw;               //  what the routes share
};

static const double s_buckets [GW_LATENCY_BUCKETS] = { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5 };

int
gateway_call (gateway_t *gw, const char *endpoint, const ProtobufCMessage *request, msg_t *reply,
              int timeout_ms)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    if (!sock)
        return -1;
    zsock_set_linger (sock, 0);
    zsock_set_maxmsgsize (sock, gw->cfg.max_message_bytes + gw->cfg.max_message_bytes / 4);
    //  With CURVE on, intake knows the gateway by its key and lets it
    //  speak for the partner whose API key it checked.
    if (gw->cfg.curve_public [0] && gw->cfg.gateway_curve_public [0] && strcmp (endpoint, gw->cfg.intake_endpoint) == 0) {
        zsock_set_curve_serverkey (sock, gw->cfg.curve_public);
        zsock_set_curve_publickey (sock, gw->cfg.gateway_curve_public);
        zsock_set_curve_secretkey (sock, gw->cfg.gateway_curve_secret);
    }
    char err [256];
    int rc = -1;
    if (zsock_connect (sock, "%s", endpoint) == 0 && msg_send (sock, NULL, request) == 0) {
        //  Wait in short slices so a stopping gateway does not hang on a
        //  stalled back end.
        int64_t deadline = zclock_mono () + (timeout_ms ? timeout_ms : gw->zmq_timeout_ms);
        zpoller_t *poller = zpoller_new (sock, NULL);
        while (!gw->stopping && zclock_mono () < deadline) {
            int64_t left = deadline - zclock_mono ();
            if (zpoller_wait (poller, (int) (left < 100 ? left : 100)) == sock) {
                zsock_set_rcvtimeo (sock, 0);
                rc = msg_recv (sock, false, (size_t) gw->cfg.max_message_bytes, reply, err, sizeof err);
                break;
            }
        }
        zpoller_destroy (&poller);
    }
    zsock_destroy (&sock);
    return rc;
}

static void
s_count (gateway_t *gw, unsigned int status, double seconds)
{
    unsigned int cls = status / 100;
    if (cls >= 1 && cls <= 5)
        __atomic_add_fetch (&gw->requests [cls], 1, __ATOMIC_RELAXED);
    int b = 0;
    while (b < GW_LATENCY_BUCKETS && seconds > s_buckets [b])
        b++;
    __atomic_add_fetch (&gw->latency [b], 1, __ATOMIC_RELAXED);
    pthread_mutex_lock (&gw->lock);
    gw->latency_sum += seconds;
    gw->latency_count++;
    pthread_mutex_unlock (&gw->lock);
}

char *
gateway_metrics_text (gateway_t *gw)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&out, &len);
    if (!f)
        return NULL;
    fprintf (f, "# HELP carewatch_http_requests_total HTTP requests answered, by status class.\n"
                "# TYPE carewatch_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        fprintf (f, "carewatch_http_requests_total{class=\"%dxx\"} %lu\n", c,
                 __atomic_load_n (&gw->requests [c], __ATOMIC_RELAXED));
    fprintf (f, "# HELP carewatch_http_request_seconds Time to answer an HTTP request.\n"
                "# TYPE carewatch_http_request_seconds histogram\n");
    unsigned long cum = 0;
    for (int b = 0; b < GW_LATENCY_BUCKETS; b++) {
        cum += __atomic_load_n (&gw->latency [b], __ATOMIC_RELAXED);
        fprintf (f, "carewatch_http_request_seconds_bucket{le=\"%g\"} %lu\n", s_buckets [b], cum);
    }
    cum += __atomic_load_n (&gw->latency [GW_LATENCY_BUCKETS], __ATOMIC_RELAXED);
    pthread_mutex_lock (&gw->lock);
    fprintf (f, "carewatch_http_request_seconds_bucket{le=\"+Inf\"} %lu\n"
                "carewatch_http_request_seconds_sum %.6f\ncarewatch_http_request_seconds_count %lu\n"
                "# HELP carewatch_http_body_bytes_held Request body bytes held in memory now.\n"
                "# TYPE carewatch_http_body_bytes_held gauge\ncarewatch_http_body_bytes_held %zu\n",
             cum, gw->latency_sum, gw->latency_count, gw->body_held);
    pthread_mutex_unlock (&gw->lock);
    //  The rest comes from the tables, which every service writes.
    char err [256];
    PGresult *r = db_exec_stmt (gateway_db (gw), &gateway_metrics_sql, NULL, DB_TUPLES, err, sizeof err);
    if (r) {
        const char *names [][3] = {
            { "carewatch_batches_total", "counter", "Batches committed." },
            { "carewatch_rows_accepted_total", "counter", "Observations accepted." },
            { "carewatch_rows_rejected_total", "counter", "Observations rejected." },
            { "carewatch_indicator_changes_total", "counter", "Indicator values changed (change sequence)." },
            { "carewatch_alerts_fired_total", "counter", "Alert transitions to firing." },
            { "carewatch_alerts_resolved_total", "counter", "Alert transitions to resolved." },
            { "carewatch_alerts_firing", "gauge", "Alerts firing now." },
            { "carewatch_notifications_delivered_total", "counter", "Notifications delivered." },
            { "carewatch_notifications_failed", "gauge", "Notifications that failed at least once and are still being retried." },
            { "carewatch_notifications_dead_total", "counter", "Notifications given up on." },
            { "carewatch_notifications_pending", "gauge", "Notifications waiting to be delivered." },
        };
        for (int i = 0; i < 11; i++)
            fprintf (f, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", names [i][0], names [i][2], names [i][0],
                     names [i][1], names [i][0], PQgetvalue (r, 0, i));
        PQclear (r);
    }
    fclose (f);
    return out;
}

static void
s_db_free (void *db)
{
    db_destroy ((db_t **) &db);
}

db_t *
gateway_db (gateway_t *gw)
{
    db_t *db = pthread_getspecific (gw->db_key);
    if (!db) {
        char err [256];
        db = db_new (gw->db_url, "gateway-http", gw->cfg.db_timeout_ms);
        //  A worker does not wait for a database that is down: the
        //  request gets its 503, and the next one tries again.
        if (db_connect (db, 0, err, sizeof err))
            log_error ("http_database_unavailable", "{s:s}", "error", err);
        pthread_setspecific (gw->db_key, db);
    }
    return db;
}

// ---------------------------------------------------------------------
//  The body budget: bytes of bodies held in memory across all requests.

static bool
s_reserve (gateway_t *gw, gw_req_t *req, size_t bytes)
{
    pthread_mutex_lock (&gw->lock);
    bool ok = gw->body_held + bytes <= gw->body_budget;
    if (ok) {
        gw->body_held += bytes;
        req->reserved += bytes;
    }
    pthread_mutex_unlock (&gw->lock);
    return ok;
}

static void
s_release (gateway_t *gw, gw_req_t *req)
{
    pthread_mutex_lock (&gw->lock);
    gw->body_held -= req->reserved;
    req->reserved = 0;
    pthread_mutex_unlock (&gw->lock);
}

// ---------------------------------------------------------------------
//  Workers

static void
s_busy (gw_req_t *req)
{
    gateway_problem (req, 503, "Service Unavailable", "the gateway is busy; try again shortly");
}

//  Runs on a worker.  S_AUTH: authorise, then hand back to the HTTP
//  thread to read the body, or run the handler (here, or on the pool of
//  what it waits on).  S_HANDLE: run the handler.  The connection is
//  resumed once the request has a response or may read its body; after
//  that the worker does not touch the request.
static void
s_work (void *job, void *arg)
{
    gw_req_t *req = job;
    gateway_t *gw = req->gw;
    const gw_route_t *route = req->route;
    if (req->phase == S_AUTH) {
        if (!gateway_authorize (req))
            goto ready;
        if (route->body) {
            //  Reserve what Content-Length announces, then read the body.
            const char *cl = gateway_header (req, "Content-Length");
            size_t want = cl ? (size_t) strtoull (cl, NULL, 10) : 0;
            if (want && !s_reserve (gw, req, want)) {
                s_busy (req);
                goto ready;
            }
            req->phase = S_READ;
            MHD_resume_connection (req->conn);
            return;
        }
        req->phase = S_HANDLE;
        if (route->pool != GW_POOL_DB) {
            if (gateway_pool_push (gw->pools [route->pool], req) == 0)
                return;
            s_busy (req);
            goto ready;
        }
    }
    if (gw->stopping)
        gateway_problem (req, 503, "Service Unavailable", "the gateway is stopping; try again");
    else
        gateway_run (req);
ready:
    req->phase = S_READY;
    MHD_resume_connection (req->conn);
}

//  Suspends the connection and queues the request in phase on pool.
//  Returns 0, or -1 with a 503 set (the connection is not suspended
//  then).  After 0, the request belongs to the worker until it resumes
//  the connection.
static int
s_dispatch (gw_req_t *req, int phase, gw_pool_id_t pool)
{
    req->phase = phase;
    MHD_suspend_connection (req->conn);
    if (gateway_pool_push (req->gw->pools [pool], req) == 0)
        return 0;
    MHD_resume_connection (req->conn);
    s_busy (req);
    req->phase = S_READY;
    return -1;
}

// ---------------------------------------------------------------------
//  The HTTP side

static enum MHD_Result
s_collect (void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    gw_req_t *req = cls;
    if (kind == MHD_GET_ARGUMENT_KIND) {
        if (req->nargs == GW_MAX_ARGS) {
            gateway_problem (req, 400, "Bad Request", "more than %d query arguments", GW_MAX_ARGS);
            return MHD_NO;
        }
        req->args [req->nargs++] = (gw_kv_t) { key, value };
    }
    else {
        if (req->nheaders == GW_MAX_HEADERS) {
            gateway_problem (req, 431, "Request Header Fields Too Large", "more than %d headers", GW_MAX_HEADERS);
            return MHD_NO;
        }
        req->headers [req->nheaders++] = (gw_kv_t) { key, value ? value : "" };
    }
    return MHD_YES;
}

static size_t
s_unescape (void *cls, struct MHD_Connection *conn, char *val)
{
    return gateway_unescape (val);
}

static enum MHD_Result
s_respond (gw_req_t *req)
{
    gateway_t *gw = req->gw;
    struct MHD_Response *res = MHD_create_response_from_buffer (req->resp_len, req->resp ? req->resp : (char *) "",
                                                                MHD_RESPMEM_MUST_COPY);
    if (!res)
        return MHD_NO;
    MHD_add_response_header (res, "Content-Type", req->content_type ? req->content_type : "text/plain");
    MHD_add_response_header (res, "Cache-Control", "no-store");
    MHD_add_response_header (res, "X-Content-Type-Options", "nosniff");
    if (req->status == 401)
        MHD_add_response_header (res, "WWW-Authenticate", "Bearer realm=\"carewatch\"");
    for (size_t i = 0; i < req->nout; i++)
        MHD_add_response_header (res, req->out [i].name, req->out [i].value);
    if (req->route && req->route->web) {
        //  The pages' own rules: nothing from elsewhere, no framing.
        MHD_add_response_header (res, "Content-Security-Policy", "default-src 'self'; img-src 'self' data:;"
                                 " style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
        MHD_add_response_header (res, "Referrer-Policy", "same-origin");
    }
    char timing [64];
    snprintf (timing, sizeof timing, "app;dur=%.1f", (double) req->handler_us / 1000.0);
    MHD_add_response_header (res, "Server-Timing", timing);
    if (req->status == 405 && req->allow [0])
        MHD_add_response_header (res, "Allow", req->allow);
    if (req->status == 503)
        MHD_add_response_header (res, "Retry-After", "1");
    //  A refused request's body is not read: close rather than drain it.
    if (req->status >= 400 && (!req->route || req->route->body) && gateway_header (req, "Content-Length")
    &&  req->len < (size_t) strtoull (gateway_header (req, "Content-Length"), NULL, 10))
        MHD_add_response_header (res, "Connection", "close");
    enum MHD_Result rc = MHD_queue_response (req->conn, req->status ? req->status : 500, res);
    req->queued = true;
    MHD_destroy_response (res);
    double seconds = (double) (zclock_usecs () - req->started_us) / 1e6;
    s_count (gw, req->status, seconds);
    log_debug ("http_request", "{s:s, s:s, s:i, s:f}", "method", req->method,
               "route", req->route ? req->route->pattern : "-", "status", (int) req->status, "seconds", seconds);
    return rc;
}

//  The first call: copy what the checks read, run them, and answer at
//  once or queue the request.
static enum MHD_Result
s_start (gateway_t *gw, struct MHD_Connection *conn, const char *url, const char *method, const char *version,
         void **state)
{
    gw_req_t *req = calloc (1, sizeof *req);
    if (!req)
        return MHD_NO;
    *state = req;
    req->gw = gw;
    req->conn = conn;
    req->started_us = zclock_usecs ();
    snprintf (req->method, sizeof req->method, "%s", method);
    req->http11 = strcmp (version, MHD_HTTP_VERSION_1_0) != 0;
    if (strlen (url) >= sizeof req->path) {
        snprintf (req->path, sizeof req->path, "%.64s...", url);
        gateway_problem (req, 414, "URI Too Long", "the path is over %d bytes", GW_MAX_PATH - 1);
    }
    else
        snprintf (req->path, sizeof req->path, "%s", url);
    if (!req->status)
        MHD_get_connection_values (conn, MHD_HEADER_KIND, s_collect, req);
    if (!req->status)
        MHD_get_connection_values (conn, MHD_GET_ARGUMENT_KIND, s_collect, req);
    if (gateway_request_check (req) == 0) {
        if (req->route->pool == GW_POOL_INLINE && !req->route->roles)
            gateway_run (req);
        else if (s_dispatch (req, S_AUTH, GW_POOL_DB) == 0)
            return MHD_YES;
    }
    req->phase = S_READY;
    return s_respond (req);
}

//  Over the limit or the budget while reading (a chunked body, which
//  announced no length): the body held so far is dropped and the rest is
//  read and thrown away, so the client gets its answer when it has sent
//  everything (this libmicrohttpd cannot answer in the middle of a
//  body).  A sender that goes on past twice the limit is cut off.
static enum MHD_Result
s_refuse_body (gw_req_t *req, bool busy, size_t n)
{
    gateway_t *gw = req->gw;
    if (!req->status) {
        if (busy)
            s_busy (req);
        else
            gateway_problem (req, 413, "Payload Too Large", "the body is over the %zu byte limit",
                             gateway_body_limit (req));
        free (req->body);
        req->body = NULL;
        s_release (gw, req);
    }
    req->len += n;              //  counted, not kept
    return req->len > 2 * gateway_body_limit (req) ? MHD_NO : MHD_YES;
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload, size_t *upload_size, void **state)
{
    gateway_t *gw = cls;
    gw_req_t *req = *state;
    if (!req)
        return s_start (gw, conn, url, method, version, state);
    if (req->phase == S_READY) {
        *upload_size = 0;
        return req->queued ? MHD_YES : s_respond (req);
    }
    if (req->phase != S_READ)
        return MHD_YES;         //  on a worker
    //  S_READ: the body, within its limit and the budget.
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (req->status)
            return s_refuse_body (req, false, n);
        if (req->len + n > gateway_body_limit (req))
            return s_refuse_body (req, false, n);
        if (req->len + n > req->reserved && !s_reserve (gw, req, req->len + n - req->reserved))
            return s_refuse_body (req, true, n);
        char *grown = realloc (req->body, req->len + n + 1);
        if (!grown)
            return s_refuse_body (req, true, n);
        req->body = grown;
        memcpy (req->body + req->len, upload, n);
        req->len += n;
        req->body [req->len] = '\0';
        return MHD_YES;
    }
    //  After the resume the server calls once more without data, as for
    //  a new request (then sends 100 Continue when asked for it, and
    //  reads): only a call without data after that one ends the body.
    if (!req->reading) {
        req->reading = true;
        return MHD_YES;
    }
    //  The body is in: run the handler on its pool, unless it was refused.
    if (req->status) {
        req->phase = S_READY;
        return s_respond (req);
    }
    if (s_dispatch (req, S_HANDLE, req->route->pool) == 0)
        return MHD_YES;
    return s_respond (req);
}

static void
s_completed (void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode toe)
{
    gw_req_t *req = *state;
    if (req) {
        s_release (req->gw, req);
        free (req->body);
        free (req->resp);
        free (req);
        *state = NULL;
    }
}

//  More file descriptors than the connection cap, when the hard limit
//  lets us.
static void
s_raise_fd_limit (void)
{
    struct rlimit rl;
    if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < S_CONNECTIONS + 512) {
        rl.rlim_cur = rl.rlim_max < S_CONNECTIONS + 512 ? rl.rlim_max : S_CONNECTIONS + 512;
        setrlimit (RLIMIT_NOFILE, &rl);
    }
}

gateway_http_t *
gateway_http_new (svc_t *svc)
{
    gateway_http_t *self = calloc (1, sizeof *self);
    gateway_t *gw = &self->gw;
    gw->cfg = *svc_config (svc);
    //  Connections of their own: the service loop uses svc_db for Ping.
    char err [256];
    pthread_key_create (&gw->db_key, s_db_free);
    if (db_resolve_url (gw->cfg.database_url, gw->db_url, sizeof gw->db_url, err, sizeof err)
    ||  signlink_secret (svc_db (svc), gw->link_secret, err, sizeof err)) {
        log_error ("http_database_unavailable", "{s:s}", "error", err);
        pthread_key_delete (gw->db_key);
        free (self);
        return NULL;
    }
    gw->zmq_timeout_ms = gw->cfg.gateway_timeout_ms;
    //  Bodies held at once: four of the largest allowed, at least 64 MB.
    gw->body_budget = (size_t) gw->cfg.max_body_bytes * 4;
    if (gw->body_budget < 64u << 20)
        gw->body_budget = 64u << 20;
    pthread_mutex_init (&gw->lock, NULL);
    gw->pools [GW_POOL_DB] = gateway_pool_new ("db", S_DB_WORKERS, S_QUEUE, s_work, NULL);
    gw->pools [GW_POOL_INTAKE] = gateway_pool_new ("intake", S_CALL_WORKERS, S_QUEUE, s_work, NULL);
    gw->pools [GW_POOL_EXPORT] = gateway_pool_new ("export", S_CALL_WORKERS, S_QUEUE, s_work, NULL);
    s_raise_fd_limit ();
    struct sockaddr_storage addr = { 0 };
    int port = gw->cfg.http_port;
    bool v6 = strchr (gw->cfg.http_bind, ':') != NULL;
    if (v6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *) &addr;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons ((uint16_t) port);
        inet_pton (AF_INET6, gw->cfg.http_bind, &a6->sin6_addr);
    }
    else {
        struct sockaddr_in *a4 = (struct sockaddr_in *) &addr;
        a4->sin_family = AF_INET;
        a4->sin_port = htons ((uint16_t) port);
        inet_pton (AF_INET, gw->cfg.http_bind, &a4->sin_addr);
    }
    if (gw->pools [GW_POOL_DB] && gw->pools [GW_POOL_INTAKE] && gw->pools [GW_POOL_EXPORT])
        self->daemon = MHD_start_daemon (
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME
            | (v6 ? MHD_USE_IPv6 : 0),
            (uint16_t) port, NULL, NULL, s_handle, gw,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) S_IDLE_SECONDS,
            MHD_OPTION_CONNECTION_LIMIT, (unsigned int) S_CONNECTIONS,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) S_PER_IP,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) S_CONN_MEMORY,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) S_HTTP_THREADS,
            MHD_OPTION_UNESCAPE_CALLBACK, s_unescape, NULL,
            MHD_OPTION_NOTIFY_COMPLETED, s_completed, NULL,
            MHD_OPTION_END);
    if (!self->daemon) {
        log_error ("http_bind_failed", "{s:s, s:i}", "address", gw->cfg.http_bind, "port", port);
        gateway_http_destroy (&self);
        return NULL;
    }
    log_info ("http_listening", "{s:s, s:i}", "address", gw->cfg.http_bind, "port", port);
    return self;
}

void
gateway_http_destroy (gateway_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gateway_http_t *self = *self_p;
    gateway_t *gw = &self->gw;
    //  Back-end waits end now; the pools finish what they hold (each
    //  resumes its connection with an answer), then the server stops.
    gw->stopping = 1;
    if (self->daemon)
        MHD_quiesce_daemon (self->daemon);
    //  Stopped before the server, freed after it: a body that finishes
    //  arriving meanwhile still finds its pool, which answers 503.
    for (int i = 0; i < GW_POOLS; i++)
        gateway_pool_stop (gw->pools [i]);
    if (self->daemon)
        MHD_stop_daemon (self->daemon);
    for (int i = 0; i < GW_POOLS; i++)
        gateway_pool_destroy (&gw->pools [i]);
    //  The pool threads freed theirs on exit; this thread's goes now.
    db_t *db = pthread_getspecific (gw->db_key);
    db_destroy (&db);
    pthread_key_delete (gw->db_key);
    pthread_mutex_destroy (&gw->lock);
    free (self);
    *self_p = NULL;
}
