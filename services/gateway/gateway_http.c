/*  gateway_http: libmicrohttpd plumbing: bodies with a size limit,
    connection limits and timeouts, problem+json errors, latency counts.  */
#include "gateway_http.h"
#include "gateway.h"
#include "log.h"
#include "signlink.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct _gateway_http_t {
    struct MHD_Daemon *daemon;  //  the HTTP server
    gateway_t gw;               //  what the routes share
};

static const double s_buckets [GW_LATENCY_BUCKETS] = { 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5 };

void
gateway_problem (gw_req_t *req, unsigned int status, const char *title, const char *fmt, ...)
{
    char detail [1024];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (detail, sizeof detail, fmt, ap);
    va_end (ap);
    json_t *p = json_pack ("{s:s, s:s, s:i, s:s, s:s}", "type", "about:blank", "title", title,
                           "status", (int) status, "detail", detail, "instance", req->url);
    free (req->resp);
    req->resp = json_dumps (p, JSON_COMPACT);
    req->resp_len = strlen (req->resp);
    req->status = status;
    req->content_type = "application/problem+json";
    json_decref (p);
}

void
gateway_json (gw_req_t *req, unsigned int status, json_t *doc)
{
    free (req->resp);
    req->resp = json_dumps (doc, JSON_COMPACT);
    req->resp_len = strlen (req->resp);
    req->status = status;
    req->content_type = "application/json";
    json_decref (doc);
}

const char *
gateway_arg (gw_req_t *req, const char *name)
{
    const char *v = MHD_lookup_connection_value (req->conn, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

int
gateway_call (gateway_t *gw, const char *endpoint, const ProtobufCMessage *request, msg_t *reply,
              int timeout_ms)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_set_rcvtimeo (sock, timeout_ms ? timeout_ms : gw->zmq_timeout_ms);
    zsock_set_maxmsgsize (sock, gw->cfg.max_message_bytes + gw->cfg.max_message_bytes / 4);
    char err [256];
    int rc = -1;
    if (zsock_connect (sock, "%s", endpoint) == 0 && msg_send (sock, NULL, request) == 0)
        rc = msg_recv (sock, false, (size_t) gw->cfg.max_message_bytes, reply, err, sizeof err);
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
                "carewatch_http_request_seconds_sum %.6f\ncarewatch_http_request_seconds_count %lu\n",
             cum, gw->latency_sum, gw->latency_count);
    pthread_mutex_unlock (&gw->lock);
    //  The rest comes from the tables, which every service writes.
    char err [256];
    PGresult *r = db_exec (gateway_db (gw),
        "select (select count(*) from batches), (select coalesce (sum (accepted), 0) from batches),"
        " (select coalesce (sum (rejected), 0) from batches), (select coalesce (max (change_seq), 0) from indicator_values),"
        " (select count(*) from alert_transitions where kind = 'fired'),"
        " (select count(*) from alert_transitions where kind = 'resolved'),"
        " (select count(*) from alerts where state = 'firing'),"
        " (select count(*) from notifications where state = 'delivered'),"
        " (select count(*) from notifications where state = 'pending' and attempts > 0),"
        " (select count(*) from notifications where state = 'dead'),"
        " (select count(*) from notifications where state = 'pending')", 0, NULL, DB_TUPLES, err, sizeof err);
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
        if (db_connect (db, gw->cfg.db_wait_ms, err, sizeof err))
            log_error ("http_database_unavailable", "{s:s}", "error", err);
        pthread_setspecific (gw->db_key, db);
    }
    return db;
}

static void
s_completed (void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode toe)
{
    gw_req_t *req = *state;
    if (req) {
        free (req->body);
        free (req->resp);
        free (req);
        *state = NULL;
    }
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload, size_t *upload_size, void **state)
{
    gateway_t *gw = cls;
    gw_req_t *req = *state;
    if (!req) {
        req = calloc (1, sizeof *req);
        req->gw = gw;
        req->conn = conn;
        req->method = method;
        req->url = url;
        *state = req;
        //  Refuse an announced oversized body before reading it.
        const char *cl = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull (cl, NULL, 10) > (unsigned long long) gw->cfg.max_body_bytes)
            req->too_big = true;
        return MHD_YES;
    }
    if (*upload_size) {
        if (!req->too_big && req->len + *upload_size <= (size_t) gw->cfg.max_body_bytes) {
            req->body = realloc (req->body, req->len + *upload_size + 1);
            memcpy (req->body + req->len, upload, *upload_size);
            req->len += *upload_size;
            req->body [req->len] = '\0';
        }
        else
            req->too_big = true;
        *upload_size = 0;
        return MHD_YES;
    }
    int64_t t0 = zclock_usecs ();
    if (req->too_big)
        gateway_problem (req, 413, "Payload Too Large", "the body is over the %ld byte limit;"
                         " split the batch", gw->cfg.max_body_bytes);
    else
        gateway_route (req);
    struct MHD_Response *res = MHD_create_response_from_buffer (req->resp_len, req->resp, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header (res, "Content-Type", req->content_type ? req->content_type : "text/plain");
    MHD_add_response_header (res, "Cache-Control", "no-store");
    MHD_add_response_header (res, "X-Content-Type-Options", "nosniff");
    if (req->status == 401)
        MHD_add_response_header (res, "WWW-Authenticate", "Bearer realm=\"carewatch\"");
    enum MHD_Result rc = MHD_queue_response (conn, req->status, res);
    MHD_destroy_response (res);
    double seconds = (double) (zclock_usecs () - t0) / 1e6;
    s_count (gw, req->status, seconds);
    log_debug ("http_request", "{s:s, s:s, s:i, s:f}", "method", method, "path", url, "status",
               (int) req->status, "seconds", seconds);
    return rc;
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
    db_t *db = NULL;
    if (db_resolve_url (gw->cfg.database_url, gw->db_url, sizeof gw->db_url, err, sizeof err)
    ||  !(db = gateway_db (gw)) || !db_ok (db)
    ||  signlink_secret (db, gw->link_secret, err, sizeof err)) {
        log_error ("http_database_unavailable", "{s:s}", "error", db ? err : "no connection");
        pthread_key_delete (gw->db_key);
        free (self);
        return NULL;
    }
    gw->zmq_timeout_ms = gw->cfg.gateway_timeout_ms;
    pthread_mutex_init (&gw->lock, NULL);
    int port = gw->cfg.http_port;
    //  A pool of polling threads, each with its own database connection, so
    //  a slow export does not hold up a batch; slow or half-open clients
    //  are bounded by the timeout and limits.
    self->daemon = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_EPOLL,
                                     (uint16_t) port, NULL, NULL, s_handle, gw,
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 15,
                                     MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 512,
                                     MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int) 128,
                                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 256 * 1024,
                                     MHD_OPTION_THREAD_POOL_SIZE, (unsigned int) 4,
                                     MHD_OPTION_NOTIFY_COMPLETED, s_completed, NULL,
                                     MHD_OPTION_END);
    if (!self->daemon) {
        log_error ("http_bind_failed", "{s:i}", "port", port);
        pthread_mutex_destroy (&gw->lock);
        free (self);
        return NULL;
    }
    log_info ("http_listening", "{s:i}", "port", port);
    return self;
}

void
gateway_http_destroy (gateway_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    MHD_stop_daemon ((*self_p)->daemon);
    //  The pool threads freed theirs on exit; this thread's goes now.
    db_t *db = pthread_getspecific ((*self_p)->gw.db_key);
    db_destroy (&db);
    pthread_key_delete ((*self_p)->gw.db_key);
    pthread_mutex_destroy (&(*self_p)->gw.lock);
    free (*self_p);
    *self_p = NULL;
}
