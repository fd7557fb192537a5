/*  signlink: HMAC-signed report links.  */
#include "signlink.h"

#include <sodium.h>
#include <stdbool.h>
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
s_by_text (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

size_t
signlink_encode (char *out, const char *text)
{
    static const char hex [] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *c = (const unsigned char *) text; *c; c++)
        if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr ("-._~", *c))
            out [o++] = (char) *c;
        else {
            out [o++] = '%';
            out [o++] = hex [*c >> 4];
            out [o++] = hex [*c & 15];
        }
    out [o] = '\0';
    return o;
}

void
signlink_sign (const char *secret, const char *path, const char *const *names,
               const char *const *values, size_t n, char out [65])
{
    //  Canonical form: the path, '?', then the "name=value" pairs, each
    //  side percent-encoded, sorted, joined by '&'.  Encoding makes the
    //  form unambiguous: a value holding "\n", "&" or "=" cannot pass for
    //  more pairs, which with plain joining re-scoped a link.
    char **pairs = calloc (n + 1, sizeof *pairs);
    size_t m = 0;
    bool failed = !pairs;
    for (size_t i = 0; pairs && i < n; i++) {
        if (strcmp (names [i], "sig") == 0)
            continue;
        const char *v = values [i] ? values [i] : "";
        pairs [m] = malloc (3 * (strlen (names [i]) + strlen (v)) + 2);
        if (!pairs [m]) {
            failed = true;
            break;
        }
        size_t k = signlink_encode (pairs [m], names [i]);
        pairs [m][k++] = '=';
        signlink_encode (pairs [m] + k, v);
        m++;
    }
    if (pairs)
        qsort (pairs, m, sizeof *pairs, s_by_text);
    char *epath = malloc (3 * strlen (path) + 1);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init (&st, (const unsigned char *) secret, strlen (secret));
    if (epath) {
        signlink_encode (epath, path);
        crypto_auth_hmacsha256_update (&st, (const unsigned char *) epath, strlen (epath));
    }
    crypto_auth_hmacsha256_update (&st, (const unsigned char *) "?", 1);
    for (size_t i = 0; i < m; i++) {
        if (i)
            crypto_auth_hmacsha256_update (&st, (const unsigned char *) "&", 1);
        crypto_auth_hmacsha256_update (&st, (const unsigned char *) pairs [i], strlen (pairs [i]));
        free (pairs [i]);
    }
    free (pairs);
    unsigned char mac [crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final (&st, mac);
    //  A form that could not be built (no memory) signs as nothing valid.
    if (!epath || failed)
        randombytes_buf (mac, sizeof mac);
    free (epath);
    sodium_bin2hex (out, 65, mac, sizeof mac);
}
