/*  alert_engine: evaluates alert rules against what calc wrote and keeps
    the alert state, the transitions and the notification outbox in
    PostgreSQL, all in one transaction per pass.

    It keeps the last change sequence it evaluated in consumer_offsets, so
    a lost IndicatorChanged, a crash or a restart loses no alert: on start
    and on every tick it evaluates every change it has not seen.  Each
    (transition, subscription) becomes exactly one notification row with
    its own delivery id (a unique key enforces it); alert_deliver sends
    them.  */
#ifndef CAREWATCH_ALERT_ENGINE_H
#define CAREWATCH_ALERT_ENGINE_H

#include "alert_rules.h"
#include "svc.h"

typedef struct _alert_engine_t alert_engine_t;

//  stream (may be NULL): the PUB socket transitions are published on.
alert_engine_t *alert_engine_new (db_t *db, const config_t *cfg, zsock_t *stream, char *err, size_t errlen);
void alert_engine_destroy (alert_engine_t **self_p);

//  Evaluates the series changed since the last pass.  Returns the number
//  of transitions, or -1 on a database error.
int alert_engine_evaluate_changes (alert_engine_t *self);

//  Checks for data that is due but missing, and for batches with
//  rejected rows.  today: days since 1970 (period_today () in service).
//  Returns the number of transitions, or -1.
int alert_engine_check_due (alert_engine_t *self, int today);

#endif
