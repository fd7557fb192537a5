/*  msg: [type name][protobuf bytes] framing over ZeroMQ.  */
#include "msg.h"

#include <string.h>

static const ProtobufCMessageDescriptor *s_types [] = {
    &carewatch__v1__ping__descriptor,
    &carewatch__v1__pong__descriptor,
    &carewatch__v1__error__descriptor,
    &carewatch__v1__observation__descriptor,
    &carewatch__v1__submit_batch__descriptor,
    &carewatch__v1__submit_feed__descriptor,
    &carewatch__v1__row_issue__descriptor,
    &carewatch__v1__batch_receipt__descriptor,
    &carewatch__v1__batch_committed__descriptor,
    &carewatch__v1__indicator_changed__descriptor,
    &carewatch__v1__export_request__descriptor,
    &carewatch__v1__export_response__descriptor,
};

const ProtobufCMessageDescriptor *
msg_type_lookup (const char *name)
{
    for (size_t i = 0; i < sizeof s_types / sizeof s_types [0]; i++)
        if (strcmp (s_types [i]->name, name) == 0)
            return s_types [i];
    return NULL;
}

void
msg_clear (msg_t *self)
{
    if (!self)
        return;
    zframe_destroy (&self->identity);
    if (self->body)
        protobuf_c_message_free_unpacked (self->body, NULL);
    memset (self, 0, sizeof *self);
}

bool
msg_is (const msg_t *self, const ProtobufCMessageDescriptor *type)
{
    return self && self->type == type && self->body;
}

int
msg_decode (zmsg_t **zmsg_p, bool routed, size_t max_bytes, msg_t *out,
            char *err, size_t errlen)
{
    memset (out, 0, sizeof *out);
    zmsg_t *zmsg = *zmsg_p;
    *zmsg_p = NULL;
    int rc = -1;
    if (!zmsg) {
        snprintf (err, errlen, "no message");
        return -1;
    }
    if (routed) {
        out->identity = zmsg_pop (zmsg);
        if (!out->identity) {
            snprintf (err, errlen, "message has no identity frame");
            goto done;
        }
    }
    size_t frames = zmsg_size (zmsg);
    if (frames != 2) {
        snprintf (err, errlen, "message has %zu frames, want 2: [type name][protobuf bytes]", frames);
        goto done;
    }
    zframe_t *name = zmsg_first (zmsg);
    zframe_t *body = zmsg_next (zmsg);
    //  Who the connection authenticated as, when a ZAP handler said so.
    const char *user = routed ? zframe_meta (name, "User-Id") : NULL;
    snprintf (out->user_id, sizeof out->user_id, "%s", user ? user : "");
    char type_name [128];
    size_t name_len = zframe_size (name);
    if (name_len == 0 || name_len >= sizeof type_name) {
        snprintf (err, errlen, "type frame is %zu bytes, want a message name", name_len);
        goto done;
    }
    memcpy (type_name, zframe_data (name), name_len);
    type_name [name_len] = '\0';
    if (strlen (type_name) != name_len) {
        snprintf (err, errlen, "type frame holds a NUL byte");
        goto done;
    }
    out->type = msg_type_lookup (type_name);
    if (!out->type) {
        //  Print only the printable part of the unknown name.
        for (char *c = type_name; *c; c++)
            if (*c < 32 || *c > 126)
                *c = '?';
        snprintf (err, errlen, "unknown message type '%.100s'", type_name);
        goto done;
    }
    if (zframe_size (body) > max_bytes) {
        snprintf (err, errlen, "%s is %zu bytes, over the %zu byte limit",
                  type_name, zframe_size (body), max_bytes);
        out->type = NULL;
        goto done;
    }
    out->body = protobuf_c_message_unpack (out->type, NULL, zframe_size (body), zframe_data (body));
    if (!out->body) {
        snprintf (err, errlen, "%s bytes do not decode", type_name);
        out->type = NULL;
        goto done;
    }
    rc = 0;
done:
    zmsg_destroy (&zmsg);
    return rc;
}

zmsg_t *
msg_encode (zframe_t *identity, const ProtobufCMessage *body)
{
    zmsg_t *zmsg = zmsg_new ();
    if (identity)
        zmsg_append (zmsg, &(zframe_t *) { zframe_dup (identity) });
    zmsg_addstr (zmsg, body->descriptor->name);
    size_t size = protobuf_c_message_get_packed_size (body);
    zframe_t *frame = zframe_new (NULL, size);
    protobuf_c_message_pack (body, zframe_data (frame));
    zmsg_append (zmsg, &frame);
    return zmsg;
}

int
msg_send (void *sock, zframe_t *identity, const ProtobufCMessage *body)
{
    zmsg_t *zmsg = msg_encode (identity, body);
    int rc = zmsg_send (&zmsg, sock);
    zmsg_destroy (&zmsg);
    return rc;
}

int
msg_recv (void *sock, bool routed, size_t max_bytes, msg_t *out, char *err, size_t errlen)
{
    zmsg_t *zmsg = zmsg_recv (sock);
    if (!zmsg) {
        memset (out, 0, sizeof *out);
        snprintf (err, errlen, "interrupted");
        return -1;
    }
    return msg_decode (&zmsg, routed, max_bytes, out, err, errlen);
}

int
msg_send_error (void *sock, zframe_t *identity, const char *code, const char *text)
{
    Carewatch__V1__Error e = CAREWATCH__V1__ERROR__INIT;
    e.code = (char *) code;
    e.message = (char *) text;
    return msg_send (sock, identity, &e.base);
}
