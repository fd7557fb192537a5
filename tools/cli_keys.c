/*  cli_keys: carewatch key create|revoke|list.  */
#include "apikey.h"
#include "cli.h"
#include "config.h"
#include "log.h"
#include "signlink.h"

#include <time.h>

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int
s_create (int argc, char **argv)
{
    const char *role = NULL, *partner = NULL, *label = NULL;
    static struct option opts [] = {
        { "role", required_argument, 0, 'r' }, { "partner", required_argument, 0, 'p' },
        { "label", required_argument, 0, 'l' }, { 0, 0, 0, 0 }
    };
    int c;
    optind = 1;
    while ((c = getopt_long (argc, argv, "r:p:l:", opts, NULL)) != -1)
        switch (c) {
            case 'r': role = optarg; break;
            case 'p': partner = optarg; break;
            case 'l': label = optarg; break;
            default: return 2;
        }
    if (!role || (strcmp (role, "partner") == 0) != (partner != NULL)
    ||  (strcmp (role, "partner") && strcmp (role, "subscriber") && strcmp (role, "reader") && strcmp (role, "admin"))) {
        fprintf (stderr, "usage: carewatch key create --role partner|subscriber|reader|admin"
                         " [--partner CODE (partner keys only)] [--label WHO]\n");
        return 2;
    }
    db_t *db = cli_db ("key", 0);
    if (!db)
        return 1;
    char key [APIKEY_LEN + 1], err [512];
    long long id = apikey_create (db, role, partner, label ? label : role, key, err, sizeof err);
    db_destroy (&db);
    if (id < 0) {
        fprintf (stderr, "carewatch key create: %s\n", err);
        return 1;
    }
    //  The key itself goes to stdout alone, so scripts can capture it.
    printf ("%s\n", key);
    fprintf (stderr, "created key %lld (%s%s%s); it is shown only now\n", id, role, partner ? " for " : "",
             partner ? partner : "");
    return 0;
}

int
cli_key (int argc, char **argv)
{
    if (argc >= 2 && strcmp (argv [1], "create") == 0)
        return s_create (argc - 1, argv + 1);
    if (argc == 3 && strcmp (argv [1], "revoke") == 0) {
        db_t *db = cli_db ("key", 0);
        if (!db)
            return 1;
        char err [256];
        int rc = apikey_revoke (db, atoll (argv [2]), err, sizeof err);
        db_destroy (&db);
        if (rc < 0)
            fprintf (stderr, "carewatch key revoke: %s\n", err);
        else if (rc == 0)
            fprintf (stderr, "carewatch key revoke: no active key %s\n", argv [2]);
        else
            printf ("revoked key %s\n", argv [2]);
        return rc == 1 ? 0 : 1;
    }
    if (argc == 2 && strcmp (argv [1], "list") == 0) {
        db_t *db = cli_db ("key", 0);
        if (!db)
            return 1;
        char err [256];
        PGresult *r = db_exec (db, "select id, prefix, role, coalesce (partner, ''), coalesce (label, ''),"
                                   " created_at::date, coalesce (revoked_at::text, '') from api_keys order by id",
                               0, NULL, DB_TUPLES, err, sizeof err);
        if (r) {
            printf ("id\tprefix\trole\tpartner\tlabel\tcreated\trevoked\n");
            for (int i = 0; i < PQntuples (r); i++)
                printf ("%s\t%s…\t%s\t%s\t%s\t%s\t%s\n", PQgetvalue (r, i, 0), PQgetvalue (r, i, 1),
                        PQgetvalue (r, i, 2), PQgetvalue (r, i, 3), PQgetvalue (r, i, 4), PQgetvalue (r, i, 5),
                        PQgetvalue (r, i, 6));
            PQclear (r);
        }
        db_destroy (&db);
        return r ? 0 : 1;
    }
    fprintf (stderr, "usage: carewatch key create --role R [--partner P] [--label L]\n"
                     "       carewatch key revoke ID\n       carewatch key list\n");
    return 2;
}

//  link PATH[?ARGS] [--ttl SECONDS]: a signed read-only URL for a browser.
//  Percent-decodes text in place ('+' is a space), as a query is read.
static char *
s_decode (char *text)
{
    char *r = text, *w = text;
    while (*r) {
        unsigned int c;
        if (r [0] == '%' && isxdigit ((unsigned char) r [1]) && isxdigit ((unsigned char) r [2])
        &&  sscanf (r + 1, "%2x", &c) == 1 && c) {
            *w++ = (char) c;
            r += 3;
        }
        else {
            *w++ = *r == '+' ? ' ' : *r;
            r++;
        }
    }
    *w = '\0';
    return text;
}

int
cli_link (int argc, char **argv)
{
    if (argc < 2) {
        fprintf (stderr, "usage: carewatch link '/v1/scorecards/FY2022-23Q2?format=html' [--ttl SECONDS]\n");
        return 2;
    }
    long ttl = argc == 4 && strcmp (argv [2], "--ttl") == 0 ? atol (argv [3]) : 7 * 24 * 3600;
    config_t cfg;
    char err [512], secret [65];
    if (config_load (&cfg, err, sizeof err)) {
        fprintf (stderr, "carewatch link: %s\n", err);
        return 1;
    }
    db_t *db = cli_db ("key", 0);
    if (!db)
        return 1;
    int rc = signlink_secret (db, secret, err, sizeof err);
    db_destroy (&db);
    if (rc) {
        fprintf (stderr, "carewatch link: %s\n", err);
        return 1;
    }
    //  Split the path and its "name=value&..." arguments, decoded as the
    //  gateway decodes them.
    char path [1024], query [1024] = "";
    snprintf (path, sizeof path, "%s", argv [1]);
    char *q = strchr (path, '?');
    if (q) {
        *q = '\0';
        snprintf (query, sizeof query, "%s", q + 1);
    }
    const char *names [33], *values [33];
    size_t n = 0;
    char expires [24];
    snprintf (expires, sizeof expires, "%lld", (long long) time (NULL) + ttl);
    for (char *save = NULL, *tok = strtok_r (query, "&", &save); tok && n < 32; tok = strtok_r (NULL, "&", &save)) {
        char *eq = strchr (tok, '=');
        if (eq)
            *eq = '\0';
        names [n] = s_decode (tok);
        values [n++] = eq ? s_decode (eq + 1) : "";
    }
    names [n] = "expires";
    values [n++] = expires;
    char sig [65];
    signlink_sign (secret, path, names, values, n, sig);
    char enc [3 * 1024 + 1];
    signlink_encode (enc, path);
    //  The path keeps its slashes.
    printf ("%s%s?", cfg.public_url, path);
    for (size_t i = 0; i < n; i++) {
        signlink_encode (enc, names [i]);
        printf ("%s=", enc);
        signlink_encode (enc, values [i]);
        printf ("%s&", enc);
    }
    printf ("sig=%s\n", sig);
    return 0;
}
