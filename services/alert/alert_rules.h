/*  alert_rules: the pure parts of alerting.  Which rules a series breaks,
    how an alert moves between states, whom a transition concerns, when a
    failed delivery is tried again (a webhook body is signed by webhook_sign,
    webhook.h).  No
    database, no sockets.  */
#ifndef CAREWATCH_ALERT_RULES_H
#define CAREWATCH_ALERT_RULES_H

#include <jansson.h>
#include "alert_filter.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


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


//  True when the series breaks rule (for the series rules: off target,
//  outside range, deteriorating, worse than England).
bool alert_condition (alert_rule_t rule, const alert_series_t *series);

//  The state change for an alert now in state ("firing", "resolved", or
//  NULL when it never fired) whose condition is now holds.  Firing again
//  while firing, or clearing while not firing, is no change.
alert_action_t alert_transition (const char *state, bool holds);



//  Seconds to wait before attempt number attempt (1 = the first retry):
//  base x 2^(attempt-1), capped, then jittered by up to +/-20% using
//  jitter in [0,1) (pass 0.5 for none).
double alert_backoff (int attempt, double base, double cap, double jitter);


#endif
