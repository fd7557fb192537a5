/*  alert_filter: rule names, severities, filters and silences.  */
#include "alert_filter.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

static const char *s_rule_names [ALERT_RULE_COUNT] = {
    "off_target", "outside_range", "deteriorating", "worse_than_england",
    "data_missing", "batch_rejected_rows"
};

const char *
alert_rule_name (alert_rule_t rule)
{
    return (unsigned) rule < ALERT_RULE_COUNT ? s_rule_names [rule] : NULL;
}

int
alert_rule_parse (const char *name, alert_rule_t *out)
{
    for (int i = 0; name && i < ALERT_RULE_COUNT; i++)
        if (strcmp (name, s_rule_names [i]) == 0) {
            *out = (alert_rule_t) i;
            return 0;
        }
    return -1;
}

static bool
s_is (const char *a, const char *b)
{
    return a && b && strcmp (a, b) == 0;
}

int
alert_severity_rank (const char *severity)
{
    if (s_is (severity, "info"))
        return 0;
    if (s_is (severity, "warning"))
        return 1;
    if (s_is (severity, "critical"))
        return 2;
    return -1;
}

//  True when array (of strings) is absent or holds value.
static bool
s_in (json_t *array, const char *value)
{
    if (!array)
        return true;
    size_t i;
    json_t *v;
    json_array_foreach (array, i, v)
        if (s_is (json_string_value (v), value))
            return true;
    return false;
}

bool
alert_filter_matches (json_t *filter, const alert_facts_t *f)
{
    if (!filter || !json_is_object (filter))
        return true;
    if (!s_in (json_object_get (filter, "rules"), f->rule)
    ||  !s_in (json_object_get (filter, "indicators"), f->indicator)
    ||  !s_in (json_object_get (filter, "domains"), f->domain)
    ||  !s_in (json_object_get (filter, "owners"), f->owner))
        return false;
    const char *min = json_string_value (json_object_get (filter, "min_severity"));
    if (min && alert_severity_rank (f->severity) < alert_severity_rank (min))
        return false;
    const char *org = json_string_value (json_object_get (filter, "org_unit"));
    if (org) {
        bool inside = s_is (org, f->org_unit);
        for (size_t i = 0; !inside && i < f->nancestors; i++)
            inside = s_is (org, f->org_ancestors [i]);
        if (!inside)
            return false;
    }
    return true;
}

//  The keys that say how notifications are delivered (alert_filter.h):
//  group_by, group_wait, digest, inhibit.  Returns 0, or -1 with err.
static int
s_check_delivery (const char *key, json_t *v, char *err, size_t errlen)
{
    if (strcmp (key, "group_by") == 0) {
        size_t i;
        json_t *item;
        if (!json_is_array (v)) {
            snprintf (err, errlen, "filter.group_by must be an array of rule, indicator, org_unit, domain");
            return -1;
        }
        json_array_foreach (v, i, item) {
            const char *g = json_string_value (item);
            if (!g || (strcmp (g, "rule") && strcmp (g, "indicator") && strcmp (g, "org_unit")
                       && strcmp (g, "domain"))) {
                snprintf (err, errlen, "filter.group_by[%zu] must be rule, indicator, org_unit or domain", i);
                return -1;
            }
        }
    }
    else if (strcmp (key, "inhibit") == 0) {
        size_t i;
        json_t *item;
        if (!json_is_array (v)) {
            snprintf (err, errlen, "filter.inhibit must be an array; the one inhibition a subscriber chooses is"
                      " \"children\"");
            return -1;
        }
        json_array_foreach (v, i, item)
            if (!json_string_value (item) || strcmp (json_string_value (item), "children")) {
                snprintf (err, errlen, "filter.inhibit[%zu] must be \"children\" (a practice's or PCN's breach"
                          " is muted while its place or PCN has the same one)", i);
                return -1;
            }
    }
    else if (strcmp (key, "group_wait") == 0) {
        if (!json_is_integer (v) || json_integer_value (v) < 0 || json_integer_value (v) > 86400) {
            snprintf (err, errlen, "filter.group_wait must be whole seconds from 0 to 86400");
            return -1;
        }
    }
    else if (strcmp (key, "digest") == 0) {
        const char *d = json_string_value (v);
        if (!d || (strcmp (d, "daily") && strcmp (d, "weekly"))) {
            snprintf (err, errlen, "filter.digest must be daily or weekly");
            return -1;
        }
    }
    return 0;
}

int
alert_filter_check (json_t *filter, char *err, size_t errlen)
{
    if (!json_is_object (filter)) {
        snprintf (err, errlen, "filter must be a JSON object");
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach (filter, key, v) {
        if (strcmp (key, "rules") == 0 || strcmp (key, "indicators") == 0
        ||  strcmp (key, "domains") == 0 || strcmp (key, "owners") == 0) {
            size_t i;
            json_t *item;
            if (!json_is_array (v)) {
                snprintf (err, errlen, "filter.%s must be an array of strings", key);
                return -1;
            }
            json_array_foreach (v, i, item) {
                alert_rule_t r;
                if (!json_is_string (item)) {
                    snprintf (err, errlen, "filter.%s[%zu] must be a string", key, i);
                    return -1;
                }
                if (strcmp (key, "rules") == 0 && alert_rule_parse (json_string_value (item), &r)) {
                    snprintf (err, errlen, "filter.rules[%zu]: '%.64s' is not a rule", i, json_string_value (item));
                    return -1;
                }
            }
        }
        else if (strcmp (key, "min_severity") == 0) {
            if (alert_severity_rank (json_string_value (v)) < 0) {
                snprintf (err, errlen, "filter.min_severity must be info, warning or critical");
                return -1;
            }
        }
        else if (strcmp (key, "group_by") == 0 || strcmp (key, "group_wait") == 0 || strcmp (key, "digest") == 0
             ||  strcmp (key, "inhibit") == 0) {
            if (s_check_delivery (key, v, err, errlen))
                return -1;
        }
        else if (strcmp (key, "org_unit") == 0) {
            if (!json_is_string (v)) {
                snprintf (err, errlen, "filter.org_unit must be an org unit code");
                return -1;
            }
        }
        else {
            snprintf (err, errlen, "filter.%.64s is not a filter key (rules, indicators, domains, owners, "
                      "org_unit, min_severity, group_by, group_wait, digest, inhibit)", key);
            return -1;
        }
    }
    return 0;
}

bool
alert_silence_matches (const char *matcher, const char *key)
{
    return matcher && key && fnmatch (matcher, key, 0) == 0;
}

