/*  bench_util: shared plumbing for the carewatch benchmarks.  */
#include "bench_util.h"
#include "harness.h"
#include "db.h"
#include "migrate.h"
#include "msg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double
bench_now (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

const char *
bench_env (const char *name, const char *def)
{
    const char *v = getenv (name);
    return v && *v ? v : def;
}

long
bench_env_long (const char *name, long def)
{
    const char *v = getenv (name);
    if (!v || !*v)
        return def;
    char *end;
    long n = strtol (v, &end, 10);
    if (*end || n <= 0)
        bench_die ("%s='%s' is not a positive integer", name, v);
    return n;
}

//  Services this process started, stopped by bench_die so none outlives
//  a failed benchmark.
static pid_t s_children [64];
static int s_nchildren;

static void
s_forget (pid_t pid)
{
    for (int i = 0; i < s_nchildren; i++)
        if (s_children [i] == pid)
            s_children [i] = 0;
}

void
bench_die (const char *fmt, ...)
{
    for (int i = 0; i < s_nchildren; i++)
        if (s_children [i] > 0) {
            kill (s_children [i], SIGKILL);
            waitpid (s_children [i], NULL, 0);
        }
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, "bench: ");
    vfprintf (stderr, fmt, ap);
    fprintf (stderr, "\n");
    va_end (ap);
    exit (1);
}

static int
s_cmp_double (const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

bench_stat_t
bench_stat (const double *v, int n)
{
    bench_stat_t s = { NAN, NAN, NAN, NAN, n };
    if (n <= 0)
        return s;
    double *c = malloc ((size_t) n * sizeof *c);
    memcpy (c, v, (size_t) n * sizeof *c);
    qsort (c, (size_t) n, sizeof *c, s_cmp_double);
    s.median = n % 2 ? c [n / 2] : (c [n / 2 - 1] + c [n / 2]) / 2;
    s.min = c [0];
    s.max = c [n - 1];
    s.spread = s.median != 0 ? (s.max - s.min) / fabs (s.median) : NAN;
    free (c);
    return s;
}

double
bench_percentile (const double *v, int n, double p)
{
    if (n <= 0)
        return NAN;
    double *c = malloc ((size_t) n * sizeof *c);
    memcpy (c, v, (size_t) n * sizeof *c);
    qsort (c, (size_t) n, sizeof *c, s_cmp_double);
    int rank = (int) ceil (p / 100.0 * n);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    double r = c [rank - 1];
    free (c);
    return r;
}

double
bench_rand (unsigned long long *state)
{
    //  splitmix64
    unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double) (z >> 11) / 9007199254740992.0;
}

// ---------------------------------------------------------------------

void
bench_db_url (const char *base, const char *db, char *out, size_t len)
{
    //  postgresql:///NAME?query  ->  postgresql:///db?query
    const char *q = strchr (base, '?');
    const char *end = q ? q : base + strlen (base);
    const char *slash = end;
    while (slash > base && slash [-1] != '/')
        slash--;
    snprintf (out, len, "%.*s%s%s", (int) (slash - base), base, db, q ? q : "");
}

PGconn *
bench_pg (const char *url)
{
    PGconn *c = PQconnectdb (url);
    if (PQstatus (c) != CONNECTION_OK)
        bench_die ("cannot connect to %s: %s", url, PQerrorMessage (c));
    PQsetNoticeProcessor (c, NULL, NULL);
    PGresult *r = PQexec (c, "set client_min_messages = warning");
    PQclear (r);
    return c;
}

PGresult *
bench_sql (PGconn *c, const char *sql)
{
    PGresult *r = PQexec (c, sql);
    ExecStatusType st = PQresultStatus (r);
    if (st == PGRES_TUPLES_OK)
        return r;
    if (st != PGRES_COMMAND_OK)
        bench_die ("%s: %s", sql, PQresultErrorMessage (r));
    PQclear (r);
    return NULL;
}

double
bench_sql_num (PGconn *c, const char *sql)
{
    PGresult *r = bench_sql (c, sql);
    if (!r || PQntuples (r) < 1)
        bench_die ("%s: no row", sql);
    double v = PQgetisnull (r, 0, 0) ? NAN : atof (PQgetvalue (r, 0, 0));
    PQclear (r);
    return v;
}

void
bench_copy (PGconn *c, const char *copy_sql, const char *data, size_t len)
{
    PGresult *r = PQexec (c, copy_sql);
    if (PQresultStatus (r) != PGRES_COPY_IN)
        bench_die ("%s: %s", copy_sql, PQresultErrorMessage (r));
    PQclear (r);
    const size_t chunk = 1 << 20;
    for (size_t off = 0; off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        if (PQputCopyData (c, data + off, (int) n) != 1)
            bench_die ("copy: %s", PQerrorMessage (c));
    }
    if (PQputCopyEnd (c, NULL) != 1)
        bench_die ("copy end: %s", PQerrorMessage (c));
    while ((r = PQgetResult (c))) {
        if (PQresultStatus (r) != PGRES_COMMAND_OK)
            bench_die ("copy: %s", PQresultErrorMessage (r));
        PQclear (r);
    }
}

void
bench_db_drop (const char *base, const char *db)
{
    PGconn *c = bench_pg (base);
    char sql [256];
    snprintf (sql, sizeof sql, "drop database if exists %s with (force)", db);
    bench_sql (c, sql);
    PQfinish (c);
}

void
bench_db_fresh (const char *base, const char *db, char *url, size_t len)
{
    bench_db_drop (base, db);
    PGconn *c = bench_pg (base);
    char sql [256];
    snprintf (sql, sizeof sql, "create database %s", db);
    bench_sql (c, sql);
    //  Profiling aid: BENCH_PG_LOG_MS=N logs every statement slower than
    //  N ms of this database into the cluster's postgres.log.
    const char *log_ms = getenv ("BENCH_PG_LOG_MS");
    if (log_ms && *log_ms) {
        snprintf (sql, sizeof sql, "alter database %s set log_min_duration_statement = %d", db, atoi (log_ms));
        bench_sql (c, sql);
    }
    //  BENCH_PG_EXPLAIN_MS=N logs the plan of every statement slower than
    //  N ms (auto_explain, with actual row counts and times).
    const char *explain_ms = getenv ("BENCH_PG_EXPLAIN_MS");
    if (explain_ms && *explain_ms) {
        snprintf (sql, sizeof sql, "alter database %s set session_preload_libraries = 'auto_explain'", db);
        bench_sql (c, sql);
        snprintf (sql, sizeof sql, "alter database %s set auto_explain.log_min_duration = %d", db,
                  atoi (explain_ms));
        bench_sql (c, sql);
        snprintf (sql, sizeof sql, "alter database %s set auto_explain.log_analyze = on", db);
        bench_sql (c, sql);
        snprintf (sql, sizeof sql, "alter database %s set auto_explain.log_triggers = on", db);
        bench_sql (c, sql);
    }
    PQfinish (c);
    bench_db_url (base, db, url, len);
    db_t *h = db_new (url, "bench-migrate", 600000);
    char err [1024];
    if (db_connect (h, 30000, err, sizeof err) || migrate_run (h, NULL, err, sizeof err))
        bench_die ("migrate %s: %s", db, err);
    db_destroy (&h);
}

// ---------------------------------------------------------------------

static int
s_free_port (void)
{
    int port = harness_free_port ();
    if (port < 0)
        bench_die ("no free port");
    return port;
}

void
bench_env_init (bench_env_t *self, const char *db_url)
{
    memset (self, 0, sizeof *self);
    snprintf (self->db_url, sizeof self->db_url, "%s", db_url);
    char (*eps []) [64] = { &self->intake, &self->calc, &self->calc_events, &self->calc_control,
                            &self->alert_stream, &self->alert_control, &self->export_,
                            &self->gateway_control };
    for (size_t i = 0; i < sizeof eps / sizeof eps [0]; i++)
        snprintf (*eps [i], 64, "tcp://127.0.0.1:%d", s_free_port ());
    self->http_port = s_free_port ();
    self->log_level = bench_env ("BENCH_LOG_LEVEL", "info");
}

pid_t
bench_spawn (const bench_env_t *self, const char *service, const char *tag)
{
    char exe [1024], log [1024];
    snprintf (exe, sizeof exe, "%s/carewatch-%s", bench_env ("BENCH_BIN_DIR", "."), service);
    const char *dir = bench_env ("BENCH_LOG_DIR", ".");
    mkdir (dir, 0755);
    snprintf (log, sizeof log, "%s/%s-%s.log", dir, tag, service);
    pid_t pid = fork ();
    if (pid < 0)
        bench_die ("fork: %s", strerror (errno));
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);      //  never outlive the benchmark
        harness_setup_t e = { self->db_url, self->intake, self->calc, self->calc_events, self->calc_control,
                              self->alert_stream, self->alert_control, self->export_, self->gateway_control,
                              self->http_port, self->log_level };
        harness_setenv (&e);
        //  The services' own statement timeout unless BENCH_DB_TIMEOUT_MS
        //  overrides it (to see how long a statement that times out takes).
        const char *timeout = getenv ("BENCH_DB_TIMEOUT_MS");
        if (timeout && *timeout)
            setenv ("CAREWATCH_DB_TIMEOUT_MS", timeout, 1);
        harness_exec (exe, log, true);
    }
    if (s_nchildren < (int) (sizeof s_children / sizeof s_children [0]))
        s_children [s_nchildren++] = pid;
    return pid;
}

int
bench_stop (pid_t pid, int timeout_ms)
{
    if (pid <= 0)
        return -1;
    s_forget (pid);
    kill (pid, SIGTERM);
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        int st;
        if (waitpid (pid, &st, WNOHANG) == pid)
            return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
        usleep (10000);
    }
    kill (pid, SIGKILL);
    waitpid (pid, NULL, 0);
    return -1;
}

bool
bench_alive (pid_t *pid, char *err, size_t errlen)
{
    int st;
    if (*pid <= 0 || waitpid (*pid, &st, WNOHANG) != *pid)
        return *pid > 0;
    s_forget (*pid);
    if (WIFSIGNALED (st))
        snprintf (err, errlen, "pid %d was killed by signal %d from outside the benchmark", (int) *pid,
                  WTERMSIG (st));
    else
        snprintf (err, errlen, "pid %d exited with status %d", (int) *pid, WEXITSTATUS (st));
    *pid = 0;
    return false;
}

int
bench_recv_from (void *sock, pid_t *pid, int timeout_ms, void *msg_out, char *err, size_t errlen)
{
    double t0 = bench_now ();
    zsock_set_rcvtimeo (sock, 500);
    while (true) {
        if (msg_recv (sock, false, 256 << 20, (msg_t *) msg_out, err, errlen) == 0)
            return 0;
        if (!bench_alive (pid, err, errlen))
            return -2;
        if ((bench_now () - t0) * 1000 > timeout_ms) {
            snprintf (err, errlen, "no answer within %d ms", timeout_ms);
            return -1;
        }
    }
}

int
bench_ping (const char *endpoint, int timeout_ms)
{
    double t0 = bench_now ();
    while (true) {
        zsock_t *sock = zsock_new (ZMQ_DEALER);
        zsock_set_linger (sock, 0);
        zsock_set_rcvtimeo (sock, 300);
        zsock_connect (sock, "%s", endpoint);
        Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
        ping.from = "bench";
        msg_send (sock, NULL, &ping.base);
        msg_t reply;
        char err [256];
        int rc = msg_recv (sock, false, 1 << 20, &reply, err, sizeof err);
        bool pong = rc == 0 && msg_is (&reply, &carewatch__v1__pong__descriptor);
        if (rc == 0)
            msg_clear (&reply);
        zsock_destroy (&sock);
        if (pong)
            return 0;
        if ((bench_now () - t0) * 1000 > timeout_ms)
            return -1;
    }
}

long
bench_vmhwm_kb (pid_t pid)
{
    char path [64], line [256];
    snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
    FILE *f = fopen (path, "r");
    if (!f)
        return -1;
    long kb = -1;
    while (fgets (line, sizeof line, f))
        if (strncmp (line, "VmHWM:", 6) == 0)
            kb = atol (line + 6);
    fclose (f);
    return kb;
}

// ---------------------------------------------------------------------

char **
bench_strv (PGconn *c, const char *sql, size_t *n)
{
    PGresult *r = bench_sql (c, sql);
    *n = (size_t) PQntuples (r);
    char **v = calloc (*n + 1, sizeof *v);
    for (size_t i = 0; i < *n; i++)
        v [i] = strdup (PQgetvalue (r, (int) i, 0));
    PQclear (r);
    return v;
}

void
bench_strv_free (char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free (v [i]);
    free (v);
}

void
bench_ref_load (PGconn *c, bench_ref_t *ref)
{
    ref->practices = bench_strv (c, "select code from org_units where level = 'practice' order by code",
                                 &ref->npractices);
    ref->breakdowns = bench_strv (c, "select code from breakdowns order by code <> 'total', dimension,"
                                     " coalesce (rank, 0), code", &ref->nbreakdowns);
    if (ref->npractices == 0 || ref->nbreakdowns == 0)
        bench_die ("reference data missing (practices %zu, breakdowns %zu)", ref->npractices,
                   ref->nbreakdowns);
}

void
bench_ref_free (bench_ref_t *ref)
{
    bench_strv_free (ref->practices, ref->npractices);
    bench_strv_free (ref->breakdowns, ref->nbreakdowns);
    memset (ref, 0, sizeof *ref);
}

void
bench_row (const char *name, bench_stat_t s, const char *unit, const char *baseline_name,
           bench_stat_t b, double ratio, const char *goal, const char *verdict)
{
    char spread [16] = "-", base [64] = "-", rat [16] = "-", med [32], line [512];
    if (!isnan (s.spread))
        snprintf (spread, sizeof spread, "%.0f%%", 100 * s.spread);
    if (baseline_name && !isnan (b.median))
        snprintf (base, sizeof base, "%.4g %s", b.median, baseline_name);
    if (!isnan (ratio))
        snprintf (rat, sizeof rat, "%.3g", ratio);
    snprintf (med, sizeof med, "%.4g %s", s.median, unit);
    snprintf (line, sizeof line, "%-36s %-16s %-7s %-24s %-7s %-13s %s\n", name, med, spread, base, rat,
              goal ? goal : "-", verdict ? verdict : "");
    fputs (line, stdout);
    const char *table = getenv ("BENCH_TABLE");
    FILE *f = table ? fopen (table, "a") : NULL;
    if (f) {
        fputs (line, f);
        fclose (f);
    }
}

void
bench_row_header (void)
{
    printf ("%-36s %-16s %-7s %-24s %-7s %-13s %s\n", "benchmark", "median", "range", "baseline (median)",
            "ratio", "goal", "");
}
