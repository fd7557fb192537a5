/*  intake_service: parse, validate, replay check, commit, notify.  */
#include "intake_service.h"
#include "zap.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>

struct _intake_t {
    db_t *db;                   //  borrowed
    zsock_t *calc;              //  PUSH to calc, borrowed, may be NULL
    intake_ref_t *ref;          //  reference data
    size_t max_rows;            //  rows per batch
    intake_store_options_t opts;
};

intake_t *
intake_new (db_t *db, const config_t *cfg, zsock_t *calc, char *err, size_t errlen)
{
    intake_ref_t *ref = intake_ref_load (db, err, errlen);
    if (!ref)
        return NULL;
    intake_t *self = calloc (1, sizeof *self);
    self->db = db;
    self->calc = calc;
    self->ref = ref;
    self->max_rows = (size_t) cfg->max_batch_rows;
    self->opts = (intake_store_options_t) { .denominator_change = 0.5, .jump_sigmas = 4, .jump_min_points = 4,
                                            .jump_window = 36 };
    return self;
}

void
intake_destroy (intake_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    intake_ref_destroy (&(*self_p)->ref);
    free (*self_p);
    *self_p = NULL;
}

int
intake_reload (intake_t *self)
{
    char err [256];
    intake_ref_t *ref = intake_ref_load (self->db, err, sizeof err);
    if (!ref) {
        log_warn ("reference_reload_failed", "{s:s}", "error", err);
        return -1;
    }
    intake_ref_destroy (&self->ref);
    self->ref = ref;
    return 0;
}

static void
s_notify_calc (intake_t *self, const intake_receipt_t *receipt)
{
    if (!self->calc)
        return;
    Carewatch__V1__BatchCommitted m = CAREWATCH__V1__BATCH_COMMITTED__INIT;
    m.batch_id = receipt->batch_id;
    m.sequence = receipt->sequence;
    //  Never block the partner on calc: calc also finds unprocessed
    //  batches in the table, so a dropped notification loses nothing.
    zmsg_t *z = msg_encode (NULL, &m.base);
    zsock_set_sndtimeo (self->calc, 0);
    if (zmsg_send (&z, self->calc))
        log_warn ("calc_notify_dropped", "{s:I}", "batch_id", (json_int_t) receipt->batch_id);
    zmsg_destroy (&z);
}

static void
s_warn (void *arg, uint32_t row, const char *field, const char *code, const char *message)
{
    intake_receipt_warn (arg, row, field, code, message);
}

//  The pipeline every format goes through once parsed.
static void
s_process (intake_t *self, feed_t *feed, intake_receipt_t *receipt)
{
    Carewatch__V1__SubmitBatch *b = feed->batch;
    char code [40], msg [256], err [512];
    if (intake_validate_batch (self->ref, b, self->max_rows, code, sizeof code, msg, sizeof msg)) {
        intake_receipt_refuse (receipt, b->batch_key, code, msg);
        return;
    }
    unsigned char hash [32];
    intake_store_hash (b, hash);
    for (int attempt = 0; attempt < 2; attempt++) {
        int seen = intake_store_replay (self->db, b->partner, b->batch_key, hash, receipt, err, sizeof err);
        if (seen == -1)
            break;
        if (seen > 0)
            return;
        intake_row_t *rows = calloc (b->n_observations, sizeof *rows);
        size_t bad = intake_validate_rows (self->ref, feed, rows);
        intake_receipt_take_errors (receipt, feed);
        intake_warn_rows (self->ref, feed, rows, s_warn, receipt);
        feed->nissues = 0;
        if (bad && b->atomic) {
            snprintf (receipt->batch_key, sizeof receipt->batch_key, "%s", b->batch_key);
            snprintf (receipt->status, sizeof receipt->status, "rejected");
            receipt->rejected = (uint32_t) b->n_observations;
            free (rows);
            return;
        }
        int rc = intake_store_commit (self->db, feed, rows, hash, &self->opts, receipt, err, sizeof err);
        free (rows);
        if (rc == 0) {
            log_info ("batch_committed", "{s:I, s:s, s:s, s:i, s:i, s:i, s:i, s:i}",
                      "batch_id", (json_int_t) receipt->batch_id, "partner", b->partner,
                      "batch_key", b->batch_key, "accepted", (int) receipt->accepted,
                      "rejected", (int) receipt->rejected, "new", (int) receipt->new_count,
                      "revised", (int) receipt->revised_count, "unchanged", (int) receipt->unchanged_count);
            s_notify_calc (self, receipt);
            return;
        }
        if (rc == -1)
            break;
        //  A concurrent submission of the same key won: answer as a replay.
        intake_receipt_clear (receipt);
        for (size_t i = 0; i < b->n_observations; i++)
            feed->bad [i] = false;
    }
    log_error ("batch_failed", "{s:s, s:s, s:s}", "partner", b->partner, "batch_key", b->batch_key, "error", err);
    intake_receipt_clear (receipt);
    intake_receipt_refuse (receipt, b->batch_key, "database_unavailable",
                           "the batch was not stored (database unavailable); send it again with the same batch_key");
}

void
intake_submit_batch (intake_t *self, Carewatch__V1__SubmitBatch *batch, intake_receipt_t *receipt)
{
    memset (receipt, 0, sizeof *receipt);
    feed_t feed = { 0 };
    feed.batch = batch;
    feed.bad = calloc (batch->n_observations + 1, sizeof *feed.bad);
    //  The caller frees batch with protobuf_c_message_free_unpacked, which
    //  frees format unless it is the default: put the caller's back.
    char *format = batch->format;
    if (!batch->format || !*batch->format)
        batch->format = (char *) "protobuf";
    s_process (self, &feed, receipt);
    batch->format = format;
    feed.batch = NULL;      //  borrowed: the caller frees it
    feed_clear (&feed);
}

void
intake_submit_feed (intake_t *self, const Carewatch__V1__SubmitFeed *sf, intake_receipt_t *receipt)
{
    memset (receipt, 0, sizeof *receipt);
    feed_t feed = { 0 };
    char err [512];
    int rc;
    const char *data = (const char *) sf->content.data;
    if (strcmp (sf->format, "json") == 0)
        rc = feed_parse_json (data, sf->content.len, sf->partner, self->max_rows, &feed, err, sizeof err);
    else if (strcmp (sf->format, "csv") == 0)
        rc = feed_parse_csv (data, sf->content.len, sf->partner, sf->batch_key, sf->atomic,
                             self->max_rows, &feed, err, sizeof err);
    else {
        snprintf (err, sizeof err, "format '%.32s' is not json or csv", sf->format);
        rc = -1;
    }
    if (rc)
        //  The parsers refuse an oversized feed before reading its rows;
        //  it gets the same code as an oversized SubmitBatch.
        intake_receipt_refuse (receipt, sf->batch_key,
                               strncmp (err, "batch has ", 10) == 0 ? "batch_too_large" : "unreadable_feed", err);
    else {
        //  An atomic request from outside the file (a header, a flag)
        //  holds for JSON too: all or nothing is never downgraded.
        feed.batch->atomic = feed.batch->atomic || sf->atomic;
        s_process (self, &feed, receipt);
    }
    feed_clear (&feed);
}

//  With CURVE on, a submission speaks for the partner its key is
//  registered to (or, from the gateway's relay key, for the partner whose
//  API key the gateway checked), never for one it merely names.
static bool
s_may_speak (svc_t *svc, const msg_t *request, const char *partner, const char *batch_key,
             intake_receipt_t *receipt)
{
    if (!svc_config (svc)->curve_public [0] || strcmp (request->user_id, ZAP_RELAY) == 0)
        return true;
    if (request->user_id [0] && partner && strcmp (request->user_id, partner) == 0)
        return true;
    char err [300];
    snprintf (err, sizeof err, "this connection's CURVE key is registered to partner '%.72s', which may not"
              " submit for partner '%.72s'", request->user_id [0] ? request->user_id : "(none)", partner ? partner : "");
    memset (receipt, 0, sizeof *receipt);
    intake_receipt_refuse (receipt, batch_key ? batch_key : "", "partner_mismatch", err);
    log_warn ("partner_mismatch", "{s:s, s:s}", "authenticated", request->user_id, "claimed", partner ? partner : "");
    return false;
}

int
intake_on_request (svc_t *svc, zsock_t *sock, msg_t *request, void *arg)
{
    intake_t *self = arg;
    intake_receipt_t receipt;
    if (msg_is (request, &carewatch__v1__submit_batch__descriptor)) {
        Carewatch__V1__SubmitBatch *b = (Carewatch__V1__SubmitBatch *) request->body;
        if (s_may_speak (svc, request, b->partner, b->batch_key, &receipt))
            intake_submit_batch (self, b, &receipt);
    }
    else if (msg_is (request, &carewatch__v1__submit_feed__descriptor)) {
        Carewatch__V1__SubmitFeed *f = (Carewatch__V1__SubmitFeed *) request->body;
        if (s_may_speak (svc, request, f->partner, f->batch_key, &receipt))
            intake_submit_feed (self, f, &receipt);
    }
    else {
        msg_send_error (sock, request->identity, "unsupported_message",
                        "intake takes SubmitBatch, SubmitFeed and Ping");
        return 0;
    }
    Carewatch__V1__BatchReceipt pb;
    intake_receipt_to_pb (&receipt, &pb);
    msg_send (sock, request->identity, &pb.base);
    intake_receipt_pb_free (&pb);
    intake_receipt_clear (&receipt);
    return 0;
}

int
intake_on_timer (svc_t *svc, void *arg)
{
    intake_reload (arg);
    return 0;
}
