/*  websession: sessions for people in a browser.  An API key is
    exchanged once (the sign-in form) for a session; the browser keeps a
    random token in an HttpOnly, SameSite=Strict cookie and the database
    keeps only its SHA-256 (web_sessions, migration 0011).  A session acts
    with its key's role and ends when it expires, when it is signed out or
    when its key is revoked.  Each session has a CSRF token that every
    form posts back.  */
#ifndef CAREWATCH_WEBSESSION_H
#define CAREWATCH_WEBSESSION_H

#include "apikey.h"
#include "db.h"

#define WEBSESSION_TOKEN_LEN 43         //  URL-safe base64 of 32 random bytes
#define WEBSESSION_COOKIE "cw_session"  //  the cookie's name
#define WEBSESSION_HOURS 12             //  a session's life

//  Makes a session for key id key_id lasting hours; writes its token and
//  CSRF token (WEBSESSION_TOKEN_LEN + 1 bytes each).  Returns 0, or -1
//  with err.
int websession_create (db_t *db, long long key_id, int hours, char *token, char *csrf, char *err, size_t errlen);

//  Looks a token up.  Returns 1 and fills *key and csrf for a live
//  session of an unrevoked key, 0 when there is none, -1 on a database
//  error.
int websession_lookup (db_t *db, const char *token, apikey_t *key, char *csrf, char *err, size_t errlen);

//  Ends the session of token.  Returns 1 when one ended, 0, or -1.
int websession_end (db_t *db, const char *token, char *err, size_t errlen);

//  The value of cookie name in a Cookie header, copied into out (at most
//  outlen - 1 bytes; longer values give false).  Returns true when found.
bool websession_cookie (const char *header, const char *name, char *out, size_t outlen);

#endif
