/*  alert_engine: rules -> alert state -> transitions -> outbox.  */
#include "alert_engine.h"
#include "alert_store.h"
#include "orgtree.h"
#include "log.h"
#include "period.h"

#include <czmq.h>
#include <stdlib.h>
#include <string.h>

#define ALERT_LOCK_KEY "7214630913"

typedef struct {
    int64_t id;                 //  subscription id
    json_t *filter;             //  owned
    char channel [16];          //  webhook or zmq
    char *partner;              //  owning partner or NULL
} s_sub_t;

struct _alert_engine_t {
    db_t *db;                   //  borrowed
    zsock_t *stream;            //  PUB, borrowed
    config_t cfg;               //  settings (links)
    orgtree_t *orgs;            //  the org tree
    char severity [ALERT_RULE_COUNT][16];   //  per rule
    int worsening_periods;      //  deteriorating: N periods
    s_sub_t *subs;              //  active subscriptions for this pass
    size_t nsubs;
    zlist_t *published;         //  transitions to publish after commit (json strings)
    char **silences;            //  active silences this pass: "id\tmatcher"
    size_t nsilences;
};

static int
s_load (alert_engine_t *self, char *err, size_t errlen)
{
    if (orgtree_load (self->orgs, self->db, err, errlen))
        return -1;
    PGresult *r = db_exec_stmt (self->db, &alert_rules_load_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    for (int i = 0; i < ALERT_RULE_COUNT; i++)
        snprintf (self->severity [i], 16, "warning");
    for (int i = 0; i < PQntuples (r); i++) {
        alert_rule_t rule;
        if (alert_rule_parse (PQgetvalue (r, i, 0), &rule) == 0) {
            snprintf (self->severity [rule], 16, "%s", PQgetvalue (r, i, 1));
            if (rule == ALERT_RULE_DETERIORATING)
                self->worsening_periods = atoi (PQgetvalue (r, i, 2));
        }
    }
    PQclear (r);
    return 0;
}

alert_engine_t *
alert_engine_new (db_t *db, const config_t *cfg, zsock_t *stream, char *err, size_t errlen)
{
    alert_engine_t *self = calloc (1, sizeof *self);
    self->db = db;
    self->stream = stream;
    self->cfg = *cfg;
    self->orgs = orgtree_new ();
    self->published = zlist_new ();
    zlist_autofree (self->published);
    if (s_load (self, err, errlen)) {
        alert_engine_destroy (&self);
        return NULL;
    }
    return self;
}

static void
s_silences_clear (alert_engine_t *self)
{
    for (size_t i = 0; i < self->nsilences; i++)
        free (self->silences [i]);
    free (self->silences);
    self->silences = NULL;
    self->nsilences = 0;
}

static void
s_subs_clear (alert_engine_t *self)
{
    for (size_t i = 0; i < self->nsubs; i++) {
        json_decref (self->subs [i].filter);
        free (self->subs [i].partner);
    }
    free (self->subs);
    self->subs = NULL;
    self->nsubs = 0;
}

void
alert_engine_destroy (alert_engine_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    alert_engine_t *self = *self_p;
    s_subs_clear (self);
    s_silences_clear (self);
    orgtree_destroy (&self->orgs);
    zlist_destroy (&self->published);
    free (self);
    *self_p = NULL;
}

static int
s_load_subs (alert_engine_t *self, char *err, size_t errlen)
{
    s_subs_clear (self);
    PGresult *r = db_exec_stmt (self->db, &alert_subscriptions_active_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    self->nsubs = (size_t) PQntuples (r);
    self->subs = calloc (self->nsubs + 1, sizeof *self->subs);
    for (size_t i = 0; i < self->nsubs; i++) {
        s_sub_t *s = &self->subs [i];
        s->id = atoll (PQgetvalue (r, (int) i, 0));
        s->filter = json_loads (PQgetvalue (r, (int) i, 1), 0, NULL);
        snprintf (s->channel, sizeof s->channel, "%s", PQgetvalue (r, (int) i, 2));
        s->partner = PQgetisnull (r, (int) i, 3) ? NULL : strdup (PQgetvalue (r, (int) i, 3));
    }
    PQclear (r);
    return 0;
}

//  True when a subscription's filter lists what in "inhibit".
static bool
s_wants_inhibit (json_t *filter, const char *what)
{
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get (filter, "inhibit"), i, v)
        if (json_string_value (v) && strcmp (json_string_value (v), what) == 0)
            return true;
    return false;
}


//  Whether a transition is inhibited: 2 for everyone (deteriorating on a
//  series whose latest period is older than the one now due), 1 for
//  subscribers who inhibit children (the same rule, indicator and
//  breakdown firing at an ancestor), 0 not at all, -1 on a database
//  error.
static int
s_inhibited (alert_engine_t *self, alert_rule_t rule, const char *indicator, const char *org, const char *breakdown,
             const alert_facts_t *facts, char *err, size_t errlen)
{
    if (rule == ALERT_RULE_DETERIORATING) {
        const char *p [3] = { indicator, org, breakdown };
        PGresult *r = db_exec_stmt (self->db, &alert_series_overdue_sql, p, DB_TUPLES, err, errlen);
        if (!r)
            return -1;
        period_t due;
        char due_end [16] = "";
        bool overdue = PQntuples (r) == 1 && !PQgetisnull (r, 0, 2)
                    && period_due (period_type_from_name (PQgetvalue (r, 0, 0)), period_today (),
                                     atoi (PQgetvalue (r, 0, 1)), &due) == 0
                    && (period_iso (due.end, due_end, sizeof due_end), strcmp (PQgetvalue (r, 0, 2), due_end) < 0);
        PQclear (r);
        if (overdue)
            return 2;
    }
    if (!facts || !facts->nancestors)
        return 0;
    //  {ancestor,...} as an array literal (codes are plain words).
    char list [600] = "{";
    size_t o = 1;
    for (size_t i = 0; i < facts->nancestors && o < sizeof list - 80; i++)
        o += (size_t) snprintf (list + o, sizeof list - o, "%s\"%s\"", i ? "," : "", facts->org_ancestors [i]);
    snprintf (list + o, sizeof list - o, "}");
    const char *p [4] = { alert_rule_name (rule), indicator, breakdown, list };
    PGresult *r = db_exec_stmt (self->db, &alert_parent_firing_sql, p, DB_TUPLES,
                           err, errlen);
    if (!r)
        return -1;
    int above = atoi (PQgetvalue (r, 0, 0));
    PQclear (r);
    return above > 0 ? 1 : 0;
}

//  One notification per subscription that the transition concerns (zmq
//  subscriptions are served by the stream and recorded delivered), unless
//  it inhibits children and children_inhibited.  Returns 1, or -1.
static int
s_fan_out (alert_engine_t *self, alert_rule_t rule, const char *org, const char *transition_id,
           const alert_facts_t *facts, bool children_inhibited, char *err, size_t errlen)
{
    for (size_t i = 0; i < self->nsubs; i++) {
        const s_sub_t *s = &self->subs [i];
        if (!alert_filter_matches (s->filter, facts))
            continue;
        if (children_inhibited && s_wants_inhibit (s->filter, "children"))
            continue;
        if (rule == ALERT_RULE_BATCH_REJECTED && s->partner && strcmp (s->partner, org))
            continue;
        char sub [24];
        snprintf (sub, sizeof sub, "%lld", (long long) s->id);
        const char *np [3] = { transition_id, sub, strcmp (s->channel, "zmq") == 0 ? "t" : "f" };
        //  A zmq subscription is served by the stream itself.
        //  A digest waits for its hour, a group for its group_wait
        //  (alert_filter.h); the rest go at once.
        if (db_run_stmt (self->db, &alert_notification_add_sql, np, err, errlen))
            return -1;
    }
    return 1;
}

//  Records a transition of alert key (rule, indicator, org, breakdown),
//  and one notification per matching subscription unless silenced.
static int
s_transition (alert_engine_t *self, alert_rule_t rule, alert_action_t action, const char *indicator,
              const char *org, const char *breakdown, const char *period, const alert_facts_t *facts,
              json_t *payload, char *err, size_t errlen)
{
    const char *rname = alert_rule_name (rule);
    const char *kind = action == ALERT_FIRE ? "fired" : action == ALERT_REPEAT ? "repeated" : "resolved";
    json_object_set_new (payload, "transition", json_string (kind));
    json_object_set_new (payload, "rule", json_string (rname));
    json_object_set_new (payload, "severity", json_string (self->severity [rule]));
    char *text = json_dumps (payload, JSON_COMPACT | JSON_SORT_KEYS);
    const char *p [8] = { rname, indicator, org, breakdown, action == ALERT_RESOLVE ? "resolved" : "firing",
                          period, text, self->severity [rule] };
    PGresult *r = db_exec_stmt (self->db, &alert_upsert_sql, p, DB_TUPLES, err, errlen);
    if (!r) {
        free (text);
        return -1;
    }
    char alert_id [24];
    snprintf (alert_id, sizeof alert_id, "%s", PQgetvalue (r, 0, 0));
    PQclear (r);
    char key [400];
    snprintf (key, sizeof key, "%s/%s/%s/%s", rname, indicator, org, breakdown);
    const char *silence = NULL;
    for (size_t i = 0; i < self->nsilences && !silence; i++) {
        char *tab = strchr (self->silences [i], '\t');
        if (tab && alert_silence_matches (tab + 1, key))
            silence = self->silences [i];
    }
    char silence_id [24] = "";
    if (silence)
        snprintf (silence_id, sizeof silence_id, "%.*s", (int) strcspn (silence, "\t"), silence);
    const char *tp [4] = { alert_id, kind, text, silence ? silence_id : NULL };
    r = db_exec_stmt (self->db, &alert_transition_add_sql, tp, DB_TUPLES, err, errlen);
    free (text);
    if (!r)
        return -1;
    char transition_id [24];
    snprintf (transition_id, sizeof transition_id, "%s", PQgetvalue (r, 0, 0));
    bool silenced = !PQgetisnull (r, 0, 1);
    PQclear (r);
    json_object_set_new (payload, "transition_id", json_integer (atoll (transition_id)));
    json_object_set_new (payload, "silenced", json_boolean (silenced));
    char *published = json_dumps (payload, JSON_COMPACT | JSON_SORT_KEYS);
    zlist_append (self->published, published);
    free (published);
    if (silenced)
        return 1;
    //  Inhibition (alert_filter.h): "deteriorating" on a series whose data
    //  is overdue tells nothing new, for anyone; a practice's or PCN's
    //  breach while its place (or PCN) has the same one firing is muted
    //  for subscribers who ask ("inhibit": ["children"]).
    int inhibited = s_inhibited (self, rule, indicator, org, breakdown, facts, err, errlen);
    if (inhibited < 0)
        return -1;
    if (inhibited == 2) {
        log_debug ("alert_series_overdue", "{s:s, s:s, s:s, s:s}", "rule", rname, "indicator", indicator, "org_unit", org,
                   "reason", "data overdue");
        return 1;
    }
    return s_fan_out (self, rule, org, transition_id, facts, inhibited == 1, err, errlen);
}

static void
s_ancestors (alert_engine_t *self, const char *org, const char **out, size_t *n)
{
    *n = orgtree_ancestors (self->orgs, org, out, 8);
}

//  The webhook payload of a series alert, from the rows of
//  s_evaluate_series's query (latest first): the indicator, the latest
//  value with its verdicts, the last periods and links to the reports.
static json_t *
s_series_payload (alert_engine_t *self, PGresult *r, const char *indicator, const char *org, const char *breakdown)
{
    int rows = PQntuples (r);
    json_t *last = json_array ();
    for (int i = rows - 1; i >= 0; i--)
        json_array_append_new (last, json_pack ("{s:s, s:o, s:s}", "period", PQgetvalue (r, i, SERIES_PERIOD),
            "value", PQgetisnull (r, i, SERIES_VALUE) ? json_null () : json_real (atof (PQgetvalue (r, i, SERIES_VALUE))),
            "status", PQgetvalue (r, i, SERIES_STATUS)));
    const char *period = PQgetvalue (r, 0, SERIES_PERIOD);
    json_t *payload = json_pack ("{s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:s, s:o, s:o, s:s,"
                                 " s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:{s:s, s:s, s:s}}",
        "indicator", "code", indicator, "name", PQgetvalue (r, 0, SERIES_NAME), "domain", PQgetvalue (r, 0, SERIES_DOMAIN),
            "owner", PQgetvalue (r, 0, SERIES_OWNER), "unit", PQgetvalue (r, 0, SERIES_UNIT), "polarity", PQgetvalue (r, 0, SERIES_POLARITY),
        "org_unit", org, "breakdown", breakdown, "period", period,
        "value", PQgetisnull (r, 0, SERIES_VALUE) ? json_null () : json_real (atof (PQgetvalue (r, 0, SERIES_VALUE))),
        "target", PQgetisnull (r, 0, SERIES_TARGET_TEXT) ? json_null () : json_string (PQgetvalue (r, 0, SERIES_TARGET_TEXT)),
        "status", PQgetvalue (r, 0, SERIES_STATUS), "short_trend", PQgetvalue (r, 0, SERIES_SHORT_TREND),
        "annual_trend", PQgetvalue (r, 0, SERIES_ANNUAL_TREND),
        "england", PQgetisnull (r, 0, SERIES_ENGLAND) ? json_null () : json_real (atof (PQgetvalue (r, 0, SERIES_ENGLAND))),
        "benchmark", PQgetvalue (r, 0, SERIES_BENCHMARK),
        "spc_variation", PQgetisnull (r, 0, SERIES_VARIATION) ? json_null () : json_string (PQgetvalue (r, 0, SERIES_VARIATION)),
        "spc_assurance", PQgetisnull (r, 0, SERIES_ASSURANCE) ? json_null () : json_string (PQgetvalue (r, 0, SERIES_ASSURANCE)),
        "commentary", PQgetisnull (r, 0, SERIES_NOTE) ? json_null () : json_string (PQgetvalue (r, 0, SERIES_NOTE)),
        "last_periods", last,
        "links", "scorecard", "", "exceptions", "", "indicator", "");
    char link [512];
    json_t *links = json_object_get (payload, "links");
    snprintf (link, sizeof link, "%s/v1/scorecards/%s?format=html", self->cfg.public_url, period);
    json_object_set_new (links, "scorecard", json_string (link));
    snprintf (link, sizeof link, "%s/v1/exceptions/%s", self->cfg.public_url, period);
    json_object_set_new (links, "exceptions", json_string (link));
    snprintf (link, sizeof link, "%s/v1/indicators/%s/values?org_unit=%s", self->cfg.public_url, indicator, org);
    json_object_set_new (links, "indicator", json_string (link));
    return payload;
}

//  Builds the payload and evaluates the series rules for one series.
static int
s_evaluate_series (alert_engine_t *self, const char *indicator, const char *org, const char *breakdown,
                   char *err, size_t errlen)
{
    const char *level = orgtree_level (self->orgs, org);
    if (level && (strcmp (level, "england") == 0 || strcmp (level, "region") == 0))
        return 0;       //  comparators, not areas the partnership answers for
    const char *p [3] = { indicator, org, breakdown };
    PGresult *r = db_exec_stmt (self->db, &alert_series_latest_sql, p, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int rows = PQntuples (r);
    if (rows == 0 || PQnfields (r) != SERIES_COLUMNS) {
        if (rows)
            snprintf (err, errlen, "alert_series_latest has %d columns, SERIES_COLUMNS says %d", PQnfields (r),
                      SERIES_COLUMNS);
        PQclear (r);
        return rows ? -1 : 0;
    }
    const char *trends [6];
    for (int i = 0; i < rows; i++)
        trends [i] = PQgetvalue (r, i, SERIES_SHORT_TREND);
    alert_series_t series = {
        PQgetvalue (r, 0, SERIES_STATUS), PQgetisnull (r, 0, SERIES_TARGET_KIND) ? NULL : PQgetvalue (r, 0, SERIES_TARGET_KIND),
        PQgetisnull (r, 0, SERIES_VARIATION) ? NULL : PQgetvalue (r, 0, SERIES_VARIATION), PQgetvalue (r, 0, SERIES_BENCHMARK),
        trends, (size_t) rows, self->worsening_periods
    };
    const char *ancestors [8];
    size_t nanc;
    s_ancestors (self, org, ancestors, &nanc);
    int transitions = 0;
    //  The catalogue may switch a rule off for an indicator:
    //  "alert": {"off_target": false}.
    json_t *overrides = json_loads (PQgetvalue (r, 0, SERIES_ALERT_OVERRIDES), 0, NULL);
    //  The series' alert states, every rule in one query.
    PGresult *a = db_exec_stmt (self->db, &alert_series_states_sql, p, DB_TUPLES, err, errlen);
    if (!a) {
        PQclear (r);
        json_decref (overrides);
        return -1;
    }
    for (int rule = 0; rule <= ALERT_RULE_WORSE_THAN_ENGLAND; rule++) {
        bool holds = alert_condition ((alert_rule_t) rule, &series)
                  && !json_is_false (json_object_get (overrides, alert_rule_name ((alert_rule_t) rule)));
        const char *state = NULL;
        for (int k = 0; k < PQntuples (a) && !state; k++)
            if (strcmp (PQgetvalue (a, k, 0), alert_rule_name ((alert_rule_t) rule)) == 0)
                state = PQgetvalue (a, k, 1);
        alert_action_t action = alert_transition (state, holds);
        if (action == ALERT_NONE)
            continue;
        const char *period = PQgetvalue (r, 0, SERIES_PERIOD);
        json_t *payload = s_series_payload (self, r, indicator, org, breakdown);
        alert_facts_t facts = { alert_rule_name ((alert_rule_t) rule), self->severity [rule], indicator,
                                PQgetvalue (r, 0, SERIES_DOMAIN), PQgetvalue (r, 0, SERIES_OWNER), org, ancestors, nanc, NULL };
        int rc = s_transition (self, (alert_rule_t) rule, action, indicator, org, breakdown, period,
                               &facts, payload, err, errlen);
        json_decref (payload);
        if (rc < 0) {
            PQclear (a);
            PQclear (r);
            json_decref (overrides);
            return -1;
        }
        transitions++;
    }
    PQclear (a);
    PQclear (r);
    json_decref (overrides);
    return transitions;
}

static void
s_publish (alert_engine_t *self)
{
    char *text;
    while ((text = zlist_pop (self->published))) {
        if (self->stream) {
            json_t *j = json_loads (text, 0, NULL);
            const char *domain = json_string_value (json_object_get (json_object_get (j, "indicator"), "domain"));
            const char *code = json_string_value (json_object_get (json_object_get (j, "indicator"), "code"));
            char topic [300];
            snprintf (topic, sizeof topic, "alert.%s.%s", domain ? domain : "batch", code ? code : "");
            zstr_sendm (self->stream, topic);
            zstr_send (self->stream, text);
            json_decref (j);
        }
        free (text);
    }
}

static int
s_begin (alert_engine_t *self, char *err, size_t errlen)
{
    const char *key [1] = { ALERT_LOCK_KEY };
    if (db_run (self->db, "begin", 0, NULL, err, errlen))
        return -1;
    PGresult *r = db_exec_stmt (self->db, &alert_lock_sql, key, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    PQclear (r);
    if (s_load_subs (self, err, errlen))
        return -1;
    s_silences_clear (self);
    r = db_exec_stmt (self->db, &alert_silences_active_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    self->nsilences = (size_t) PQntuples (r);
    self->silences = calloc (self->nsilences + 1, sizeof *self->silences);
    for (size_t i = 0; i < self->nsilences; i++)
        self->silences [i] = strdup (PQgetvalue (r, (int) i, 0));
    PQclear (r);
    zlist_purge (self->published);
    return 0;
}

static int
s_finish (alert_engine_t *self, int rc, const char *what, char *err, size_t errlen)
{
    char rerr [128];
    if (rc < 0 || db_run (self->db, "commit", 0, NULL, err, errlen)) {
        log_error ("alert_failed", "{s:s, s:s}", "pass", what, "error", err);
        db_run (self->db, "rollback", 0, NULL, rerr, sizeof rerr);
        zlist_purge (self->published);
        return -1;
    }
    s_publish (self);
    return rc;
}

int
alert_engine_evaluate_changes (alert_engine_t *self)
{
    char err [512];
    if (s_begin (self, err, sizeof err))
        return s_finish (self, -1, "changes", err, sizeof err);
    PGresult *r = db_exec_stmt (self->db, &alert_changes_since_sql, NULL, DB_TUPLES, err, sizeof err);
    if (!r)
        return s_finish (self, -1, "changes", err, sizeof err);
    int total = 0;
    char last [24] = "";
    for (int i = 0; i < PQntuples (r) && total >= 0; i++) {
        int n = s_evaluate_series (self, PQgetvalue (r, i, 0), PQgetvalue (r, i, 1), PQgetvalue (r, i, 2),
                                   err, sizeof err);
        total = n < 0 ? -1 : total + n;
        snprintf (last, sizeof last, "%s", PQgetvalue (r, i, 3));
    }
    PQclear (r);
    if (total >= 0 && *last) {
        const char *p [1] = { last };
        if (db_run_stmt (self->db, &alert_offset_set_sql, p, err, sizeof err))
            total = -1;
    }
    if (total > 0)
        log_info ("alerts_evaluated", "{s:i, s:s}", "transitions", total, "position", last);
    return s_finish (self, total, "changes", err, sizeof err);
}

//  The series that are due and missing, by feed: for each indicator its
//  due period, and the org units that should have reported it then (their
//  series had begun by its end) and have not.  Fills groups, a JSON object
//  keyed "partner|frequency" with {partner, frequency, period, expected,
//  missing: [{indicator, org_unit}...], missing_count}.
static int
s_missing_by_feed (alert_engine_t *self, int today, json_t *groups, char *err, size_t errlen)
{
    PGresult *r = db_exec_stmt (self->db, &alert_expected_series_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples (r) && rc == 0; ) {
        //  One indicator's candidate org units: rows i .. j-1.
        const char *ind = PQgetvalue (r, i, 0);
        int j = i;
        while (j < PQntuples (r) && strcmp (PQgetvalue (r, j, 0), ind) == 0)
            j++;
        period_t due;
        char code [PERIOD_CODE_MAX], due_end [16];
        if (period_due (period_type_from_name (PQgetvalue (r, i, 1)), today, atoi (PQgetvalue (r, i, 2)), &due)) {
            i = j;
            continue;
        }
        period_format (&due, code, sizeof code);
        period_iso (due.end, due_end, sizeof due_end);
        const char *p [2] = { ind, code };
        PGresult *v = db_exec_stmt (self->db, &alert_reported_units_sql, p, DB_TUPLES, err, errlen);
        if (!v) {
            rc = -1;
            break;
        }
        char key [160];
        snprintf (key, sizeof key, "%s|%s", PQgetvalue (r, i, 3), PQgetvalue (r, i, 1));
        json_t *g = json_object_get (groups, key);
        if (!g) {
            g = json_pack ("{s:s, s:s, s:s, s:i, s:[], s:i}", "partner", PQgetvalue (r, i, 3), "frequency",
                           PQgetvalue (r, i, 1), "period", code, "expected", 0, "missing", "missing_count", 0);
            json_object_set_new (groups, key, g);
        }
        for (int k = i; k < j; k++) {
            if (strcmp (PQgetvalue (r, k, 5), due_end) > 0)
                continue;       //  its series began after the due period
            const char *org = PQgetvalue (r, k, 4);
            bool reported = false;
            for (int m = 0; m < PQntuples (v) && !reported; m++)
                reported = strcmp (PQgetvalue (v, m, 0), org) == 0;
            json_object_set_new (g, "expected", json_integer (json_integer_value (json_object_get (g, "expected")) + 1));
            if (reported)
                continue;
            json_t *missing = json_object_get (g, "missing");
            if (json_array_size (missing) < 50)
                json_array_append_new (missing, json_pack ("{s:s, s:s, s:s}", "indicator", ind, "org_unit", org,
                                                           "period", code));
            json_object_set_new (g, "missing_count",
                                 json_integer (json_integer_value (json_object_get (g, "missing_count")) + 1));
        }
        PQclear (v);
        i = j;
    }
    PQclear (r);
    return rc;
}

//  data_missing, one alert per feed (partner and cadence), not per
//  indicator and org unit: "gp-practices: 43 monthly series due for
//  2025-11 not reported" is one thing to chase, with the list in the
//  payload.  Only series that are expected count (a recurring feed,
//  begun by the period that is due, the due_lag_days grace past its
//  end).  The alert's indicator is "feed:<partner>:<frequency>", its org
//  unit the partner's scope, so filters by org unit still match.
static int
s_check_missing (alert_engine_t *self, int today, char *err, size_t errlen)
{
    //  Alerts of the per-series rule this replaced end quietly: their
    //  feed's alert says the same once.
    if (db_run_stmt (self->db, &alert_unit_missing_resolve_sql, NULL, err, errlen))
        return -1;
    json_t *groups = json_object ();
    if (s_missing_by_feed (self, today, groups, err, errlen)) {
        json_decref (groups);
        return -1;
    }
    //  Feeds firing now that no longer have a group (nothing expected)
    //  resolve too.
    PGresult *f = db_exec_stmt (self->db, &alert_feed_missing_firing_sql, NULL, DB_TUPLES, err, errlen);
    if (!f) {
        json_decref (groups);
        return -1;
    }
    for (int i = 0; i < PQntuples (f); i++) {
        char key [160];
        const char *feed = PQgetvalue (f, i, 0) + 5, *colon = strrchr (feed, ':');
        snprintf (key, sizeof key, "%.*s|%s", colon ? (int) (colon - feed) : 0, feed, colon ? colon + 1 : "");
        if (!json_object_get (groups, key)) {
            char part [80], freq [40];
            snprintf (part, sizeof part, "%.*s", colon ? (int) (colon - feed) : 0, feed);
            snprintf (freq, sizeof freq, "%s", colon ? colon + 1 : "");
            json_object_set_new (groups, key, json_pack ("{s:s, s:s, s:s, s:i, s:[], s:i}", "partner", part,
                                 "frequency", freq, "period", "", "expected", 0, "missing", "missing_count", 0));
        }
    }
    PQclear (f);
    int transitions = 0;
    const char *key;
    json_t *g;
    json_object_foreach (groups, key, g) {
        const char *partner = json_string_value (json_object_get (g, "partner"));
        char feed [160], scope [72] = "";
        snprintf (feed, sizeof feed, "feed:%s:%s", partner, json_string_value (json_object_get (g, "frequency")));
        const char *p [2] = { feed, partner };
        PGresult *a = db_exec_stmt (self->db, &alert_feed_state_sql, p, DB_TUPLES, err, errlen);
        if (!a) {
            transitions = -1;
            break;
        }
        bool missing = json_integer_value (json_object_get (g, "missing_count")) > 0;
        alert_action_t action = alert_transition (PQgetisnull (a, 0, 0) ? NULL : PQgetvalue (a, 0, 0), missing);
        snprintf (scope, sizeof scope, "%s", PQgetisnull (a, 0, 1) ? "" : PQgetvalue (a, 0, 1));
        PQclear (a);
        if (action == ALERT_NONE)
            continue;
        const char *ancestors [8];
        size_t nanc;
        s_ancestors (self, scope, ancestors, &nanc);
        alert_facts_t facts = { "data_missing", self->severity [ALERT_RULE_DATA_MISSING], feed, "", "", scope,
                                ancestors, nanc, partner };
        json_t *payload = json_deep_copy (g);
        json_object_set_new (payload, "feed", json_string (feed));
        json_object_set_new (payload, "org_unit", json_string (scope));
        json_object_set_new (payload, "reason", json_string (missing ? "due but not reported" : "reported"));
        const char *period = json_string_value (json_object_get (g, "period"));
        int rc = s_transition (self, ALERT_RULE_DATA_MISSING, action, feed, scope, "total", period ? period : "",
                               &facts, payload, err, errlen);
        json_decref (payload);
        transitions = rc < 0 ? -1 : transitions + 1;
        if (rc < 0)
            break;
    }
    json_decref (groups);
    return transitions;
}

//  Each batch with rejected rows fires once, to its partner's subscribers.
static int
s_check_batches (alert_engine_t *self, char *err, size_t errlen)
{
    PGresult *r = db_exec_stmt (self->db, &alert_batches_since_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int transitions = 0;
    char last [24] = "";
    for (int i = 0; i < PQntuples (r) && transitions >= 0; i++) {
        snprintf (last, sizeof last, "%s", PQgetvalue (r, i, 0));
        if (atoi (PQgetvalue (r, i, 3)) == 0)
            continue;
        char key [64];
        snprintf (key, sizeof key, "batch-%s", PQgetvalue (r, i, 0));
        const char *partner = PQgetvalue (r, i, 1);
        alert_facts_t facts = { "batch_rejected_rows", self->severity [ALERT_RULE_BATCH_REJECTED], "",
                                "", "", partner, NULL, 0, partner };
        json_t *payload = json_pack ("{s:s, s:s, s:I, s:i, s:i, s:o}", "partner", partner,
            "batch_key", PQgetvalue (r, i, 2), "batch_id", (json_int_t) atoll (PQgetvalue (r, i, 0)),
            "rejected", atoi (PQgetvalue (r, i, 3)), "accepted", atoi (PQgetvalue (r, i, 4)),
            "errors", json_loads (PQgetvalue (r, i, 5), 0, NULL) ?: json_array ());
        int rc = s_transition (self, ALERT_RULE_BATCH_REJECTED, ALERT_FIRE, key, partner, "total", "",
                               &facts, payload, err, errlen);
        json_decref (payload);
        transitions = rc < 0 ? -1 : transitions + 1;
    }
    PQclear (r);
    if (transitions >= 0 && *last) {
        const char *p [1] = { last };
        if (db_run_stmt (self->db, &alert_batches_offset_set_sql, p, err, errlen))
            return -1;
    }
    return transitions;
}

//  A still-firing alert repeats after its rule's repeat_interval (unset =
//  never, the default), scaled by the indicator's cadence: the interval
//  is per month of cadence, so quarterly data repeats three times slower.
static int
s_check_repeats (alert_engine_t *self, char *err, size_t errlen)
{
    PGresult *r = db_exec_stmt (self->db, &alert_repeats_due_sql, NULL, DB_TUPLES, err, errlen);
    if (!r)
        return -1;
    int n = 0;
    for (int i = 0; i < PQntuples (r) && n >= 0; i++) {
        alert_rule_t rule;
        if (alert_rule_parse (PQgetvalue (r, i, 0), &rule))
            continue;
        const char *ancestors [8];
        size_t nanc;
        s_ancestors (self, PQgetvalue (r, i, 2), ancestors, &nanc);
        alert_facts_t facts = { PQgetvalue (r, i, 0), self->severity [rule], PQgetvalue (r, i, 1),
                                PQgetvalue (r, i, 6), PQgetvalue (r, i, 7), PQgetvalue (r, i, 2), ancestors, nanc, NULL };
        json_t *payload = json_loads (PQgetvalue (r, i, 5), 0, NULL);
        if (!payload)
            payload = json_object ();
        int rc = s_transition (self, rule, ALERT_REPEAT, PQgetvalue (r, i, 1), PQgetvalue (r, i, 2),
                               PQgetvalue (r, i, 3), PQgetvalue (r, i, 4), &facts, payload, err, errlen);
        json_decref (payload);
        n = rc < 0 ? -1 : n + 1;
    }
    PQclear (r);
    return n;
}

int
alert_engine_check_due (alert_engine_t *self, int today)
{
    char err [512];
    if (s_begin (self, err, sizeof err))
        return s_finish (self, -1, "due", err, sizeof err);
    int a = s_check_missing (self, today, err, sizeof err);
    int b = a < 0 ? -1 : s_check_batches (self, err, sizeof err);
    int c = b < 0 ? -1 : s_check_repeats (self, err, sizeof err);
    return s_finish (self, a < 0 || b < 0 || c < 0 ? -1 : a + b + c, "due", err, sizeof err);
}
