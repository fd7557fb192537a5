/*  carewatch-gateway: the HTTP front door.  */
#include "svc.h"
#include "gateway_http.h"

int
main (void)
{
    svc_t *svc = svc_new ("gateway");
    if (!svc)
        return 1;
    const config_t *cfg = svc_config (svc);
    zsock_t *control = svc_socket (svc, ZMQ_ROUTER, cfg->gateway_control, true);
    gateway_http_t *http = control ? gateway_http_new (svc) : NULL;
    int rc = 1;
    if (http) {
        svc_add_router (svc, control, NULL, NULL);
        rc = svc_run (svc);
    }
    gateway_http_destroy (&http);
    svc_destroy (&svc);
    return rc;
}
