/*  cli_data: push a feed file, recompute every indicator.  */
#include "calc_service.h"
#include "cli.h"
#include "config.h"
#include "receipt.h"
#include "log.h"
#include "msg.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static char *
s_read_file (const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen (path, "rb");
    if (!f) {
        snprintf (err, errlen, "cannot open %s", path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc (cap);
    size_t got;
    while ((got = fread (buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n > max) {
            snprintf (err, errlen, "%s is over the %zu byte limit", path, max);
            free (buf);
            fclose (f);
            return NULL;
        }
        if (n == cap)
            buf = realloc (buf, cap *= 2);
    }
    fclose (f);
    *len = n;
    return buf;
}

int
cli_push (int argc, char **argv)
{
    config_t cfg;
    char err [1024];
    if (config_load (&cfg, err, sizeof err)) {
        fprintf (stderr, "carewatch push: %s\n", err);
        return 1;
    }
    const char *partner = NULL, *endpoint = cfg.intake_endpoint, *key = NULL, *format = NULL;
    const char *server_key = NULL, *cert_file = NULL;
    int atomic = 0, timeout = 120000;
    static struct option opts [] = {
        { "partner", required_argument, 0, 'p' }, { "endpoint", required_argument, 0, 'e' },
        { "batch-key", required_argument, 0, 'k' }, { "format", required_argument, 0, 'f' },
        { "atomic", no_argument, 0, 'a' }, { "timeout", required_argument, 0, 't' },
        { "server-key", required_argument, 0, 'S' }, { "cert", required_argument, 0, 'C' }, { 0, 0, 0, 0 }
    };
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "p:e:k:f:at:", opts, NULL)) != -1)
        switch (c) {
            case 'p': partner = optarg; break;
            case 'e': endpoint = optarg; break;
            case 'k': key = optarg; break;
            case 'f': format = optarg; break;
            case 'a': atomic = 1; break;
            case 't': timeout = atoi (optarg); break;
            case 'S': server_key = optarg; break;
            case 'C': cert_file = optarg; break;
            default: return 2;
        }
    if (optind != argc - 1 || !partner) {
        fprintf (stderr, "usage: carewatch push FILE --partner CODE [--endpoint E] [--format json|csv]\n"
                         "                      [--batch-key K (CSV; default: the file name)] [--atomic]\n"
                         "                      [--server-key Z85 --cert FILE (CURVE: intake's public key, your certificate)]\n");
        return 2;
    }
    const char *path = argv [optind];
    if (!format) {
        const char *dot = strrchr (path, '.');
        format = dot && strcmp (dot, ".csv") == 0 ? "csv" : "json";
    }
    size_t len;
    char *data = s_read_file (path, (size_t) cfg.max_message_bytes, &len, err, sizeof err);
    if (!data) {
        fprintf (stderr, "carewatch push: %s\n", err);
        return 1;
    }
    if (!key) {
        const char *slash = strrchr (path, '/');
        key = slash ? slash + 1 : path;
    }
    Carewatch__V1__SubmitFeed feed = CAREWATCH__V1__SUBMIT_FEED__INIT;
    feed.partner = (char *) partner;
    feed.format = (char *) format;
    feed.content.data = (uint8_t *) data;
    feed.content.len = len;
    feed.batch_key = (char *) key;
    feed.atomic = atomic;
    zsys_handler_set (NULL);
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, timeout);
    zsock_set_linger (sock, 0);
    if (server_key) {
        //  CURVE: our certificate (or a throwaway one when intake allows any).
        zcert_t *cert = cert_file ? zcert_load (cert_file) : zcert_new ();
        if (!cert) {
            fprintf (stderr, "carewatch push: cannot read certificate %s\n", cert_file);
            zsock_destroy (&sock);
            free (data);
            return 1;
        }
        zcert_apply (cert, sock);
        zsock_set_curve_serverkey (sock, server_key);
        zcert_destroy (&cert);
    }
    int rc = 1;
    if (zsock_connect (sock, "%s", endpoint) == 0 && msg_send (sock, NULL, &feed.base) == 0) {
        msg_t reply;
        if (msg_recv (sock, false, 64 << 20, &reply, err, sizeof err))
            fprintf (stderr, "carewatch push: no receipt from %s within %d ms\n", endpoint, timeout);
        else if (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor)) {
            Carewatch__V1__BatchReceipt *r = (Carewatch__V1__BatchReceipt *) reply.body;
            receipt_print (r, stdout);
            rc = r->rejected || r->n_errors ? 1 : 0;
        }
        else if (msg_is (&reply, &carewatch__v1__error__descriptor))
            fprintf (stderr, "carewatch push: %s\n", ((Carewatch__V1__Error *) reply.body)->message);
        msg_clear (&reply);
    }
    else
        fprintf (stderr, "carewatch push: cannot send to %s\n", endpoint);
    zsock_destroy (&sock);
    free (data);
    return rc;
}

int
cli_recompute (int argc, char **argv)
{
    char err [1024];
    db_t *db = cli_db ("recompute", 3600000);
    if (!db)
        return 1;
    calc_t *calc = NULL;
    int rc = 1;
    if ((calc = calc_new (db, NULL, err, sizeof err))) {
        size_t computed = 0;
        long changed = calc_recompute_all (calc, &computed);
        if (changed >= 0) {
            printf ("recomputed %zu values; %ld changed\n", computed, changed);
            rc = 0;
        }
    }
    else
        fprintf (stderr, "carewatch recompute: %s\n", err);
    calc_destroy (&calc);
    db_destroy (&db);
    return rc;
}

//  curve-keygen NAME: a CURVE key pair as NAME (public) and NAME_secret.
int
cli_curve_keygen (int argc, char **argv)
{
    if (argc != 2) {
        fprintf (stderr, "usage: carewatch curve-keygen NAME   (writes NAME and NAME_secret)\n");
        return 2;
    }
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "name", "%s", argv [1]);
    int rc = zcert_save (cert, argv [1]);
    if (rc == 0)
        printf ("public %s\nsecret %s\n", zcert_public_txt (cert), zcert_secret_txt (cert));
    else
        fprintf (stderr, "carewatch curve-keygen: cannot write %s\n", argv [1]);
    zcert_destroy (&cert);
    return rc ? 1 : 0;
}

//  curve-key add PARTNER KEY|CERTFILE, curve-key revoke KEY, curve-key
//  list: the CURVE public keys intake lets in, each registered to the
//  partner it speaks for.
int
cli_curve_key (int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv [1] : "";
    bool add = strcmp (cmd, "add") == 0 && argc == 4, revoke = strcmp (cmd, "revoke") == 0 && argc == 3;
    if (!add && !revoke && strcmp (cmd, "list")) {
        fprintf (stderr, "usage: carewatch curve-key add PARTNER (PUBLIC_KEY | CERTIFICATE_FILE)\n"
                         "       carewatch curve-key revoke PUBLIC_KEY\n"
                         "       carewatch curve-key list\n");
        return 2;
    }
    char key [64] = "";
    if (add || revoke) {
        const char *arg = argv [argc - 1];
        zcert_t *cert = strlen (arg) == 40 ? NULL : zcert_load (arg);
        snprintf (key, sizeof key, "%s", cert ? zcert_public_txt (cert) : arg);
        zcert_destroy (&cert);
        uint8_t raw [32];
        if (strlen (key) != 40 || !zmq_z85_decode (raw, key)) {
            fprintf (stderr, "carewatch curve-key: '%s' is neither a 40-character Z85 public key nor a"
                             " certificate file\n", arg);
            return 2;
        }
    }
    db_t *db = cli_db ("curve-key", 0);
    if (!db)
        return 1;
    char err [256];
    int rc = 0;
    if (add) {
        const char *p [2] = { key, argv [2] };
        PGresult *r = db_exec (db, "insert into curve_keys (public_key, partner) values ($1, $2)"
                                   " on conflict (public_key) do update set partner = $2, revoked_at = null"
                                   " returning public_key", 2, p, DB_TUPLES, err, sizeof err);
        if (r)
            printf ("curve key %s registered to partner %s\n", key, argv [2]);
        else
            fprintf (stderr, "carewatch curve-key: %s\n", strstr (err, "foreign key") ? "no such partner" : err);
        rc = r ? 0 : 1;
        PQclear (r);
    }
    else if (revoke) {
        const char *p [1] = { key };
        PGresult *r = db_exec (db, "update curve_keys set revoked_at = now() where public_key = $1 and revoked_at is null"
                                   " returning partner", 1, p, DB_TUPLES, err, sizeof err);
        rc = r && PQntuples (r) == 1 ? 0 : 1;
        if (rc == 0)
            printf ("curve key %s revoked\n", key);
        else
            fprintf (stderr, "carewatch curve-key: %s\n", r ? "no such active key" : err);
        PQclear (r);
    }
    else {
        PGresult *r = db_exec (db, "select public_key, partner, created_at::text, coalesce (revoked_at::text, '')"
                                   " from curve_keys order by partner, created_at", 0, NULL, DB_TUPLES, err, sizeof err);
        for (int i = 0; r && i < PQntuples (r); i++)
            printf ("%s  %-20s  %s  %s\n", PQgetvalue (r, i, 0), PQgetvalue (r, i, 1), PQgetvalue (r, i, 2),
                    *PQgetvalue (r, i, 3) ? "revoked" : "");
        rc = r ? 0 : 1;
        PQclear (r);
    }
    db_destroy (&db);
    return rc;
}
