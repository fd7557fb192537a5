/*  carewatch-alert: evaluates alert rules and delivers notifications.  */
#include "alert_service.h"
#include "log.h"

#include <curl/curl.h>

int
main (void)
{
    curl_global_init (CURL_GLOBAL_DEFAULT);
    svc_t *svc = svc_new ("alert");
    if (!svc)
        return 1;
    const config_t *cfg = svc_config (svc);
    zsock_t *control = svc_socket (svc, ZMQ_ROUTER, cfg->alert_control, true);
    zsock_t *changes = svc_socket (svc, ZMQ_SUB, cfg->calc_events, false);
    zsock_t *stream = svc_socket (svc, ZMQ_PUB, cfg->alert_stream, true);
    char err [256] = "sockets";
    alert_t alert = { 0 };
    if (control && changes && stream)
        alert.engine = alert_engine_new (svc_db (svc), cfg, stream, err, sizeof err);
    int rc = 1;
    if (alert.engine) {
        alert.deliver = alert_deliver_new (svc_db (svc), cfg);
        alert.missing_check_ms = cfg->missing_check_ms;
        zsock_set_subscribe (changes, "");
        svc_add_router (svc, control, NULL, NULL);
        svc_add_reader (svc, changes, alert_on_change, &alert);
        svc_add_timer (svc, 250, alert_on_timer, &alert);
        svc_add_timer (svc, 5, alert_on_deliver_tick, &alert);
        rc = svc_run (svc);
    }
    else
        log_error ("alert_start_failed", "{s:s}", "error", err);
    alert_deliver_destroy (&alert.deliver);
    alert_engine_destroy (&alert.engine);
    svc_destroy (&svc);
    curl_global_cleanup ();
    return rc;
}
