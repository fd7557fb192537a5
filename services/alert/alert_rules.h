/*  alert_rules: the pure parts of alerting.  Which rules a series breaks,
    how an alert moves between states, whom a transition concerns, when a
    failed delivery is tried again, and how a webhook body is signed.  No
    database, no sockets.  */
#ifndef CAREWATCH_ALERT_RULES_H
#define CAREWATCH_ALERT_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    ALERT_RULE_OFF_TARGET = 0,      //  status below target
    ALERT_RULE_OUTSIDE_RANGE,       //  below a DQOFH range's lower bound
    ALERT_RULE_DETERIORATING,       //  special cause of concern, or worsening N periods running
    ALERT_RULE_WORSE_THAN_ENGLAND,  //  significantly worse than England
    ALERT_RULE_DATA_MISSING,        //  due but not reported
    ALERT_RULE_BATCH_REJECTED,      //  a batch came with rejected rows
    ALERT_RULE_COUNT
} alert_rule_t;

//  The latest state of one series, as the rules read it.
typedef struct {
    const char *status;             //  on_target, tolerance, below_target, missing, no_target
    const char *target_kind;        //  min, max, range, zero, or NULL
    const char *variation;          //  SPC variation of the latest point, or NULL
    const char *benchmark;          //  better, similar, worse, ... not_compared
    const char *const *short_trends;//  latest first: the short-term trends of recent periods
    size_t ntrends;
    int worsening_periods;          //  N for "worsening N periods in a row" (default 3)
} alert_series_t;

//  What happens to an alert.
typedef enum { ALERT_NONE = 0, ALERT_FIRE, ALERT_RESOLVE, ALERT_REPEAT } alert_action_t;

//  Stable rule names ("off_target", ...); NULL for an unknown rule.
const char *alert_rule_name (alert_rule_t rule);
//  Parses a rule name; returns 0 or -1.
int alert_rule_parse (const char *name, alert_rule_t *out);

//  True when the series breaks rule (for the series rules: off target,
//  outside range, deteriorating, worse than England).
bool alert_condition (alert_rule_t rule, const alert_series_t *series);

//  The state change for an alert now in state ("firing", "resolved", or
//  NULL when it never fired) whose condition is now holds.  Firing again
//  while firing, or clearing while not firing, is no change.
alert_action_t alert_transition (const char *state, bool holds);

//  Severity order: info < warning < critical.  Unknown = -1.
int alert_severity_rank (const char *severity);

//  The facts a subscription filter is matched against.
typedef struct {
    const char *rule;               //  rule name
    const char *severity;           //  info, warning, critical
    const char *indicator;          //  code ("" for batch alerts)
    const char *domain;
    const char *owner;
    const char *org_unit;
    const char *const *org_ancestors;   //  the org unit's ancestors
    size_t nancestors;
    const char *partner;            //  batch alerts: the partner that sent it
} alert_facts_t;

//  True when a subscription's filter matches.  Filter keys (all optional,
//  each an array except min_severity and org_unit): "indicators",
//  "domains", "owners", "rules", "org_unit" (the unit and its
//  descendants), "min_severity".  An empty filter matches everything;
//  keys combine with AND, values within a key with OR.
bool alert_filter_matches (json_t *filter, const alert_facts_t *facts);

//  Checks a filter's shape.  Returns 0, or -1 with a reason in err.
int alert_filter_check (json_t *filter, char *err, size_t errlen);

//  True when a silence matcher covers an alert key.  The key is
//  "rule/indicator/org_unit/breakdown"; the matcher is a shell pattern
//  over it (fnmatch), so "off_target/pi-2257/*" mutes one indicator.
bool alert_silence_matches (const char *matcher, const char *key);

//  Seconds to wait before attempt number attempt (1 = the first retry):
//  base x 2^(attempt-1), capped, then jittered by up to +/-20% using
//  jitter in [0,1) (pass 0.5 for none).
double alert_backoff (int attempt, double base, double cap, double jitter);

//  The webhook signature header value for body: "sha256=" and the hex
//  HMAC-SHA256 of body with secret.  out holds at least 72 bytes.
void alert_sign (const char *secret, const unsigned char *body, size_t len, char *out, size_t outlen);

#endif
