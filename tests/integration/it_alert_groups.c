/*  Grouped and digested notifications (issue 17), with real receivers.

    The synthetic DQOFH feed puts a few dozen practices outside their
    ranges.  Three subscriptions to outside_range: one plain (a POST per
    alert), one grouped by indicator with a 2 s group_wait (a POST per
    indicator carrying its alerts), one daily digest (nothing until its
    hour; then one POST with everything).  Each transition reaches each
    subscriber exactly once: the same delivery ids, no duplicates.  And
    inhibition: a practice's breach is muted, while its place breaches
    the same way, for a subscriber who inhibits children.  */
#include "alert_util.h"

#include <jansson.h>

#define SECRET "s3cret-for-tests"

//  The alerts a receiver got: every delivery id, in groups or alone.
//  Returns how many; *posts is the number of requests; *dups counts ids
//  seen twice.
static int
s_alerts (const char *log, int *posts, int *dups, json_t *ids)
{
    it_requests_t q = it_requests_read (log);
    int n = 0;
    *dups = 0;
    *posts = (int) q.n;
    for (size_t i = 0; i < q.n; i++) {
        json_t *body = json_loads (q.req [i].body, 0, NULL);
        json_t *alerts = json_object_get (body, "alerts");
        size_t count = alerts ? json_array_size (alerts) : 1;
        for (size_t k = 0; k < count; k++) {
            json_t *a = alerts ? json_array_get (alerts, k) : body;
            const char *id = json_string_value (json_object_get (a, "delivery_id"));
            if (!id)
                continue;
            if (json_object_get (ids, id))
                (*dups)++;
            json_object_set_new (ids, id, json_true ());
            n++;
        }
        json_decref (body);
    }
    it_requests_free (&q);
    return n;
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "alert_groups"))
        return 1;
    it_start (&h);
    const char *services [] = { "intake", "calc", "alert" };

    it_receiver_t rp, rg, rd;
    char lp [128], lg [128], ld [128];
    snprintf (lp, sizeof lp, "logs/alert_groups-plain.log");
    snprintf (lg, sizeof lg, "logs/alert_groups-grouped.log");
    snprintf (ld, sizeof ld, "logs/alert_groups-digest.log");
    remove (lp), remove (lg), remove (ld);
    CHECK_INT (it_receiver_start (&rp, &h, harness_free_port (), SECRET, 0, lp), 0);
    CHECK_INT (it_receiver_start (&rg, &h, harness_free_port (), SECRET, 0, lg), 0);
    CHECK_INT (it_receiver_start (&rd, &h, harness_free_port (), SECRET, 0, ld), 0);
    const struct { const char *name; int port; const char *filter; } subs [3] = {
        { "plain", rp.port, "{\"rules\": [\"outside_range\"]}" },
        { "grouped", rg.port, "{\"rules\": [\"outside_range\"], \"group_by\": [\"indicator\"], \"group_wait\": 2}" },
        { "digest", rd.port, "{\"rules\": [\"outside_range\"], \"digest\": \"daily\"}" },
    };
    for (int i = 0; i < 3; i++) {
        char args [512];
        snprintf (args, sizeof args, "subscribe --subscriber %s --webhook http://127.0.0.1:%d/hook --secret " SECRET
                  " --filter '%s'", subs [i].name, subs [i].port, subs [i].filter);
        CHECK_INT (it_cli (&h, args), 0);
    }
    //  The grammar refuses what it does not know.
    CHECK (it_cli (&h, "subscribe --subscriber bad --webhook http://127.0.0.1:9/ --secret " SECRET
                       " --filter '{\"group_by\": [\"colour\"]}'") != 0);
    CHECK (it_cli (&h, "subscribe --subscriber bad --webhook http://127.0.0.1:9/ --secret " SECRET
                       " --filter '{\"digest\": \"hourly\"}'") != 0);

    it_push_sample (&h, "dihc", "dihc-synthetic.json");
    CHECK (it_settle (60000));
    int firing = atoi (harness_query (it_db, "select count(*) from alerts where rule = 'outside_range'"
                                             " and state = 'firing'"));
    int indicators = atoi (harness_query (it_db, "select count (distinct indicator) from alerts"
                                                 " where rule = 'outside_range' and state = 'firing'"));
    printf ("%d outside_range alerts over %d indicators\n", firing, indicators);
    CHECK (firing >= 5);

    //  Plain: one POST each.  Grouped: one POST per indicator, the same
    //  alerts.  No delivery id twice.
    CHECK (it_wait_requests (lp, (size_t) firing, 20000));
    CHECK (harness_wait_for (it_db, "select count(*) from notifications n join subscriptions s on s.id ="
                             " n.subscription_id where s.subscriber = 'grouped' and n.state <> 'delivered'", "0", 20000));
    int posts, dups;
    json_t *ids = json_object ();
    CHECK_INT (s_alerts (lp, &posts, &dups, ids), firing);
    CHECK_INT (posts, firing);
    CHECK_INT (dups, 0);
    json_object_clear (ids);
    CHECK_INT (s_alerts (lg, &posts, &dups, ids), firing);
    printf ("grouped by indicator: %d alerts in %d POSTs\n", firing, posts);
    CHECK_INT (posts, indicators);
    CHECK_INT (dups, 0);
    //  Each grouped POST is one indicator's.
    it_requests_t q = it_requests_read (lg);
    for (size_t i = 0; i < q.n; i++) {
        json_t *body = json_loads (q.req [i].body, 0, NULL);
        CHECK_CONTAINS (json_string_value (json_object_get (body, "group")) ?: "", "indicator=");
        CHECK_INT (json_integer_value (json_object_get (body, "count")), json_array_size (json_object_get (body, "alerts")));
        CHECK (q.req [i].signature_ok);
        json_decref (body);
    }
    it_requests_free (&q);

    //  The digest waits for its hour; nothing has gone.
    CHECK_STR (harness_query (it_db, "select count(*) || ' ' || bool_and (n.next_attempt_at > now ()"
                                     " and extract (hour from n.next_attempt_at at time zone 'UTC') = 7)"
                                     " from notifications n join subscriptions s on s.id = n.subscription_id"
                                     " where s.subscriber = 'digest' and n.state = 'pending'"),
               harness_query (it_db, "select (select count(*) from alerts where rule = 'outside_range'"
                                     " and state = 'firing') || ' true'"));
    CHECK_INT ((long) it_requests_count (ld), 0);
    //  Its hour comes: one POST with every alert, each once.
    CHECK_STR (harness_query (it_db, "update notifications set next_attempt_at = now () where subscription_id ="
                                     " (select id from subscriptions where subscriber = 'digest') returning 'ok'"), "ok");
    CHECK (it_wait_requests (ld, 1, 20000));
    CHECK (harness_wait_for (it_db, "select count(*) from notifications n join subscriptions s on s.id ="
                             " n.subscription_id where s.subscriber = 'digest' and n.state <> 'delivered'", "0", 20000));
    json_object_clear (ids);
    CHECK_INT (s_alerts (ld, &posts, &dups, ids), firing);
    CHECK_INT (posts, 1);
    CHECK_INT (dups, 0);
    json_decref (ids);

    //  Inhibition: with the place already breaching off_target on
    //  hypertension (as if its own figure had come first), a practice's
    //  breach, and its PCN's from the practice's figures, are muted for a
    //  subscriber who inhibits children, and sent to one who does not.
    it_receiver_t rc, ra;
    char lc [128], la [128];
    snprintf (lc, sizeof lc, "logs/alert_groups-children.log");
    snprintf (la, sizeof la, "logs/alert_groups-all.log");
    remove (lc), remove (la);
    CHECK_INT (it_receiver_start (&rc, &h, harness_free_port (), SECRET, 0, lc), 0);
    CHECK_INT (it_receiver_start (&ra, &h, harness_free_port (), SECRET, 0, la), 0);
    const char *flt = "{\"rules\": [\"off_target\"], \"indicators\": [\"htn-treated-to-target-monthly\"]%s}";
    char args [512], filter [256];
    snprintf (filter, sizeof filter, flt, ", \"inhibit\": [\"children\"]");
    snprintf (args, sizeof args, "subscribe --subscriber children --webhook http://127.0.0.1:%d/hook --secret " SECRET
              " --filter '%s'", rc.port, filter);
    CHECK_INT (it_cli (&h, args), 0);
    snprintf (filter, sizeof filter, flt, "");
    snprintf (args, sizeof args, "subscribe --subscriber all --webhook http://127.0.0.1:%d/hook --secret " SECRET
              " --filter '%s'", ra.port, filter);
    CHECK_INT (it_cli (&h, args), 0);
    CHECK (it_cli (&h, "subscribe --subscriber bad --webhook http://127.0.0.1:9/ --secret " SECRET
                       " --filter '{\"inhibit\": [\"everything\"]}'") != 0);
    CHECK_STR (harness_query (it_db, "insert into alerts (rule, indicator, org_unit, breakdown, state, period)"
                                     " values ('off_target', 'htn-treated-to-target-monthly', 'dudley', 'total',"
                                     " 'firing', '2025-03') returning 'ok'"), "ok");
    it_push (&h, "gp-practices", "{\"batch_key\": \"htn-one-practice\", \"observations\": ["
             " {\"data_element\": \"htn-treated-to-target-monthly\", \"org_unit\": \"syn-p01\","
             " \"period\": \"2025-03\", \"numerator\": 50, \"denominator\": 100}]}", "committed");
    CHECK (it_settle (30000));
    CHECK (it_wait_requests (la, 2, 20000));
    usleep (500000);
    CHECK_INT ((long) it_requests_count (la), 2);      //  the practice and its PCN
    CHECK_INT ((long) it_requests_count (lc), 0);
    CHECK_INT (it_receiver_stop (&rc), 0);
    CHECK_INT (it_receiver_stop (&ra), 0);

    CHECK_INT (it_receiver_stop (&rp), 0);
    CHECK_INT (it_receiver_stop (&rg), 0);
    CHECK_INT (it_receiver_stop (&rd), 0);
    for (int i = 2; i >= 0; i--)
        CHECK_INT (harness_stop (&h, services [i], SIGTERM, 10000), 0);
    db_destroy (&it_db);
    harness_cleanup (&h);
    return check_done ("it_alert_groups");
}
