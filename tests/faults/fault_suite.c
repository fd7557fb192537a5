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
    (default <build>/fault_suite.json).  */
#include "check.h"
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
#define MONTHS_PER_BATCH 2
#define MAX_PRACTICES 64
#define NSERVICES 5

static const char *s_services [NSERVICES] = { "intake", "calc", "alert", "export", "gateway" };

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

static const s_element_t s_elements [] = {
    { "htn-treated-to-target-monthly", "gp-practices", 6, 90, 60 },      //  min 80
    { "vacc-mmr1-24m-monthly", "gp-practices", 6, 98, 85 },              //  min 95
    { "smoking-at-delivery-monthly", "gp-practices", 6, 5, 15 },         //  max 9
    { "dqofh-diabetes-3-targets-monthly", "dihc", 6, 38, 20 },           //  range 32-44
    { "vacc-pcv1-12m-monthly", "gp-practices", 1, 98, 85 },              //  min 95
    { "dqofh-ld-health-check-monthly", "dihc", 1, 75, 50 },              //  range 64-88
};
#define NELEMENTS (sizeof s_elements / sizeof s_elements [0])
static const char *s_breakdowns [6] = { "total", "imd_q1", "imd_q2", "imd_q3", "imd_q4", "imd_q5" };

//  The two subscriptions: a few indicators and org units each.
static const char *s_filters [2] = {
    "{\"rules\": [\"off_target\"], \"indicators\": [\"htn-treated-to-target-monthly\"], \"org_unit\": \"pcn-brierley-hill\"}",
    "{\"indicators\": [\"dqofh-diabetes-3-targets-monthly\"], \"org_unit\": \"pcn-halesowen\"}",
};

// ---------------------------------------------------------------------
//  Small helpers

static long long
s_now_ms (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void
s_sleep_ms (long ms)
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

static long
s_between (unsigned long long *state, long lo, long hi)
{
    return lo + (long) (s_rand (state) % (unsigned long long) (hi - lo + 1));
}

//  First value of the first row ("" for none, "(error)" on failure).
static void
s_query (db_t *db, char *out, size_t len, const char *sql)
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

static long long
s_count (db_t *db, const char *sql)
{
    char buf [64];
    s_query (db, buf, sizeof buf, sql);
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

//  harness_init picks each port by binding port 0 and closing it at once,
//  so two endpoints can get the same port.  Picks n distinct free ports
//  by holding every socket open until all are chosen.
static void
s_distinct_ports (int *ports, int n)
{
    int fds [16];
    for (int i = 0; i < n && i < 16; i++) {
        fds [i] = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
        a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        ports [i] = -1;
        if (bind (fds [i], (struct sockaddr *) &a, sizeof a) == 0
        &&  getsockname (fds [i], (struct sockaddr *) &a, &len) == 0)
            ports [i] = ntohs (a.sin_port);
    }
    for (int i = 0; i < n && i < 16; i++)
        close (fds [i]);
}

//  Gives every harness endpoint, the HTTP port and the receiver distinct
//  ports.
static void
s_assign_ports (harness_t *h, int *receiver_port)
{
    char (*eps [])[64] = { &h->intake, &h->calc, &h->calc_events, &h->calc_control, &h->alert_stream,
                           &h->alert_control, &h->export_, &h->gateway_control };
    int n = (int) (sizeof eps / sizeof eps [0]), ports [16];
    s_distinct_ports (ports, n + 2);
    for (int i = 0; i < n; i++)
        snprintf (*eps [i], 64, "tcp://127.0.0.1:%d", ports [i]);
    h->http_port = ports [n];
    *receiver_port = ports [n + 1];
}

//  Runs `carewatch ARGS` with the harness environment (output appended
//  to logs/faults-cli.log).  Returns its exit status.
static int
s_cli (harness_t *h, const char *args)
{
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    harness_export (h);
    return harness_sh ("%s %s >>logs/%s-cli.log 2>&1", bin, args, h->name);
}

//  Runs `carewatch ARGS` and copies the first line of its stdout.
static int
s_cli_line (harness_t *h, const char *args, char *out, size_t len)
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

typedef struct {
    pid_t pid;                  //  0 when not running
    int port;
    char log [512];             //  its request log (one line per request)
} s_receiver_t;

static int
s_receiver_start (s_receiver_t *self, harness_t *h, int fail_first)
{
    char exe [512], p [16], f [16], errlog [256];
    harness_bin ("carewatch", exe, sizeof exe);
    snprintf (p, sizeof p, "%d", self->port);
    snprintf (f, sizeof f, "%d", fail_first);
    snprintf (errlog, sizeof errlog, "logs/%s-receiver.log", h->name);
    long long deadline = s_now_ms () + 20000;
    while (s_now_ms () < deadline) {
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
        while (s_now_ms () < deadline) {
            if (waitpid (pid, NULL, WNOHANG) == pid)
                break;
            if (s_port_open (self->port)) {
                self->pid = pid;
                return 0;
            }
            s_sleep_ms (10);
        }
        if (kill (pid, 0) == 0) {
            kill (pid, SIGKILL);
            waitpid (pid, NULL, 0);
        }
        s_sleep_ms (200);
    }
    fprintf (stderr, "fault_suite: receiver on port %d did not start\n", self->port);
    return -1;
}

static int
s_receiver_stop (s_receiver_t *self, int sig)
{
    if (self->pid <= 0)
        return -1;
    kill (self->pid, sig);
    long long deadline = s_now_ms () + 5000;
    int st = 0;
    while (waitpid (self->pid, &st, WNOHANG) != self->pid) {
        if (s_now_ms () > deadline) {
            kill (self->pid, SIGKILL);
            waitpid (self->pid, &st, 0);
            break;
        }
        s_sleep_ms (5);
    }
    self->pid = 0;
    return WIFEXITED (st) ? WEXITSTATUS (st) : 128 + WTERMSIG (st);
}

// ---------------------------------------------------------------------
//  Shared state of the run

typedef enum { F_KILL, F_TERM, F_PG_RESTART, F_RECEIVER } s_fault_kind_t;

//  A SIGTERMed service must exit 0 within STOP_MS, having finished at most
//  the work in hand (the log shows how much it did after the signal); a
//  restarted one must answer Ping within PING_MS.  Both are generous: a
//  calc pass on a loaded machine can take tens of seconds, and a calc
//  restarted after a SIGKILL first waits for the dead one's transaction,
//  which PostgreSQL ends only when its statement does.
#define STOP_MS 90000
#define PING_MS 120000

//  The log event of one unit of work, and how many may follow a SIGTERM.
static const char *s_work_event [NSERVICES] = { "\"batch_committed\"", "\"batches_processed\"", NULL, NULL, NULL };
static const int s_work_after_term [NSERVICES] = { 1, 1, 0, 0, 0 };

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

// ---------------------------------------------------------------------
//  Feeding

static void
s_month_code (int m, char *out, size_t len)
{
    int y = 2024 + (3 + m) / 12, mm = 1 + (3 + m) % 12;
    snprintf (out, len, "%04d-%02d", y, mm);
}

//  Plans the batches: blocks of MONTHS_PER_BATCH months, each data
//  element in turn, until the rows reach the target.
static void
s_plan (s_run_t *run)
{
    size_t cap = 64;
    run->batches = calloc (cap, sizeof *run->batches);
    long long rows = 0;
    for (int block = 0; rows < run->target_rows; block++)
        for (size_t e = 0; e < NELEMENTS && rows < run->target_rows; e++) {
            if (run->nbatches == cap)
                run->batches = realloc (run->batches, (cap *= 2) * sizeof *run->batches);
            s_batch_t *b = &run->batches [run->nbatches];
            memset (b, 0, sizeof *b);
            b->element = &s_elements [e];
            b->first_month = block * MONTHS_PER_BATCH;
            b->months = MONTHS_PER_BATCH;
            b->on_target = (block + (int) e) % 2 == 0;
            b->http = run->nbatches % 3 == 2;
            b->rows = (size_t) b->months * (size_t) run->npractices * (size_t) b->element->breakdowns;
            snprintf (b->key, sizeof b->key, "faults-%llx-%04zu-%s", run->seed & 0xffffff, run->nbatches,
                      b->element->code);
            rows += (long long) b->rows;
            run->nbatches++;
        }
}

//  Calls fn for every row of batch b.
typedef void (s_row_fn) (void *arg, const char *de, const char *org, const char *period, const char *bd,
                         double num, double den);

static void
s_rows (s_run_t *run, const s_batch_t *b, s_row_fn *fn, void *arg)
{
    for (int m = 0; m < b->months; m++) {
        char period [16];
        s_month_code (b->first_month + m, period, sizeof period);
        for (int p = 0; p < run->npractices; p++)
            for (int d = 0; d < b->element->breakdowns; d++) {
                double base = b->on_target ? b->element->on : b->element->off;
                fn (arg, b->element->code, run->practices [p], period, s_breakdowns [d],
                    base + (p % 3) - 1, 100);
            }
    }
}

typedef struct {
    Carewatch__V1__SubmitBatch batch;
    Carewatch__V1__Observation *obs;
    Carewatch__V1__Observation **ptrs;
    char (*text) [4][40];
} s_pb_t;

static void
s_pb_row (void *arg, const char *de, const char *org, const char *period, const char *bd, double num, double den)
{
    s_pb_t *pb = arg;
    size_t i = pb->batch.n_observations++;
    Carewatch__V1__Observation *o = &pb->obs [i];
    carewatch__v1__observation__init (o);
    snprintf (pb->text [i][0], 40, "%s", de);
    snprintf (pb->text [i][1], 40, "%s", org);
    snprintf (pb->text [i][2], 40, "%s", period);
    snprintf (pb->text [i][3], 40, "%s", bd);
    o->data_element = pb->text [i][0];
    o->org_unit = pb->text [i][1];
    o->period = pb->text [i][2];
    o->breakdown = pb->text [i][3];
    o->has_numerator = o->has_denominator = 1;
    o->numerator = num;
    o->denominator = den;
    pb->ptrs [i] = o;
}

static void
s_json_row (void *arg, const char *de, const char *org, const char *period, const char *bd, double num, double den)
{
    json_array_append_new (arg, json_pack ("{s:s, s:s, s:s, s:s, s:f, s:f}", "data_element", de, "org_unit", org,
                                           "period", period, "breakdown", bd, "numerator", num, "denominator", den));
}

typedef enum { SEND_ACK, SEND_RETRY, SEND_FAIL } s_send_t;

//  One attempt over ZMQ: a fresh DEALER each time, so a late receipt to
//  an earlier attempt can never be taken for this one's.
static s_send_t
s_send_zmq (s_run_t *run, s_batch_t *b, s_pb_t *pb, int timeout_ms, bool *replayed)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_set_rcvtimeo (sock, timeout_ms);
    zsock_connect (sock, "%s", run->h.intake);
    s_send_t out = SEND_RETRY;
    if (msg_send (sock, NULL, &pb->batch.base)) {
        zsock_destroy (&sock);
        run->conn_errors++;
        return SEND_RETRY;
    }
    long long deadline = s_now_ms () + timeout_ms;
    while (true) {
        msg_t reply;
        char err [256];
        if (msg_recv (sock, false, 1 << 24, &reply, err, sizeof err)) {
            run->timeouts++;
            break;
        }
        if (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor)) {
            Carewatch__V1__BatchReceipt *r = (Carewatch__V1__BatchReceipt *) reply.body;
            if (strcmp (r->batch_key, b->key) != 0 && strcmp (r->status, "refused") != 0) {
                msg_clear (&reply);         //  not ours (cannot happen on a fresh socket)
                if (s_now_ms () > deadline)
                    break;
                continue;
            }
            if ((strcmp (r->status, "committed") == 0 || strcmp (r->status, "replayed") == 0)
            &&  r->accepted == b->rows && r->rejected == 0) {
                *replayed = r->replayed;
                out = SEND_ACK;
            }
            else if (strcmp (r->status, "refused") == 0 && r->n_errors
                 &&  strcmp (r->errors [0]->code, "database_unavailable") == 0) {
                run->refusals++;
                out = SEND_RETRY;
            }
            else {
                fprintf (stderr, "fault_suite: %s: receipt %s accepted %u rejected %u%s%s\n", b->key,
                         r->status, r->accepted, r->rejected, r->n_errors ? ": " : "",
                         r->n_errors ? r->errors [0]->message : "");
                out = SEND_FAIL;
            }
        }
        else {
            fprintf (stderr, "fault_suite: %s: unexpected reply %s\n", b->key, reply.type ? reply.type->name : "?");
            out = SEND_RETRY;
        }
        msg_clear (&reply);
        break;
    }
    zsock_destroy (&sock);
    return out;
}

typedef struct {
    char *data;
    size_t len;
} s_buf_t;

static size_t
s_collect (char *data, size_t size, size_t n, void *arg)
{
    s_buf_t *b = arg;
    b->data = realloc (b->data, b->len + size * n + 1);
    memcpy (b->data + b->len, data, size * n);
    b->len += size * n;
    b->data [b->len] = '\0';
    return size * n;
}

//  One attempt over HTTP through the gateway.
static s_send_t
s_send_http (s_run_t *run, s_batch_t *b, const char *body, int timeout_ms, bool *replayed)
{
    CURL *c = curl_easy_init ();
    char url [128], auth [256];
    snprintf (url, sizeof url, "http://127.0.0.1:%d/v1/batches", run->h.http_port);
    snprintf (auth, sizeof auth, "Authorization: Bearer %s",
              run->keys [strcmp (b->element->partner, "dihc") == 0]);
    struct curl_slist *headers = curl_slist_append (NULL, auth);
    headers = curl_slist_append (headers, "Content-Type: application/json");
    s_buf_t resp = { NULL, 0 };
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt (c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt (c, CURLOPT_POSTFIELDSIZE, (long) strlen (body));
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, (long) timeout_ms);
    curl_easy_setopt (c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_collect);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &resp);
    CURLcode rc = curl_easy_perform (c);
    long status = 0;
    if (rc == CURLE_OK)
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all (headers);
    curl_easy_cleanup (c);
    s_send_t out = SEND_RETRY;
    if (rc != CURLE_OK) {
        if (rc == CURLE_OPERATION_TIMEDOUT)
            run->timeouts++;
        else
            run->conn_errors++;
    }
    else if (status == 200) {
        json_t *j = json_loads (resp.data ? resp.data : "", 0, NULL);
        const char *st = json_string_value (json_object_get (j, "status"));
        const char *key = json_string_value (json_object_get (j, "batch_key"));
        json_int_t accepted = json_integer_value (json_object_get (j, "accepted"));
        json_int_t rejected = json_integer_value (json_object_get (j, "rejected"));
        if (st && key && strcmp (key, b->key) == 0 && (strcmp (st, "committed") == 0 || strcmp (st, "replayed") == 0)
        &&  accepted == (json_int_t) b->rows && rejected == 0) {
            *replayed = json_is_true (json_object_get (j, "replayed"));
            out = SEND_ACK;
        }
        else {
            fprintf (stderr, "fault_suite: %s: HTTP 200 with %.300s\n", b->key, resp.data ? resp.data : "");
            out = SEND_FAIL;
        }
        json_decref (j);
    }
    else if (status >= 500) {
        run->http_errors++;
        out = SEND_RETRY;
    }
    else {
        fprintf (stderr, "fault_suite: %s: HTTP %ld %.300s\n", b->key, status, resp.data ? resp.data : "");
        out = SEND_FAIL;
    }
    free (resp.data);
    return out;
}

//  GETs path from the gateway; returns the HTTP status (0: no answer).
static long
s_http_get (int port, const char *path)
{
    CURL *c = curl_easy_init ();
    char url [256];
    snprintf (url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    s_buf_t resp = { NULL, 0 };
    curl_easy_setopt (c, CURLOPT_URL, url);
    curl_easy_setopt (c, CURLOPT_TIMEOUT_MS, 20000L);
    curl_easy_setopt (c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt (c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, s_collect);
    curl_easy_setopt (c, CURLOPT_WRITEDATA, &resp);
    long status = 0;
    if (curl_easy_perform (c) == CURLE_OK)
        curl_easy_getinfo (c, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200)
        fprintf (stderr, "fault_suite: GET %s: %ld %s\n", path, status, resp.data ? resp.data : "");
    curl_easy_cleanup (c);
    free (resp.data);
    return status;
}

//  Sends every batch until each has a receipt.  Returns 0, or -1 when a
//  batch was refused for good or never got a receipt.
static int
s_feed (s_run_t *run)
{
    long long t0 = s_now_ms ();
    unsigned long long rng = run->seed ^ 0x5eedf00dULL;
    int failures = 0;
    for (size_t i = 0; i < run->nbatches; i++) {
        s_batch_t *b = &run->batches [i];
        //  Hold back while a fault is due but not yet started, so every
        //  fault happens while the feed is flowing.
        long long held = s_now_ms ();
        while (true) {
            int due = 0;
            for (int f = 0; f < run->nfaults; f++)
                due += run->faults [f].at_rows <= atomic_load (&run->acked_rows);
            if (due <= atomic_load (&run->faults_started) || s_now_ms () - held > 30000)
                break;
            s_sleep_ms (2);
        }
        s_pb_t pb = { 0 };
        char *body = NULL;
        if (b->http) {
            json_t *rows = json_array ();
            s_rows (run, b, s_json_row, rows);
            json_t *doc = json_pack ("{s:s, s:o}", "batch_key", b->key, "observations", rows);
            body = json_dumps (doc, JSON_COMPACT);
            json_decref (doc);
        }
        else {
            carewatch__v1__submit_batch__init (&pb.batch);
            pb.obs = calloc (b->rows, sizeof *pb.obs);
            pb.ptrs = calloc (b->rows, sizeof *pb.ptrs);
            pb.text = calloc (b->rows, sizeof *pb.text);
            pb.batch.partner = (char *) b->element->partner;
            pb.batch.batch_key = b->key;
            pb.batch.observations = pb.ptrs;
            s_rows (run, b, s_pb_row, &pb);
        }
        long long deadline = s_now_ms () + 180000;
        s_send_t st = SEND_RETRY;
        int backoff = 50;
        while (st == SEND_RETRY && s_now_ms () < deadline) {
            b->attempts++;
            bool replayed = false;
            st = b->http ? s_send_http (run, b, body, 20000, &replayed) : s_send_zmq (run, b, &pb, 15000, &replayed);
            if (st == SEND_ACK)
                b->replayed = replayed;
            else if (st == SEND_RETRY) {
                s_sleep_ms (backoff + s_between (&rng, 0, backoff));
                backoff = backoff * 2 > 1000 ? 1000 : backoff * 2;
            }
        }
        if (b->attempts > 1)
            run->retries += b->attempts - 1;
        run->replayed += b->replayed;
        free (body);
        free (pb.obs);
        free (pb.ptrs);
        free (pb.text);
        if (st != SEND_ACK) {
            fprintf (stderr, "fault_suite: batch %s: no receipt after %d attempts\n", b->key, b->attempts);
            b->attempts = -b->attempts;     //  not acknowledged
            failures++;
            continue;
        }
        atomic_fetch_add (&run->acked_rows, (long long) b->rows);
    }
    run->feed_ms = s_now_ms () - t0;
    atomic_store (&run->feed_done, 1);
    return failures ? -1 : 0;
}

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
    long long deadline = s_now_ms () + ms;
    while (s_now_ms () < deadline) {
        if (s_count (db, sql) > 0)
            return true;
        s_sleep_ms (3);
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
    const char *name = s_services [svc];
    bool mid = false;
    if (sig == SIGKILL && svc <= 2 && s_between (rng, 0, 2) > 0)
        mid = s_wait_in_transaction (db, name, 3000);
    else
        s_sleep_ms (s_between (rng, 0, 300));
    //  The signal, then where its log stands, then wait for the exit
    //  (harness_stop with signal 0 only waits).
    char log [256];
    snprintf (log, sizeof log, "logs/%s-%s.log", run->h.name, name);
    long long t0 = s_now_ms ();
    for (int i = 0; i < run->h.nprocs; i++)
        if (run->h.pids [i] > 0 && strcmp (run->h.procs [i], name) == 0)
            kill (run->h.pids [i], sig);
    long offset = s_file_size (log);
    int rc = harness_stop (&run->h, name, 0, sig == SIGKILL ? 5000 : STOP_MS);
    long long stopped = s_now_ms () - t0;
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
    long pause = s_between (rng, 100, 1000);
    fprintf (stderr, "fault_suite: [%lld rows] %s %s%s (stopped in %lld ms); restart in %ld ms\n",
             atomic_load (&run->acked_rows), sig == SIGKILL ? "SIGKILL" : "SIGTERM", name,
             mid ? " inside a transaction" : "", stopped, pause);
    s_sleep_ms (pause);
    s_compact (&run->h);
    t0 = s_now_ms ();
    if (harness_start (&run->h, name) <= 0
    ||  harness_ping (harness_endpoint (&run->h, name), PING_MS + 30000, NULL, NULL, 0)) {
        fprintf (stderr, "fault_suite: %s did not come back after a restart\n", name);
        run->fault_failures++;
        return;
    }
    long long took = s_now_ms () - t0;
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
    int who = (int) s_between (rng, 0, 2);
    bool mid = who < 2 && s_wait_in_transaction (db, s_services [who], 3000);
    fprintf (stderr, "fault_suite: [%lld rows] restarting PostgreSQL%s%s\n", atomic_load (&run->acked_rows),
             mid ? " while in a transaction: " : "", mid ? s_services [who] : "");
    run->pg_in_transaction += mid;
    long long t0 = s_now_ms ();
    int rc = harness_sh ("%s restart %s >/dev/null 2>&1", run->pg_script, run->pg_name);
    if (rc != 0) {
        fprintf (stderr, "fault_suite: pg.sh restart exited %d\n", rc);
        run->fault_failures++;
    }
    run->pg_restarts++;
    for (int s = 0; s < NSERVICES; s++) {
        bool ok = false;
        long long deadline = s_now_ms () + 60000;
        while (!ok && s_now_ms () < deadline)
            if (harness_ping (harness_endpoint (&run->h, s_services [s]), 5000, &ok, NULL, 0) || !ok)
                s_sleep_ms (100);
        if (!ok) {
            fprintf (stderr, "fault_suite: %s did not get its database back\n", s_services [s]);
            run->fault_failures++;
        }
    }
    long long took = s_now_ms () - t0;
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
        if (run->receiver.pid == 0 && receiver_up_at && s_now_ms () >= receiver_up_at) {
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
                long down = s_between (&rng, 1500, 4000);
                receiver_up_at = s_now_ms () + down;
                run->receiver_down_ms += down;
                run->receiver_outages++;
                fprintf (stderr, "fault_suite: [%lld rows] receiver SIGKILLed for %ld ms\n", acked, down);
            }
            continue;
        }
        if (atomic_load (&run->feed_done) && next >= run->nfaults && !receiver_up_at)
            break;
        s_sleep_ms (3);
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
            int j = (int) s_between (&rng, 0, i);
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
//  Reconciliation

typedef struct {
    char id [64];
    int status;
} s_line_t;

//  The receiver's log: "<status> signature-ok|signature-bad <id> <body>".
//  A line cut short by a SIGKILL is skipped.
static s_line_t *
s_read_log (const char *path, size_t *n, size_t *bad_signatures)
{
    s_line_t *out = NULL;
    size_t cap = 0;
    *n = 0;
    *bad_signatures = 0;
    FILE *f = fopen (path, "r");
    if (!f)
        return NULL;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline (&line, &lcap, f)) > 0) {
        s_line_t l = { "", 0 };
        char sig [32] = "";
        if (line [len - 1] != '\n' || sscanf (line, "%d %31s %63s", &l.status, sig, l.id) != 3)
            continue;
        if (strcmp (sig, "signature-ok") != 0)
            (*bad_signatures)++;
        if (*n == cap)
            out = realloc (out, (cap = cap ? cap * 2 : 1024) * sizeof *out);
        out [(*n)++] = l;
    }
    free (line);
    fclose (f);
    return out;
}

static int
s_cmp_str (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static int
s_cmp_line (const void *a, const void *b)
{
    return strcmp (((const s_line_t *) a)->id, ((const s_line_t *) b)->id);
}

//  Waits for `carewatch status --quiet --drained` to succeed.
static bool
s_wait_drained (s_run_t *run, int timeout_ms)
{
    long long deadline = s_now_ms () + timeout_ms;
    while (s_now_ms () < deadline) {
        if (s_cli (&run->h, "status --quiet --drained") == 0)
            return true;
        s_sleep_ms (250);
    }
    s_cli (&run->h, "status");
    return false;
}

//  Matching (transition, subscription) pairs: the subscription filters
//  (rules, indicators, org_unit with its descendants), as alert applies
//  them, in SQL.
#define MATCH_SQL \
    "with recursive anc (code, anc) as (select code, code from org_units" \
    "   union all select a.code, o.parent from anc a join org_units o on o.code = a.anc where o.parent is not null)," \
    " m as (select t.id as tid, s.id as sid, t.kind from alert_transitions t join alerts a on a.id = t.alert_id" \
    "   join subscriptions s on s.active where t.silenced_by is null" \
    "   and (s.filter -> 'rules' is null or s.filter -> 'rules' ? a.rule)" \
    "   and (s.filter -> 'indicators' is null or s.filter -> 'indicators' ? a.indicator)" \
    "   and (s.filter ->> 'org_unit' is null or exists (select 1 from anc where anc.code = a.org_unit" \
    "        and anc.anc = s.filter ->> 'org_unit'))) "

typedef struct {
    long long transitions, fired, resolved, matching, matching_fired, matching_resolved;
    long long exactly_one, missing, extra, notifications, undelivered, attempts;
    size_t log_lines, log_ok, distinct_ok, duplicates, non_200, bad_signatures, ids_missing, ids_unknown;
    long long batches_in_db, unacked_in_db, wrong_counts, current_rows, all_rows, duplicate_keys;
    char recompute [128];
    bool md5_same;
} s_reco_t;

static void
s_reconcile (s_run_t *run, db_t *db, s_reco_t *r)
{
    char err [256];
    memset (r, 0, sizeof *r);
    //  This connection went down with PostgreSQL: the next call reconnects.
    for (int i = 0; i < 50 && db_ping (db); i++)
        s_sleep_ms (100);
    //  1. Every acknowledged batch key: its rows, current, exactly once.
    PGresult *res = db_exec (db, "select b.partner || '/' || b.batch_key, count (o.id) filter (where o.current),"
                                 " count (o.id) from batches b left join observations o on o.batch_id = b.id"
                                 " group by b.id order by 1", 0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    zhashx_t *stored = zhashx_new ();
    for (int i = 0; res && i < PQntuples (res); i++) {
        long long *v = malloc (2 * sizeof *v);
        v [0] = atoll (PQgetvalue (res, i, 1));
        v [1] = atoll (PQgetvalue (res, i, 2));
        zhashx_insert (stored, PQgetvalue (res, i, 0), v);
        r->batches_in_db++;
    }
    if (res)
        PQclear (res);
    long long acked = 0;
    for (size_t i = 0; i < run->nbatches; i++) {
        s_batch_t *b = &run->batches [i];
        if (b->attempts <= 0)
            continue;
        acked++;
        char k [160];
        snprintf (k, sizeof k, "%s/%s", b->element->partner, b->key);
        long long *v = zhashx_lookup (stored, k);
        if (!v || v [0] != (long long) b->rows || v [1] != (long long) b->rows) {
            if (r->wrong_counts++ < 10)
                fprintf (stderr, "fault_suite: batch %s: %lld current / %lld stored rows, acknowledged %zu\n",
                         k, v ? v [0] : -1, v ? v [1] : -1, b->rows);
        }
    }
    r->unacked_in_db = r->batches_in_db - acked;
    for (long long *v = zhashx_first (stored); v; v = zhashx_next (stored))
        free (v);
    zhashx_destroy (&stored);
    r->current_rows = s_count (db, "select count(*) from observations where current");
    r->all_rows = s_count (db, "select count(*) from observations");
    r->duplicate_keys = s_count (db, "select count(*) from (select 1 from observations where current"
                                     " group by data_element, org_unit, period, breakdown having count(*) > 1) d");

    //  2. The values equal a full recompute.
    static const char *md5_sql =
        "select md5 (string_agg (v::text, ',' order by indicator, org_unit, period, breakdown))"
        " from (select indicator, org_unit, period, breakdown, value, ci_low, ci_high, status, short_trend,"
        " annual_trend, benchmark, spc_variation, spc_mean, spc_lcl, spc_ucl, change_seq from indicator_values) v";
    char before [64], after [64];
    s_query (db, before, sizeof before, md5_sql);
    int rc = s_cli_line (&run->h, "recompute", r->recompute, sizeof r->recompute);
    CHECK_INT (rc, 0);
    s_query (db, after, sizeof after, md5_sql);
    r->md5_same = *before && strcmp (before, after) == 0;

    //  3. Transitions, notifications, deliveries.
    r->transitions = s_count (db, "select count(*) from alert_transitions");
    r->fired = s_count (db, "select count(*) from alert_transitions where kind = 'fired'");
    r->resolved = s_count (db, "select count(*) from alert_transitions where kind = 'resolved'");
    r->matching = s_count (db, MATCH_SQL "select count(*) from m");
    r->matching_fired = s_count (db, MATCH_SQL "select count(*) from m where kind = 'fired'");
    r->matching_resolved = s_count (db, MATCH_SQL "select count(*) from m where kind = 'resolved'");
    r->exactly_one = s_count (db, MATCH_SQL "select count(*) from m where (select count(*) from notifications n"
                                            " where n.transition_id = m.tid and n.subscription_id = m.sid) = 1");
    r->missing = s_count (db, MATCH_SQL "select count(*) from m where not exists (select 1 from notifications n"
                                        " where n.transition_id = m.tid and n.subscription_id = m.sid)");
    r->extra = s_count (db, MATCH_SQL "select count(*) from notifications n where not exists"
                                      " (select 1 from m where m.tid = n.transition_id and m.sid = n.subscription_id)");
    r->notifications = s_count (db, "select count(*) from notifications");
    r->undelivered = s_count (db, "select count(*) from notifications where state <> 'delivered'");
    r->attempts = s_count (db, "select coalesce (sum (attempts), 0) from notifications");

    size_t nlines, bad;
    s_line_t *lines = s_read_log (run->receiver.log, &nlines, &bad);
    r->log_lines = nlines;
    r->bad_signatures = bad;
    qsort (lines, nlines, sizeof *lines, s_cmp_line);
    size_t k = 0;                           //  the distinct ids answered 200, sorted
    for (size_t i = 0; i < nlines; i++) {
        if (lines [i].status != 200) {
            r->non_200++;
            continue;
        }
        r->log_ok++;
        if (k == 0 || strcmp (lines [k - 1].id, lines [i].id) != 0)
            lines [k++] = lines [i];
    }
    r->distinct_ok = k;
    r->duplicates = r->log_ok - k;
    res = db_exec (db, "select delivery_id::text from notifications order by 1", 0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    size_t nids = res ? (size_t) PQntuples (res) : 0;
    char **ids = calloc (nids + 1, sizeof *ids);
    for (size_t i = 0; i < nids; i++)
        ids [i] = PQgetvalue (res, (int) i, 0);
    qsort (ids, nids, sizeof *ids, s_cmp_str);
    for (size_t i = 0; i < nids; i++) {
        s_line_t key;
        snprintf (key.id, sizeof key.id, "%s", ids [i]);
        if (!bsearch (&key, lines, k, sizeof *lines, s_cmp_line) && r->ids_missing++ < 5)
            fprintf (stderr, "fault_suite: delivery %s is not in the receiver log with a 200\n", ids [i]);
    }
    for (size_t i = 0; i < k; i++) {
        const char *id = lines [i].id;
        if (!bsearch (&id, ids, nids, sizeof *ids, s_cmp_str) && r->ids_unknown++ < 5)
            fprintf (stderr, "fault_suite: the receiver got %s, which no notification has\n", id);
    }
    free (ids);
    if (res)
        PQclear (res);
    free (lines);
}

static void
s_report (s_run_t *run, const s_reco_t *r, int checks_failed)
{
    long long rows = 0, batches = 0, http = 0;
    for (size_t i = 0; i < run->nbatches; i++)
        if (run->batches [i].attempts > 0) {
            rows += (long long) run->batches [i].rows;
            batches++;
            http += run->batches [i].http;
        }
    json_t *kills = json_object (), *terms = json_object (), *recover = json_object (), *stop = json_object ();
    int nkills = 0, nterms = 0;
    for (int s = 0; s < NSERVICES; s++) {
        json_object_set_new (kills, s_services [s], json_integer (run->kills [s]));
        json_object_set_new (terms, s_services [s], json_integer (run->terms [s]));
        json_object_set_new (recover, s_services [s], json_integer (run->recover_ms_max [s]));
        json_object_set_new (stop, s_services [s], json_integer (run->stop_ms_max [s]));
        nkills += run->kills [s];
        nterms += run->terms [s];
    }
    json_t *doc = json_object ();
#define SET(obj, key, value) json_object_set_new (obj, key, value)
#define INT(v) json_integer ((json_int_t) (v))
    SET (doc, "size", json_string (run->target_rows >= 200000 ? "full" : "bounded"));
    SET (doc, "seed", INT (run->seed));
    SET (doc, "rows_target", INT (run->target_rows));
    SET (doc, "batches_planned", INT (run->nbatches));
    SET (doc, "batches_acked", INT (batches));
    SET (doc, "batches_via_gateway", INT (http));
    SET (doc, "rows_acked", INT (rows));
    json_t *retries = json_object ();
    SET (retries, "total", INT (run->retries));
    SET (retries, "receipt_timeouts", INT (run->timeouts));
    SET (retries, "database_unavailable", INT (run->refusals));
    SET (retries, "http_5xx", INT (run->http_errors));
    SET (retries, "connection_errors", INT (run->conn_errors));
    SET (retries, "replayed_receipts", INT (run->replayed));
    SET (doc, "retries", retries);
    SET (doc, "kills", kills);
    SET (doc, "kills_in_transaction", INT (run->kill_in_transaction));
    SET (doc, "sigterm_restarts", terms);
    SET (doc, "sigterm_exit_ms_max", stop);
    SET (doc, "sigterm_not_clean", INT (run->term_bad));
    SET (doc, "intake_batches_after_sigterm_max", INT (run->work_after_term [0]));
    SET (doc, "calc_passes_after_sigterm_max", INT (run->work_after_term [1]));
    SET (doc, "recover_ms_max", recover);
    SET (doc, "pg_restarts", INT (run->pg_restarts));
    SET (doc, "pg_recover_ms_max", INT (run->pg_recover_ms_max));
    SET (doc, "pg_restarts_in_transaction", INT (run->pg_in_transaction));
    SET (doc, "receiver_outages", INT (run->receiver_outages));
    SET (doc, "receiver_down_ms", INT (run->receiver_down_ms));
    json_t *obs = json_object ();
    SET (obs, "batches_in_db", INT (r->batches_in_db));
    SET (obs, "unacked_batches_in_db", INT (r->unacked_in_db));
    SET (obs, "batches_with_wrong_rows", INT (r->wrong_counts));
    SET (obs, "current_rows", INT (r->current_rows));
    SET (obs, "stored_rows", INT (r->all_rows));
    SET (obs, "lost_rows", INT (rows - r->current_rows));
    SET (obs, "duplicate_keys", INT (r->duplicate_keys));
    SET (doc, "observations", obs);
    json_t *rec = json_object ();
    SET (rec, "output", json_string (r->recompute));
    SET (rec, "md5_unchanged", json_boolean (r->md5_same));
    SET (doc, "recompute", rec);
    json_t *alerts = json_object ();
    SET (alerts, "transitions", INT (r->transitions));
    SET (alerts, "fired", INT (r->fired));
    SET (alerts, "resolved", INT (r->resolved));
    SET (alerts, "matching_subscriptions", INT (r->matching));
    SET (alerts, "matching_fired", INT (r->matching_fired));
    SET (alerts, "matching_resolved", INT (r->matching_resolved));
    SET (doc, "transitions", alerts);
    json_t *notes = json_object ();
    SET (notes, "rows", INT (r->notifications));
    SET (notes, "exactly_one", INT (r->exactly_one));
    SET (notes, "missing", INT (r->missing));
    SET (notes, "extra", INT (r->extra));
    SET (notes, "undelivered", INT (r->undelivered));
    SET (notes, "attempts", INT (r->attempts));
    SET (doc, "notifications", notes);
    json_t *recv = json_object ();
    SET (recv, "requests", INT (r->log_lines));
    SET (recv, "deliveries_200", INT (r->log_ok));
    SET (recv, "distinct_ids", INT (r->distinct_ok));
    SET (recv, "duplicates", INT (r->duplicates));
    SET (recv, "non_200", INT (r->non_200));
    SET (recv, "ids_missing", INT (r->ids_missing));
    SET (recv, "ids_unknown", INT (r->ids_unknown));
    SET (doc, "receiver", recv);
    json_t *timing = json_object ();
    SET (timing, "feed", INT (run->feed_ms));
    SET (timing, "drain", INT (run->drain_ms));
    SET (timing, "total", INT (run->total_ms));
    SET (doc, "timing_ms", timing);
    SET (doc, "fault_failures", INT (run->fault_failures));
    SET (doc, "passed", json_boolean (checks_failed == 0));
#undef SET
#undef INT
    const char *path = getenv ("FAULT_RESULTS");
    char def [512];
    if (!path || !*path) {
        const char *dir = getenv ("CAREWATCH_BIN_DIR");
        snprintf (def, sizeof def, "%s/fault_suite.json", dir ? dir : ".");
        path = def;
    }
    if (json_dump_file (doc, path, JSON_INDENT (2) | JSON_PRESERVE_ORDER))
        fprintf (stderr, "fault_suite: cannot write %s\n", path);
    json_decref (doc);

    printf ("fault_suite: %s size, seed %llu\n", run->target_rows >= 200000 ? "full" : "bounded", run->seed);
    printf ("  batches acked        %lld of %zu (%lld through the gateway), rows %lld\n", batches, run->nbatches,
            http, rows);
    printf ("  retries              %lld (timeouts %lld, database_unavailable %lld, HTTP 5xx %lld, "
            "connection errors %lld), replayed receipts %lld\n", run->retries, run->timeouts, run->refusals,
            run->http_errors, run->conn_errors, run->replayed);
    printf ("  kills                %d: intake %d, calc %d, alert %d, export %d, gateway %d (%d inside a transaction)\n",
            nkills, run->kills [0], run->kills [1], run->kills [2], run->kills [3], run->kills [4],
            run->kill_in_transaction);
    printf ("  SIGTERM restarts     %d, %d not exit 0 within %d ms; most work after SIGTERM: intake %d batches,"
            " calc %d passes\n", nterms, run->term_bad, STOP_MS, run->work_after_term [0], run->work_after_term [1]);
    printf ("  slowest SIGTERM exit intake %lld ms, calc %lld, alert %lld,"
            " export %lld, gateway %lld\n", run->stop_ms_max [0], run->stop_ms_max [1],
            run->stop_ms_max [2], run->stop_ms_max [3], run->stop_ms_max [4]);
    printf ("  slowest recovery     intake %lld ms, calc %lld, alert %lld, export %lld, gateway %lld;"
            " PostgreSQL %lld ms\n", run->recover_ms_max [0], run->recover_ms_max [1], run->recover_ms_max [2],
            run->recover_ms_max [3], run->recover_ms_max [4], run->pg_recover_ms_max);
    printf ("  pg restarts          %d (%d inside a transaction); receiver outages %d (%lld ms down)\n",
            run->pg_restarts, run->pg_in_transaction, run->receiver_outages, run->receiver_down_ms);
    printf ("  observations         %lld current, %lld stored, %lld duplicate keys, %lld batches off,"
            " %lld unacknowledged batches stored\n", r->current_rows, r->all_rows, r->duplicate_keys,
            r->wrong_counts, r->unacked_in_db);
    printf ("  recompute            %s; md5 %s\n", r->recompute, r->md5_same ? "unchanged" : "CHANGED");
    printf ("  transitions          %lld (%lld fired, %lld resolved); matching a subscription %lld"
            " (%lld fired, %lld resolved)\n", r->transitions, r->fired, r->resolved, r->matching,
            r->matching_fired, r->matching_resolved);
    printf ("  notifications        %lld: exactly one per matching transition %lld, missing %lld, extra %lld,"
            " undelivered %lld, attempts %lld\n", r->notifications, r->exactly_one, r->missing, r->extra,
            r->undelivered, r->attempts);
    printf ("  receiver             %zu requests, %zu answered 200 (%zu distinct ids, %zu duplicates),"
            " %zu not 200, %zu ids missing\n", r->log_lines, r->log_ok, r->distinct_ok, r->duplicates,
            r->non_200, r->ids_missing);
    printf ("  timing               feed %.1f s, drain %.1f s, whole suite %.1f s\n", run->feed_ms / 1000.0,
            run->drain_ms / 1000.0, run->total_ms / 1000.0);
    printf ("  figures written to   %s\n", path);
    fflush (stdout);
}

// ---------------------------------------------------------------------

int
main (int argc, char **argv)
{
    long long t0 = s_now_ms ();
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
        CHECK (harness_start (&run.h, s_services [s]) > 0);
    for (int s = 0; s < NSERVICES; s++)
        CHECK_INT (harness_ping (harness_endpoint (&run.h, s_services [s]), 60000, NULL, NULL, 0), 0);
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
    CHECK_INT (s_cli_line (&run.h, "key create --role partner --partner gp-practices --label faults",
                           run.keys [0], sizeof run.keys [0]), 0);
    CHECK_INT (s_cli_line (&run.h, "key create --role partner --partner dihc --label faults",
                           run.keys [1], sizeof run.keys [1]), 0);
    snprintf (run.receiver.log, sizeof run.receiver.log, "logs/%s-%d-webhooks.log", run.h.name, (int) getpid ());
    unlink (run.receiver.log);
    CHECK_INT (s_receiver_start (&run.receiver, &run.h, 0), 0);
    for (int i = 0; i < 2; i++) {
        char args [1024];
        snprintf (args, sizeof args, "subscribe --subscriber faults-%d --webhook http://127.0.0.1:%d/hook"
                  " --secret " SECRET " --filter '%s'", i, run.receiver.port, s_filters [i]);
        CHECK_INT (s_cli (&run.h, args), 0);
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
    s_plan (&run);
    s_schedule (&run, run.target_rows >= 100000 ? (int) (run.target_rows / 60000) : 1);
    for (int i = 0; i < run.nfaults; i++)
        fprintf (stderr, "fault_suite: fault %d at %lld rows: %s %s\n", i, run.faults [i].at_rows,
                 run.faults [i].kind == F_KILL ? "SIGKILL" : run.faults [i].kind == F_TERM ? "SIGTERM"
                 : run.faults [i].kind == F_PG_RESTART ? "postgresql restart" : "receiver outage",
                 run.faults [i].kind <= F_TERM ? s_services [run.faults [i].service] : "");
    pthread_t faults;
    CHECK_INT (pthread_create (&faults, NULL, s_fault_thread, &run), 0);
    CHECK_INT (s_feed (&run), 0);
    pthread_join (faults, NULL);
    CHECK_INT (run.fault_failures, 0);

    //  Drain: calc and alert caught up, the outbox empty.  The missing
    //  data check runs on its own timer, so wait for it twice over and
    //  drain again.
    long long d0 = s_now_ms ();
    int drain_timeout = (int) (120000 + run.target_rows);
    CHECK (s_wait_drained (&run, drain_timeout));
    s_sleep_ms (1500);
    CHECK (s_wait_drained (&run, drain_timeout));
    run.drain_ms = s_now_ms () - d0;

    s_reco_t r;
    s_reconcile (&run, db, &r);

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
        CHECK_INT (harness_ping (harness_endpoint (&run.h, s_services [s]), 10000, &db_ok, NULL, 0), 0);
        CHECK (db_ok);
    }
    CHECK_INT (s_http_get (run.h.http_port, "/readyz"), 200);
    for (int s = NSERVICES - 1; s >= 0; s--)
        CHECK_INT (harness_stop (&run.h, s_services [s], SIGTERM, 20000), 0);
    CHECK_INT (s_receiver_stop (&run.receiver, SIGTERM), 0);

    run.total_ms = s_now_ms () - t0;
    s_report (&run, &r, check_failures);
    free (run.batches);
    free (run.faults);
    db_destroy (&db);
    harness_cleanup (&run.h);
    curl_global_cleanup ();
    return check_done ("fault_suite");
}
