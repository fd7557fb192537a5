/*  fault_suite: carewatch under faults.

    A partner feed of observations whose values cross their targets back
    and forth flows into the real services (SubmitBatch over ZMQ, and
    POST /v1/batches through the gateway for every third batch).  While it
    flows, a fault thread SIGKILLs each service in turn at a random moment
    (often inside a transaction) and restarts it after a short random
    pause, SIGTERMs each one as a rolling restart would (it must exit 0
    having finished only the work in hand), restarts PostgreSQL
    (scripts/pg.sh restart), and kills the webhook receiver for a while
    before starting it again on the same port.  Every restarted service
    must answer Ping by itself.

    The feeder behaves like a real partner: every batch has a unique key;
    on a timeout, a refusal that says "send it again", an HTTP 5xx or a
    refused connection it sends the same batch under the same key again
    until it gets a receipt, and it records every acknowledged key and its
    rows.

    When the feed is done and `carewatch status --quiet --drained` says
    everything has caught up, the suite reconciles:
      - every acknowledged observation is stored exactly once and current;
      - the indicator values equal a full recompute (0 changed, same md5);
      - every alert transition has exactly one notification per matching
        subscription, every notification is delivered, and the receiver
        logged every delivery id with a 200 (duplicates allowed: at least
        once);
      - every service answers Ping, /readyz is 200, SIGTERM exits 0.

    Size: argv[1], else FAULT_ROWS, else 20000 (the bounded size ctest
    runs; `make faults` runs 200000).  FAULT_SEED fixes the random
    choices.  The figures are printed and written to FAULT_RESULTS
    (default <build>/fault_suite.json).

    This file runs the services and the faults; fault_feed.c is the
    partner feed, fault_reconcile.c the checks and the report, and
    fault_suite.h what they share.  */
#include "check.h"
#include "fault_suite.h"
#include "db.h"
#include "harness.h"
#include "msg.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SECRET "fault-suite-secret"

const char *fault_services [NSERVICES] = { "intake", "calc", "alert", "export", "gateway" };

//  The two subscriptions: a few indicators and org units each.
static const char *s_filters [2] = {
    "{\"rules\": [\"off_target\"], \"indicators\": [\"htn-treated-to-target-monthly\"], \"org_unit\": \"pcn-brierley-hill\"}",
    "{\"indicators\": [\"dqofh-diabetes-3-targets-monthly\"], \"org_unit\": \"pcn-halesowen\"}",
};

// ---------------------------------------------------------------------
//  Small helpers

long long
fault_now_ms (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
fault_sleep_ms (long ms)
{
    if (ms > 0)
        usleep ((useconds_t) ms * 1000);
}

//  A small PRNG per thread (xorshift), seeded from FAULT_SEED.
static unsigned long long
s_rand (unsigned long long *state)
{
    unsigned long long x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

long
fault_between (unsigned long long *state, long lo, long hi)
{
    return lo + (long) (s_rand (state) % (unsigned long long) (hi - lo + 1));
}

//  First value of the first row ("" for none, "(error)" on failure).
void
fault_query (db_t *db, char *out, size_t len, const char *sql)
{
    char err [256];
    PGresult *r = db_exec (db, sql, 0, NULL, DB_TUPLES, err, sizeof err);
    if (!r) {
        fprintf (stderr, "fault_suite: %s: %s\n", sql, err);
        snprintf (out, len, "(error)");
        return;
    }
    snprintf (out, len, "%s", PQntuples (r) && !PQgetisnull (r, 0, 0) ? PQgetvalue (r, 0, 0) : "");
    PQclear (r);
}

long long
fault_count (db_t *db, const char *sql)
{
    char buf [64];
    fault_query (db, buf, sizeof buf, sql);
    return strcmp (buf, "(error)") == 0 ? -1 : atoll (buf);
}

static bool
s_port_open (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port) };
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    bool open = connect (fd, (struct sockaddr *) &a, sizeof a) == 0;
    close (fd);
    return open;
}

//  Gives every harness endpoint, the HTTP port and the receiver distinct
//  ports.
static void
s_assign_ports (harness_t *h, int *receiver_port)
{
    char (*eps [])[64] = { &h->intake, &h->calc, &h->calc_events, &h->calc_control, &h->alert_stream,
                           &h->alert_control, &h->export_, &h->gateway_control };
    int n = (int) (sizeof eps / sizeof eps [0]), ports [16];
    for (int i = 0; i < n + 2; i++)
        ports [i] = harness_free_port ();
    for (int i = 0; i < n; i++)
        snprintf (*eps [i], 64, "tcp://127.0.0.1:%d", ports [i]);
    h->http_port = ports [n];
    *receiver_port = ports [n + 1];
}

//  Runs `carewatch ARGS` with the harness environment (output appended
//  to logs/faults-cli.log).  Returns its exit status.
int
fault_cli (harness_t *h, const char *args)
{
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    harness_export (h);
    return harness_sh ("%s %s >>logs/%s-cli.log 2>&1", bin, args, h->name);
}

//  Runs `carewatch ARGS` and copies the first line of its stdout.
int
fault_cli_line (harness_t *h, const char *args, char *out, size_t len)
{
    char bin [512], cmd [1024];
    harness_bin ("carewatch", bin, sizeof bin);
    harness_export (h);
    snprintf (cmd, sizeof cmd, "%s %s 2>>logs/%s-cli.log", bin, args, h->name);
    out [0] = '\0';
    FILE *p = popen (cmd, "r");
    if (!p)
        return -1;
    if (!fgets (out, (int) len, p))
        out [0] = '\0';
    char rest [256];
    while (fgets (rest, sizeof rest, p))
        ;
    out [strcspn (out, "\n")] = '\0';
    int st = pclose (p);
    return WIFEXITED (st) ? WEXITSTATUS (st) : -1;
}

//  harness_t keeps a slot per process started; restarting services many
//  times would fill it, so drop the slots of processes already reaped.
static void
s_compact (harness_t *h)
{
    int k = 0;
    for (int i = 0; i < h->nprocs; i++)
        if (h->pids [i] > 0) {
            h->pids [k] = h->pids [i];
            memmove (h->procs [k], h->procs [i], sizeof h->procs [k]);
            k++;
        }
    h->nprocs = k;
}

// ---------------------------------------------------------------------
//  The webhook receiver: a real `carewatch receive` process



static int
s_receiver_start (s_receiver_t *self, harness_t *h, int fail_first)
{
    char exe [512], p [16], f [16], errlog [256];
    harness_bin ("carewatch", exe, sizeof exe);
    snprintf (p, sizeof p, "%d", self->port);
    snprintf (f, sizeof f, "%d", fail_first);
    snprintf (errlog, sizeof errlog, "logs/%s-receiver.log", h->name);
    long long deadline = fault_now_ms () + 20000;
    while (fault_now_ms () < deadline) {
        pid_t pid = fork ();
        if (pid == 0) {
            int fd = open (errlog, O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (fd >= 0) {
                dup2 (fd, 1);
                dup2 (fd, 2);
                close (fd);
            }
            execl (exe, exe, "receive", "--port", p, "--secret", SECRET, "--fail-first", f,
                   "--log", self->log, (char *) NULL);
            _exit (127);
        }
        //  Wait until it listens, or exits (the port is not free yet).
        while (fault_now_ms () < deadline) {
            if (waitpid (pid, NULL, WNOHANG) == pid)
                break;
            if (s_port_open (self->port)) {
                self->pid = pid;
                return 0;
            }
            fault_sleep_ms (10);
        }
        if (kill (pid, 0) == 0) {
            kill (pid, SIGKILL);
            waitpid (pid, NULL, 0);
        }
        fault_sleep_ms (200);
    }
    fprintf (stderr, "fault_suite: receiver on port %d did not start; %s says:\n", self->port, errlog);
    harness_sh ("tail -n 3 %s >&2", errlog);
    return -1;
}

static int
s_receiver_stop (s_receiver_t *self, int sig)
{
    if (self->pid <= 0)
        return -1;
    kill (self->pid, sig);
    long long deadline = fault_now_ms () + 5000;
    int st = 0;
    while (waitpid (self->pid, &st, WNOHANG) != self->pid) {
        if (fault_now_ms () > deadline) {
            kill (self->pid, SIGKILL);
            waitpid (self->pid, &st, 0);
            break;
        }
        fault_sleep_ms (5);
    }
    self->pid = 0;
    return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

// ---------------------------------------------------------------------
//  Shared state of the run



//  The log event of one unit of work, and how many may follow a SIGTERM.
static const char *s_work_event [NSERVICES] = { "\"batch_committed\"", "\"batches_processed\"", NULL, NULL, NULL };
static const int s_work_after_term [NSERVICES] = { 1, 1, 0, 0, 0 };



// ---------------------------------------------------------------------
//  Faults

//  Waits up to ms for service's backend to be inside a transaction (so
//  a kill lands mid-work).  Returns true when it was.
static bool
s_wait_in_transaction (db_t *db, const char *service, int ms)
{
    char sql [256];
    snprintf (sql, sizeof sql, "select count(*) from pg_stat_activity where application_name = 'carewatch-%s'"
                               " and xact_start is not null and state <> 'idle'", service);
    long long deadline = fault_now_ms () + ms;
    while (fault_now_ms () < deadline) {
        if (fault_count (db, sql) > 0)
            return true;
        fault_sleep_ms (3);
    }
    return false;
}

static long
s_file_size (const char *path)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return 0;
    fseek (f, 0, SEEK_END);
    long size = ftell (f);
    fclose (f);
    return size;
}

//  Lines holding needle in path from offset on.
static int
s_count_after (const char *path, long offset, const char *needle)
{
    FILE *f = fopen (path, "r");
    if (!f)
        return 0;
    fseek (f, offset, SEEK_SET);
    char *line = NULL;
    size_t cap = 0;
    int n = 0;
    while (getline (&line, &cap, f) > 0)
        n += strstr (line, needle) != NULL;
    free (line);
    fclose (f);
    return n;
}

//  SIGKILL (at a random moment, often inside a transaction) or SIGTERM
//  (a rolling restart: it must exit 0 promptly even under load), then a
//  restart after a short random pause; the service must answer Ping
//  within PING_MS.
static void
s_fault_stop (s_run_t *run, db_t *db, int svc, int sig, unsigned long long *rng)
{
    const char *name = fault_services [svc];
    bool mid = false;
    if (sig == SIGKILL && svc <= 2 && fault_between (rng, 0, 2) > 0)
        mid = s_wait_in_transaction (db, name, 3000);
    else
        fault_sleep_ms (fault_between (rng, 0, 300));
    //  The signal, then where its log stands, then wait for the exit
    //  (harness_stop with signal 0 only waits).
    char log [256];
    snprintf (log, sizeof log, "logs/%s-%s.log", run->h.name, name);
    long long t0 = fault_now_ms ();
    for (int i = 0; i < run->h.nprocs; i++)
        if (run->h.pids [i] > 0 && strcmp (run->h.procs [i], name) == 0)
            kill (run->h.pids [i], sig);
    long offset = s_file_size (log);
    int rc = harness_stop (&run->h, name, 0, sig == SIGKILL ? 5000 : STOP_MS);
    long long stopped = fault_now_ms () - t0;
    if (sig == SIGTERM && s_work_event [svc]) {
        int work = s_count_after (log, offset, s_work_event [svc]);
        if (work > run->work_after_term [svc])
            run->work_after_term [svc] = work;
        if (work > s_work_after_term [svc]) {
            fprintf (stderr, "fault_suite: %s went on working after SIGTERM (%d %s)\n", name, work,
                     s_work_event [svc]);
            run->fault_failures++;
        }
    }
    if (rc != (sig == SIGKILL ? 128 + SIGKILL : 0)) {
        fprintf (stderr, "fault_suite: %s: %s gave exit status %d after %lld ms\n", name,
                 sig == SIGKILL ? "SIGKILL" : "SIGTERM", rc, stopped);
        run->fault_failures++;
        run->term_bad += sig == SIGTERM;
    }
    if (sig == SIGKILL)
        run->kills [svc]++;
    else {
        run->terms [svc]++;
        if (stopped > run->stop_ms_max [svc])
            run->stop_ms_max [svc] = stopped;
    }
    run->kill_in_transaction += mid;
    long pause = fault_between (rng, 100, 1000);
    fprintf (stderr, "fault_suite: [%lld rows] %s %s%s (stopped in %lld ms); restart in %ld ms\n",
             atomic_load (&run->acked_rows), sig == SIGKILL ? "SIGKILL" : "SIGTERM", name,
             mid ? " inside a transaction" : "", stopped, pause);
    fault_sleep_ms (pause);
    s_compact (&run->h);
    t0 = fault_now_ms ();
    if (harness_start (&run->h, name) <= 0
    ||  harness_ping (harness_endpoint (&run->h, name), PING_MS + 30000, NULL, NULL, 0)) {
        fprintf (stderr, "fault_suite: %s did not come back after a restart\n", name);
        run->fault_failures++;
        return;
    }
    long long took = fault_now_ms () - t0;
    if (took > run->recover_ms_max [svc])
        run->recover_ms_max [svc] = took;
    if (took > PING_MS) {
        fprintf (stderr, "fault_suite: %s took %lld ms to answer Ping after a restart\n", name, took);
        run->fault_failures++;
    }
}

//  Restarts PostgreSQL under the running services, then waits until
//  every service says its database answers again.
static void
s_fault_pg (s_run_t *run, db_t *db, unsigned long long *rng)
{
    //  Mostly while intake or calc is inside a transaction.
    int who = (int) fault_between (rng, 0, 2);
    bool mid = who < 2 && s_wait_in_transaction (db, fault_services [who], 3000);
    fprintf (stderr, "fault_suite: [%lld rows] restarting PostgreSQL%s%s\n", atomic_load (&run->acked_rows),
             mid ? " while in a transaction: " : "", mid ? fault_services [who] : "");
    run->pg_in_transaction += mid;
    long long t0 = fault_now_ms ();
    int rc = harness_sh ("%s restart %s >/dev/null 2>&1", run->pg_script, run->pg_name);
    if (rc != 0) {
        fprintf (stderr, "fault_suite: pg.sh restart exited %d\n", rc);
        run->fault_failures++;
    }
    run->pg_restarts++;
    for (int s = 0; s < NSERVICES; s++) {
        bool ok = false;
        long long deadline = fault_now_ms () + 60000;
        while (!ok && fault_now_ms () < deadline)
            if (harness_ping (harness_endpoint (&run->h, fault_services [s]), 5000, &ok, NULL, 0) || !ok)
                fault_sleep_ms (100);
        if (!ok) {
            fprintf (stderr, "fault_suite: %s did not get its database back\n", fault_services [s]);
            run->fault_failures++;
        }
    }
    long long took = fault_now_ms () - t0;
    if (took > run->pg_recover_ms_max)
        run->pg_recover_ms_max = took;
    fprintf (stderr, "fault_suite: PostgreSQL back for every service after %lld ms\n", took);
}

static void *
s_fault_thread (void *arg)
{
    s_run_t *run = arg;
    unsigned long long rng = run->seed ^ 0xfa017ULL;
    db_t *db = db_new (run->h.db_url, "fault-injector", 10000);
    char err [256];
    db_connect (db, 10000, err, sizeof err);
    int next = 0;
    long long receiver_up_at = 0;
    while (true) {
        long long acked = atomic_load (&run->acked_rows);
        if (run->receiver.pid == 0 && receiver_up_at && fault_now_ms () >= receiver_up_at) {
            //  Back on the same port, failing its first two requests.
            if (s_receiver_start (&run->receiver, &run->h, 2))
                run->fault_failures++;
            fprintf (stderr, "fault_suite: [%lld rows] receiver back\n", acked);
            receiver_up_at = 0;
            continue;
        }
        if (next < run->nfaults && run->faults [next].at_rows <= acked) {
            s_fault_t *f = &run->faults [next];
            atomic_store (&run->faults_started, next + 1);
            next++;
            if (f->kind == F_KILL || f->kind == F_TERM)
                s_fault_stop (run, db, f->service, f->kind == F_KILL ? SIGKILL : SIGTERM, &rng);
            else if (f->kind == F_PG_RESTART)
                s_fault_pg (run, db, &rng);
            else if (run->receiver.pid > 0) {
                s_receiver_stop (&run->receiver, SIGKILL);
                long down = fault_between (&rng, 1500, 4000);
                receiver_up_at = fault_now_ms () + down;
                run->receiver_down_ms += down;
                run->receiver_outages++;
                fprintf (stderr, "fault_suite: [%lld rows] receiver SIGKILLed for %ld ms\n", acked, down);
            }
            continue;
        }
        if (atomic_load (&run->feed_done) && next >= run->nfaults && !receiver_up_at)
            break;
        fault_sleep_ms (3);
    }
    db_destroy (&db);
    return NULL;
}

//  Each round: every service SIGKILLed once and SIGTERMed once, one
//  PostgreSQL restart, one receiver outage, in a random order at random
//  points of the feed.
static void
s_schedule (s_run_t *run, int rounds)
{
    unsigned long long rng = run->seed ^ 0x5c4edULL;
    int per = 2 * NSERVICES + 2;
    run->nfaults = rounds * per;
    run->faults = calloc ((size_t) run->nfaults, sizeof *run->faults);
    long long total = 0;
    for (size_t i = 0; i < run->nbatches; i++)
        total += (long long) run->batches [i].rows;
    for (int r = 0; r < rounds; r++) {
        s_fault_t *f = &run->faults [r * per];
        for (int i = 0; i < per; i++)
            f [i] = (s_fault_t) { i < NSERVICES ? F_KILL : i < 2 * NSERVICES ? F_TERM
                                  : i == 2 * NSERVICES ? F_PG_RESTART : F_RECEIVER, i % NSERVICES, 0 };
        for (int i = per - 1; i > 0; i--) {
            int j = (int) fault_between (&rng, 0, i);
            s_fault_t t = f [i];
            f [i] = f [j];
            f [j] = t;
        }
        //  Thresholds spread over this round's share of 3%..90% of the rows.
        double lo = 0.03 + 0.87 * r / rounds, hi = 0.03 + 0.87 * (r + 1) / rounds;
        long long at [2 * NSERVICES + 2];
        for (int i = 0; i < per; i++)
            at [i] = (long long) (total * (lo + (hi - lo) * (double) (s_rand (&rng) % 10000) / 10000.0));
        for (int a = 1; a < per; a++)
            for (int b = a; b > 0 && at [b - 1] > at [b]; b--) {
                long long t = at [b];
                at [b] = at [b - 1];
                at [b - 1] = t;
            }
        for (int i = 0; i < per; i++)
            f [i].at_rows = at [i];
    }
}

// ---------------------------------------------------------------------

int
main (int argc, char **argv)
{
    long long t0 = fault_now_ms ();
    signal (SIGPIPE, SIG_IGN);
    static s_run_t run;
    const char *size = argc > 1 ? argv [1] : getenv ("FAULT_ROWS");
    run.target_rows = size && atoll (size) > 0 ? atoll (size) : 20000;
    const char *seed = getenv ("FAULT_SEED");
    run.seed = seed && *seed ? strtoull (seed, NULL, 10) : (unsigned long long) time (NULL) ^ (unsigned long long) getpid ();
    if (run.seed == 0)
        run.seed = 1;
    fprintf (stderr, "fault_suite: %lld rows, FAULT_SEED=%llu\n", run.target_rows, run.seed);
    const char *script = getenv ("CAREWATCH_TEST_PG_SCRIPT"), *cluster = getenv ("CAREWATCH_TEST_PG_NAME");
    if (harness_init (&run.h, "faults"))
        return 1;
    s_assign_ports (&run.h, &run.receiver.port);
    snprintf (run.pg_script, sizeof run.pg_script, "%s", script);
    snprintf (run.pg_name, sizeof run.pg_name, "%s", cluster);
    curl_global_init (CURL_GLOBAL_DEFAULT);

    //  Notifications retry fast and never go dead within the run.
    setenv ("CAREWATCH_WEBHOOK_RETRY_MS", "100", 1);
    setenv ("CAREWATCH_WEBHOOK_MAX_ATTEMPTS", "1000", 1);
    setenv ("CAREWATCH_WEBHOOK_TIMEOUT_MS", "2000", 1);
    setenv ("CAREWATCH_MISSING_CHECK_MS", "500", 1);
    setenv ("CAREWATCH_GATEWAY_TIMEOUT_MS", "10000", 1);
    for (int s = 0; s < NSERVICES; s++)
        CHECK (harness_start (&run.h, fault_services [s]) > 0);
    for (int s = 0; s < NSERVICES; s++)
        CHECK_INT (harness_ping (harness_endpoint (&run.h, fault_services [s]), 60000, NULL, NULL, 0), 0);
    db_t *db = db_new (run.h.db_url, "fault-suite", 600000);
    char err [256];
    CHECK_INT (db_connect (db, 10000, err, sizeof err), 0);

    PGresult *res = db_exec (db, "select code from org_units where level = 'practice' order by code",
                             0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    for (int i = 0; res && i < PQntuples (res) && run.npractices < MAX_PRACTICES; i++)
        snprintf (run.practices [run.npractices++], 32, "%s", PQgetvalue (res, i, 0));
    if (res)
        PQclear (res);
    CHECK (run.npractices >= 40);

    //  Partner keys for the gateway, the receiver and the subscriptions.
    CHECK_INT (fault_cli_line (&run.h, "key create --role partner --partner gp-practices --label faults",
                           run.keys [0], sizeof run.keys [0]), 0);
    CHECK_INT (fault_cli_line (&run.h, "key create --role partner --partner dihc --label faults",
                           run.keys [1], sizeof run.keys [1]), 0);
    snprintf (run.receiver.log, sizeof run.receiver.log, "logs/%s-%d-webhooks.log", run.h.name, (int) getpid ());
    unlink (run.receiver.log);
    //  No subscription names the port yet, so a port that will not bind
    //  is swapped for another before giving up.
    int started = -1;
    for (int i = 0; i < 3 && started; i++)
        if ((started = s_receiver_start (&run.receiver, &run.h, 0)))
            run.receiver.port = harness_free_port ();
    CHECK_INT (started, 0);
    for (int i = 0; i < 2; i++) {
        char args [1024];
        snprintf (args, sizeof args, "subscribe --subscriber faults-%d --webhook http://127.0.0.1:%d/hook"
                  " --secret " SECRET " --filter '%s'", i, run.receiver.port, s_filters [i]);
        CHECK_INT (fault_cli (&run.h, args), 0);
    }
    if (check_failures || !*run.keys [0] || !*run.keys [1]) {
        fprintf (stderr, "fault_suite: set-up failed\n");
        s_receiver_stop (&run.receiver, SIGKILL);
        harness_cleanup (&run.h);
        db_destroy (&db);
        curl_global_cleanup ();
        return check_done ("fault_suite");
    }

    //  Feed under faults.
    fault_plan (&run);
    s_schedule (&run, run.target_rows >= 100000 ? (int) (run.target_rows / 60000) : 1);
    for (int i = 0; i < run.nfaults; i++)
        fprintf (stderr, "fault_suite: fault %d at %lld rows: %s %s\n", i, run.faults [i].at_rows,
                 run.faults [i].kind == F_KILL ? "SIGKILL" : run.faults [i].kind == F_TERM ? "SIGTERM"
                 : run.faults [i].kind == F_PG_RESTART ? "postgresql restart" : "receiver outage",
                 run.faults [i].kind <= F_TERM ? fault_services [run.faults [i].service] : "");
    pthread_t faults;
    CHECK_INT (pthread_create (&faults, NULL, s_fault_thread, &run), 0);
    CHECK_INT (fault_feed (&run), 0);
    pthread_join (faults, NULL);
    CHECK_INT (run.fault_failures, 0);

    //  Drain: calc and alert caught up, the outbox empty.  The missing
    //  data check runs on its own timer, so wait for it twice over and
    //  drain again.
    long long d0 = fault_now_ms ();
    int drain_timeout = (int) (120000 + run.target_rows);
    CHECK (fault_wait_drained (&run, drain_timeout));
    fault_sleep_ms (1500);
    CHECK (fault_wait_drained (&run, drain_timeout));
    run.drain_ms = fault_now_ms () - d0;

    fault_reco_t r;
    fault_reconcile (&run, db, &r);

    //  Acknowledged means stored, once, current.
    long long acked_rows = atomic_load (&run.acked_rows);
    CHECK (acked_rows >= run.target_rows);
    CHECK_INT (r.wrong_counts, 0);
    CHECK_INT (r.unacked_in_db, 0);
    CHECK_INT (r.current_rows, acked_rows);
    CHECK_INT (r.all_rows, acked_rows);
    CHECK_INT (r.duplicate_keys, 0);
    //  The values are what a full recompute gives.
    CHECK_CONTAINS (r.recompute, "; 0 changed");
    CHECK (r.md5_same);
    //  Exactly one notification per matching transition, all delivered,
    //  each delivery id answered 200 by the receiver at least once.
    CHECK (r.matching_fired > 0);
    CHECK (r.matching_resolved > 0);
    CHECK_INT (r.exactly_one, r.matching);
    CHECK_INT (r.missing, 0);
    CHECK_INT (r.extra, 0);
    CHECK_INT (r.notifications, r.matching);
    CHECK_INT (r.undelivered, 0);
    CHECK_INT (r.ids_missing, 0);
    CHECK_INT (r.ids_unknown, 0);
    CHECK_INT ((long long) r.distinct_ok, r.notifications);
    CHECK_INT (r.bad_signatures, 0);
    //  Faults happened: every service killed, PostgreSQL and the receiver.
    for (int s = 0; s < NSERVICES; s++)
        CHECK (run.kills [s] >= 1 && run.terms [s] >= 1);
    CHECK (run.pg_restarts >= 1);
    CHECK (run.receiver_outages >= 1);

    //  Nobody needed a hand: every service answers, /readyz is 200, and
    //  each stops cleanly.
    for (int s = 0; s < NSERVICES; s++) {
        bool db_ok = false;
        CHECK_INT (harness_ping (harness_endpoint (&run.h, fault_services [s]), 10000, &db_ok, NULL, 0), 0);
        CHECK (db_ok);
    }
    CHECK_INT (fault_http_get (run.h.http_port, "/readyz"), 200);
    for (int s = NSERVICES - 1; s >= 0; s--)
        CHECK_INT (harness_stop (&run.h, fault_services [s], SIGTERM, 20000), 0);
    CHECK_INT (s_receiver_stop (&run.receiver, SIGTERM), 0);

    run.total_ms = fault_now_ms () - t0;
    fault_report (&run, &r, check_failures);
    free (run.batches);
    free (run.faults);
    db_destroy (&db);
    harness_cleanup (&run.h);
    curl_global_cleanup ();
    return check_done ("fault_suite");
}
