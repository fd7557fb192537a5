/*  export_doc: document accessors and the shape check.  */
#include "export_doc.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *
export_doc_str (json_t *object, const char *key)
{
    return json_string_value (json_object_get (object, key));
}

double
export_doc_number_of (json_t *value)
{
    return json_is_number (value) ? json_number_value (value) : NAN;
}

double
export_doc_num (json_t *object, const char *key)
{
    return export_doc_number_of (json_object_get (object, key));
}

json_t *
export_doc_obj (json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    return json_is_object (value) ? value : NULL;
}

json_t *
export_doc_arr (json_t *object, const char *key)
{
    json_t *value = json_object_get (object, key);
    return json_is_array (value) ? value : NULL;
}

json_t *
export_doc_year_value (json_t *row, const char *year, size_t index)
{
    json_t *values = export_doc_arr (row, "values");
    size_t i;
    json_t *value;
    json_array_foreach (values, i, value) {
        const char *period = export_doc_str (value, "period");
        if (period && year && strcmp (period, year) == 0)
            return value;
    }
    value = json_array_get (values, index);
    return export_doc_str (value, "period") ? NULL : value;
}

//  Checks that object [key] is an array of objects; where names the
//  array in the error.
static int
s_objects (json_t *object, const char *key, const char *where, char *err, size_t errlen)
{
    json_t *array = json_object_get (object, key);
    if (!json_is_array (array)) {
        snprintf (err, errlen, "%s document lacks a %s array", where, key);
        return -1;
    }
    size_t i;
    json_t *item;
    json_array_foreach (array, i, item)
        if (!json_is_object (item)) {
            snprintf (err, errlen, "%s document: %s [%zu] is not an object", where, key, i);
            return -1;
        }
    return 0;
}

static int
s_check_scorecard (json_t *doc, char *err, size_t errlen)
{
    if (s_objects (doc, "groups", "scorecard", err, errlen))
        return -1;
    size_t i;
    json_t *group;
    json_array_foreach (json_object_get (doc, "groups"), i, group)
        if (s_objects (group, "rows", "scorecard", err, errlen))
            return -1;
    return 0;
}

static int
s_check_progress (json_t *doc, char *err, size_t errlen)
{
    json_t *years = json_object_get (doc, "years");
    if (!json_is_array (years)) {
        snprintf (err, errlen, "progress document lacks a years array");
        return -1;
    }
    size_t i;
    json_t *item;
    json_array_foreach (years, i, item)
        if (!json_is_string (item)) {
            snprintf (err, errlen, "progress document: years [%zu] is not a string", i);
            return -1;
        }
    if (s_objects (doc, "rows", "progress", err, errlen))
        return -1;
    json_array_foreach (json_object_get (doc, "rows"), i, item)
        if (json_object_get (item, "values") && !json_is_null (json_object_get (item, "values"))
            && s_objects (item, "values", "progress", err, errlen))
            return -1;
    return 0;
}

static int
s_check_indicator (json_t *doc, char *err, size_t errlen)
{
    json_t *indicator = export_doc_obj (doc, "indicator");
    if (!indicator || !export_doc_str (indicator, "code")) {
        snprintf (err, errlen, "indicator document lacks an indicator object with a code");
        return -1;
    }
    return s_objects (doc, "series", "indicator", err, errlen);
}

export_doc_kind_t
export_doc_check (json_t *doc, char *err, size_t errlen)
{
    if (!json_is_object (doc)) {
        snprintf (err, errlen, "document is not a json object");
        return 0;
    }
    const char *report = export_doc_str (doc, "report");
    if (!report) {
        snprintf (err, errlen, "document has no report name");
        return 0;
    }
    if (strcmp (report, "scorecard") == 0)
        return s_check_scorecard (doc, err, errlen) ? 0 : EXPORT_DOC_SCORECARD;
    if (strcmp (report, "progress") == 0)
        return s_check_progress (doc, err, errlen) ? 0 : EXPORT_DOC_PROGRESS;
    if (strcmp (report, "exceptions") == 0)
        return s_objects (doc, "items", "exceptions", err, errlen) ? 0 : EXPORT_DOC_EXCEPTIONS;
    if (strcmp (report, "indicator") == 0)
        return s_check_indicator (doc, err, errlen) ? 0 : EXPORT_DOC_INDICATOR;
    snprintf (err, errlen, "unknown report '%.40s' (want scorecard, progress, exceptions or indicator)", report);
    return 0;
}
