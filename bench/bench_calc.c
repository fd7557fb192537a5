/*  bench_calc: a full recompute (calc_recompute_all, the code behind
    `carewatch recompute`) of BENCH_CALC_ROWS current observations, against
    one SQL GROUP BY that sums the same numerators and denominators, in the
    same run.

    Rows: 43 practices x BENCH_CALC_MONTHS (36) months x (indicator,
    breakdown) pairs, taking monthly fraction indicators in the order
    practice-level aggregating ones first (their PCN and place sums are
    computed too), then the others, each with every breakdown, until the
    row count is reached.  They are loaded with COPY (setup, not timed).

    Each repetition times three things on the same database:
      cold      calc_recompute_all with the computed values emptied
                first (every value is inserted: the first recompute, or
                one after a catalogue change);
      warm      calc_recompute_all again in the same process (every
                value is recomputed; calc remembers what it wrote, so
                nothing is sent to PostgreSQL: a long-running calc);
      fresh     the same after calc_forget (every value is recomputed,
                sent and compared in SQL: `carewatch recompute` from a
                new process);
      baseline  select data_element, period, breakdown, sum(numerator),
                sum(denominator) from observations where current
                group by 1, 2, 3  (all rows fetched by the client).

    Environment: BENCH_DATABASE_URL (required), BENCH_CALC_ROWS (1000000),
    BENCH_CALC_MONTHS (36), BENCH_REPS (3), BENCH_OUT.  */
#include "bench_util.h"
#include "calc_service.h"
#include "copybuf.h"
#include "log.h"
#include "period.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *s_baseline_sql =
    "select data_element, period, breakdown, sum (numerator), sum (denominator)"
    " from observations where current group by 1, 2, 3";

int
main (void)
{
    log_init ("bench", "warn");
    const char *base = getenv ("BENCH_DATABASE_URL");
    if (!base)
        bench_die ("BENCH_DATABASE_URL is unset (run bench/run.sh)");
    long nrows = bench_env_long ("BENCH_CALC_ROWS", 1000000);
    int months = (int) bench_env_long ("BENCH_CALC_MONTHS", 36);
    int reps = (int) bench_env_long ("BENCH_REPS", 3);
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;

    char url [512];
    bench_db_fresh (base, "bench_calc", url, sizeof url);
    PGconn *c = bench_pg (url);
    bench_ref_t ref;
    bench_ref_load (c, &ref);
    size_t nde;
    char **des = bench_strv (c,
        "select d.code from data_elements d join indicators i on i.data_element = d.code"
        " where d.frequency = 'month' and d.kind = 'fraction'"
        " order by coalesce (i.level, 'practice') = 'practice' desc, i.aggregates desc, d.code", &nde);
    size_t per_pair = ref.npractices * (size_t) months;
    size_t npairs = ((size_t) nrows + per_pair - 1) / per_pair;
    if (npairs > nde * ref.nbreakdowns)
        bench_die ("BENCH_CALC_ROWS %ld needs %zu (indicator, breakdown) pairs; the catalogue has %zu",
                   nrows, npairs, nde * ref.nbreakdowns);
    size_t nind = (npairs + ref.nbreakdowns - 1) / ref.nbreakdowns;

    //  Periods: months from April 2022.
    char (*mcode) [16] = calloc ((size_t) months, sizeof *mcode);
    char (*mstart) [16] = calloc ((size_t) months, sizeof *mstart);
    char (*mend) [16] = calloc ((size_t) months, sizeof *mend);
    for (int m = 0; m < months; m++) {
        snprintf (mcode [m], 16, "%04d-%02d", 2022 + (m + 3) / 12, (m + 3) % 12 + 1);
        period_t p;
        period_parse (mcode [m], &p, NULL, 0);
        period_iso (p.start, mstart [m], 16);
        period_iso (p.end, mend [m], 16);
    }
    copybuf_t cb = { 0 };
    size_t nr = 0;
    for (size_t pi = 0; pi < npairs; pi++) {
        const char *de = des [pi / ref.nbreakdowns];
        const char *brk = ref.breakdowns [pi % ref.nbreakdowns];
        for (size_t o = 0; o < ref.npractices; o++) {
            unsigned long long ks = pi * 1000 + o + 1;
            double base_den = 200 + floor (bench_rand (&ks) * 4800), base_p = 0.5 + 0.45 * bench_rand (&ks);
            for (int m = 0; m < months; m++) {
                double d = floor (base_den * (0.95 + 0.1 * bench_rand (&ks)));
                double n = floor (d * base_p * (0.95 + 0.05 * bench_rand (&ks)));
                copybuf_int (&cb, 1);
                copybuf_text (&cb, de);
                copybuf_text (&cb, ref.practices [o]);
                copybuf_text (&cb, mcode [m]);
                copybuf_text (&cb, "month");
                copybuf_text (&cb, mstart [m]);
                copybuf_text (&cb, mend [m]);
                copybuf_text (&cb, brk);
                copybuf_num (&cb, n);
                copybuf_num (&cb, d);
                copybuf_text (&cb, "final");
                copybuf_end_row (&cb);
                nr++;
            }
        }
    }
    bench_sql (c, "insert into batches (id, partner, batch_key, format, content_hash)"
                  " values (1, 'gp-practices', 'bench-calc', 'csv', '\\x00')");
    double t0 = bench_now ();
    bench_copy (c, "copy observations (batch_id, data_element, org_unit, period, period_type,"
                   " period_start, period_end, breakdown, numerator, denominator, status) from stdin",
                cb.data, cb.len);
    bench_sql (c, "analyze observations");
    double setup = bench_now () - t0;
    copybuf_free (&cb);
    //  The peak RSS reported is the recompute's, not the setup buffer's:
    //  "5" resets this process's VmHWM (Linux 4.0 and later).
    FILE *refs = fopen ("/proc/self/clear_refs", "w");
    if (refs) {
        fputs ("5", refs);
        fclose (refs);
    }
    printf ("calc: %zu observations (%zu indicators x %zu breakdowns = %zu pairs, x %zu practices x %d months),"
            " loaded by COPY in %.1f s; %d repetitions\n",
            nr, nind, ref.nbreakdowns, npairs, ref.npractices, months, setup, reps);
    fflush (stdout);

    db_t *db = db_new (url, "bench-calc", 3600000);
    char err [1024];
    calc_t *calc = NULL;
    if (db_connect (db, 30000, err, sizeof err) || !(calc = calc_new (db, NULL, err, sizeof err)))
        bench_die ("calc: %s", err);

    double cold [BENCH_MAX_REPS], warm [BENCH_MAX_REPS], basel [BENCH_MAX_REPS];
    double rcold [BENCH_MAX_REPS], rwarm [BENCH_MAX_REPS];
    double fresh [BENCH_MAX_REPS], rfresh [BENCH_MAX_REPS];
    long changed_fresh = 0;
    size_t computed = 0;
    long changed_cold = 0, changed_warm = 0;
    int groups = 0;
    for (int rep = 0; rep < reps; rep++) {
        for (int phase = 0; phase < 2; phase++) {
            bool do_calc = (phase == 0) == (rep % 2 == 0);
            if (do_calc) {
                bench_sql (c, "truncate indicator_points, indicator_spc");
                bench_sql (c, "checkpoint");
                double a = bench_now ();
                changed_cold = calc_recompute_all (calc, &computed);
                cold [rep] = bench_now () - a;
                if (changed_cold < 0)
                    bench_die ("calc_recompute_all failed (cold)");
                a = bench_now ();
                changed_warm = calc_recompute_all (calc, &computed);
                warm [rep] = bench_now () - a;
                if (changed_warm < 0)
                    bench_die ("calc_recompute_all failed (warm)");
                calc_forget (calc);
                a = bench_now ();
                changed_fresh = calc_recompute_all (calc, &computed);
                fresh [rep] = bench_now () - a;
                if (changed_fresh < 0)
                    bench_die ("calc_recompute_all failed (fresh)");
                printf ("  rep %d calc: cold %.2f s (%ld values written), warm %.2f s (%zu computed, %ld changed),"
                        " fresh %.2f s (%ld changed)\n", rep + 1, cold [rep], changed_cold, warm [rep], computed,
                        changed_warm, fresh [rep], changed_fresh);
            }
            else {
                double a = bench_now ();
                PGresult *r = bench_sql (c, s_baseline_sql);
                basel [rep] = bench_now () - a;
                groups = PQntuples (r);
                PQclear (r);
                printf ("  rep %d GROUP BY baseline: %.3f s (%d groups)\n", rep + 1, basel [rep], groups);
            }
            fflush (stdout);
        }
        rcold [rep] = cold [rep] / basel [rep];
        rwarm [rep] = warm [rep] / basel [rep];
        rfresh [rep] = fresh [rep] / basel [rep];
    }
    long hwm = bench_vmhwm_kb (getpid ());
    calc_destroy (&calc);
    db_destroy (&db);
    double values = bench_sql_num (c, "select count(*) from indicator_values");
    PQfinish (c);
    if (!getenv ("BENCH_KEEP_DB"))
        bench_db_drop (base, "bench_calc");

    bench_stat_t sc = bench_stat (cold, reps), sw = bench_stat (warm, reps), sb = bench_stat (basel, reps);
    bench_stat_t qc = bench_stat (rcold, reps), qw = bench_stat (rwarm, reps);
    bench_stat_t sf = bench_stat (fresh, reps), qf = bench_stat (rfresh, reps);
    printf ("\n");
    bench_row_header ();
    bench_row ("calc full recompute, cold", sc, "s", "GROUP BY s", sb, qc.median, "<= 3x, < 3 s",
               qc.median <= 3 && sc.median < 3 ? "met" : "MISSED");
    bench_row ("calc full recompute, warm", sw, "s", "GROUP BY s", sb, qw.median, "<= 3x, < 3 s",
               qw.median <= 3 && sw.median < 3 ? "met" : "MISSED");
    bench_row ("calc full recompute, fresh process", sf, "s", "GROUP BY s", sb, qf.median, "<= 3x, < 3 s",
               qf.median <= 3 && sf.median < 3 ? "met" : "MISSED");
    printf ("  ratio cold/GROUP BY per repetition:");
    for (int i = 0; i < reps; i++)
        printf (" %.2f", rcold [i]);
    printf ("; warm/GROUP BY:");
    for (int i = 0; i < reps; i++)
        printf (" %.2f", rwarm [i]);
    printf ("; fresh/GROUP BY:");
    for (int i = 0; i < reps; i++)
        printf (" %.2f", rfresh [i]);
    printf ("\n  %zu values computed, %.0f stored; recompute process peak RSS %.0f MB\n", computed, values,
            (double) hwm / 1024);

    const char *out = getenv ("BENCH_OUT");
    if (out) {
        json_t *j = json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:f}", "observations",
                               (json_int_t) nr, "indicators", (json_int_t) nind, "breakdowns",
                               (json_int_t) ref.nbreakdowns, "practices", (json_int_t) ref.npractices,
                               "months", (json_int_t) months, "repetitions", (json_int_t) reps,
                               "setup_copy_seconds", setup, "values_computed", (json_int_t) computed,
                               "baseline_groups", (json_int_t) groups, "process_peak_rss_mb",
                               (double) hwm / 1024);
        json_object_set_new (j, "baseline_sql", json_string (s_baseline_sql));
        json_t *runs = json_array ();
        for (int i = 0; i < reps; i++)
            json_array_append_new (runs, json_pack ("{s:f, s:f, s:f, s:f, s:f, s:f, s:f}", "cold_seconds", cold [i],
                                                    "warm_seconds", warm [i], "fresh_seconds", fresh [i],
                                                    "baseline_seconds", basel [i], "ratio_cold", rcold [i],
                                                    "ratio_warm", rwarm [i], "ratio_fresh", rfresh [i]));
        json_object_set_new (j, "runs", runs);
        json_object_set_new (j, "cold_seconds", json_pack ("{s:f, s:f, s:f}", "median", sc.median, "min", sc.min,
                                                           "max", sc.max));
        json_object_set_new (j, "warm_seconds", json_pack ("{s:f, s:f, s:f}", "median", sw.median, "min", sw.min,
                                                           "max", sw.max));
        json_object_set_new (j, "baseline_seconds", json_pack ("{s:f, s:f, s:f}", "median", sb.median, "min",
                                                               sb.min, "max", sb.max));
        json_object_set_new (j, "ratio_cold", json_pack ("{s:f, s:f, s:f, s:f, s:b}", "median", qc.median,
                                                         "min", qc.min, "max", qc.max, "goal_max", 3.0, "met",
                                                         qc.median <= 3));
        json_object_set_new (j, "ratio_warm", json_pack ("{s:f, s:f, s:f, s:f, s:b}", "median", qw.median,
                                                         "min", qw.min, "max", qw.max, "goal_max", 3.0, "met",
                                                         qw.median <= 3));
        json_object_set_new (j, "fresh_seconds", json_pack ("{s:f, s:f, s:f}", "median", sf.median, "min", sf.min,
                                                            "max", sf.max));
        json_object_set_new (j, "ratio_fresh", json_pack ("{s:f, s:f, s:f, s:f, s:b}", "median", qf.median,
                                                          "min", qf.min, "max", qf.max, "goal_max", 3.0, "met",
                                                          qf.median <= 3));
        json_object_set_new (j, "absolute_goal_seconds", json_real (3.0));
        json_object_set_new (j, "absolute_met", json_boolean (sc.median < 3 && sw.median < 3));
        if (json_dump_file (j, out, JSON_INDENT (2)))
            bench_die ("cannot write %s", out);
        json_decref (j);
    }
    free (mcode);
    free (mstart);
    free (mend);
    bench_strv_free (des, nde);
    bench_ref_free (&ref);
    return 0;
}
