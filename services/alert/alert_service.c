/*  alert_service: handlers.  */
#include "alert_service.h"
#include "period.h"

int
alert_on_change (svc_t *svc, zsock_t *sock, void *arg)
{
    alert_t *self = arg;
    for (int i = 0; i < 10000 && (zsock_events (sock) & ZMQ_POLLIN); i++) {
        zmsg_t *z = zmsg_recv (sock);
        zmsg_destroy (&z);
    }
    while (alert_engine_evaluate_changes (self->engine) > 0)
        ;
    alert_deliver_due (self->deliver);
    return 0;
}

int
alert_on_timer (svc_t *svc, void *arg)
{
    alert_t *self = arg;
    while (alert_engine_evaluate_changes (self->engine) > 0)
        ;
    if (zclock_mono () >= self->next_due_check) {
        alert_engine_check_due (self->engine, period_today ());
        self->next_due_check = zclock_mono () + self->missing_check_ms;
    }
    while (alert_deliver_due (self->deliver) > 0)
        ;
    return 0;
}
