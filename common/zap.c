/*  zap: ZAP handler mapping CURVE keys to partners.  */
#include "zap.h"
#include "log.h"

#include <string.h>

int
zap_lookup (db_t *db, const char *relay_key, const char *public_key, char *out, size_t outlen)
{
    if (relay_key && *relay_key && strcmp (relay_key, public_key) == 0) {
        snprintf (out, outlen, "%s", ZAP_RELAY);
        return 1;
    }
    const char *p [1] = { public_key };
    char err [256];
    PGresult *r = db_exec (db, "select partner from curve_keys where public_key = $1 and revoked_at is null",
                           1, p, DB_TUPLES, err, sizeof err);
    if (!r) {
        log_warn ("zap_database", "{s:s}", "error", err);
        return -1;
    }
    int found = PQntuples (r) == 1;
    if (found)
        snprintf (out, outlen, "%s", PQgetvalue (r, 0, 0));
    PQclear (r);
    return found;
}

typedef struct {
    zsock_t *handler;           //  bound to the ZAP endpoint by zap_start
    db_t *db;                   //  connected by zap_start
    char relay_key [64];
} s_args_t;

//  One request: version, request id, domain, address, identity,
//  mechanism, credentials.  The reply carries the same request id.
static void
s_answer (zsock_t *handler, db_t *db, const char *relay_key)
{
    zmsg_t *request = zmsg_recv (handler);
    if (!request)
        return;
    char *version = zmsg_popstr (request), *sequence = zmsg_popstr (request);
    char *domain = zmsg_popstr (request), *address = zmsg_popstr (request);
    char *identity = zmsg_popstr (request), *mechanism = zmsg_popstr (request);
    zframe_t *key = zmsg_pop (request);
    char user [80] = "", status [4] = "400", text [64] = "unknown key";
    if (version && strcmp (version, "1.0") == 0 && mechanism && strcmp (mechanism, "CURVE") == 0
    &&  key && zframe_size (key) == 32) {
        char z85 [41];
        zmq_z85_encode (z85, zframe_data (key), 32);
        int found = zap_lookup (db, relay_key, z85, user, sizeof user);
        if (found == 1)
            snprintf (status, sizeof status, "200"), snprintf (text, sizeof text, "OK");
        else if (found < 0)
            snprintf (status, sizeof status, "300"), snprintf (text, sizeof text, "database unavailable");
        else
            log_warn ("curve_key_refused", "{s:s, s:s}", "key", z85, "address", address ? address : "");
    }
    else
        snprintf (text, sizeof text, "CURVE only");
    zstr_sendx (handler, "1.0", sequence ? sequence : "", status, text, user, "", NULL);
    zstr_free (&version), zstr_free (&sequence), zstr_free (&domain), zstr_free (&address);
    zstr_free (&identity), zstr_free (&mechanism);
    zframe_destroy (&key);
    zmsg_destroy (&request);
}

static void
s_actor (zsock_t *pipe, void *arg)
{
    s_args_t *args = arg;
    zsock_signal (pipe, 0);
    zpoller_t *poller = zpoller_new (pipe, args->handler, NULL);
    while (true) {
        zsock_t *which = zpoller_wait (poller, -1);
        if (which == args->handler)
            s_answer (args->handler, args->db, args->relay_key);
        else if (which == pipe) {
            char *cmd = zstr_recv (pipe);
            bool term = !cmd || strcmp (cmd, "$TERM") == 0;
            zstr_free (&cmd);
            if (term)
                break;
        }
        else
            break;
    }
    zpoller_destroy (&poller);
    db_destroy (&args->db);
    zsock_destroy (&args->handler);
    free (args);
}

zactor_t *
zap_start (const char *db_url, const char *relay_key)
{
    //  The socket and the connection are made here, so a failure is seen
    //  before any CURVE socket is bound: with no handler, libzmq would
    //  let every key in.
    s_args_t *args = calloc (1, sizeof *args);
    char err [256] = "no socket";
    if (!args)
        return NULL;
    args->handler = zsock_new (ZMQ_REP);
    args->db = db_new (db_url, "intake-zap", 5000);
    snprintf (args->relay_key, sizeof args->relay_key, "%s", relay_key ? relay_key : "");
    if (!args->handler || zsock_bind (args->handler, "inproc://zeromq.zap.01") || db_connect (args->db, 30000, err, sizeof err)) {
        log_error ("zap_start_failed", "{s:s}", "error", err);
        zsock_destroy (&args->handler);
        db_destroy (&args->db);
        free (args);
        return NULL;
    }
    return zactor_new (s_actor, args);
}

bool
zap_endpoint_local (const char *endpoint)
{
    if (strncmp (endpoint, "tcp://", 6))
        return true;
    const char *host = endpoint + 6;
    return strncmp (host, "127.", 4) == 0 || strncmp (host, "localhost:", 10) == 0
        || strncmp (host, "[::1]:", 6) == 0;
}
