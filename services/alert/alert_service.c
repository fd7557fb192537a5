/*  alert_service: handlers.  */
#include "alert_service.h"
#include "period.h"
#include "sig.h"

//  Passes run back to back for at most this long before the service loop
//  gets its turn (Ping, SIGTERM); the next tick picks up what is left.
#define ALERT_SLICE_MS 1000

static void
s_evaluate (alert_t *self)
{
    int64_t until = zclock_mono () + ALERT_SLICE_MS;
    while (!sig_stop_requested () && alert_engine_evaluate_changes (self->engine) > 0 && zclock_mono () < until)
        ;
}

static void
s_deliver (alert_t *self)
{
    int64_t until = zclock_mono () + ALERT_SLICE_MS;
    while (!sig_stop_requested () && alert_deliver_due (self->deliver) > 0 && zclock_mono () < until)
        ;
}

int
alert_on_change (svc_t *svc, zsock_t *sock, void *arg)
{
    alert_t *self = arg;
    for (int i = 0; i < 10000 && (zsock_events (sock) & ZMQ_POLLIN); i++) {
        zmsg_t *z = zmsg_recv (sock);
        zmsg_destroy (&z);
    }
    s_evaluate (self);
    s_deliver (self);
    return 0;
}

int
alert_on_timer (svc_t *svc, void *arg)
{
    alert_t *self = arg;
    s_evaluate (self);
    if (zclock_mono () >= self->next_due_check) {
        alert_engine_check_due (self->engine, period_today ());
        self->next_due_check = zclock_mono () + self->missing_check_ms;
    }
    s_deliver (self);
    return 0;
}
