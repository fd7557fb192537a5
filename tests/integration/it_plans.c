/*  The statements that read observations or indicator_points for one
    series, one org unit or one feed reach them through an index, never
    by reading the whole table.  With sequential scans priced out
    (enable_seqscan off), the planner still picks one only when no index
    can serve the statement: so a Seq Scan on either table in a plan
    means the index the statement relies on is missing.  That is how the
    web feeds page and alert's data_missing rule went from 39 ms to 424 ms
    when migration 0012 dropped observations_history, which they were
    reading without saying `current`.  */
#include "check.h"
#include "db.h"
#include "harness.h"
#include "alert_store.h"
#include "export_store.h"
#include "gateway_store.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

//  Counts the plan nodes (in EXPLAIN's JSON) that scan a hot table whole.
static int
s_seq_scans (json_t *node, char *which, size_t len)
{
    int n = 0;
    const char *type = json_string_value (json_object_get (node, "Node Type"));
    const char *rel = json_string_value (json_object_get (node, "Relation Name"));
    if (type && rel && strcmp (type, "Seq Scan") == 0
    &&  (strcmp (rel, "observations") == 0 || strcmp (rel, "indicator_points") == 0)) {
        snprintf (which, len, "%s", rel);
        n++;
    }
    size_t i;
    json_t *child;
    json_array_foreach (json_object_get (node, "Plans"), i, child)
        n += s_seq_scans (child, which, len);
    return n;
}

static void
s_check (db_t *db, const db_stmt_t *stmt, const char *const *params)
{
    char err [512], sql [8192];
    snprintf (sql, sizeof sql, "explain (format json) %s", stmt->sql);
    PGresult *r = db_exec (db, sql, stmt->nparams, params, DB_TUPLES, err, sizeof err);
    CHECK (r != NULL);
    if (!r) {
        fprintf (stderr, "%s: %s\n", stmt->name, err);
        return;
    }
    json_t *plan = json_loads (PQgetvalue (r, 0, 0), 0, NULL);
    PQclear (r);
    char which [64] = "";
    int scans = s_seq_scans (json_object_get (json_array_get (plan, 0), "Plan"), which, sizeof which);
    if (scans)
        fprintf (stderr, "%s reads all of %s (%d sequential scans)\n", stmt->name, which, scans);
    CHECK_INT (scans, 0);
    json_decref (plan);
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "plans"))
        return 1;
    harness_export (&h);
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    CHECK_INT (harness_sh ("%s migrate > logs/plans-migrate.log 2>&1", bin), 0);
    db_t *db = db_new (h.db_url, "it_plans", 30000);
    char err [256];
    CHECK_INT (db_connect (db, 10000, err, sizeof err), 0);
    CHECK_INT (db_run (db, "set enable_seqscan = off", 0, NULL, err, sizeof err), 0);

    //  alert's data_missing rule: every expected series' first period.
    s_check (db, &alert_expected_series_sql, NULL);
    //  The web feeds page: a feed's due series and how many reported.
    const char *feed [5] = { "gp-practices", "month", "30", "2025-03", "2025-03-31" };
    s_check (db, &web_feed_completeness_sql, feed);
    //  export's exceptions report, with every version's notes.
    const char *exceptions [4] = { "dudley", "FY2022-23Q2", NULL, NULL };
    s_check (db, &export_sql_exception_rows, exceptions);
    //  export's scorecard and sparklines.
    const char *card [9] = { "dudley", "FY2022-23Q2", "FY2022-23Q1", "FY2021-22Q2", "2022-07-01", "quarter",
                             NULL, NULL, "2022-09-30" };
    s_check (db, &export_sql_scorecard_rows, card);
    const char *spark [3] = { "dudley", "2022-09-30", "quarter" };
    s_check (db, &export_sql_sparklines, spark);

    db_destroy (&db);
    harness_cleanup (&h);
    return check_done ("it_plans");
}
