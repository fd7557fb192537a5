/*  bench_web: how long the web pages take the gateway to make for the
    Dudley sample (issue 15: every page under 200 ms of server time).

    Setup: a fresh database, the five services, the sample loaded through
    intake (scripts/load-sample.sh) and calc and alert caught up; an admin
    key (it may open every page).
    Each repetition: BENCH_WEB_N (30) GETs of each page on one keep-alive
    connection; the server time is the gateway's own Server-Timing header
    (the handler's time: queries and rendering), the client time is what
    curl saw on loopback.  Baseline, in the same repetition: the same
    number of GET /v1/indicators, a one-query JSON list.  Reported per page:
    the p95 of server time (median over BENCH_REPS repetitions) against
    the baseline's p95, as a ratio, and against the 200 ms goal.

    Environment: BENCH_DATABASE_URL (required), BENCH_BIN_DIR,
    BENCH_LOG_DIR, BENCH_REPS (3), BENCH_WEB_N (30), BENCH_OUT.  */
#include "bench_util.h"
#include "harness.h"
#include "apikey.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *s_pages [][2] = {
    { "overview (tartan rug)", "/ui/" },
    { "overview by benchmark", "/ui/?colour=benchmark&as_at=FY2022-23Q2" },
    { "indicator, PCNs", "/ui/indicators/vacc-mmr1-24m-monthly" },
    { "indicator, 43 practices", "/ui/indicators/vacc-mmr1-24m-monthly?compare=practices" },
    { "indicator, a PCN's practices", "/ui/indicators/dqofh-dementia-diagnosis-monthly?area=pcn-halesowen" },
    { "indicator, seed KPI", "/ui/indicators/pi-2257" },
    { "indicator CSV", "/ui/indicators/vacc-mmr1-24m-monthly/data?format=csv" },
    { "area: Dudley", "/ui/areas/dudley" },
    { "area: PCN", "/ui/areas/pcn-halesowen" },
    { "alerts", "/ui/alerts" },
    { "feeds", "/ui/feeds" },
    { "keys", "/ui/keys" },
};
#define S_PAGES (sizeof s_pages / sizeof s_pages [0])

typedef struct {
    double server_ms;           //  from Server-Timing
} s_timing_t;

static size_t
s_discard (char *data, size_t size, size_t n, void *arg)
{
    return size * n;
}

static size_t
s_header (char *data, size_t size, size_t n, void *arg)
{
    s_timing_t *t = arg;
    size_t len = size * n;
    if (len > 14 && strncasecmp (data, "Server-Timing:", 14) == 0) {
        const char *d = strstr (data, "dur=");
        if (d)
            t->server_ms = atof (d + 4);
    }
    return len;
}

//  n GETs of path; p95 of server and client times in ms.  Dies on a
//  status other than 200.
static void
s_time (CURL *c, const char *base, const char *path, int n, double *server95, double *client95)
{
    double *sv = calloc ((size_t) n, sizeof *sv), *cv = calloc ((size_t) n, sizeof *cv);
    char url [512];
    snprintf (url, sizeof url, "%s%s", base, path);
    curl_easy_setopt (c, CURLOPT_URL, url);
    for (int i = 0; i < n; i++) {
        s_timing_t t = { -1 };
        curl_easy_setopt (c, CURLOPT_HEADERDATA, &t);
        double t0 = bench_now ();
        CURLcode rc = curl_easy_perform (c);
        cv [i] = (bench_now () - t0) * 1000;
        long status = 0;
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
        if (rc != CURLE_OK || status != 200 || t.server_ms < 0)
            bench_die ("GET %s: %s, status %ld", path, curl_easy_strerror (rc), status);
        sv [i] = t.server_ms;
    }
    *server95 = bench_percentile (sv, n, 95);
    *client95 = bench_percentile (cv, n, 95);
    free (sv);
    free (cv);
}

int
main (void)
{
    const char *base = bench_env ("BENCH_DATABASE_URL", NULL);
    if (!base)
        bench_die ("BENCH_DATABASE_URL is not set (bench/run.sh sets it)");
    int reps = (int) bench_env_long ("BENCH_REPS", 3), n = (int) bench_env_long ("BENCH_WEB_N", 30);
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;
    char url [512], err [256], key [APIKEY_LEN + 1], cli [600], cmd [1400];
    bench_db_fresh (base, "bench_web", url, sizeof url);
    bench_env_t env;
    bench_env_init (&env, url);
    const char *svcs [] = { "intake", "calc", "alert", "export", "gateway" };
    pid_t pids [5];
    for (int i = 0; i < 5; i++)
        pids [i] = bench_spawn (&env, svcs [i], "web");
    if (bench_ping (env.intake, 30000) || bench_ping (env.gateway_control, 30000) || bench_ping (env.calc_control, 30000))
        bench_die ("the services did not start (see BENCH_LOG_DIR)");
    harness_setup_t setup = { env.db_url, env.intake, env.calc, env.calc_events, env.calc_control, env.alert_stream,
                              env.alert_control, env.export_, env.gateway_control, env.http_port, "warn" };
    harness_setenv (&setup);
    snprintf (cli, sizeof cli, "%s/carewatch", bench_env ("BENCH_BIN_DIR", "build-bench"));
    snprintf (cmd, sizeof cmd, "scripts/load-sample.sh %s > %s/web-load.log 2>&1", cli, bench_env ("BENCH_LOG_DIR", "/tmp"));
    double t0 = bench_now ();
    if (system (cmd) != 0)
        bench_die ("loading the sample failed (see %s/web-load.log)", bench_env ("BENCH_LOG_DIR", "/tmp"));
    printf ("   sample loaded and calculated in %.1f s\n", bench_now () - t0);
    db_t *db = db_new (url, "bench", 10000);
    if (db_connect (db, 10000, err, sizeof err) || apikey_create (db, "admin", NULL, "bench", key, err, sizeof err) < 0)
        bench_die ("api key: %s", err);
    db_destroy (&db);

    char gw [64], auth [128];
    snprintf (gw, sizeof gw, "http://127.0.0.1:%d", env.http_port);
    snprintf (auth, sizeof auth, "Authorization: Bearer %s", key);
    curl_global_init (CURL_GLOBAL_ALL);
    CURL *c = curl_easy_init ();
    struct curl_slist *h = curl_slist_append (NULL, auth);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_discard);
    curl_easy_setopt (c, CURLOPT_HEADERFUNCTION, s_header);

    static double sv [S_PAGES][BENCH_MAX_REPS], cv [S_PAGES][BENCH_MAX_REPS], bs [BENCH_MAX_REPS], bc [BENCH_MAX_REPS];
    for (int r = 0; r < reps; r++) {
        //  A warm-up of each, then the baseline and the pages.
        for (size_t p = 0; p < S_PAGES; p++) {
            double a, b;
            s_time (c, gw, s_pages [p][1], 2, &a, &b);
        }
        s_time (c, gw, "/v1/indicators", n, &bs [r], &bc [r]);
        for (size_t p = 0; p < S_PAGES; p++)
            s_time (c, gw, s_pages [p][1], n, &sv [p][r], &cv [p][r]);
        printf ("   rep %d: baseline /v1/indicators server p95 %.2f ms\n", r + 1, bs [r]);
    }
    bench_stat_t sb = bench_stat (bs, reps);
    bool all = true;
    bench_row_header ();
    const char *out = getenv ("BENCH_OUT");
    FILE *f = out ? fopen (out, "w") : NULL;
    if (f)
        fprintf (f, "{\"requests_per_page\": %d, \"baseline\": \"GET /v1/indicators\", \"baseline_server_p95_ms\": %.3f,"
                    " \"pages\": [", n, sb.median);
    for (size_t p = 0; p < S_PAGES; p++) {
        bench_stat_t s = bench_stat (sv [p], reps), sc = bench_stat (cv [p], reps);
        bool met = s.median < 200;
        all = all && met;
        char name [96];
        snprintf (name, sizeof name, "web %s p95", s_pages [p][0]);
        bench_row (name, s, "ms", "/v1/indicators p95", sb, s.median / (sb.median > 0 ? sb.median : 1), "< 200 ms",
                   met ? "met" : "missed");
        if (f)
            fprintf (f, "%s{\"page\": \"%s\", \"path\": \"%s\", \"server_p95_ms\": %.3f, \"client_p95_ms\": %.3f,"
                        " \"goal_met\": %s}", p ? ", " : "", s_pages [p][0], s_pages [p][1], s.median, sc.median,
                     met ? "true" : "false");
    }
    if (f) {
        fprintf (f, "], \"goal_met\": %s}\n", all ? "true" : "false");
        fclose (f);
    }
    curl_slist_free_all (h);
    curl_easy_cleanup (c);
    for (int i = 4; i >= 0; i--)
        bench_stop (pids [i], 10000);
    bench_db_drop (base, "bench_web");
    return 0;
}
