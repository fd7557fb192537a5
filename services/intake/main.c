/*  carewatch-intake: partners push batches of observations here.  */
#include "intake_service.h"
#include "log.h"

int
main (void)
{
    svc_t *svc = svc_new ("intake");
    if (!svc)
        return 1;
    const config_t *cfg = svc_config (svc);
    zsock_t *partners = svc_socket_secure (svc, ZMQ_ROUTER, cfg->intake_endpoint);
    zsock_t *calc = svc_socket (svc, ZMQ_PUSH, cfg->calc_endpoint, false);
    char err [256];
    intake_t *intake = partners && calc ? intake_new (svc_db (svc), cfg, calc, err, sizeof err) : NULL;
    int rc = 1;
    if (intake) {
        svc_add_router (svc, partners, intake_on_request, intake);
        svc_add_timer (svc, 60000, intake_on_timer, intake);
        rc = svc_run (svc);
    }
    else
        log_error ("intake_start_failed", "{s:s}", "error", partners && calc ? err : "sockets");
    intake_destroy (&intake);
    svc_destroy (&svc);
    return rc;
}
