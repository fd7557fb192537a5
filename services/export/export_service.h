/*  export_service: answers ExportRequest with an ExportResponse (the
    rendered report) or an Error whose code is "bad_request",
    "not_found" or "internal".  */
#ifndef CAREWATCH_EXPORT_SERVICE_H
#define CAREWATCH_EXPORT_SERVICE_H

#include "svc.h"

//  Builds and renders one report.  Returns 0 with *body (malloc'd, the
//  caller frees), *len and *content_type set, or -1 with *status (400,
//  404, 500) and err.
int export_build (db_t *db, const Carewatch__V1__ExportRequest *req, char **body, size_t *len,
                  const char **content_type, int *status, char *err, size_t errlen);

//  svc_request_fn for the export ROUTER socket.
int export_on_request (svc_t *svc, zsock_t *sock, msg_t *request, void *arg);

#endif
