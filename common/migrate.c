/*  migrate: embedded SQL migrations and reference data loads.  */
#include "migrate.h"
#include "embedded.h"
#include "log.h"
#include "period.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

//  Any number will do as long as every carewatch binary uses the same one.
#define MIGRATE_LOCK_KEY "7214630911"

static void
s_hash_hex (const char *text, char out [65])
{
    unsigned char h [32];
    crypto_hash_sha256 (h, (const unsigned char *) text, strlen (text));
    sodium_bin2hex (out, 65, h, sizeof h);
}

static int
s_apply_migrations (db_t *db, migrate_report_t *report, char *err, size_t errlen)
{
    if (db_run (db, "create table if not exists schema_migrations ("
                    " version text primary key, checksum text not null,"
                    " applied_at timestamptz not null default now())", 0, NULL, err, errlen))
        return -1;
    for (const embedded_file_t *m = embedded_migrations; m->name; m++) {
        const char *p [2] = { m->name, NULL };
        PGresult *res = db_exec (db, "select checksum from schema_migrations where version = $1",
                                 1, p, DB_TUPLES, err, errlen);
        if (!res)
            return -1;
        int have = PQntuples (res);
        char sum [65];
        s_hash_hex (m->text, sum);
        if (have && strcmp (PQgetvalue (res, 0, 0), sum) != 0)
            log_warn ("migration_changed", "{s:s}", "version", m->name);
        PQclear (res);
        if (have) {
            report->present++;
            continue;
        }
        //  Simple query protocol: a migration file holds many statements.
        PGconn *conn = db_conn (db);
        if (!conn) {
            snprintf (err, errlen, "database is not reachable");
            return -1;
        }
        PGresult *r = PQexec (conn, "begin");
        PQclear (r);
        r = PQexec (conn, m->text);
        if (PQresultStatus (r) != PGRES_COMMAND_OK && PQresultStatus (r) != PGRES_TUPLES_OK) {
            snprintf (err, errlen, "%s: %s", m->name, PQresultErrorMessage (r));
            err [strcspn (err, "\n")] = '\0';
            PQclear (r);
            PQclear (PQexec (conn, "rollback"));
            return -1;
        }
        PQclear (r);
        p [1] = sum;
        if (db_run (db, "insert into schema_migrations (version, checksum) values ($1, $2)",
                    2, p, err, errlen)) {
            PQclear (PQexec (conn, "rollback"));
            return -1;
        }
        r = PQexec (conn, "commit");
        bool ok = PQresultStatus (r) == PGRES_COMMAND_OK;
        PQclear (r);
        if (!ok) {
            snprintf (err, errlen, "%s: commit failed: %s", m->name, PQerrorMessage (conn));
            return -1;
        }
        log_info ("migration_applied", "{s:s}", "version", m->name);
        report->applied++;
    }
    return 0;
}

//  Each reference file is loaded by statements that take the whole
//  document as one jsonb parameter.
static const char *s_org_units_sql [] = {
    "insert into org_units (code, name, level, ons_code, list_size, imd_quintile, synthetic)"
    " select code, name, level, ons_code, list_size, imd_quintile, coalesce (synthetic, false)"
    " from jsonb_to_recordset ($1::jsonb -> 'org_units') as x (code text, name text, level text,"
    "   ons_code text, list_size integer, imd_quintile smallint, synthetic boolean)"
    " on conflict (code) do update set name = excluded.name, level = excluded.level,"
    "   ons_code = excluded.ons_code, list_size = excluded.list_size,"
    "   imd_quintile = excluded.imd_quintile, synthetic = excluded.synthetic",
    "update org_units o set parent = x.parent"
    " from jsonb_to_recordset ($1::jsonb -> 'org_units') as x (code text, parent text)"
    " where o.code = x.code and o.parent is distinct from x.parent",
    NULL
};

static const char *s_breakdowns_sql [] = {
    "insert into breakdowns (code, dimension, name, rank)"
    " select code, dimension, name, rank"
    " from jsonb_to_recordset ($1::jsonb -> 'breakdowns') as x (code text, dimension text, name text, rank smallint)"
    " on conflict (code) do update set dimension = excluded.dimension, name = excluded.name, rank = excluded.rank",
    NULL
};

static const char *s_partners_sql [] = {
    "insert into partners (code, name)"
    " select code, name from jsonb_to_recordset ($1::jsonb -> 'partners') as x (code text, name text)"
    " on conflict (code) do update set name = excluded.name",
    "delete from partner_scopes where partner in"
    " (select x.code from jsonb_to_recordset ($1::jsonb -> 'partners') as x (code text))",
    "insert into partner_scopes (partner, org_unit, descendants, levels)"
    " select p.code, s.org_unit, coalesce (s.descendants, false), s.levels"
    " from jsonb_to_recordset ($1::jsonb -> 'partners') as p (code text, org_scope jsonb),"
    "   jsonb_to_recordset (p.org_scope) as s (org_unit text, descendants boolean, levels text[])",
    "insert into partner_grants (partner, data_element)"
    " select code, null from jsonb_to_recordset ($1::jsonb -> 'partners') as x (code text, all_data_elements boolean)"
    " where x.all_data_elements on conflict do nothing",
    NULL
};

static const char *s_indicators_sql [] = {
    "insert into data_elements (code, name, kind, value_unit, frequency, partner)"
    " select code, name, kind, value_unit, frequency, partner"
    " from jsonb_to_recordset ($1::jsonb -> 'data_elements') as x (code text, name text, kind text,"
    "   value_unit text, frequency text, partner text)"
    " on conflict (code) do update set name = excluded.name, kind = excluded.kind,"
    "   value_unit = excluded.value_unit, frequency = excluded.frequency, partner = excluded.partner",
    "insert into partner_grants (partner, data_element)"
    " select partner, code from jsonb_to_recordset ($1::jsonb -> 'data_elements') as x (code text, partner text)"
    " where partner is not null on conflict do nothing",
    "insert into indicators (code, name, domain, owner, unit, calculation, multiplier, data_element,"
    "   polarity, frequency, due_lag_days, benchmark, aggregates, level, breakdowns, source, notes, definition)"
    " select x.code, x.name, x.domain, x.owner, x.unit, x.calculation, coalesce (x.multiplier, 1),"
    "   x.data_element, x.polarity, x.frequency, coalesce (x.due_lag_days, 45), x.benchmark,"
    "   coalesce (x.aggregates, false), x.level, coalesce (x.breakdowns, '{total}'), x.source, x.notes, d.value"
    " from jsonb_array_elements ($1::jsonb -> 'indicators') as d,"
    "   jsonb_to_record (d.value) as x (code text, name text, domain text, owner text, unit text,"
    "   calculation text, multiplier double precision, data_element text, polarity text, frequency text,"
    "   due_lag_days integer, benchmark text, aggregates boolean, level text, breakdowns text[],"
    "   source jsonb, notes text)"
    " on conflict (code) do update set name = excluded.name, domain = excluded.domain,"
    "   owner = excluded.owner, unit = excluded.unit, calculation = excluded.calculation,"
    "   multiplier = excluded.multiplier, data_element = excluded.data_element,"
    "   polarity = excluded.polarity, frequency = excluded.frequency,"
    "   due_lag_days = excluded.due_lag_days, benchmark = excluded.benchmark,"
    "   aggregates = excluded.aggregates, level = excluded.level, breakdowns = excluded.breakdowns,"
    "   source = excluded.source, notes = excluded.notes, definition = excluded.definition",
    "delete from indicator_targets where indicator in"
    " (select x.code from jsonb_to_recordset ($1::jsonb -> 'indicators') as x (code text))",
    NULL
};

//  Targets need the start date of their "from" period, which only the
//  period module can work out.
static int
s_load_targets (db_t *db, const char *text, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loads (text, 0, &jerr);
    if (!doc) {
        snprintf (err, errlen, "indicators.json line %d: %s", jerr.line, jerr.text);
        return -1;
    }
    int rc = 0;
    size_t i, j;
    json_t *ind, *t;
    json_array_foreach (json_object_get (doc, "indicators"), i, ind) {
        const char *code = json_string_value (json_object_get (ind, "code"));
        json_array_foreach (json_object_get (ind, "targets"), j, t) {
            const char *from = json_string_value (json_object_get (t, "from"));
            period_t p;
            char perr [128], start [16];
            if (!from || period_parse (from, &p, perr, sizeof perr)) {
                snprintf (err, errlen, "indicators.json: indicator %s target %zu: from: %s",
                          code ? code : "?", j + 1, from ? perr : "missing");
                rc = -1;
                goto done;
            }
            period_iso (p.start, start, sizeof start);
            char num [4][32];
            const char *keys [4] = { "value", "lower", "upper", "tolerance" };
            const char *params [9] = { code, from, start,
                json_string_value (json_object_get (t, "kind")), NULL, NULL, NULL, NULL,
                json_string_value (json_object_get (t, "text")) };
            for (int k = 0; k < 4; k++) {
                json_t *v = json_object_get (t, keys [k]);
                if (json_is_number (v)) {
                    snprintf (num [k], sizeof num [k], "%.17g", json_number_value (v));
                    params [4 + k] = num [k];
                }
            }
            if (db_run (db, "insert into indicator_targets (indicator, from_period, from_date, kind,"
                            " value, lower, upper, tolerance, text) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                            " on conflict (indicator, from_date) do update set kind = excluded.kind,"
                            " value = excluded.value, lower = excluded.lower, upper = excluded.upper,"
                            " tolerance = excluded.tolerance, text = excluded.text",
                        9, params, err, errlen)) {
                rc = -1;
                goto done;
            }
        }
    }
done:
    json_decref (doc);
    return rc;
}

static int
s_load_reference (db_t *db, const embedded_file_t *f, migrate_report_t *report,
                  char *err, size_t errlen)
{
    const char **sql = NULL;
    if (strcmp (f->name, "org_units.json") == 0)
        sql = s_org_units_sql;
    else if (strcmp (f->name, "breakdowns.json") == 0)
        sql = s_breakdowns_sql;
    else if (strcmp (f->name, "partners.json") == 0)
        sql = s_partners_sql;
    else if (strcmp (f->name, "indicators.json") == 0)
        sql = s_indicators_sql;
    else
        return 0;   //  another reference file, loaded by its own owner

    char sum [65];
    s_hash_hex (f->text, sum);
    const char *p [2] = { f->name, sum };
    PGresult *res = db_exec (db, "select 1 from reference_loads where name = $1 and checksum = $2",
                             2, p, DB_TUPLES, err, errlen);
    if (!res)
        return -1;
    int same = PQntuples (res);
    PQclear (res);
    if (same)
        return 0;

    if (db_run (db, "begin", 0, NULL, err, errlen))
        return -1;
    const char *doc [1] = { f->text };
    for (int i = 0; sql [i]; i++)
        if (db_run (db, sql [i], 1, doc, err, errlen))
            goto fail;
    if (sql == s_indicators_sql && s_load_targets (db, f->text, err, errlen))
        goto fail;
    if (db_run (db, "insert into reference_loads (name, checksum) values ($1, $2)"
                    " on conflict (name) do update set checksum = excluded.checksum, loaded_at = now()",
                2, p, err, errlen))
        goto fail;
    if (db_run (db, "commit", 0, NULL, err, errlen))
        goto fail;
    log_info ("reference_loaded", "{s:s}", "file", f->name);
    report->references_loaded++;
    return 0;
fail:
    {
        char reason [512], rerr [64];
        snprintf (reason, sizeof reason, "%s", err);
        snprintf (err, errlen, "%s: %s", f->name, reason);
        db_run (db, "rollback", 0, NULL, rerr, sizeof rerr);
    }
    return -1;
}

//  Reference files depend on each other: org units before partners,
//  partners before the catalogue's data elements.
static const char *s_reference_order [] = {
    "org_units.json", "breakdowns.json", "partners.json", "indicators.json", NULL
};

int
migrate_run (db_t *db, migrate_report_t *report, char *err, size_t errlen)
{
    migrate_report_t local = { 0 };
    if (!report)
        report = &local;
    memset (report, 0, sizeof *report);
    if (sodium_init () < 0) {
        snprintf (err, errlen, "libsodium failed to initialise");
        return -1;
    }
    const char *key [1] = { MIGRATE_LOCK_KEY };
    PGresult *res = db_exec (db, "select pg_advisory_lock ($1::bigint)", 1, key, DB_TUPLES, err, errlen);
    if (!res)
        return -1;
    PQclear (res);
    int rc = s_apply_migrations (db, report, err, errlen);
    if (rc == 0)
        rc = db_run (db, "create table if not exists reference_loads (name text primary key,"
                         " checksum text not null, loaded_at timestamptz not null default now())",
                     0, NULL, err, errlen);
    for (int i = 0; rc == 0 && s_reference_order [i]; i++)
        for (const embedded_file_t *f = embedded_references; f->name; f++)
            if (strcmp (f->name, s_reference_order [i]) == 0 && s_load_reference (db, f, report, err, errlen)) {
                rc = -1;
                break;
            }
    char uerr [128];
    res = db_exec (db, "select pg_advisory_unlock ($1::bigint)", 1, key, DB_TUPLES, uerr, sizeof uerr);
    if (res)
        PQclear (res);
    return rc;
}
