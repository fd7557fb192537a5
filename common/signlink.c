/*  signlink: HMAC-signed report links.  */
#include "signlink.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
signlink_secret (db_t *db, char out [65], char *err, size_t errlen)
{
    unsigned char raw [32];
    char hex [65];
    randombytes_buf (raw, sizeof raw);
    sodium_bin2hex (hex, sizeof hex, raw, sizeof raw);
    const char *p [1] = { hex };
    PGresult *r = db_exec (db, "with i as (insert into signing_secrets (name, secret) values ('links', $1)"
                               " on conflict (name) do nothing returning secret)"
                               " select secret from i union all select secret from signing_secrets where name = 'links'",
                           1, p, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int ok = PQntuples (r) > 0;
    if (ok)
        snprintf (out, 65, "%s", PQgetvalue (r, 0, 0));
    PQclear (r);
    if (!ok)
        snprintf (err, errlen, "no signing secret");
    return ok ? 0 : -1;
}

static int
s_by_name (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
signlink_sign (const char *secret, const char *path, const char *const *names,
               const char *const *values, size_t n, char out [65])
{
    //  Canonical form: path, then "name=value" lines sorted by text.
    char **pairs = calloc (n + 1, sizeof *pairs);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp (names [i], "sig") == 0)
            continue;
        size_t len = strlen (names [i]) + strlen (values [i] ? values [i] : "") + 2;
        pairs [m] = malloc (len);
        snprintf (pairs [m++], len, "%s=%s", names [i], values [i] ? values [i] : "");
    }
    qsort (pairs, m, sizeof *pairs, s_by_name);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init (&st, (const unsigned char *) secret, strlen (secret));
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) path, strlen (path));
    for (size_t i = 0; i < m; i++) {
        crypto_auth_hmacsha256_update (&st, (const unsigned char *) "\n", 1);
        crypto_auth_hmacsha256_update (&st, (const unsigned char *) pairs [i], strlen (pairs [i]));
        free (pairs [i]);
    }
    free (pairs);
    unsigned char mac [crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final (&st, mac);
    sodium_bin2hex (out, 65, mac, sizeof mac);
}
