/*  calc_engine: recomputes indicator values from the current
    observations and upserts the ones that changed.

    The unit of work is an indicator: every org unit and breakdown of it is
    recomputed, so the next period's trend, the SPC series, the parent
    org units (practice -> PCN -> place) and every area's England
    benchmark stay consistent with whatever the batch changed.  The same
    code serves a batch (its indicators) and a full recompute (all of
    them), so the two cannot disagree.  */
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
    size_t computed;            //  values computed (changed or not)
    size_t observations;        //  observations read
} calc_changes_t;

//  Loads the catalogue (indicators, targets) and the org tree.  Returns
//  NULL with err.
calc_engine_t *calc_engine_new (db_t *db, char *err, size_t errlen);
void calc_engine_destroy (calc_engine_t **self_p);

//  Reloads the catalogue and org tree.  Returns 0 or -1.
int calc_engine_reload (calc_engine_t *self, char *err, size_t errlen);

//  Recomputes the given indicators (NULL, 0: every indicator) inside the
//  caller's transaction and fills *changes with the values that changed.
//  Returns 0 or -1 with err.
int calc_engine_run (calc_engine_t *self, const char *const *indicators, size_t n,
                     calc_changes_t *changes, char *err, size_t errlen);

//  Frees the change list.
void calc_changes_clear (calc_changes_t *self);

#endif
