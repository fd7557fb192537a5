/*  calc end to end: batches in through the real intake, IndicatorChanged
    out on the real PUB socket, values in PostgreSQL; calc killed between
    batches catches up on restart; a full recompute changes nothing.  */
#include "check.h"
#include "db.h"
#include "harness.h"
#include "msg.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static db_t *s_db;


//  Sends a JSON feed as SubmitFeed and returns the receipt's status.
static void
s_push (harness_t *h, const char *partner, const char *json, const char *want_status)
{
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_rcvtimeo (sock, 20000);
    zsock_set_linger (sock, 0);
    zsock_connect (sock, "%s", h->intake);
    Carewatch__V1__SubmitFeed f = CAREWATCH__V1__SUBMIT_FEED__INIT;
    f.partner = (char *) partner;
    f.format = "json";
    f.content.data = (uint8_t *) json;
    f.content.len = strlen (json);
    msg_send (sock, NULL, &f.base);
    msg_t reply;
    char err [256];
    CHECK_INT (msg_recv (sock, false, 1 << 24, &reply, err, sizeof err), 0);
    if (msg_is (&reply, &carewatch__v1__batch_receipt__descriptor))
        CHECK_STR (((Carewatch__V1__BatchReceipt *) reply.body)->status, want_status);
    else
        CHECK (!"no receipt");
    msg_clear (&reply);
    zsock_destroy (&sock);
}


static const char *s_kpis =
    "{\"batch_key\": \"q2\", \"observations\": ["
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2021/22\", \"value\": 410400},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q1 2022/23\", \"value\": 135000},"
    " {\"data_element\": \"pi-2257\", \"org_unit\": \"dudley\", \"period\": \"Q2 2022/23\", \"value\": 6000,"
    "  \"note\": \"exception report referred to the Service Director\"},"
    " {\"data_element\": \"pi-2260\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q2\", \"value\": 6.8},"
    " {\"data_element\": \"pi-2260\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q1\", \"value\": 11.5},"
    " {\"data_element\": \"pi-2260\", \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": 8.4}]}";

//  Two practices of one PCN: the PCN and Dudley get the sums.
static const char *s_practices =
    "{\"batch_key\": \"htn-1\", \"observations\": ["
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p01\", \"period\": \"FY2024-25\", \"numerator\": 700, \"denominator\": 1000},"
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p02\", \"period\": \"FY2024-25\", \"numerator\": 900, \"denominator\": 1000}]}";

static const char *s_practices_revised =
    "{\"batch_key\": \"htn-2\", \"observations\": ["
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p02\", \"period\": \"FY2024-25\", \"numerator\": 500, \"denominator\": 1000}]}";

//  One practice's series, year by year (SPC per series).
static const char *s_series_3 =
    "{\"batch_key\": \"spc-3\", \"observations\": ["
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p05\", \"period\": \"FY2021-22\", \"numerator\": 700, \"denominator\": 1000},"
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p05\", \"period\": \"FY2022-23\", \"numerator\": 720, \"denominator\": 1000},"
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p05\", \"period\": \"FY2023-24\", \"numerator\": 710, \"denominator\": 1000}]}";

static const char *s_series_4 =
    "{\"batch_key\": \"spc-4\", \"observations\": ["
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p05\", \"period\": \"FY2024-25\", \"numerator\": 730, \"denominator\": 1000}]}";

static const char *s_other_practice =
    "{\"batch_key\": \"spc-other\", \"observations\": ["
    " {\"data_element\": \"htn-treated-to-target\", \"org_unit\": \"syn-p06\", \"period\": \"FY2024-25\", \"numerator\": 750, \"denominator\": 1000}]}";

//  SPC limits live per series segment: a new year adds one point and
//  moves the limits without rewriting the earlier points.  calc sends
//  only what changed, yet notices when someone else wrote the values.
static void
s_spc_per_series (harness_t *h)
{
    s_push (h, "gp-practices", s_series_3, "committed");
    CHECK (harness_wait_for (s_db, "select points || ' ' || round (mean::numeric, 2) || ' ' || trial from indicator_spc"
                       " where indicator = 'htn-treated-to-target' and org_unit = 'syn-p05' and breakdown = 'total'",
                       "3 71.00 true", 10000));
    //  Every point of the series shows those limits through the view.
    CHECK_STR (harness_query (s_db, "select count(*) || ' ' || count (distinct round (spc_mean::numeric, 6)) from indicator_values"
                        " where indicator = 'htn-treated-to-target' and org_unit = 'syn-p05' and spc_mean is not null"),
               "3 1");
    char before [32];
    snprintf (before, sizeof before, "%s", harness_query (s_db, "select max (change_seq) from indicator_points"));

    s_push (h, "gp-practices", s_series_4, "committed");
    CHECK (harness_wait_for (s_db, "select points || ' ' || round (mean::numeric, 2) from indicator_spc"
                       " where indicator = 'htn-treated-to-target' and org_unit = 'syn-p05' and breakdown = 'total'",
                       "4 71.50", 10000));
    char sql [512];
    snprintf (sql, sizeof sql, "select string_agg (period, ',' order by period) from indicator_points"
              " where indicator = 'htn-treated-to-target' and org_unit = 'syn-p05' and change_seq > %s", before);
    CHECK_STR (harness_query (s_db, sql), "FY2024-25");
    CHECK_STR (harness_query (s_db, "select count (distinct round (spc_mean::numeric, 6)) || ' ' || min (round (spc_mean::numeric, 2))"
                        " from indicator_values where indicator = 'htn-treated-to-target' and org_unit = 'syn-p05'"),
               "1 71.50");

    //  A hand edit deletes a computed value.  The next batch that touches
    //  the same indicator and breakdown brings it back: calc does not
    //  trust what it remembers writing once someone else has written.
    CHECK_STR (harness_query (s_db, "with d as (delete from indicator_points where indicator = 'htn-treated-to-target'"
                        " and org_unit = 'syn-p05' and period = 'FY2021-22' returning 1) select count(*) from d"), "1");
    s_push (h, "gp-practices", s_other_practice, "committed");
    CHECK (harness_wait_for (s_db, "select count(*) from indicator_points where indicator = 'htn-treated-to-target'"
                       " and org_unit in ('syn-p05', 'syn-p06')", "5", 10000));
    CHECK_STR (harness_query (s_db, "select round (value::numeric, 1) from indicator_values where indicator = 'htn-treated-to-target'"
                        " and org_unit = 'syn-p05' and period = 'FY2021-22'"), "70.0");
}

int
main (void)
{
    harness_t h;
    if (harness_init (&h, "calc"))
        return 1;
    CHECK (harness_start (&h, "intake") > 0);
    CHECK (harness_start (&h, "calc") > 0);
    CHECK (harness_ping (h.intake, 30000, NULL, NULL, 0) == 0);
    CHECK (harness_ping (h.calc_control, 30000, NULL, NULL, 0) == 0);
    s_db = db_new (h.db_url, "test", 10000);
    char err [256];
    CHECK (db_connect (s_db, 10000, err, sizeof err) == 0);

    zsock_t *sub = zsock_new_sub (h.calc_events, "");
    zsock_set_rcvtimeo (sub, 10000);
    zclock_sleep (200);     //  let the subscription reach calc (slow joiner)

    s_push (&h, "dmbc-corp", s_kpis, "committed");
    //  Six new values, each announced once.
    int events = 0, below = 0;
    for (int i = 0; i < 6; i++) {
        msg_t m;
        if (msg_recv (sub, false, 1 << 20, &m, err, sizeof err))
            break;
        if (msg_is (&m, &carewatch__v1__indicator_changed__descriptor)) {
            Carewatch__V1__IndicatorChanged *c = (Carewatch__V1__IndicatorChanged *) m.body;
            events++;
            CHECK_STR (c->old_status, "");
            CHECK (c->change_seq > 0);
            if (strcmp (c->indicator, "pi-2257") == 0 && strcmp (c->period, "FY2022-23Q2") == 0) {
                CHECK_STR (c->new_status, "below_target");
                below++;
            }
        }
        msg_clear (&m);
    }
    CHECK_INT (events, 6);
    CHECK_INT (below, 1);
    CHECK_STR (harness_query (s_db, "select status || ' ' || short_trend || ' ' || annual_trend || ' ' || value from indicator_values"
                        " where indicator = 'pi-2257' and period = 'FY2022-23Q2'"),
               "below_target worsening worsening 6000");
    CHECK_STR (harness_query (s_db, "select note from indicator_values where indicator = 'pi-2257' and period = 'FY2022-23Q2'"),
               "exception report referred to the Service Director");
    CHECK_STR (harness_query (s_db, "select status || ' ' || short_trend || ' ' || annual_trend from indicator_values"
                        " where indicator = 'pi-2260' and period = 'FY2022-23Q2'"),
               "on_target improved worsening");

    //  Aggregation: practice -> PCN -> place.
    s_push (&h, "gp-practices", s_practices, "committed");
    CHECK (harness_wait_for (s_db, "select numerator || '/' || denominator || ' ' || round (value::numeric, 1) || ' ' || status"
                       " from indicator_values where indicator = 'htn-treated-to-target' and org_unit = 'pcn-brierley-hill'",
                       "1600/2000 80.0 on_target", 10000));
    CHECK_STR (harness_query (s_db, "select numerator || '/' || denominator from indicator_values"
                        " where indicator = 'htn-treated-to-target' and org_unit = 'dudley'"), "1600/2000");
    CHECK_STR (harness_query (s_db, "select status from indicator_values where indicator = 'htn-treated-to-target'"
                        " and org_unit = 'syn-p01'"), "below_target");

    //  calc killed; a batch lands while it is down; on restart it catches up.
    CHECK (harness_stop (&h, "calc", SIGKILL, 5000) == 128 + SIGKILL);
    s_push (&h, "gp-practices", s_practices_revised, "committed");
    CHECK_STR (harness_query (s_db, "select count(*) from batches b where not exists"
                        " (select 1 from calc_processed p where p.batch_id = b.id)"), "1");
    CHECK (harness_start (&h, "calc") > 0);
    CHECK (harness_wait_for (s_db, "select numerator || '/' || denominator || ' ' || status from indicator_values"
                       " where indicator = 'htn-treated-to-target' and org_unit = 'pcn-brierley-hill'",
                       "1200/2000 below_target", 15000));
    CHECK_STR (harness_query (s_db, "select count(*) from batches b where not exists"
                        " (select 1 from calc_processed p where p.batch_id = b.id)"), "0");

    s_spc_per_series (&h);

    //  A full recompute gives exactly what the incremental path gave.
    char *before = strdup (harness_query (s_db, "select md5 (string_agg (v::text, ',' order by indicator, org_unit, period, breakdown))"
                                    " from (select indicator, org_unit, period, breakdown, value, ci_low, ci_high, status,"
                                    " short_trend, annual_trend, benchmark, spc_variation, spc_mean, spc_lcl, spc_ucl,"
                                    " change_seq from indicator_values) v"));
    char bin [512];
    harness_bin ("carewatch", bin, sizeof bin);
    CHECK_INT (harness_sh ("%s recompute | tee /dev/stderr | grep -q '; 0 changed'", bin), 0);
    CHECK_STR (harness_query (s_db, "select md5 (string_agg (v::text, ',' order by indicator, org_unit, period, breakdown))"
                        " from (select indicator, org_unit, period, breakdown, value, ci_low, ci_high, status,"
                        " short_trend, annual_trend, benchmark, spc_variation, spc_mean, spc_lcl, spc_ucl,"
                        " change_seq from indicator_values) v"),
               before);
    free (before);

    zsock_destroy (&sub);
    CHECK_INT (harness_stop (&h, "calc", SIGTERM, 10000), 0);
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    db_destroy (&s_db);
    harness_cleanup (&h);
    return check_done ("it_calc");
}
