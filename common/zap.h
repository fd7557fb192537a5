/*  zap: intake's ZeroMQ authentication handler (ZAP, RFC 27) for CURVE.
    It maps the public key a connection proved it holds to who it is:
    the partner the key is registered to in curve_keys, or ZAP_RELAY for
    the gateway's own key (CAREWATCH_GATEWAY_CURVE_PUBLIC), which submits
    for partners whose API keys it has checked.  Any other key is refused
    during the handshake, so it never gets a message through.  The
    identity reaches the service as the message's User-Id (msg_t
    user_id), and intake refuses a submission whose claimed partner is
    not the authenticated one.  */
#ifndef CAREWATCH_ZAP_H
#define CAREWATCH_ZAP_H

#include <czmq.h>
#include <stdbool.h>
#include "db.h"

#define ZAP_RELAY "*relay*"     //  User-Id of the gateway's key

//  Who a CURVE public key (Z85, 40 characters) is: writes the partner or
//  ZAP_RELAY into out and returns 1, returns 0 for an unknown or revoked
//  key, -1 on a database error.
int zap_lookup (db_t *db, const char *relay_key, const char *public_key, char *out, size_t outlen);

//  Starts the handler as an actor (inproc://zeromq.zap.01) with its own
//  connection to db_url.  Returns NULL after logging why.
zactor_t *zap_start (const char *db_url, const char *relay_key);

//  True when a tcp:// endpoint binds only a loopback address
//  (127.0.0.0/8, ::1, localhost); ipc:// and inproc:// count as local too.
bool zap_endpoint_local (const char *endpoint);

#endif
