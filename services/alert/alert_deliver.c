/*  alert_deliver: the webhook outbox worker.  */
#include "alert_deliver.h"
#include "alert_rules.h"
#include "log.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct _alert_deliver_t {
    db_t *db;                   //  borrowed
    CURL *curl;                 //  reused handle (keeps connections)
    int retry_ms;               //  first retry delay
    int max_attempts;           //  then dead
    int timeout_ms;             //  per POST
};

alert_deliver_t *
alert_deliver_new (db_t *db, const config_t *cfg)
{
    alert_deliver_t *self = calloc (1, sizeof *self);
    self->db = db;
    self->curl = curl_easy_init ();
    self->retry_ms = cfg->webhook_retry_ms;
    self->max_attempts = cfg->webhook_max_attempts;
    self->timeout_ms = cfg->webhook_timeout_ms;
    return self;
}

void
alert_deliver_destroy (alert_deliver_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    curl_easy_cleanup ((*self_p)->curl);
    free (*self_p);
    *self_p = NULL;
}

static size_t
s_discard (char *data, size_t size, size_t n, void *arg)
{
    return size * n;
}

//  POSTs body; returns the HTTP status, or 0 with err set on a transport
//  failure.
static long
s_post (alert_deliver_t *self, const char *url, const char *delivery_id, const char *secret,
        const char *body, char *err, size_t errlen)
{
    char signature [80], h1 [128], h2 [128];
    alert_sign (secret, (const unsigned char *) body, strlen (body), signature, sizeof signature);
    snprintf (h1, sizeof h1, "X-Carewatch-Delivery: %s", delivery_id);
    snprintf (h2, sizeof h2, "X-Carewatch-Signature: %s", signature);
    struct curl_slist *headers = curl_slist_append (NULL, "Content-Type: application/json");
    headers = curl_slist_append (headers, h1);
    headers = curl_slist_append (headers, h2);
    headers = curl_slist_append (headers, "User-Agent: carewatch-alert/" CAREWATCH_VERSION);
    CURL *c = self->curl;
    curl_easy_reset (c);
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE, (long) strlen (body));
    curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) (self->timeout_ms / 5 + 1));
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) self->timeout_ms);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_discard);
    CURLcode rc = curl_easy_perform (c);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
    else
        snprintf (err, errlen, "%s", curl_easy_strerror (rc));
    curl_slist_free_all (headers);
    return status;
}

int
alert_deliver_due (alert_deliver_t *self)
{
    char err [512];
    PGresult *r = db_exec (self->db,
        "select n.id, n.delivery_id, n.attempts, s.url, s.secret, t.payload::text, s.id"
        " from notifications n join subscriptions s on s.id = n.subscription_id"
        " join alert_transitions t on t.id = n.transition_id"
        " where n.state = 'pending' and n.next_attempt_at <= now () and s.channel = 'webhook' and s.active"
        " order by n.next_attempt_at, n.id limit 20", 0, NULL, DB_TUPLES, err, sizeof err);
    if (!r)
        return -1;
    int attempted = 0;
    for (int i = 0; i < PQntuples (r); i++) {
        const char *id = PQgetvalue (r, i, 0), *delivery = PQgetvalue (r, i, 1);
        int attempts = atoi (PQgetvalue (r, i, 2)) + 1;
        json_t *body = json_loads (PQgetvalue (r, i, 5), 0, NULL);
        if (!body)
            body = json_object ();
        json_object_set_new (body, "delivery_id", json_string (delivery));
        json_object_set_new (body, "subscription_id", json_integer (atoll (PQgetvalue (r, i, 6))));
        char *text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref (body);
        char perr [256] = "";
        long status = s_post (self, PQgetvalue (r, i, 3), delivery, PQgetvalue (r, i, 4), text, perr, sizeof perr);
        free (text);
        attempted++;
        char n [16], wait [32], why [300];
        snprintf (n, sizeof n, "%d", attempts);
        if (status >= 200 && status < 300) {
            const char *p [2] = { id, n };
            db_run (self->db, "update notifications set state = 'delivered', delivered_at = now (),"
                              " attempts = $2, last_error = null where id = $1", 2, p, err, sizeof err);
            log_info ("notification_delivered", "{s:s, s:i}", "delivery_id", delivery, "attempts", attempts);
            continue;
        }
        if (status)
            snprintf (why, sizeof why, "HTTP %ld", status);
        else
            snprintf (why, sizeof why, "%s", perr);
        double seconds = alert_backoff (attempts, self->retry_ms / 1000.0, 3600,
                                        (double) randombytes_uniform (1000000) / 1e6);
        snprintf (wait, sizeof wait, "%.3f seconds", seconds);
        bool dead = attempts >= self->max_attempts;
        const char *p [5] = { id, n, why, wait, dead ? "dead" : "pending" };
        db_run (self->db, "update notifications set attempts = $2, last_error = $3, state = $5,"
                          " next_attempt_at = now () + $4::interval where id = $1", 5, p, err, sizeof err);
        log_warn (dead ? "notification_dead" : "notification_retry", "{s:s, s:i, s:s}",
                  "delivery_id", delivery, "attempts", attempts, "error", why);
    }
    PQclear (r);
    return attempted;
}
