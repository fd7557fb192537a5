/*  msg: typed carewatch messages over ZeroMQ.

    On the wire a message is two frames, [type name][protobuf bytes]; a
    ROUTER socket adds the peer identity in front.  The type name is the
    message's full protobuf name ("carewatch.v1.SubmitBatch").  A message
    that is too big, has the wrong frames, names an unknown type or does
    not decode is refused with a clear reason; nothing is asserted.  */
#ifndef CAREWATCH_MSG_H
#define CAREWATCH_MSG_H

#include <czmq.h>
#include <stdbool.h>
#include "carewatch.pb-c.h"

typedef struct {
    zframe_t *identity;                         //  ROUTER peer, or NULL
    const ProtobufCMessageDescriptor *type;     //  what body is
    ProtobufCMessage *body;                     //  the unpacked message
    char user_id [80];                          //  ZAP User-Id of the sender (CURVE), or ""
} msg_t;

//  Finds a carewatch.v1 message type by its full name; NULL if unknown.
const ProtobufCMessageDescriptor *msg_type_lookup (const char *name);

//  Decodes a received multipart message and destroys it (*zmsg_p is set
//  to NULL).  routed: the first frame is a ROUTER identity.  max_bytes
//  bounds the payload.  On success fills *out (release with msg_clear)
//  and returns 0.  On failure returns -1 with a reason in err; out->identity
//  is still set when the identity frame was readable, so the caller can
//  answer the peer with an Error.
int msg_decode (zmsg_t **zmsg_p, bool routed, size_t max_bytes, msg_t *out,
                char *err, size_t errlen);

//  Builds the frames for body (with identity in front when not NULL;
//  identity is copied).  Returns a new zmsg the caller owns.
zmsg_t *msg_encode (zframe_t *identity, const ProtobufCMessage *body);

//  Encodes and sends body on sock.  Returns 0 or -1.
int msg_send (void *sock, zframe_t *identity, const ProtobufCMessage *body);

//  Receives and decodes one message (blocking unless the socket has a
//  receive timeout).  Returns 0, or -1 with err set ("interrupted" when
//  nothing was received).
int msg_recv (void *sock, bool routed, size_t max_bytes, msg_t *out,
              char *err, size_t errlen);

//  Sends an Error message with code and text.  Returns 0 or -1.
int msg_send_error (void *sock, zframe_t *identity, const char *code, const char *text);

//  Frees what msg_decode put in *self and zeroes it; safe to call twice.
void msg_clear (msg_t *self);

//  True when self holds a message of the given type.
bool msg_is (const msg_t *self, const ProtobufCMessageDescriptor *type);

#endif
