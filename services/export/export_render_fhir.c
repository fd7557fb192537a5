/*  export_render_fhir: report documents as a FHIR R4 Bundle.

    A "collection" Bundle: one Measure per indicator, then one
    MeasureReport (status complete, type summary) per figure: a
    scorecard row's current value, a progress row's yearly values, an
    exception's recent periods, an indicator's series points.  The
    aggregate shape follows IHE mADX: the org unit is the subject (by
    identifier), numerator and denominator are populations, the value is
    the measureScore, and breakdowns (deprivation quintiles, a non-total
    breakdown) are stratifiers with one stratum per breakdown code.  An
    indicator document's children (the org units inside this one) get a
    MeasureReport each, with the child as subject.

    Population counts are integers in FHIR; a numerator or denominator
    that is not a whole number is left out rather than rounded.  A
    missing value keeps its MeasureReport, with a data-absent-reason
    extension on measureScore, so the period is visibly missing.
*/
#include "export_render.h"
#include "period.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_SCORING       "http://terminology.hl7.org/CodeSystem/measure-scoring"
#define S_IMPROVEMENT   "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
#define S_POPULATION    "http://terminology.hl7.org/CodeSystem/measure-population"
#define S_ABSENT        "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
#define S_UCUM          "http://unitsofmeasure.org"
#define S_ISO4217       "urn:iso:std:iso:4217"
#define S_INDICATOR_SYSTEM  "https://carewatch.example/indicator"
#define S_BREAKDOWN_SYSTEM  "https://carewatch.example/breakdown"
#define S_STRATIFIER_SYSTEM "https://carewatch.example/breakdown-kind"

//  What every MeasureReport of one document shares.
typedef struct {
    json_t *entries;            //  Bundle.entry, appended to
    json_t *measures;           //  indicator codes with a Measure already
    const char *org_code;       //  subject org unit code, or NULL
    const char *org_name;       //  its display name, or NULL
    const char *generated_at;   //  MeasureReport.date, or NULL
    char *err;                  //  reason on failure
    size_t errlen;              //  size of err
} s_fhir_t;

//  One figure to report.  Strings and JSON are borrowed.
typedef struct {
    const char *indicator;      //  indicator code
    const char *org_code;       //  subject; NULL = the document's
    const char *org_name;       //  subject display
    const char *period;         //  period code
    const char *start;          //  ISO start date, or NULL to derive from period
    const char *end;            //  ISO end date, or NULL to derive from period
    const char *unit;           //  indicator unit
    const char *polarity;       //  indicator polarity, or NULL
    const char *breakdown;      //  a non-total breakdown the value is for, or NULL
    double value;               //  measureScore; NAN = missing
    double numerator;           //  NAN = none
    double denominator;         //  NAN = none
    json_t *breakdowns;         //  stratifiers to add, or NULL
} s_figure_t;

static json_t *
s_coding (const char *system, const char *code)
{
    return json_pack ("{s:[{s:s, s:s}]}", "coding", "system", system, "code", code);
}

static json_t *
s_concept (const char *system, const char *code)
{
    json_t *concept = s_coding (system, code);
    json_object_set_new (concept, "text", json_string (code));
    return concept;
}

//  A FHIR id from parts joined by '-': [A-Za-z0-9-.], 64 at most.
static void
s_id (char *id, size_t idlen, const char *const *parts, size_t count)
{
    size_t o = 0;
    for (size_t p = 0; p < count; p++) {
        if (!parts [p])
            continue;
        if (o > 0 && o + 1 < idlen && o < 64)
            id [o++] = '-';
        for (const char *c = parts [p]; *c && o + 1 < idlen && o < 64; c++)
            id [o++] = isalnum ((unsigned char) *c) || *c == '.' ? *c : '-';
    }
    id [o] = '\0';
}

static const char *
s_improvement (const char *polarity)
{
    if (polarity && strcmp (polarity, "higher_better") == 0)
        return "increase";
    if (polarity && strcmp (polarity, "lower_better") == 0)
        return "decrease";
    return NULL;
}

//  Measure.scoring: a percentage is a proportion, anything else a
//  continuous variable.
static bool
s_proportion (const char *unit)
{
    return unit && (strcmp (unit, "percent") == 0 || strcmp (unit, "proportion") == 0);
}

static void
s_append (s_fhir_t *self, const char *type, const char *id, json_t *resource)
{
    char url [256];
    snprintf (url, sizeof url, EXPORT_FHIR_BASE "/%s/%s", type, id);
    json_array_append_new (self->entries, json_pack ("{s:s, s:o}", "fullUrl", url, "resource", resource));
}

//  Adds the Measure for indicator code once per document.
static void
s_measure (s_fhir_t *self, const char *code, const char *title, const char *unit,
           const char *polarity, const char *description)
{
    if (!code || json_object_get (self->measures, code))
        return;
    json_object_set_new (self->measures, code, json_true ());
    char id [72], url [256], name [72];
    s_id (id, sizeof id, &code, 1);
    snprintf (url, sizeof url, EXPORT_FHIR_BASE "/Measure/%s", code);
    //  Measure.name is for machines: [A-Z][A-Za-z0-9_]*.
    size_t o = 0;
    if (!isalpha ((unsigned char) code [0]))
        o = (size_t) snprintf (name, sizeof name, "M_");
    for (const char *c = code; *c && o + 1 < sizeof name; c++)
        name [o++] = isalnum ((unsigned char) *c) ? (char) toupper ((unsigned char) *c) : '_';
    name [o] = '\0';
    json_t *measure = json_pack ("{s:s, s:s, s:s, s:[{s:s, s:s}], s:s, s:s, s:s, s:o}",
        "resourceType", "Measure", "id", id, "url", url, "identifier", "system", S_INDICATOR_SYSTEM,
        "value", code, "name", name, "title", title ? title : code, "status", "active",
        "scoring", s_coding (S_SCORING, s_proportion (unit) ? "proportion" : "continuous-variable"));
    if (description)
        json_object_set_new (measure, "description", json_string (description));
    const char *notation = s_improvement (polarity);
    if (notation)
        json_object_set_new (measure, "improvementNotation", s_coding (S_IMPROVEMENT, notation));
    s_append (self, "Measure", id, measure);
}

//  measureScore: a Quantity in UCUM where the unit has a code.
static json_t *
s_score (double value, const char *unit)
{
    static const struct { const char *unit, *text, *system, *code; } units [] = {
        { "percent", "%", S_UCUM, "%" },
        { "per_1000", "per 1,000", S_UCUM, "/10*3" },
        { "per_10000", "per 10,000", S_UCUM, "/10*4" },
        { "per_100000", "per 100,000", S_UCUM, "/10*5" },
        { "count", "count", S_UCUM, "1" },
        { "number", "number", S_UCUM, "1" },
        { "ratio", "ratio", S_UCUM, "1" },
        { "years", "years", S_UCUM, "a" },
        { "days", "days", S_UCUM, "d" },
        { "weeks", "weeks", S_UCUM, "wk" },
        { "minutes", "minutes", S_UCUM, "min" },
        { "pounds", "£", S_ISO4217, "GBP" },
    };
    if (!isfinite (value))
        return json_pack ("{s:[{s:s, s:s}]}", "extension", "url", S_ABSENT, "valueCode", "unknown");
    json_t *score = json_pack ("{s:f}", "value", value);
    for (size_t i = 0; unit && i < sizeof units / sizeof units [0]; i++)
        if (strcmp (unit, units [i].unit) == 0) {
            json_object_set_new (score, "unit", json_string (units [i].text));
            json_object_set_new (score, "system", json_string (units [i].system));
            json_object_set_new (score, "code", json_string (units [i].code));
            return score;
        }
    if (unit)
        json_object_set_new (score, "unit", json_string (unit));
    return score;
}

//  Appends numerator and denominator populations (whole numbers only).
static void
s_populations (json_t *parent, double numerator, double denominator)
{
    json_t *populations = json_array ();
    const char *codes [2] = { "numerator", "denominator" };
    double counts [2] = { numerator, denominator };
    for (int k = 0; k < 2; k++)
        if (isfinite (counts [k]) && counts [k] == floor (counts [k]) && fabs (counts [k]) < 9e15)
            json_array_append_new (populations, json_pack ("{s:o, s:I}", "code", s_coding (S_POPULATION, codes [k]),
                                                           "count", (json_int_t) counts [k]));
    if (json_array_size (populations))
        json_object_set_new (parent, "population", populations);
    else
        json_decref (populations);
}

static json_t *
s_stratum (const char *code, double value, double numerator, double denominator, const char *unit)
{
    json_t *stratum = json_pack ("{s:o, s:o}", "value", s_concept (S_BREAKDOWN_SYSTEM, code),
                                 "measureScore", s_score (value, unit));
    s_populations (stratum, numerator, denominator);
    return stratum;
}

//  One stratifier named kind from entries [{breakdown, value, ...}].
static void
s_stratifier (json_t *stratifiers, const char *kind, json_t *entries, const char *unit)
{
    json_t *strata = json_array ();
    size_t i;
    json_t *entry;
    json_array_foreach (entries, i, entry) {
        const char *code = export_doc_str (entry, "breakdown");
        if (code)
            json_array_append_new (strata, s_stratum (code, export_doc_num (entry, "value"),
                                                      export_doc_num (entry, "numerator"),
                                                      export_doc_num (entry, "denominator"), unit));
    }
    if (!json_array_size (strata)) {
        json_decref (strata);
        return;
    }
    json_array_append_new (stratifiers, json_pack ("{s:[o], s:o}", "code", s_concept (S_STRATIFIER_SYSTEM, kind),
                                                   "stratum", strata));
}

//  Stratifiers from breakdowns: an array of {breakdown, value} is one
//  "breakdown" stratifier; an object gives one stratifier per array it
//  holds (e.g. "deprivation"), except "children", which are org units.
static json_t *
s_stratifiers (json_t *breakdowns, const char *unit)
{
    json_t *stratifiers = json_array ();
    if (json_is_array (breakdowns))
        s_stratifier (stratifiers, "breakdown", breakdowns, unit);
    else {
        const char *key;
        json_t *value;
        json_object_foreach (breakdowns, key, value)
            if (json_is_array (value) && strcmp (key, "children") != 0)
                s_stratifier (stratifiers, key, value, unit);
    }
    return stratifiers;
}

static int
s_report (s_fhir_t *self, const s_figure_t *f)
{
    char start [16], end [16], id [72], url [256];
    if (!f->indicator || !f->period) {
        snprintf (self->err, self->errlen, "fhir: a figure lacks its indicator or period");
        return -1;
    }
    if (!f->start || !f->end) {
        period_t period;
        char why [64];
        if (period_parse (f->period, &period, why, sizeof why)) {
            snprintf (self->err, self->errlen, "fhir: period '%.32s' of %.32s is not a period code: %s",
                      f->period, f->indicator, why);
            return -1;
        }
        period_iso (period.start, start, sizeof start);
        period_iso (period.end, end, sizeof end);
    }
    const char *org_code = f->org_code ? f->org_code : self->org_code;
    const char *org_name = f->org_code ? f->org_name : self->org_name;
    const char *parts [4] = { f->indicator, org_code, f->period, f->breakdown };
    s_id (id, sizeof id, parts, 4);
    snprintf (url, sizeof url, EXPORT_FHIR_BASE "/Measure/%s", f->indicator);
    json_t *report = json_pack ("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "resourceType", "MeasureReport",
        "id", id, "status", "complete", "type", "summary", "measure", url,
        "period", "start", f->start && f->end ? f->start : start, "end", f->start && f->end ? f->end : end);
    if (org_code) {
        json_t *subject = json_pack ("{s:{s:s, s:s}}", "identifier", "system", EXPORT_FHIR_ORG_SYSTEM, "value", org_code);
        if (org_name)
            json_object_set_new (subject, "display", json_string (org_name));
        json_object_set_new (report, "subject", subject);
    }
    if (self->generated_at)
        json_object_set_new (report, "date", json_string (self->generated_at));
    const char *notation = s_improvement (f->polarity);
    if (notation)
        json_object_set_new (report, "improvementNotation", s_coding (S_IMPROVEMENT, notation));
    json_t *group = json_object ();
    json_t *stratifiers = f->breakdowns ? s_stratifiers (f->breakdowns, f->unit) : json_array ();
    if (f->breakdown) {
        //  The whole figure is for one breakdown: it is a stratum, not
        //  the group's score.
        json_t *strata = json_pack ("[o]", s_stratum (f->breakdown, f->value, f->numerator, f->denominator, f->unit));
        json_array_append_new (stratifiers, json_pack ("{s:[o], s:o}", "code",
                               s_concept (S_STRATIFIER_SYSTEM, "breakdown"), "stratum", strata));
    }
    else {
        s_populations (group, f->numerator, f->denominator);
        json_object_set_new (group, "measureScore", s_score (f->value, f->unit));
    }
    if (json_array_size (stratifiers))
        json_object_set_new (group, "stratifier", stratifiers);
    else
        json_decref (stratifiers);
    json_object_set_new (report, "group", json_pack ("[o]", group));
    s_append (self, "MeasureReport", id, report);
    return 0;
}

static int
s_scorecard (s_fhir_t *self, json_t *doc)
{
    json_t *period = export_doc_obj (doc, "period");
    const char *code = export_doc_str (period, "code");
    size_t g, r;
    json_t *group, *row;
    json_array_foreach (json_object_get (doc, "groups"), g, group)
        json_array_foreach (json_object_get (group, "rows"), r, row) {
            const char *indicator = export_doc_str (row, "indicator");
            const char *unit = export_doc_str (row, "unit"), *polarity = export_doc_str (row, "polarity");
            json_t *current = export_doc_obj (row, "current");
            s_figure_t f = {
                .indicator = indicator, .period = export_doc_str (current, "period"), .unit = unit,
                .polarity = polarity, .value = export_doc_num (current, "value"),
                .numerator = export_doc_num (current, "numerator"),
                .denominator = export_doc_num (current, "denominator"),
                .breakdowns = json_object_get (row, "breakdowns") };
            if (!f.period)
                f.period = code;
            //  The document states the current period's dates; use them.
            if (f.period && code && strcmp (f.period, code) == 0) {
                f.start = export_doc_str (period, "start");
                f.end = export_doc_str (period, "end");
            }
            s_measure (self, indicator, export_doc_str (row, "name"), unit, polarity, NULL);
            if (s_report (self, &f))
                return -1;
        }
    return 0;
}

static int
s_progress (s_fhir_t *self, json_t *doc)
{
    size_t r, v;
    json_t *row, *value;
    json_array_foreach (json_object_get (doc, "rows"), r, row) {
        const char *indicator = export_doc_str (row, "indicator"), *unit = export_doc_str (row, "unit");
        s_measure (self, indicator, export_doc_str (row, "name"), unit, export_doc_str (row, "polarity"), NULL);
        json_array_foreach (export_doc_arr (row, "values"), v, value) {
            s_figure_t f = {
                .indicator = indicator, .period = export_doc_str (value, "period"), .unit = unit,
                .polarity = export_doc_str (row, "polarity"), .value = export_doc_num (value, "value"),
                .numerator = NAN, .denominator = NAN };
            if (!f.period)
                f.period = json_string_value (json_array_get (json_object_get (doc, "years"), v));
            if (s_report (self, &f))
                return -1;
        }
    }
    return 0;
}

static int
s_exceptions (s_fhir_t *self, json_t *doc)
{
    size_t i, p;
    json_t *item, *point;
    json_array_foreach (json_object_get (doc, "items"), i, item) {
        const char *indicator = export_doc_str (item, "indicator"), *unit = export_doc_str (item, "unit");
        const char *polarity = export_doc_str (item, "polarity");
        json_t *current = export_doc_obj (item, "current");
        const char *current_period = export_doc_str (current, "period");
        bool current_done = false;
        s_measure (self, indicator, export_doc_str (item, "name"), unit, polarity, NULL);
        json_array_foreach (export_doc_arr (item, "last_periods"), p, point) {
            s_figure_t f = {
                .indicator = indicator, .period = export_doc_str (point, "period"), .unit = unit,
                .polarity = polarity, .value = export_doc_num (point, "value"), .numerator = NAN,
                .denominator = NAN };
            current_done |= f.period && current_period && strcmp (f.period, current_period) == 0;
            if (s_report (self, &f))
                return -1;
        }
        if (current && !current_done) {
            s_figure_t f = {
                .indicator = indicator, .period = current_period, .unit = unit, .polarity = polarity,
                .value = export_doc_num (current, "value"), .numerator = export_doc_num (current, "numerator"),
                .denominator = export_doc_num (current, "denominator") };
            if (s_report (self, &f))
                return -1;
        }
    }
    return 0;
}

static int
s_indicator (s_fhir_t *self, json_t *doc)
{
    json_t *indicator = export_doc_obj (doc, "indicator");
    const char *code = export_doc_str (indicator, "code"), *unit = export_doc_str (indicator, "unit");
    const char *polarity = export_doc_str (indicator, "polarity");
    const char *breakdown = export_doc_str (doc, "breakdown");
    if (breakdown && strcmp (breakdown, "total") == 0)
        breakdown = NULL;
    json_t *breakdowns = export_doc_obj (doc, "breakdowns");
    const char *breakdowns_period = export_doc_str (breakdowns, "period");
    s_measure (self, code, export_doc_str (indicator, "name"), unit, polarity,
               export_doc_str (indicator, "calculation"));
    size_t i;
    json_t *point;
    json_array_foreach (json_object_get (doc, "series"), i, point) {
        s_figure_t f = {
            .indicator = code, .period = export_doc_str (point, "period"), .unit = unit, .polarity = polarity,
            .breakdown = breakdown, .value = export_doc_num (point, "value"),
            .numerator = export_doc_num (point, "numerator"), .denominator = export_doc_num (point, "denominator") };
        //  The breakdowns belong to one period of the total series.
        if (!breakdown && f.period && breakdowns_period && strcmp (f.period, breakdowns_period) == 0)
            f.breakdowns = breakdowns;
        if (s_report (self, &f))
            return -1;
    }
    json_array_foreach (export_doc_arr (breakdowns, "children"), i, point) {
        s_figure_t f = {
            .indicator = code, .org_code = export_doc_str (point, "org_unit"),
            .org_name = export_doc_str (point, "name"), .period = breakdowns_period, .unit = unit,
            .polarity = polarity, .value = export_doc_num (point, "value"),
            .numerator = export_doc_num (point, "numerator"), .denominator = export_doc_num (point, "denominator") };
        if (f.org_code && s_report (self, &f))
            return -1;
    }
    return 0;
}

json_t *
export_render_fhir_bundle (json_t *doc, export_doc_kind_t kind, char *err, size_t errlen)
{
    json_t *org = export_doc_obj (doc, "org_unit");
    s_fhir_t self = {
        .entries = json_array (), .measures = json_object (), .org_code = export_doc_str (org, "code"),
        .org_name = export_doc_str (org, "name"), .generated_at = export_doc_str (doc, "generated_at"),
        .err = err, .errlen = errlen };
    int rc = -1;
    switch (kind) {
        case EXPORT_DOC_SCORECARD:  rc = s_scorecard (&self, doc); break;
        case EXPORT_DOC_PROGRESS:   rc = s_progress (&self, doc); break;
        case EXPORT_DOC_EXCEPTIONS: rc = s_exceptions (&self, doc); break;
        case EXPORT_DOC_INDICATOR:  rc = s_indicator (&self, doc); break;
        default: snprintf (err, errlen, "fhir: unknown report kind %d", (int) kind);
    }
    json_decref (self.measures);
    if (rc) {
        json_decref (self.entries);
        return NULL;
    }
    json_t *bundle = json_pack ("{s:s, s:s}", "resourceType", "Bundle", "type", "collection");
    if (self.generated_at)
        json_object_set_new (bundle, "timestamp", json_string (self.generated_at));
    json_object_set_new (bundle, "entry", self.entries);
    return bundle;
}

int
export_render_fhir (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen)
{
    json_t *bundle = export_render_fhir_bundle (doc, kind, err, errlen);
    if (!bundle)
        return -1;
    int rc = htmlbuf_json (out, bundle, JSON_COMPACT | JSON_REAL_PRECISION (15));
    json_decref (bundle);
    if (rc)
        snprintf (err, errlen, "fhir: cannot serialise the bundle");
    return rc;
}
