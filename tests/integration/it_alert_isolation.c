/*  One subscriber's slow webhook must not stall anyone else's (issue 13).

    Two subscriptions to every alert: one to an endpoint that accepts
    connections and never answers (a socket that listens and never
    accepts), one to a real `carewatch receive`.  A corporate KPI feed
    fires a few dozen alerts.  The good receiver gets every one of its
    notifications within seconds, alert answers Ping all the while, and
    the black hole is tried a few times and then left to back off on its
    own.  A subscription whose URL points at a link-local address (written
    to the table directly, past the gateway's check) is refused at
    delivery, without a connection.  */
#include "alert_util.h"

#define SECRET "s3cret-for-tests"

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "alert_isolation"))
        return 1;
    setenv ("CAREWATCH_WEBHOOK_TIMEOUT_MS", "3000", 1);
    setenv ("CAREWATCH_WEBHOOK_RETRY_MS", "2000", 1);
    //  Data that is due and missing fires too (one alert for the feed).
    setenv ("CAREWATCH_MISSING_CHECK_MS", "300", 1);
    it_start (&h);
    const char *services [] = { "intake", "calc", "alert" };

    //  The black hole: connections complete (the backlog), nothing answers.
    int hole = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    CHECK_INT (bind (hole, (struct sockaddr *) &a, sizeof a), 0);
    CHECK_INT (listen (hole, 1024), 0);
    getsockname (hole, (struct sockaddr *) &a, &alen);
    int hole_port = ntohs (a.sin_port);
    it_receiver_t good;
    int good_port = harness_free_port ();
    remove ("logs/alert_isolation-good.log");
    CHECK_INT (it_receiver_start (&good, &h, good_port, SECRET, 0, "logs/alert_isolation-good.log"), 0);
    char args [512];
    snprintf (args, sizeof args, "subscribe --subscriber black-hole --webhook http://127.0.0.1:%d/hook --secret " SECRET,
              hole_port);
    CHECK_INT (it_cli (&h, args), 0);
    snprintf (args, sizeof args, "subscribe --subscriber good --webhook http://127.0.0.1:%d/hook --secret " SECRET,
              good.port);
    CHECK_INT (it_cli (&h, args), 0);
    //  Past the subscription check, as an old row or a hand edit would be.
    CHECK_STR (harness_query (it_db, "insert into subscriptions (subscriber, channel, url, secret) values ('metadata',"
                         " 'webhook', 'http://169.254.169.254/latest', 'a-secret-of-16-chars') returning 'ok'"), "ok");
    //  The webhook check refuses that URL when a subscription is made.
    CHECK (it_cli (&h, "subscribe --subscriber inside --webhook http://10.1.2.3/hook --secret " SECRET) != 0);
    CHECK_INT (harness_sh ("grep -q 'resolves to 10.1.2.3 is a private address' logs/alert_isolation-cli.log"), 0);

    //  A feed that fires alerts.
    long long t0 = harness_now_ms ();
    it_push_sample (&h, "dmbc-corp", "dmbc-corp-qpr-2022-23-q2.json");
    CHECK (it_settle (30000));
    //  The good receiver gets every notification promptly, however many
    //  the black hole holds, and alert stays responsive: until none of
    //  the good subscriber's is undelivered (there are two: the KPI off
    //  target, and the feed's data missing), pinging alert all the while.
    const char *total_sql = "select count(*) from notifications n join subscriptions s on s.id = n.subscription_id"
                            " where s.subscriber = 'good'";
    const char *undelivered_sql = "select count(*) from notifications n join subscriptions s on s.id = n.subscription_id"
                                  " where s.subscriber = 'good' and n.state <> 'delivered'";
    int pings_ok = 0, pings = 0, want = 0, quiet = 0;
    while (harness_now_ms () - t0 < 20000 && quiet < 5) {
        pings++;
        pings_ok += harness_ping (harness_endpoint (&h, "alert"), 1000, NULL, NULL, 0) == 0;
        int total = atoi (harness_query (it_db, total_sql));
        quiet = total >= 2 && total == want && atoi (harness_query (it_db, undelivered_sql)) == 0 ? quiet + 1 : 0;
        want = total;
        usleep (200000);
    }
    long long took = harness_now_ms () - t0;
    printf ("good receiver: %zu of %d notifications, all delivered by %lld ms; alert answered %d of %d pings\n",
            it_requests_count (good.log), want, took, pings_ok, pings);
    CHECK (want >= 2);
    //  Each of them within 2 s of being queued, though every delivery to
    //  the black hole takes the 3 s timeout: nothing waited behind one.
    double slowest = atof (harness_query (it_db, "select coalesce (max (extract (epoch from n.delivered_at - n.created_at)),"
                                                 " 99) from notifications n join subscriptions s on s.id = n.subscription_id"
                                                 " where s.subscriber = 'good'"));
    printf ("slowest delivery to the good receiver: %.3f s\n", slowest);
    CHECK (slowest < 2.0);
    CHECK_INT ((long) it_requests_count (good.log), want);
    CHECK (took < 15000);
    CHECK_INT (pings_ok, pings);
    CHECK_INT (atoi (harness_query (it_db, "select count(*) from notifications n join subscriptions s"
                                    " on s.id = n.subscription_id where s.subscriber = 'good' and n.state = 'delivered'")),
               want);
    //  The black hole was tried a few at a time, then backed off alone.
    CHECK (harness_wait_for (it_db, "select count(*) > 0 from notifications n join subscriptions s on s.id = n.subscription_id"
                        " where s.subscriber = 'black-hole' and n.last_error like '%timed out%'", "t", 10000));
    int tried = atoi (harness_query (it_db, "select count(*) from notifications n join subscriptions s on s.id = n.subscription_id"
                                " where s.subscriber = 'black-hole' and n.attempts > 0"));
    printf ("black hole: %d of %d notifications tried so far\n", tried, want);
    CHECK (tried >= 1 && tried <= want);
    //  data_missing is one alert for the feed, listing what is missing.
    CHECK_STR (harness_query (it_db, "select count(*) || ' ' || min (indicator) || ' ' || min (org_unit)"
                                     " || ' ' || (min ((payload ->> 'missing_count'))::int > 0)::text"
                                     " from alerts where rule = 'data_missing' and state = 'firing'"),
               "1 feed:dmbc-corp:quarter dudley true");
    //  The link-local URL: refused at delivery, named as such.
    CHECK (harness_wait_for (it_db, "select count(*) > 0 from notifications n join subscriptions s on s.id = n.subscription_id"
                        " where s.subscriber = 'metadata' and n.last_error like 'refused: 169.254.169.254 is a link-local%'",
                        "t", 10000));
    CHECK_STR (harness_query (it_db, "select count(*) from notifications n join subscriptions s on s.id = n.subscription_id"
                         " where s.subscriber = 'metadata' and n.state = 'delivered'"), "0");
    CHECK_INT (it_receiver_stop (&good), 0);
    close (hole);
    for (int i = 2; i >= 0; i--)
        CHECK_INT (harness_stop (&h, services [i], SIGTERM, 10000), 0);
    db_destroy (&it_db);
    harness_cleanup (&h);
    return check_done ("it_alert_isolation");
}
