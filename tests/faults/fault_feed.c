/*  fault_feed: the fault suite's partner feed.  Plans the batches (each
    one data element for MONTHS_PER_BATCH new months, on or off target by
    turns) and sends them like a real partner: SubmitBatch over ZMQ, every
    third one as JSON through the gateway, the same key again on every
    timeout, refusal to retry, 5xx or refused connection, until a receipt
    comes.  */
#include "check.h"
#include "fault_suite.h"
#include "msg.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MONTHS_PER_BATCH 2

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

static void
s_month_code (int m, char *out, size_t len)
{
    int y = 2024 + (3 + m) / 12, mm = 1 + (3 + m) % 12;
    snprintf (out, len, "%04d-%02d", y, mm);
}

//  Plans the batches: blocks of MONTHS_PER_BATCH months, each data
//  element in turn, until the rows reach the target.
void
fault_plan (s_run_t *run)
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
    long long deadline = fault_now_ms () + timeout_ms;
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
                if (fault_now_ms () > deadline)
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
long
fault_http_get (int port, const char *path)
{
    harness_resp_t r = harness_http (port, path, NULL, NULL, NULL, 0);
    if (r.status != 200)
        fprintf (stderr, "fault_suite: GET %s: %ld %s\n", path, r.status, r.body ? r.body : "");
    free (r.body);
    return r.status;
}

//  Sends every batch until each has a receipt.  Returns 0, or -1 when a
//  batch was refused for good or never got a receipt.
int
fault_feed (s_run_t *run)
{
    long long t0 = fault_now_ms ();
    unsigned long long rng = run->seed ^ 0x5eedf00dULL;
    int failures = 0;
    for (size_t i = 0; i < run->nbatches; i++) {
        s_batch_t *b = &run->batches [i];
        //  Hold back while a fault is due but not yet started, so every
        //  fault happens while the feed is flowing.
        long long held = fault_now_ms ();
        while (true) {
            int due = 0;
            for (int f = 0; f < run->nfaults; f++)
                due += run->faults [f].at_rows <= atomic_load (&run->acked_rows);
            if (due <= atomic_load (&run->faults_started) || fault_now_ms () - held > 30000)
                break;
            fault_sleep_ms (2);
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
        long long deadline = fault_now_ms () + 180000;
        s_send_t st = SEND_RETRY;
        int backoff = 50;
        while (st == SEND_RETRY && fault_now_ms () < deadline) {
            b->attempts++;
            bool replayed = false;
            st = b->http ? s_send_http (run, b, body, 20000, &replayed) : s_send_zmq (run, b, &pb, 15000, &replayed);
            if (st == SEND_ACK)
                b->replayed = replayed;
            else if (st == SEND_RETRY) {
                fault_sleep_ms (backoff + fault_between (&rng, 0, backoff));
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
    run->feed_ms = fault_now_ms () - t0;
    atomic_store (&run->feed_done, 1);
    return failures ? -1 : 0;
}

