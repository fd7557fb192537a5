/*  bench_frontdoor: does the gateway's front door stay open under a
    slowloris and a stalled back end?  (issue 13)

    Setup: a fresh database, carewatch-intake, -export and -gateway.
    Baseline (each repetition): BENCH_FD_PROBES GET /healthz, each on a new
    connection, with nothing else going on.
    Under load: intake stopped (SIGSTOP), BENCH_FD_SLOW (500) connections
    held open from five loopback addresses (127.0.0.2-6), each sending one
    more byte of a request line every 2 s so the idle timeout never
    closes them, and 8 batch POSTs with a partner key waiting on the
    stopped intake; then the same /healthz probes.  The figure is the p99
    of the probes under load against the p99 of the baseline; the goal is
    p99 under 50 ms.  The gateway's peak RSS is reported too.

    Environment: BENCH_DATABASE_URL (required), BENCH_BIN_DIR,
    BENCH_LOG_DIR, BENCH_REPS (3), BENCH_FD_SLOW (500), BENCH_FD_PROBES
    (500), BENCH_OUT.  */
#include "bench_util.h"
#include "harness.h"
#include "apikey.h"
#include "log.h"

#include <czmq.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static int s_port;

static int
s_connect (const char *src)
{
    return harness_connect (src, s_port);
}

//  One GET /healthz on a new connection; its time in ms, or -1.
static double
s_probe (void)
{
    double t0 = bench_now ();
    int fd = s_connect (NULL);
    if (fd < 0)
        return -1;
    const char *req = "GET /healthz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
    send (fd, req, strlen (req), MSG_NOSIGNAL);
    char buf [1024];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll (&p, 1, 5000) <= 0)
            break;
        ssize_t n = recv (fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t) n;
    }
    buf [len] = '\0';
    close (fd);
    return strncmp (buf, "HTTP/1.1 200", 12) == 0 ? (bench_now () - t0) * 1000 : -1;
}

//  n probes; their p99 and p50 in ms.  Between probes, fds (nfds) get one
//  more byte every 2 s.
static void
s_probes (int n, int *fds, int nfds, double *p50, double *p99, int *failed)
{
    double *ms = calloc ((size_t) n, sizeof *ms);
    double last = bench_now ();
    int ok = 0;
    *failed = 0;
    for (int i = 0; i < n; i++) {
        if (nfds && bench_now () - last > 2) {
            for (int k = 0; k < nfds; k++)
                if (fds [k] >= 0)
                    send (fds [k], "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
            last = bench_now ();
        }
        double t = s_probe ();
        if (t < 0)
            (*failed)++;
        else
            ms [ok++] = t;
        usleep (2000);
    }
    *p50 = bench_percentile (ms, ok, 50);
    *p99 = bench_percentile (ms, ok, 99);
    free (ms);
}

int
main (void)
{
    log_init ("bench", "warn");
    zsys_handler_set (NULL);
    signal (SIGPIPE, SIG_IGN);
    const char *base = getenv ("BENCH_DATABASE_URL");
    if (!base)
        bench_die ("BENCH_DATABASE_URL is unset (run bench/run.sh)");
    int reps = (int) bench_env_long ("BENCH_REPS", 3);
    int nslow = (int) bench_env_long ("BENCH_FD_SLOW", 500);
    int nprobes = (int) bench_env_long ("BENCH_FD_PROBES", 500);
    if (reps > BENCH_MAX_REPS)
        reps = BENCH_MAX_REPS;
    struct rlimit rl;
    if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit (RLIMIT_NOFILE, &rl);
    }

    char url [512], err [256], key [APIKEY_LEN + 1];
    bench_db_fresh (base, "bench_frontdoor", url, sizeof url);
    bench_env_t env;
    bench_env_init (&env, url);
    s_port = env.http_port;
    setenv ("CAREWATCH_GATEWAY_TIMEOUT_MS", "30000", 1);
    pid_t intake = bench_spawn (&env, "intake", "frontdoor");
    pid_t export_ = bench_spawn (&env, "export", "frontdoor");
    pid_t gateway = bench_spawn (&env, "gateway", "frontdoor");
    if (bench_ping (env.intake, 30000) || bench_ping (env.gateway_control, 30000))
        bench_die ("the services did not start (see BENCH_LOG_DIR)");
    db_t *db = db_new (url, "bench", 10000);
    if (db_connect (db, 10000, err, sizeof err) || apikey_create (db, "partner", "dmbc-corp", "bench", key, err, sizeof err) < 0)
        bench_die ("api key: %s", err);
    db_destroy (&db);
    for (int i = 0; i < 100 && s_probe () < 0; i++)
        usleep (50000);

    double base99 [BENCH_MAX_REPS], load99 [BENCH_MAX_REPS], load50 [BENCH_MAX_REPS];
    int failures = 0;
    const char *ips [] = { "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6" };
    int *fds = calloc ((size_t) nslow, sizeof *fds);
    for (int r = 0; r < reps; r++) {
        double p50;
        int failed;
        s_probes (nprobes, NULL, 0, &p50, &base99 [r], &failed);
        failures += failed;
        //  The load: intake stopped, slow connections, waiting batches.
        kill (intake, SIGSTOP);
        int held = 0;
        for (int i = 0; i < nslow; i++) {
            fds [i] = s_connect (ips [i % 5]);
            if (fds [i] >= 0 && send (fds [i], "GET /v1/ind", 11, MSG_NOSIGNAL) == 11)
                held++;
        }
        int posts [8];
        const char *body = "{\"batch_key\": \"bench-stalled\", \"observations\": []}";
        for (int i = 0; i < 8; i++) {
            char req [512];
            posts [i] = s_connect (NULL);
            int n = snprintf (req, sizeof req, "POST /v1/batches HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\n"
                              "Authorization: Bearer %s\r\nContent-Length: %zu\r\n\r\n%s", key, strlen (body), body);
            send (posts [i], req, (size_t) n, MSG_NOSIGNAL);
        }
        usleep (300000);
        s_probes (nprobes, fds, nslow, &load50 [r], &load99 [r], &failed);
        failures += failed;
        printf ("   rep %d: %d slow connections held, /healthz p50 %.2f ms p99 %.2f ms (idle p99 %.2f ms), %d failed\n",
                r + 1, held, load50 [r], load99 [r], base99 [r], failed);
        for (int i = 0; i < nslow; i++)
            if (fds [i] >= 0)
                close (fds [i]);
        for (int i = 0; i < 8; i++)
            close (posts [i]);
        kill (intake, SIGCONT);
        usleep (500000);
    }
    free (fds);
    long rss = bench_vmhwm_kb (gateway);
    bench_stat_t sl = bench_stat (load99, reps), sb = bench_stat (base99, reps), s50 = bench_stat (load50, reps);
    bool met = sl.median < 50 && failures == 0;
    bench_row_header ();
    bench_row ("healthz p99, 500 slow + intake stopped", sl, "ms", "healthz p99 idle", sb,
               sl.median / (sb.median > 0 ? sb.median : 1), "p99 < 50 ms", met ? "met" : "missed");
    printf ("   gateway peak RSS %ld kB; probes that failed: %d\n", rss, failures);
    const char *out = getenv ("BENCH_OUT");
    FILE *f = out ? fopen (out, "w") : NULL;
    if (f) {
        fprintf (f, "{\"slow_connections\": %d, \"probes\": %d, \"healthz_p99_ms\": %.3f, \"healthz_p50_ms\": %.3f,"
                    " \"baseline_p99_ms\": %.3f, \"failed_probes\": %d, \"gateway_peak_rss_kb\": %ld, \"goal_met\": %s}\n",
                 nslow, nprobes, sl.median, s50.median, sb.median, failures, rss, met ? "true" : "false");
        fclose (f);
    }
    bench_stop (gateway, 10000);
    bench_stop (export_, 10000);
    bench_stop (intake, 10000);
    bench_db_drop (base, "bench_frontdoor");
    return 0;
}
