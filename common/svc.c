/*  svc: configure, connect, poll, stop.  */
#include "svc.h"
#include "log.h"
#include "migrate.h"
#include "sig.h"
#include "zap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SVC_MAX_READERS 16
#define SVC_MAX_TIMERS 8
#define S_ZAP_ENFORCE_DOMAIN 93     //  ZMQ_ZAP_ENFORCE_DOMAIN (draft API)

typedef struct {
    zsock_t *sock;              //  the socket polled
    svc_reader_fn *reader;      //  plain reader, or
    svc_request_fn *request;    //  request handler for a ROUTER
    void *arg;                  //  handler argument
    bool router;                //  decode and answer Ping here
} s_reader_t;

typedef struct {
    int interval_ms;            //  period
    int64_t due;                //  next call, monotonic ms
    svc_timer_fn *fn;           //  what to call
    void *arg;                  //  its argument
} s_timer_t;

struct _svc_t {
    char name [32];             //  service name
    config_t config;            //  settings
    db_t *db;                   //  PostgreSQL
    zpoller_t *poller;          //  readable sockets
    s_reader_t readers [SVC_MAX_READERS];
    int nreaders;
    s_timer_t timers [SVC_MAX_TIMERS];
    int ntimers;
    zsock_t *sockets [SVC_MAX_READERS];  //  every socket created, for teardown
    int nsockets;
    int64_t started;            //  monotonic ms at start
    zactor_t *auth;             //  ZAP handler when CURVE is on
    char db_url [1024];         //  the resolved database URL
};

svc_t *
svc_new (const char *name)
{
    svc_t *self = calloc (1, sizeof *self);
    snprintf (self->name, sizeof self->name, "%s", name);
    self->started = zclock_mono ();
    char err [1024];
    if (config_load (&self->config, err, sizeof err)) {
        log_init (name, "info");
        log_error ("bad_configuration", "{s:s}", "error", err);
        free (self);
        return NULL;
    }
    log_init (name, self->config.log_level);
    sig_install ();
    zsys_set_linger (100);
    char url [1024];
    if (db_resolve_url (self->config.database_url, url, sizeof url, err, sizeof err)) {
        log_error ("no_database", "{s:s}", "error", err);
        free (self);
        return NULL;
    }
    snprintf (self->db_url, sizeof self->db_url, "%s", url);
    self->db = db_new (url, name, self->config.db_timeout_ms);
    migrate_report_t report;
    if (db_connect (self->db, self->config.db_wait_ms, err, sizeof err)
    ||  migrate_run (self->db, &report, err, sizeof err)) {
        log_error ("database_unavailable", "{s:s}", "error", err);
        svc_destroy (&self);
        return NULL;
    }
    self->poller = zpoller_new (NULL);
    log_info ("started", "{s:s, s:i, s:i}", "version", CAREWATCH_VERSION,
              "pid", (int) getpid (), "migrations_applied", report.applied);
    return self;
}

void
svc_destroy (svc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    svc_t *self = *self_p;
    zpoller_destroy (&self->poller);
    for (int i = self->nsockets - 1; i >= 0; i--)
        zsock_destroy (&self->sockets [i]);
    zactor_destroy (&self->auth);
    db_destroy (&self->db);
    free (self);
    *self_p = NULL;
}

static zsock_t *s_socket (svc_t *self, int type, const char *endpoint, bool bind, bool curve);

zsock_t *
svc_socket (svc_t *self, int type, const char *endpoint, bool bind)
{
    return s_socket (self, type, endpoint, bind, false);
}

zsock_t *
svc_socket_secure (svc_t *self, int type, const char *endpoint)
{
    if (!self->config.curve_public [0]) {
        //  Keyless is for one machine only: anyone who can connect could
        //  submit as any partner.
        if (!zap_endpoint_local (endpoint)) {
            log_error ("curve_required", "{s:s, s:s}", "endpoint", endpoint, "error",
                       "this socket listens beyond loopback, so it needs CURVE: set CAREWATCH_INTAKE_CURVE_PUBLIC and"
                       " CAREWATCH_INTAKE_CURVE_SECRET (carewatch curve-keygen makes a pair) and register each"
                       " partner's key (carewatch curve-key add)");
            return NULL;
        }
        log_warn ("curve_off", "{s:s, s:s}", "endpoint", endpoint, "warning",
                  "CURVE IS OFF: any process on this machine can submit data as any partner; fine for development"
                  " on one machine, never for a shared host (set CAREWATCH_INTAKE_CURVE_PUBLIC and _SECRET)");
        return s_socket (self, type, endpoint, true, false);
    }
    if (!self->auth && !(self->auth = zap_start (self->db_url, self->config.gateway_curve_public)))
        return NULL;
    return s_socket (self, type, endpoint, true, true);
}

static zsock_t *
s_socket (svc_t *self, int type, const char *endpoint, bool bind, bool curve)
{
    if (self->nsockets == SVC_MAX_READERS) {
        log_error ("too_many_sockets", NULL);
        return NULL;
    }
    zsock_t *sock = zsock_new (type);
    if (!sock) {
        log_error ("socket_failed", "{s:s}", "endpoint", endpoint);
        return NULL;
    }
    zsock_set_maxmsgsize (sock, self->config.max_message_bytes + 4096);
    zsock_set_sndhwm (sock, 100000);
    zsock_set_rcvhwm (sock, 100000);
    if (curve) {
        zsock_set_zap_domain (sock, "carewatch");
        //  No handler must mean no entry (libzmq lets everyone in
        //  otherwise).  A draft option: where libzmq lacks it, zap_start
        //  has already made sure the handler is there.
        int enforce = 1;
        if (zmq_setsockopt (zsock_resolve (sock), S_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce))
            log_debug ("zap_enforce_unavailable", NULL);
        zsock_set_curve_server (sock, 1);
        zsock_set_curve_publickey (sock, self->config.curve_public);
        zsock_set_curve_secretkey (sock, self->config.curve_secret);
    }
    int rc = bind ? zsock_bind (sock, "%s", endpoint) : zsock_connect (sock, "%s", endpoint);
    if (rc == -1) {
        log_error (bind ? "bind_failed" : "connect_failed", "{s:s, s:s}",
                   "endpoint", endpoint, "error", zmq_strerror (zmq_errno ()));
        zsock_destroy (&sock);
        return NULL;
    }
    log_info (bind ? "bound" : "connected", "{s:s, s:s, s:b}", "endpoint", endpoint,
              "type", zsock_type_str (sock), "curve", curve);
    self->sockets [self->nsockets++] = sock;
    return sock;
}

static void
s_add (svc_t *self, zsock_t *sock, svc_reader_fn *reader, svc_request_fn *request,
       void *arg, bool router)
{
    assert (self->nreaders < SVC_MAX_READERS);
    self->readers [self->nreaders++] = (s_reader_t) { sock, reader, request, arg, router };
    zpoller_add (self->poller, sock);
}

void
svc_add_reader (svc_t *self, zsock_t *sock, svc_reader_fn *fn, void *arg)
{
    s_add (self, sock, fn, NULL, arg, false);
}

void
svc_add_router (svc_t *self, zsock_t *sock, svc_request_fn *fn, void *arg)
{
    s_add (self, sock, NULL, fn, arg, true);
}

void
svc_add_timer (svc_t *self, int interval_ms, svc_timer_fn *fn, void *arg)
{
    assert (self->ntimers < SVC_MAX_TIMERS);
    self->timers [self->ntimers++] = (s_timer_t) { interval_ms, zclock_mono () + interval_ms, fn, arg };
}

void
svc_pong (svc_t *self, Carewatch__V1__Pong *pong)
{
    static char version [] = CAREWATCH_VERSION;
    pong->service = self->name;
    pong->version = version;
    pong->uptime_seconds = svc_uptime (self);
    pong->database_ok = db_ping (self->db) == 0;
    pong->pid = (uint64_t) getpid ();
}

static int
s_serve_router (svc_t *self, s_reader_t *r)
{
    zmsg_t *zmsg = zmsg_recv (r->sock);
    if (!zmsg)
        return 0;
    msg_t req;
    char err [256];
    int rc = 0;
    if (msg_decode (&zmsg, true, (size_t) self->config.max_message_bytes, &req, err, sizeof err)) {
        log_warn ("bad_message", "{s:s}", "error", err);
        if (req.identity)
            msg_send_error (r->sock, req.identity, "bad_message", err);
    }
    else
    if (msg_is (&req, &carewatch__v1__ping__descriptor)) {
        Carewatch__V1__Pong pong = CAREWATCH__V1__PONG__INIT;
        svc_pong (self, &pong);
        msg_send (r->sock, req.identity, &pong.base);
    }
    else
    if (r->request)
        rc = r->request (self, r->sock, &req, r->arg);
    else {
        snprintf (err, sizeof err, "%s is not served on this socket", req.type->name);
        msg_send_error (r->sock, req.identity, "unsupported_message", err);
    }
    msg_clear (&req);
    return rc;
}

int
svc_run (svc_t *self)
{
    int rc = 0;
    while (!sig_stop_requested () && rc == 0) {
        int64_t now = zclock_mono ();
        int wait = 200;
        for (int i = 0; i < self->ntimers; i++)
            if (self->timers [i].due - now < wait)
                wait = (int) (self->timers [i].due - now);
        if (wait < 0)
            wait = 0;
        zsock_t *which = zpoller_wait (self->poller, wait);
        for (int i = 0; which && i < self->nreaders && rc == 0; i++) {
            s_reader_t *r = &self->readers [i];
            if (r->sock != which)
                continue;
            rc = r->router ? s_serve_router (self, r) : r->reader (self, r->sock, r->arg);
        }
        now = zclock_mono ();
        for (int i = 0; i < self->ntimers && rc == 0; i++)
            if (self->timers [i].due <= now) {
                self->timers [i].due = now + self->timers [i].interval_ms;
                rc = self->timers [i].fn (self, self->timers [i].arg);
            }
    }
    log_info ("stopped", "{s:s, s:f}", "reason", rc ? "handler_failed" : "signal",
              "uptime_seconds", svc_uptime (self));
    return rc ? 1 : 0;
}

const config_t *svc_config (svc_t *self) { return &self->config; }
db_t *svc_db (svc_t *self) { return self->db; }
const char *svc_name (svc_t *self) { return self->name; }
double svc_uptime (svc_t *self) { return (double) (zclock_mono () - self->started) / 1000.0; }
