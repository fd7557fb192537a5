/*  signlink: read-only links to reports that a browser can open without
    an Authorization header.  A link carries its expiry and an HMAC-SHA256
    over the path and every other query argument, keyed by a secret kept
    in the database; it grants reader access to that one GET and nothing
    else, until it expires.  */
#ifndef CAREWATCH_SIGNLINK_H
#define CAREWATCH_SIGNLINK_H

#include <stddef.h>
#include "db.h"

//  Loads (creating once) the signing secret into out (65 bytes).
//  Returns 0 or -1 with err.
int signlink_secret (db_t *db, char out [65], char *err, size_t errlen);

//  Writes text percent-encoded (RFC 3986: every byte but the unreserved
//  characters) into out, which holds 3 x strlen (text) + 1 bytes; returns
//  the length.  The canonical form signs encoded names and values, so
//  none can hold its separators '=', '&' and '?'.
size_t signlink_encode (char *out, const char *text);

//  The signature of path and its arguments (names[i]=values[i], any
//  order, decoded; "sig" is skipped) as hex into out (65 bytes): an
//  HMAC-SHA256 of "path?n1=v1&n2=v2..." with path, names and values
//  percent-encoded and the pairs sorted.
void signlink_sign (const char *secret, const char *path, const char *const *names,
                    const char *const *values, size_t n, char out [65]);

#endif
