/*  The migrate command: idempotent, safe to run twice and concurrently,
    and it loads the reference data.  */
#include "check.h"
#include "db.h"
#include "embedded.h"
#include "harness.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static long
s_count (db_t *db, const char *sql)
{
    char err [256];
    PGresult *r = db_exec (db, sql, 0, NULL, DB_TUPLES, err, sizeof err);
    if (!r) {
        fprintf (stderr, "%s: %s\n", sql, err);
        return -1;
    }
    long n = atol (PQgetvalue (r, 0, 0));
    PQclear (r);
    return n;
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "migrate"))
        return 1;
    harness_export (&h);
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);

    //  Four at once on an empty database: all succeed, each migration once.
    pid_t pids [4];
    for (int i = 0; i < 4; i++)
        if ((pids [i] = fork ()) == 0) {
            execl (bin, bin, "migrate", (char *) NULL);
            _exit (127);
        }
    for (int i = 0; i < 4; i++) {
        int st;
        waitpid (pids [i], &st, 0);
        CHECK (WIFEXITED (st) && WEXITSTATUS (st) == 0);
    }
    //  And once more, with nothing left to do.
    CHECK_INT (harness_sh ("%s migrate | grep -q '0 applied'", bin), 0);

    int files = 0;
    for (const embedded_file_t *m = embedded_migrations; m->name; m++)
        files++;
    db_t *db = db_new (h.db_url, "test", 10000);
    char err [256];
    CHECK (db_connect (db, 10000, err, sizeof err) == 0);
    CHECK_INT (s_count (db, "select count(*) from schema_migrations"), files);
    //  The reference tree: England, region, ICB, Dudley, 6 PCNs, 43 practices, 24 wards.
    CHECK_INT (s_count (db, "select count(*) from org_units where level = 'pcn' and parent = 'dudley'"), 6);
    CHECK_INT (s_count (db, "select count(*) from org_units p join org_units n on p.parent = n.code"
                            " where p.level = 'practice' and n.level = 'pcn'"), 43);
    CHECK_INT (s_count (db, "select count(*) from org_units where level = 'ward'"), 24);
    CHECK_INT (s_count (db, "select count(*) from partners"), 9);
    CHECK (s_count (db, "select count(*) from breakdowns where code like 'imd_q%'") == 5);
    db_destroy (&db);
    harness_cleanup (&h);
    return check_done ("it_migrate");
}
