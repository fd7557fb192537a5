/*  bench_util: what the carewatch benchmarks share: clocks, statistics,
    private databases in the bench PostgreSQL cluster, service processes
    on free ports, peak memory, and the reference data the generators use.

    The benchmarks are programs, not tests: bench/run.sh starts a private
    cluster, builds Release and runs them; nothing here is part of
    `make test`.  */
#ifndef CAREWATCH_BENCH_UTIL_H
#define CAREWATCH_BENCH_UTIL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_MAX_REPS 32

//  Wall clock in seconds (CLOCK_MONOTONIC).
double bench_now (void);

//  An integer from the environment, or def when unset/empty.
long bench_env_long (const char *name, long def);
const char *bench_env (const char *name, const char *def);

//  Median, minimum, maximum and spread ((max - min) / median) of v[0..n).
typedef struct {
    double median, min, max, spread;
    int n;
} bench_stat_t;
bench_stat_t bench_stat (const double *v, int n);

//  The p-th percentile (0..100) of v[0..n) by nearest rank; v is not changed.
double bench_percentile (const double *v, int n, double p);

//  Dies with a message.
void bench_die (const char *fmt, ...) __attribute__ ((noreturn, format (printf, 1, 2)));

// ---------------------------------------------------------------------
//  Databases in the bench cluster.  BENCH_DATABASE_URL is the cluster's
//  "carewatch" database URL (scripts/pg.sh start NAME prints it).

//  The URL of database db in the same cluster as base.
void bench_db_url (const char *base, const char *db, char *out, size_t len);

//  Drops (if present) and creates database db, migrates it with the
//  embedded migrations and reference data, and writes its URL into url.
void bench_db_fresh (const char *base, const char *db, char *url, size_t len);

//  Drops database db.
void bench_db_drop (const char *base, const char *db);

//  Connects or dies.
PGconn *bench_pg (const char *url);

//  Runs sql (no parameters) and dies on error; returns the result when
//  it returns tuples (caller clears), else NULL.
PGresult *bench_sql (PGconn *c, const char *sql);

//  One number from a one-row query.
double bench_sql_num (PGconn *c, const char *sql);

//  Sends a whole COPY FROM STDIN buffer.  Returns 0 or dies.
void bench_copy (PGconn *c, const char *copy_sql, const char *data, size_t len);

// ---------------------------------------------------------------------
//  Service processes.

typedef struct {
    char db_url [512];
    char intake [64], calc [64], calc_events [64], calc_control [64];
    char alert_stream [64], alert_control [64], export_ [64], gateway_control [64];
    int http_port;
    const char *log_level;
} bench_env_t;

//  Fills endpoints on free loopback ports for database url.
void bench_env_init (bench_env_t *self, const char *db_url);

//  Starts BENCH_BIN_DIR/carewatch-<service> with self's environment; its
//  stderr goes to BENCH_LOG_DIR/<tag>-<service>.log.  Returns its pid.
pid_t bench_spawn (const bench_env_t *self, const char *service, const char *tag);

//  SIGTERM, wait up to timeout_ms, then SIGKILL.  Returns exit status.
int bench_stop (pid_t pid, int timeout_ms);

//  Receives one message on sock within timeout_ms while checking that
//  the service *pid still runs.  Returns 0; -1 on timeout; -2 when the
//  service exited (then *pid is reaped and set to 0, err says how).
int bench_recv_from (void *sock, pid_t *pid, int timeout_ms, void *msg_out, char *err, size_t errlen);

//  False (and *pid reaped and set to 0, how in err) when the service
//  *pid has exited.
bool bench_alive (pid_t *pid, char *err, size_t errlen);

//  Pings a ROUTER endpoint until a Pong (0) or timeout (-1).
int bench_ping (const char *endpoint, int timeout_ms);

//  VmHWM (peak resident set) of pid in kB, or -1.
long bench_vmhwm_kb (pid_t pid);

// ---------------------------------------------------------------------
//  Reference data read from a migrated database.

typedef struct {
    char **practices;   size_t npractices;      //  org units at practice level
    char **breakdowns;  size_t nbreakdowns;     //  every breakdown, 'total' first
} bench_ref_t;

void bench_ref_load (PGconn *c, bench_ref_t *ref);
void bench_ref_free (bench_ref_t *ref);

//  Column 0 of every row of sql as strings (caller frees with bench_strv_free).
char **bench_strv (PGconn *c, const char *sql, size_t *n);
void bench_strv_free (char **v, size_t n);

// ---------------------------------------------------------------------
//  Output: one JSON file per benchmark, a fixed-width table on stdout.

//  Prints a table row (name, median and unit, range = (max - min) / median,
//  baseline median, ratio, goal, verdict) on stdout and appends it to the
//  file BENCH_TABLE when set.
void bench_row (const char *name, bench_stat_t s, const char *unit, const char *baseline_name,
                bench_stat_t b, double ratio, const char *goal, const char *verdict);
void bench_row_header (void);

//  A deterministic random number in [0, 1).
double bench_rand (unsigned long long *state);

#endif
