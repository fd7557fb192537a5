/*  alert_filter: the alert vocabulary and the grammar of subscription
    filters and silence matchers, shared by whoever writes them (the
    gateway, the CLI) and by alert, which applies them.  Rule names,
    severities, what a filter may hold and what it matches.  No database,
    no sockets.  */
#ifndef CAREWATCH_ALERT_FILTER_H
#define CAREWATCH_ALERT_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    ALERT_RULE_OFF_TARGET = 0,      //  status below target
    ALERT_RULE_OUTSIDE_RANGE,       //  below a DQOFH range's lower bound
    ALERT_RULE_DETERIORATING,       //  special cause of concern, or worsening N periods running
    ALERT_RULE_WORSE_THAN_ENGLAND,  //  significantly worse than England
    ALERT_RULE_DATA_MISSING,        //  due but not reported
    ALERT_RULE_BATCH_REJECTED,      //  a batch came with rejected rows
    ALERT_RULE_COUNT
} alert_rule_t;

//  Stable rule names ("off_target", ...); NULL for an unknown rule.
const char *alert_rule_name (alert_rule_t rule);
//  Parses a rule name; returns 0 or -1.
int alert_rule_parse (const char *name, alert_rule_t *out);

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
//  Besides the matching keys a filter may say how its notifications are
//  delivered (alert_deliver.h): "group_by" (an array of rule, indicator,
//  org_unit, domain: one POST per group carries its alerts),
//  "group_wait" (seconds a new notification waits for others of its
//  group, 0-86400), "digest" ("daily" at 07:00 UTC or "weekly" on
//  Mondays at 07:00 UTC: everything since the last one in one POST), and
//  "inhibit": ["children"] (a practice's or PCN's breach is not sent
//  while the same rule fires for the same indicator at its PCN or place).
//  For everyone, "deteriorating" on a series whose data is overdue is
//  not sent: the overdue feed has its own data_missing alert.
int alert_filter_check (json_t *filter, char *err, size_t errlen);

//  True when a silence matcher covers an alert key.  The key is
//  "rule/indicator/org_unit/breakdown"; the matcher is a shell pattern
//  over it (fnmatch), so "off_target/pi-2257/*" mutes one indicator.
bool alert_silence_matches (const char *matcher, const char *key);

#endif
