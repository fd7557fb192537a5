/*  The intake service as partners meet it: a real carewatch-intake process,
    a real DEALER socket, a real PostgreSQL.  Covers the three formats,
    replay, batch key reuse, supersede with history, partial and atomic
    batches, two partners at once, permissions, `carewatch push`, and the
    batch size limit.  The SIGKILL test is it_intake_kill.c.  */
#include "check.h"
#include "intake_util.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#define RCV_MS 20000

static harness_t h;
static db_t *db;
static zsock_t *sock;

static long long
s_batch_id (const char *partner, const char *key)
{
    return it_num (db, "select id from batches where partner = $1 and batch_key = $2", partner, key);
}

static long long
s_count (const char *sql)
{
    return it_num (db, sql, NULL, NULL);
}

//  One value of observations for batch id, as text.
static void
s_obs_text (long long id, const char *expr, char *buf, size_t len)
{
    char sql [512], idtext [24];
    snprintf (idtext, sizeof idtext, "%lld", id);
    snprintf (sql, sizeof sql, "select string_agg (%s, ',' order by id) from observations where batch_id = $1", expr);
    CHECK (it_text (db, sql, idtext, NULL, buf, len) == 0);
}

//  1. JSON, CSV and protobuf batches, periods stored in canonical form.
static void
s_test_formats (void)
{
    msg_t reply;
    char text [1024];
    const char *json =
        "{\"batch_key\": \"fmt-json\", \"observations\": ["
        " {\"data_element\": \"pi-2133\", \"org_unit\": \"dudley\", \"period\": \"2023/24 Q2\", \"value\": 41.5},"
        " {\"data_element\": \"pi-2133\", \"org_unit\": \"dudley\", \"period\": \"Q3 2023/24\", \"value\": 42,"
        "  \"status\": \"provisional\", \"note\": \"awaiting audit\"}]}";
    Carewatch__V1__BatchReceipt *r = it_feed (sock, "dmbc-corp", "json", json, NULL, false, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_STR (r->batch_key, "fmt-json");
        CHECK_INT (r->accepted, 2);
        CHECK_INT (r->rejected, 0);
        CHECK_INT (r->new_count, 2);
        CHECK_INT (r->revised_count + r->unchanged_count, 0);
        CHECK_INT (r->n_errors, 0);
        CHECK (!r->replayed);
        CHECK (r->sequence > 0);
        CHECK_INT (r->batch_id, s_batch_id ("dmbc-corp", "fmt-json"));
        s_obs_text (r->batch_id, "period || '=' || value || ':' || status", text, sizeof text);
        CHECK_STR (text, "FY2023-24Q2=41.5:final,FY2023-24Q3=42:provisional");
        s_obs_text (r->batch_id, "period_type || ' ' || period_start || '..' || period_end || ' ' || breakdown"
                                 " || ' ' || current", text, sizeof text);
        CHECK_STR (text, "quarter 2023-07-01..2023-09-30 total true,quarter 2023-10-01..2023-12-31 total true");
        CHECK (it_text (db, "select format || ' ' || accepted || ' ' || (receipt->>'status') from batches"
                            " where batch_key = $1", "fmt-json", NULL, text, sizeof text) == 0);
        CHECK_STR (text, "json 2 committed");
    }
    msg_clear (&reply);

    const char *csv =
        "data_element,org_unit,period,numerator,denominator,note\r\n"
        "htn-treated-to-target,syn-p01,2023/24,80,100,\r\n"
        "htn-treated-to-target, syn-p02 ,2022-23,\"45\",60,\"ok, checked\"\r\n"
        "appointments-face-to-face,syn-p01,2024-01,700,1000,\r\n";
    r = it_feed (sock, "gp-practices", "csv", csv, "fmt-csv", false, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->accepted, 3);
        CHECK_INT (r->rejected, 0);
        CHECK_INT (r->new_count, 3);
        CHECK_INT (r->batch_id, s_batch_id ("gp-practices", "fmt-csv"));
        s_obs_text (r->batch_id, "data_element || '/' || org_unit || '/' || period || '=' || numerator || '/' || denominator",
                    text, sizeof text);
        CHECK_STR (text, "htn-treated-to-target/syn-p01/FY2023-24=80/100,"
                         "htn-treated-to-target/syn-p02/FY2022-23=45/60,"
                         "appointments-face-to-face/syn-p01/2024-01=700/1000");
        s_obs_text (r->batch_id, "coalesce (note, '-')", text, sizeof text);
        CHECK_STR (text, "-,ok, checked,-");
        CHECK (it_text (db, "select format from batches where batch_key = $1", "fmt-csv", NULL, text, sizeof text) == 0);
        CHECK_STR (text, "csv");
    }
    msg_clear (&reply);

    it_batch_t b;
    it_batch_init (&b, "gp-practices", "fmt-pb", 4);
    it_frac (it_add (&b, "appointments-face-to-face", "syn-p02", "2024-02"), 300, 400);
    it_frac (it_add (&b, "htn-treated-to-target", "syn-p03", "2023/24"), 51, 75);
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->accepted, 2);
        CHECK_INT (r->new_count, 2);
        CHECK_INT (r->batch_id, s_batch_id ("gp-practices", "fmt-pb"));
        s_obs_text (r->batch_id, "org_unit || '/' || period || '=' || numerator || '/' || denominator || '/' || (value is null)",
                    text, sizeof text);
        CHECK_STR (text, "syn-p02/2024-02=300/400/true,syn-p03/FY2023-24=51/75/true");
        CHECK (it_text (db, "select format from batches where batch_key = $1", "fmt-pb", NULL, text, sizeof text) == 0);
        CHECK_STR (text, "protobuf");
    }
    msg_clear (&reply);
    it_batch_free (&b);
    CHECK_INT (s_count ("select count(*) from observations"), 7);
}

//  2. The same batch again is a replay; 3. the key with other content is refused.
static void
s_test_replay (void)
{
    msg_t reply;
    long long nobs = s_count ("select count(*) from observations");
    long long nbatches = s_count ("select count(*) from batches");
    long long id = s_batch_id ("gp-practices", "fmt-pb");
    CHECK (id > 0);

    it_batch_t b;
    it_batch_init (&b, "gp-practices", "fmt-pb", 4);
    it_frac (it_add (&b, "appointments-face-to-face", "syn-p02", "2024-02"), 300, 400);
    it_frac (it_add (&b, "htn-treated-to-target", "syn-p03", "2023/24"), 51, 75);
    for (int i = 0; i < 2; i++) {
        Carewatch__V1__BatchReceipt *r = it_call (sock, &b.b.base, &reply);
        CHECK (r);
        if (r) {
            CHECK (r->replayed);
            CHECK_STR (r->status, "replayed");
            CHECK_INT (r->batch_id, id);
            CHECK_INT (r->accepted, 2);
            CHECK_INT (r->new_count, 2);
        }
        msg_clear (&reply);
    }
    //  A JSON feed replays too.
    const char *json =
        "{\"batch_key\": \"fmt-json\", \"observations\": ["
        " {\"data_element\": \"pi-2133\", \"org_unit\": \"dudley\", \"period\": \"2023/24 Q2\", \"value\": 41.5},"
        " {\"data_element\": \"pi-2133\", \"org_unit\": \"dudley\", \"period\": \"Q3 2023/24\", \"value\": 42,"
        "  \"status\": \"provisional\", \"note\": \"awaiting audit\"}]}";
    Carewatch__V1__BatchReceipt *r = it_feed (sock, "dmbc-corp", "json", json, NULL, false, &reply);
    CHECK (r && r->replayed);
    if (r) {
        CHECK_STR (r->status, "replayed");
        CHECK_INT (r->batch_id, s_batch_id ("dmbc-corp", "fmt-json"));
    }
    msg_clear (&reply);
    CHECK_INT (s_count ("select count(*) from observations"), nobs);
    CHECK_INT (s_count ("select count(*) from batches"), nbatches);

    //  Same key, different content.
    b.obs [1].numerator = 52;
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "refused");
        CHECK (!r->replayed);
        CHECK_INT (r->batch_id, 0);
        CHECK_INT (r->n_errors, 1);
        if (r->n_errors == 1) {
            CHECK_STR (r->errors [0]->code, "batch_key_reused");
            CHECK_INT (r->errors [0]->row, 0);
        }
    }
    msg_clear (&reply);
    CHECK_INT (s_count ("select count(*) from observations"), nobs);
    CHECK_INT (s_count ("select count(*) from batches"), nbatches);
    CHECK_INT (s_count ("select numerator from observations where org_unit = 'syn-p03' and current"), 51);
    it_batch_free (&b);
}

static Carewatch__V1__BatchReceipt *
s_send_one (const char *key, double value, msg_t *reply)
{
    it_batch_t b;
    it_batch_init (&b, "dmbc-corp", key, 1);
    it_value (it_add (&b, "pi-2133", "dudley", "FY2022-23Q1"), value);
    Carewatch__V1__BatchReceipt *r = it_call (sock, &b.b.base, reply);
    it_batch_free (&b);
    return r;
}

//  4. A new value supersedes the old one, which stays as history.
static void
s_test_supersede (void)
{
    msg_t reply;
    char text [512];
    const char *key_rows = "select count(*) from observations where data_element = 'pi-2133'"
                           " and org_unit = 'dudley' and period = 'FY2022-23Q1'";
    Carewatch__V1__BatchReceipt *r = s_send_one ("sup-a", 50, &reply);
    CHECK (r && r->new_count == 1 && r->revised_count == 0);
    msg_clear (&reply);
    r = s_send_one ("sup-b", 55, &reply);
    long long id_b = r ? r->batch_id : -1;
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->revised_count, 1);
        CHECK_INT (r->new_count, 0);
        CHECK_INT (r->unchanged_count, 0);
        CHECK_INT (r->accepted, 1);
    }
    msg_clear (&reply);
    CHECK_INT (s_count (key_rows), 2);
    CHECK (it_text (db, "select string_agg (b.batch_key || '=' || o.value || ':' || o.current, ',' order by o.id)"
                        " from observations o join batches b on b.id = o.batch_id"
                        " where o.data_element = 'pi-2133' and o.org_unit = 'dudley' and o.period = 'FY2022-23Q1'",
                    NULL, NULL, text, sizeof text) == 0);
    CHECK_STR (text, "sup-a=50:false,sup-b=55:true");

    r = s_send_one ("sup-c", 55, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK (!r->replayed);
        CHECK_INT (r->unchanged_count, 1);
        CHECK_INT (r->revised_count + r->new_count, 0);
        CHECK_INT (r->accepted, 1);
        CHECK (r->batch_id > id_b);
    }
    msg_clear (&reply);
    CHECK_INT (s_count (key_rows), 2);
    CHECK_INT (s_count ("select o.batch_id from observations o where o.current and data_element = 'pi-2133'"
                        " and org_unit = 'dudley' and period = 'FY2022-23Q1'"), id_b);
    CHECK_INT (s_count ("select unchanged_count from batches where batch_key = 'sup-c'"), 1);
}

//  5. Partial batches keep the good rows; atomic ones keep nothing.
static void
s_test_partial_atomic (void)
{
    msg_t reply;
    const char *json =
        "{\"batch_key\": \"part-1\", \"observations\": ["
        " {\"data_element\": \"pi-2133\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q1\", \"value\": 60},"
        " {\"data_element\": \"pi-2133\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q2\", \"value\": -3},"
        " {\"data_element\": \"pi-2132\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q1\", \"value\": 70}]}";
    Carewatch__V1__BatchReceipt *r = it_feed (sock, "dmbc-corp", "json", json, NULL, false, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->accepted, 2);
        CHECK_INT (r->rejected, 1);
        CHECK_INT (r->new_count, 2);
        CHECK_INT (r->n_errors, 1);
        if (r->n_errors == 1) {
            CHECK_INT (r->errors [0]->row, 2);
            CHECK_STR (r->errors [0]->field, "value");
            CHECK_STR (r->errors [0]->code, "negative_number");
        }
        char text [256];
        s_obs_text (r->batch_id, "data_element || '/' || period || '=' || value", text, sizeof text);
        CHECK_STR (text, "pi-2133/FY2021-22Q1=60,pi-2132/FY2021-22Q1=70");
        CHECK_INT (s_count ("select rejected from batches where batch_key = 'part-1'"), 1);
    }
    msg_clear (&reply);

    long long nobs = s_count ("select count(*) from observations");
    it_batch_t b;
    it_batch_init (&b, "dmbc-corp", "atomic-1", 3);
    b.b.atomic = 1;
    it_value (it_add (&b, "pi-2133", "dudley", "FY2020-21Q1"), 10);
    it_value (it_add (&b, "pi-2133", "dudley", "FY2020-21Q2"), 11);
    it_value (it_add (&b, "pi-2133", "dudley", "2020-07"), 12);    //  a month, not a quarter
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "rejected");
        CHECK_INT (r->batch_id, 0);
        CHECK_INT (r->accepted, 0);
        CHECK_INT (r->rejected, 3);
        CHECK_INT (r->n_errors, 1);
        if (r->n_errors == 1) {
            CHECK_INT (r->errors [0]->row, 3);
            CHECK_STR (r->errors [0]->field, "period");
            CHECK_STR (r->errors [0]->code, "period_frequency");
        }
    }
    msg_clear (&reply);
    CHECK_INT (s_count ("select count(*) from batches where batch_key = 'atomic-1'"), 0);
    CHECK_INT (s_count ("select count(*) from observations"), nobs);
    //  The key was not used up: the corrected batch goes in under it.
    snprintf (b.text [2][2], 64, "FY2020-21Q3");
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->accepted, 3);
        CHECK_INT (r->rejected, 0);
    }
    msg_clear (&reply);
    CHECK_INT (s_count ("select count(*) from observations"), nobs + 3);
    it_batch_free (&b);
}

//  6. Two partners push at once, each on its own socket.
typedef struct {
    const char *partner;
    int committed;          //  receipts as expected
} pusher_t;

#define PUSH_BATCHES 20

static void *
s_pusher (void *arg)
{
    pusher_t *self = arg;
    bool gp = strcmp (self->partner, "gp-practices") == 0;
    zsock_t *s = it_dealer (h.intake, RCV_MS);
    for (int i = 0; i < PUSH_BATCHES; i++) {
        char key [64], period [32], org [16];
        snprintf (key, sizeof key, "conc-%s-%02d", self->partner, i);
        it_batch_t b;
        it_batch_init (&b, self->partner, key, 4);
        int y = 2000 + i;
        for (int j = 0; j < 4; j++) {
            if (gp) {
                snprintf (org, sizeof org, "syn-p0%d", j + 1);
                snprintf (period, sizeof period, "FY%d-%02d", y, (y + 1) % 100);
                it_frac (it_add (&b, "htn-treated-to-target", org, period), 10 + j, 20);
            }
            else {
                snprintf (period, sizeof period, "FY%d-%02dQ%d", y, (y + 1) % 100, j + 1);
                it_value (it_add (&b, "pi-2134", "dudley", period), 50 + j);
            }
        }
        msg_t reply;
        Carewatch__V1__BatchReceipt *r = it_call (s, &b.b.base, &reply);
        if (r && strcmp (r->status, "committed") == 0 && r->accepted == 4 && r->new_count == 4
        &&  r->batch_id > 0 && strcmp (r->batch_key, key) == 0)
            self->committed++;
        else
            fprintf (stderr, "pusher %s: batch %s: %s\n", self->partner, key, r ? r->status : "no receipt");
        msg_clear (&reply);
        it_batch_free (&b);
    }
    zsock_destroy (&s);
    return NULL;
}

static void
s_test_concurrent (void)
{
    pusher_t p [2] = { { "dmbc-corp", 0 }, { "gp-practices", 0 } };
    pthread_t t [2];
    long long t0 = harness_now_ms ();
    for (int i = 0; i < 2; i++)
        CHECK_INT (pthread_create (&t [i], NULL, s_pusher, &p [i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join (t [i], NULL);
    fprintf (stderr, "it_intake: 2 x %d concurrent batches in %lld ms\n", PUSH_BATCHES, harness_now_ms () - t0);
    CHECK_INT (p [0].committed, PUSH_BATCHES);
    CHECK_INT (p [1].committed, PUSH_BATCHES);
    CHECK_INT (s_count ("select count(*) from batches where batch_key like 'conc-dmbc-corp-%'"
                        " and partner = 'dmbc-corp' and accepted = 4"), PUSH_BATCHES);
    CHECK_INT (s_count ("select count(*) from batches where batch_key like 'conc-gp-practices-%'"
                        " and partner = 'gp-practices' and accepted = 4"), PUSH_BATCHES);
    CHECK_INT (s_count ("select count(*) from observations o join batches b on b.id = o.batch_id"
                        " where b.batch_key like 'conc-dmbc-corp-%' and o.data_element = 'pi-2134' and o.current"),
               4 * PUSH_BATCHES);
    CHECK_INT (s_count ("select count(*) from observations o join batches b on b.id = o.batch_id"
                        " where b.batch_key like 'conc-gp-practices-%' and o.data_element = 'htn-treated-to-target'"
                        " and o.current"), 4 * PUSH_BATCHES);
    CHECK_INT (s_count ("select count(distinct commit_seq) from batches where batch_key like 'conc-%'"),
               2 * PUSH_BATCHES);
}

//  7. A partner may not write another partner's data elements or org units.
static void
s_test_not_permitted (void)
{
    msg_t reply;
    it_batch_t b;
    it_batch_init (&b, "dmbc-corp", "perm-1", 3);
    it_frac (it_add (&b, "htn-treated-to-target", "syn-p01", "FY2019-20"), 80, 100);  //  gp's element
    it_value (it_add (&b, "pi-2133", "ward-amblecote", "FY2019-20Q1"), 10);         //  out of scope
    it_value (it_add (&b, "pi-2133", "dudley", "FY2019-20Q1"), 10);
    Carewatch__V1__BatchReceipt *r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->accepted, 1);
        CHECK_INT (r->rejected, 2);
        CHECK_INT (r->n_errors, 2);
        for (size_t i = 0; i < r->n_errors && i < 2; i++) {
            CHECK_INT (r->errors [i]->row, i + 1);
            CHECK_STR (r->errors [i]->code, "not_permitted");
        }
        char text [256];
        s_obs_text (r->batch_id, "data_element || '/' || org_unit", text, sizeof text);
        CHECK_STR (text, "pi-2133/dudley");
    }
    msg_clear (&reply);
    it_batch_free (&b);

    //  gp-practices' own element, but at a ward (outside its levels).
    it_batch_init (&b, "gp-practices", "perm-2", 2);
    it_frac (it_add (&b, "appointments-face-to-face", "ward-amblecote", "2019-05"), 1, 2);
    it_frac (it_add (&b, "appointments-face-to-face", "dudley", "2019-05"), 1, 2);
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_INT (r->accepted, 1);
        CHECK_INT (r->rejected, 1);
        CHECK (r->n_errors == 1 && r->errors [0]->row == 1);
        if (r->n_errors == 1)
            CHECK_STR (r->errors [0]->code, "not_permitted");
    }
    msg_clear (&reply);
    it_batch_free (&b);
    CHECK_INT (s_count ("select count(*) from observations where org_unit = 'ward-amblecote'"), 0);
}

//  Runs carewatch push; returns its exit status and its output in out.
static int
s_push (const char *file, const char *key, char *out, size_t len)
{
    char bin [512], log [256];
    harness_bin ("carewatch", bin, sizeof bin);
    snprintf (log, sizeof log, "logs/it_intake-%d-push.out", (int) getpid ());
    int rc = harness_sh ("'%s' push '%s' --partner dmbc-corp --batch-key %s --endpoint %s --timeout %d > '%s' 2>&1",
                         bin, file, key, h.intake, RCV_MS, log);
    out [0] = '\0';
    FILE *f = fopen (log, "r");
    if (f) {
        size_t n = fread (out, 1, len - 1, f);
        out [n] = '\0';
        fclose (f);
    }
    unlink (log);
    return rc;
}

static void
s_write (const char *path, const char *text)
{
    FILE *f = fopen (path, "w");
    CHECK (f);
    if (f) {
        fputs (text, f);
        fclose (f);
    }
}

//  10. carewatch push on a CSV file.
static void
s_test_cli (void)
{
    char clean [256], bad [256], out [4096];
    snprintf (clean, sizeof clean, "logs/it_intake-%d-clean.csv", (int) getpid ());
    snprintf (bad, sizeof bad, "logs/it_intake-%d-bad.csv", (int) getpid ());
    s_write (clean, "data_element,org_unit,period,value\n"
                    "pi-501,dudley,2019/20 Q1,12.5\n"
                    "pi-501,dudley,2019/20 Q2,13\n");
    s_write (bad, "data_element,org_unit,period,value\n"
                  "pi-501,dudley,2019/20 Q3,14\n"
                  "pi-501,dudley,2019/20 Q4,-1\n");
    CHECK_INT (s_push (clean, "cli-clean", out, sizeof out), 0);
    CHECK_CONTAINS (out, "batch cli-clean: committed");
    CHECK_CONTAINS (out, "accepted 2 (new 2, revised 0, unchanged 0), rejected 0");
    CHECK_INT (s_count ("select count(*) from observations o join batches b on b.id = o.batch_id"
                        " where b.batch_key = 'cli-clean' and b.format = 'csv' and o.period like 'FY2019-20Q_'"), 2);
    //  Again: a replay, still a success.
    CHECK_INT (s_push (clean, "cli-clean", out, sizeof out), 0);
    CHECK_CONTAINS (out, "replayed");

    int rc = s_push (bad, "cli-bad", out, sizeof out);
    CHECK (rc != 0 && rc != -1);
    CHECK_CONTAINS (out, "accepted 1");
    CHECK_CONTAINS (out, "rejected 1");
    CHECK_CONTAINS (out, "error   row 2, value:");
    CHECK_CONTAINS (out, "(negative_number)");
    CHECK_INT (s_count ("select count(*) from observations o join batches b on b.id = o.batch_id"
                        " where b.batch_key = 'cli-bad' and o.period = 'FY2019-20Q3'"), 1);
    unlink (clean);
    unlink (bad);
}

//  9. Over CAREWATCH_MAX_BATCH_ROWS (the service restarted with 1000).
static void
s_test_oversized (void)
{
    msg_t reply;
    char org [25][64];
    int norgs = 0;
    //  dmbc-asc reports monthly counts for Dudley and its wards.
    PGresult *res;
    char err [256];
    res = db_exec (db, "select code from org_units where code = 'dudley' or (level = 'ward' and parent = 'dudley')"
                       " order by code limit 25", 0, NULL, DB_TUPLES, err, sizeof err);
    CHECK (res);
    for (int i = 0; res && i < PQntuples (res); i++)
        snprintf (org [norgs++], 64, "%s", PQgetvalue (res, i, 0));
    PQclear (res);
    CHECK (norgs >= 10);
    if (norgs < 10)
        return;

    it_batch_t b;
    it_batch_init (&b, "dmbc-asc", "limit-ok", 1001);
    for (int i = 0; i < 1001; i++) {
        char period [16];
        snprintf (period, sizeof period, "%d-%02d", 1950 + (i / norgs) / 12, 1 + (i / norgs) % 12);
        it_value (it_add (&b, "asc-as01a-safeguarding-concerns", org [i % norgs], period), i % 50);
    }
    b.b.n_observations = 1000;          //  at the limit: fine
    Carewatch__V1__BatchReceipt *r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "committed");
        CHECK_INT (r->accepted, 1000);
        CHECK_INT (r->new_count, 1000);
    }
    msg_clear (&reply);
    CHECK_INT (s_count ("select count(*) from observations o join batches b on b.id = o.batch_id"
                        " where b.batch_key = 'limit-ok'"), 1000);

    snprintf (b.key, sizeof b.key, "limit-over");
    b.b.n_observations = 1001;
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "refused");
        CHECK_INT (r->batch_id, 0);
        CHECK (r->n_errors == 1);
        if (r->n_errors == 1) {
            CHECK_STR (r->errors [0]->code, "batch_too_large");
            CHECK_CONTAINS (r->errors [0]->message, "1001");
        }
    }
    msg_clear (&reply);
    CHECK_INT (s_count ("select count(*) from batches where batch_key = 'limit-over'"), 0);

    //  The same as a JSON feed.
    size_t cap = 1001 * 256 + 100, n = 0;
    char *json = malloc (cap);
    n += (size_t) snprintf (json + n, cap - n, "{\"batch_key\": \"limit-over-json\", \"observations\": [");
    for (size_t i = 0; i < 1001; i++)
        n += (size_t) snprintf (json + n, cap - n, "%s{\"data_element\": \"%s\", \"org_unit\": \"%s\", "
                                "\"period\": \"%s\", \"value\": 1}", i ? "," : "", b.text [i][0],
                                b.text [i][1], b.text [i][2]);
    snprintf (json + n, cap - n, "]}");
    r = it_feed (sock, "dmbc-asc", "json", json, NULL, false, &reply);
    CHECK (r);
    if (r) {
        CHECK_STR (r->status, "refused");
        CHECK (r->n_errors == 1);
        if (r->n_errors == 1)
            CHECK_STR (r->errors [0]->code, "batch_too_large");
    }
    msg_clear (&reply);
    free (json);
    it_batch_free (&b);
    CHECK_INT (s_count ("select count(*) from batches where batch_key like 'limit-over%'"), 0);
    CHECK_INT (harness_ping (h.intake, 5000, NULL, NULL, 0), 0);
}

//  8. A value far from its series' recent history is flagged even when the
//  older history was noisy: the check looks at the last 36 earlier points
//  (bounded work per row however long the series), not at all of them,
//  which would have hidden this jump in the old noise.
static void
s_test_jump_window (void)
{
    it_batch_t b;
    it_batch_init (&b, "gp-practices", "jump-history", 46);
    for (int m = 0; m < 46; m++) {
        char period [16];
        snprintf (period, sizeof period, "%04d-%02d", 2019 + (m + 3) / 12, (m + 3) % 12 + 1);
        double n = m < 10 ? (m % 2 ? 100 : 0) : 49 + m % 3;
        it_frac (it_add (&b, "appointments-face-to-face", "syn-p05", period), n, 100);
    }
    msg_t reply;
    Carewatch__V1__BatchReceipt *r = it_call (sock, &b.b.base, &reply);
    CHECK (r && r->accepted == 46);
    msg_clear (&reply);
    it_batch_free (&b);

    it_batch_init (&b, "gp-practices", "jump-new", 1);
    it_frac (it_add (&b, "appointments-face-to-face", "syn-p05", "2023-02"), 60, 100);
    r = it_call (sock, &b.b.base, &reply);
    CHECK (r && r->accepted == 1);
    int jumps = 0;
    for (size_t i = 0; r && i < r->n_warnings; i++)
        if (strcmp (r->warnings [i]->code, "value_jump") == 0) {
            jumps++;
            CHECK_INT (r->warnings [i]->row, 1);
            CHECK (strstr (r->warnings [i]->message, "(mean 0.5") != NULL);
        }
    CHECK_INT (jumps, 1);
    msg_clear (&reply);
    it_batch_free (&b);
}

int
main (void)
{
    long long t0 = harness_now_ms ();
    if (harness_init (&h, "intake"))
        return 1;
    CHECK (harness_start (&h, "intake") > 0);
    bool db_ok = false;
    CHECK_INT (harness_ping (h.intake, 30000, &db_ok, NULL, 0), 0);
    CHECK (db_ok);
    db = db_new (h.db_url, "it_intake", 30000);
    char err [256];
    CHECK_INT (db_connect (db, 10000, err, sizeof err), 0);
    sock = it_dealer (h.intake, RCV_MS);

    s_test_formats ();
    s_test_replay ();
    s_test_supersede ();
    s_test_partial_atomic ();
    s_test_concurrent ();
    s_test_not_permitted ();
    s_test_cli ();
    s_test_jump_window ();
    //  No batch row is ever left without its rows.
    CHECK_INT (s_count ("select count(*) from batches b where accepted > unchanged_count and not exists"
                        " (select 1 from observations o where o.batch_id = b.id)"), 0);

    //  Restart with a small batch limit.
    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    setenv ("CAREWATCH_MAX_BATCH_ROWS", "1000", 1);
    CHECK (harness_start (&h, "intake") > 0);
    CHECK_INT (harness_ping (h.intake, 30000, NULL, NULL, 0), 0);
    s_test_oversized ();

    CHECK_INT (harness_stop (&h, "intake", SIGTERM, 10000), 0);
    harness_cleanup (&h);
    zsock_destroy (&sock);
    db_destroy (&db);
    fprintf (stderr, "it_intake: %lld ms\n", harness_now_ms () - t0);
    return check_done ("it_intake");
}
