/*  web: the gateway's pages for people (under /ui/).  Server-rendered
    HTML with inline SVG charts (common/svgchart), one stylesheet and one
    small script served by the gateway itself (web/, embedded at build):
    nothing is fetched from anywhere else, and the Content-Security-Policy
    says so.  Every page works without the script.

    A person signs in once with an API key (the sign-in page) and gets a
    session cookie (common/websession); the pages act with the key's role,
    as the API does.  Forms carry the session's CSRF token.

    Figures on the pages carry their raw number in data-value, and tables
    and cells name what they hold (data-indicator, data-area, data-period),
    so the browser test can read them back and compare them with the API.

    Pages: web_pages.c (overview, indicator, area), web_manage.c (alerts,
    feeds, keys, sign-in), web_page.c (the shell and helpers).  */
#ifndef CAREWATCH_WEB_H
#define CAREWATCH_WEB_H

#include "gateway.h"
#include "htmlbuf.h"

#include <libpq-fe.h>

//  Opens a page: doctype, head, the header with the navigation for the
//  caller's role, and <main>.  section names the nav entry to mark.
void web_open (htmlbuf_t *b, gw_req_t *req, const char *title, const char *section);

//  Closes the page and sets it as the response (200).
void web_close (htmlbuf_t *b, gw_req_t *req);

//  Closes the page and sets it, unless a section already set an error
//  page (req->status): then the half-made page is dropped.
void web_finish (htmlbuf_t *b, gw_req_t *req);

//  Appends text as one URL path segment or query value: percent-encoded
//  (all but A-Z a-z 0-9 - . _ ~), so safe in an href as well.
void web_url (htmlbuf_t *b, const char *text);

//  Sets an error page: status, and a message saying what to do.
void web_error (gw_req_t *req, unsigned int status, const char *message);

//  Runs a named statement (gateway_store.c; prepared once per connection)
//  on the caller's connection; NULL (with a 503 page set) when the
//  database did not answer.
PGresult *web_query_stmt (gw_req_t *req, const db_stmt_t *stmt, const char *const *params);

//  The same for a statement that finds one thing: NULL with a 404 page
//  saying missing when it found nothing.
PGresult *web_query_row (gw_req_t *req, const db_stmt_t *stmt, const char *const *params, const char *missing);

//  A cell as a double (NAN when NULL or empty).
double web_num (const PGresult *r, int row, int col);

//  A cell as text, or NULL when NULL.
const char *web_text (const PGresult *r, int row, int col);

//  The hidden CSRF field a form of this session carries.
void web_csrf (htmlbuf_t *b, gw_req_t *req);

//  A verdict as symbol and words in <span class="v v-NAME">.
void web_verdict (htmlbuf_t *b, const char *name);

//  A figure by unit with its raw number: <span class="fig" data-value=..>.
void web_figure (htmlbuf_t *b, double value, const char *unit);

//  A query argument that is a code ([a-z0-9_-], up to 64), else dflt.
const char *web_code_arg (gw_req_t *req, const char *name, const char *dflt);

//  The "as at" period of the page: the argument as_at (any period code;
//  its end day counts) or, without one, the latest financial quarter any
//  place figure ends in.  Writes its canonical code and end date (ISO).
//  Returns 0, or -1 with a 400 or 503 page set.
int web_as_at (gw_req_t *req, char *code, size_t codelen, char *end_iso, size_t endlen);

//  The period picker: a GET form of financial quarters (newest first)
//  keeping the other arguments named in keep.
void web_period_picker (htmlbuf_t *b, gw_req_t *req, const char *action, const char *current,
                        const char *const *keep);

//  The handlers, by page.
void web_root (gw_req_t *req);
void web_asset (gw_req_t *req);
void web_signin_form (gw_req_t *req);
void web_signin (gw_req_t *req);
void web_signout (gw_req_t *req);
void web_overview (gw_req_t *req);
void web_indicator (gw_req_t *req);
void web_indicator_data (gw_req_t *req);
void web_area (gw_req_t *req);
void web_alerts (gw_req_t *req);
void web_silence (gw_req_t *req);
void web_silence_end (gw_req_t *req);
void web_subscribe (gw_req_t *req);
void web_unsubscribe (gw_req_t *req);
void web_feeds (gw_req_t *req);
void web_keys (gw_req_t *req);
void web_key_create (gw_req_t *req);
void web_key_revoke (gw_req_t *req);

#endif
