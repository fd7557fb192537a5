/*  calc_service: pending batches -> recompute -> IndicatorChanged.  */
#include "calc_service.h"
#include "calc_store.h"
#include "log.h"
#include "sig.h"

#include "calc_seen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct _calc_t {
    db_t *db;                   //  borrowed
    zsock_t *events;            //  PUB, borrowed, may be NULL
    calc_engine_t *engine;      //  the computation
    long per_pass;              //  most batches a pass claims
};

//  Several calc workers share the load.  A pass claims its batches with
//  FOR UPDATE SKIP LOCKED (two workers never take the same batch), takes
//  this lock shared, and then an exclusive lock per (indicator,
//  breakdown) it will recompute, in ascending order (no deadlock), before
//  it reads: a worker that recomputes a group after another therefore
//  reads everything the other's batches brought, and the last write of a
//  group is never an older view of it.  A full recompute takes this lock
//  exclusive and so runs alone.
#define CALC_LOCK_KEY "7214630912"

//  The class of the per-group advisory locks (pg_advisory_xact_lock (int,
//  int)); no other lock of carewatch has these high 32 bits.
#define CALC_GROUP_LOCK_CLASS "7214"

//  A pass that touches more groups than this takes the lock exclusive
//  instead: PostgreSQL's lock table is shared and bounded.
#define CALC_MAX_GROUP_LOCKS 1000

calc_t *
calc_new (db_t *db, zsock_t *events, char *err, size_t errlen)
{
    calc_engine_t *engine = calc_engine_new (db, err, errlen);
    if (!engine)
        return NULL;
    calc_t *self = calloc (1, sizeof *self);
    self->db = db;
    self->events = events;
    self->engine = engine;
    self->per_pass = 200;
    //  Nobody to tell: count the changes instead of listing them.
    calc_engine_set_collect (engine, events != NULL);
    return self;
}

void
calc_destroy (calc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    calc_engine_destroy (&(*self_p)->engine);
    free (*self_p);
    *self_p = NULL;
}

static void
s_publish (calc_t *self, const calc_changes_t *changes)
{
    if (!self->events)
        return;
    for (size_t i = 0; i < changes->n; i++) {
        const calc_change_t *c = &changes->items [i];
        Carewatch__V1__IndicatorChanged m = CAREWATCH__V1__INDICATOR_CHANGED__INIT;
        m.indicator = (char *) c->indicator;
        m.org_unit = (char *) c->org_unit;
        m.period = (char *) c->period;
        m.breakdown = (char *) c->breakdown;
        m.old_status = (char *) c->old_status;
        m.new_status = (char *) c->new_status;
        m.variation = (char *) c->variation;
        m.change_seq = c->change_seq;
        m.domain = (char *) c->domain;
        msg_send (self->events, NULL, &m.base);
    }
}

static void
s_rollback (calc_t *self)
{
    char err [128];
    db_run (self->db, "rollback", 0, NULL, err, sizeof err);
}

void
calc_set_batches_per_pass (calc_t *self, long n)
{
    self->per_pass = n > 0 ? n : 1;
}

void
calc_set_fingerprint_mb (calc_t *self, long mb)
{
    calc_engine_set_fingerprint_bytes (self->engine, (size_t) (mb > 0 ? mb : 1) << 20);
}

void
calc_forget (calc_t *self)
{
    calc_engine_forget (self->engine);
}

static int
s_cmp_i32 (const void *a, const void *b)
{
    int32_t x = *(const int32_t *) a, y = *(const int32_t *) b;
    return (x > y) - (x < y);
}

//  Takes the exclusive lock of each (indicator, breakdown) group, in
//  ascending order of the lock keys; over CALC_MAX_GROUP_LOCKS groups,
//  the calc lock exclusive instead.
static int
s_lock_groups (calc_t *self, const char **codes, const char **breakdowns, size_t n, char *err, size_t errlen)
{
    if (n > CALC_MAX_GROUP_LOCKS) {
        const char *key [1] = { CALC_LOCK_KEY };
        //  This transaction holds it shared; a backend never waits for its
        //  own locks, so this waits for the other workers' passes only.
        //  Two workers both doing this deadlock; PostgreSQL cancels one,
        //  its pass rolls back and runs again on the next tick.
        PGresult *r = db_exec_stmt (self->db, &calc_group_lock_sql, key, DB_TUPLES, err,
                               errlen);
        if (r)
            PQclear (r);
        return r ? 0 : -1;
    }
    int32_t *keys = malloc (n * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        uint64_t h = calc_seen_start (0);
        h = calc_seen_feed (h, codes [i], strlen (codes [i]) + 1);
        h = calc_seen_feed (h, breakdowns [i], strlen (breakdowns [i]) + 1);
        keys [i] = (int32_t) (uint32_t) calc_seen_final (h);
    }
    qsort (keys, n, sizeof *keys, s_cmp_i32);
    char *list = malloc (n * 13 + 3), *p = list;
    *p++ = '{';
    for (size_t i = 0; i < n; i++)
        p += sprintf (p, "%s%d", i ? "," : "", keys [i]);
    strcpy (p, "}");
    free (keys);
    const char *params [1] = { list };
    //  unnest keeps the array's order, so the locks are taken ascending.
    PGresult *r = db_exec (self->db, "select count (pg_advisory_xact_lock (" CALC_GROUP_LOCK_CLASS ", k))"
                                     " from unnest ($1::int[]) k", 1, params, DB_TUPLES, err, errlen);
    free (list);
    if (r)
        PQclear (r);
    return r ? 0 : -1;
}

int
calc_process_pending (calc_t *self)
{
    char err [512];
    const char *key [1] = { CALC_LOCK_KEY };
    int64_t started = zclock_usecs ();
    if (db_run (self->db, "begin", 0, NULL, err, sizeof err))
        return -1;
    PGresult *r = db_exec_stmt (self->db, &calc_group_lock_shared_sql, key, DB_TUPLES, err,
                           sizeof err);
    if (!r)
        goto fail;
    PQclear (r);
    char limit [24];
    snprintf (limit, sizeof limit, "%ld", self->per_pass);
    const char *lp [1] = { limit };
    r = db_exec_stmt (self->db, &calc_batches_pending_sql, lp, DB_TUPLES, err,
                 sizeof err);
    if (!r)
        goto fail;
    int nbatches = PQntuples (r);
    if (nbatches == 0) {
        PQclear (r);
        s_rollback (self);
        return 0;
    }
    //  The batch ids as a bigint[] literal.
    size_t len = 3;
    for (int i = 0; i < nbatches; i++)
        len += strlen (PQgetvalue (r, i, 0)) + 1;
    char *ids = malloc (len), *p = ids;
    *p++ = '{';
    for (int i = 0; i < nbatches; i++)
        p += sprintf (p, "%s%s", i ? "," : "", PQgetvalue (r, i, 0));
    strcpy (p, "}");
    PQclear (r);
    const char *params [1] = { ids };
    //  The (indicator, breakdown) pairs the batches touched.
    r = db_exec_stmt (self->db, &calc_batch_series_sql, params, DB_TUPLES, err, sizeof err);
    if (!r) {
        free (ids);
        goto fail;
    }
    size_t n = (size_t) PQntuples (r);
    const char **codes = malloc ((n ? n : 1) * sizeof *codes);
    const char **breakdowns = malloc ((n ? n : 1) * sizeof *breakdowns);
    for (size_t i = 0; i < n; i++) {
        codes [i] = PQgetvalue (r, (int) i, 0);
        breakdowns [i] = PQgetvalue (r, (int) i, 1);
    }
    calc_changes_t changes = { 0 };
    int rc = n ? s_lock_groups (self, codes, breakdowns, n, err, sizeof err) : 0;
    if (rc == 0 && n)
        rc = calc_engine_run (self->engine, codes, breakdowns, n, &changes, err, sizeof err);
    free (breakdowns);
    free (codes);
    PQclear (r);
    if (rc == 0)
        rc = db_run_stmt (self->db, &calc_batches_done_sql, params, err, sizeof err);
    free (ids);
    if (rc || db_run (self->db, "commit", 0, NULL, err, sizeof err))
        goto fail;
    log_info ("batches_processed", "{s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:f, s:f}", "batches", nbatches,
              "series_groups", (int) n, "observations", (int) changes.observations, "computed",
              (int) changes.computed, "written", (int) changes.written, "changed", (int) changes.n,
              "read_ms", changes.read_ms, "write_ms", changes.write_ms,
              "pass_ms", (double) (zclock_usecs () - started) / 1000);
    s_publish (self, &changes);
    return nbatches;
fail:
    log_error ("calc_failed", "{s:s}", "error", err);
    s_rollback (self);
    //  What the engine remembers writing was rolled back with it.
    calc_engine_forget (self->engine);
    return -1;
}

long
calc_recompute_all (calc_t *self, size_t *computed)
{
    char err [512];
    calc_changes_t changes = { 0 };
    const char *key [1] = { CALC_LOCK_KEY };
    if (db_run (self->db, "begin", 0, NULL, err, sizeof err))
        return -1;
    PGresult *r = db_exec_stmt (self->db, &calc_recompute_lock_sql, key, DB_TUPLES, err, sizeof err);
    if (r)
        PQclear (r);
    if (!r || calc_engine_reload (self->engine, err, sizeof err)
    ||  calc_engine_run (self->engine, NULL, NULL, 0, &changes, err, sizeof err)
    ||  db_run (self->db, "commit", 0, NULL, err, sizeof err)) {
        log_error ("recompute_failed", "{s:s}", "error", err);
        s_rollback (self);
        calc_engine_forget (self->engine);
        return -1;
    }
    if (computed)
        *computed = changes.computed;
    s_publish (self, &changes);
    return (long) (changes.n + changes.uncollected);
}

//  Passes run back to back for at most this long, then the service loop
//  gets its turn: it answers Ping and notices SIGTERM.  Under a sustained
//  feed another batch is always pending, so an unbounded loop kept calc
//  deaf to both for as long as the feed lasted.  The timer or the next
//  BatchCommitted picks up what is left.
#define CALC_SLICE_MS 1000

static void
s_catch_up (calc_t *self)
{
    int64_t until = zclock_mono () + CALC_SLICE_MS;
    while (!sig_stop_requested () && calc_process_pending (self) > 0 && zclock_mono () < until)
        ;
}

int
calc_on_batch (svc_t *svc, zsock_t *sock, void *arg)
{
    //  Drain every waiting notification: one pass covers them all.
    int drained = 0;
    while (drained < 1000 && (zsock_events (sock) & ZMQ_POLLIN)) {
        zmsg_t *z = zmsg_recv (sock);
        msg_t m;
        char err [256];
        if (msg_decode (&z, false, 1 << 20, &m, err, sizeof err))
            log_warn ("bad_message", "{s:s}", "error", err);
        msg_clear (&m);
        drained++;
    }
    s_catch_up (arg);
    return 0;
}

int
calc_on_timer (svc_t *svc, void *arg)
{
    s_catch_up (arg);
    return 0;
}
