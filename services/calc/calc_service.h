/*  calc_service: the calc service's work loop.  It processes every
    committed batch it has not processed yet, in commit order: the
    BatchCommitted message only says "look now", so a lost message, a
    crash or a restart loses nothing.  Each pass runs in one transaction
    that recomputes the touched indicators and records the batches as
    processed; after commit the changes go out as IndicatorChanged.  */
#ifndef CAREWATCH_CALC_SERVICE_H
#define CAREWATCH_CALC_SERVICE_H

#include "calc_engine.h"
#include "svc.h"

typedef struct _calc_t calc_t;

//  events (may be NULL) is the PUB socket IndicatorChanged goes to.
calc_t *calc_new (db_t *db, zsock_t *events, char *err, size_t errlen);
void calc_destroy (calc_t **self_p);

//  Processes pending batches (up to a bounded number per pass).  Returns
//  the number of batches processed, or -1 on a database error.
int calc_process_pending (calc_t *self);

//  Recomputes every indicator from the observations, publishing what
//  changed.  Returns the number of values changed, or -1.
long calc_recompute_all (calc_t *self, size_t *computed);

//  The most batches one pass claims (CAREWATCH_CALC_BATCHES_PER_PASS).
void calc_set_batches_per_pass (calc_t *self, long n);

//  The most memory spent remembering what was written
//  (CAREWATCH_CALC_FINGERPRINT_MB).
void calc_set_fingerprint_mb (calc_t *self, long mb);

//  Forgets what calc remembers writing, so the next pass writes (and
//  compares in SQL) every value it computes, as a fresh process would.
void calc_forget (calc_t *self);

//  svc_reader_fn for the PULL socket: drains BatchCommitted messages and
//  processes what is pending.
int calc_on_batch (svc_t *svc, zsock_t *sock, void *arg);

//  svc_timer_fn: catches up on anything pending (a lost message).
int calc_on_timer (svc_t *svc, void *arg);

#endif
