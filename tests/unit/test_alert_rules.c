/*  test_alert_rules: rule conditions, state changes, subscription filters,
    silences, retry backoff and the webhook signature.  */
#include "alert_rules.h"
#include "webhook.h"
#include "check.h"

static alert_series_t
s_series (const char *status, const char *kind)
{
    alert_series_t s = { status, kind, NULL, "not_compared", NULL, 0, 3 };
    return s;
}

static void
test_rule_names (void)
{
    const char *names [] = { "off_target", "outside_range", "deteriorating", "worse_than_england",
                             "data_missing", "batch_rejected_rows" };
    for (int i = 0; i < ALERT_RULE_COUNT; i++) {
        CHECK_STR (alert_rule_name ((alert_rule_t) i), names [i]);
        alert_rule_t r = ALERT_RULE_COUNT;
        CHECK_INT (alert_rule_parse (names [i], &r), 0);
        CHECK_INT (r, i);
    }
    CHECK (alert_rule_name (ALERT_RULE_COUNT) == NULL);
    CHECK (alert_rule_name ((alert_rule_t) -1) == NULL);
    alert_rule_t r = ALERT_RULE_OFF_TARGET;
    CHECK_INT (alert_rule_parse ("off-target", &r), -1);
    CHECK_INT (alert_rule_parse ("", &r), -1);
    CHECK_INT (alert_rule_parse (NULL, &r), -1);
    CHECK_INT (r, ALERT_RULE_OFF_TARGET);
}

static void
test_off_target_and_range (void)
{
    //  Off target is for thresholds; a range target has its own rule.
    const char *thresholds [] = { "min", "max", "zero", NULL };
    for (size_t i = 0; i < 4; i++) {
        alert_series_t s = s_series ("below_target", thresholds [i]);
        CHECK (alert_condition (ALERT_RULE_OFF_TARGET, &s));
        CHECK (!alert_condition (ALERT_RULE_OUTSIDE_RANGE, &s));
    }
    alert_series_t range = s_series ("below_target", "range");
    CHECK (!alert_condition (ALERT_RULE_OFF_TARGET, &range));
    CHECK (alert_condition (ALERT_RULE_OUTSIDE_RANGE, &range));

    const char *fine [] = { "on_target", "tolerance", "missing", "no_target", "" };
    for (size_t i = 0; i < 5; i++) {
        alert_series_t s = s_series (fine [i], "min");
        CHECK (!alert_condition (ALERT_RULE_OFF_TARGET, &s));
        s.target_kind = "range";
        CHECK (!alert_condition (ALERT_RULE_OUTSIDE_RANGE, &s));
    }
    alert_series_t none = s_series (NULL, NULL);
    CHECK (!alert_condition (ALERT_RULE_OFF_TARGET, &none));
    CHECK (!alert_condition (ALERT_RULE_OUTSIDE_RANGE, &none));
}

static void
test_deteriorating (void)
{
    //  By SPC: special cause of concern fires on its own.
    alert_series_t s = s_series ("on_target", "min");
    s.variation = "special_cause_concerning";
    CHECK (alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.variation = "special_cause_improving";
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.variation = "common_cause";
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.variation = NULL;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));

    //  By trends, latest first: N worsening in a row.
    const char *three [] = { "worsening", "worsening", "worsening", "improving" };
    s.short_trends = three;
    s.ntrends = 4;
    s.worsening_periods = 3;
    CHECK (alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.ntrends = 3;
    CHECK (alert_condition (ALERT_RULE_DETERIORATING, &s));
    //  N-1 is not enough, whether the history is short or broken.
    s.ntrends = 2;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    const char *broken [] = { "worsening", "worsening", "improving", "worsening" };
    s.short_trends = broken;
    s.ntrends = 4;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    //  The run must end at the latest period.
    const char *old [] = { "improving", "worsening", "worsening", "worsening" };
    s.short_trends = old;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    const char *flat [] = { "worsening", "no_change", "worsening" };
    s.short_trends = flat;
    s.ntrends = 3;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));

    //  N is a parameter; 0 means the default of 3.
    s.short_trends = three;
    s.ntrends = 3;
    s.worsening_periods = 4;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.ntrends = 4;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.worsening_periods = 2;
    s.ntrends = 2;
    CHECK (alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.ntrends = 1;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.worsening_periods = 0;
    s.ntrends = 3;
    CHECK (alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.ntrends = 2;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    s.ntrends = 0;
    s.short_trends = NULL;
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &s));
    //  Deteriorating says nothing about target status.
    alert_series_t below = s_series ("below_target", "min");
    CHECK (!alert_condition (ALERT_RULE_DETERIORATING, &below));
}

static void
test_worse_than_england (void)
{
    alert_series_t s = s_series ("on_target", "min");
    s.benchmark = "worse";
    CHECK (alert_condition (ALERT_RULE_WORSE_THAN_ENGLAND, &s));
    const char *others [] = { "better", "similar", "not_compared", "lower", "higher", "", NULL };
    for (size_t i = 0; i < sizeof others / sizeof others [0]; i++) {
        s.benchmark = others [i];
        CHECK (!alert_condition (ALERT_RULE_WORSE_THAN_ENGLAND, &s));
    }
    //  The non-series rules are not decided here.
    alert_series_t all = s_series ("below_target", "min");
    all.benchmark = "worse";
    all.variation = "special_cause_concerning";
    CHECK (!alert_condition (ALERT_RULE_DATA_MISSING, &all));
    CHECK (!alert_condition (ALERT_RULE_BATCH_REJECTED, &all));
    CHECK (!alert_condition (ALERT_RULE_COUNT, &all));
}

static void
test_transitions (void)
{
    //  never fired
    CHECK_INT (alert_transition (NULL, true), ALERT_FIRE);
    CHECK_INT (alert_transition (NULL, false), ALERT_NONE);
    //  firing
    CHECK_INT (alert_transition ("firing", true), ALERT_NONE);
    CHECK_INT (alert_transition ("firing", false), ALERT_RESOLVE);
    //  resolved
    CHECK_INT (alert_transition ("resolved", true), ALERT_FIRE);
    CHECK_INT (alert_transition ("resolved", false), ALERT_NONE);
}

static void
test_severity (void)
{
    CHECK_INT (alert_severity_rank ("info"), 0);
    CHECK_INT (alert_severity_rank ("warning"), 1);
    CHECK_INT (alert_severity_rank ("critical"), 2);
    CHECK_INT (alert_severity_rank ("Critical"), -1);
    CHECK_INT (alert_severity_rank (""), -1);
    CHECK_INT (alert_severity_rank (NULL), -1);
}

static bool
s_matches (const char *filter_json, const alert_facts_t *facts)
{
    json_error_t jerr;
    json_t *f = json_loads (filter_json, 0, &jerr);
    if (!f) {
        fprintf (stderr, "bad test filter %s: %s\n", filter_json, jerr.text);
        return false;
    }
    bool m = alert_filter_matches (f, facts);
    json_decref (f);
    return m;
}

static void
test_filter_matching (void)
{
    //  A practice in a PCN in Dudley in the Black Country.
    const char *ancestors [] = { "pcn-brierley-hill", "dudley", "black-country" };
    alert_facts_t f = { "off_target", "warning", "pi-2257", "Dudley the safe and healthy borough",
                        "Trading Standards", "syn-p01", ancestors, 3, NULL };

    //  Empty filter (or none) matches everything.
    CHECK (s_matches ("{}", &f));
    CHECK (alert_filter_matches (NULL, &f));

    //  Each key, hit and miss.
    CHECK (s_matches ("{\"rules\": [\"off_target\"]}", &f));
    CHECK (!s_matches ("{\"rules\": [\"data_missing\"]}", &f));
    CHECK (!s_matches ("{\"rules\": []}", &f));
    CHECK (s_matches ("{\"indicators\": [\"pi-2257\"]}", &f));
    CHECK (!s_matches ("{\"indicators\": [\"pi-2260\"]}", &f));
    CHECK (s_matches ("{\"domains\": [\"Dudley the safe and healthy borough\"]}", &f));
    CHECK (!s_matches ("{\"domains\": [\"dudley the safe and healthy borough\"]}", &f));
    CHECK (s_matches ("{\"owners\": [\"Trading Standards\"]}", &f));
    CHECK (!s_matches ("{\"owners\": [\"Public Health\"]}", &f));

    //  OR within a key.
    CHECK (s_matches ("{\"rules\": [\"data_missing\", \"off_target\"]}", &f));
    CHECK (s_matches ("{\"indicators\": [\"pi-2260\", \"pi-2257\", \"pi-1441\"]}", &f));
    CHECK (!s_matches ("{\"indicators\": [\"pi-2260\", \"pi-1441\"]}", &f));

    //  AND across keys: every key must match.
    CHECK (s_matches ("{\"rules\": [\"off_target\"], \"indicators\": [\"pi-2257\"],"
                      " \"owners\": [\"Trading Standards\"], \"org_unit\": \"dudley\","
                      " \"min_severity\": \"warning\"}", &f));
    CHECK (!s_matches ("{\"rules\": [\"off_target\"], \"indicators\": [\"pi-2260\"]}", &f));
    CHECK (!s_matches ("{\"rules\": [\"outside_range\"], \"indicators\": [\"pi-2257\"]}", &f));
    CHECK (!s_matches ("{\"rules\": [\"off_target\"], \"org_unit\": \"sandwell\"}", &f));
    CHECK (!s_matches ("{\"indicators\": [\"pi-2257\"], \"min_severity\": \"critical\"}", &f));

    //  min_severity ranks: info < warning < critical.
    CHECK (s_matches ("{\"min_severity\": \"info\"}", &f));
    CHECK (s_matches ("{\"min_severity\": \"warning\"}", &f));
    CHECK (!s_matches ("{\"min_severity\": \"critical\"}", &f));
    f.severity = "critical";
    CHECK (s_matches ("{\"min_severity\": \"info\"}", &f));
    CHECK (s_matches ("{\"min_severity\": \"critical\"}", &f));
    f.severity = "info";
    CHECK (s_matches ("{\"min_severity\": \"info\"}", &f));
    CHECK (!s_matches ("{\"min_severity\": \"warning\"}", &f));
    f.severity = "bogus";
    CHECK (!s_matches ("{\"min_severity\": \"info\"}", &f));
    f.severity = "warning";

    //  org_unit: the unit itself and everything under it.
    CHECK (s_matches ("{\"org_unit\": \"syn-p01\"}", &f));
    CHECK (s_matches ("{\"org_unit\": \"pcn-brierley-hill\"}", &f));
    CHECK (s_matches ("{\"org_unit\": \"dudley\"}", &f));
    CHECK (s_matches ("{\"org_unit\": \"black-country\"}", &f));
    CHECK (!s_matches ("{\"org_unit\": \"syn-p02\"}", &f));
    CHECK (!s_matches ("{\"org_unit\": \"england\"}", &f));
    //  ...but not upwards: a filter on a practice misses its PCN.
    alert_facts_t pcn = f;
    pcn.org_unit = "pcn-brierley-hill";
    pcn.org_ancestors = ancestors + 1;
    pcn.nancestors = 2;
    CHECK (s_matches ("{\"org_unit\": \"dudley\"}", &pcn));
    CHECK (s_matches ("{\"org_unit\": \"pcn-brierley-hill\"}", &pcn));
    CHECK (!s_matches ("{\"org_unit\": \"syn-p01\"}", &pcn));
    //  An org unit without known ancestors matches only itself.
    alert_facts_t top = f;
    top.org_unit = "dudley";
    top.org_ancestors = NULL;
    top.nancestors = 0;
    CHECK (s_matches ("{\"org_unit\": \"dudley\"}", &top));
    CHECK (!s_matches ("{\"org_unit\": \"black-country\"}", &top));

    //  Batch alerts: no indicator, the partner as the org unit.
    alert_facts_t batch = { "batch_rejected_rows", "info", "", "", "", "dmbc-corp", NULL, 0, "dmbc-corp" };
    CHECK (s_matches ("{}", &batch));
    CHECK (s_matches ("{\"rules\": [\"batch_rejected_rows\"]}", &batch));
    CHECK (!s_matches ("{\"indicators\": [\"pi-2257\"]}", &batch));
    CHECK (!s_matches ("{\"min_severity\": \"warning\"}", &batch));
}

static int
s_check (const char *filter_json, char *err, size_t errlen)
{
    json_t *f = json_loads (filter_json, JSON_DECODE_ANY, NULL);
    if (!f) {
        fprintf (stderr, "bad test filter %s\n", filter_json);
        return -2;
    }
    err [0] = '\0';
    int rc = alert_filter_check (f, err, errlen);
    json_decref (f);
    return rc;
}

static void
test_filter_check (void)
{
    char err [256];
    CHECK_INT (s_check ("{}", err, sizeof err), 0);
    CHECK_STR (err, "");
    CHECK_INT (s_check ("{\"rules\": [\"off_target\", \"data_missing\", \"batch_rejected_rows\"],"
                        " \"indicators\": [\"pi-2257\"], \"domains\": [], \"owners\": [\"x\"],"
                        " \"org_unit\": \"dudley\", \"min_severity\": \"critical\"}", err, sizeof err), 0);
    CHECK_STR (err, "");

    CHECK_INT (s_check ("[]", err, sizeof err), -1);
    CHECK_STR (err, "filter must be a JSON object");
    CHECK_INT (s_check ("\"off_target\"", err, sizeof err), -1);
    CHECK_STR (err, "filter must be a JSON object");
    CHECK_INT (alert_filter_check (NULL, err, sizeof err), -1);
    CHECK_STR (err, "filter must be a JSON object");

    CHECK_INT (s_check ("{\"rules\": \"off_target\"}", err, sizeof err), -1);
    CHECK_STR (err, "filter.rules must be an array of strings");
    CHECK_INT (s_check ("{\"indicators\": {\"pi-2257\": true}}", err, sizeof err), -1);
    CHECK_STR (err, "filter.indicators must be an array of strings");
    CHECK_INT (s_check ("{\"domains\": [\"a\", 7]}", err, sizeof err), -1);
    CHECK_STR (err, "filter.domains[1] must be a string");
    CHECK_INT (s_check ("{\"owners\": [null]}", err, sizeof err), -1);
    CHECK_STR (err, "filter.owners[0] must be a string");
    CHECK_INT (s_check ("{\"rules\": [\"off_target\", \"offtarget\"]}", err, sizeof err), -1);
    CHECK_STR (err, "filter.rules[1]: 'offtarget' is not a rule");
    CHECK_INT (s_check ("{\"min_severity\": \"high\"}", err, sizeof err), -1);
    CHECK_STR (err, "filter.min_severity must be info, warning or critical");
    CHECK_INT (s_check ("{\"min_severity\": 2}", err, sizeof err), -1);
    CHECK_STR (err, "filter.min_severity must be info, warning or critical");
    CHECK_INT (s_check ("{\"org_unit\": [\"dudley\"]}", err, sizeof err), -1);
    CHECK_STR (err, "filter.org_unit must be an org unit code");
    CHECK_INT (s_check ("{\"rules\": [\"off_target\"], \"indicator\": [\"pi-2257\"]}", err, sizeof err), -1);
    CHECK_CONTAINS (err, "filter.indicator is not a filter key");
    CHECK_CONTAINS (err, "min_severity");

    //  A long bad value is cut, not overflowed.
    char small [16];
    CHECK_INT (s_check ("{\"rules\": [\"a-very-long-name-that-is-not-a-rule-at-all\"]}", small, sizeof small), -1);
    CHECK_INT (strlen (small), sizeof small - 1);
}

static void
test_silences (void)
{
    const char *key = "off_target/pi-2257/dudley/total";
    CHECK (alert_silence_matches ("off_target/pi-2257/*", key));
    CHECK (alert_silence_matches ("off_target/pi-2257/dudley/total", key));
    CHECK (alert_silence_matches ("*", key));
    CHECK (alert_silence_matches ("*/pi-2257/*", key));
    CHECK (alert_silence_matches ("*/dudley/*", key));
    CHECK (alert_silence_matches ("off_target/pi-22?7/*", key));
    CHECK (alert_silence_matches ("off_target/pi-[12]*/*", key));
    CHECK (!alert_silence_matches ("off_target/pi-2260/*", key));
    CHECK (!alert_silence_matches ("deteriorating/pi-2257/*", key));
    CHECK (!alert_silence_matches ("off_target/pi-2257", key));
    CHECK (!alert_silence_matches ("off_target/pi-2257/sandwell/*", key));
    CHECK (!alert_silence_matches ("OFF_TARGET/pi-2257/*", key));
    CHECK (!alert_silence_matches ("", key));
    CHECK (!alert_silence_matches (NULL, key));
    CHECK (!alert_silence_matches ("*", NULL));
    //  One indicator's silence does not cover another that shares a prefix.
    CHECK (!alert_silence_matches ("off_target/pi-2257/*", "off_target/pi-22570/dudley/total"));
}

static void
test_backoff (void)
{
    //  No jitter (0.5): base x 2^(attempt-1).
    CHECK_NEAR (alert_backoff (1, 2, 3600, 0.5), 2, 1e-9);
    CHECK_NEAR (alert_backoff (2, 2, 3600, 0.5), 4, 1e-9);
    CHECK_NEAR (alert_backoff (3, 2, 3600, 0.5), 8, 1e-9);
    CHECK_NEAR (alert_backoff (10, 2, 3600, 0.5), 1024, 1e-9);
    CHECK_NEAR (alert_backoff (1, 0.05, 3600, 0.5), 0.05, 1e-12);
    CHECK_NEAR (alert_backoff (4, 0.05, 3600, 0.5), 0.4, 1e-12);
    //  Doubling, every step.
    for (int a = 1; a < 11; a++)
        CHECK_NEAR (alert_backoff (a + 1, 2, 3600, 0.5), 2 * alert_backoff (a, 2, 3600, 0.5), 1e-9);
    //  Capped.
    CHECK_NEAR (alert_backoff (11, 2, 3600, 0.5), 2048, 1e-9);
    CHECK_NEAR (alert_backoff (12, 2, 3600, 0.5), 3600, 1e-9);
    CHECK_NEAR (alert_backoff (50, 2, 3600, 0.5), 3600, 1e-9);
    CHECK_NEAR (alert_backoff (2000, 2, 3600, 0.5), 3600, 1e-9);
    CHECK_NEAR (alert_backoff (3, 2, 5, 0.5), 5, 1e-9);
    //  Attempt numbers below 1 count as the first retry.
    CHECK_NEAR (alert_backoff (0, 2, 3600, 0.5), 2, 1e-9);
    CHECK_NEAR (alert_backoff (-3, 2, 3600, 0.5), 2, 1e-9);
    //  Jitter: within +/-20%, at both ends and everywhere between.
    CHECK_NEAR (alert_backoff (1, 10, 3600, 0), 8, 1e-9);
    CHECK (alert_backoff (1, 10, 3600, 0.999999) < 12);
    CHECK_NEAR (alert_backoff (1, 10, 3600, 0.999999), 12, 1e-4);
    for (int a = 1; a <= 14; a++)
        for (double j = 0; j < 1; j += 0.01) {
            double plain = alert_backoff (a, 2, 3600, 0.5);
            double w = alert_backoff (a, 2, 3600, j);
            CHECK (w >= 0.8 * plain - 1e-9 && w < 1.2 * plain + 1e-9);
        }
    //  The cap is applied before the jitter, so the waits stay spread out.
    CHECK_NEAR (alert_backoff (20, 2, 3600, 0), 2880, 1e-9);
    CHECK (alert_backoff (20, 2, 3600, 0.99) > 3600);
    //  Monotone in jitter.
    CHECK (alert_backoff (3, 2, 3600, 0.2) < alert_backoff (3, 2, 3600, 0.7));
}

static void
test_sign (void)
{
    //  RFC 4231 test case 2.
    const char *data = "what do ya want for nothing?";
    char out [72];
    webhook_sign ("Jefe", (const unsigned char *) data, strlen (data), out, sizeof out);
    CHECK_STR (out, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK_INT (strlen (out), 71);
    //  RFC 4231 test case 1: key 0x0b x 20, "Hi There".
    char key [21];
    memset (key, 0x0b, 20);
    key [20] = '\0';
    webhook_sign (key, (const unsigned char *) "Hi There", 8, out, sizeof out);
    CHECK_STR (out, "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    //  Only len bytes are signed.
    char other [72];
    webhook_sign ("Jefe", (const unsigned char *) "what do ya want for nothing?!!", strlen (data), other, sizeof other);
    CHECK_STR (other, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    //  A different secret or body gives a different signature.
    webhook_sign ("jefe", (const unsigned char *) data, strlen (data), other, sizeof other);
    CHECK (strcmp (other, out) != 0 && strncmp (other, "sha256=", 7) == 0);
    webhook_sign ("Jefe", (const unsigned char *) data, strlen (data) - 1, other, sizeof other);
    CHECK (strcmp (other, "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") != 0);
    //  A short buffer is cut and terminated, never overrun.
    char small [10];
    webhook_sign ("Jefe", (const unsigned char *) data, strlen (data), small, sizeof small);
    CHECK_STR (small, "sha256=5b");
}

int
main (void)
{
    test_rule_names ();
    test_off_target_and_range ();
    test_deteriorating ();
    test_worse_than_england ();
    test_transitions ();
    test_severity ();
    test_filter_matching ();
    test_filter_check ();
    test_silences ();
    test_backoff ();
    test_sign ();
    return check_done ("test_alert_rules");
}
