/*  carewatch-calc: turns committed batches into indicator values.  */
#include "svc.h"

int
main (void)
{
    svc_t *svc = svc_new ("calc");
    if (!svc)
        return 1;
    const config_t *cfg = svc_config (svc);
    zsock_t *control = svc_socket (svc, ZMQ_ROUTER, cfg->calc_control, true);
    zsock_t *batches = svc_socket (svc, ZMQ_PULL, cfg->calc_endpoint, true);
    zsock_t *events = svc_socket (svc, ZMQ_PUB, cfg->calc_events, true);
    int rc = 1;
    if (control && batches && events) {
        svc_add_router (svc, control, NULL, NULL);
        rc = svc_run (svc);
    }
    svc_destroy (&svc);
    return rc;
}
