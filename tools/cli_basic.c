/*  cli_basic: migrate, ping, config.  */
#include "cli.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "migrate.h"
#include "msg.h"

#include <stdlib.h>
#include <string.h>

int
cli_config (int argc, char **argv)
{
    config_print_table ();
    return 0;
}

db_t *
cli_db (const char *who, int timeout_ms)
{
    config_t cfg;
    char err [1024], url [1024];
    log_init (who, "warn");
    if (config_load (&cfg, err, sizeof err) || db_resolve_url (cfg.database_url, url, sizeof url, err, sizeof err)) {
        fprintf (stderr, "carewatch %s: %s\n", who, err);
        return NULL;
    }
    db_t *db = db_new (url, who, timeout_ms ? timeout_ms : cfg.db_timeout_ms);
    if (db_connect (db, 30000, err, sizeof err)) {
        fprintf (stderr, "carewatch %s: %s\n", who, err);
        db_destroy (&db);
    }
    return db;
}

int
cli_migrate (int argc, char **argv)
{
    char err [1024];
    db_t *db = cli_db ("migrate", 0);
    if (!db)
        return 1;
    migrate_report_t report;
    int rc = migrate_run (db, &report, err, sizeof err);
    db_destroy (&db);
    if (rc) {
        fprintf (stderr, "carewatch migrate: %s\n", err);
        return 1;
    }
    printf ("migrations: %d applied, %d already present; reference files loaded: %d\n",
            report.applied, report.present, report.references_loaded);
    return 0;
}

int
cli_ping (int argc, char **argv)
{
    //  --curve: as the gateway, with its relay key, to a CURVE intake
    //  (a container health check beside intake has both keys).
    bool curve = argc >= 3 && strcmp (argv [argc - 1], "--curve") == 0;
    if (curve)
        argc--;
    if (argc < 2) {
        fprintf (stderr, "usage: carewatch ping ENDPOINT [--timeout MS] [--curve]\n");
        return 2;
    }
    int timeout = 2000;
    if (argc >= 4 && strcmp (argv [2], "--timeout") == 0)
        timeout = atoi (argv [3]);
    zsys_handler_set (NULL);
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, timeout);
    zsock_set_linger (sock, 0);
    if (curve) {
        config_t cfg;
        char err [512] = "";
        if (config_load (&cfg, err, sizeof err) || !cfg.curve_public [0] || !cfg.gateway_curve_secret [0]) {
            fprintf (stderr, "carewatch ping: --curve needs CAREWATCH_INTAKE_CURVE_PUBLIC and CAREWATCH_GATEWAY_CURVE_*"
                             " set%s%s\n", err [0] ? ": " : "", err);
            zsock_destroy (&sock);
            return 2;
        }
        zsock_set_curve_serverkey (sock, cfg.curve_public);
        zsock_set_curve_publickey (sock, cfg.gateway_curve_public);
        zsock_set_curve_secretkey (sock, cfg.gateway_curve_secret);
    }
    if (zsock_connect (sock, "%s", argv [1])) {
        fprintf (stderr, "carewatch ping: cannot connect to %s\n", argv [1]);
        zsock_destroy (&sock);
        return 1;
    }
    Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
    ping.from = "carewatch-cli";
    msg_send (sock, NULL, &ping.base);
    msg_t reply;
    char err [256];
    int rc = 1;
    if (msg_recv (sock, false, 1 << 20, &reply, err, sizeof err))
        fprintf (stderr, "carewatch ping: no answer from %s within %d ms\n", argv [1], timeout);
    else
    if (msg_is (&reply, &carewatch__v1__pong__descriptor)) {
        Carewatch__V1__Pong *pong = (Carewatch__V1__Pong *) reply.body;
        printf ("%s %s uptime=%.1fs database=%s pid=%llu\n", pong->service, pong->version,
                pong->uptime_seconds, pong->database_ok ? "ok" : "down",
                (unsigned long long) pong->pid);
        rc = 0;
    }
    else
        fprintf (stderr, "carewatch ping: unexpected %s\n", reply.type->name);
    msg_clear (&reply);
    zsock_destroy (&sock);
    return rc;
}
