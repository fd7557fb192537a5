/*  Optional CURVE on the partner-facing intake socket: with it on, a
    plain client and a client whose certificate is not allowed get no
    answer, and an allowed partner talks to intake encrypted.  */
#include "check.h"
#include "harness.h"
#include "msg.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

//  Pings intake with the given client certificate (NULL: no CURVE).
static bool
s_ping (const char *endpoint, zcert_t *client, const char *server_key)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_linger (sock, 0);
    zsock_set_rcvtimeo (sock, 1500);
    if (client) {
        zcert_apply (client, sock);
        zsock_set_curve_serverkey (sock, server_key);
    }
    zsock_connect (sock, "%s", endpoint);
    Carewatch__V1__Ping ping = CAREWATCH__V1__PING__INIT;
    msg_send (sock, NULL, &ping.base);
    msg_t reply;
    char err [128];
    bool ok = msg_recv (sock, false, 1 << 20, &reply, err, sizeof err) == 0
           && msg_is (&reply, &carewatch__v1__pong__descriptor);
    if (ok)
        msg_clear (&reply);
    zsock_destroy (&sock);
    return ok;
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "curve"))
        return 1;
    zcert_t *server = zcert_new ();
    zcert_t *partner = zcert_new ();
    zcert_t *stranger = zcert_new ();
    //  The allowed partners' public certificates live in one folder.
    mkdir ("curve-clients", 0700);
    CHECK_INT (zcert_save_public (partner, "curve-clients/dmbc-corp.cert"), 0);
    setenv ("CAREWATCH_INTAKE_CURVE_PUBLIC", zcert_public_txt (server), 1);
    setenv ("CAREWATCH_INTAKE_CURVE_SECRET", zcert_secret_txt (server), 1);
    setenv ("CAREWATCH_INTAKE_CURVE_CLIENTS", "curve-clients", 1);
    CHECK (harness_start (&h, "intake") > 0);

    bool up = false;
    for (int i = 0; i < 20 && !up; i++)
        up = s_ping (h.intake, partner, zcert_public_txt (server));
    CHECK (up);
    CHECK (!s_ping (h.intake, NULL, NULL));
    CHECK (!s_ping (h.intake, stranger, zcert_public_txt (server)));
    //  The push command speaks CURVE too.
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    CHECK_INT (zcert_save (partner, "partner.cert"), 0);
    FILE *f = fopen ("curve-feed.json", "w");
    fprintf (f, "{\"batch_key\": \"curve-1\", \"observations\": [{\"data_element\": \"pi-2257\","
                " \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": 6000}]}");
    fclose (f);
    CHECK_INT (harness_sh ("%s push curve-feed.json --partner dmbc-corp --endpoint %s --server-key '%s'"
                           " --cert partner.cert_secret | grep -q committed", bin, h.intake, zcert_public_txt (server)), 0);
    //  Without the server key the push gets no receipt.
    CHECK (harness_sh ("%s push curve-feed.json --partner dmbc-corp --endpoint %s --timeout 1500 >/dev/null 2>&1",
                       bin, h.intake) != 0);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    //  A bad key configuration stops the service at start, clearly.
    setenv ("CAREWATCH_INTAKE_CURVE_SECRET", "short", 1);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK_INT (harness_stop (&h, "intake", 0, 10000), 1);
    CHECK_INT (harness_sh ("grep -q 'must both be' logs/curve-intake.log"), 0);
    zcert_destroy (&server);
    zcert_destroy (&partner);
    zcert_destroy (&stranger);
    harness_cleanup (&h);
    return check_done ("it_curve");
}
