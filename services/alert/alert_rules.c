/*  alert_rules: rule conditions, state changes, backoff, signing.  */
#include "alert_rules.h"
#include "alert_store.h"
#include "calc_assess.h"

#include <math.h>
#include <stdio.h>
#include <string.h>


static bool
s_is (const char *a, const char *b)
{
    return a && b && strcmp (a, b) == 0;
}

bool
alert_condition (alert_rule_t rule, const alert_series_t *s)
{
    switch (rule) {
        case ALERT_RULE_OFF_TARGET:
            //  A range has its own rule; off target is for thresholds.
            return s_is (s->status, calc_status_name (CALC_STATUS_BELOW_TARGET))
                && !s_is (s->target_kind, calc_target_kind_name (CALC_TARGET_RANGE));
        case ALERT_RULE_OUTSIDE_RANGE:
            return s_is (s->status, calc_status_name (CALC_STATUS_BELOW_TARGET))
                && s_is (s->target_kind, calc_target_kind_name (CALC_TARGET_RANGE));
        case ALERT_RULE_DETERIORATING: {
            if (s_is (s->variation, calc_variation_name (CALC_VARIATION_SPECIAL_CONCERNING)))
                return true;
            int n = s->worsening_periods > 0 ? s->worsening_periods : 3;
            if ((int) s->ntrends < n)
                return false;
            for (int i = 0; i < n; i++)
                if (!s_is (s->short_trends [i], calc_trend_name (CALC_TREND_WORSENING)))
                    return false;
            return true;
        }
        case ALERT_RULE_WORSE_THAN_ENGLAND:
            return s_is (s->benchmark, calc_benchmark_name (CALC_BENCHMARK_WORSE));
        default:
            return false;
    }
}

alert_action_t
alert_transition (const char *state, bool holds)
{
    bool firing = s_is (state, "firing");
    if (holds && !firing)
        return ALERT_FIRE;
    if (!holds && firing)
        return ALERT_RESOLVE;
    return ALERT_NONE;
}


double
alert_backoff (int attempt, double base, double cap, double jitter)
{
    if (attempt < 1)
        attempt = 1;
    double wait = base * pow (2, attempt - 1);
    if (wait > cap)
        wait = cap;
    return wait * (0.8 + 0.4 * jitter);
}
