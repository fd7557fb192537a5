/*  gateway_http: routes.  Only the health route for now.  */
#include "gateway_http.h"
#include "log.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

struct _gateway_http_t {
    struct MHD_Daemon *daemon;  //  the HTTP server
    svc_t *svc;                 //  the service it belongs to
};

static enum MHD_Result
s_reply (struct MHD_Connection *conn, unsigned int status, const char *type, const char *body)
{
    struct MHD_Response *res = MHD_create_response_from_buffer (strlen (body), (void *) body,
                                                                MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header (res, "Content-Type", type);
    enum MHD_Result rc = MHD_queue_response (conn, status, res);
    MHD_destroy_response (res);
    return rc;
}

static enum MHD_Result
s_handle (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
          const char *version, const char *upload, size_t *upload_size, void **state)
{
    if (strcmp (url, "/healthz") == 0 && strcmp (method, "GET") == 0)
        return s_reply (conn, MHD_HTTP_OK, "application/json", "{\"status\":\"ok\"}\n");
    return s_reply (conn, MHD_HTTP_NOT_FOUND, "application/problem+json",
                    "{\"title\":\"not found\",\"status\":404,\"detail\":\"no such route\"}\n");
}

gateway_http_t *
gateway_http_new (svc_t *svc)
{
    gateway_http_t *self = calloc (1, sizeof *self);
    self->svc = svc;
    int port = svc_config (svc)->http_port;
    self->daemon = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                                     (uint16_t) port, NULL, NULL, s_handle, self,
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 30,
                                     MHD_OPTION_END);
    if (!self->daemon) {
        log_error ("http_bind_failed", "{s:i}", "port", port);
        free (self);
        return NULL;
    }
    log_info ("http_listening", "{s:i}", "port", port);
    return self;
}

void
gateway_http_destroy (gateway_http_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    MHD_stop_daemon ((*self_p)->daemon);
    free (*self_p);
    *self_p = NULL;
}
