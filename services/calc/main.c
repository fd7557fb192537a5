/*  carewatch-calc: turns committed batches into indicator values.  */
#include "calc_service.h"
#include "log.h"

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
    char err [256] = "sockets";
    calc_t *calc = control && batches && events ? calc_new (svc_db (svc), events, err, sizeof err) : NULL;
    int rc = 1;
    if (calc) {
        calc_set_batches_per_pass (calc, cfg->calc_batches_per_pass);
        calc_set_fingerprint_mb (calc, cfg->calc_fingerprint_mb);
        svc_add_router (svc, control, NULL, NULL);
        svc_add_reader (svc, batches, calc_on_batch, calc);
        svc_add_timer (svc, 250, calc_on_timer, calc);   //  resumes a catch-up cut into slices
        calc_on_timer (svc, calc);      //  catch up on what came in while down
        rc = svc_run (svc);
    }
    else
        log_error ("calc_start_failed", "{s:s}", "error", err);
    calc_destroy (&calc);
    svc_destroy (&svc);
    return rc;
}
