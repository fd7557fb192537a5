/*  fault_reconcile: after the fault suite's feed has drained, checks
    that nothing acknowledged was lost or doubled, that the values equal a
    full recompute, and that every matching transition was notified and
    delivered; then prints and writes the figures.  */
#include "check.h"
#include "fault_suite.h"

#include <czmq.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef struct {
    char id [64];
    int status;
} s_line_t;

//  The receiver's log: "<status> signature-ok|signature-bad <id> <body>".
//  A line cut short by a SIGKILL is skipped.
static s_line_t *
s_read_log (const char *path, size_t *n, size_t *bad_signatures)
{
    s_line_t *out = NULL;
    size_t cap = 0;
    *n = 0;
    *bad_signatures = 0;
    FILE *f = fopen (path, "r");
    if (!f)
        return NULL;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline (&line, &lcap, f)) > 0) {
        s_line_t l = { "", 0 };
        char sig [32] = "";
        if (line [len - 1] != '\n' || sscanf (line, "%d %31s %63s", &l.status, sig, l.id) != 3)
            continue;
        if (strcmp (sig, "signature-ok") != 0)
            (*bad_signatures)++;
        if (*n == cap)
            out = realloc (out, (cap = cap ? cap * 2 : 1024) * sizeof *out);
        out [(*n)++] = l;
    }
    free (line);
    fclose (f);
    return out;
}

static int
s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
s_cmp_line (const void *a, const void *b)
{
    return strcmp (((const s_line_t *) a)->id, ((const s_line_t *) b)->id);
}

//  Waits for `carewatch status --quiet --drained` to succeed.
bool
fault_wait_drained (s_run_t *run, int timeout_ms)
{
    long long deadline = fault_now_ms () + timeout_ms;
    while (fault_now_ms () < deadline) {
        if (fault_cli (&run->h, "status --quiet --drained") == 0)
            return true;
        fault_sleep_ms (250);
    }
    fault_cli (&run->h, "status");
    return false;
}

//  Matching (transition, subscription) pairs: the subscription filters
//  (rules, indicators, org_unit with its descendants), as alert applies
//  them, in SQL.
#define MATCH_SQL \
    "with recursive anc (code, anc) as (select code, code from org_units" \
    "   union all select a.code, o.parent from anc a join org_units o on o.code = a.anc where o.parent is not null)," \
    " m as (select t.id as tid, s.id as sid, t.kind from alert_transitions t join alerts a on a.id = t.alert_id" \
    "   join subscriptions s on s.active where t.silenced_by is null" \
    "   and (s.filter -> 'rules' is null or s.filter -> 'rules' ? a.rule)" \
    "   and (s.filter -> 'indicators' is null or s.filter -> 'indicators' ? a.indicator)" \
    "   and (s.filter ->> 'org_unit' is null or exists (select 1 from anc where anc.code = a.org_unit" \
    "        and anc.anc = s.filter ->> 'org_unit'))) "

void
fault_reconcile (s_run_t *run, db_t *db, fault_reco_t *r)
{
    char err [256];
    memset (r, 0, sizeof *r);
    //  This connection went down with PostgreSQL: the next call reconnects.
    for (int i = 0; i < 50 && db_ping (db); i++)
        fault_sleep_ms (100);
    //  1. Every acknowledged batch key: its rows, current, exactly once.
    PGresult *res = db_exec (db, "select b.partner || '/' || b.batch_key, count (o.id) filter (where o.current),"
                                 " count (o.id) from batches b left join observations o on o.batch_id = b.id"
                                 " group by b.id order by 1", 0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    zhashx_t *stored = zhashx_new ();
    for (int i = 0; res && i < PQntuples (res); i++) {
        long long *v = malloc (2 * sizeof *v);
        v [0] = atoll (PQgetvalue (res, i, 1));
        v [1] = atoll (PQgetvalue (res, i, 2));
        zhashx_insert (stored, PQgetvalue (res, i, 0), v);
        r->batches_in_db++;
    }
    if (res)
        PQclear (res);
    long long acked = 0;
    for (size_t i = 0; i < run->nbatches; i++) {
        s_batch_t *b = &run->batches [i];
        if (b->attempts <= 0)
            continue;
        acked++;
        char k [160];
        snprintf (k, sizeof k, "%s/%s", b->element->partner, b->key);
        long long *v = zhashx_lookup (stored, k);
        if (!v || v [0] != (long long) b->rows || v [1] != (long long) b->rows) {
            if (r->wrong_counts++ < 10)
                fprintf (stderr, "fault_suite: batch %s: %lld current / %lld stored rows, acknowledged %zu\n",
                         k, v ? v [0] : -1, v ? v [1] : -1, b->rows);
        }
    }
    r->unacked_in_db = r->batches_in_db - acked;
    for (long long *v = zhashx_first (stored); v; v = zhashx_next (stored))
        free (v);
    zhashx_destroy (&stored);
    r->current_rows = fault_count (db, "select count(*) from observations where current");
    r->all_rows = fault_count (db, "select count(*) from observations");
    r->duplicate_keys = fault_count (db, "select count(*) from (select 1 from observations where current"
                                     " group by data_element, org_unit, period, breakdown having count(*) > 1) d");

    //  2. The values equal a full recompute.
    static const char *md5_sql =
        "select md5 (string_agg (v::text, ',' order by indicator, org_unit, period, breakdown))"
        " from (select indicator, org_unit, period, breakdown, value, ci_low, ci_high, status, short_trend,"
        " annual_trend, benchmark, spc_variation, spc_mean, spc_lcl, spc_ucl, change_seq from indicator_values) v";
    char before [64], after [64];
    fault_query (db, before, sizeof before, md5_sql);
    int rc = fault_cli_line (&run->h, "recompute", r->recompute, sizeof r->recompute);
    CHECK_INT (rc, 0);
    fault_query (db, after, sizeof after, md5_sql);
    r->md5_same = *before && strcmp (before, after) == 0;

    //  3. Transitions, notifications, deliveries.
    r->transitions = fault_count (db, "select count(*) from alert_transitions");
    r->fired = fault_count (db, "select count(*) from alert_transitions where kind = 'fired'");
    r->resolved = fault_count (db, "select count(*) from alert_transitions where kind = 'resolved'");
    r->matching = fault_count (db, MATCH_SQL "select count(*) from m");
    r->matching_fired = fault_count (db, MATCH_SQL "select count(*) from m where kind = 'fired'");
    r->matching_resolved = fault_count (db, MATCH_SQL "select count(*) from m where kind = 'resolved'");
    r->exactly_one = fault_count (db, MATCH_SQL "select count(*) from m where (select count(*) from notifications n"
                                            " where n.transition_id = m.tid and n.subscription_id = m.sid) = 1");
    r->missing = fault_count (db, MATCH_SQL "select count(*) from m where not exists (select 1 from notifications n"
                                        " where n.transition_id = m.tid and n.subscription_id = m.sid)");
    r->extra = fault_count (db, MATCH_SQL "select count(*) from notifications n where not exists"
                                      " (select 1 from m where m.tid = n.transition_id and m.sid = n.subscription_id)");
    r->notifications = fault_count (db, "select count(*) from notifications");
    r->undelivered = fault_count (db, "select count(*) from notifications where state <> 'delivered'");
    r->attempts = fault_count (db, "select coalesce (sum (attempts), 0) from notifications");

    size_t nlines, bad;
    s_line_t *lines = s_read_log (run->receiver.log, &nlines, &bad);
    r->log_lines = nlines;
    r->bad_signatures = bad;
    qsort (lines, nlines, sizeof *lines, s_cmp_line);
    size_t k = 0;                           //  the distinct ids answered 200, sorted
    for (size_t i = 0; i < nlines; i++) {
        if (lines [i].status != 200) {
            r->non_200++;
            continue;
        }
        r->log_ok++;
        if (k == 0 || strcmp (lines [k - 1].id, lines [i].id) != 0)
            lines [k++] = lines [i];
    }
    r->distinct_ok = k;
    r->duplicates = r->log_ok - k;
    res = db_exec (db, "select delivery_id::text from notifications order by 1", 0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    size_t nids = res ? (size_t) PQntuples (res) : 0;
    char **ids = calloc (nids + 1, sizeof *ids);
    for (size_t i = 0; i < nids; i++)
        ids [i] = PQgetvalue (res, (int) i, 0);
    qsort (ids, nids, sizeof *ids, s_cmp_str);
    for (size_t i = 0; i < nids; i++) {
        s_line_t key;
        snprintf (key.id, sizeof key.id, "%s", ids [i]);
        if (!bsearch (&key, lines, k, sizeof *lines, s_cmp_line) && r->ids_missing++ < 5)
            fprintf (stderr, "fault_suite: delivery %s is not in the receiver log with a 200\n", ids [i]);
    }
    for (size_t i = 0; i < k; i++) {
        const char *id = lines [i].id;
        if (!bsearch (&id, ids, nids, sizeof *ids, s_cmp_str) && r->ids_unknown++ < 5)
            fprintf (stderr, "fault_suite: the receiver got %s, which no notification has\n", id);
    }
    free (ids);
    if (res)
        PQclear (res);
    free (lines);
}

void
fault_report (s_run_t *run, const fault_reco_t *r, int checks_failed)
{
    long long rows = 0, batches = 0, http = 0;
    for (size_t i = 0; i < run->nbatches; i++)
        if (run->batches [i].attempts > 0) {
            rows += (long long) run->batches [i].rows;
            batches++;
            http += run->batches [i].http;
        }
    json_t *kills = json_object (), *terms = json_object (), *recover = json_object (), *stop = json_object ();
    int nkills = 0, nterms = 0;
    for (int s = 0; s < NSERVICES; s++) {
        json_object_set_new (kills, fault_services [s], json_integer (run->kills [s]));
        json_object_set_new (terms, fault_services [s], json_integer (run->terms [s]));
        json_object_set_new (recover, fault_services [s], json_integer (run->recover_ms_max [s]));
        json_object_set_new (stop, fault_services [s], json_integer (run->stop_ms_max [s]));
        nkills += run->kills [s];
        nterms += run->terms [s];
    }
    json_t *doc = json_object ();
#define SET(obj, key, value) json_object_set_new (obj, key, value)
#define INT(v) json_integer ((json_int_t) (v))
    SET (doc, "size", json_string (run->target_rows >= 200000 ? "full" : "bounded"));
    SET (doc, "seed", INT (run->seed));
    SET (doc, "rows_target", INT (run->target_rows));
    SET (doc, "batches_planned", INT (run->nbatches));
    SET (doc, "batches_acked", INT (batches));
    SET (doc, "batches_via_gateway", INT (http));
    SET (doc, "rows_acked", INT (rows));
    json_t *retries = json_object ();
    SET (retries, "total", INT (run->retries));
    SET (retries, "receipt_timeouts", INT (run->timeouts));
    SET (retries, "database_unavailable", INT (run->refusals));
    SET (retries, "http_5xx", INT (run->http_errors));
    SET (retries, "connection_errors", INT (run->conn_errors));
    SET (retries, "replayed_receipts", INT (run->replayed));
    SET (doc, "retries", retries);
    SET (doc, "kills", kills);
    SET (doc, "kills_in_transaction", INT (run->kill_in_transaction));
    SET (doc, "sigterm_restarts", terms);
    SET (doc, "sigterm_exit_ms_max", stop);
    SET (doc, "sigterm_not_clean", INT (run->term_bad));
    SET (doc, "intake_batches_after_sigterm_max", INT (run->work_after_term [0]));
    SET (doc, "calc_passes_after_sigterm_max", INT (run->work_after_term [1]));
    SET (doc, "recover_ms_max", recover);
    SET (doc, "pg_restarts", INT (run->pg_restarts));
    SET (doc, "pg_recover_ms_max", INT (run->pg_recover_ms_max));
    SET (doc, "pg_restarts_in_transaction", INT (run->pg_in_transaction));
    SET (doc, "receiver_outages", INT (run->receiver_outages));
    SET (doc, "receiver_down_ms", INT (run->receiver_down_ms));
    json_t *obs = json_object ();
    SET (obs, "batches_in_db", INT (r->batches_in_db));
    SET (obs, "unacked_batches_in_db", INT (r->unacked_in_db));
    SET (obs, "batches_with_wrong_rows", INT (r->wrong_counts));
    SET (obs, "current_rows", INT (r->current_rows));
    SET (obs, "stored_rows", INT (r->all_rows));
    SET (obs, "lost_rows", INT (rows - r->current_rows));
    SET (obs, "duplicate_keys", INT (r->duplicate_keys));
    SET (doc, "observations", obs);
    json_t *rec = json_object ();
    SET (rec, "output", json_string (r->recompute));
    SET (rec, "md5_unchanged", json_boolean (r->md5_same));
    SET (doc, "recompute", rec);
    json_t *alerts = json_object ();
    SET (alerts, "transitions", INT (r->transitions));
    SET (alerts, "fired", INT (r->fired));
    SET (alerts, "resolved", INT (r->resolved));
    SET (alerts, "matching_subscriptions", INT (r->matching));
    SET (alerts, "matching_fired", INT (r->matching_fired));
    SET (alerts, "matching_resolved", INT (r->matching_resolved));
    SET (doc, "transitions", alerts);
    json_t *notes = json_object ();
    SET (notes, "rows", INT (r->notifications));
    SET (notes, "exactly_one", INT (r->exactly_one));
    SET (notes, "missing", INT (r->missing));
    SET (notes, "extra", INT (r->extra));
    SET (notes, "undelivered", INT (r->undelivered));
    SET (notes, "attempts", INT (r->attempts));
    SET (doc, "notifications", notes);
    json_t *recv = json_object ();
    SET (recv, "requests", INT (r->log_lines));
    SET (recv, "deliveries_200", INT (r->log_ok));
    SET (recv, "distinct_ids", INT (r->distinct_ok));
    SET (recv, "duplicates", INT (r->duplicates));
    SET (recv, "non_200", INT (r->non_200));
    SET (recv, "ids_missing", INT (r->ids_missing));
    SET (recv, "ids_unknown", INT (r->ids_unknown));
    SET (doc, "receiver", recv);
    json_t *timing = json_object ();
    SET (timing, "feed", INT (run->feed_ms));
    SET (timing, "drain", INT (run->drain_ms));
    SET (timing, "total", INT (run->total_ms));
    SET (doc, "timing_ms", timing);
    SET (doc, "fault_failures", INT (run->fault_failures));
    SET (doc, "passed", json_boolean (checks_failed == 0));
#undef SET
#undef INT
    const char *path = getenv ("FAULT_RESULTS");
    char def [512];
    if (!path || !*path) {
        const char *dir = getenv ("CAREWATCH_BIN_DIR");
        snprintf (def, sizeof def, "%s/fault_suite.json", dir ? dir : ".");
        path = def;
    }
    if (json_dump_file (doc, path, JSON_INDENT (2) | JSON_PRESERVE_ORDER))
        fprintf (stderr, "fault_suite: cannot write %s\n", path);
    json_decref (doc);

    printf ("fault_suite: %s size, seed %llu\n", run->target_rows >= 200000 ? "full" : "bounded", run->seed);
    printf ("  batches acked        %lld of %zu (%lld through the gateway), rows %lld\n", batches, run->nbatches,
            http, rows);
    printf ("  retries              %lld (timeouts %lld, database_unavailable %lld, HTTP 5xx %lld, "
            "connection errors %lld), replayed receipts %lld\n", run->retries, run->timeouts, run->refusals,
            run->http_errors, run->conn_errors, run->replayed);
    printf ("  kills                %d: intake %d, calc %d, alert %d, export %d, gateway %d (%d inside a transaction)\n",
            nkills, run->kills [0], run->kills [1], run->kills [2], run->kills [3], run->kills [4],
            run->kill_in_transaction);
    printf ("  SIGTERM restarts     %d, %d not exit 0 within %d ms; most work after SIGTERM: intake %d batches,"
            " calc %d passes\n", nterms, run->term_bad, STOP_MS, run->work_after_term [0], run->work_after_term [1]);
    printf ("  slowest SIGTERM exit intake %lld ms, calc %lld, alert %lld,"
            " export %lld, gateway %lld\n", run->stop_ms_max [0], run->stop_ms_max [1],
            run->stop_ms_max [2], run->stop_ms_max [3], run->stop_ms_max [4]);
    printf ("  slowest recovery     intake %lld ms, calc %lld, alert %lld, export %lld, gateway %lld;"
            " PostgreSQL %lld ms\n", run->recover_ms_max [0], run->recover_ms_max [1], run->recover_ms_max [2],
            run->recover_ms_max [3], run->recover_ms_max [4], run->pg_recover_ms_max);
    printf ("  pg restarts          %d (%d inside a transaction); receiver outages %d (%lld ms down)\n",
            run->pg_restarts, run->pg_in_transaction, run->receiver_outages, run->receiver_down_ms);
    printf ("  observations         %lld current, %lld stored, %lld duplicate keys, %lld batches off,"
            " %lld unacknowledged batches stored\n", r->current_rows, r->all_rows, r->duplicate_keys,
            r->wrong_counts, r->unacked_in_db);
    printf ("  recompute            %s; md5 %s\n", r->recompute, r->md5_same ? "unchanged" : "CHANGED");
    printf ("  transitions          %lld (%lld fired, %lld resolved); matching a subscription %lld"
            " (%lld fired, %lld resolved)\n", r->transitions, r->fired, r->resolved, r->matching,
            r->matching_fired, r->matching_resolved);
    printf ("  notifications        %lld: exactly one per matching transition %lld, missing %lld, extra %lld,"
            " undelivered %lld, attempts %lld\n", r->notifications, r->exactly_one, r->missing, r->extra,
            r->undelivered, r->attempts);
    printf ("  receiver             %zu requests, %zu answered 200 (%zu distinct ids, %zu duplicates),"
            " %zu not 200, %zu ids missing\n", r->log_lines, r->log_ok, r->distinct_ok, r->duplicates,
            r->non_200, r->ids_missing);
    printf ("  timing               feed %.1f s, drain %.1f s, whole suite %.1f s\n", run->feed_ms / 1000.0,
            run->drain_ms / 1000.0, run->total_ms / 1000.0);
    printf ("  figures written to   %s\n", path);
    fflush (stdout);
}
