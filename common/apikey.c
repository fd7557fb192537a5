/*  apikey: random keys, stored as hashes.  */
#include "apikey.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
apikey_hash (const char *key, char out [65])
{
    unsigned char h [crypto_hash_sha256_BYTES];
    crypto_hash_sha256 (h, (const unsigned char *) key, strlen (key));
    sodium_bin2hex (out, 65, h, sizeof h);
}

long long
apikey_create (db_t *db, const char *role, const char *partner, const char *label,
               char *key, char *err, size_t errlen)
{
    if (sodium_init () < 0) {
        snprintf (err, errlen, "libsodium failed to initialise");
        return -1;
    }
    unsigned char raw [32];
    randombytes_buf (raw, sizeof raw);
    strcpy (key, "cw_");
    sodium_bin2base64 (key + 3, APIKEY_LEN - 2, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char hash [65], prefix [12];
    apikey_hash (key, hash);
    snprintf (prefix, sizeof prefix, "%.10s", key);
    const char *p [5] = { hash, prefix, role, partner && *partner ? partner : NULL, label };
    PGresult *r = db_exec (db, "insert into api_keys (key_hash, prefix, role, partner, label)"
                               " values (decode ($1, 'hex'), $2, $3, $4, $5) returning id", 5, p,
                           DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    long long id = atoll (PQgetvalue (r, 0, 0));
    PQclear (r);
    return id;
}

int
apikey_lookup (db_t *db, const char *key, apikey_t *out, char *err, size_t errlen)
{
    if (!key || strncmp (key, "cw_", 3) || strlen (key) != APIKEY_LEN)
        return 0;
    char hash [65];
    apikey_hash (key, hash);
    const char *p [1] = { hash };
    PGresult *r = db_exec (db, "select id, role, coalesce (partner, ''), coalesce (label, '') from api_keys"
                               " where key_hash = decode ($1, 'hex') and revoked_at is null", 1, p,
                           DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int found = PQntuples (r) == 1;
    if (found) {
        out->id = atoll (PQgetvalue (r, 0, 0));
        snprintf (out->role, sizeof out->role, "%s", PQgetvalue (r, 0, 1));
        snprintf (out->partner, sizeof out->partner, "%s", PQgetvalue (r, 0, 2));
        snprintf (out->label, sizeof out->label, "%s", PQgetvalue (r, 0, 3));
    }
    PQclear (r);
    return found;
}

int
apikey_revoke (db_t *db, long long id, char *err, size_t errlen)
{
    char ids [24];
    snprintf (ids, sizeof ids, "%lld", id);
    const char *p [1] = { ids };
    return db_rows (db, "update api_keys set revoked_at = now () where id = $1 and revoked_at is null"
                        " returning id", 1, p, err, errlen);
}
