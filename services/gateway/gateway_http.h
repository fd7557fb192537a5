/*  gateway_http: the libmicrohttpd server and its routes.  */
#ifndef CAREWATCH_GATEWAY_HTTP_H
#define CAREWATCH_GATEWAY_HTTP_H

#include "svc.h"

typedef struct _gateway_http_t gateway_http_t;

//  Starts the HTTP server on the configured port in its own thread.
//  Returns NULL after logging why when the port cannot be bound.
gateway_http_t *gateway_http_new (svc_t *svc);

//  Stops the server and frees it; NULL-safe, nulls the pointer.
void gateway_http_destroy (gateway_http_t **self_p);

#endif
