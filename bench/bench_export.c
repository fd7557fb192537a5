/*  bench_export: how long the real carewatch-export takes to render the
    monthly scorecard of every practice, as HTML and as FHIR, when the
    database holds 43 practices x every indicator x 36 months.

    Data (setup, not timed): a fresh migrated database; every indicator of
    the catalogue is made monthly for the run (the scorecard shows the
    indicators of the period's frequency, and the goal asks for all of
    them), and each gets a value for each of the 43 practices and 36
    months (April 2022 to March 2025, breakdown total) with a status,
    both trends, a benchmark verdict and SPC limits, loaded by COPY into
    indicator_points and indicator_spc.

    Timed: for each repetition, 43 ExportRequest{scorecard, period
    2025-03, org unit = the practice} in HTML and 43 in FHIR, sent one at
    a time over ZeroMQ, each waiting for its answer; the total wall time
    of the 86 requests.  Baseline in the same run: one SQL select of every
    value the scorecards draw on (the 43 practices' current, previous,
    last-year and sparkline values), fetched by the client.

    Environment: BENCH_DATABASE_URL (required), BENCH_BIN_DIR,
    BENCH_LOG_DIR, BENCH_EXPORT_MONTHS (36), BENCH_REPS (3), BENCH_OUT.  */
#define _GNU_SOURCE     //  memmem
#include "bench_util.h"
#include "copybuf.h"
#include "log.h"
#include "msg.h"
#include "period.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *s_baseline_sql =
    "select indicator, org_unit, period, value, status, short_trend, annual_trend, benchmark, spc_mean"
    " from indicator_values where breakdown = 'total' and org_unit like 'syn-p%'"
    " and period_end > date '2024-07-31'";

static const char *s_statuses [] = { "on_target", "tolerance", "below_target", "no_target" };
static const char *s_trends [] = { "improved", "consistent", "worsening", "cannot_compare" };
static const char *s_benchmarks [] = { "better", "similar", "worse", "not_compared" };

int
main (void)
{
    log_init ("bench", "warn");
    zsys_handler_set (NULL);
    const char *base = getenv ("BENCH_DATABASE_URL");
    if (!base)
        bench_die ("BENCH_DATABASE_URL is unset (run bench/run.sh)");
    int months = (int) bench_env_long ("BENCH_EXPORT_MONTHS", 36);
    int reps = (int) bench_env_long ("BENCH_REPS", 3);
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;

    char url [512];
    bench_db_fresh (base, "bench_export", url, sizeof url);
    PGconn *c = bench_pg (url);
    bench_ref_t ref;
    bench_ref_load (c, &ref);
    size_t nind;
    char **inds = bench_strv (c, "select code from indicators order by code", &nind);
    bench_sql (c, "update indicators set frequency = 'month'");

    //  Values: every indicator x practice x month, breakdown total.
    double t0 = bench_now ();
    copybuf_t vb = { 0 }, sb = { 0 };
    unsigned long long seed = 20221;
    size_t nvalues = 0;
    period_t first;
    if (period_parse ("2025-03", &first, NULL, 0))
        bench_die ("period");
    for (int m = 1; m < months; m++)
        if (period_previous (&first, &first))
            bench_die ("period");
    for (size_t i = 0; i < nind; i++)
        for (size_t o = 0; o < ref.npractices; o++) {
            char segment [16], code [PERIOD_CODE_MAX], start [16], end [16];
            period_t p = first;
            period_iso (p.start, segment, sizeof segment);
            double level = 40 + 50 * bench_rand (&seed);
            for (int m = 0; m < months; m++) {
                double v = level + 5 * bench_rand (&seed);
                copybuf_text (&vb, inds [i]);
                copybuf_text (&vb, ref.practices [o]);
                copybuf_text (&vb, period_format (&p, code, sizeof code));
                copybuf_text (&vb, "total");
                copybuf_text (&vb, "month");
                copybuf_text (&vb, period_iso (p.start, start, sizeof start));
                copybuf_text (&vb, period_iso (p.end, end, sizeof end));
                copybuf_num (&vb, floor (v * 10));
                copybuf_num (&vb, 1000);
                copybuf_num (&vb, v);
                copybuf_num (&vb, v - 3);
                copybuf_num (&vb, v + 3);
                copybuf_text (&vb, s_statuses [(int) (bench_rand (&seed) * 4)]);
                copybuf_text (&vb, s_trends [(int) (bench_rand (&seed) * 4)]);
                copybuf_text (&vb, s_trends [(int) (bench_rand (&seed) * 4)]);
                copybuf_text (&vb, s_benchmarks [(int) (bench_rand (&seed) * 4)]);
                copybuf_num (&vb, level + 2.5);
                copybuf_text (&vb, "common_cause");
                copybuf_text (&vb, segment);
                copybuf_end_row (&vb);
                nvalues++;
                if (m + 1 < months && period_next (&p, &p))
                    bench_die ("period");
            }
            copybuf_text (&sb, inds [i]);
            copybuf_text (&sb, ref.practices [o]);
            copybuf_text (&sb, "total");
            copybuf_text (&sb, segment);
            copybuf_int (&sb, months);
            copybuf_num (&sb, level + 2.5);
            copybuf_num (&sb, level - 2);
            copybuf_num (&sb, level + 7);
            copybuf_text (&sb, months < 13 ? "t" : "f");
            copybuf_text (&sb, "hit_and_miss");
            copybuf_end_row (&sb);
        }
    bench_copy (c, "copy indicator_points (indicator, org_unit, period, breakdown, period_type, period_start,"
                   " period_end, numerator, denominator, value, ci_low, ci_high, status, short_trend, annual_trend,"
                   " benchmark, england_value, spc_variation, spc_segment) from stdin", vb.data, vb.len);
    bench_copy (c, "copy indicator_spc (indicator, org_unit, breakdown, segment_start, points, mean, lcl, ucl,"
                   " trial, assurance) from stdin", sb.data, sb.len);
    copybuf_free (&vb);
    copybuf_free (&sb);
    bench_sql (c, "analyze");
    double setup = bench_now () - t0;
    printf ("export: %zu indicators x %zu practices x %d months = %zu values, loaded by COPY in %.1f s;"
            " %d repetitions\n", nind, ref.npractices, months, nvalues, setup, reps);
    fflush (stdout);

    bench_env_t env;
    bench_env_init (&env, url);
    pid_t pid = bench_spawn (&env, "export", "export");
    if (bench_ping (env.export_, 30000))
        bench_die ("export did not answer Ping (see its log in BENCH_LOG_DIR)");
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", env.export_);

    double secs [BENCH_MAX_REPS], basel [BENCH_MAX_REPS], ratio [BENCH_MAX_REPS];
    double html_s [BENCH_MAX_REPS], fhir_s [BENCH_MAX_REPS];
    size_t html_bytes = 0, fhir_bytes = 0;
    long rows_in_card = 0;
    //  Every request's own time, for the p99 of a scorecard request.
    double *req_ms = calloc ((size_t) reps * 2 * ref.npractices, sizeof *req_ms);
    int nreq = 0;
    for (int rep = 0; rep < reps; rep++) {
        for (int phase = 0; phase < 2; phase++) {
            if ((phase == 0) == (rep % 2 == 0)) {
                double fmt_s [2] = { 0, 0 };
                for (int f = 0; f < 2; f++) {
                    const char *format = f ? "fhir" : "html";
                    double a = bench_now ();
                    for (size_t o = 0; o < ref.npractices; o++) {
                        double r0 = bench_now ();
                        Carewatch__V1__ExportRequest req = CAREWATCH__V1__EXPORT_REQUEST__INIT;
                        req.report = "scorecard";
                        req.format = (char *) format;
                        req.period = "2025-03";
                        req.org_unit = ref.practices [o];
                        if (msg_send (sock, NULL, &req.base))
                            bench_die ("send failed");
                        msg_t reply;
                        char err [256];
                        if (bench_recv_from (sock, &pid, 60000, &reply, err, sizeof err))
                            bench_die ("export: %s", err);
                        if (!msg_is (&reply, &carewatch__v1__export_response__descriptor))
                            bench_die ("export answered %s for %s %s", reply.type ? reply.type->name : "?",
                                       ref.practices [o], format);
                        req_ms [nreq++] = (bench_now () - r0) * 1000;
                        Carewatch__V1__ExportResponse *r = (Carewatch__V1__ExportResponse *) reply.body;
                        if (o == 0 && rep == 0) {
                            if (f)
                                fhir_bytes = r->body.len;
                            else {
                                html_bytes = r->body.len;
                                //  Every indicator made it onto the card.
                                const char *b = (const char *) r->body.data, *end = b + r->body.len;
                                for (const char *q = b; q && q < end; q++) {
                                    q = memmem (q, (size_t) (end - q), "<tr", 3);
                                    if (!q)
                                        break;
                                    rows_in_card++;
                                }
                            }
                        }
                        msg_clear (&reply);
                    }
                    fmt_s [f] = bench_now () - a;
                }
                html_s [rep] = fmt_s [0];
                fhir_s [rep] = fmt_s [1];
                secs [rep] = fmt_s [0] + fmt_s [1];
                printf ("  rep %d export: %zu HTML scorecards %.3f s, %zu FHIR %.3f s, together %.3f s\n", rep + 1,
                        ref.npractices, html_s [rep], ref.npractices, fhir_s [rep], secs [rep]);
            }
            else {
                double a = bench_now ();
                PGresult *r = bench_sql (c, s_baseline_sql);
                basel [rep] = bench_now () - a;
                printf ("  rep %d SQL baseline: %.3f s (%d rows)\n", rep + 1, basel [rep], PQntuples (r));
                PQclear (r);
            }
            fflush (stdout);
        }
        ratio [rep] = secs [rep] / basel [rep];
    }
    double rss = (double) bench_vmhwm_kb (pid) / 1024;
    zsock_destroy (&sock);
    bench_stop (pid, 10000);
    PQfinish (c);
    if (!getenv ("BENCH_KEEP_DB"))
        bench_db_drop (base, "bench_export");

    bench_stat_t ss = bench_stat (secs, reps), sb2 = bench_stat (basel, reps), sq = bench_stat (ratio, reps);
    bench_stat_t sh = bench_stat (html_s, reps), sf = bench_stat (fhir_s, reps);
    bench_stat_t sr = { rss, rss, rss, 0, 1 };
    printf ("  first HTML card: %zu bytes, %ld table rows (%zu indicators); first FHIR: %zu bytes;"
            " export peak RSS %.1f MB\n\n", html_bytes, rows_in_card, nind, fhir_bytes, rss);
    bench_row_header ();
    bench_row ("export 43 HTML + 43 FHIR scorecards", ss, "s", "SQL select s", sb2, sq.median, "<= 1 s",
               ss.median <= 1 ? "met" : "MISSED");
    bench_row ("  of which HTML", sh, "s", NULL, sh, NAN, "-", "");
    bench_row ("  of which FHIR", sf, "s", NULL, sf, NAN, "-", "");
    double p50 = bench_percentile (req_ms, nreq, 50), p99 = bench_percentile (req_ms, nreq, 99);
    bench_stat_t sp99 = { p99, p99, p99, 0, 1 }, sp50 = { p50, p50, p50, 0, 1 };
    bench_row ("export: one scorecard request, p50", sp50, "ms", NULL, sp50, NAN, "-", "");
    bench_row ("export: one scorecard request, p99", sp99, "ms", NULL, sp99, NAN, "<= 50 ms",
               p99 <= 50 ? "met" : "MISSED");
    bench_row ("export peak RSS (VmHWM)", sr, "MB", NULL, sr, NAN, "< 100 MB", rss < 100 ? "met" : "MISSED");

    const char *out = getenv ("BENCH_OUT");
    if (out) {
        json_t *runs = json_array ();
        for (int i = 0; i < reps; i++)
            json_array_append_new (runs, json_pack ("{s:f, s:f, s:f, s:f, s:f}", "seconds", secs [i], "html_seconds",
                                                    html_s [i], "fhir_seconds", fhir_s [i], "baseline_seconds",
                                                    basel [i], "ratio", ratio [i]));
        json_t *j = json_pack ("{s:I, s:I, s:I, s:I, s:f, s:o, s:{s:f, s:f, s:f, s:f, s:b}, s:{s:f, s:f, s:f},"
                               " s:{s:f, s:f, s:f}, s:f, s:I, s:I, s:s}",
                               "indicators", (json_int_t) nind, "practices", (json_int_t) ref.npractices,
                               "months", (json_int_t) months, "values", (json_int_t) nvalues, "setup_seconds", setup,
                               "runs", runs, "seconds", "median", ss.median, "min", ss.min, "max", ss.max,
                               "goal_max", 1.0, "met", ss.median <= 1, "baseline_seconds", "median", sb2.median,
                               "min", sb2.min, "max", sb2.max, "ratio", "median", sq.median, "min", sq.min, "max",
                               sq.max, "export_peak_rss_mb", rss, "html_bytes", (json_int_t) html_bytes,
                               "fhir_bytes", (json_int_t) fhir_bytes, "baseline_sql", s_baseline_sql);
        json_object_set_new (j, "request_ms", json_pack ("{s:f, s:f, s:i, s:f, s:b}", "p50", p50, "p99", p99,
                                                         "requests", nreq, "goal_p99_max", 50.0, "met", p99 <= 50));
        if (json_dump_file (j, out, JSON_INDENT (2)))
            bench_die ("cannot write %s", out);
        json_decref (j);
    }
    bench_strv_free (inds, nind);
    free (req_ms);
    bench_ref_free (&ref);
    return 0;
}
