/*  gateway: shared state of the HTTP front door and the request the
    route handlers fill in.  */
#ifndef CAREWATCH_GATEWAY_H
#define CAREWATCH_GATEWAY_H

#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include "apikey.h"
#include "svc.h"

#define GW_LATENCY_BUCKETS 8

typedef struct {
    config_t cfg;               //  settings
    char db_url [1024];         //  resolved database URL
    pthread_key_t db_key;       //  each HTTP worker thread's own connection
    pthread_mutex_t lock;       //  guards the latency sums
    int zmq_timeout_ms;         //  how long to wait for intake/export
    char link_secret [65];      //  signs read-only report links
    //  Counters for /metrics (updated atomically).
    unsigned long requests [6]; //  by status class 1xx..5xx (index 1..5)
    unsigned long latency [GW_LATENCY_BUCKETS + 1];    //  histogram buckets, then +Inf
    double latency_sum;         //  seconds (under lock)
    unsigned long latency_count;
} gateway_t;

typedef struct {
    gateway_t *gw;              //  the gateway
    struct MHD_Connection *conn;
    const char *method;         //  GET, POST, DELETE
    const char *url;            //  path without query
    char *body;                 //  request body (NUL-terminated), or NULL
    size_t len;                 //  its length
    bool too_big;               //  the body went over the limit
    apikey_t key;               //  the caller, once authenticated
    bool authed;
    unsigned int status;        //  response status
    char *resp;                 //  response body (malloc'd)
    size_t resp_len;
    const char *content_type;   //  of the response
} gw_req_t;

//  The calling thread's database connection (made on first use; the
//  HTTP server runs a pool of threads, each with its own).
db_t *gateway_db (gateway_t *gw);

//  Routes a request: authenticates, dispatches, fills the response.
void gateway_route (gw_req_t *req);

//  Sets a problem+json response: status, a title and a detail saying what
//  to fix.
void gateway_problem (gw_req_t *req, unsigned int status, const char *title, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

//  Sets a JSON response from doc (stolen).
void gateway_json (gw_req_t *req, unsigned int status, json_t *doc);

//  A query-string argument, or NULL.
const char *gateway_arg (gw_req_t *req, const char *name);

//  Sends request to a service over a fresh DEALER socket and waits up to
//  timeout_ms (0: the configured gateway timeout) for the reply.  Returns
//  0 with *reply filled (msg_clear it), or -1 on timeout.
int gateway_call (gateway_t *gw, const char *endpoint, const ProtobufCMessage *request, msg_t *reply,
                  int timeout_ms);

//  Prometheus text for /metrics; a new string the caller frees.
char *gateway_metrics_text (gateway_t *gw);

#endif
