/*  subscription: one way to make subscriptions and silences.  */
#include "subscription.h"
#include "alert_filter.h"
#include "utf8.h"
#include "webhook.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *
s_row_json (PGresult *r)
{
    json_t *j = json_loads (PQgetvalue (r, 0, 0), 0, NULL);
    PQclear (r);
    return j;
}

subscription_rc_t
subscription_create (db_t *db, const subscription_t *s, const char *allow, json_t **created,
                     char *err, size_t errlen)
{
    *created = NULL;
    const char *channel = s->channel ? s->channel : s->url ? "webhook" : "zmq";
    json_t *filter = s->filter ? json_incref (s->filter) : json_object ();
    subscription_rc_t rc = SUBSCRIPTION_INVALID;
    if (alert_filter_check (filter, err, errlen))
        ;
    else if (strcmp (channel, "webhook") && strcmp (channel, "zmq"))
        snprintf (err, errlen, "channel must be webhook or zmq");
    else if (strcmp (channel, "webhook") == 0 && webhook_check (s->url, s->secret, allow, true, err, errlen))
        ;
    else if (!s->subscriber || !*s->subscriber || strlen (s->subscriber) > 200 || !utf8_clean (s->subscriber))
        snprintf (err, errlen, "name the subscriber (up to 200 characters of text)");
    else {
        char *ftext = json_dumps (filter, JSON_COMPACT);
        char owner [24];
        snprintf (owner, sizeof owner, "%lld", s->owner_key);
        bool webhook = strcmp (channel, "webhook") == 0;
        const char *p [7] = { s->subscriber, ftext, channel, webhook ? s->url : NULL, webhook ? s->secret : NULL,
                              s->partner, s->owner_key ? owner : NULL };
        PGresult *r = ftext ? db_exec (db, "insert into subscriptions (subscriber, filter, channel, url, secret, partner,"
                                           " owner_key) values ($1, $2::jsonb, $3, $4, $5, $6, $7::bigint) returning"
                                           " json_build_object ('id', id, 'subscriber', subscriber, 'filter', filter,"
                                           " 'channel', channel, 'url', url)::text", 7, p, DB_TUPLES, err, errlen)
                            : NULL;
        free (ftext);
        if (r) {
            *created = s_row_json (r);
            rc = SUBSCRIPTION_OK;
        }
        else if (strstr (err, "foreign key"))
            snprintf (err, errlen, "no partner '%.72s'", s->partner ? s->partner : "");
        else
            rc = SUBSCRIPTION_DB_ERROR;
    }
    json_decref (filter);
    return rc;
}

subscription_rc_t
subscription_silence (db_t *db, const char *matcher, const char *until, bool intervals, const char *reason,
                      const char *created_by, json_t **created, char *err, size_t errlen)
{
    *created = NULL;
    if (!matcher || !until || !reason || !*matcher || !*reason || strlen (matcher) > 300 || strlen (reason) > 1000
    ||  strlen (until) > 64 || !utf8_clean (matcher) || !utf8_clean (reason) || !utf8_clean (until)) {
        snprintf (err, errlen, "a silence needs matcher (e.g. \"off_target/pi-2257/*\", up to 300 characters),"
                  " until (a timestamp) and reason (up to 1,000 characters)");
        return SUBSCRIPTION_INVALID;
    }
    const char *p [5] = { matcher, until, reason, created_by, intervals ? "t" : "f" };
    char dberr [256];
    PGresult *r = db_exec (db, "insert into silences (matcher, until, reason, created_by) values ($1,"
                               " case when $5::boolean and $2 ~ '^[0-9]+ *[a-z]+$' then now () + $2::interval"
                               " else $2::timestamptz end, $3, $4) returning row_to_json (silences)::text",
                           5, p, DB_TUPLES, dberr, sizeof dberr);
    if (r) {
        *created = s_row_json (r);
        return SUBSCRIPTION_OK;
    }
    //  A value PostgreSQL cannot read as a time is the caller's mistake.
    if (strstr (dberr, "invalid input syntax") || strstr (dberr, "out of range") || strstr (dberr, "interval")
    ||  strstr (dberr, "date/time") || strstr (dberr, "time zone") || strstr (dberr, "timestamp")) {
        snprintf (err, errlen, "until must be a timestamp such as 2026-12-01T00:00:00Z%s",
                  intervals ? " or an interval such as '2 days'" : "");
        return SUBSCRIPTION_INVALID;
    }
    snprintf (err, errlen, "%s", dberr);
    return SUBSCRIPTION_DB_ERROR;
}
