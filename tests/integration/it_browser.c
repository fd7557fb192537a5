/*  Browser test: headless Chromium opens the HTML scorecard from the
    gateway (through a signed read-only link) and the test reads the
    rendered DOM for the figures; a screenshot is left in the build
    folder (tests/scorecard.png) for people to look at.  */
#include "check.h"
#include "harness.h"
#include "msg.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static const char *s_feed =
    "{\"batch_key\": \"browser\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q2\", \"value\": 410400},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q1\", \"value\": 135000},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": 6000},"
    " {\"data_element\": \"pi-2074\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q2\", \"value\": 86.6},"
    " {\"data_element\": \"pi-2074\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q1\", \"value\": 89.5},"
    " {\"data_element\": \"pi-2074\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": 92.9}]}";

static char *
s_slurp (const char *path)
{
    FILE *f = fopen (path, "rb");
    if (!f)
        return NULL;
    fseek (f, 0, SEEK_END);
    long n = ftell (f);
    fseek (f, 0, SEEK_SET);
    char *buf = malloc ((size_t) n + 1);
    size_t got = fread (buf, 1, (size_t) n, f);
    buf [got] = '\0';
    fclose (f);
    return buf;
}

int
main (void)
{
    if (access ("/usr/bin/chromium", X_OK)) {
        fprintf (stderr, "it_browser: /usr/bin/chromium is missing (scripts/deps.sh installs it)\n");
        return 1;
    }
    harness_t h;
    if (harness_init (&h, "browser"))
        return 1;
    char url [128];
    snprintf (url, sizeof url, "http://127.0.0.1:%d", h.http_port);
    setenv ("CAREWATCH_PUBLIC_URL", url, 1);
    const char *svcs [] = { "intake", "calc", "export", "gateway" };
    for (int i = 0; i < 4; i++)
        CHECK (harness_start (&h, svcs [i]) > 0);
    for (int i = 0; i < 4; i++)
        CHECK (harness_ping (harness_endpoint (&h, svcs [i]), 30000, NULL, NULL, 0) == 0);

    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, 20000);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", h.intake);
    Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
    f.partner = "dmbc-corp";
    f.format = "json";
    f.content.data = (uint8_t *) s_feed;
    f.content.len = strlen (s_feed);
    msg_send (sock, NULL, &f.base);
    msg_t reply;
    char err [256];
    CHECK_INT (msg_recv (sock, false, 1 << 20, &reply, err, sizeof err), 0);
    CHECK (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor));
    msg_clear (&reply);
    zsock_destroy (&sock);

    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    //  Wait for calc: the scorecard must show the below-target KPI.
    bool ready = false;
    for (int i = 0; i < 100 && !ready; i++) {
        ready = harness_sh ("psql -qAt '%s' -c \"select 1 from indicator_values where indicator = 'pi-2257'"
                            " and period = 'FY2022-23Q2'\" | grep -q 1", h.db_url) == 0;
        if (!ready)
            usleep (100000);
    }
    CHECK (ready);
    CHECK_INT (harness_sh ("%s link '/v1/scorecards/FY2022-23Q2?format=html' --ttl 600 > browser.url", bin), 0);
    const char *flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                        " --disable-background-networking --disable-component-update --disable-sync"
                        " --user-data-dir=$(mktemp -d)";
    CHECK_INT (harness_sh ("/usr/bin/chromium %s --dump-dom \"$(cat browser.url)\" > browser.dom 2> browser.log", flags), 0);
    CHECK_INT (harness_sh ("/usr/bin/chromium %s --window-size=1280,1600 --screenshot=scorecard.png"
                           " \"$(cat browser.url)\" >> browser.log 2>&1", flags), 0);
    CHECK_INT (harness_sh ("test -s scorecard.png"), 0);

    char *dom = s_slurp ("browser.dom");
    CHECK (dom != NULL);
    if (dom) {
        //  The rendered page, as the browser built it: the KPI rows, their
        //  figures, the scores as text and symbol, and the dashboard.
        CHECK_CONTAINS (dom, "Q2 2022/23");
        CHECK_CONTAINS (dom, "data-indicator=\"pi-2257\"");
        CHECK_CONTAINS (dom, "data-indicator=\"pi-2074\"");
        CHECK_CONTAINS (dom, "£6,000");
        CHECK_CONTAINS (dom, "£150,000");
        CHECK_CONTAINS (dom, "92.9%");
        CHECK_CONTAINS (dom, "Below target");
        CHECK_CONTAINS (dom, "On target");
        CHECK_CONTAINS (dom, "<svg");
        //  No request left the page: every asset is inline.
        CHECK (!strstr (dom, "src=\"http"));
        free (dom);
    }
    //  An altered link is refused.
    CHECK_INT (harness_sh ("curl -s -o /dev/null -w '%%{http_code}' \"$(sed 's/format=html/format=json/' browser.url)\""
                           " | grep -q 401"), 0);

    for (int i = 3; i >= 0; i--)
        CHECK_INT (harness_stop (&h, svcs [i], SIGTERM, 10000), 0);
    harness_cleanup (&h);
    return check_done ("it_browser");
}
