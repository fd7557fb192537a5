/*  bench_workers: does a second calc worker share the load?

    A backlog of BENCH_WORKERS_BATCHES (60) batches of 1,000 rows is
    committed through the real intake while no calc runs; batch k is one
    month of monthly gp-practices data element k mod N (the N of them
    taken in turn), so consecutive batches touch different (indicator,
    breakdown) groups.  Then one, or two, carewatch-calc processes start
    on that database and the time until every batch is in calc_processed
    is measured (polled every 20 ms).  Both workers claim at most
    BENCH_WORKERS_PER_PASS (2) batches a pass
    (CAREWATCH_CALC_BATCHES_PER_PASS); the second has sockets of its own
    and finds work on its timer, as a worker on another machine would.

    The one-worker drain is the baseline in the same run; repetitions
    alternate the order.  Reported: batches/s for each and the ratio.

    Environment: BENCH_DATABASE_URL (required), BENCH_BIN_DIR,
    BENCH_LOG_DIR, BENCH_WORKERS_BATCHES (60), BENCH_WORKERS_PER_PASS (2),
    BENCH_REPS (3), BENCH_OUT.  */
#include "bench_util.h"
#include "log.h"
#include "msg.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

//  Commits the backlog through intake; returns the database's URL in url.
static void
s_backlog (const char *base, const char *db, int nbatches, char *url, size_t len)
{
    bench_db_fresh (base, db, url, len);
    PGconn *c = bench_pg (url);
    bench_ref_t ref;
    bench_ref_load (c, &ref);
    size_t nde;
    char **des = bench_strv (c, "select code from data_elements where partner = 'gp-practices'"
                                " and kind = 'fraction' and frequency = 'month' order by code", &nde);
    PQfinish (c);
    if (nde == 0)
        bench_die ("no monthly fraction data element of gp-practices");
    bench_env_t env;
    bench_env_init (&env, url);
    pid_t intake = bench_spawn (&env, "intake", db);
    if (bench_ping (env.intake, 30000))
        bench_die ("intake did not answer Ping");
    zsock_t *s = zsock_new (ZMQ_DEALER);
    zsock_set_linger (s, 0);
    zsock_connect (s, "%s", env.intake);
    const size_t rows = 1000;
    Carewatch__V1__Observation *obs = calloc (rows, sizeof *obs);
    Carewatch__V1__Observation **obsp = calloc (rows, sizeof *obsp);
    for (int k = 0; k < nbatches; k++) {
        char period [16], key [64];
        int month = k / (int) nde;
        snprintf (period, sizeof period, "%04d-%02d", 2020 + month / 12, month % 12 + 1);
        for (size_t i = 0; i < rows; i++) {
            size_t brk = i / ref.npractices % ref.nbreakdowns, org = i % ref.npractices;
            unsigned long long ks = (unsigned long long) (i * 31 + (size_t) k % nde * 7919 + 7);
            unsigned long long ps = ks * 131 + (unsigned long long) k;
            double d = floor ((200 + floor (bench_rand (&ks) * 4800)) * (0.97 + 0.06 * bench_rand (&ps)));
            double p = (0.5 + 0.45 * bench_rand (&ks)) * (0.98 + 0.02 * bench_rand (&ps));
            carewatch__v1__observation__init (&obs [i]);
            obs [i].data_element = des [(size_t) k % nde];
            obs [i].org_unit = ref.practices [org];
            obs [i].period = period;
            obs [i].breakdown = ref.breakdowns [brk];
            obs [i].has_numerator = obs [i].has_denominator = 1;
            obs [i].denominator = d;
            obs [i].numerator = floor (d * p);
            obsp [i] = &obs [i];
        }
        snprintf (key, sizeof key, "bench-workers-%04d", k);
        Carewatch__V1__SubmitBatch b = CAREWATCH__V1__SUBMIT_BATCH__INIT;
        b.partner = "gp-practices";
        b.batch_key = key;
        b.format = "protobuf";
        b.n_observations = rows;
        b.observations = obsp;
        if (msg_send (s, NULL, &b.base))
            bench_die ("send failed");
        msg_t reply;
        char err [256];
        if (bench_recv_from (s, &intake, 120000, &reply, err, sizeof err))
            bench_die ("batch %d: %s", k, err);
        if (!msg_is (&reply, &carewatch__v1__batch_receipt__descriptor)
        ||  strcmp (((Carewatch__V1__BatchReceipt *) reply.body)->status, "committed"))
            bench_die ("batch %d was not committed", k);
        msg_clear (&reply);
    }
    free (obs);
    free (obsp);
    zsock_destroy (&s);
    bench_stop (intake, 10000);
    bench_strv_free (des, nde);
    bench_ref_free (&ref);
}

//  Starts `workers` calc processes and times the drain of the backlog.
static double
s_drain (const char *url, const char *tag, int workers, int nbatches, long *passes)
{
    PGconn *c = bench_pg (url);
    bench_env_t env [2];
    pid_t pid [2] = { 0, 0 };
    double t0 = bench_now ();
    for (int w = 0; w < workers; w++) {
        char t [96];
        snprintf (t, sizeof t, "%s-w%d", tag, w + 1);
        bench_env_init (&env [w], url);
        pid [w] = bench_spawn (&env [w], "calc", t);
    }
    double done = 0;
    for (;;) {
        double n = bench_sql_num (c, "select count(*) from calc_processed");
        if (n >= nbatches) {
            done = bench_now () - t0;
            break;
        }
        if (bench_now () - t0 > 600)
            bench_die ("%d worker(s) processed %.0f of %d batches in 600 s", workers, n, nbatches);
        for (int w = 0; w < workers; w++) {
            char err [256];
            if (!bench_alive (&pid [w], err, sizeof err))
                bench_die ("calc worker %d: %s", w + 1, err);
        }
        usleep (20000);
    }
    for (int w = 0; w < workers; w++)
        bench_stop (pid [w], 10000);
    for (int w = 0; w < workers; w++) {
        char cmd [1024];
        snprintf (cmd, sizeof cmd, "grep -c batches_processed '%s/%s-w%d-calc.log' 2>/dev/null",
                  bench_env ("BENCH_LOG_DIR", "."), tag, w + 1);
        FILE *f = popen (cmd, "r");
        passes [w] = 0;
        if (f) {
            if (fscanf (f, "%ld", &passes [w]) != 1)
                passes [w] = 0;
            pclose (f);
        }
    }
    PQfinish (c);
    return done;
}

int
main (void)
{
    log_init ("bench", "warn");
    zsys_handler_set (NULL);
    const char *base = getenv ("BENCH_DATABASE_URL");
    if (!base)
        bench_die ("BENCH_DATABASE_URL is unset (run bench/run.sh)");
    int nbatches = (int) bench_env_long ("BENCH_WORKERS_BATCHES", 60);
    long per_pass = bench_env_long ("BENCH_WORKERS_PER_PASS", 2);
    int reps = (int) bench_env_long ("BENCH_REPS", 3);
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;
    char pp [24];
    snprintf (pp, sizeof pp, "%ld", per_pass);
    setenv ("CAREWATCH_CALC_BATCHES_PER_PASS", pp, 1);

    printf ("workers: backlog of %d batches of 1,000 rows, at most %ld per pass; %d repetitions\n", nbatches,
            per_pass, reps);
    fflush (stdout);
    double one [BENCH_MAX_REPS], two [BENCH_MAX_REPS], speedup [BENCH_MAX_REPS];
    long passes [BENCH_MAX_REPS] [3];
    for (int rep = 0; rep < reps; rep++) {
        for (int phase = 0; phase < 2; phase++) {
            int workers = (phase == 0) == (rep % 2 == 0) ? 1 : 2;
            char db [64], url [512], tag [64];
            snprintf (db, sizeof db, "bench_workers_%d_%d", rep, workers);
            snprintf (tag, sizeof tag, "workers-%d-%d", rep, workers);
            s_backlog (base, db, nbatches, url, sizeof url);
            long p [2] = { 0, 0 };
            double t = s_drain (url, tag, workers, nbatches, p);
            if (workers == 1) {
                one [rep] = t;
                passes [rep] [0] = p [0];
            }
            else {
                two [rep] = t;
                passes [rep] [1] = p [0];
                passes [rep] [2] = p [1];
            }
            printf ("  rep %d, %d worker%s: %d batches in %.2f s (%.1f batches/s); passes %ld", rep + 1,
                    workers, workers > 1 ? "s" : " ", nbatches, t, nbatches / t, p [0]);
            if (workers > 1)
                printf (" + %ld", p [1]);
            printf ("\n");
            fflush (stdout);
            bench_db_drop (base, db);
        }
        speedup [rep] = one [rep] / two [rep];
    }
    bench_stat_t s1 = bench_stat (one, reps), s2 = bench_stat (two, reps), sq = bench_stat (speedup, reps);
    printf ("\n");
    bench_row_header ();
    bench_row ("backlog drain, two calc workers", s2, "s", "one worker s", s1, s2.median / s1.median, "-", "");
    printf ("  speed-up (one / two) per repetition:");
    for (int i = 0; i < reps; i++)
        printf (" %.2f", speedup [i]);
    printf ("  (median %.2f)\n", sq.median);

    const char *out = getenv ("BENCH_OUT");
    if (out) {
        json_t *runs = json_array ();
        for (int i = 0; i < reps; i++)
            json_array_append_new (runs, json_pack ("{s:f, s:f, s:f, s:I, s:I, s:I}", "one_worker_seconds", one [i],
                                                    "two_workers_seconds", two [i], "speedup", speedup [i],
                                                    "passes_one", (json_int_t) passes [i] [0], "passes_two_w1",
                                                    (json_int_t) passes [i] [1], "passes_two_w2",
                                                    (json_int_t) passes [i] [2]));
        json_t *j = json_pack ("{s:I, s:I, s:o, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}, s:{s:f, s:f, s:f}}",
                               "batches", (json_int_t) nbatches, "per_pass", (json_int_t) per_pass, "runs", runs,
                               "one_worker_seconds", "median", s1.median, "min", s1.min, "max", s1.max,
                               "two_workers_seconds", "median", s2.median, "min", s2.min, "max", s2.max,
                               "speedup", "median", sq.median, "min", sq.min, "max", sq.max);
        if (json_dump_file (j, out, JSON_INDENT (2)))
            bench_die ("cannot write %s", out);
        json_decref (j);
    }
    return 0;
}
