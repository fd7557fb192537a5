/*  Two calc workers on one database, batches landing while both work:
    every batch is processed exactly once (the passes of the two add up to
    the batches: two workers claiming the same batch would count it
    twice), both workers take passes, and the values they leave equal a
    full recompute.  A worker that wrote an older view of a group after
    the other wrote a newer one would show there, but only when it
    happens to the last batches: every batch here recomputes the same
    groups, so a later pass repairs an earlier stale write, and with the
    group locks switched off three runs still ended equal.  The locks'
    ordering argument is in calc_service.c.  */
#define CHECK_STR__(x) #x
#define CHECK_STR_(x) CHECK_STR__(x)
#include "check.h"
#include "db.h"
#include "harness.h"
#include "msg.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static db_t *s_db;


#define BATCHES 30
#define MONTHS 12
#define BREAKDOWNS 23

//  The monthly practice data element, the practices and the breakdowns.
static char s_de [72], s_orgs [64][72], s_bds [BREAKDOWNS][72];
static int s_norgs;

static void
s_load_codes (void)
{
    snprintf (s_de, sizeof s_de, "%s", harness_query (s_db, "select code from data_elements where partner = 'gp-practices'"
                                                " and kind = 'fraction' and frequency = 'month' order by code limit 1"));
    char err [256];
    PGresult *r = db_exec (s_db, "select code from org_units where level = 'practice' order by code limit 64", 0,
                           NULL, DB_TUPLES, err, sizeof err);
    for (int i = 0; r && i < PQntuples (r); i++)
        snprintf (s_orgs [s_norgs++], sizeof s_orgs [0], "%s", PQgetvalue (r, i, 0));
    if (r)
        PQclear (r);
    r = db_exec (s_db, "select code from breakdowns order by code limit " CHECK_STR_ (BREAKDOWNS), 0, NULL,
                 DB_TUPLES, err, sizeof err);
    for (int i = 0; r && i < PQntuples (r) && i < BREAKDOWNS; i++)
        snprintf (s_bds [i], sizeof s_bds [0], "%s", PQgetvalue (r, i, 0));
    if (r)
        PQclear (r);
}

//  Sends a JSON feed and checks that it was committed.
static void
s_send (zsock_t *sock, const char *json, size_t len)
{
    Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
    f.partner = "gp-practices";
    f.format = "json";
    f.content.data = (uint8_t *) json;
    f.content.len = len;
    msg_send (sock, NULL, &f.base);
    msg_t reply;
    char err [256];
    CHECK_INT (msg_recv (sock, false, 1 << 24, &reply, err, sizeof err), 0);
    if (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor))
        CHECK_STR (((Carewatch__V1__BatchReceipt *) reply.body)->status, "committed");
    else
        CHECK (!"no receipt");
    msg_clear (&reply);
}

//  Batch 0 is the history: every practice x MONTHS x BREAKDOWNS, so that
//  a pass over those groups takes long enough for batches to land during
//  it.  Batch k > 0 revises one practice's latest month in every
//  breakdown: every batch recomputes the same groups, and the workers
//  contend for them.
static void
s_push (zsock_t *sock, int k)
{
    char *json = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&json, &len);
    fprintf (f, "{\"batch_key\": \"w-%d\", \"observations\": [", k);
    int n = 0;
    for (int o = 0; o < s_norgs; o++)
        for (int m = 0; m < MONTHS; m++)
            for (int b = 0; b < BREAKDOWNS; b++) {
                if (k > 0 && (o != k % s_norgs || m != MONTHS - 1))
                    continue;
                int num = 300 + (o * 7 + m * 13 + b * 17 + k * 29) % 500;
                fprintf (f, "%s{\"data_element\": \"%s\", \"org_unit\": \"%s\", \"period\": \"%04d-%02d\","
                         " \"breakdown\": \"%s\", \"numerator\": %d, \"denominator\": 1000}", n++ ? "," : "",
                         s_de, s_orgs [o], 2023 + m / 12, m % 12 + 1, s_bds [b], num);
            }
    fprintf (f, "]}");
    fclose (f);
    s_send (sock, json, len);
    free (json);
}

static int
s_passes (const char *log)
{
    char cmd [1024];
    snprintf (cmd, sizeof cmd, "grep -c batches_processed 'logs/%s' 2>/dev/null", log);
    FILE *f = popen (cmd, "r");
    int n = 0;
    if (f) {
        if (fscanf (f, "%d", &n) != 1)
            n = 0;
        pclose (f);
    }
    return n;
}

int
main (void)
{
    harness_t h, h2;
    if (harness_init (&h, "calc_workers"))
        return 1;
    //  The logs are appended to; the passes are counted from them.
    unlink ("logs/calc_workers-calc.log");
    unlink ("logs/calc_workers2-calc.log");
    //  One batch a pass, so both workers find work.
    setenv ("CAREWATCH_CALC_BATCHES_PER_PASS", "1", 1);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK (harness_ping (h.intake, 30000, NULL, NULL, 0) == 0);
    s_db = db_new (h.db_url, "test", 10000);
    char err [256];
    CHECK (db_connect (s_db, 10000, err, sizeof err) == 0);

    //  A first backlog, then both workers start on it together.
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, 20000);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", h.intake);
    s_load_codes ();
    CHECK (s_norgs == 43);
    for (int k = 0; k < BATCHES / 2; k++)
        s_push (sock, k);
    //  The second worker: the same database, sockets of its own.
    h2 = h;
    h2.nprocs = 0;
    snprintf (h2.name, sizeof h2.name, "calc_workers2");
    snprintf (h2.calc, sizeof h2.calc, "tcp://127.0.0.1:*");
    snprintf (h2.calc_events, sizeof h2.calc_events, "tcp://127.0.0.1:*");
    snprintf (h2.calc_control, sizeof h2.calc_control, "tcp://127.0.0.1:*");
    CHECK (harness_start (&h, "calc") > 0);
    CHECK (harness_start (&h2, "calc") > 0);
    //  The rest lands while both work.
    for (int k = BATCHES / 2; k < BATCHES; k++)
        s_push (sock, k);
    zsock_destroy (&sock);

    char want [16];
    snprintf (want, sizeof want, "%d", BATCHES);
    bool drained = false;
    for (int waited = 0; waited < 30000 && !drained; waited += 50) {
        drained = strcmp (harness_query (s_db, "select count(*) from calc_processed"), want) == 0;
        if (!drained)
            usleep (50000);
    }
    CHECK (drained);
    CHECK_STR (harness_query (s_db, "select count(*) from batches"), want);
    CHECK_INT (harness_stop (&h2, "calc", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "calc", SIGTERM, 10000), 0);
    int p1 = s_passes ("calc_workers-calc.log"), p2 = s_passes ("calc_workers2-calc.log");
    fprintf (stderr, "passes: worker 1 %d, worker 2 %d\n", p1, p2);
    CHECK_INT (p1 + p2, BATCHES);
    CHECK (p1 > 0 && p2 > 0);

    //  Every value is there, and a full recompute changes nothing.
    char sql [512], values [16];
    snprintf (sql, sizeof sql, "select count(*) from indicator_points p join indicators i on i.code = p.indicator"
              " join org_units u on u.code = p.org_unit where i.data_element = '%s' and u.level = 'practice'", s_de);
    snprintf (values, sizeof values, "%d", 43 * MONTHS * BREAKDOWNS);
    CHECK_STR (harness_query (s_db, sql), values);
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    CHECK_INT (harness_sh ("%s recompute | tee /dev/stderr | grep -q '; 0 changed'", bin), 0);

    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    db_destroy (&s_db);
    harness_cleanup (&h2);
    harness_cleanup (&h);
    return check_done ("it_calc_workers");
}
