/*  svc: the skeleton every carewatch service runs on.

    svc_new reads the configuration, starts logging, installs the signal
    handlers, connects to PostgreSQL (waiting for it to come up) and
    migrates it.  The service then adds its sockets and timers and calls
    svc_run, which polls until SIGTERM/SIGINT, finishing the message in
    hand before it returns 0.  Every ROUTER socket added with
    svc_add_router answers Ping with Pong by itself.  */
#ifndef CAREWATCH_SVC_H
#define CAREWATCH_SVC_H

#include <czmq.h>
#include "config.h"
#include "db.h"
#include "msg.h"

typedef struct _svc_t svc_t;

//  Called for a readable socket.  Returns 0, or -1 to stop the service.
typedef int (svc_reader_fn) (svc_t *svc, zsock_t *sock, void *arg);

//  Called for a request on a ROUTER socket that is not a Ping.  The
//  handler answers with msg_send (sock, request->identity, ...).  The
//  framework frees the request afterwards.  Returns 0, or -1 to stop.
typedef int (svc_request_fn) (svc_t *svc, zsock_t *sock, msg_t *request, void *arg);

//  Called every interval.  Returns 0, or -1 to stop the service.
typedef int (svc_timer_fn) (svc_t *svc, void *arg);

//  Starts a service named name.  Returns NULL after logging why when the
//  configuration is bad or the database cannot be reached and migrated
//  within CAREWATCH_DB_WAIT_MS (default 30 s).
svc_t *svc_new (const char *name);

//  Stops and frees the service, its sockets and its connection.
void svc_destroy (svc_t **self_p);

//  Creates a socket of type (ZMQ_ROUTER, ZMQ_PUB, ...) bound to endpoint
//  (bind) or connected to it (!bind), owned by the service.  Returns the
//  socket, or NULL after logging why.
zsock_t *svc_socket (svc_t *self, int type, const char *endpoint, bool bind);

//  As svc_socket (bound), as a CURVE server with the configured keys when
//  CAREWATCH_INTAKE_CURVE_* are set: partners then need intake's public
//  key and a key registered to them in curve_keys (zap.h), and each
//  message's user_id says who sent it.  Without keys the socket is plain
//  and a loud warning is logged; a plain socket beyond loopback is
//  refused (NULL, after logging why).
zsock_t *svc_socket_secure (svc_t *self, int type, const char *endpoint);

//  Polls sock and calls fn when it is readable.
void svc_add_reader (svc_t *self, zsock_t *sock, svc_reader_fn *fn, void *arg);

//  Polls a ROUTER socket: Ping is answered with Pong; a bad message gets an
//  Error; anything else goes to fn (NULL: answered with an Error).
void svc_add_router (svc_t *self, zsock_t *sock, svc_request_fn *fn, void *arg);

//  Calls fn every interval_ms (first call after one interval).
void svc_add_timer (svc_t *self, int interval_ms, svc_timer_fn *fn, void *arg);

//  Runs until a stop signal or a handler returns -1.  Returns 0 after a
//  clean stop, 1 when a handler failed.
int svc_run (svc_t *self);

//  Accessors.
const config_t *svc_config (svc_t *self);
db_t *svc_db (svc_t *self);
const char *svc_name (svc_t *self);
double svc_uptime (svc_t *self);

//  Builds the Pong this service answers with (database checked now).
void svc_pong (svc_t *self, Carewatch__V1__Pong *pong);

#endif
