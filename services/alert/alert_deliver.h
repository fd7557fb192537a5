/*  alert_deliver: sends pending webhook notifications from the outbox,
    many at once (curl multi), each subscription isolated: a few in
    flight at most, and a backoff of its own after a failure, so one slow
    or dead endpoint holds up no other.  Each address connected to must
    pass webhook_addr_ok (no loopback, link-local or private networks
    unless CAREWATCH_WEBHOOK_ALLOW lists them).

    Each is POSTed with libcurl as JSON with an X-Carewatch-Delivery id
    header and an X-Carewatch-Signature (HMAC-SHA256 of the body with the
    subscription's secret), with connect and total timeouts.  A 2xx marks
    it delivered; anything else schedules a retry with exponential backoff
    and jitter, and after the last attempt it is marked dead, visibly.
    A notification is only marked delivered after the receiver said so,
    so a crash mid-delivery means it is sent again under the same id:
    delivery is at least once, and receivers de-duplicate by the id.  */
#ifndef CAREWATCH_ALERT_DELIVER_H
#define CAREWATCH_ALERT_DELIVER_H

#include "svc.h"

typedef struct _alert_deliver_t alert_deliver_t;

alert_deliver_t *alert_deliver_new (db_t *db, const config_t *cfg);
void alert_deliver_destroy (alert_deliver_t **self_p);

//  Records finished deliveries and starts what is due, without waiting
//  for any.  Returns how many finished or started, or -1 on a database
//  error.
int alert_deliver_due (alert_deliver_t *self);

//  Waits up to wait_ms for deliveries in flight to move, and records the
//  finished ones.  Returns how many finished (0 at once when none are in
//  flight).
int alert_deliver_poll (alert_deliver_t *self, int wait_ms);

//  Deliveries in flight now.
int alert_deliver_inflight (alert_deliver_t *self);

#endif
