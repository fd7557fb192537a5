/*  websession: browser sessions, stored as hashes.  */
#include "websession.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_random_token (char *out)
{
    unsigned char raw [32];
    randombytes_buf (raw, sizeof raw);
    sodium_bin2base64 (out, WEBSESSION_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
websession_create (db_t *db, long long key_id, int hours, char *token, char *csrf, char *err, size_t errlen)
{
    if (sodium_init () < 0) {
        snprintf (err, errlen, "libsodium failed to initialise");
        return -1;
    }
    s_random_token (token);
    s_random_token (csrf);
    char hash [65], ids [24], hs [16];
    apikey_hash (token, hash);
    snprintf (ids, sizeof ids, "%lld", key_id);
    snprintf (hs, sizeof hs, "%d", hours);
    const char *p [4] = { hash, ids, csrf, hs };
    PGresult *r = db_exec (db, "insert into web_sessions (token_hash, key_id, csrf, expires_at)"
                               " values ($1, $2::bigint, $3, now () + make_interval (hours => $4::int))",
                           4, p, DB_COMMAND, err, errlen);
    if (!r)
        return -1;
    PQclear (r);
    //  Housekeeping: sessions over a day past their end go.
    r = db_exec (db, "delete from web_sessions where expires_at < now () - interval '1 day'", 0, NULL, DB_COMMAND,
                 err, errlen);
    if (r)
        PQclear (r);
    return 0;
}

int
websession_lookup (db_t *db, const char *token, apikey_t *key, char *csrf, char *err, size_t errlen)
{
    if (!token || strlen (token) != WEBSESSION_TOKEN_LEN)
        return 0;
    char hash [65];
    apikey_hash (token, hash);
    const char *p [1] = { hash };
    PGresult *r = db_exec (db, "select k.id, k.role, coalesce (k.partner, ''), coalesce (k.label, ''), s.csrf"
                               " from web_sessions s join api_keys k on k.id = s.key_id"
                               " where s.token_hash = $1 and s.ended_at is null and s.expires_at > now ()"
                               " and k.revoked_at is null", 1, p, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int found = PQntuples (r) == 1;
    if (found) {
        memset (key, 0, sizeof *key);
        key->id = atoll (PQgetvalue (r, 0, 0));
        snprintf (key->role, sizeof key->role, "%s", PQgetvalue (r, 0, 1));
        snprintf (key->partner, sizeof key->partner, "%s", PQgetvalue (r, 0, 2));
        snprintf (key->label, sizeof key->label, "%s", PQgetvalue (r, 0, 3));
        snprintf (csrf, WEBSESSION_TOKEN_LEN + 1, "%s", PQgetvalue (r, 0, 4));
    }
    PQclear (r);
    return found;
}

int
websession_end (db_t *db, const char *token, char *err, size_t errlen)
{
    if (!token || strlen (token) != WEBSESSION_TOKEN_LEN)
        return 0;
    char hash [65];
    apikey_hash (token, hash);
    const char *p [1] = { hash };
    return db_rows (db, "update web_sessions set ended_at = now () where token_hash = $1 and ended_at is null"
                        " returning id", 1, p, err, errlen);
}

bool
websession_cookie (const char *header, const char *name, char *out, size_t outlen)
{
    size_t nlen = strlen (name);
    const char *s = header;
    while (s && *s) {
        while (*s == ' ' || *s == ';')
            s++;
        const char *end = strchr (s, ';');
        size_t len = end ? (size_t) (end - s) : strlen (s);
        if (len > nlen && strncmp (s, name, nlen) == 0 && s [nlen] == '=') {
            size_t vlen = len - nlen - 1;
            if (vlen >= outlen)
                return false;
            memcpy (out, s + nlen + 1, vlen);
            out [vlen] = '\0';
            return true;
        }
        s = end;
    }
    return false;
}
