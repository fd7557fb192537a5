/*  carewatch-export: writes scorecards and reports on request.  */
#include "export_service.h"

int
main (void)
{
    svc_t *svc = svc_new ("export");
    if (!svc)
        return 1;
    zsock_t *requests = svc_socket (svc, ZMQ_ROUTER, svc_config (svc)->export_endpoint, true);
    int rc = 1;
    if (requests) {
        svc_add_router (svc, requests, export_on_request, NULL);
        rc = svc_run (svc);
    }
    svc_destroy (&svc);
    return rc;
}
