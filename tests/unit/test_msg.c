/*  msg: framing round trips and refusal of truncated, garbage, unknown
    and oversized messages.  */
#include "check.h"
#include "msg.h"

static zmsg_t *
s_frames (const char *name, const void *body, size_t size)
{
    zmsg_t *m = zmsg_new ();
    if (name)
        zmsg_addstr (m, name);
    if (body)
        zmsg_addmem (m, body, size);
    return m;
}

int
main (void)
{
    char err [256];
    msg_t out;

    //  Round trip of a SubmitBatch with one observation.
    Carewatch__V1__Observation obs = CAREWATCH__V1__OBSERVATION__INIT;
    obs.data_element = "htn-control";
    obs.org_unit = "dudley";
    obs.period = "FY2022-23Q2";
    obs.has_numerator = obs.has_denominator = true;
    obs.numerator = 81;
    obs.denominator = 263;
    Carewatch__V1__Observation *list [1] = { &obs };
    Carewatch__V1__SubmitBatch batch = CAREWATCH__V1__SUBMIT_BATCH__INIT;
    batch.partner = "gp-practices";
    batch.batch_key = "k1";
    batch.n_observations = 1;
    batch.observations = list;
    zmsg_t *z = msg_encode (NULL, &batch.base);
    CHECK_INT (zmsg_size (z), 2);
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), 0);
    CHECK (z == NULL);
    CHECK (msg_is (&out, &carewatch__v1__submit_batch__descriptor));
    Carewatch__V1__SubmitBatch *b = (Carewatch__V1__SubmitBatch *) out.body;
    CHECK_STR (b->batch_key, "k1");
    CHECK_INT (b->n_observations, 1);
    CHECK_NEAR (b->observations [0]->denominator, 263, 0);
    msg_clear (&out);
    msg_clear (&out);   //  twice is safe

    //  With a ROUTER identity in front.
    zframe_t *id = zframe_new ("peer", 4);
    Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
    z = msg_encode (id, &ping.base);
    CHECK_INT (zmsg_size (z), 3);
    CHECK_INT (msg_decode (&z, true, 1 << 20, &out, err, sizeof err), 0);
    CHECK (out.identity && zframe_streq (out.identity, "peer"));
    CHECK (msg_is (&out, &carewatch__v1__ping__descriptor));
    msg_clear (&out);
    zframe_destroy (&id);

    //  Truncated: only the type frame.
    z = s_frames ("carewatch.v1.Ping", NULL, 0);
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), -1);
    CHECK_STR (err, "message has 1 frames, want 2: [type name][protobuf bytes]");
    CHECK (out.body == NULL);

    //  Routed but empty.
    z = zmsg_new ();
    CHECK_INT (msg_decode (&z, true, 1 << 20, &out, err, sizeof err), -1);
    CHECK_STR (err, "message has no identity frame");

    //  Three frames.
    z = s_frames ("carewatch.v1.Ping", "", 0);
    zmsg_addstr (z, "extra");
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), -1);
    CHECK_CONTAINS (err, "3 frames");

    //  Unknown type, with unprintable bytes masked in the error.
    z = s_frames ("carewatch.v1.Bogus\x01", "x", 1);
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), -1);
    CHECK_STR (err, "unknown message type 'carewatch.v1.Bogus?'");

    //  Empty type frame.
    z = s_frames ("", "x", 1);
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), -1);
    CHECK_CONTAINS (err, "type frame is 0 bytes");

    //  Garbage bytes for a known type.
    z = s_frames ("carewatch.v1.SubmitBatch", "\x0a\xff\xff\xff\xff\x0f", 6);
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), -1);
    CHECK_STR (err, "carewatch.v1.SubmitBatch bytes do not decode");
    CHECK (out.body == NULL && out.type == NULL);

    //  Truncated protobuf (a length prefix longer than the data).
    z = msg_encode (NULL, &batch.base);
    zframe_t *body = zmsg_last (z);
    zframe_t *cut = zframe_new (zframe_data (body), zframe_size (body) - 5);
    zmsg_remove (z, body);
    zframe_destroy (&body);
    zmsg_append (z, &cut);
    CHECK_INT (msg_decode (&z, false, 1 << 20, &out, err, sizeof err), -1);
    CHECK_CONTAINS (err, "do not decode");

    //  Over the size limit.
    z = msg_encode (NULL, &batch.base);
    CHECK_INT (msg_decode (&z, false, 10, &out, err, sizeof err), -1);
    CHECK_CONTAINS (err, "over the 10 byte limit");

    //  Every type name resolves, and an unknown one does not.
    CHECK (msg_type_lookup ("carewatch.v1.BatchReceipt") == &carewatch__v1__batch_receipt__descriptor);
    CHECK (msg_type_lookup ("carewatch.v1.IndicatorChanged") != NULL);
    CHECK (msg_type_lookup ("carewatch.v2.Ping") == NULL);

    //  Over real sockets: a PAIR sends a Ping and an Error.
    zsock_t *a = zsock_new_pair ("@inproc://msgtest");
    zsock_t *c = zsock_new_pair (">inproc://msgtest");
    CHECK_INT (msg_send (a, NULL, &ping.base), 0);
    CHECK_INT (msg_recv (c, false, 1 << 20, &out, err, sizeof err), 0);
    CHECK (msg_is (&out, &carewatch__v1__ping__descriptor));
    msg_clear (&out);
    CHECK_INT (msg_send_error (a, NULL, "bad_message", "why"), 0);
    CHECK_INT (msg_recv (c, false, 1 << 20, &out, err, sizeof err), 0);
    CHECK (msg_is (&out, &carewatch__v1__error__descriptor));
    CHECK_STR (((Carewatch__V1__Error *) out.body)->message, "why");
    msg_clear (&out);
    zsock_destroy (&a);
    zsock_destroy (&c);
    return check_done ("test_msg");
}
