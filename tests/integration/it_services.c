/*  Starts PostgreSQL's five services as real processes, pings each over
    ZMQ, sends them bad frames, and stops them with SIGTERM.  */
#include "check.h"
#include "harness.h"
#include "msg.h"

#include <signal.h>

static const char *s_services [] = { "intake", "calc", "alert", "export", "gateway" };

//  A bad message on a ROUTER gets an Error back, and the service lives on.
static void
s_check_bad_frames (const char *endpoint)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, 3000);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", endpoint);
    const char *cases [][2] = {
        { "carewatch.v1.Nonsense", "x" },       //  unknown type
        { "carewatch.v1.Ping", "\xff\xff\xff" },  //  undecodable bytes
    };
    for (size_t i = 0; i < 2; i++) {
        zstr_sendm (sock, cases [i][0]);
        zstr_send (sock, cases [i][1]);
        msg_t reply;
        char err [256];
        CHECK (msg_recv (sock, false, 1 << 20, &reply, err, sizeof err) == 0);
        CHECK (msg_is (&reply, &carewatch__v1__error__descriptor));
        if (msg_is (&reply, &carewatch__v1__error__descriptor))
            CHECK_STR (((Carewatch__V1__Error *) reply.body)->code, "bad_message");
        msg_clear (&reply);
    }
    //  A single frame (truncated message).
    zstr_send (sock, "carewatch.v1.Ping");
    msg_t reply;
    char err [256];
    CHECK (msg_recv (sock, false, 1 << 20, &reply, err, sizeof err) == 0);
    if (msg_is (&reply, &carewatch__v1__error__descriptor))
        CHECK_CONTAINS (((Carewatch__V1__Error *) reply.body)->message, "1 frames");
    else
        CHECK (!"truncated message got an Error");
    msg_clear (&reply);
    zsock_destroy (&sock);
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "services"))
        return 1;
    for (size_t i = 0; i < 5; i++)
        CHECK (harness_start (&h, s_services [i]) > 0);
    for (size_t i = 0; i < 5; i++) {
        bool db_ok = false;
        char name [32] = "";
        CHECK (harness_ping (harness_endpoint (&h, s_services [i]), 30000, &db_ok, name, sizeof name) == 0);
        CHECK_STR (name, s_services [i]);
        CHECK (db_ok);
    }
    s_check_bad_frames (h.intake);
    s_check_bad_frames (h.export_);
    //  Still answering after the garbage.
    CHECK (harness_ping (h.intake, 5000, NULL, NULL, 0) == 0);
    //  The gateway's HTTP side is up too.
    CHECK_INT (harness_sh ("curl -sf http://127.0.0.1:%d/healthz >/dev/null", h.http_port), 0);

    for (size_t i = 0; i < 5; i++)
        CHECK_INT (harness_stop (&h, s_services [i], SIGTERM, 10000), 0);
    harness_cleanup (&h);
    return check_done ("it_services");
}
