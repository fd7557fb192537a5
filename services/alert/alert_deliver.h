/*  alert_deliver: sends pending webhook notifications from the outbox.

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

//  Sends what is due.  Returns the number attempted, or -1 on a database
//  error.
int alert_deliver_due (alert_deliver_t *self);

#endif
