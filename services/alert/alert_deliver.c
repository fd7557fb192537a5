/*  alert_deliver: the webhook outbox worker.  Deliveries run
    concurrently on one curl multi handle and never block the service
    loop: each call starts what is due and collects what has finished.
    Each subscription is isolated: it has at most S_PER_SUB deliveries in
    flight, and after a failure it backs off on its own (the next attempt
    waits, doubling with each failure in a row), so a slow or dead
    endpoint delays nobody else's notifications.  */
#include "alert_deliver.h"
#include "alert_store.h"
#include "alert_rules.h"
#include "log.h"
#include "webhook.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define S_MAX_INFLIGHT 64       //  deliveries in flight at once
#define S_PER_SUB 4             //  of which for one subscription
#define S_STR(x) S_STR2 (x)
#define S_STR2(x) #x
#define S_SUBS 1024             //  subscriptions whose state is kept
#define S_GROUP_MAX 100         //  alerts in one grouped POST

//  One delivery in flight.
typedef struct {
    CURL *curl;
    struct curl_slist *headers;
    char *body;                 //  what is POSTed
    long long notification;     //  notifications.id (the first of a group)
    char *ids;                  //  every notification it carries, as a bigint[] literal
    long long subscription;     //  subscriptions.id
    char delivery [64];         //  delivery id
    int attempts;               //  this attempt's number
    char error [CURL_ERROR_SIZE];   //  curl's words on a failure
    char refused [160];         //  why the address was refused, if it was
    const char *allow;          //  CAREWATCH_WEBHOOK_ALLOW
} s_transfer_t;

//  What is known about one subscription's endpoint.
typedef struct {
    long long id;               //  subscriptions.id (0: free slot)
    int inflight;               //  deliveries in flight
    int failures;               //  in a row
    int64_t blocked_until;      //  monotonic ms: no new attempt before
} s_sub_t;

struct _alert_deliver_t {
    db_t *db;                   //  borrowed
    CURLM *multi;               //  the transfers
    s_transfer_t *inflight [S_MAX_INFLIGHT];
    int ninflight;
    s_sub_t subs [S_SUBS];
    int retry_ms;               //  first retry delay
    int max_attempts;           //  then dead
    int timeout_ms;             //  per POST
    char allow [512];           //  private networks webhooks may reach
};

alert_deliver_t *
alert_deliver_new (db_t *db, const config_t *cfg)
{
    alert_deliver_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    self->multi = curl_multi_init ();
    self->retry_ms = cfg->webhook_retry_ms;
    self->max_attempts = cfg->webhook_max_attempts;
    self->timeout_ms = cfg->webhook_timeout_ms;
    snprintf (self->allow, sizeof self->allow, "%s", cfg->webhook_allow);
    return self;
}

static void
s_transfer_free (s_transfer_t **t_p)
{
    s_transfer_t *t = *t_p;
    if (!t)
        return;
    curl_easy_cleanup (t->curl);
    curl_slist_free_all (t->headers);
    free (t->body);
    free (t->ids);
    free (t);
    *t_p = NULL;
}

void
alert_deliver_destroy (alert_deliver_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    alert_deliver_t *self = *self_p;
    //  What is in flight stays pending in the outbox and is sent again.
    for (int i = 0; i < self->ninflight; i++) {
        curl_multi_remove_handle (self->multi, self->inflight [i]->curl);
        s_transfer_free (&self->inflight [i]);
    }
    curl_multi_cleanup (self->multi);
    free (self);
    *self_p = NULL;
}

static s_sub_t *
s_sub (alert_deliver_t *self, long long id)
{
    s_sub_t *free_slot = NULL, *oldest = &self->subs [0];
    for (int i = 0; i < S_SUBS; i++) {
        if (self->subs [i].id == id)
            return &self->subs [i];
        if (!self->subs [i].id && !free_slot)
            free_slot = &self->subs [i];
        if (!self->subs [i].inflight && self->subs [i].blocked_until < oldest->blocked_until)
            oldest = &self->subs [i];
    }
    s_sub_t *s = free_slot ? free_slot : oldest;
    *s = (s_sub_t) { .id = id };
    return s;
}

static size_t
s_discard (char *data, size_t size, size_t n, void *arg)
{
    return size * n;
}

//  Every address curl is about to connect to is checked here, after
//  DNS: a name that resolves to a private address is refused however it
//  got past the check when the subscription was made.
static curl_socket_t
s_open_socket (void *arg, curlsocktype purpose, struct curl_sockaddr *address)
{
    s_transfer_t *t = arg;
    if (!webhook_addr_ok (&address->addr, t->allow, t->refused, sizeof t->refused))
        return CURL_SOCKET_BAD;
    return socket (address->family, address->socktype, address->protocol);
}

//  The body of one POST: a notification's payload with its delivery id,
//  or for a group (rows[0..n), n > 1) {"group", "alerts": [payload...]},
//  each alert carrying its own delivery id, so a receiver de-duplicates
//  transitions however they were bundled.
static char *
s_body (PGresult *r, const int *rows, size_t n, long long subscription, const char *group_key)
{
    json_t *alerts = json_array ();
    for (size_t k = 0; k < n; k++) {
        json_t *a = json_loads (PQgetvalue (r, rows [k], 5), 0, NULL);
        if (!a)
            a = json_object ();
        json_object_set_new (a, "delivery_id", json_string (PQgetvalue (r, rows [k], 1)));
        json_object_set_new (a, "subscription_id", json_integer (subscription));
        json_array_append_new (alerts, a);
    }
    json_t *body = n == 1 && !group_key ? json_incref (json_array_get (alerts, 0))
                 : json_pack ("{s:s, s:I, s:s, s:i, s:O}", "delivery_id", PQgetvalue (r, rows [0], 1),
                              "subscription_id", (json_int_t) subscription, "group", group_key ? group_key : "",
                              "count", (int) n, "alerts", alerts);
    json_decref (alerts);
    char *text = body ? json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref (body);
    return text;
}

//  Starts one POST carrying rows[0..n) of the due query (one
//  subscription; more than one row, or a group key, for a grouped
//  subscription).  Returns 0, or -1 when curl could not set it up.
static int
s_start (alert_deliver_t *self, PGresult *r, const int *rows, size_t n, const char *group_key)
{
    s_transfer_t *t = calloc (1, sizeof *t);
    if (!t)
        return -1;
    int i = rows [0];
    t->notification = atoll (PQgetvalue (r, i, 0));
    snprintf (t->delivery, sizeof t->delivery, "%s", PQgetvalue (r, i, 1));
    t->subscription = atoll (PQgetvalue (r, i, 6));
    t->allow = self->allow;
    size_t cap = 2 + 24 * n;
    t->ids = malloc (cap);
    size_t o = 0;
    if (t->ids)
        t->ids [o++] = '{';
    for (size_t k = 0; t->ids && k < n; k++) {
        o += (size_t) snprintf (t->ids + o, cap - o, "%s%s", k ? "," : "", PQgetvalue (r, rows [k], 0));
        int attempts = atoi (PQgetvalue (r, rows [k], 2)) + 1;
        t->attempts = attempts > t->attempts ? attempts : t->attempts;
    }
    if (t->ids)
        snprintf (t->ids + o, cap - o, "}");
    t->body = s_body (r, rows, n, t->subscription, group_key);
    t->curl = curl_easy_init ();
    if (!t->ids || !t->body || !t->curl) {
        s_transfer_free (&t);
        return -1;
    }
    char signature [80], h1 [128], h2 [128];
    webhook_sign (PQgetvalue (r, i, 4), (const unsigned char *) t->body, strlen (t->body), signature, sizeof signature);
    snprintf (h1, sizeof h1, "X-Carewatch-Delivery: %s", t->delivery);
    snprintf (h2, sizeof h2, "X-Carewatch-Signature: %s", signature);
    t->headers = curl_slist_append (NULL, "Content-Type: application/json");
    t->headers = curl_slist_append (t->headers, h1);
    t->headers = curl_slist_append (t->headers, h2);
    t->headers = curl_slist_append (t->headers, "User-Agent: carewatch-alert/" CAREWATCH_VERSION);
    CURL *c = t->curl;
    curl_easy_setopt (c, CURLOPT_URL, PQgetvalue (r, i, 3));
    curl_easy_setopt (c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt (c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt (c, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE, (long) strlen (t->body));
    curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, (long) (self->timeout_ms / 5 + 1));
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) self->timeout_ms);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_discard);
    curl_easy_setopt (c, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt (c, CURLOPT_OPENSOCKETFUNCTION, s_open_socket);
    curl_easy_setopt (c, CURLOPT_OPENSOCKETDATA, t);
    curl_easy_setopt (c, CURLOPT_PRIVATE, t);
    if (curl_multi_add_handle (self->multi, c) != CURLM_OK) {
        s_transfer_free (&t);
        return -1;
    }
    self->inflight [self->ninflight++] = t;
    s_sub (self, t->subscription)->inflight++;
    return 0;
}

//  Records how a finished delivery went.
static void
s_finish (alert_deliver_t *self, s_transfer_t *t, CURLcode rc)
{
    char err [512], n [16], wait [32], why [300];
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo (t->curl, CURLINFO_RESPONSE_CODE, &status);
    snprintf (n, sizeof n, "%d", t->attempts);
    s_sub_t *sub = s_sub (self, t->subscription);
    sub->inflight--;
    if (status >= 200 && status < 300) {
        sub->failures = 0;
        sub->blocked_until = 0;
        const char *p [2] = { t->ids, n };
        db_run_stmt (self->db, &alert_notifications_delivered_sql, p, err, sizeof err);
        log_info ("notification_delivered", "{s:s, s:i}", "delivery_id", t->delivery, "attempts", t->attempts);
        return;
    }
    if (status)
        snprintf (why, sizeof why, "HTTP %ld", status);
    else if (t->refused [0])
        snprintf (why, sizeof why, "refused: %s (CAREWATCH_WEBHOOK_ALLOW can allow its network)", t->refused);
    else
        snprintf (why, sizeof why, "%s", t->error [0] ? t->error : curl_easy_strerror (rc));
    double seconds = alert_backoff (t->attempts, self->retry_ms / 1000.0, 3600,
                                    (double) randombytes_uniform (1000000) / 1e6);
    //  The endpoint backs off as a whole, not just this notification.
    //  Failures of deliveries that were in flight together count once,
    //  so a burst does not push the next try out by 2^burst.
    int64_t now = zclock_mono ();
    if (sub->blocked_until <= now) {
        sub->failures++;
        double sub_wait = alert_backoff (sub->failures, self->retry_ms / 1000.0, 3600, 0.5);
        sub->blocked_until = now + (int64_t) (sub_wait * 1000);
    }
    snprintf (wait, sizeof wait, "%.3f seconds", seconds);
    bool dead = t->attempts >= self->max_attempts;
    const char *p [5] = { t->ids, n, why, wait, dead ? "dead" : "pending" };
    db_run_stmt (self->db, &alert_notifications_retry_sql, p, err, sizeof err);
    log_warn (dead ? "notification_dead" : "notification_retry", "{s:s, s:i, s:s, s:I}",
              "delivery_id", t->delivery, "attempts", t->attempts, "error", why,
              "subscription_id", (json_int_t) t->subscription);
}

//  Moves transfers along and records the finished ones.  Returns how
//  many finished.
static int
s_collect (alert_deliver_t *self)
{
    int running, done = 0;
    curl_multi_perform (self->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read (self->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        s_transfer_t *t = NULL;
        curl_easy_getinfo (m->easy_handle, CURLINFO_PRIVATE, (char **) &t);
        CURLcode rc = m->data.result;
        curl_multi_remove_handle (self->multi, m->easy_handle);
        s_finish (self, t, rc);
        for (int i = 0; i < self->ninflight; i++)
            if (self->inflight [i] == t) {
                self->inflight [i] = self->inflight [--self->ninflight];
                break;
            }
        s_transfer_free (&t);
        done++;
    }
    return done;
}

//  The group key of a grouped subscription's row: the values of its
//  filter's group_by fields in the payload, joined ("" for a digest
//  without group_by: one group).  NULL when the subscription does not
//  group.
static char *
s_group_key (PGresult *r, int i)
{
    json_t *filter = json_loads (PQgetvalue (r, i, 7), 0, NULL);
    json_t *by = json_object_get (filter, "group_by");
    if (!by && !json_object_get (filter, "digest") && !json_object_get (filter, "group_wait")) {
        json_decref (filter);
        return NULL;
    }
    json_t *payload = json_loads (PQgetvalue (r, i, 5), 0, NULL);
    char *key = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&key, &len);
    size_t k;
    json_t *field;
    json_array_foreach (by, k, field) {
        const char *name = json_string_value (field), *value = NULL;
        json_t *ind = json_object_get (payload, "indicator");
        if (strcmp (name, "indicator") == 0)
            value = json_is_object (ind) ? json_string_value (json_object_get (ind, "code"))
                                         : json_string_value (json_object_get (payload, "feed"));
        else if (strcmp (name, "domain") == 0)
            value = json_string_value (json_object_get (ind, "domain"));
        else
            value = json_string_value (json_object_get (payload, name));
        fprintf (f, "%s%s=%s", k ? "," : "", name, value ? value : "");
    }
    fclose (f);
    json_decref (payload);
    json_decref (filter);
    return key;
}

int
alert_deliver_due (alert_deliver_t *self)
{
    int done = s_collect (self);
    if (self->ninflight >= S_MAX_INFLIGHT)
        return done;
    //  Subscriptions that are busy or backing off wait their turn.
    char busy [8192] = "{";
    size_t o = 1;
    int64_t now = zclock_mono ();
    for (int i = 0; i < S_SUBS && o < sizeof busy - 24; i++)
        if (self->subs [i].id && (self->subs [i].inflight >= S_PER_SUB || self->subs [i].blocked_until > now))
            o += (size_t) snprintf (busy + o, sizeof busy - o, "%s%lld", o > 1 ? "," : "", self->subs [i].id);
    snprintf (busy + o, sizeof busy - o, "}");
    char err [512], limit [16];
    snprintf (limit, sizeof limit, "%d", S_MAX_INFLIGHT * S_GROUP_MAX);
    //  In flight now: not picked again while it runs.
    size_t fcap = 64;
    for (int i = 0; i < self->ninflight; i++)
        fcap += strlen (self->inflight [i]->ids) + 1;
    char *flying = malloc (fcap);
    if (!flying)
        return done;
    o = 0;
    flying [o++] = '{';
    for (int i = 0; i < self->ninflight; i++) {
        const char *ids = self->inflight [i]->ids;
        o += (size_t) snprintf (flying + o, fcap - o, "%s%.*s", o > 1 ? "," : "", (int) strlen (ids) - 2, ids + 1);
    }
    snprintf (flying + o, fcap - o, "}");
    const char *p [3] = { busy, limit, flying };
    //  Oldest first; per subscription at most S_PER_SUB a round, or a
    //  group's worth for a subscription that groups or digests.
    PGresult *r = db_exec (self->db,
        "select id, delivery_id, attempts, url, secret, payload, sid, filter from ("
        " select n.id, n.delivery_id, n.attempts, s.url, s.secret, t.payload::text as payload, s.id as sid,"
        "  s.filter::text as filter, n.next_attempt_at,"
        "  row_number () over (partition by s.id order by n.next_attempt_at, n.id) as k,"
        "  (s.filter ? 'group_by' or s.filter ? 'digest' or s.filter ? 'group_wait') as grouped"
        " from notifications n join subscriptions s on s.id = n.subscription_id"
        " join alert_transitions t on t.id = n.transition_id"
        " where n.state = 'pending' and n.next_attempt_at <= now () and s.channel = 'webhook' and s.active"
        " and not (s.id = any ($1::bigint[])) and not (n.id = any ($3::bigint[]))) d"
        " where k <= case when grouped then " S_STR (S_GROUP_MAX) " * " S_STR (S_PER_SUB) " else " S_STR (S_PER_SUB) " end"
        " order by sid, next_attempt_at, id limit $2::int", 3, p, DB_TUPLES, err, sizeof err);
    free (flying);
    if (!r)
        return done ? done : -1;
    int started = 0, nrows = PQntuples (r);
    int *rows = malloc ((size_t) (nrows ? nrows : 1) * sizeof *rows);
    char **keys = calloc ((size_t) (nrows ? nrows : 1), sizeof *keys);
    bool *taken = calloc ((size_t) (nrows ? nrows : 1), sizeof *taken);
    for (int i = 0; rows && keys && taken && i < nrows; i++)
        keys [i] = s_group_key (r, i);
    for (int i = 0; rows && keys && taken && i < nrows && self->ninflight < S_MAX_INFLIGHT; i++) {
        if (taken [i])
            continue;
        s_sub_t *sub = s_sub (self, atoll (PQgetvalue (r, i, 6)));
        if (sub->inflight >= S_PER_SUB)
            continue;
        //  A grouped subscription's rows with the same key go together.
        size_t n = 0;
        for (int j = i; j < nrows && n < S_GROUP_MAX; j++)
            if (!taken [j] && strcmp (PQgetvalue (r, j, 6), PQgetvalue (r, i, 6)) == 0
            &&  (j == i || (keys [i] && keys [j] && strcmp (keys [i], keys [j]) == 0))) {
                rows [n++] = j;
                taken [j] = true;
                if (!keys [i])
                    break;
            }
        if (s_start (self, r, rows, n, keys [i]) == 0)
            started++;
    }
    for (int i = 0; keys && i < nrows; i++)
        free (keys [i]);
    free (keys);
    free (taken);
    free (rows);
    PQclear (r);
    if (started) {
        int running;
        curl_multi_perform (self->multi, &running);
    }
    return done + started;
}

int
alert_deliver_poll (alert_deliver_t *self, int wait_ms)
{
    if (!self->ninflight)
        return 0;
    curl_multi_poll (self->multi, NULL, 0, wait_ms, NULL);
    return s_collect (self);
}

int
alert_deliver_inflight (alert_deliver_t *self)
{
    return self->ninflight;
}
