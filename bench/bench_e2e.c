/*  bench_e2e: latency from a partner's batch submission to the webhook
    arriving at a local receiver, with batches sent at a steady rate
    (BENCH_E2E_RATE per second, default 100).  Every batch reports a
    below-target hypertension figure for a practice and breakdown not seen
    before, so each one fires exactly one alert and one signed webhook,
    however calc groups the batches it finds pending.  The baseline, measured in the same run, is a
    plain ZMQ round trip (Ping/Pong) to intake on the same machine.

    Services: intake, calc and alert on a fresh database; the receiver is
    in-process (libmicrohttpd), timestamping each delivery by its period.  */
#include "bench_util.h"
#include "msg.h"

#include <jansson.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_BATCHES 4000

static double s_sent [MAX_BATCHES];     //  when batch i was sent
static bench_ref_t s_ref;               //  practices and breakdowns
static double s_arrived [MAX_BATCHES];  //  when its webhook arrived
static int s_deliveries;

typedef struct { char *body; size_t len; } s_up_t;

static enum MHD_Result
s_receive (void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *data, size_t *size, void **state)
{
    s_up_t *up = *state;
    if (!up) {
        *state = calloc (1, sizeof (s_up_t));
        return MHD_YES;
    }
    if (*size) {
        up->body = realloc (up->body, up->len + *size + 1);
        memcpy (up->body + up->len, data, *size);
        up->len += *size;
        up->body [up->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    double now = bench_now ();
    json_t *j = json_loadb (up->body ? up->body : "", up->len, 0, NULL);
    //  The practice and breakdown tell which batch it was.
    const char *org = json_string_value (json_object_get (j, "org_unit"));
    const char *bd = json_string_value (json_object_get (j, "breakdown"));
    int i = -1;
    for (size_t p = 0; org && bd && p < s_ref.npractices && i < 0; p++)
        if (strcmp (s_ref.practices [p], org) == 0)
            for (size_t b = 0; b < s_ref.nbreakdowns; b++)
                if (strcmp (s_ref.breakdowns [b], bd) == 0)
                    i = (int) (b * s_ref.npractices + p);
    if (i >= 0) {
        if (i < MAX_BATCHES && s_arrived [i] == 0) {
            s_arrived [i] = now;
            __atomic_add_fetch (&s_deliveries, 1, __ATOMIC_RELAXED);
        }
    }
    json_decref (j);
    free (up->body);
    free (up);
    *state = NULL;
    struct MHD_Response *res = MHD_create_response_from_buffer (0, (void *) "", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result rc = MHD_queue_response (conn, 200, res);
    MHD_destroy_response (res);
    return rc;
}

int
main (void)
{
    const char *base = bench_env ("BENCH_DATABASE_URL", NULL);
    if (!base)
        bench_die ("BENCH_DATABASE_URL is unset (bench/run.sh sets it)");
    int n = (int) bench_env_long ("BENCH_E2E_BATCHES", 500);
    double rate = (double) bench_env_long ("BENCH_E2E_RATE", 100);
    if (n > MAX_BATCHES - 4)
        n = MAX_BATCHES - 4;
    char url [512];
    bench_db_fresh (base, "bench_e2e", url, sizeof url);
    bench_env_t env;
    bench_env_init (&env, url);
    int rport = env.http_port;
    struct MHD_Daemon *d = MHD_start_daemon (MHD_USE_INTERNAL_POLLING_THREAD, (uint16_t) rport, NULL, NULL,
                                             s_receive, NULL, MHD_OPTION_END);
    if (!d)
        bench_die ("receiver cannot listen on %d", rport);
    PGconn *c = bench_pg (url);
    bench_ref_load (c, &s_ref);
    if ((size_t) n > s_ref.npractices * s_ref.nbreakdowns)
        n = (int) (s_ref.npractices * s_ref.nbreakdowns);
    char sql [512];
    snprintf (sql, sizeof sql, "insert into subscriptions (subscriber, filter, channel, url, secret) values"
              " ('bench', '{\"indicators\": [\"htn-treated-to-target\"], \"rules\": [\"off_target\"]}', 'webhook',"
              " 'http://127.0.0.1:%d/hook', 'bench-secret-0123456789')", rport);
    PQclear (bench_sql (c, sql));
    setenv ("CAREWATCH_WEBHOOK_TIMEOUT_MS", "2000", 1);
    setenv ("CAREWATCH_MISSING_CHECK_MS", "86400000", 1);
    pid_t pids [3] = { bench_spawn (&env, "intake", "e2e"), bench_spawn (&env, "calc", "e2e"),
                       bench_spawn (&env, "alert", "e2e") };
    const char *eps [3] = { env.intake, env.calc_control, env.alert_control };
    for (int i = 0; i < 3; i++)
        if (bench_ping (eps [i], 30000))
            bench_die ("service %d did not answer", i);

    //  Baseline: a plain ZMQ round trip to intake (Ping/Pong), 200 times.
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, 10000);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", env.intake);
    double rtt [200];
    for (int i = 0; i < 200; i++) {
        Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
        double t0 = bench_now ();
        msg_send (sock, NULL, &ping.base);
        msg_t r;
        char err [128];
        if (msg_recv (sock, false, 1 << 20, &r, err, sizeof err))
            bench_die ("ping: %s", err);
        msg_clear (&r);
        rtt [i] = (bench_now () - t0) * 1000;
    }

    //  The feed: one SubmitFeed per batch at the set rate; receipts are
    //  read as they come so sending never waits for a commit.
    double start = bench_now ();
    int receipts = 0;
    for (int i = 0; i < n; i++) {
        double due = start + i / rate;
        while (bench_now () < due) {
            msg_t r;
            char err [128];
            zsock_set_rcvtimeo (sock, 1);
            if (msg_recv (sock, false, 1 << 20, &r, err, sizeof err) == 0) {
                receipts++;
                msg_clear (&r);
            }
        }
        char json [512];
        snprintf (json, sizeof json, "{\"batch_key\": \"e2e-%d\", \"observations\": [{\"data_element\":"
                  " \"htn-treated-to-target\", \"org_unit\": \"%s\", \"breakdown\": \"%s\","
                  " \"period\": \"FY2024-25\", \"numerator\": 600, \"denominator\": 1000}]}", i,
                  s_ref.practices [i % s_ref.npractices], s_ref.breakdowns [i / s_ref.npractices]);
        Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
        f.partner = "gp-practices";
        f.format = "json";
        f.content.data = (uint8_t *) json;
        f.content.len = strlen (json);
        s_sent [i] = bench_now ();
        msg_send (sock, NULL, &f.base);
    }
    double sent_for = bench_now () - start;
    //  Wait for the deliveries (a quiet minute ends it).
    double last = bench_now ();
    int seen = -1;
    while (bench_now () - last < 60 && __atomic_load_n (&s_deliveries, __ATOMIC_RELAXED) < n) {
        int now = __atomic_load_n (&s_deliveries, __ATOMIC_RELAXED);
        if (now != seen) {
            seen = now;
            last = bench_now ();
        }
        usleep (10000);
    }
    double *lat = calloc ((size_t) n, sizeof *lat);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (s_arrived [i] > 0)
            lat [m++] = (s_arrived [i] - s_sent [i]) * 1000;
    double p50 = bench_percentile (lat, m, 50), p99 = bench_percentile (lat, m, 99);
    double b50 = bench_percentile (rtt, 200, 50), b99 = bench_percentile (rtt, 200, 99);
    printf ("e2e: %d batches sent in %.2f s (%.0f/s); %d webhooks arrived\n", n, sent_for, n / sent_for, m);
    printf ("e2e: submission -> webhook p50 %.1f ms, p99 %.1f ms (goal p99 <= 50 ms: %s)\n", p50, p99,
            p99 <= 50 && m == n ? "met" : "missed");
    printf ("e2e: baseline ZMQ round trip p50 %.3f ms, p99 %.3f ms; ratio p99 %.0fx\n", b50, b99, p99 / b99);
    //  Where the tail is: the slowest five batches, by send order.
    printf ("e2e: slowest batches (index: ms):");
    for (int k = 0; k < 5; k++) {
        int worst = -1;
        for (int i = 0; i < n; i++)
            if (s_arrived [i] > 0 && (worst < 0 || s_arrived [i] - s_sent [i] > s_arrived [worst] - s_sent [worst]))
                worst = i;
        if (worst < 0)
            break;
        printf (" %d: %.1f", worst, (s_arrived [worst] - s_sent [worst]) * 1000);
        s_sent [worst] = s_arrived [worst];     //  out of the next round
    }
    printf ("\n");
    double rss [3];
    for (int i = 0; i < 3; i++)
        rss [i] = (double) bench_vmhwm_kb (pids [i]) / 1024;
    printf ("e2e: peak RSS intake %.1f MB, calc %.1f MB, alert %.1f MB\n", rss [0], rss [1], rss [2]);
    const char *out = getenv ("BENCH_OUT");
    if (out) {
        FILE *f = fopen (out, "w");
        if (f) {
            fprintf (f, "{\"batches\": %d, \"rate_per_s\": %.1f, \"webhooks\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f,"
                        " \"baseline_rtt_p50_ms\": %.4f, \"baseline_rtt_p99_ms\": %.4f, \"ratio_p99\": %.1f,"
                        " \"goal\": \"p99 <= 50 ms\", \"met\": %s, \"peak_rss_mb\": {\"intake\": %.1f,"
                        " \"calc\": %.1f, \"alert\": %.1f}}\n", n, n / sent_for, m, p50, p99, b50, b99,
                     p99 / b99, p99 <= 50 && m == n ? "true" : "false", rss [0], rss [1], rss [2]);
            fclose (f);
        }
    }
    for (int i = 2; i >= 0; i--)
        bench_stop (pids [i], 10000);
    MHD_stop_daemon (d);
    zsock_destroy (&sock);
    PQfinish (c);
    bench_ref_free (&s_ref);
    free (lat);
    return 0;
}
