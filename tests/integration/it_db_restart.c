/*  Restarts PostgreSQL under running services: they reconnect by
    themselves and keep answering, with the database reachable again.  */
#include "check.h"
#include "harness.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "db_restart"))
        return 1;
    CHECK (harness_start (&h, "calc") > 0);
    CHECK (harness_start (&h, "intake") > 0);
    bool db_ok = false;
    CHECK (harness_ping (h.calc_control, 30000, &db_ok, NULL, 0) == 0);
    CHECK (db_ok);
    //  A named statement: prepared on first use, run by name after.
    static const db_stmt_t stmt = { "it_db_restart_count", "select count (*) + $1::int from org_units", 1 };
    const char *one [1] = { "1" };
    char err [256];
    db_t *db = db_new (h.db_url, "it_db_restart", 5000);
    CHECK_INT (db_connect (db, 10000, err, sizeof err), 0);
    PGresult *r = db_exec_stmt (db, &stmt, one, DB_TUPLES, err, sizeof err);
    CHECK (r && atoi (PQgetvalue (r, 0, 0)) > 1);
    long want = r ? atol (PQgetvalue (r, 0, 0)) : -1;
    if (r)
        PQclear (r);
    //  The server forgets it: it is prepared again, not an error.
    CHECK_INT (db_run (db, "deallocate all", 0, NULL, err, sizeof err), 0);
    r = db_exec_stmt (db, &stmt, one, DB_TUPLES, err, sizeof err);
    CHECK (r && atol (PQgetvalue (r, 0, 0)) == want);
    if (r)
        PQclear (r);

    //  Stop the server: the services still answer, and say the database is down.
    CHECK_INT (harness_sh ("%s stop %s", getenv ("CAREWATCH_TEST_PG_SCRIPT"),
                           getenv ("CAREWATCH_TEST_PG_NAME")), 0);
    db_ok = true;
    CHECK (harness_ping (h.calc_control, 15000, &db_ok, NULL, 0) == 0);
    CHECK (!db_ok);

    //  Start it again: within a few seconds the database is back for both.
    CHECK_INT (harness_sh ("%s start %s >/dev/null", getenv ("CAREWATCH_TEST_PG_SCRIPT"),
                           getenv ("CAREWATCH_TEST_PG_NAME")), 0);
    const char *eps [] = { h.calc_control, h.intake };
    for (int i = 0; i < 2; i++) {
        bool back = false;
        for (int attempt = 0; attempt < 40 && !back; attempt++) {
            CHECK (harness_ping (eps [i], 10000, &back, NULL, 0) == 0);
            if (!back)
                usleep (250000);
        }
        CHECK (back);
    }
    //  A new connection has none of the old one's statements: prepared again.
    r = NULL;
    for (int i = 0; i < 50 && !r; i++) {
        r = db_exec_stmt (db, &stmt, one, DB_TUPLES, err, sizeof err);
        if (!r)
            usleep (200000);
    }
    CHECK (r && atol (PQgetvalue (r, 0, 0)) == want);
    if (r)
        PQclear (r);
    CHECK (db_connects (db) >= 2);
    db_destroy (&db);
    CHECK_INT (harness_stop (&h, "calc", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    harness_cleanup (&h);
    return check_done ("it_db_restart");
}
