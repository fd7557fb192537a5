/*  cdp: drives a headless Debian Chromium over the DevTools protocol,
    through --remote-debugging-pipe (JSON messages ended by NUL on file
    descriptors 3 and 4), so no WebSocket library or npm driver is needed.
    One page (target) per session; calls block until the answer or the
    timeout.  For tests and the web benchmark only.  */
#ifndef CAREWATCH_CDP_H
#define CAREWATCH_CDP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct _cdp_t cdp_t;

//  Starts Chromium with its profile in dir (made if missing) and opens a
//  blank page.  Returns NULL with err when it cannot.
cdp_t *cdp_start (const char *dir, char *err, size_t errlen);

//  Stops Chromium; NULL-safe, nulls the pointer.
void cdp_stop (cdp_t **self_p);

//  Sends a command to the page (params stolen, may be NULL) and waits up
//  to timeout_ms for its answer.  Returns the "result" object (a new
//  reference), or NULL on an error answer or timeout (err says which).
json_t *cdp_call (cdp_t *self, const char *method, json_t *params, int timeout_ms, char *err, size_t errlen);

//  Opens url and waits for its load event.  Returns 0 or -1.
int cdp_navigate (cdp_t *self, const char *url, int timeout_ms);

//  Evaluates a JavaScript expression in the page (promises awaited) and
//  returns its value as JSON (a new reference; JSON null for undefined),
//  or NULL when it threw or timed out.  With navigates, also waits for
//  the load event of the page the expression leads to (a form submitted,
//  a link followed).
json_t *cdp_eval (cdp_t *self, const char *js, bool navigates, int timeout_ms);

//  The page's URL now (a new string the caller frees), or NULL.
char *cdp_url (cdp_t *self);

//  Sets the viewport (CSS pixels); mobile emulates a phone.  Returns 0/-1.
int cdp_viewport (cdp_t *self, int width, int height, bool mobile);

//  Writes a PNG of the whole page to path.  Returns 0 or -1.
int cdp_screenshot (cdp_t *self, const char *path);

#endif
