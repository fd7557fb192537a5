/*  SIGKILL in the middle of a large batch: the database holds the whole
    batch or none of it, and the same batch sent again after a restart
    completes with exactly its rows.  */
#include "check.h"
#include "intake_util.h"

#include <signal.h>
#include <unistd.h>

#define ROWS 100000
#define KEY "kill-100k"

static long long
s_count (db_t *db, const char *sql)
{
    return it_num (db, sql, NULL, NULL);
}

//  The batch's rows and batch rows as the database has them.
static void
s_check_all_or_nothing (db_t *db, long long *batches, long long *rows)
{
    *batches = s_count (db, "select count(*) from batches where batch_key = '" KEY "'");
    *rows = s_count (db, "select count(*) from observations o join batches b on b.id = o.batch_id"
                         " where b.batch_key = '" KEY "'");
    CHECK (*batches == 0 || *batches == 1);
    CHECK_INT (*rows, *batches * ROWS);
    //  No observations without their batch, no batch without its rows.
    CHECK_INT (s_count (db, "select count(*) from observations"), *rows);
    CHECK_INT (s_count (db, "select count(*) from batches b where not exists"
                            " (select 1 from observations o where o.batch_id = b.id)"), 0);
}

int
main (void)
{
    long long t0 = harness_now_ms ();
    harness_t h;
    if (harness_init (&h, "intake_kill"))
        return 1;
    CHECK (harness_start (&h, "intake") > 0);
    CHECK_INT (harness_ping (h.intake, 30000, NULL, NULL, 0), 0);
    db_t *db = db_new (h.db_url, "it_intake_kill", 60000);
    char err [256];
    CHECK_INT (db_connect (db, 10000, err, sizeof err), 0);

    //  dmbc-asc's monthly counts for Dudley and its wards: two data
    //  elements x the org units x enough months for ROWS distinct keys.
    char org [64][64];
    int norgs = 0;
    PGresult *res = db_exec (db, "select code from org_units where code = 'dudley' or (level = 'ward' and parent = 'dudley')"
                                 " order by code limit 64", 0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    for (int i = 0; res && i < PQntuples (res); i++)
        snprintf (org [norgs++], 64, "%s", PQgetvalue (res, i, 0));
    PQclear (res);
    const char *des [2] = { "asc-as01a-safeguarding-concerns", "asc-as02-dols-referrals" };
    CHECK (norgs >= 20);        //  2 x 20 x 2500 months fits 1900..2200
    if (norgs < 20) {
        harness_cleanup (&h);
        db_destroy (&db);
        return check_done ("it_intake_kill");
    }
    it_batch_t b;
    it_batch_init (&b, "dmbc-asc", KEY, ROWS);
    for (int i = 0; i < ROWS; i++) {
        int m = i / (2 * norgs);
        char period [16];
        snprintf (period, sizeof period, "%d-%02d", 1901 + m / 12, 1 + m % 12);
        it_value (it_add (&b, des [i % 2], org [(i / 2) % norgs], period), i % 97);
    }

    //  Send it and kill the service once its rows are going in (after the
    //  batches row, within the transaction).
    zsock_t *sock = it_dealer (h.intake, 60000);
    CHECK_INT (msg_send (sock, NULL, &b.b.base), 0);
    long long sent = harness_now_ms (), seen = -1;
    char phase [128] = "";
    while (harness_now_ms () - sent < 30000) {
        CHECK (it_text (db, "select coalesce (state, '') || ': ' || left (query, 40) from pg_stat_activity"
                            " where application_name = 'carewatch-intake' and xact_start is not null"
                            " and query not like 'select content_hash%' and query not like 'begin%'"
                            " and query not like 'create temp table%' and query not like 'insert into batches%'",
                        NULL, NULL, phase, sizeof phase) == 0);
        if (*phase) {
            seen = harness_now_ms () - sent;
            break;
        }
        if (zsock_events (sock) & ZMQ_POLLIN)
            break;      //  answered before we saw it (too fast to catch)
        usleep (2000);
    }
    CHECK_INT (harness_stop (&h, "intake", SIGKILL, 10000), 128 + SIGKILL);
    fprintf (stderr, "it_intake_kill: killed %lld ms after sending, %s in transaction (%s)\n",
             harness_now_ms () - sent, seen >= 0 ? "while" : "NOT seen", phase);
    CHECK (seen >= 0);
    zsock_destroy (&sock);

    //  PostgreSQL ends the orphaned transaction once its backend notices.
    long long wait0 = harness_now_ms ();
    while (s_count (db, "select count(*) from pg_stat_activity where application_name = 'carewatch-intake'") > 0
    &&     harness_now_ms () - wait0 < 30000)
        usleep (10000);
    CHECK_INT (s_count (db, "select count(*) from pg_stat_activity where application_name = 'carewatch-intake'"), 0);
    long long batches, rows;
    s_check_all_or_nothing (db, &batches, &rows);
    fprintf (stderr, "it_intake_kill: after the kill: %lld batch rows, %lld observations\n", batches, rows);

    //  Restart and send the same batch again.
    CHECK (harness_start (&h, "intake") > 0);
    CHECK_INT (harness_ping (h.intake, 30000, NULL, NULL, 0), 0);
    sock = it_dealer (h.intake, 60000);
    msg_t reply;
    long long t1 = harness_now_ms ();
    Carewatch__V1__BatchReceipt *r = it_call (sock, &b.b.base, &reply);
    fprintf (stderr, "it_intake_kill: retry answered in %lld ms\n", harness_now_ms () - t1);
    CHECK (r);
    if (r) {
        CHECK (strcmp (r->status, "committed") == 0 || strcmp (r->status, "replayed") == 0);
        CHECK_INT (r->replayed, batches == 1);
        CHECK_INT (r->accepted, ROWS);
        CHECK_INT (r->rejected, 0);
        CHECK_INT (r->new_count, ROWS);
        CHECK_INT (r->batch_id, it_num (db, "select id from batches where batch_key = $1", KEY, NULL));
    }
    msg_clear (&reply);
    s_check_all_or_nothing (db, &batches, &rows);
    CHECK_INT (batches, 1);
    CHECK_INT (rows, ROWS);
    CHECK_INT (s_count (db, "select count(*) from observations where current"), ROWS);
    CHECK_INT (s_count (db, "select accepted from batches where batch_key = '" KEY "'"), ROWS);

    zsock_destroy (&sock);
    it_batch_free (&b);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    harness_cleanup (&h);
    db_destroy (&db);
    fprintf (stderr, "it_intake_kill: %lld ms\n", harness_now_ms () - t0);
    return check_done ("it_intake_kill");
}
