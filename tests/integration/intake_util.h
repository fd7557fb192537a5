/*  intake_util.h: what the intake integration tests (it_intake*.c) share:
    batches built in memory, a request/receipt round trip over a DEALER
    socket, and one-value queries on the test database.  */
#ifndef IT_INTAKE_UTIL_H
#define IT_INTAKE_UTIL_H

#include "db.h"
#include "harness.h"
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

//  A SubmitBatch with its rows and their text in owned arrays.  Do not
//  move it once initialised (the batch points into it).
typedef struct {
    Carewatch__V1__SubmitBatch b;
    Carewatch__V1__Observation *obs;
    Carewatch__V1__Observation **ptrs;
    char (*text) [3][64];       //  data element, org unit, period per row
    char key [256];
    char partner [64];
    size_t cap;
} it_batch_t;

static inline void
it_batch_init (it_batch_t *self, const char *partner, const char *key, size_t cap)
{
    memset (self, 0, sizeof *self);
    carewatch__v1__submit_batch__init (&self->b);
    snprintf (self->partner, sizeof self->partner, "%s", partner);
    snprintf (self->key, sizeof self->key, "%s", key);
    self->b.partner = self->partner;
    self->b.batch_key = self->key;
    self->obs = calloc (cap, sizeof *self->obs);
    self->ptrs = calloc (cap, sizeof *self->ptrs);
    self->text = calloc (cap, sizeof *self->text);
    self->cap = cap;
    self->b.observations = self->ptrs;
}

static inline void
it_batch_free (it_batch_t *self)
{
    free (self->obs);
    free (self->ptrs);
    free (self->text);
    memset (self, 0, sizeof *self);
}

//  Appends a row (NULL when full); the caller sets its figures.
static inline Carewatch__V1__Observation *
it_add (it_batch_t *self, const char *de, const char *org, const char *period)
{
    if (self->b.n_observations == self->cap)
        return NULL;
    size_t i = self->b.n_observations++;
    Carewatch__V1__Observation *o = &self->obs [i];
    carewatch__v1__observation__init (o);
    snprintf (self->text [i][0], 64, "%s", de);
    snprintf (self->text [i][1], 64, "%s", org);
    snprintf (self->text [i][2], 64, "%s", period);
    o->data_element = self->text [i][0];
    o->org_unit = self->text [i][1];
    o->period = self->text [i][2];
    self->ptrs [i] = o;
    return o;
}

static inline void
it_value (Carewatch__V1__Observation *o, double v)
{
    o->has_value = 1;
    o->value = v;
}

static inline void
it_frac (Carewatch__V1__Observation *o, double n, double d)
{
    o->has_numerator = o->has_denominator = 1;
    o->numerator = n;
    o->denominator = d;
}

//  A DEALER connected to endpoint with a receive timeout.
static inline zsock_t *
it_dealer (const char *endpoint, int timeout_ms)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, timeout_ms);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", endpoint);
    return sock;
}

//  Sends req and waits for a BatchReceipt.  Returns it (owned by *reply,
//  which the caller always releases with msg_clear), or NULL after saying
//  why.
static inline Carewatch__V1__BatchReceipt *
it_call (zsock_t *sock, const ProtobufCMessage *req, msg_t *reply)
{
    char err [256];
    memset (reply, 0, sizeof *reply);
    if (msg_send (sock, NULL, req)) {
        fprintf (stderr, "it_call: send failed\n");
        return NULL;
    }
    if (msg_recv (sock, false, 64 << 20, reply, err, sizeof err)) {
        fprintf (stderr, "it_call: no reply: %s\n", err);
        zsock_set_rcvtimeo (sock, 1000);     //  the service is gone: fail the rest fast
        return NULL;
    }
    if (!msg_is (reply, &carewatch__v1__batch_receipt__descriptor)) {
        if (msg_is (reply, &carewatch__v1__error__descriptor))
            fprintf (stderr, "it_call: Error %s: %s\n", ((Carewatch__V1__Error *) reply->body)->code,
                     ((Carewatch__V1__Error *) reply->body)->message);
        else
            fprintf (stderr, "it_call: unexpected reply\n");
        return NULL;
    }
    return (Carewatch__V1__BatchReceipt *) reply->body;
}

//  Sends a feed file (SubmitFeed).
static inline Carewatch__V1__BatchReceipt *
it_feed (zsock_t *sock, const char *partner, const char *format, const char *content,
         const char *csv_key, bool atomic, msg_t *reply)
{
    Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
    f.partner = (char *) partner;
    f.format = (char *) format;
    f.content.data = (uint8_t *) content;
    f.content.len = strlen (content);
    f.batch_key = (char *) (csv_key ? csv_key : "");
    f.atomic = atomic;
    return it_call (sock, &f.base, reply);
}

//  Runs sql (up to 2 text parameters) and copies the first value of the
//  first row into buf ("" for NULL or no row).  Returns 0, -1 on error.
static inline int
it_text (db_t *db, const char *sql, const char *p1, const char *p2, char *buf, size_t len)
{
    char err [512];
    const char *p [2] = { p1, p2 };
    int n = p2 ? 2 : p1 ? 1 : 0;
    buf [0] = '\0';
    PGresult *r = db_exec (db, sql, n, p, DB_TUPLES, err, sizeof err);
    if (!r) {
        fprintf (stderr, "it_text: %s: %s\n", sql, err);
        return -1;
    }
    if (PQntuples (r) > 0 && !PQgetisnull (r, 0, 0))
        snprintf (buf, len, "%s", PQgetvalue (r, 0, 0));
    PQclear (r);
    return 0;
}

//  The same for a number; -1 on error or NULL.
static inline long long
it_num (db_t *db, const char *sql, const char *p1, const char *p2)
{
    char buf [64];
    if (it_text (db, sql, p1, p2, buf, sizeof buf) || !*buf)
        return -1;
    return atoll (buf);
}


#endif
