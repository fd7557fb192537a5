/*  cli_alerts: subscribe, subscriptions, unsubscribe, alerts, silence,
    tail, and receive (a local webhook receiver that verifies signatures).  */
#include "alert_filter.h"
#include "cli.h"
#include "config.h"
#include "subscription.h"
#include "webhook.h"
#include "db.h"
#include "log.h"

#include <czmq.h>
#include <getopt.h>
#include <microhttpd.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


//  Prints a query's rows as tab-separated lines under a header.
static int
s_print (db_t *db, const char *sql, int n, const char *const *p)
{
    char err [512];
    PGresult *r = db_exec (db, sql, n, p, DB_TUPLES, err, sizeof err);
    if (!r) {
        fprintf (stderr, "carewatch: %s\n", err);
        return 1;
    }
    for (int c = 0; c < PQnfields (r); c++)
        printf ("%s%s", c ? "\t" : "", PQfname (r, c));
    printf ("\n");
    for (int i = 0; i < PQntuples (r); i++) {
        for (int c = 0; c < PQnfields (r); c++)
            printf ("%s%s", c ? "\t" : "", PQgetvalue (r, i, c));
        printf ("\n");
    }
    PQclear (r);
    return 0;
}

int
cli_subscribe (int argc, char **argv)
{
    const char *subscriber = NULL, *url = NULL, *secret = NULL, *filter = "{}", *channel = NULL, *partner = NULL;
    static struct option opts [] = {
        { "subscriber", required_argument, 0, 's' }, { "webhook", required_argument, 0, 'w' },
        { "secret", required_argument, 0, 'k' }, { "filter", required_argument, 0, 'f' },
        { "zmq", no_argument, 0, 'z' }, { "partner", required_argument, 0, 'p' }, { 0, 0, 0, 0 }
    };
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "s:w:k:f:zp:", opts, NULL)) != -1)
        switch (c) {
            case 's': subscriber = optarg; break;
            case 'w': url = optarg; channel = "webhook"; break;
            case 'k': secret = optarg; break;
            case 'f': filter = optarg; break;
            case 'z': channel = "zmq"; break;
            case 'p': partner = optarg; break;
            default: return 2;
        }
    if (!subscriber || !channel || (url && !secret)) {
        fprintf (stderr, "usage: carewatch subscribe --subscriber NAME (--webhook URL --secret S | --zmq)\n"
                         "                           [--filter JSON] [--partner CODE]\n"
                         "filter keys: rules, indicators, domains, owners (arrays), org_unit, min_severity\n");
        return 2;
    }
    json_error_t jerr;
    json_t *f = json_loads (filter, 0, &jerr);
    char err [512];
    config_t cfg;
    if (!f) {
        fprintf (stderr, "carewatch subscribe: --filter: %s\n", jerr.text);
        return 2;
    }
    if (config_load (&cfg, err, sizeof err)) {
        fprintf (stderr, "carewatch subscribe: %s\n", err);
        json_decref (f);
        return 1;
    }
    db_t *db = cli_db ("subscribe", 0);
    if (!db) {
        json_decref (f);
        return 1;
    }
    //  The same rules as POST /v1/subscriptions (subscription.h).
    subscription_t s = { .subscriber = subscriber, .filter = f, .channel = channel, .url = url, .secret = secret,
                         .partner = partner };
    json_t *created;
    subscription_rc_t rc = subscription_create (db, &s, cfg.webhook_allow, &created, err, sizeof err);
    if (rc == SUBSCRIPTION_OK)
        printf ("id\n%lld\n", (long long) json_integer_value (json_object_get (created, "id")));
    else
        fprintf (stderr, "carewatch subscribe: %s\n", err);
    json_decref (created);
    json_decref (f);
    db_destroy (&db);
    return rc == SUBSCRIPTION_OK ? 0 : rc == SUBSCRIPTION_INVALID ? 2 : 1;
}

int
cli_subscriptions (int argc, char **argv)
{
    db_t *db = cli_db ("subscriptions", 0);
    if (!db)
        return 1;
    //  Secrets are never shown.
    int rc = s_print (db, "select s.id, s.subscriber, s.channel, coalesce (s.url, '') as url, s.filter::text as filter,"
                          " (select count(*) from notifications n where n.subscription_id = s.id and n.state = 'pending') as pending,"
                          " (select count(*) from notifications n where n.subscription_id = s.id and n.state = 'dead') as dead"
                          " from subscriptions s where s.active order by s.id", 0, NULL);
    db_destroy (&db);
    return rc;
}

int
cli_unsubscribe (int argc, char **argv)
{
    if (argc != 2) {
        fprintf (stderr, "usage: carewatch unsubscribe ID\n");
        return 2;
    }
    db_t *db = cli_db ("unsubscribe", 0);
    if (!db)
        return 1;
    const char *p [1] = { argv [1] };
    char err [512];
    PGresult *r = db_exec (db, "update subscriptions set active = false where id = $1::bigint and active returning id",
                           1, p, DB_TUPLES, err, sizeof err);
    int rc = !r || PQntuples (r) == 0;
    if (rc)
        fprintf (stderr, "carewatch unsubscribe: %s\n", r ? "no such active subscription" : err);
    else
        printf ("unsubscribed %s\n", argv [1]);
    if (r)
        PQclear (r);
    db_destroy (&db);
    return rc;
}

int
cli_alerts (int argc, char **argv)
{
    const char *state = argc > 1 && strcmp (argv [1], "--all") == 0 ? NULL : "firing";
    db_t *db = cli_db ("alerts", 0);
    if (!db)
        return 1;
    const char *p [1] = { state };
    int rc = s_print (db, "select rule, severity, indicator, org_unit, breakdown, coalesce (period, '') as period,"
                          " state, to_char (fired_at, 'YYYY-MM-DD HH24:MI') as since from alerts"
                          " where $1::text is null or state = $1 order by severity desc, rule, indicator, org_unit", 1, p);
    db_destroy (&db);
    return rc;
}

int
cli_silence (int argc, char **argv)
{
    if (argc != 5) {
        fprintf (stderr, "usage: carewatch silence PATTERN UNTIL REASON BY\n"
                         "  PATTERN matches rule/indicator/org_unit/breakdown, e.g. 'off_target/pi-2257/*'\n"
                         "  UNTIL is a timestamp or an interval ('2 days')\n");
        return 2;
    }
    db_t *db = cli_db ("silence", 0);
    if (!db)
        return 1;
    char err [512];
    json_t *created;
    subscription_rc_t rc = subscription_silence (db, argv [1], argv [2], true, argv [3], argv [4], &created,
                                                 err, sizeof err);
    if (rc == SUBSCRIPTION_OK)
        printf ("id\tuntil\n%lld\t%s\n", (long long) json_integer_value (json_object_get (created, "id")),
                json_string_value (json_object_get (created, "until")));
    else
        fprintf (stderr, "carewatch silence: %s\n", err);
    json_decref (created);
    db_destroy (&db);
    return rc == SUBSCRIPTION_OK ? 0 : rc == SUBSCRIPTION_INVALID ? 2 : 1;
}

int
cli_tail (int argc, char **argv)
{
    config_t cfg;
    char err [512];
    if (config_load (&cfg, err, sizeof err)) {
        fprintf (stderr, "carewatch tail: %s\n", err);
        return 1;
    }
    const char *endpoint = argc > 1 ? argv [1] : cfg.alert_stream;
    zsock_t *sub = zsock_new_sub (endpoint, "alert.");
    if (!sub) {
        fprintf (stderr, "carewatch tail: cannot connect to %s\n", endpoint);
        return 1;
    }
    fprintf (stderr, "carewatch tail: listening on %s (Ctrl-C stops)\n", endpoint);
    while (!zsys_interrupted) {
        char *topic = NULL, *body = NULL;
        if (zstr_recvx (sub, &topic, &body, NULL) < 0)
            break;
        printf ("%s %s\n", topic, body ? body : "");
        fflush (stdout);
        zstr_free (&topic);
        zstr_free (&body);
    }
    zsock_destroy (&sub);
    return 0;
}

// ---------------------------------------------------------------------
//  receive: a small webhook receiver for trying carewatch out and for the
//  tests.  It verifies each signature, prints one line per delivery and
//  can be told to fail the first N requests.

typedef struct {
    const char *secret;         //  shared secret
    int fail_first;             //  answer 500 to this many requests first
    int seen;                   //  requests so far
    FILE *log;                  //  where lines go
} s_receiver_t;

typedef struct {
    char *body;
    size_t len;
} s_upload_t;

static enum MHD_Result
s_receive (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *data, size_t *size, void **state)
{
    s_receiver_t *self = cls;
    s_upload_t *up = *state;
    if (!up) {
        *state = calloc (1, sizeof (s_upload_t));
        return MHD_YES;
    }
    if (*size) {
        if (up->len + *size > (1 << 20))
            return MHD_NO;
        up->body = realloc (up->body, up->len + *size + 1);
        memcpy (up->body + up->len, data, *size);
        up->len += *size;
        up->body [up->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    const char *sig = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Carewatch-Signature");
    const char *id = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "X-Carewatch-Delivery");
    char want [80];
    webhook_sign (self->secret, (const unsigned char *) (up->body ? up->body : ""), up->len, want, sizeof want);
    bool valid = sig && strlen (sig) == strlen (want) && sodium_memcmp (sig, want, strlen (want)) == 0;
    unsigned int status = !valid ? 401 : ++self->seen <= self->fail_first ? 500 : 200;
    fprintf (self->log, "%u %s %s %s\n", status, valid ? "signature-ok" : "signature-bad",
             id ? id : "-", up->body ? up->body : "");
    fflush (self->log);
    if (self->log != stdout) {
        //  One short line for people watching the terminal.
        json_t *j = json_loadb (up->body ? up->body : "", up->len, 0, NULL);
        json_t *ind = json_object_get (j, "indicator");
        printf ("webhook %u %s: %s %s %s %s %s\n", status, valid ? "signed" : "BAD SIGNATURE",
                json_string_value (json_object_get (j, "transition")) ?: "?",
                json_string_value (json_object_get (j, "rule")) ?: "?",
                json_is_object (ind) ? json_string_value (json_object_get (ind, "code")) ?: ""
                                     : json_string_value (json_object_get (j, "feed")) ?: "",
                json_string_value (json_object_get (j, "org_unit")) ?: "",
                json_string_value (json_object_get (j, "period")) ?: "");
        fflush (stdout);
        json_decref (j);
    }
    free (up->body);
    free (up);
    *state = NULL;
    struct MHD_Response *res = MHD_create_response_from_buffer (0, (void *) "", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response (conn, status, res);
    MHD_destroy_response (res);
    return rc;
}

static volatile sig_atomic_t s_stop;
static void s_on_signal (int sig) { s_stop = 1; }

int
cli_receive (int argc, char **argv)
{
    s_receiver_t self = { NULL, 0, 0, stdout };
    int port = 0;
    static struct option opts [] = {
        { "port", required_argument, 0, 'p' }, { "secret", required_argument, 0, 's' },
        { "fail-first", required_argument, 0, 'f' }, { "log", required_argument, 0, 'l' }, { 0, 0, 0, 0 }
    };
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "p:s:f:l:", opts, NULL)) != -1)
        switch (c) {
            case 'p': port = atoi (optarg); break;
            case 's': self.secret = optarg; break;
            case 'f': self.fail_first = atoi (optarg); break;
            case 'l': self.log = fopen (optarg, "a"); break;
            default: return 2;
        }
    if (!port || !self.secret || !self.log) {
        fprintf (stderr, "usage: carewatch receive --port P --secret S [--fail-first N] [--log FILE]\n");
        return 2;
    }
    struct MHD_Daemon *d = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t) port, NULL, NULL,
                                             s_receive, &self, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!d) {
        fprintf (stderr, "carewatch receive: cannot listen on port %d\n", port);
        return 1;
    }
    signal (SIGTERM, s_on_signal);
    signal (SIGINT, s_on_signal);
    fprintf (stderr, "carewatch receive: listening on http://127.0.0.1:%d/\n", port);
    while (!s_stop)
        pause ();
    MHD_stop_daemon (d);
    if (self.log != stdout)
        fclose (self.log);
    return 0;
}

//  status: what carewatch holds, and whether calc and alert have caught
//  up with everything committed (exit 0) or not yet (exit 3).
int
cli_status (int argc, char **argv)
{
    db_t *db = cli_db ("status", 0);
    if (!db)
        return 1;
    char err [512];
    PGresult *r = db_exec (db,
        "select (select count(*) from batches), (select coalesce (sum (accepted), 0) from batches),"
        " (select coalesce (sum (rejected), 0) from batches),"
        " (select count(*) from indicator_values),"
        " (select count(*) from batches b where not exists (select 1 from calc_processed p where p.batch_id = b.id)),"
        " coalesce ((select max (change_seq) from indicator_values), 0)"
        "   - coalesce ((select position from consumer_offsets where consumer = 'alert'), 0),"
        " (select count(*) from notifications where state = 'pending'),"
        " (select count(*) from notifications where state = 'delivered'),"
        " (select count(*) from notifications where state = 'dead')", 0, NULL, DB_TUPLES, err, sizeof err);
    if (!r) {
        fprintf (stderr, "carewatch status: %s\n", err);
        db_destroy (&db);
        return 1;
    }
    bool quiet = false, drained = false;
    for (int i = 1; i < argc; i++) {
        quiet |= strcmp (argv [i], "--quiet") == 0;
        drained |= strcmp (argv [i], "--drained") == 0;
    }
    //  --drained: also wait for the outbox to empty.
    bool caught_up = atol (PQgetvalue (r, 0, 4)) == 0 && atol (PQgetvalue (r, 0, 5)) <= 0
                  && (!drained || atol (PQgetvalue (r, 0, 6)) == 0);
    if (!quiet) {
        printf ("batches:            %s (rows accepted %s, rejected %s)\n", PQgetvalue (r, 0, 0),
                PQgetvalue (r, 0, 1), PQgetvalue (r, 0, 2));
        printf ("indicator values:   %s\n", PQgetvalue (r, 0, 3));
        printf ("calc:               %s\n", atol (PQgetvalue (r, 0, 4)) ? "catching up" : "caught up");
        printf ("alert:              %s\n", atol (PQgetvalue (r, 0, 5)) > 0 ? "catching up" : "caught up");
        printf ("notifications:      %s delivered, %s pending, %s dead\n", PQgetvalue (r, 0, 7),
                PQgetvalue (r, 0, 6), PQgetvalue (r, 0, 8));
    }
    PQclear (r);
    if (!quiet) {
        r = db_exec (db, "select rule, count(*) from alerts where state = 'firing' group by rule order by rule",
                     0, NULL, DB_TUPLES, err, sizeof err);
        printf ("alerts firing:     ");
        for (int i = 0; r && i < PQntuples (r); i++)
            printf (" %s %s%s", PQgetvalue (r, i, 0), PQgetvalue (r, i, 1), i + 1 < PQntuples (r) ? "," : "");
        printf ("%s\n", r && PQntuples (r) ? "" : " none");
        if (r)
            PQclear (r);
        //  What an analyst acts on: a practice's or PCN's breach that its
        //  PCN or place shares is one breach, as a subscriber who
        //  inhibits children hears it; and alerts group by rule and
        //  indicator, as a subscriber grouping by indicator gets them.
        r = db_exec (db, "with recursive anc (code, ancestor) as (select code, parent from org_units"
                         " where parent is not null union all select a.code, u.parent from anc a join org_units u"
                         " on u.code = a.ancestor where u.parent is not null),"
                         " f as (select rule, indicator, org_unit, breakdown from alerts where state = 'firing')"
                         " select count(*), count (distinct (rule, indicator)) from f where not exists"
                         " (select 1 from anc join f g on g.org_unit = anc.ancestor and g.rule = f.rule"
                         "  and g.indicator = f.indicator and g.breakdown = f.breakdown where anc.code = f.org_unit)",
                     0, NULL, DB_TUPLES, err, sizeof err);
        if (r && PQntuples (r))
            printf ("to act on:          %s once a PCN's or the place's breach stands for its practices' (inhibit"
                    " children), in %s groups by rule and indicator\n", PQgetvalue (r, 0, 0), PQgetvalue (r, 0, 1));
        if (r)
            PQclear (r);
    }
    db_destroy (&db);
    return caught_up ? 0 : 3;
}
