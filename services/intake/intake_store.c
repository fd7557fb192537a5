/*  intake_store: one transaction per batch, rows in with COPY.  */
#include "intake_store.h"
#include "copybuf.h"
#include "log.h"

#include <math.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

void
intake_store_hash (const Carewatch__V1__SubmitBatch *batch, unsigned char out [32])
{
    Carewatch__V1__SubmitBatch copy = *batch;
    copy.format = (char *) "";
    size_t size = protobuf_c_message_get_packed_size (&copy.base);
    uint8_t *buf = malloc (size ? size : 1);
    protobuf_c_message_pack (&copy.base, buf);
    crypto_hash_sha256 (out, buf, size);
    free (buf);
}

static void
s_hex (const unsigned char hash [32], char out [67])
{
    out [0] = '\\';
    out [1] = 'x';
    sodium_bin2hex (out + 2, 65, hash, 32);
}

int
intake_store_replay (db_t *db, const char *partner, const char *batch_key,
                     const unsigned char hash [32], intake_receipt_t *receipt,
                     char *err, size_t errlen)
{
    const char *p [2] = { partner, batch_key };
    PGresult *r = db_exec (db, "select content_hash, receipt from batches where partner = $1 and batch_key = $2",
                           2, p, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int rc = 0;
    if (PQntuples (r) == 1) {
        char hex [67];
        s_hex (hash, hex);
        if (strcmp (PQgetvalue (r, 0, 0), hex) != 0) {
            intake_receipt_refuse (receipt, batch_key, "batch_key_reused",
                                   "this batch_key was already used for a batch with different content; "
                                   "use a new key for new content");
            rc = 2;
        }
        else {
            json_error_t jerr;
            json_t *j = json_loads (PQgetvalue (r, 0, 1), 0, &jerr);
            if (j && intake_receipt_from_json (receipt, j) == 0) {
                receipt->replayed = true;
                snprintf (receipt->status, sizeof receipt->status, "replayed");
                rc = 1;
            }
            else {
                snprintf (err, errlen, "stored receipt of batch %s does not read back", batch_key);
                rc = -1;
            }
            json_decref (j);
        }
    }
    PQclear (r);
    return rc;
}

//  Streams the good rows into the temp table "stage".
static int
s_copy_rows (db_t *db, feed_t *feed, const intake_row_t *rows, char *err, size_t errlen)
{
    copybuf_t buf = { 0 };
    Carewatch__V1__SubmitBatch *b = feed->batch;
    for (size_t i = 0; i < b->n_observations; i++) {
        if (feed->bad [i])
            continue;
        const Carewatch__V1__Observation *o = b->observations [i];
        const intake_row_t *row = &rows [i];
        char start [16], end [16], snap [16], prev [PERIOD_CODE_MAX];
        period_t pp;
        copybuf_int (&buf, (long long) i + 1);
        copybuf_text (&buf, o->data_element);
        copybuf_text (&buf, o->org_unit);
        copybuf_text (&buf, row->period_code);
        copybuf_text (&buf, period_type_name (row->period.type));
        copybuf_text (&buf, period_iso (row->period.start, start, sizeof start));
        copybuf_text (&buf, period_iso (row->period.end, end, sizeof end));
        copybuf_text (&buf, row->breakdown);
        copybuf_num (&buf, o->has_numerator ? o->numerator : NAN);
        copybuf_num (&buf, o->has_denominator ? o->denominator : NAN);
        copybuf_num (&buf, o->has_value ? o->value : NAN);
        copybuf_num (&buf, o->has_ci ? o->ci_low : NAN);
        copybuf_num (&buf, o->has_ci ? o->ci_high : NAN);
        copybuf_text (&buf, o->status && *o->status ? o->status : "final");
        copybuf_text (&buf, row->snapshot ? period_iso (row->snapshot, snap, sizeof snap) : NULL);
        copybuf_text (&buf, o->assessment && *o->assessment ? o->assessment : NULL);
        copybuf_text (&buf, o->note && *o->note ? o->note : NULL);
        copybuf_text (&buf, period_previous (&row->period, &pp) == 0 ? period_format (&pp, prev, sizeof prev) : NULL);
        copybuf_end_row (&buf);
    }
    int rc = copybuf_send (&buf, db, "copy stage (row, data_element, org_unit, period, period_type, period_start,"
                                     " period_end, breakdown, numerator, denominator, value, ci_low, ci_high, status,"
                                     " snapshot_date, assessment, note, prev_period) from stdin", err, errlen);
    copybuf_free (&buf);
    return rc;
}

static const char *s_stage_sql =
    "create temp table if not exists stage ("
    " row integer, data_element text, org_unit text, period text, period_type text,"
    " period_start date, period_end date, breakdown text, numerator double precision,"
    " denominator double precision, value double precision, ci_low double precision,"
    " ci_high double precision, status text, snapshot_date date, assessment text, note text,"
    " prev_period text, old_id bigint, same boolean not null default false)"
    " on commit delete rows";

//  Finds the current row for each staged key and whether it is identical.
static const db_stmt_t s_classify_sql = { "intake_classify",
    "update stage s set old_id = o.id,"
    " same = (o.numerator is not distinct from s.numerator and o.denominator is not distinct from s.denominator"
    "   and o.value is not distinct from s.value and o.ci_low is not distinct from s.ci_low"
    "   and o.ci_high is not distinct from s.ci_high and o.status = s.status"
    "   and o.snapshot_date is not distinct from s.snapshot_date"
    "   and o.assessment is not distinct from s.assessment and o.note is not distinct from s.note)"
    " from observations o where o.current and o.data_element = s.data_element"
    " and o.org_unit = s.org_unit and o.period = s.period and o.breakdown = s.breakdown", 0 };

static const db_stmt_t s_retire_sql = { "intake_retire",
    "update observations o set current = false from stage s"
    " where o.id = s.old_id and not s.same", 0 };

static const db_stmt_t s_insert_sql = { "intake_insert",
    "insert into observations (batch_id, data_element, org_unit, period, period_type, period_start,"
    " period_end, breakdown, numerator, denominator, value, ci_low, ci_high, status, snapshot_date,"
    " assessment, note)"
    " select $1, data_element, org_unit, period, period_type, period_start, period_end, breakdown,"
    " numerator, denominator, value, ci_low, ci_high, status, snapshot_date, assessment, note"
    " from stage where not same order by row", 1 };

static const db_stmt_t s_counts_sql = { "intake_counts",
    "select count(*) filter (where old_id is null), count(*) filter (where old_id is not null and not same),"
    " count(*) filter (where same) from stage", 0 };

//  Rows whose denominator moved too far from the previous period, or whose
//  value lies far outside its own series: the mean and SD of its last $2
//  earlier points (a short backward scan of observations_series, so a
//  batch costs the same on a long history as on a short one).
static const db_stmt_t s_warn_sql = { "intake_warnings",
    "select s.row, p.denominator, s.denominator,"
    "  h.n, h.mean, h.sd, coalesce (s.value, s.numerator / nullif (s.denominator, 0))"
    " from stage s"
    " left join observations p on p.current and p.data_element = s.data_element and p.org_unit = s.org_unit"
    "   and p.breakdown = s.breakdown and p.period = s.prev_period"
    " left join lateral (select count(*) as n, avg (w.x) as mean, stddev_samp (w.x) as sd from"
    "   (select coalesce (o.value, o.numerator / nullif (o.denominator, 0)) as x from observations o"
    "   where o.current and o.data_element = s.data_element and o.org_unit = s.org_unit"
    "   and o.breakdown = s.breakdown and o.period_type = s.period_type and o.period_end < s.period_start"
    "   order by o.period_end desc limit $2) w) h on true"
    " where not s.same and (p.denominator is not null or h.n >= $1)"
    " order by s.row", 2 };

static void
s_warnings (db_t *db, const intake_store_options_t *opts, intake_receipt_t *receipt)
{
    char err [256], minp [16], window [16];
    snprintf (minp, sizeof minp, "%d", opts->jump_min_points);
    snprintf (window, sizeof window, "%d", opts->jump_window > 0 ? opts->jump_window : 36);
    const char *p [2] = { minp, window };
    PGresult *r = db_exec_stmt (db, &s_warn_sql, p, DB_TUPLES, err, sizeof err);
    if (!r) {
        log_warn ("warnings_failed", "{s:s}", "error", err);
        return;
    }
    for (int i = 0; i < PQntuples (r); i++) {
        uint32_t row = (uint32_t) atol (PQgetvalue (r, i, 0));
        char msg [256];
        if (!PQgetisnull (r, i, 1) && !PQgetisnull (r, i, 2)) {
            double prev = atof (PQgetvalue (r, i, 1)), now = atof (PQgetvalue (r, i, 2));
            if (prev > 0 && fabs (now - prev) / prev > opts->denominator_change) {
                snprintf (msg, sizeof msg, "denominator %g is %.0f%% %s the previous period's %g",
                          now, 100 * fabs (now - prev) / prev, now > prev ? "above" : "below", prev);
                intake_receipt_warn (receipt, row, "denominator", "denominator_change", msg);
            }
        }
        if (!PQgetisnull (r, i, 5) && !PQgetisnull (r, i, 6)
        &&  atol (PQgetvalue (r, i, 3)) >= opts->jump_min_points) {
            double mean = atof (PQgetvalue (r, i, 4)), sd = atof (PQgetvalue (r, i, 5));
            double v = atof (PQgetvalue (r, i, 6));
            if (sd > 0 && fabs (v - mean) > opts->jump_sigmas * sd) {
                snprintf (msg, sizeof msg, "value %g is %.1f standard deviations from its own history (mean %g)",
                          v, fabs (v - mean) / sd, mean);
                intake_receipt_warn (receipt, row, "value", "value_jump", msg);
            }
        }
    }
    PQclear (r);
}

static long
s_long (PGresult *r, int col)
{
    return atol (PQgetvalue (r, 0, col));
}

int
intake_store_commit (db_t *db, feed_t *feed, const intake_row_t *rows,
                     const unsigned char hash [32], const intake_store_options_t *opts,
                     intake_receipt_t *receipt, char *err, size_t errlen)
{
    Carewatch__V1__SubmitBatch *b = feed->batch;
    char rerr [128];
    if (db_run (db, "begin", 0, NULL, err, errlen))
        return -1;
    if (db_run (db, s_stage_sql, 0, NULL, err, errlen))
        goto fail;

    size_t bad = 0;
    for (size_t i = 0; i < b->n_observations; i++)
        bad += feed->bad [i];
    char hex [67], atomic [2] = { b->atomic ? 't' : 'f', 0 };
    s_hex (hash, hex);
    const char *format = b->format && *b->format ? b->format : "protobuf";
    const char *p [5] = { b->partner, b->batch_key, format, atomic, hex };
    PGresult *r = db_exec (db, "insert into batches (partner, batch_key, format, atomic, content_hash)"
                               " values ($1, $2, $3, $4, $5::bytea)"
                               " on conflict (partner, batch_key) do nothing returning id, commit_seq",
                           5, p, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    if (PQntuples (r) == 0) {
        //  Another submission of this key committed first.
        PQclear (r);
        db_run (db, "rollback", 0, NULL, rerr, sizeof rerr);
        return 1;
    }
    receipt->batch_id = atoll (PQgetvalue (r, 0, 0));
    receipt->sequence = (uint64_t) atoll (PQgetvalue (r, 0, 1));
    PQclear (r);

    //  Statistics for the staged rows, so the joins below plan well.
    if (s_copy_rows (db, feed, rows, err, errlen) || db_run (db, "analyze stage", 0, NULL, err, errlen))
        goto fail;
    if (db_run_stmt (db, &s_classify_sql, NULL, err, errlen))
        goto fail;
    s_warnings (db, opts, receipt);
    if (db_run_stmt (db, &s_retire_sql, NULL, err, errlen))
        goto fail;
    char id [24];
    snprintf (id, sizeof id, "%lld", (long long) receipt->batch_id);
    const char *ip [1] = { id };
    if (db_run_stmt (db, &s_insert_sql, ip, err, errlen))
        goto fail;
    r = db_exec_stmt (db, &s_counts_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        goto fail;
    receipt->new_count = (uint32_t) s_long (r, 0);
    receipt->revised_count = (uint32_t) s_long (r, 1);
    receipt->unchanged_count = (uint32_t) s_long (r, 2);
    PQclear (r);
    receipt->accepted = (uint32_t) (b->n_observations - bad);
    receipt->rejected = (uint32_t) bad;
    snprintf (receipt->batch_key, sizeof receipt->batch_key, "%s", b->batch_key);
    snprintf (receipt->status, sizeof receipt->status, "committed");

    json_t *j = intake_receipt_to_json (receipt);
    char *text = json_dumps (j, JSON_COMPACT);
    json_decref (j);
    char n [5][16];
    snprintf (n [0], 16, "%u", receipt->accepted);
    snprintf (n [1], 16, "%u", receipt->rejected);
    snprintf (n [2], 16, "%u", receipt->new_count);
    snprintf (n [3], 16, "%u", receipt->revised_count);
    snprintf (n [4], 16, "%u", receipt->unchanged_count);
    const char *up [7] = { id, n [0], n [1], n [2], n [3], n [4], text };
    int rc = db_run (db, "update batches set accepted = $2, rejected = $3, new_count = $4,"
                         " revised_count = $5, unchanged_count = $6, receipt = $7::jsonb where id = $1",
                     7, up, err, errlen);
    free (text);
    if (rc || db_run (db, "commit", 0, NULL, err, errlen))
        goto fail;
    return 0;
fail:
    db_run (db, "rollback", 0, NULL, rerr, sizeof rerr);
    receipt->batch_id = 0;
    receipt->sequence = 0;
    return -1;
}
