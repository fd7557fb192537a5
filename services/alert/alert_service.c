/*  alert_service: handlers.  */
#include "alert_service.h"
#include "alert_store.h"
#include "period.h"
#include "sig.h"

//  Passes run back to back for at most this long before the service loop
//  gets its turn (Ping, SIGTERM); the next tick picks up what is left.
#define ALERT_SLICE_MS 1000

//  Evaluates new changes and delivers what is due, one round of each in
//  turn, until neither has anything left or the slice is over.  Under a
//  steady stream of changes evaluation always finds more; done back to
//  back it kept deliveries waiting for up to the whole slice (the
//  submission-to-webhook tail in docs/performance.md).
static void
s_work (alert_t *self)
{
    int64_t until = zclock_mono () + ALERT_SLICE_MS;
    while (!sig_stop_requested () && zclock_mono () < until) {
        int evaluated = alert_engine_evaluate_changes (self->engine);
        int delivered = alert_deliver_due (self->deliver);
        if (evaluated <= 0 && delivered <= 0)
            break;
    }
}

int
alert_on_change (svc_t *svc, zsock_t *sock, void *arg)
{
    alert_t *self = arg;
    for (int i = 0; i < 10000 && (zsock_events (sock) & ZMQ_POLLIN); i++) {
        zmsg_t *z = zmsg_recv (sock);
        zmsg_destroy (&z);
    }
    s_work (self);
    return 0;
}

int
alert_on_timer (svc_t *svc, void *arg)
{
    alert_t *self = arg;
    if (zclock_mono () >= self->next_due_check) {
        alert_engine_check_due (self->engine, period_today ());
        self->next_due_check = zclock_mono () + self->missing_check_ms;
    }
    s_work (self);
    return 0;
}

int
alert_on_deliver_tick (svc_t *svc, void *arg)
{
    alert_t *self = arg;
    //  Deliveries in flight move on their own sockets: look at them often,
    //  without blocking the loop, and start the next when one finishes.
    if (alert_deliver_poll (self->deliver, 0) > 0)
        alert_deliver_due (self->deliver);
    return 0;
}
