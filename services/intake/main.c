/*  carewatch-intake: partners push batches of observations here.  */
#include "svc.h"

int
main (void)
{
    svc_t *svc = svc_new ("intake");
    if (!svc)
        return 1;
    const config_t *cfg = svc_config (svc);
    zsock_t *partners = svc_socket (svc, ZMQ_ROUTER, cfg->intake_endpoint, true);
    zsock_t *calc = svc_socket (svc, ZMQ_PUSH, cfg->calc_endpoint, false);
    int rc = 1;
    if (partners && calc) {
        svc_add_router (svc, partners, NULL, NULL);
        rc = svc_run (svc);
    }
    svc_destroy (&svc);
    return rc;
}
