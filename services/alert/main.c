/*  carewatch-alert: evaluates alert rules and delivers notifications.  */
#include "svc.h"

int
main (void)
{
    svc_t *svc = svc_new ("alert");
    if (!svc)
        return 1;
    const config_t *cfg = svc_config (svc);
    zsock_t *control = svc_socket (svc, ZMQ_ROUTER, cfg->alert_control, true);
    zsock_t *changes = svc_socket (svc, ZMQ_SUB, cfg->calc_events, false);
    zsock_t *stream = svc_socket (svc, ZMQ_PUB, cfg->alert_stream, true);
    int rc = 1;
    if (control && changes && stream) {
        zsock_set_subscribe (changes, "");
        svc_add_router (svc, control, NULL, NULL);
        rc = svc_run (svc);
    }
    svc_destroy (&svc);
    return rc;
}
