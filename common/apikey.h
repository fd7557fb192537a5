/*  apikey: API keys for the gateway.  A key is "cw_" and 43 characters
    of URL-safe base64 (32 random bytes); only its SHA-256 is stored, so
    the database never holds a usable key.  A key is shown once, when it
    is created.  */
#ifndef CAREWATCH_APIKEY_H
#define CAREWATCH_APIKEY_H

#include <stdbool.h>
#include "db.h"

#define APIKEY_LEN 46           //  "cw_" + 43

typedef struct {
    long long id;               //  api_keys.id
    char role [16];             //  partner, subscriber, reader, admin
    char partner [72];          //  for a partner key, the partner it speaks for
    char label [128];           //  who holds it (a subscriber's name)
} apikey_t;

//  Writes the hex SHA-256 of key into out (65 bytes).
void apikey_hash (const char *key, char out [65]);

//  Creates a key with role (and partner for a partner key); writes the
//  key into key (APIKEY_LEN + 1 bytes).  Returns its id, or -1 with err.
long long apikey_create (db_t *db, const char *role, const char *partner, const char *label,
                         char *key, char *err, size_t errlen);

//  Looks a presented key up.  Returns 1 and fills *out for a valid key,
//  0 for an unknown or revoked one, -1 on a database error.
int apikey_lookup (db_t *db, const char *key, apikey_t *out, char *err, size_t errlen);

//  Revokes by id.  Returns 1 when a key was revoked, 0 when none, -1.
int apikey_revoke (db_t *db, long long id, char *err, size_t errlen);

#endif
