/*  Gateway errors and security over real HTTP: every error status as
    problem+json (400, 401 with WWW-Authenticate, 403 at each role
    boundary, 404, 409, 413, 415, 422), subscribers kept apart, SQL
    injection strings stored and returned verbatim, API keys stored only
    as SHA-256, webhook secrets never returned, and half-open clients
    that do not hold others up.  */
#include "gateway_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <sys/socket.h>

#define S_NOTE "'); drop table observations; -- \"quoted\" \\back\\slash O'Brien"
#define S_REASON "it's \"fine\" \\ '); drop table silences; --"
#define S_ADMIN_SUB "x'); delete from api_keys; -- \\\"y\""
#define S_SECRET "never-show-this-secret-0123456789"

static const char *
s_str (json_t *doc, const char *key)
{
    return json_string_value (json_object_get (doc, key)) ?: "(none)";
}

//  POSTs a JSON batch and returns its id (0 when it failed).
static long long
s_post_batch (const char *key, const char *body, long want)
{
    gw_resp_t r = gw_post ("/v1/batches", key, "application/json", body);
    CHECK_INT (r.status, want);
    json_t *j = gw_json (&r);
    long long id = json_integer_value (json_object_get (j, "batch_id"));
    json_decref (j);
    gw_free (&r);
    return id;
}

// ---------------------------------------------------------------------

static void
s_unauthorized (gw_keys_t *k)
{
    char wrong [APIKEY_LEN + 1];
    snprintf (wrong, sizeof wrong, "cw_%s", k->reader + 3);
    wrong [10] = wrong [10] == 'A' ? 'B' : 'A';     //  one character off
    struct { const char *header; } cases [] = {
        { NULL },
        { "Authorization: Bearer nonsense" },
        { "Authorization: Basic dXNlcjpwYXNz" },
        { "Authorization: Bearer " },
    };
    const char *paths [] = { "/v1/indicators", "/metrics", "/v1/subscriptions", "/v1/scorecards/FY2022-23Q2" };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++)
        for (size_t p = 0; p < 4; p++) {
            const char *hdr [] = { cases [i].header, NULL };
            gw_resp_t r = gw_send ("GET", paths [p], NULL, NULL, NULL, 0, cases [i].header ? hdr : NULL);
            GW_CHECK_PROBLEM (r, 401);
            CHECK_CONTAINS (r.www_auth, "Bearer");
            gw_free (&r);
        }
    //  A wrong key, a revoked key, a valid key with a character changed.
    const char *bad [] = { wrong, k->revoked, "cw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    for (int i = 0; i < 3; i++) {
        gw_resp_t r = gw_get ("/v1/indicators", bad [i]);
        GW_CHECK_PROBLEM (r, 401);
        CHECK_CONTAINS (r.www_auth, "Bearer");
        CHECK_CONTAINS (r.body, "not valid or has been revoked");
        gw_free (&r);
    }
    //  No batch goes in without a key.
    char *seed = gw_seed_batch ("no-key", "x");
    gw_resp_t r = gw_post ("/v1/batches", NULL, "application/json", seed);
    GW_CHECK_PROBLEM (r, 401);
    CHECK_CONTAINS (r.www_auth, "Bearer");
    gw_free (&r);
    r = gw_post ("/v1/batches", k->revoked, "application/json", seed);
    GW_CHECK_PROBLEM (r, 401);
    gw_free (&r);
    free (seed);
    //  A 403 carries no challenge; neither does a 200.
    r = gw_get ("/metrics", k->dmbc);
    GW_CHECK_PROBLEM (r, 403);
    CHECK_STR (r.www_auth, "");
    gw_free (&r);
    //  A forged signed link is refused.
    GW_EXPECT (401, "GET", "/v1/scorecards/FY2022-23Q2?format=html&expires=9999999999&sig="
               "0000000000000000000000000000000000000000000000000000000000000000", NULL);
}

//  Each role boundary of the route table.
static void
s_forbidden (gw_keys_t *k, long long batch_id)
{
    char batch [64];
    snprintf (batch, sizeof batch, "/v1/batches/%lld", batch_id);
    const char *before = harness_query (gw_db, "select count(*) from batches");
    char nbatches [32];
    snprintf (nbatches, sizeof nbatches, "%s", before);
    //  Only partners send batches.
    char *seed = gw_seed_batch ("forbidden", "x");
    const char *not_partners [] = { k->reader, k->admin, k->sub_a };
    for (int i = 0; i < 3; i++) {
        gw_resp_t r = gw_post ("/v1/batches", not_partners [i], "application/json", seed);
        GW_CHECK_PROBLEM (r, 403);
        CHECK_CONTAINS (r.body, "may not POST /v1/batches");
        gw_free (&r);
    }
    free (seed);
    CHECK_STR (harness_query (gw_db, "select count(*) from batches"), nbatches);
    //  Partners read no reports, metrics, alerts or subscriptions.
    const char *partner_no [] = { "/v1/scorecards/FY2022-23Q2", "/metrics", "/v1/indicators",
                                  "/v1/indicators/pi-2257/values", "/v1/progress", "/v1/exceptions/FY2022-23Q2",
                                  "/v1/alerts", "/v1/subscriptions", "/v1/indicators/pi-2257/report" };
    for (size_t i = 0; i < sizeof partner_no / sizeof partner_no [0]; i++) {
        GW_EXPECT (403, "GET", partner_no [i], k->dmbc);
        GW_EXPECT (403, "GET", partner_no [i], k->gp);
    }
    //  Subscribers do not see batches or metrics.
    GW_EXPECT (403, "GET", batch, k->sub_a);
    GW_EXPECT (403, "GET", "/metrics", k->sub_b);
    //  Readers only read: no subscriptions, silences or deletes.
    gw_resp_t r = gw_post_json ("/v1/subscriptions", k->reader, json_pack ("{s:s}", "channel", "zmq"));
    GW_CHECK_PROBLEM (r, 403);
    gw_free (&r);
    GW_EXPECT (403, "GET", "/v1/subscriptions", k->reader);
    r = gw_post_json ("/v1/silences", k->reader, json_pack ("{s:s, s:s, s:s}", "matcher", "off_target/*",
                      "until", "2099-01-01T00:00:00Z", "reason", "r"));
    GW_CHECK_PROBLEM (r, 403);
    gw_free (&r);
    GW_EXPECT (403, "DELETE", "/v1/subscriptions/1", k->reader);
    r = gw_post_json ("/v1/silences", k->dmbc, json_pack ("{s:s, s:s, s:s}", "matcher", "off_target/*",
                      "until", "2099-01-01T00:00:00Z", "reason", "r"));
    GW_CHECK_PROBLEM (r, 403);
    gw_free (&r);
    CHECK_STR (harness_query (gw_db, "select count(*) from silences"), "0");
    CHECK_STR (harness_query (gw_db, "select count(*) from subscriptions"), "0");
}

//  Two subscribers: neither sees nor deletes the other's subscription.
static void
s_subscribers (gw_keys_t *k)
{
    gw_resp_t r = gw_post_json ("/v1/subscriptions", k->sub_a, json_pack ("{s:s, s:s, s:{s:[s]}}",
                                "url", "http://127.0.0.1:9/alice", "secret", S_SECRET, "filter", "indicators", "pi-2257"));
    CHECK_INT (r.status, 201);
    //  The secret is not echoed.
    CHECK (!strstr (r.body, S_SECRET));
    CHECK (!strstr (r.body, "\"secret\""));
    json_t *j = gw_json (&r);
    long long alice = json_integer_value (json_object_get (j, "id"));
    CHECK_STR (s_str (j, "subscriber"), "sub-alice");
    json_decref (j);
    gw_free (&r);

    //  Bob's name holds quotes, backslashes and SQL; it comes back as is.
    r = gw_post_json ("/v1/subscriptions", k->sub_b, json_pack ("{s:s, s:s}", "channel", "zmq",
                      "subscriber", "sub-alice"));      //  a subscriber cannot speak for another
    CHECK_INT (r.status, 201);
    j = gw_json (&r);
    long long bob = json_integer_value (json_object_get (j, "id"));
    CHECK_STR (s_str (j, "subscriber"), GW_SUB_B);
    json_decref (j);
    gw_free (&r);

    r = gw_get ("/v1/subscriptions", k->sub_b);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    CHECK_INT (json_array_size (j), 1);
    CHECK_INT (json_integer_value (json_object_get (json_array_get (j, 0), "id")), bob);
    CHECK_STR (s_str (json_array_get (j, 0), "subscriber"), GW_SUB_B);
    json_decref (j);
    gw_free (&r);
    r = gw_get ("/v1/subscriptions", k->sub_a);
    j = gw_json (&r);
    CHECK_INT (json_array_size (j), 1);
    CHECK_INT (json_integer_value (json_object_get (json_array_get (j, 0), "id")), alice);
    CHECK (!strstr (r.body, S_SECRET));
    json_decref (j);
    gw_free (&r);

    //  Bob cannot delete Alice's: 404, and hers stays active.
    char path [64];
    snprintf (path, sizeof path, "/v1/subscriptions/%lld", alice);
    GW_EXPECT (404, "DELETE", path, k->sub_b);
    char sql [128];
    snprintf (sql, sizeof sql, "select active from subscriptions where id = %lld", alice);
    CHECK_STR (harness_query (gw_db, sql), "t");

    //  An admin names the subscriber; SQL in the name is just text.
    r = gw_post_json ("/v1/subscriptions", k->admin, json_pack ("{s:s, s:s, s:s, s:s}", "subscriber", S_ADMIN_SUB,
                      "channel", "webhook", "url", "https://example.invalid/hook?a='1'", "secret", S_SECRET));
    CHECK_INT (r.status, 201);
    CHECK (!strstr (r.body, S_SECRET));
    j = gw_json (&r);
    CHECK_STR (s_str (j, "subscriber"), S_ADMIN_SUB);
    CHECK_STR (s_str (j, "url"), "https://example.invalid/hook?a='1'");
    json_decref (j);
    gw_free (&r);
    r = gw_get ("/v1/subscriptions", k->admin);
    CHECK_INT (r.status, 200);
    CHECK (!strstr (r.body, S_SECRET));
    CHECK (!strstr (r.body, "\"secret\""));
    j = gw_json (&r);
    CHECK_INT (json_array_size (j), 3);
    bool found = false;
    size_t i;
    json_t *e;
    json_array_foreach (j, i, e)
        found = found || strcmp (s_str (e, "subscriber"), S_ADMIN_SUB) == 0;
    CHECK (found);
    json_decref (j);
    gw_free (&r);
    //  The secrets are stored (the alert service signs with them).
    CHECK_STR (harness_query (gw_db, "select count(*) from subscriptions where secret = '" S_SECRET "'"), "2");
}

//  Strings with SQL, quotes and backslashes in every text field we store
//  and return come back verbatim, and the tables are all still there.
static void
s_injection (gw_keys_t *k)
{
    //  The note, through intake and calc.
    gw_resp_t r = gw_get ("/v1/indicators/pi-2257/values?org_unit=dudley&from=FY2022-23Q2", k->reader);
    CHECK_INT (r.status, 200);
    json_t *j = gw_json (&r);
    CHECK_INT (json_array_size (j), 1);
    CHECK_STR (s_str (json_array_get (j, 0), "note"), S_NOTE);
    json_decref (j);
    gw_free (&r);
    //  The exception report carries it as commentary.
    r = gw_get ("/v1/exceptions/FY2022-23Q2", k->reader);
    CHECK_INT (r.status, 200);
    j = gw_json (&r);
    json_t *item = json_array_get (json_object_get (j, "items"), 0);
    CHECK_STR (s_str (item, "indicator"), "pi-2257");
    CHECK_STR (json_string_value (json_array_get (json_object_get (item, "commentary"), 0)), S_NOTE);
    json_decref (j);
    gw_free (&r);

    //  A silence's reason and matcher.
    r = gw_post_json ("/v1/silences", k->sub_b, json_pack ("{s:s, s:s, s:s}", "matcher", "off_target/pi-2257/'*",
                      "until", "2099-01-01T00:00:00Z", "reason", S_REASON));
    CHECK_INT (r.status, 201);
    j = gw_json (&r);
    CHECK_STR (s_str (j, "reason"), S_REASON);
    CHECK_STR (s_str (j, "matcher"), "off_target/pi-2257/'*");
    CHECK_STR (s_str (j, "created_by"), GW_SUB_B);
    json_decref (j);
    gw_free (&r);
    CHECK_STR (harness_query (gw_db, "select reason from silences order by id desc limit 1"), S_REASON);

    //  SQL in query strings and paths finds nothing and breaks nothing.
    r = gw_get ("/v1/indicators?owner=x%27%20or%20%271%27%3D%271", k->reader);
    CHECK_INT (r.status, 200);
    CHECK_STR (r.body, "[]");
    gw_free (&r);
    r = gw_get ("/v1/indicators/pi-2257/values?org_unit=dudley%27%20or%20%271%27%3D%271", k->reader);
    CHECK_INT (r.status, 200);
    CHECK_STR (r.body, "[]");
    gw_free (&r);
    r = gw_get ("/v1/indicators/pi-2257%27%3B%20drop%20table%20indicators%3B--/values", k->reader);
    GW_CHECK_PROBLEM (r, 404);
    gw_free (&r);
    r = gw_get ("/v1/scorecards/FY2022-23Q2?org_unit=dudley%27--", k->reader);
    GW_CHECK_PROBLEM (r, 404);
    gw_free (&r);

    const char *tables [] = { "observations", "subscriptions", "silences", "api_keys", "indicators", "batches" };
    for (int i = 0; i < 6; i++) {
        char sql [128];
        snprintf (sql, sizeof sql, "select to_regclass ('%s') is not null", tables [i]);
        CHECK_STR (harness_query (gw_db, sql), "t");
    }
    CHECK_STR (harness_query (gw_db, "select count(*) >= 3 from observations"), "t");
    CHECK_STR (harness_query (gw_db, "select count(*) from api_keys"), "7");
}

//  API keys are stored as SHA-256 only.
static void
s_key_storage (gw_keys_t *k)
{
    const char *keys [] = { k->admin, k->reader, k->sub_a, k->sub_b, k->dmbc, k->gp, k->revoked };
    for (int i = 0; i < 7; i++) {
        //  URL-safe base64 after "cw_": no quote can break the literal.
        CHECK_INT (strspn (keys [i] + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
        char sql [512], hash [65];
        snprintf (sql, sizeof sql, "select count(*) from api_keys a where a.key_hash = convert_to ('%s', 'UTF8')"
                  " or strpos (a::text, '%s') > 0 or strpos (encode (a.key_hash, 'escape'), '%s') > 0",
                  keys [i], keys [i], keys [i] + 3);
        CHECK_STR (harness_query (gw_db, sql), "0");
        //  What is there is the key's SHA-256 (32 bytes).
        unsigned char h [crypto_hash_sha256_BYTES];
        crypto_hash_sha256 (h, (const unsigned char *) keys [i], strlen (keys [i]));
        sodium_bin2hex (hash, sizeof hash, h, sizeof h);
        snprintf (sql, sizeof sql, "select count(*) from api_keys where key_hash = decode ('%s', 'hex')"
                  " and length (key_hash) = 32", hash);
        CHECK_STR (harness_query (gw_db, sql), "1");
    }
    CHECK_STR (harness_query (gw_db, "select bool_and (length (key_hash) = 32) from api_keys"), "t");
}

//  Bad input: 400 with a detail; 404s; 409; 413; 415; 422.
static void
s_bad_requests (gw_keys_t *k, long long gp_batch)
{
    //  400
    const char *bad [] = {
        "/v1/scorecards/garbage", "/v1/scorecards/FY2022-23Q5", "/v1/exceptions/not-a-period",
        "/v1/scorecards/FY2022-23Q2?format=pdf", "/v1/progress?format=xml",
        "/v1/indicators/pi-2257/report?format=docx", "/v1/indicators/pi-2257/values?from=garbage",
        "/v1/indicators/pi-2257/values?to=FY2022-23Q9", "/v1/alerts?state=bogus", "/v1/batches/abc",
        "/v1/batches/12345678901234567890",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++)
        GW_EXPECT (400, "GET", bad [i], k->admin);
    GW_EXPECT (400, "DELETE", "/v1/subscriptions/x1", k->admin);
    const char *bodies [] = { "{not json", "[1, 2]", "", "{\"a\": 1, \"a\": 2}" };
    for (int i = 0; i < 4; i++) {
        gw_resp_t r = gw_post ("/v1/silences", k->admin, "application/json", bodies [i]);
        GW_CHECK_PROBLEM (r, 400);
        gw_free (&r);
        r = gw_post ("/v1/subscriptions", k->sub_a, "application/json", bodies [i]);
        GW_CHECK_PROBLEM (r, 400);
        gw_free (&r);
    }
    struct { const char *path; json_t *doc; } invalid [] = {
        { "/v1/silences", json_pack ("{s:s, s:s, s:s}", "matcher", "off_target/*", "until", "next tuesday-ish", "reason", "r") },
        { "/v1/silences", json_pack ("{s:s, s:s}", "matcher", "off_target/*", "until", "2099-01-01T00:00:00Z") },
        { "/v1/subscriptions", json_pack ("{s:s, s:s}", "url", "http://127.0.0.1:9/x", "secret", "short") },
        { "/v1/subscriptions", json_pack ("{s:s, s:s, s:s}", "url", "ftp://x/", "secret", S_SECRET, "channel", "webhook") },
        { "/v1/subscriptions", json_pack ("{s:s}", "channel", "carrier-pigeon") },
        { "/v1/subscriptions", json_pack ("{s:s, s:{s:s}}", "channel", "zmq", "filter", "indicators", "pi-2257") },
    };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid [0]; i++) {
        gw_resp_t r = gw_post_json (invalid [i].path, k->sub_a, invalid [i].doc);
        GW_CHECK_PROBLEM (r, 400);
        gw_free (&r);
    }
    //  Batches: unreadable JSON, CSV without its key.
    gw_resp_t r = gw_post ("/v1/batches", k->dmbc, "application/json", "{\"batch_key\": \"x\", \"observations\": [");
    GW_CHECK_PROBLEM (r, 400);
    gw_free (&r);
    r = gw_post ("/v1/batches", k->dmbc, "text/csv", "data_element,org_unit,period,value\npi-2260,dudley,FY2022-23Q2,1\n");
    GW_CHECK_PROBLEM (r, 400);
    CHECK_CONTAINS (r.body, "X-Batch-Key");
    gw_free (&r);

    //  404
    gw_resp_t nr = gw_get ("/v1/nothing", k->admin);
    GW_CHECK_PROBLEM (nr, 404);
    CHECK_CONTAINS (nr.body, "\"detail\":\"no route GET /v1/nothing");
    gw_free (&nr);
    r = gw_send ("PUT", "/v1/batches", k->dmbc, NULL, NULL, 0, NULL);
    GW_CHECK_PROBLEM (r, 405);
    CHECK_CONTAINS (r.body, "use POST");
    gw_free (&r);
    GW_EXPECT (404, "GET", "/v1/indicators/pi-2257/values/extra", k->admin);
    GW_EXPECT (404, "GET", "/nothing", NULL);     //  ("/" sends a browser to the web pages)
    GW_EXPECT (404, "GET", "/v1/indicators/no-such-indicator", k->reader);
    GW_EXPECT (404, "GET", "/v1/indicators/no-such-indicator/values", k->reader);
    GW_EXPECT (404, "GET", "/v1/indicators/no-such-indicator/report", k->reader);
    GW_EXPECT (404, "GET", "/v1/scorecards/FY2022-23Q2?org_unit=atlantis", k->reader);
    GW_EXPECT (404, "GET", "/v1/batches/999999999", k->admin);
    GW_EXPECT (404, "DELETE", "/v1/subscriptions/999999999", k->admin);
    //  Another partner's batch is not there for dmbc-corp; gp-practices sees it.
    char path [64];
    snprintf (path, sizeof path, "/v1/batches/%lld", gp_batch);
    r = gw_get (path, k->dmbc);
    GW_CHECK_PROBLEM (r, 404);
    CHECK (!strstr (r.body, "gp-practices"));
    gw_free (&r);
    GW_EXPECT_STATUS (200, "GET", path, k->gp);

    //  409: the same batch key for different content.
    const char *obs = "{\"batch_key\": \"gw-409\", \"observations\": [{\"data_element\": \"pi-2260\","
                      " \"org_unit\": \"dudley\", \"period\": \"FY2022-23Q2\", \"value\": %s}]}";
    char a [256], b [256];
    snprintf (a, sizeof a, obs, "8.4");
    snprintf (b, sizeof b, obs, "9.9");
    CHECK (s_post_batch (k->dmbc, a, 200) > 0);
    r = gw_post ("/v1/batches", k->dmbc, "application/json", b);
    GW_CHECK_PROBLEM (r, 409);
    json_t *j = gw_json (&r);
    CHECK_STR (s_str (json_object_get (j, "receipt"), "status"), "refused");
    CHECK_STR (s_str (json_array_get (json_object_get (json_object_get (j, "receipt"), "errors"), 0), "code"),
               "batch_key_reused");
    json_decref (j);
    gw_free (&r);
    CHECK_STR (harness_query (gw_db, "select count(*) from observations where data_element = 'pi-2260' and value = 9.9"), "0");

    //  413: over 65536 bytes, announced or chunked; nothing reaches intake.
    char nb [32];
    snprintf (nb, sizeof nb, "%s", harness_query (gw_db, "select count(*) from batches"));
    size_t big = 70000;
    char *body = malloc (big + 1);
    int n = snprintf (body, big + 1, "{\"batch_key\": \"big\", \"observations\": [], \"pad\": \"");
    memset (body + n, 'x', big - (size_t) n - 2);
    memcpy (body + big - 2, "\"}", 3);
    r = gw_post ("/v1/batches", k->dmbc, "application/json", body);
    GW_CHECK_PROBLEM (r, 413);
    CHECK_CONTAINS (r.body, "65536");
    gw_free (&r);
    const char *chunked [] = { "Transfer-Encoding: chunked", NULL };
    r = gw_send ("POST", "/v1/batches", k->dmbc, "application/json", body, big, chunked);
    GW_CHECK_PROBLEM (r, 413);
    gw_free (&r);
    r = gw_send ("POST", "/v1/silences", k->admin, "application/json", body, big, NULL);
    GW_CHECK_PROBLEM (r, 413);
    gw_free (&r);
    free (body);
    CHECK_STR (harness_query (gw_db, "select count(*) from batches"), nb);
    //  Just under the limit is read (and refused by intake for its content).
    body = malloc (65536 + 1);
    n = snprintf (body, 65537, "{\"batch_key\": \"near\", \"observations\": [], \"pad\": \"");
    memset (body + n, 'x', 65536 - (size_t) n - 2);
    memcpy (body + 65536 - 2, "\"}", 3);
    r = gw_post ("/v1/batches", k->dmbc, "application/json", body);
    GW_CHECK_PROBLEM (r, 400);
    CHECK_CONTAINS (r.body, "pad");
    gw_free (&r);
    free (body);

    //  415
    const char *types [] = { "text/xml", "application/x-www-form-urlencoded", NULL };
    for (int i = 0; i < 3; i++) {
        r = gw_post ("/v1/batches", k->dmbc, types [i], "<batch/>");
        GW_CHECK_PROBLEM (r, 415);
        gw_free (&r);
    }

    //  422: an atomic batch with a bad row writes nothing.
    snprintf (nb, sizeof nb, "%s", harness_query (gw_db, "select count(*) from observations"));
    const char *atomic [] = { "X-Batch-Key: gw-atomic", "X-Batch-Atomic: true", NULL };
    const char *csv = "data_element,org_unit,period,value\npi-2260,dudley,FY2021-22Q2,6.8\n"
                      "pi-2260,atlantis,FY2021-22Q2,7.1\n";
    r = gw_send ("POST", "/v1/batches", k->dmbc, "text/csv", csv, strlen (csv), atomic);
    GW_CHECK_PROBLEM (r, 422);
    CHECK_CONTAINS (r.body, "nothing was written");
    j = gw_json (&r);
    json_t *receipt = json_object_get (j, "receipt");
    CHECK_STR (s_str (receipt, "status"), "rejected");
    CHECK_INT (json_integer_value (json_object_get (receipt, "accepted")), 0);
    CHECK_STR (s_str (json_array_get (json_object_get (receipt, "errors"), 0), "code"), "unknown_org_unit");
    CHECK_INT (json_integer_value (json_object_get (json_array_get (json_object_get (receipt, "errors"), 0), "row")), 2);
    json_decref (j);
    gw_free (&r);
    r = gw_post ("/v1/batches", k->dmbc, "application/json",
                 "{\"batch_key\": \"gw-atomic-json\", \"atomic\": true, \"observations\": ["
                 "{\"data_element\": \"pi-2260\", \"org_unit\": \"dudley\", \"period\": \"FY2021-22Q1\", \"value\": 6},"
                 "{\"data_element\": \"pi-2260\", \"org_unit\": \"dudley\", \"period\": \"2021-13\", \"value\": 6}]}");
    GW_CHECK_PROBLEM (r, 422);
    gw_free (&r);
    CHECK_STR (harness_query (gw_db, "select count(*) from observations"), nb);
}

//  Half-open clients do not hold up others; a finished one is answered.
static void
s_slow_clients (gw_keys_t *k)
{
    enum { N = 8 };
    int fds [N];
    for (int i = 0; i < N; i++) {
        fds [i] = socket (AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) gw_port) };
        a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
        CHECK_INT (connect (fds [i], (struct sockaddr *) &a, sizeof a), 0);
        const char *partial = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
        CHECK_INT (send (fds [i], partial, strlen (partial), 0), (long long) strlen (partial));
        struct timeval tv = { .tv_sec = 5 };
        setsockopt (fds [i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    for (int n = 0; n < 3; n++) {
        gw_resp_t r = gw_get ("/healthz", NULL);
        CHECK_INT (r.status, 200);
        CHECK (r.ms < 1000);
        gw_free (&r);
        r = gw_get ("/v1/indicators/pi-2257", k->reader);
        CHECK_INT (r.status, 200);
        CHECK (r.ms < 1000);
        gw_free (&r);
    }
    //  Nothing was answered on the half-open connections...
    char buf [512];
    CHECK_INT (recv (fds [0], buf, sizeof buf, MSG_DONTWAIT), -1);
    CHECK (errno == EAGAIN || errno == EWOULDBLOCK);
    //  ...which are still open: finishing one gets its answer.
    CHECK_INT (send (fds [0], "\r\n", 2, 0), 2);
    ssize_t got = recv (fds [0], buf, sizeof buf - 1, 0);
    CHECK (got > 12);
    buf [got > 0 ? got : 0] = '\0';
    CHECK (strncmp (buf, "HTTP/1.1 200", 12) == 0);
    for (int i = 0; i < N; i++)
        close (fds [i]);
}

int
main (void)
{
    harness_t h;
    gw_keys_t k;
    if (gw_setup (&h, "gateway_security", &k)) {
        harness_cleanup (&h);
        return 1;
    }
    char *seed = gw_seed_batch ("gw-seed", S_NOTE);
    long long dmbc_batch = s_post_batch (k.dmbc, seed, 200);
    free (seed);
    long long gp_batch = s_post_batch (k.gp, "{\"batch_key\": \"gp-1\", \"observations\": [{\"data_element\":"
        " \"htn-treated-to-target\", \"org_unit\": \"syn-p01\", \"period\": \"FY2024-25\", \"numerator\": 700,"
        " \"denominator\": 1000}]}", 200);
    CHECK (dmbc_batch > 0 && gp_batch > 0 && gp_batch != dmbc_batch);

    s_unauthorized (&k);
    s_forbidden (&k, dmbc_batch);
    s_slow_clients (&k);
    CHECK (gw_wait_values (k.reader, 3, 15000));
    s_subscribers (&k);
    s_injection (&k);
    s_key_storage (&k);
    s_bad_requests (&k, gp_batch);
    gw_teardown (&h);
    return check_done ("it_gateway_security");
}
