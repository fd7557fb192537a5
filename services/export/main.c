/*  carewatch-export: writes scorecards and reports on request.  */
#include "export_service.h"

#include <malloc.h>

int
main (void)
{
    //  A card is thousands of small jansson objects beside a few large
    //  buffers; with fastbins on, every large request first consolidates
    //  them (a third of export's CPU in perf).  tcache still serves the
    //  small ones.
    mallopt (M_MXFAST, 0);
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
