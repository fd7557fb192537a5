/*  subscription: making subscriptions and silences, with one set of
    rules for every way in (POST /v1/subscriptions and /v1/silences, and
    `carewatch subscribe` and `carewatch silence`): the filter grammar
    (alert_filter.h), the channel, the webhook URL and secret (webhook.h),
    the subscriber's name, the silence's matcher, end and reason.  Alert
    reads what these write.  */
#ifndef CAREWATCH_SUBSCRIPTION_H
#define CAREWATCH_SUBSCRIPTION_H

#include <jansson.h>
#include <stdbool.h>
#include "db.h"

typedef struct {
    const char *subscriber;     //  who it is for (up to 200 characters)
    json_t *filter;             //  borrowed; NULL = everything
    const char *channel;        //  "webhook" or "zmq"; NULL: webhook when url is set
    const char *url;            //  webhook: where to POST
    const char *secret;         //  webhook: what signs the POSTs
    const char *partner;        //  batch_rejected_rows goes to this partner; NULL = none
    long long owner_key;        //  the API key that owns it; 0 = none (admin-managed)
} subscription_t;

//  What went wrong, for the caller's status code.
typedef enum {
    SUBSCRIPTION_OK = 0,
    SUBSCRIPTION_INVALID,       //  the request is wrong: err says what to fix
    SUBSCRIPTION_DB_ERROR       //  the database did not answer
} subscription_rc_t;

//  Checks s (webhook URLs against allow, CAREWATCH_WEBHOOK_ALLOW) and
//  inserts it.  On success *created is the new subscription as JSON (id,
//  subscriber, filter, channel, url; never the secret), a new reference.
subscription_rc_t subscription_create (db_t *db, const subscription_t *s, const char *allow,
                                       json_t **created, char *err, size_t errlen);

//  Checks and inserts a silence: matcher (e.g. "off_target/pi-2257/*",
//  up to 300 characters), until (a timestamp, or with intervals an
//  interval such as "2 days"), reason (up to 1,000), created_by.  On
//  success *created is the silence as JSON, a new reference.
subscription_rc_t subscription_silence (db_t *db, const char *matcher, const char *until, bool intervals,
                                        const char *reason, const char *created_by, json_t **created,
                                        char *err, size_t errlen);

#endif
