/*  fuzz_msg: a multipart ZeroMQ message as any peer can send it to a
    service socket, through msg_decode.

    Input layout: byte 0 holds flags (bit 0: a ROUTER socket, so the
    first frame is the peer identity; bit 1: a 64-byte payload limit
    instead of 1 MiB).  The rest is frames, each a 2-byte big-endian
    length and that many bytes; a length past the end takes what is
    left.

    A decoded message must encode again (msg_encode) and decode to the
    same bytes (except for protobuf-c's field number 0: s_has_field_zero).  A SubmitBatch goes on through the intake pipeline
    without its database, and a SubmitFeed through its parser first, as
    intake_service.c does (fuzz_intake.c).  */
#include <czmq.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_intake.h"
#include "msg.h"

#define S_MAX_ROWS 200

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    json_object_seed (1);
    fuzz_intake_ref ();
    return 0;
}

//  The packed bytes of body; *size set.  Caller frees.
static uint8_t *
s_pack (const ProtobufCMessage *body, size_t *size)
{
    *size = protobuf_c_message_get_packed_size (body);
    uint8_t *buf = malloc (*size ? *size : 1);
    FUZZ_CHECK (protobuf_c_message_pack (body, buf) == *size);
    return buf;
}

//  True when m or a message inside it kept an unknown field numbered 0.
//  protobuf-c 1.4 takes field number 0 when its tag is written in more
//  bytes than it needs (0x81 0x00), keeps it as an unknown field and
//  writes it back as 0x01, which it then refuses: a library quirk that
//  carewatch never meets, since no service re-sends what it received.
static bool
s_has_field_zero (const ProtobufCMessage *m)
{
    if (!m)
        return false;
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields [i].tag == 0)
            return true;
    const ProtobufCMessageDescriptor *d = m->descriptor;
    for (unsigned f = 0; f < d->n_fields; f++) {
        const ProtobufCFieldDescriptor *fd = &d->fields [f];
        if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        const char *at = (const char *) m + fd->offset;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *) ((const char *) m + fd->quantifier_offset);
            ProtobufCMessage *const *items = *(ProtobufCMessage *const *const *) at;
            for (size_t i = 0; i < n; i++)
                if (s_has_field_zero (items [i]))
                    return true;
        }
        else if (s_has_field_zero (*(ProtobufCMessage *const *) at))
            return true;
    }
    return false;
}

//  intake_submit_batch: the batch is borrowed, rows start good.
static void
s_submit_batch (Carewatch__V1__SubmitBatch *batch)
{
    feed_t feed;
    memset (&feed, 0, sizeof feed);
    feed.batch = batch;
    feed.bad = calloc (batch->n_observations + 1, sizeof *feed.bad);
    char *format = batch->format;
    if (!batch->format || !*batch->format)
        batch->format = (char *) "protobuf";
    fuzz_intake_process (&feed, S_MAX_ROWS);
    batch->format = format;
    feed.batch = NULL;
    feed_clear (&feed);
}

//  intake_submit_feed: parse by format, then the same pipeline.
static void
s_submit_feed (const Carewatch__V1__SubmitFeed *sf)
{
    feed_t feed;
    char err [512];
    int rc = -1;
    const char *data = (const char *) sf->content.data;
    if (strcmp (sf->format, "json") == 0)
        rc = feed_parse_json (data, sf->content.len, sf->partner, S_MAX_ROWS, &feed, err, sizeof err);
    else if (strcmp (sf->format, "csv") == 0)
        rc = feed_parse_csv (data, sf->content.len, sf->partner, sf->batch_key, sf->atomic, S_MAX_ROWS,
                             &feed, err, sizeof err);
    if (rc)
        return;
    fuzz_feed_check (&feed, S_MAX_ROWS);
    feed.batch->atomic = feed.batch->atomic || sf->atomic;
    fuzz_intake_process (&feed, S_MAX_ROWS);
    feed_clear (&feed);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    bool routed = data [0] & 1;
    size_t max_bytes = data [0] & 2 ? 64 : 1 << 20;
    zmsg_t *zmsg = zmsg_new ();
    for (size_t at = 1; at < size;) {
        size_t len = at + 2 <= size ? ((size_t) data [at] << 8 | data [at + 1]) : 0;
        at = at + 2 <= size ? at + 2 : size;
        if (len > size - at)
            len = size - at;
        zmsg_addmem (zmsg, data + at, len);
        at += len;
    }
    size_t frames = zmsg_size (zmsg);

    msg_t msg;
    char err [256];
    err [0] = 0;
    if (msg_decode (&zmsg, routed, max_bytes, &msg, err, sizeof err)) {
        FUZZ_CHECK (zmsg == NULL && err [0] && strlen (err) < sizeof err);
        FUZZ_CHECK (msg.body == NULL && msg.type == NULL);
        FUZZ_CHECK (!routed || (msg.identity != NULL) == (frames > 0));
        msg_clear (&msg);
        msg_clear (&msg);
        return 0;
    }
    FUZZ_CHECK (zmsg == NULL && msg.type && msg.body && msg.body->descriptor == msg.type);
    FUZZ_CHECK (routed == (msg.identity != NULL));
    FUZZ_CHECK (msg_type_lookup (msg.type->name) == msg.type && msg_is (&msg, msg.type));

    //  Encode, decode, encode: the bytes settle after one round.
    if (!s_has_field_zero (msg.body)) {
        size_t size1, size2;
        uint8_t *bytes1 = s_pack (msg.body, &size1);
        zmsg_t *again = msg_encode (msg.identity, msg.body);
        FUZZ_CHECK (zmsg_size (again) == (routed ? 3u : 2u));
        msg_t msg2;
        FUZZ_CHECK (msg_decode (&again, routed, 1 << 30, &msg2, err, sizeof err) == 0);
        FUZZ_CHECK (msg2.type == msg.type);
        FUZZ_CHECK (!routed || zframe_eq (msg.identity, msg2.identity));
        uint8_t *bytes2 = s_pack (msg2.body, &size2);
        FUZZ_CHECK (size1 == size2 && memcmp (bytes1, bytes2, size1) == 0);
        free (bytes1);
        free (bytes2);
        msg_clear (&msg2);
    }

    if (msg.type == &carewatch__v1__submit_batch__descriptor)
        s_submit_batch ((Carewatch__V1__SubmitBatch *) msg.body);
    else if (msg.type == &carewatch__v1__submit_feed__descriptor)
        s_submit_feed ((const Carewatch__V1__SubmitFeed *) msg.body);
    msg_clear (&msg);
    return 0;
}
