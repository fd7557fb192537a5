/*  alert end to end: feeds in through the real intake, values from the real
    calc, alerts from the real alert service, webhooks to real `carewatch
    receive` processes that check the signatures, and the ZMQ alert stream.

    One KPI with a target: pi-2257 (Dudley, quarterly, min 150000 from
    FY2022-23).  It goes on target, breaks the target (one signed webhook;
    a failing receiver gets it on the third attempt under the same id; an
    unreachable one ends dead), is resubmitted (nothing new), comes back
    (one "resolved"), and breaks again under a silence (no webhook).  */
#include "alert_util.h"

#include <jansson.h>

#define SECRET "s3cret-for-tests"

static const char *s_on_target =
    "{\"batch_key\": \"q1\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2021/22\", \"value\": 410400},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q1 2022/23\", \"value\": 160000}]}";

static const char *s_breaks =
    "{\"batch_key\": \"q2\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 6000}]}";

static const char *s_breaks_new_key =
    "{\"batch_key\": \"q2-again\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 6000}]}";

static const char *s_back_on_target =
    "{\"batch_key\": \"q2-revised\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 152000}]}";

static const char *s_breaks_silenced =
    "{\"batch_key\": \"q2-revised-2\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 4000}]}";

static const char *
s_jstr (json_t *j, const char *path)
{
    //  "a.b" -> j["a"]["b"]
    char key [64];
    const char *dot;
    while ((dot = strchr (path, '.'))) {
        snprintf (key, sizeof key, "%.*s", (int) (dot - path), path);
        j = json_object_get (j, key);
        path = dot + 1;
    }
    return json_string_value (json_object_get (j, path));
}

static void
s_subscribe (harness_t *h, const char *name, int port)
{
    char args [512];
    snprintf (args, sizeof args, "subscribe --subscriber %s --webhook http://127.0.0.1:%d/hooks/carewatch"
              " --secret " SECRET " --filter '{\"rules\": [\"off_target\"]}'", name, port);
    CHECK_INT (it_cli (h, args), 0);
}

//  The first off_target webhook: signed, and carrying the facts.
static void
s_check_fired (const it_request_t *r, const char *sub_a)
{
    CHECK_INT (r->status, 200);
    CHECK (r->signature_ok);
    json_error_t jerr;
    json_t *j = json_loads (r->body, 0, &jerr);
    CHECK (j != NULL);
    if (!j)
        return;
    CHECK_STR (s_jstr (j, "delivery_id"), r->id);
    CHECK_INT (json_integer_value (json_object_get (j, "subscription_id")), atoll (sub_a));
    CHECK_STR (s_jstr (j, "transition"), "fired");
    CHECK_STR (s_jstr (j, "rule"), "off_target");
    CHECK_STR (s_jstr (j, "severity"), "warning");
    CHECK_STR (s_jstr (j, "indicator.code"), "pi-2257");
    CHECK_CONTAINS (s_jstr (j, "indicator.name"), "PI 2257");
    CHECK_STR (s_jstr (j, "indicator.polarity"), "higher_better");
    CHECK_STR (s_jstr (j, "org_unit"), "dudley");
    CHECK_STR (s_jstr (j, "breakdown"), "total");
    CHECK_STR (s_jstr (j, "period"), "FY2022-23Q2");
    CHECK_NEAR (json_number_value (json_object_get (j, "value")), 6000, 1e-9);
    CHECK_STR (s_jstr (j, "status"), "below_target");
    CHECK_STR (s_jstr (j, "target"), "£150,000");
    CHECK_STR (s_jstr (j, "short_trend"), "worsening");
    //  The recent history, oldest first.
    json_t *last = json_object_get (j, "last_periods");
    CHECK_INT (json_array_size (last), 3);
    CHECK_STR (s_jstr (json_array_get (last, 0), "period"), "FY2021-22Q2");
    CHECK_NEAR (json_number_value (json_object_get (json_array_get (last, 0), "value")), 410400, 1e-9);
    CHECK_STR (s_jstr (json_array_get (last, 1), "period"), "FY2022-23Q1");
    CHECK_STR (s_jstr (json_array_get (last, 1), "status"), "on_target");
    CHECK_STR (s_jstr (json_array_get (last, 2), "period"), "FY2022-23Q2");
    CHECK_STR (s_jstr (json_array_get (last, 2), "status"), "below_target");
    CHECK_NEAR (json_number_value (json_object_get (json_array_get (last, 2), "value")), 6000, 1e-9);
    CHECK_STR (s_jstr (j, "links.scorecard"), "https://carewatch.example/v1/scorecards/FY2022-23Q2?format=html");
    CHECK_STR (s_jstr (j, "links.exceptions"), "https://carewatch.example/v1/exceptions/FY2022-23Q2");
    CHECK_STR (s_jstr (j, "links.indicator"),
               "https://carewatch.example/v1/indicators/pi-2257/values?org_unit=dudley");
    json_decref (j);
}

//  Reads off_target/pi-2257 transitions from the stream until want of
//  them arrived or timeout_ms passed: "fired,resolved,fired(silenced)".
static void
s_read_stream (zsock_t *sub, char *out, size_t outlen, int want, int timeout_ms)
{
    out [0] = '\0';
    long long deadline = harness_now_ms () + timeout_ms;
    int got = 0;
    while (got < want && harness_now_ms () < deadline) {
        char *topic = NULL, *body = NULL;
        if (zstr_recvx (sub, &topic, &body, NULL) < 0)
            continue;           //  receive timeout: look at the deadline
        json_t *j = body ? json_loads (body, 0, NULL) : NULL;
        if (j && s_jstr (j, "rule") && strcmp (s_jstr (j, "rule"), "off_target") == 0
        &&  s_jstr (j, "indicator.code") && strcmp (s_jstr (j, "indicator.code"), "pi-2257") == 0) {
            CHECK_STR (topic, "alert.Dudley the safe and healthy borough.pi-2257");
            CHECK_STR (s_jstr (j, "period"), "FY2022-23Q2");
            CHECK (json_integer_value (json_object_get (j, "transition_id")) > 0);
            size_t len = strlen (out);
            snprintf (out + len, outlen - len, "%s%s%s", got ? "," : "", s_jstr (j, "transition"),
                      json_is_true (json_object_get (j, "silenced")) ? "(silenced)" : "");
            got++;
        }
        json_decref (j);
        zstr_free (&topic);
        zstr_free (&body);
    }
}

//  Receiver and service ports come from below the ephemeral range, so the
//  local end of an outgoing connection cannot be holding one when it is
//  bound (CI once lost a fault run to a port picked by bind(0) that would
//  not bind again for 20 s), and one process never gets the same one twice.
static void
s_check_ports (void)
{
    int low = 32768;
    FILE *f = fopen ("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        CHECK_INT (fscanf (f, "%d", &low), 1);
        fclose (f);
    }
    int ports [200];
    int outside = 0, repeated = 0;
    for (int i = 0; i < 200; i++) {
        ports [i] = harness_free_port ();
        outside += ports [i] < 1024 || ports [i] >= low;
        for (int k = 0; k < i; k++)
            repeated += ports [k] == ports [i];
    }
    CHECK_INT (outside, 0);
    CHECK_INT (repeated, 0);
}

int
main (void)
{
    long long t0 = harness_now_ms ();
    s_check_ports ();
    harness_t h;
    if (harness_init (&h, "alert"))
        return 1;
    //  Fast retries, few attempts, frequent missing-data checks.
    setenv ("CAREWATCH_WEBHOOK_RETRY_MS", "50", 1);
    setenv ("CAREWATCH_WEBHOOK_MAX_ATTEMPTS", "4", 1);
    setenv ("CAREWATCH_WEBHOOK_TIMEOUT_MS", "2000", 1);
    setenv ("CAREWATCH_MISSING_CHECK_MS", "200", 1);
    setenv ("CAREWATCH_PUBLIC_URL", "https://carewatch.example", 1);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK (harness_start (&h, "calc") > 0);
    CHECK (harness_start (&h, "alert") > 0);
    CHECK (harness_ping (h.intake, 30000, NULL, NULL, 0) == 0);
    CHECK (harness_ping (h.calc_control, 30000, NULL, NULL, 0) == 0);
    CHECK (harness_ping (h.alert_control, 30000, NULL, NULL, 0) == 0);
    it_db = db_new (h.db_url, "test", 10000);
    char err [256];
    CHECK (db_connect (it_db, 10000, err, sizeof err) == 0);

    //  Subscribed first: the receivers and subscriptions below give the
    //  subscription time to reach the publisher before anything fires.
    zsock_t *stream = zsock_new_sub (h.alert_stream, "alert.");
    zsock_set_rcvtimeo (stream, 200);

    //  r1 answers 200; r2 answers 500 twice first; r3's port is closed.
    it_receiver_t r1 = { 0 }, r2 = { 0 };
    char log1 [256], log2 [256];
    snprintf (log1, sizeof log1, "logs/%s-%d-r1.log", h.name, (int) getpid ());
    snprintf (log2, sizeof log2, "logs/%s-%d-r2.log", h.name, (int) getpid ());
    unlink (log1);
    unlink (log2);
    CHECK_INT (it_receiver_start (&r1, &h, harness_free_port (), SECRET, 0, log1), 0);
    CHECK_INT (it_receiver_start (&r2, &h, harness_free_port (), SECRET, 2, log2), 0);
    int closed = harness_free_port ();
    s_subscribe (&h, "r1", r1.port);
    s_subscribe (&h, "r2", r2.port);
    s_subscribe (&h, "r3", closed);
    char sub_a [24], sub_b [24], sub_c [24];
    snprintf (sub_a, sizeof sub_a, "%s", harness_query (it_db, "select id from subscriptions where subscriber = 'r1'"));
    snprintf (sub_b, sizeof sub_b, "%s", harness_query (it_db, "select id from subscriptions where subscriber = 'r2'"));
    snprintf (sub_c, sizeof sub_c, "%s", harness_query (it_db, "select id from subscriptions where subscriber = 'r3'"));
    CHECK_STR (harness_query (it_db, "select count(*) from subscriptions where active and filter = '{\"rules\": [\"off_target\"]}'"),
               "3");
    //  A bad filter is refused before it reaches the database.
    CHECK_INT (it_cli (&h, "subscribe --subscriber bad --webhook http://127.0.0.1:1/ --secret x"
                           " --filter '{\"rules\": [\"offtarget\"]}'"), 2);
    CHECK_STR (harness_query (it_db, "select count(*) from subscriptions"), "3");

    //  On target: no alert.
    it_push (&h, "dmbc-corp", s_on_target, "committed");
    CHECK (it_settle (15000));
    CHECK_STR (harness_query (it_db, "select status from indicator_values where indicator = 'pi-2257' and period = 'FY2022-23Q1'"),
               "on_target");
    CHECK_STR (harness_query (it_db, "select count(*) from alerts where rule = 'off_target'"), "0");

    //  The target broken: exactly one signed webhook per subscription.
    long long t_fire = harness_now_ms ();
    it_push (&h, "dmbc-corp", s_breaks, "committed");
    CHECK (it_wait_requests (log1, 1, 10000));
    long long fire_ms = harness_now_ms () - t_fire;
    CHECK (harness_wait_for (it_db, "select state || ':' || attempts from notifications where subscription_id = (select id from"
                        " subscriptions where subscriber = 'r2')", "delivered:3", 10000));
    CHECK (harness_wait_for (it_db, "select state || ':' || attempts || ':' || (last_error is not null) from notifications"
                        " where subscription_id = (select id from subscriptions where subscriber = 'r3')",
                        "dead:4:true", 10000));
    //  data_missing fires too (old periods) but the filters leave it out.
    CHECK (harness_wait_for (it_db, "select count(*) from alerts where rule = 'data_missing'"
                        " and indicator = 'feed:dmbc-corp:quarter' and state = 'firing'", "1", 10000));
    CHECK (it_settle (10000));
    CHECK_STR (harness_query (it_db, "select state || ' ' || period from alerts where rule = 'off_target' and indicator = 'pi-2257'"
                         " and org_unit = 'dudley'"), "firing FY2022-23Q2");
    CHECK_STR (harness_query (it_db, "select count(*) from notifications"), "3");
    CHECK_STR (harness_query (it_db, "select count(*) from notifications n join alert_transitions t on t.id = n.transition_id"
                         " join alerts a on a.id = t.alert_id where a.rule <> 'off_target'"), "0");
    it_requests_t q1 = it_requests_read (log1);
    CHECK_INT (q1.n, 1);
    if (q1.n >= 1) {
        s_check_fired (&q1.req [0], sub_a);
        char sql [256];
        snprintf (sql, sizeof sql, "select state || ':' || attempts from notifications where delivery_id = '%s'"
                  " and subscription_id = %s", q1.req [0].id, sub_a);
        CHECK_STR (harness_query (it_db, sql), "delivered:1");
    }
    //  500, 500, 200: three tries of one delivery, same id, same body.
    it_requests_t q2 = it_requests_read (log2);
    CHECK_INT (q2.n, 3);
    if (q2.n == 3) {
        CHECK_INT (q2.req [0].status, 500);
        CHECK_INT (q2.req [1].status, 500);
        CHECK_INT (q2.req [2].status, 200);
        for (int i = 0; i < 3; i++) {
            CHECK (q2.req [i].signature_ok);
            CHECK_STR (q2.req [i].id, q2.req [0].id);
            CHECK_STR (q2.req [i].body, q2.req [0].body);
        }
        CHECK_STR (harness_query (it_db, "select delivery_id from notifications where subscription_id ="
                             " (select id from subscriptions where subscriber = 'r2')"), q2.req [0].id);
        if (q1.n >= 1)
            CHECK (strcmp (q2.req [0].id, q1.req [0].id) != 0);
    }
    it_requests_free (&q1);
    it_requests_free (&q2);

    //  The same batch again (replayed), the same values under a new key
    //  (committed, nothing changed): no new notification.
    it_push (&h, "dmbc-corp", s_breaks, "replayed");
    it_push (&h, "dmbc-corp", s_breaks_new_key, "committed");
    CHECK (it_settle (10000));
    CHECK_STR (harness_query (it_db, "select count(*) from batches"), "3");
    CHECK_STR (harness_query (it_db, "select count(*) from alert_transitions t join alerts a on a.id = t.alert_id"
                         " where a.rule = 'off_target'"), "1");
    CHECK_STR (harness_query (it_db, "select count(*) from notifications"), "3");
    CHECK_INT (it_requests_count (log1), 1);
    CHECK_INT (it_requests_count (log2), 3);

    //  Back on target: exactly one "resolved" each.
    it_push (&h, "dmbc-corp", s_back_on_target, "committed");
    CHECK (it_wait_requests (log1, 2, 10000));
    CHECK (it_wait_requests (log2, 4, 10000));
    CHECK (it_settle (10000));
    CHECK (harness_wait_for (it_db, "select string_agg (state || ':' || attempts, ',' order by id) from notifications"
                        " where subscription_id = (select id from subscriptions where subscriber = 'r3')",
                        "dead:4,dead:4", 10000));
    CHECK_STR (harness_query (it_db, "select count(*) from notifications"), "6");
    CHECK_STR (harness_query (it_db, "select state from alerts where rule = 'off_target' and indicator = 'pi-2257'"), "resolved");
    q1 = it_requests_read (log1);
    CHECK_INT (q1.n, 2);
    if (q1.n == 2) {
        json_t *j = json_loads (q1.req [1].body, 0, NULL);
        CHECK_INT (q1.req [1].status, 200);
        CHECK (q1.req [1].signature_ok);
        CHECK_STR (s_jstr (j, "transition"), "resolved");
        CHECK_STR (s_jstr (j, "rule"), "off_target");
        CHECK_STR (s_jstr (j, "status"), "on_target");
        CHECK_NEAR (json_number_value (json_object_get (j, "value")), 152000, 1e-9);
        CHECK_STR (s_jstr (j, "delivery_id"), q1.req [1].id);
        CHECK (strcmp (q1.req [0].id, q1.req [1].id) != 0);
        json_decref (j);
    }
    it_requests_free (&q1);
    q2 = it_requests_read (log2);
    CHECK_INT (q2.n, 4);
    if (q2.n == 4) {
        CHECK_INT (q2.req [3].status, 200);
        CHECK_CONTAINS (q2.req [3].body, "\"transition\":\"resolved\"");
    }
    it_requests_free (&q2);
    CHECK_STR (harness_query (it_db, "select string_agg (state || ':' || attempts, ',' order by id) from notifications"
                         " where subscription_id in (select id from subscriptions where subscriber in ('r1', 'r2'))"),
               "delivered:1,delivered:3,delivered:1,delivered:1");

    //  Silenced: the alert fires again, is recorded and streamed, but
    //  notifies no one.
    CHECK_INT (it_cli (&h, "silence 'off_target/pi-2257/*' '1 hour' reason me"), 0);
    CHECK_STR (harness_query (it_db, "select count(*) from silences where until > now () + interval '50 minutes'"), "1");
    it_push (&h, "dmbc-corp", s_breaks_silenced, "committed");
    CHECK (it_settle (10000));
    CHECK_STR (harness_query (it_db, "select state from alerts where rule = 'off_target' and indicator = 'pi-2257'"), "firing");
    CHECK_STR (harness_query (it_db, "select string_agg (t.kind || ':' || (t.silenced_by is not null), ',' order by t.id)"
                         " from alert_transitions t join alerts a on a.id = t.alert_id where a.rule = 'off_target'"),
               "fired:false,resolved:false,fired:true");
    CHECK_STR (harness_query (it_db, "select count(*) from notifications"), "6");
    CHECK_INT (it_requests_count (log1), 2);
    CHECK_INT (it_requests_count (log2), 4);

    //  The stream carried the same transitions.
    char seen [256];
    s_read_stream (stream, seen, sizeof seen, 3, 10000);
    CHECK_STR (seen, "fired,resolved,fired(silenced)");

    //  The receiver refuses a forged signature.
    CHECK_INT (harness_sh ("curl -s -o /dev/null -H 'X-Carewatch-Delivery: forged' -H 'X-Carewatch-Signature:"
                           " sha256=00' -d '{}' http://127.0.0.1:%d/", r1.port), 0);
    CHECK (it_wait_requests (log1, 3, 5000));
    q1 = it_requests_read (log1);
    if (q1.n == 3) {
        CHECK_INT (q1.req [2].status, 401);
        CHECK (!q1.req [2].signature_ok);
        CHECK_STR (q1.req [2].id, "forged");
    }
    it_requests_free (&q1);

    zsock_destroy (&stream);
    CHECK_INT (it_receiver_stop (&r1), 0);
    CHECK_INT (it_receiver_stop (&r2), 0);
    CHECK_INT (harness_stop (&h, "alert", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "calc", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    //  Webhook secrets are never logged: the services' logs (debug level)
    //  hold every delivery and retry, and not the secret.
    CHECK_INT (harness_sh ("test -s logs/%s-alert.log && ! grep -q '" SECRET "' logs/%s-*.log", h.name, h.name), 0);
    db_destroy (&it_db);
    harness_cleanup (&h);
    fprintf (stderr, "it_alert: first webhook %lld ms after the push, whole test %lld ms\n", fire_ms,
             harness_now_ms () - t0);
    return check_done ("it_alert");
}
