/*  fault_suite.h: what the fault suite's feed, fault thread and
    reconciliation share (tests/faults/fault_suite.c runs the feed and the
    faults; fault_reconcile.c checks and reports the outcome).  */
#ifndef CAREWATCH_FAULT_SUITE_H
#define CAREWATCH_FAULT_SUITE_H

#include "db.h"
#include "harness.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define MAX_PRACTICES 64
#define NSERVICES 5

//  "intake", "calc", "alert", "export", "gateway".
extern const char *fault_services [NSERVICES];

//  What the partners send: monthly practice data with targets.  Each
//  batch carries one data element for MONTHS_PER_BATCH new months; its
//  figures are on target or off target by turns, so alerts fire and
//  resolve all through the run.
typedef struct {
    const char *code;
    const char *partner;
    int breakdowns;             //  1: total; 6: total and imd_q1..5
    double on, off;             //  numerator out of 100
} s_element_t;

typedef struct {
    pid_t pid;                  //  0 when not running
    int port;
    char log [512];             //  its request log (one line per request)
} s_receiver_t;

typedef enum { F_KILL, F_TERM, F_PG_RESTART, F_RECEIVER } s_fault_kind_t;

//  A SIGTERMed service must exit 0 within STOP_MS, having finished at most
//  the work in hand (the log shows how much it did after the signal); a
//  restarted one must answer Ping within PING_MS.  Both are generous: a
//  calc pass on a loaded machine can take tens of seconds, and a calc
//  restarted after a SIGKILL first waits for the dead one's transaction,
//  which PostgreSQL ends only when its statement does.
#define STOP_MS 90000
#define PING_MS 120000

typedef struct {
    s_fault_kind_t kind;
    int service;                //  F_KILL, F_TERM: index into s_services
    long long at_rows;          //  when the acknowledged rows pass this
} s_fault_t;

typedef struct {
    char key [96];
    const s_element_t *element;
    int first_month;            //  months since 2024-04
    int months;
    bool on_target;
    bool http;                  //  sent through the gateway
    size_t rows;
    int attempts;               //  sends until a receipt
    bool replayed;              //  the receipt said replayed
} s_batch_t;

typedef struct {
    harness_t h;
    char pg_script [512], pg_name [128];
    char practices [MAX_PRACTICES][32];
    int npractices;
    char keys [2][128];         //  gateway keys: gp-practices, dihc
    s_receiver_t receiver;
    unsigned long long seed;

    s_batch_t *batches;
    size_t nbatches;
    long long target_rows;
    _Atomic long long acked_rows;
    _Atomic int feed_done;

    s_fault_t *faults;
    int nfaults;
    _Atomic int faults_started;

    //  Figures.
    long long retries, replayed, timeouts, refusals, http_errors, conn_errors;
    int kills [NSERVICES], terms [NSERVICES];
    long long recover_ms_max [NSERVICES], stop_ms_max [NSERVICES];
    int pg_restarts, receiver_outages;
    long long pg_recover_ms_max, receiver_down_ms;
    int kill_in_transaction, pg_in_transaction;
    int term_bad;               //  SIGTERMs not answered by exit 0 in time
    int work_after_term [NSERVICES];    //  most units of work done after a SIGTERM
    int fault_failures;
    long long feed_ms, drain_ms, total_ms;
} s_run_t;

//  Helpers (fault_suite.c).
long long fault_now_ms (void);
void fault_sleep_ms (long ms);
//  The first cell of sql's answer into out ("" on error, printed).
void fault_query (db_t *db, char *out, size_t len, const char *sql);
//  sql's count, or -1.
long long fault_count (db_t *db, const char *sql);
//  Runs `carewatch ARGS` against the run's database; exit status.
int fault_cli (harness_t *h, const char *args);
//  The same, its first output line into out.
int fault_cli_line (harness_t *h, const char *args, char *out, size_t len);

//  A pseudo-random number in [lo, hi] from state (fault_suite.c).
long fault_between (unsigned long long *state, long lo, long hi);

//  The feed (fault_feed.c): plans run->batches up to run->target_rows,
//  then sends them all, counting acknowledged rows into run->acked_rows.
//  Returns 0 when every batch got a receipt.
void fault_plan (s_run_t *run);
int fault_feed (s_run_t *run);
//  GET path from the gateway on port; the HTTP status, or -1.
long fault_http_get (int port, const char *path);

//  Reconciliation (fault_reconcile.c).
typedef struct {
    long long transitions, fired, resolved, matching, matching_fired, matching_resolved;
    long long exactly_one, missing, extra, notifications, undelivered, attempts;
    size_t log_lines, log_ok, distinct_ok, duplicates, non_200, bad_signatures, ids_missing, ids_unknown;
    long long batches_in_db, unacked_in_db, wrong_counts, current_rows, all_rows, duplicate_keys;
    char recompute [128];
    bool md5_same;
} fault_reco_t;

//  Waits for `carewatch status --quiet --drained` to succeed.
bool fault_wait_drained (s_run_t *run, int timeout_ms);
//  Checks what the run left in the database and the receiver's log.
void fault_reconcile (s_run_t *run, db_t *db, fault_reco_t *r);
//  Prints the figures and writes them to FAULT_RESULTS.
void fault_report (s_run_t *run, const fault_reco_t *r, int checks_failed);

#endif
