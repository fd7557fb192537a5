/*  export_service: ExportRequest -> document -> rendered bytes.  */
#include "export_service.h"
#include "export_query.h"
#include "export_render.h"
#include "log.h"

#include <string.h>

static const char *
s_opt (const char *s)
{
    return s && *s ? s : NULL;
}

int
export_build (db_t *db, const Carewatch__V1__ExportRequest *req, char **body, size_t *len,
              const char **content_type, int *status, char *err, size_t errlen)
{
    export_params_t p = { s_opt (req->period), s_opt (req->org_unit), s_opt (req->owner), s_opt (req->domain),
                          s_opt (req->indicator), s_opt (req->breakdown) };
    json_t *doc = NULL;
    *status = 400;
    if (strcmp (req->report, "scorecard") == 0)
        doc = export_scorecard (db, &p, status, err, errlen);
    else if (strcmp (req->report, "progress") == 0)
        doc = export_progress (db, &p, status, err, errlen);
    else if (strcmp (req->report, "exceptions") == 0)
        doc = export_exceptions (db, &p, status, err, errlen);
    else if (strcmp (req->report, "indicator") == 0)
        doc = export_indicator (db, &p, status, err, errlen);
    else
        snprintf (err, errlen, "report '%.32s' is not scorecard, progress, exceptions or indicator", req->report);
    if (!doc)
        return -1;
    const char *format = s_opt (req->format) ? req->format : "json";
    int rc = export_render (doc, format, body, len, content_type, err, errlen);
    json_decref (doc);
    if (rc)
        *status = 400;
    return rc;
}

int
export_on_request (svc_t *svc, zsock_t *sock, msg_t *request, void *arg)
{
    if (!msg_is (request, &carewatch__v1__export_request__descriptor)) {
        msg_send_error (sock, request->identity, "unsupported_message", "export takes ExportRequest and Ping");
        return 0;
    }
    Carewatch__V1__ExportRequest *req = (Carewatch__V1__ExportRequest *) request->body;
    char *body = NULL, err [512];
    size_t len = 0;
    const char *type = NULL;
    int status = 0;
    int64_t t0 = zclock_usecs ();
    if (export_build (svc_db (svc), req, &body, &len, &type, &status, err, sizeof err)) {
        msg_send_error (sock, request->identity, status == 404 ? "not_found" : status == 400 ? "bad_request" : "internal", err);
        log_info ("export_refused", "{s:s, s:i, s:s}", "report", req->report, "status", status, "error", err);
        return 0;
    }
    Carewatch__V1__ExportResponse res = CAREWATCH__V1__EXPORT_RESPONSE__INIT;
    res.content_type = (char *) type;
    res.body.data = (uint8_t *) body;
    res.body.len = len;
    msg_send (sock, request->identity, &res.base);
    log_info ("export_done", "{s:s, s:s, s:I, s:I}", "report", req->report, "format", req->format,
              "bytes", (json_int_t) len, "microseconds", (json_int_t) (zclock_usecs () - t0));
    free (body);
    return 0;
}
