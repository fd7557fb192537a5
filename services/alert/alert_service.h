/*  alert_service: the alert service's handlers: IndicatorChanged wakes
    evaluation, timers catch up, check due data and deliver the outbox.  */
#ifndef CAREWATCH_ALERT_SERVICE_H
#define CAREWATCH_ALERT_SERVICE_H

#include "alert_deliver.h"
#include "alert_engine.h"

typedef struct {
    alert_engine_t *engine;     //  rules and state
    alert_deliver_t *deliver;   //  the outbox worker
    int64_t next_due_check;     //  monotonic ms of the next missing-data check
    int missing_check_ms;       //  interval between them
} alert_t;

//  svc_reader_fn for the SUB socket: drains IndicatorChanged and evaluates.
int alert_on_change (svc_t *svc, zsock_t *sock, void *arg);

//  svc_timer_fn: evaluates what is pending, checks due data on its own
//  interval, delivers the outbox.
int alert_on_timer (svc_t *svc, void *arg);

//  svc_timer_fn, every few milliseconds: moves deliveries in flight along
//  (nothing to do, and no query, when none are).
int alert_on_deliver_tick (svc_t *svc, void *arg);

#endif
