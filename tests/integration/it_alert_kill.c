/*  alert killed with notifications pending: the outbox is in PostgreSQL,
    so nothing is lost.  The receiver is down while alerts fire; alert is
    SIGKILLed after its first failed attempts; a batch lands while it is
    dead; the receiver comes up and alert restarts.  Every notification
    (those pending and those for the change made while alert was down) is
    then delivered, each under its own delivery id.  */
#include "alert_util.h"

#define SECRET "kill-test-secret"

static const char *s_breaks =
    "{\"batch_key\": \"q2\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2021/22\", \"value\": 410400},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q1 2022/23\", \"value\": 135000},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 6000},"
    " {\"data_element\": \"pi-2260\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": 8.4}]}";

static const char *s_back_on_target =
    "{\"batch_key\": \"q2-revised\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 152000}]}";

int
main (void)
{
    long long t0 = harness_now_ms ();
    harness_t h;
    if (harness_init (&h, "alert_kill"))
        return 1;
    setenv ("CAREWATCH_WEBHOOK_RETRY_MS", "200", 1);
    setenv ("CAREWATCH_WEBHOOK_MAX_ATTEMPTS", "100", 1);
    setenv ("CAREWATCH_WEBHOOK_TIMEOUT_MS", "2000", 1);
    setenv ("CAREWATCH_MISSING_CHECK_MS", "200", 1);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK (harness_start (&h, "calc") > 0);
    CHECK (harness_start (&h, "alert") > 0);
    CHECK (harness_ping (h.intake, 30000, NULL, NULL, 0) == 0);
    CHECK (harness_ping (h.calc_control, 30000, NULL, NULL, 0) == 0);
    CHECK (harness_ping (h.alert_control, 30000, NULL, NULL, 0) == 0);
    it_db = db_new (h.db_url, "test", 10000);
    char err [256];
    CHECK (db_connect (it_db, 10000, err, sizeof err) == 0);

    //  No filter: every rule, off_target and data_missing alike.
    int port = harness_free_port ();
    char args [512], log [256];
    snprintf (args, sizeof args, "subscribe --subscriber down --webhook http://127.0.0.1:%d/ --secret " SECRET, port);
    CHECK_INT (it_cli (&h, args), 0);
    snprintf (log, sizeof log, "logs/%s-%d-receiver.log", h.name, (int) getpid ());
    unlink (log);

    //  Alerts fire while the receiver is down; each is tried and fails.
    it_push (&h, "dmbc-corp", s_breaks, "committed");
    CHECK (it_settle (15000));
    CHECK (harness_wait_for (it_db, "select count(*) from alerts where state = 'firing' and ((indicator = 'pi-2257'"
                        " and rule = 'off_target') or (indicator = 'feed:dmbc-corp:quarter' and rule = 'data_missing'))",
                        "2", 10000));
    CHECK (harness_wait_for (it_db, "select count(*) >= 2 and bool_and (state = 'pending' and attempts >= 1"
                        " and last_error is not null) from notifications", "t", 10000));
    CHECK_INT (harness_stop (&h, "alert", SIGKILL, 5000), 128 + SIGKILL);
    char pending [16];
    snprintf (pending, sizeof pending, "%s", harness_query (it_db, "select count(*) from notifications where state = 'pending'"));
    CHECK (atoi (pending) >= 2);

    //  A change lands while alert is dead.
    it_push (&h, "dmbc-corp", s_back_on_target, "committed");
    CHECK (harness_wait_for (it_db, "select count(*) from batches b where not exists"
                        " (select 1 from calc_processed p where p.batch_id = b.id)", "0", 10000));
    CHECK_STR (harness_query (it_db, "select state from alerts where rule = 'off_target' and indicator = 'pi-2257'"), "firing");

    //  Receiver up, alert back: everything arrives.
    it_receiver_t r = { 0 };
    CHECK_INT (it_receiver_start (&r, &h, port, SECRET, 0, log), 0);
    if (r.port != port) {
        //  Its port was taken meanwhile (tests run side by side), so the
        //  receiver moved: the subscription follows it (alert reads the
        //  URL when it delivers).
        char url [64];
        snprintf (url, sizeof url, "http://127.0.0.1:%d/", r.port);
        const char *up [1] = { url };
        CHECK_INT (db_run (it_db, "update subscriptions set url = $1 where subscriber = 'down'", 1, up, err, sizeof err), 0);
    }
    CHECK (harness_start (&h, "alert") > 0);
    CHECK (harness_ping (h.alert_control, 30000, NULL, NULL, 0) == 0);
    CHECK (it_settle (15000));
    CHECK_STR (harness_query (it_db, "select state from alerts where rule = 'off_target' and indicator = 'pi-2257'"), "resolved");
    CHECK (harness_wait_for (it_db, "select count(*) from notifications where state <> 'delivered'", "0", 15000));
    int rows = atoi (harness_query (it_db, "select count(*) from notifications"));
    CHECK (rows > atoi (pending));      //  the resolved one too

    //  Per delivery id: the receiver saw it (signed, answered 200), and
    //  it saw no id the outbox does not hold.
    CHECK (it_wait_requests (log, (size_t) rows, 5000));
    it_requests_t q = it_requests_read (log);
    int distinct = 0;
    for (size_t i = 0; i < q.n; i++) {
        CHECK (q.req [i].signature_ok);
        CHECK_INT (q.req [i].status, 200);
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            first = strcmp (q.req [k].id, q.req [i].id) != 0;
        if (!first)
            continue;
        distinct++;
        char sql [256];
        snprintf (sql, sizeof sql, "select state from notifications where delivery_id::text = '%.64s'", q.req [i].id);
        CHECK_STR (harness_query (it_db, sql), "delivered");
        CHECK_CONTAINS (q.req [i].body, q.req [i].id);
    }
    CHECK_INT (distinct, rows);
    it_requests_free (&q);
    CHECK_STR (harness_query (it_db, "select count(*) from notifications n join alert_transitions t on t.id = n.transition_id"
                         " join alerts a on a.id = t.alert_id where a.rule = 'off_target'"), "2");

    CHECK_INT (it_receiver_stop (&r), 0);
    CHECK_INT (harness_stop (&h, "alert", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "calc", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    db_destroy (&it_db);
    harness_cleanup (&h);
    fprintf (stderr, "it_alert_kill: %d notifications, whole test %lld ms\n", rows, harness_now_ms () - t0);
    return check_done ("it_alert_kill");
}
