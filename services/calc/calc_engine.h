/*  calc_engine: recomputes indicator values from the current
    observations and upserts the ones that changed.

    The unit of work is an (indicator, breakdown): every org unit and
    period of it is recomputed, so the next period's trend, the SPC
    series, the parent org units (practice -> PCN -> place) and every
    area's England benchmark stay consistent with whatever the batch
    changed (none of these crosses breakdowns).  The same code serves a
    batch (the pairs it touched) and a full recompute (every indicator),
    so the two cannot disagree.

    Only what differs from the stored values is sent to PostgreSQL: the
    engine keeps a fingerprint of every row it last wrote (calc_seen.h)
    and drops a recomputed row whose fingerprint is unchanged.  The
    fingerprints are forgotten when the computed tables' write counter
    (the sequence computed_generation, moved by a trigger on every statement) is not
    where this engine left it (someone else wrote: a hand edit, a
    restore, another process) and when a run fails; the caller forgets
    them when it rolls back.

    SPC limits are stored per series segment (indicator_spc), not per
    point, so a new month changes the points whose verdicts change, not
    every point of the series.  */
#ifndef CAREWATCH_CALC_ENGINE_H
#define CAREWATCH_CALC_ENGINE_H

#include "calc_series.h"
#include "db.h"
#include <stdint.h>

typedef struct _calc_engine_t calc_engine_t;

//  One indicator value that changed.
typedef struct {
    char indicator [72];
    char org_unit [72];
    char period [PERIOD_CODE_MAX];
    char breakdown [72];
    char old_status [24];       //  "" when the value is new
    char new_status [24];
    char variation [40];
    char domain [128];
    uint64_t change_seq;
} calc_change_t;

typedef struct {
    calc_change_t *items;       //  owned by the engine, valid until the next run
    size_t n;
    size_t cap;
    size_t uncollected;         //  changes counted but not listed (collect off)
    size_t computed;            //  values computed (changed or not)
    size_t observations;        //  observations read
    size_t written;             //  rows sent to PostgreSQL (values and SPC segments)
    double read_ms;             //  reading and computing
    double write_ms;            //  sending and upserting what changed
} calc_changes_t;

//  Loads the catalogue (indicators, targets) and the org tree.  Returns
//  NULL with err.
calc_engine_t *calc_engine_new (db_t *db, char *err, size_t errlen);
void calc_engine_destroy (calc_engine_t **self_p);

//  Reloads the catalogue and org tree.  Returns 0 or -1.
int calc_engine_reload (calc_engine_t *self, char *err, size_t errlen);

//  Recomputes inside the caller's transaction and fills *changes with
//  the values that changed: indicators[0..n) whole, or with breakdowns
//  not NULL the pairs (indicators[i], breakdowns[i]); indicators NULL:
//  every indicator.  Returns 0 or -1 with err.
int calc_engine_run (calc_engine_t *self, const char *const *indicators, const char *const *breakdowns,
                     size_t n, calc_changes_t *changes, char *err, size_t errlen);

//  Forgets what the engine last wrote (after a rollback): the next run
//  sends every row it computes.
void calc_engine_forget (calc_engine_t *self);

//  The largest fingerprint table (calc_seen_t.max_bytes).
void calc_engine_set_fingerprint_bytes (calc_engine_t *self, size_t bytes);

//  Whether runs list each change (the default) or only count them in
//  changes->uncollected (a recompute nobody publishes; saves the memory
//  of a list as long as the catalogue).
void calc_engine_set_collect (calc_engine_t *self, bool collect);

//  Frees the change list.
void calc_changes_clear (calc_changes_t *self);

#endif
