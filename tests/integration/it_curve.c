/*  CURVE on the partner-facing intake socket: with it on, a plain client
    and a key that is not registered get no answer; a registered key
    speaks for its own partner only; the gateway's relay key speaks for
    the partner whose API key the gateway checked; a revoked key is shut
    out.  Without keys, intake refuses to listen beyond loopback, and on
    loopback says loudly that anyone local may write.  */
#include "check.h"
#include "harness.h"
#include "apikey.h"
#include "db.h"
#include "msg.h"

#include <curl/curl.h>
#include <string.h>

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

//  Pushes a one-row feed as partner with a certificate; returns the
//  command's exit status (0 when committed).
static int
s_push (const char *bin, harness_t *h, const char *partner, const char *key, const char *cert_secret,
        const char *server_key, const char *grep)
{
    FILE *f = fopen ("curve-feed.json", "w");
    fprintf (f, "{\"batch_key\": \"%s\", \"observations\": [{\"data_element\": \"pi-2257\","
                " \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": 6000}]}", key);
    fclose (f);
    return harness_sh ("%s push curve-feed.json --partner %s --endpoint %s --timeout 3000 %s%s%s%s"
                       " > curve-push.out 2>&1; grep -q '%s' curve-push.out", bin, partner, h->intake,
                       server_key ? "--server-key '" : "", server_key ? server_key : "", server_key ? "' --cert " : "",
                       server_key ? cert_secret : "", grep);
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "curve"))
        return 1;
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    zcert_t *server = zcert_new ();
    zcert_t *partner = zcert_new ();
    zcert_t *stranger = zcert_new ();
    zcert_t *relay = zcert_new ();
    //  Each partner's public key is registered to that partner.
    CHECK_INT (zcert_save (partner, "partner.cert"), 0);
    harness_export (&h);
    CHECK_INT (harness_sh ("%s migrate > /dev/null", bin), 0);
    CHECK_INT (harness_sh ("%s curve-key add dmbc-corp partner.cert | grep -q 'registered to partner dmbc-corp'", bin), 0);
    CHECK (harness_sh ("%s curve-key add no-such-partner '%s' 2>/dev/null", bin, zcert_public_txt (stranger)) != 0);
    setenv ("CAREWATCH_INTAKE_CURVE_PUBLIC", zcert_public_txt (server), 1);
    setenv ("CAREWATCH_INTAKE_CURVE_SECRET", zcert_secret_txt (server), 1);
    setenv ("CAREWATCH_GATEWAY_CURVE_PUBLIC", zcert_public_txt (relay), 1);
    setenv ("CAREWATCH_GATEWAY_CURVE_SECRET", zcert_secret_txt (relay), 1);
    CHECK (harness_start (&h, "intake") > 0);

    bool up = false;
    for (int i = 0; i < 20 && !up; i++)
        up = s_ping (h.intake, partner, zcert_public_txt (server));
    CHECK (up);
    CHECK (!s_ping (h.intake, NULL, NULL));
    CHECK (!s_ping (h.intake, stranger, zcert_public_txt (server)));
    CHECK (s_ping (h.intake, relay, zcert_public_txt (server)));
    //  The push command speaks CURVE; the key decides who it speaks for.
    CHECK_INT (s_push (bin, &h, "dmbc-corp", "curve-1", "partner.cert_secret", zcert_public_txt (server), "committed"), 0);
    CHECK_INT (s_push (bin, &h, "gp-practices", "curve-2", "partner.cert_secret", zcert_public_txt (server),
                       "partner_mismatch"), 0);
    CHECK_INT (harness_sh ("grep -q \"registered to partner 'dmbc-corp', which may not submit for partner 'gp-practices'\""
                           " curve-push.out"), 0);
    //  Without the server key the push gets no receipt.
    CHECK (s_push (bin, &h, "dmbc-corp", "curve-3", NULL, NULL, "committed") != 0);
    //  A revoked key is refused at the handshake from then on.
    CHECK_INT (harness_sh ("%s curve-key revoke '%s' | grep -q revoked", bin, zcert_public_txt (partner)), 0);
    CHECK (!s_ping (h.intake, partner, zcert_public_txt (server)));
    CHECK_INT (harness_sh ("%s curve-key add dmbc-corp '%s' >/dev/null", bin, zcert_public_txt (partner)), 0);
    CHECK (s_ping (h.intake, partner, zcert_public_txt (server)));

    //  The gateway speaks for the partner whose API key it checked, over
    //  its own relay key.
    char key [APIKEY_LEN + 1], err [256];
    db_t *db = db_new (h.db_url, "it_curve", 5000);
    CHECK_INT (db_connect (db, 5000, err, sizeof err), 0);
    CHECK (apikey_create (db, "partner", "gp-practices", "gp", key, err, sizeof err) > 0);
    curl_global_init (CURL_GLOBAL_DEFAULT);
    CHECK (harness_start (&h, "gateway") > 0);
    const char *feed = "{\"batch_key\": \"curve-http\", \"observations\": [{\"data_element\": \"gp-flu-65\","
                       " \"org_unit\": \"dudley\", \"period\": \"FY2022-23\", \"numerator\": 1, \"denominator\": 2}]}";
    harness_resp_t r = { 0 };
    for (int i = 0; i < 50 && r.status != 200 && r.status != 422; i++) {
        free (r.body);
        r = harness_http (h.http_port, "/v1/batches", key, "application/json", feed, strlen (feed));
        if (r.status == 0)
            zclock_sleep (100);
    }
    CHECK (r.status > 0 && r.status != 503);
    CHECK (r.body && strstr (r.body, "curve-http"));
    free (r.body);
    CHECK_INT (harness_stop (&h, "gateway", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);

    //  Beyond loopback, intake will not listen without CURVE.
    unsetenv ("CAREWATCH_INTAKE_CURVE_PUBLIC");
    unsetenv ("CAREWATCH_INTAKE_CURVE_SECRET");
    char local [64];
    snprintf (local, sizeof local, "%s", h.intake);
    snprintf (h.intake, sizeof h.intake, "tcp://0.0.0.0%s", strrchr (local, ':'));
    CHECK (harness_start (&h, "intake") > 0);
    CHECK_INT (harness_stop (&h, "intake", 0, 10000), 1);
    CHECK_INT (harness_sh ("grep -q 'listens beyond loopback, so it needs CURVE' logs/curve-intake.log"), 0);
    //  On loopback it will, and says loudly that anyone local may write.
    snprintf (h.intake, sizeof h.intake, "%s", local);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK (s_ping (h.intake, NULL, NULL));
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    CHECK_INT (harness_sh ("grep -q 'CURVE IS OFF' logs/curve-intake.log"), 0);
    //  A bad key configuration stops the service at start, clearly.
    setenv ("CAREWATCH_INTAKE_CURVE_PUBLIC", zcert_public_txt (server), 1);
    setenv ("CAREWATCH_INTAKE_CURVE_SECRET", "short", 1);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK_INT (harness_stop (&h, "intake", 0, 10000), 1);
    CHECK_INT (harness_sh ("grep -q 'must both be' logs/curve-intake.log"), 0);
    db_destroy (&db);
    zcert_destroy (&server);
    zcert_destroy (&partner);
    zcert_destroy (&stranger);
    zcert_destroy (&relay);
    curl_global_cleanup ();
    harness_cleanup (&h);
    return check_done ("it_curve");
}
