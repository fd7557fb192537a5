/*  gateway: shared state of the HTTP front door, the request the route
    handlers fill in, and the route table.

    A request goes through fixed steps, and no step waits on anything
    slow in the HTTP threads:
      1. headers in: the path and every argument and header are checked
         (valid UTF-8, no control characters, bounded), the route is
         found in the table (404, 405), and Content-Length is checked
         against the limit (413), all before a byte of body is read;
      2. the API key and the role are checked on a worker (401, 403),
         still before the body: a refused request never has its body
         read, and "Expect: 100-continue" gets the refusal, not 100;
      3. the body is read within the per-request limit and a gateway-wide
         budget for bodies held at once (503 when it is spent);
      4. the handler runs on the worker pool of what it waits on (the
         database, intake or export), with the HTTP connection suspended,
         so a stalled back end holds only its own pool's requests.
    /healthz is answered in the HTTP thread itself.  */
#ifndef CAREWATCH_GATEWAY_H
#define CAREWATCH_GATEWAY_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include "apikey.h"
#include "svc.h"

#define GW_LATENCY_BUCKETS 8
#define GW_MAX_ARGS 32          //  query arguments a request may carry
#define GW_MAX_HEADERS 64       //  headers a request may carry
#define GW_MAX_PARAMS 2         //  {placeholders} in a route pattern
#define GW_MAX_PATH 1024        //  bytes of decoded path
#define GW_MAX_FORM 16384       //  bytes of a web form's body (sign-in takes one without a key)

//  Roles, as a bit set in a route.
enum { GW_PARTNER = 1, GW_SUBSCRIBER = 2, GW_READER = 4, GW_ADMIN = 8 };

//  Where a route's handler runs.
typedef enum {
    GW_POOL_INLINE,             //  in the HTTP thread: cheap and never waits
    GW_POOL_DB,                 //  waits on PostgreSQL only
    GW_POOL_INTAKE,             //  waits on intake
    GW_POOL_EXPORT,             //  waits on export
    GW_POOLS
} gw_pool_id_t;

typedef struct _gw_req_t gw_req_t;
typedef struct _gateway_pool_t gateway_pool_t;

typedef struct {
    const char *method;         //  GET, POST, DELETE
    const char *pattern;        //  "/v1/batches/{id}": a {name} is one segment
    int roles;                  //  GW_* bits that may use it; 0 = no key needed
    gw_pool_id_t pool;          //  where the handler runs
    bool body;                  //  takes a request body
    bool link;                  //  a signed link may stand in for a reader key
    bool web;                   //  a web page: a session cookie signs in, a refusal
                                //  sends a person to the sign-in page, and a POST
                                //  must carry the session's CSRF token
    void (*handler) (gw_req_t *req);
} gw_route_t;

//  The route table (gateway_routes.c), ended by a NULL method.
extern const gw_route_t gateway_routes [];

typedef struct {
    config_t cfg;               //  settings
    char db_url [1024];         //  resolved database URL
    pthread_key_t db_key;       //  each thread's own connection
    pthread_mutex_t lock;       //  guards the latency sums and the body budget
    int zmq_timeout_ms;         //  how long to wait for intake/export
    char link_secret [65];      //  signs read-only report links
    volatile int stopping;      //  set at shutdown: back-end waits end early
    size_t body_budget;         //  bytes of request bodies held at once, at most
    size_t body_held;           //  bytes reserved now (under lock)
    gateway_pool_t *pools [GW_POOLS];   //  workers by what they wait on (NULL for inline)
    //  Counters for /metrics (updated atomically).
    unsigned long requests [6]; //  by status class 1xx..5xx (index 1..5)
    unsigned long latency [GW_LATENCY_BUCKETS + 1];    //  histogram buckets, then +Inf
    double latency_sum;         //  seconds (under lock)
    unsigned long latency_count;
} gateway_t;

typedef struct {
    const char *name;           //  borrowed: lives as long as the request
    const char *value;
} gw_kv_t;

struct _gw_req_t {
    gateway_t *gw;              //  the gateway
    void *conn;                 //  the HTTP connection (gateway_http), or NULL
    char method [8];            //  GET, POST, DELETE, ...
    char path [GW_MAX_PATH];    //  decoded path without the query
    bool http11;                //  HTTP/1.1 or later
    gw_kv_t args [GW_MAX_ARGS]; //  query arguments, decoded
    size_t nargs;
    gw_kv_t headers [GW_MAX_HEADERS];
    size_t nheaders;
    const gw_route_t *route;    //  the route matched, once found
    char params [GW_MAX_PARAMS][256];   //  the route's {placeholders}, in order
    char *body;                 //  request body (NUL-terminated), or NULL
    size_t len;                 //  its length
    size_t reserved;            //  bytes of the body budget this request holds
    apikey_t key;               //  the caller, once authenticated
    bool authed;
    int phase;                  //  where gateway_http is with it
    bool queued;                //  the response has been handed to the server
    bool reading;               //  the server has been told to read the body
    long long started_us;       //  when the headers were in
    unsigned int status;        //  response status (0 until set)
    char *resp;                 //  response body (malloc'd)
    size_t resp_len;
    const char *content_type;   //  of the response
    char allow [64];            //  Allow header of a 405
    bool session;               //  signed in by a session cookie (a person)
    char csrf [48];             //  that session's CSRF token
    struct {
        const char *name;       //  static
        char value [512];
    } out [4];                  //  extra response headers (Set-Cookie, Location, ...)
    size_t nout;
    long long handler_us;       //  time the handler took (Server-Timing)
};

//  The calling thread's database connection (made on first use; every
//  worker thread has its own).
db_t *gateway_db (gateway_t *gw);

//  Decodes %XX in text, in place, except %00, which stays as the text
//  "%00" so a NUL can never cut a path or an argument short.  Returns
//  the new length.  (The server calls it for the path and each argument;
//  '+' in arguments is already a space by then.)
size_t gateway_unescape (char *text);

//  Step 1 on a request whose method, path, http11, args and headers are
//  filled in: checks them and finds the route.  Returns 0 when the
//  request may go on, or -1 with the problem response set (400, 404,
//  405, 411, 413).
int gateway_request_check (gw_req_t *req);

//  Whether text is a row id: 1 to 18 digits.
bool gateway_is_id (const char *text);

//  The GW_* bit of a role name ("reader" -> GW_READER), 0 for none.
int gateway_role_bit (const char *role);

//  Whether a request may have come from a page of this gateway: no Origin
//  header, or one naming this gateway's Host ("null", from a sandboxed
//  or data: page, does not).
bool gateway_same_origin (gw_req_t *req);

//  Percent-encodes text into out (all but A-Z a-z 0-9 - . _ ~, and / when
//  slash), cut short to fit outlen.
void gateway_urlencode (const char *text, char *out, size_t outlen, bool slash);

//  Step 2: authenticates the caller (API key or signed link) and checks
//  the route's roles.  Returns true when the request may go on, else sets
//  the problem response (401, 403, 503).
bool gateway_authorize (gw_req_t *req);

//  The most body bytes the request's route takes: a web form's
//  GW_MAX_FORM, else the configured max_body_bytes.
size_t gateway_body_limit (const gw_req_t *req);

//  Step 4: runs the route's handler, timing it; a form a session posts
//  must carry the session's CSRF token (else 403).
void gateway_run (gw_req_t *req);

//  Sets a problem+json response: status, a title and a detail saying what
//  to fix.  Any text is made valid UTF-8 first, and the response is set
//  even when memory runs out.
void gateway_problem (gw_req_t *req, unsigned int status, const char *title, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

//  Sets a JSON response from doc (stolen; NULL gives a 500).
void gateway_json (gw_req_t *req, unsigned int status, json_t *doc);

//  Sets an HTML response: status and text (stolen; NULL gives a 500).
void gateway_html (gw_req_t *req, unsigned int status, char *html, size_t len);

//  Adds a response header (name must be a static string); at most four
//  per response, further ones are dropped with a log line.
void gateway_set_header (gw_req_t *req, const char *name, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

//  Sets a 303 See Other to location (a path on this gateway).
void gateway_redirect (gw_req_t *req, const char *location);

//  A field of an application/x-www-form-urlencoded body, decoded into out
//  (at most outlen - 1 bytes).  Returns true when present and it fits.
bool gateway_form (gw_req_t *req, const char *name, char *out, size_t outlen);

//  A query-string argument, or NULL when absent or empty.
const char *gateway_arg (gw_req_t *req, const char *name);

//  A request header (case-insensitive name), or NULL.
const char *gateway_header (gw_req_t *req, const char *name);

//  Sends request to a service over a fresh DEALER socket and waits up to
//  timeout_ms (0: the configured gateway timeout) for the reply, less
//  when the gateway is stopping.  Returns 0 with *reply filled (msg_clear
//  it), or -1 on timeout.
int gateway_call (gateway_t *gw, const char *endpoint, const ProtobufCMessage *request, msg_t *reply,
                  int timeout_ms);

//  Prometheus text for /metrics; a new string the caller frees.
char *gateway_metrics_text (gateway_t *gw);

//  The worker pools (gateway_pool.c): threads that run fn (job, arg) for
//  each job pushed, a bounded queue in front of them.
gateway_pool_t *gateway_pool_new (const char *name, int threads, int queue_max,
                                  void (*fn) (void *job, void *arg), void *arg);

//  Queues a job.  Returns 0, or -1 when the queue is full, the pool is
//  stopping, or self is NULL.
int gateway_pool_push (gateway_pool_t *self, void *job);

//  Takes no more jobs, runs what is queued and joins the threads; the
//  pool stays allocated (push answers -1) until destroyed.  Idempotent.
void gateway_pool_stop (gateway_pool_t *self);

//  Runs what is queued, stops the threads and frees the pool; NULL-safe,
//  nulls the pointer.
void gateway_pool_destroy (gateway_pool_t **self_p);

#endif
