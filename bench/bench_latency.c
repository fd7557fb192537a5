/*  bench_latency: how long after a batch commits its last IndicatorChanged
    goes out.  Starts carewatch-intake and carewatch-calc on a fresh
    database, subscribes to calc's events, and sends BENCH_LAT_BATCHES
    batches of BENCH_LAT_ROWS rows one after another.  Each batch is a new
    month of the monthly gp-practices fraction data element(s) for the
    practices and breakdowns, so every batch changes values and each lands
    on the history of the batches before it.

    For each batch: t0 = the BatchReceipt arrives (intake has committed
    and told calc); events are read until BENCH_LAT_GAP_MS (250) pass
    without one; the latency is the arrival of the last event minus t0.
    The number of events is checked against the values whose change_seq
    moved in the database, so a lost event cannot pass unnoticed.

    Baseline, per batch in the same run: one SQL GROUP BY summing the
    numerators and denominators of the touched data element by period and
    breakdown (the aggregation calc has to do at the least).

    Environment: BENCH_DATABASE_URL (required), BENCH_BIN_DIR,
    BENCH_LOG_DIR, BENCH_LAT_ROWS (1000), BENCH_LAT_BATCHES (50),
    BENCH_LAT_GAP_MS (250), BENCH_LAT_WAIT_S (30: longest wait for a
    batch's first event before calc counts as stuck), BENCH_REPS (3),
    BENCH_CALC_WORKERS (1; 2 starts a second carewatch-calc on the same
    database with its own sockets: intake notifies the first, the second
    finds pending batches on its 250 ms timer, and the events of both are
    read), BENCH_OUT.  */
#include "bench_util.h"
#include "log.h"
#include "msg.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int
main (void)
{
    log_init ("bench", "warn");
    zsys_handler_set (NULL);
    const char *base = getenv ("BENCH_DATABASE_URL");
    if (!base)
        bench_die ("BENCH_DATABASE_URL is unset (run bench/run.sh)");
    long rows = bench_env_long ("BENCH_LAT_ROWS", 1000);
    int nbatches = (int) bench_env_long ("BENCH_LAT_BATCHES", 50);
    int gap_ms = (int) bench_env_long ("BENCH_LAT_GAP_MS", 250);
    int wait_s = (int) bench_env_long ("BENCH_LAT_WAIT_S", 30);
    int reps = (int) bench_env_long ("BENCH_REPS", 3);
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;
    int workers = (int) bench_env_long ("BENCH_CALC_WORKERS", 1) >= 2 ? 2 : 1;

    double p50 [BENCH_MAX_REPS], p99 [BENCH_MAX_REPS], maxl [BENCH_MAX_REPS], first [BENCH_MAX_REPS],
        last [BENCH_MAX_REPS], b50 [BENCH_MAX_REPS], b99 [BENCH_MAX_REPS], r50 [BENCH_MAX_REPS],
        receipt50 [BENCH_MAX_REPS], events50 [BENCH_MAX_REPS], calc_rss [BENCH_MAX_REPS];
    long lost [BENCH_MAX_REPS];
    int timeouts [BENCH_MAX_REPS] = { 0 }, batches_done [BENCH_MAX_REPS] = { 0 };      //  batch (1-based) that got no event, or 0
    double *lat = calloc ((size_t) nbatches, sizeof *lat);
    double *bas = calloc ((size_t) nbatches, sizeof *bas);
    double *rec = calloc ((size_t) nbatches, sizeof *rec);
    double *evn = calloc ((size_t) nbatches, sizeof *evn);
    char des_list [512] = "";

    int restarts = 0;
    for (int rep = 0; rep < reps; rep++) {
        char db [64], url [512], tag [64], died [256] = "";
        snprintf (db, sizeof db, "bench_latency_%d", rep);
        bench_db_fresh (base, db, url, sizeof url);
        PGconn *c = bench_pg (url);
        bench_ref_t ref;
        bench_ref_load (c, &ref);
        size_t nde;
        char **des = bench_strv (c, "select code from data_elements where partner = 'gp-practices'"
                                    " and kind = 'fraction' and frequency = 'month' order by code", &nde);
        size_t per_de = ref.npractices * ref.nbreakdowns;
        if (nde == 0 || (size_t) rows > per_de * nde)
            bench_die ("BENCH_LAT_ROWS %ld is more than the %zu monthly keys per month", rows, per_de * nde);
        size_t used_de = ((size_t) rows + per_de - 1) / per_de;
        des_list [0] = '\0';
        for (size_t i = 0; i < used_de; i++)
            snprintf (des_list + strlen (des_list), sizeof des_list - strlen (des_list), "%s%s", i ? "," : "",
                      des [i]);

        //  Batches: batch k is month k from January 2020.
        Carewatch__V1__Observation *obs = calloc ((size_t) rows, sizeof *obs);
        Carewatch__V1__Observation **obsp = calloc ((size_t) rows, sizeof *obsp);
        uint8_t **packed = calloc ((size_t) nbatches, sizeof *packed);
        size_t *plen = calloc ((size_t) nbatches, sizeof *plen);
        char period [16], key [64];
        for (int k = 0; k < nbatches; k++) {
            snprintf (period, sizeof period, "%04d-%02d", 2020 + k / 12, k % 12 + 1);
            for (long i = 0; i < rows; i++) {
                size_t de = (size_t) i / per_de, rest = (size_t) i % per_de;
                size_t brk = rest / ref.npractices, org = rest % ref.npractices;
                unsigned long long ks = (unsigned long long) i * 31 + 7, ps = ks * 131 + (unsigned long long) k;
                double d = floor ((200 + floor (bench_rand (&ks) * 4800)) * (0.97 + 0.06 * bench_rand (&ps)));
                double p = (0.5 + 0.45 * bench_rand (&ks)) * (0.98 + 0.02 * bench_rand (&ps));
                Carewatch__V1__Observation *o = &obs [i];
                carewatch__v1__observation__init (o);
                o->data_element = des [de];
                o->org_unit = ref.practices [org];
                o->period = period;
                o->breakdown = ref.breakdowns [brk];
                o->has_numerator = o->has_denominator = 1;
                o->denominator = d;
                o->numerator = floor (d * p);
                obsp [i] = o;
            }
            snprintf (key, sizeof key, "bench-latency-%04d", k);
            Carewatch__V1__SubmitBatch b = CAREWATCH__V1__SUBMIT_BATCH__INIT;
            b.partner = "gp-practices";
            b.batch_key = key;
            b.format = "protobuf";
            b.n_observations = (size_t) rows;
            b.observations = obsp;
            plen [k] = protobuf_c_message_get_packed_size (&b.base);
            packed [k] = malloc (plen [k]);
            protobuf_c_message_pack (&b.base, packed [k]);
        }
        free (obs);
        free (obsp);

        bench_env_t env;
        bench_env_init (&env, url);
        snprintf (tag, sizeof tag, "latency-%d-%d", rep, restarts);
        pid_t calc_pid = bench_spawn (&env, "calc", tag);
        pid_t intake_pid = bench_spawn (&env, "intake", tag);
        if (bench_ping (env.calc_control, 30000) || bench_ping (env.intake, 30000))
            bench_die ("calc or intake did not answer Ping (see the logs in BENCH_LOG_DIR)");
        //  A second worker: sockets of its own (its PULL gets nothing; it
        //  works from its timer), the same database.
        bench_env_t env2;
        pid_t calc2_pid = 0;
        char tag2 [80];
        if (workers == 2) {
            bench_env_init (&env2, url);
            snprintf (tag2, sizeof tag2, "%s-w2", tag);
            calc2_pid = bench_spawn (&env2, "calc", tag2);
            if (bench_ping (env2.calc_control, 30000))
                bench_die ("the second calc did not answer Ping (see the logs in BENCH_LOG_DIR)");
        }
        zsock_t *sub = zsock_new (ZMQ_SUB);
        zsock_set_rcvhwm (sub, 0);
        zsock_set_subscribe (sub, "");
        zsock_connect (sub, "%s", env.calc_events);
        if (workers == 2)
            zsock_connect (sub, "%s", env2.calc_events);
        zsock_t *dealer = zsock_new (ZMQ_DEALER);
        zsock_set_linger (dealer, 0);
        zsock_connect (dealer, "%s", env.intake);
        zclock_sleep (300);     //  let the subscription reach calc
        zpoller_t *poller = zpoller_new (dealer, sub, NULL);

        char sql [1024], prev_seq [32] = "0";
        const char *dep [1] = { des [0] };
        long lost_events = 0;
        int done = nbatches;
        for (int k = 0; k < nbatches && !*died; k++) {
            double t_send = bench_now (), t_commit = NAN, t_last = NAN;
            zmsg_t *m = zmsg_new ();
            zmsg_addstr (m, carewatch__v1__submit_batch__descriptor.name);
            zmsg_addmem (m, packed [k], plen [k]);
            if (zmsg_send (&m, dealer))
                bench_die ("send failed");
            long events = 0;
            while (true) {
                //  Deadlines: the receipt within 120 s, the first event
                //  within 30 s of it, then a quiet gap ends the batch.
                double deadline = isnan (t_commit) ? t_send + 120
                                : events == 0 ? t_commit + wait_s : t_last + gap_ms / 1000.0;
                int wait = (int) ((deadline - bench_now ()) * 1000);
                wait = wait < 0 ? 0 : wait > 500 ? 500 : wait;
                void *which = zpoller_wait (poller, wait);
                double t = bench_now ();
                if (which == dealer) {
                    msg_t reply;
                    char err [256];
                    if (msg_recv (dealer, false, 64 << 20, &reply, err, sizeof err))
                        bench_die ("batch %d: bad receipt: %s", k, err);
                    if (!msg_is (&reply, &carewatch__v1__batch_receipt__descriptor)
                    ||  strcmp (((Carewatch__V1__BatchReceipt *) reply.body)->status, "committed"))
                        bench_die ("batch %d was not committed", k);
                    msg_clear (&reply);
                    t_commit = t;
                }
                else if (which == sub) {
                    zmsg_t *z = zmsg_recv (sub);
                    zmsg_destroy (&z);
                    events++;
                    t_last = t;
                }
                else if (!bench_alive (&calc_pid, died, sizeof died)
                     ||  !bench_alive (&intake_pid, died, sizeof died))
                    break;
                else if (t < deadline)
                    continue;
                else if (isnan (t_commit))
                    bench_die ("batch %d: no receipt within 120 s", k);
                else
                    break;
            }
            if (*died)
                break;
            if (events == 0) {
                //  calc is stuck (its log says why): the batch counts at
                //  the time waited, a lower bound, and the repetition ends
                //  here because every later batch would queue behind it.
                lat [k] = (bench_now () - t_commit) * 1000;
                rec [k] = (t_commit - t_send) * 1000;
                evn [k] = 0;
                bas [k] = NAN;
                timeouts [rep] = k + 1;
                done = k + 1;
                printf ("  rep %d: batch %d: no IndicatorChanged within %d s of its receipt (calc log: %s/%s-calc.log)\n",
                        rep + 1, k + 1, wait_s, bench_env ("BENCH_LOG_DIR", "."), tag);
                break;
            }
            //  What the database says changed since the last batch.
            snprintf (sql, sizeof sql, "select count(*), coalesce (max (change_seq), %s) from indicator_values"
                                       " where change_seq > %s", prev_seq, prev_seq);
            PGresult *r = bench_sql (c, sql);
            long expect = atol (PQgetvalue (r, 0, 0));
            snprintf (prev_seq, sizeof prev_seq, "%s", PQgetvalue (r, 0, 1));
            PQclear (r);
            if (expect != events)
                lost_events += labs (expect - events);
            double a = bench_now ();
            r = PQexecParams (c, "select period, breakdown, sum (numerator), sum (denominator)"
                                 " from observations where current and data_element = $1 group by 1, 2",
                              1, NULL, dep, NULL, NULL, 0);
            if (PQresultStatus (r) != PGRES_TUPLES_OK)
                bench_die ("baseline: %s", PQresultErrorMessage (r));
            PQclear (r);
            bas [k] = (bench_now () - a) * 1000;
            lat [k] = t_last > t_commit ? (t_last - t_commit) * 1000 : 0;
            rec [k] = (t_commit - t_send) * 1000;
            evn [k] = (double) events;
        }
        zpoller_destroy (&poller);
        zsock_destroy (&sub);
        zsock_destroy (&dealer);
        calc_rss [rep] = (double) bench_vmhwm_kb (calc_pid) / 1024;
        bench_stop (intake_pid, 10000);
        bench_stop (calc_pid, 10000);
        if (workers == 2) {
            bench_stop (calc2_pid, 10000);
            //  Who did the work: passes per worker, from their logs.
            char cmd [1024];
            printf ("  passes (batches_processed) by worker 1 / worker 2:");
            fflush (stdout);
            snprintf (cmd, sizeof cmd, "for t in '%s' '%s'; do printf ' %%s' $(grep -c batches_processed"
                      " \"%s/$t-calc.log\"); done; echo", tag, tag2, bench_env ("BENCH_LOG_DIR", "."));
            if (system (cmd) != 0)
                printf (" ?\n");
        }
        PQfinish (c);
        bench_db_drop (base, db);
        for (int k = 0; k < nbatches; k++)
            free (packed [k]);
        free (packed);
        free (plen);
        bench_strv_free (des, nde);
        bench_ref_free (&ref);
        if (*died) {
            //  Something outside the benchmark stopped a service (a broad
            //  pkill on a shared machine): run the repetition again.
            printf ("  rep %d abandoned: %s; running it again\n", rep + 1, died);
            fflush (stdout);
            if (++restarts > 3)
                bench_die ("too many services killed from outside the benchmark");
            rep--;
            continue;
        }

        p50 [rep] = bench_percentile (lat, done, 50);
        p99 [rep] = bench_percentile (lat, done, 99);
        maxl [rep] = bench_percentile (lat, done, 100);
        first [rep] = lat [0];
        last [rep] = lat [done - 1];
        int nb = timeouts [rep] ? done - 1 : done;      //  baselines measured
        b50 [rep] = nb ? bench_percentile (bas, nb, 50) : 0;
        b99 [rep] = nb ? bench_percentile (bas, nb, 99) : 0;
        r50 [rep] = p50 [rep] / b50 [rep];
        receipt50 [rep] = bench_percentile (rec, done, 50);
        events50 [rep] = bench_percentile (evn, done, 50);
        lost [rep] = lost_events;
        batches_done [rep] = done;
        printf ("  rep %d: %d batches: commit->last event p50 %.1f ms, p99 %.1f ms, max %.1f ms (first batch %.1f,"
                " last %.1f); events/batch p50 %.0f; lost %ld; receipt p50 %.1f ms;"
                " GROUP BY baseline p50 %.2f ms; calc peak RSS %.1f MB%s\n",
                rep + 1, done, p50 [rep], p99 [rep], maxl [rep], first [rep], last [rep], events50 [rep],
                lost_events, receipt50 [rep], b50 [rep], calc_rss [rep],
                timeouts [rep] ? "; calc stuck (timed out)" : "");
        fflush (stdout);
    }

    bench_stat_t s50 = bench_stat (p50, reps), s99 = bench_stat (p99, reps), sb = bench_stat (b50, reps);
    bench_stat_t sr = bench_stat (r50, reps), sbb = bench_stat (b99, reps);
    printf ("\n");
    bench_row_header ();
    bench_row ("commit->last IndicatorChanged p50", s50, "ms", "GROUP BY ms", sb, sr.median, "-", NULL);
    int stuck = 0;
    for (int i = 0; i < reps; i++)
        stuck += timeouts [i] != 0;
    char verdict [64];
    snprintf (verdict, sizeof verdict, "%s%s", s99.median <= 20 ? "met" : "MISSED",
              stuck ? " (calc stuck)" : "");
    bench_row ("commit->last IndicatorChanged p99", s99, "ms", "GROUP BY ms", sbb, s99.median / sbb.median,
               "<= 20 ms", verdict);
    if (stuck) {
        printf ("  calc stopped answering (no event within BENCH_LAT_WAIT_S) in %d of %d repetitions, at batch", stuck, reps);
        for (int i = 0; i < reps; i++)
            if (timeouts [i])
                printf (" %d", timeouts [i]);
        printf ("; p99 counts that batch at the time waited, a lower bound\n");
    }

    const char *out = getenv ("BENCH_OUT");
    if (out) {
        json_t *j = json_pack ("{s:I, s:I, s:I, s:I, s:s}", "batch_rows", (json_int_t) rows, "batches",
                               (json_int_t) nbatches, "quiet_gap_ms", (json_int_t) gap_ms, "repetitions",
                               (json_int_t) reps, "data_elements", des_list);
        json_t *runs = json_array ();
        for (int i = 0; i < reps; i++)
            json_array_append_new (runs, json_pack ("{s:I, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:f}",
                                                    "batches_done", (json_int_t) batches_done [i],
                                                    "timed_out_at_batch", (json_int_t) timeouts [i],
                                                    "p50_ms", p50 [i], "p99_ms", p99 [i], "max_ms", maxl [i],
                                                    "first_batch_ms", first [i], "last_batch_ms", last [i],
                                                    "baseline_p50_ms", b50 [i], "baseline_p99_ms", b99 [i],
                                                    "receipt_p50_ms", receipt50 [i], "events_per_batch_p50",
                                                    events50 [i], "lost_events", (json_int_t) lost [i],
                                                    "calc_peak_rss_mb", calc_rss [i]));
        json_object_set_new (j, "runs", runs);
        json_object_set_new (j, "p50_ms", json_pack ("{s:f, s:f, s:f}", "median", s50.median, "min", s50.min,
                                                     "max", s50.max));
        json_object_set_new (j, "p99_ms", json_pack ("{s:f, s:f, s:f, s:f, s:b}", "median", s99.median, "min",
                                                     s99.min, "max", s99.max, "goal_max", 20.0, "met",
                                                     s99.median <= 20));
        json_object_set_new (j, "baseline_p50_ms", json_pack ("{s:f, s:f, s:f}", "median", sb.median, "min",
                                                              sb.min, "max", sb.max));
        json_object_set_new (j, "ratio_p50_over_baseline", json_pack ("{s:f, s:f, s:f}", "median", sr.median,
                                                                      "min", sr.min, "max", sr.max));
        if (json_dump_file (j, out, JSON_INDENT (2)))
            bench_die ("cannot write %s", out);
        json_decref (j);
    }
    free (lat);
    free (bas);
    free (rec);
    free (evn);
    return 0;
}
