/*  test_export_render: each format over small hand-built documents that
    follow docs/export-documents.md: CSV quoting, a JSON round trip, the
    shape of the FHIR resources, and an HTML page that is self-contained,
    escaped and carries the figures, symbols and hooks a browser test
    reads.  */
#include "check.h"
#include "figure.h"
#include "export_render.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

#define NOTE_HOSTILE "Said \"no\", then\nleft <script>alert(1)</script>"

//  A scorecard of three rows: pounds below target with a hostile note,
//  a percentage on target with numerator and denominator and a gap in
//  its series, and a neutral count carrying breakdowns.
static json_t *
s_scorecard (void)
{
    json_t *doc = json_pack (
        "{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:n, s:n},"
        " s:{s:s, s:s, s:s, s:s, s:s, s:s},"
        " s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:{s:i, s:i, s:i, s:i}, s:{s:i, s:i, s:i, s:i}}}",
        "report", "scorecard", "title", "Scorecard Q2 2022/23 – Dudley", "org_unit", "code", "dudley",
        "name", "Dudley", "generated_at", "2023-01-25T10:00:00Z", "filters", "owner", "domain",
        "period", "code", "FY2022-23Q2", "label", "Q2 2022/23", "start", "2022-07-01", "end", "2022-09-30",
        "previous", "FY2022-23Q1", "last_year", "FY2021-22Q2",
        "dashboard", "due", 8, "reported", 8, "missing", 0, "on_target", 7, "tolerance", 0, "below_target", 1,
        "no_target", 0, "short_trend", "improved", 6, "consistent", 0, "worsening", 2, "cannot_compare", 0,
        "annual_trend", "improved", 4, "consistent", 0, "worsening", 4, "cannot_compare", 0);
    json_t *r1 = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:f}, s:{s:s, s:f}, s:{s:s, s:f, s:n, s:n, s:n, s:n},"
        " s:{s:s, s:f, s:n, s:n, s:s}, s:s, s:s, s:s, s:s, s:n, s:s, s:{s:s, s:s}, s:s,"
        " s:[{s:s, s:f}, {s:s, s:f}, {s:s, s:f}]}",
        "indicator", "pi-2257", "name", "PI 2257 Income from health checks", "owner", "Public Health",
        "unit", "pounds", "polarity", "higher_better",
        "last_year", "period", "FY2021-22Q2", "value", 410400.0,
        "previous", "period", "FY2022-23Q1", "value", 135000.0,
        "current", "period", "FY2022-23Q2", "value", 6000.0, "numerator", "denominator", "ci_low", "ci_high",
        "target", "kind", "min", "value", 150000.0, "lower", "upper", "text", "£150,000",
        "status", "below_target", "short_trend", "worsening", "annual_trend", "worsening",
        "benchmark", "not_compared", "england", "benchmark_text", "",
        "spc", "variation", "common_cause", "assurance", "hit_and_miss", "note", NOTE_HOSTILE,
        "series", "period", "FY2021-22Q4", "value", 410400.0, "period", "FY2022-23Q1", "value", 135000.0,
        "period", "FY2022-23Q2", "value", 6000.0);
    json_t *r2 = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:f}, s:{s:s, s:f}, s:{s:s, s:f, s:f, s:f, s:n, s:n},"
        " s:{s:s, s:f, s:s}, s:s, s:s, s:s, s:s, s:f, s:s, s:s, s:[{s:s, s:f}, {s:s, s:n}, {s:s, s:f}]}",
        "indicator", "pi-2133", "name", "PI 2133 % living alone or with family", "owner", "Adult Social Care",
        "unit", "percent", "polarity", "higher_better",
        "last_year", "period", "FY2021-22Q2", "value", 49.5, "previous", "period", "FY2022-23Q1", "value", 46.0,
        "current", "period", "FY2022-23Q2", "value", 73.0, "numerator", 73.0, "denominator", 100.0,
        "ci_low", "ci_high",
        "target", "kind", "min", "value", 50.0, "text", "50%", "status", "on_target", "short_trend", "improved",
        "annual_trend", "improved", "benchmark", "similar", "england", 77.3, "benchmark_text",
        "77.3% England 19/20", "note", "=HYPERLINK(\"x\")",
        "series", "period", "FY2021-22Q4", "value", 49.5, "period", "FY2022-23Q1", "value",
        "period", "FY2022-23Q2", "value", 73.0);
    json_t *r3 = json_pack (
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:n}, s:{s:s, s:n}, s:{s:s, s:f}, s:n, s:s, s:s, s:s,"
        " s:s, s:n, s:[{s:s, s:f}, {s:s, s:f}]}",
        "indicator", "pi-9", "name", "Contacts", "owner", "ASC", "unit", "count", "polarity", "neutral",
        "last_year", "period", "FY2021-22Q2", "value", "previous", "period", "FY2022-23Q1", "value",
        "current", "period", "FY2022-23Q2", "value", -5.0, "target", "status", "no_target",
        "short_trend", "higher", "annual_trend", "cannot_compare", "benchmark", "not_compared", "note",
        "breakdowns", "breakdown", "imd_q1", "value", 3.0, "breakdown", "imd_q5", "value", 1.0);
    json_object_set_new (doc, "groups", json_pack ("[{s:s, s:[o, o]}, {s:s, s:[o]}]",
                         "domain", "Dudley the safe and healthy borough", "rows", r1, r2,
                         "domain", "Other", "rows", r3));
    return doc;
}

static json_t *
s_progress (void)
{
    return json_pack (
        "{s:s, s:s, s:{s:s, s:s}, s:[s, s, s], s:[{s:s, s:s, s:s, s:s, s:{s:s, s:f, s:s},"
        " s:[{s:s, s:f, s:s, s:n}, {s:s, s:n, s:s, s:s}, {s:s, s:f, s:s, s:s}]}], s:[s]}",
        "report", "progress", "title", "Our progress – Dudley", "org_unit", "code", "dudley", "name", "Dudley",
        "years", "FY2022-23", "FY2023-24", "FY2024-25",
        "rows", "domain", "Start well", "indicator", "pi-1", "name", "Vaccination, age 2", "unit", "percent",
        "target", "kind", "min", "value", 95.0, "text", "95%",
        "values", "period", "FY2022-23", "value", 92.1, "status", "below_target", "footnote",
        "period", "FY2023-24", "value", "status", "missing", "footnote", "not available: published in arrears",
        "period", "FY2024-25", "value", 113.8, "status", "no_target", "footnote", "snapshot 2025-03-24",
        "footnotes", "Figures are provisional");
}

static json_t *
s_exceptions (void)
{
    return json_pack (
        "{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:[{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:f, s:s}, s:s, s:s, s:s,"
        " s:{s:s, s:f}, s:[{s:s, s:f, s:s}, {s:s, s:f, s:s}, {s:s, s:f, s:s}], s:[s, s]}]}",
        "report", "exceptions", "title", "Exceptions Q2 2022/23", "org_unit", "code", "dudley", "name", "Dudley",
        "period", "code", "FY2022-23Q2", "label", "Q2 2022/23",
        "items", "indicator", "pi-2257", "name", "Health check income", "owner", "Public Health", "unit", "pounds",
        "polarity", "higher_better", "target", "kind", "min", "value", 150000.0, "text", "£150,000",
        "status", "below_target", "short_trend", "worsening", "annual_trend", "worsening",
        "current", "period", "FY2022-23Q2", "value", 6000.0,
        "last_periods", "period", "FY2021-22Q4", "value", 1236000.0, "status", "on_target",
        "period", "FY2022-23Q1", "value", 135000.0, "status", "below_target",
        "period", "FY2022-23Q2", "value", 6000.0, "status", "below_target",
        "commentary", "Newest: recovery plan, agreed", "Older: \"delays\"");
}

//  An indicator with a special cause high point (improving: higher is
//  better) and a rebase-free set of limits, and breakdowns at the latest.
static json_t *
s_indicator (void)
{
    json_t *doc = json_pack (
        "{s:s, s:s, s:{s:s, s:s}, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:i}, s:s,"
        " s:[{s:s, s:s, s:f, s:s}]}, s:s, s:{s:f, s:f, s:f, s:s, s:s, s:b}}",
        "report", "indicator", "title", "PI 2133 – Dudley", "org_unit", "code", "dudley", "name", "Dudley",
        "generated_at", "2023-01-25T10:00:00Z",
        "indicator", "code", "pi-2133", "name", "PI 2133 living at home", "domain", "Adults", "owner", "ASC",
        "unit", "percent", "polarity", "higher_better", "calculation", "numerator / denominator x 100",
        "source", "seed", "001", "line", 3806, "notes", "see <notes>",
        "targets", "from", "FY2022-23", "kind", "min", "value", 50.0, "text", "50%",
        "breakdown", "total",
        "spc", "mean", 50.0, "lcl", 40.0, "ucl", 60.0, "variation", "special_cause_improving",
        "assurance", "hit_and_miss", "trial", 1);
    json_t *series = json_array ();
    const char *periods [4] = { "FY2021-22Q1", "FY2021-22Q2", "FY2021-22Q3", "FY2021-22Q4" };
    double values [4] = { 49.0, 51.0, 50.0, 65.0 };
    for (int i = 0; i < 4; i++)
        json_array_append_new (series, json_pack (
            "{s:s, s:f, s:n, s:n, s:f, s:f, s:s, s:f, s:f, s:f, s:b, s:o}", "period", periods [i],
            "value", values [i], "ci_low", "ci_high", "numerator", values [i], "denominator", 100.0,
            "status", values [i] >= 50 ? "on_target" : "below_target", "spc_mean", 50.0, "spc_lcl", 40.0,
            "spc_ucl", 60.0, "special_cause", i == 3, "spc_rule", i == 3 ? json_string ("outside_limits") : json_null ()));
    json_object_set_new (doc, "series", series);
    json_object_set_new (doc, "breakdowns", json_pack (
        "{s:s, s:[{s:s, s:s, s:f, s:f, s:f}], s:[{s:s, s:i, s:f}, {s:s, s:i, s:f}], s:{s:f, s:f}}",
        "period", "FY2021-22Q4", "children", "org_unit", "dudley-north", "name", "Dudley North", "value", 70.0,
        "ci_low", 60.0, "ci_high", 80.0, "deprivation", "breakdown", "imd_q1", "rank", 1, "value", 55.0,
        "breakdown", "imd_q5", "rank", 5, "value", 44.0, "gap", "value", 11.0, "ratio", 1.25));
    return doc;
}

static char *
s_render (json_t *doc, const char *format, const char **type)
{
    char *body = NULL, err [256] = "";
    size_t len = 0;
    if (export_render (doc, format, &body, &len, type, err, sizeof err) != 0) {
        fprintf (stderr, "render %s failed: %s\n", format, err);
        return NULL;
    }
    CHECK_INT (len, strlen (body));
    return body;
}

static void
test_refusals (void)
{
    char *body = (char *) 1, err [256] = "";
    size_t len = 7;
    const char *type = NULL;
    json_t *doc = s_scorecard ();
    CHECK_INT (export_render (doc, "xml", &body, &len, &type, err, sizeof err), -1);
    CHECK (body == NULL);
    CHECK_CONTAINS (err, "unknown format 'xml'");
    CHECK_INT (export_render (doc, NULL, &body, &len, &type, err, sizeof err), -1);
    json_decref (doc);

    struct { const char *json, *why; } bad [] = {
        { "[1, 2]", "not a json object" },
        { "{\"title\": \"x\"}", "no report name" },
        { "{\"report\": \"budget\"}", "unknown report 'budget'" },
        { "{\"report\": \"scorecard\"}", "lacks a groups array" },
        { "{\"report\": \"scorecard\", \"groups\": [7]}", "groups [0] is not an object" },
        { "{\"report\": \"scorecard\", \"groups\": [{\"rows\": {}}]}", "lacks a rows array" },
        { "{\"report\": \"progress\", \"years\": [2022], \"rows\": []}", "years [0] is not a string" },
        { "{\"report\": \"progress\", \"years\": [], \"rows\": [{\"values\": 3}]}", "lacks a values array" },
        { "{\"report\": \"exceptions\", \"items\": null}", "lacks a items array" },
        { "{\"report\": \"indicator\", \"series\": []}", "lacks an indicator object" },
        { "{\"report\": \"indicator\", \"indicator\": {\"code\": \"x\"}}", "lacks a series array" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        json_t *d = json_loads (bad [i].json, 0, NULL);
        const char *formats [4] = { "json", "csv", "fhir", "html" };
        for (int f = 0; f < 4; f++) {
            err [0] = '\0';
            body = (char *) 1;
            CHECK_INT (export_render (d, formats [f], &body, &len, &type, err, sizeof err), -1);
            CHECK (body == NULL);
            CHECK_CONTAINS (err, bad [i].why);
        }
        json_decref (d);
    }
}

static void
test_json_round_trip (void)
{
    json_t *docs [4] = { s_scorecard (), s_progress (), s_exceptions (), s_indicator () };
    for (int i = 0; i < 4; i++) {
        const char *type = NULL;
        char *body = s_render (docs [i], "json", &type);
        CHECK_STR (type, "application/json");
        CHECK (body && !strchr (body, '\n'));
        json_error_t error;
        json_t *back = body ? json_loads (body, 0, &error) : NULL;
        CHECK (back != NULL);
        CHECK (json_equal (back, docs [i]));
        json_decref (back);
        free (body);
        json_decref (docs [i]);
    }
    //  Short numbers stay short.
    json_t *doc = s_progress ();
    char *body = s_render (doc, "json", NULL);
    CHECK_CONTAINS (body, "92.1,");
    CHECK (!strstr (body, "92.09999"));
    free (body);
    json_decref (doc);
}

static void
test_csv_scorecard (void)
{
    json_t *doc = s_scorecard ();
    const char *type = NULL;
    char *body = s_render (doc, "csv", &type);
    CHECK_STR (type, "text/csv; charset=utf-8");
    CHECK (body && strncmp (body, "domain,indicator,name,owner,unit,last_year_period,last_year_value,"
                                  "previous_period,previous_value,current_period,current_value,target,status,"
                                  "short_trend,annual_trend,benchmark,england,note\r\n", 174) == 0);
    //  The note: quoted for its comma, quote and newline; quotes doubled.
    CHECK_CONTAINS (body, "Dudley the safe and healthy borough,pi-2257,PI 2257 Income from health checks,"
                          "Public Health,pounds,FY2021-22Q2,410400,FY2022-23Q1,135000,FY2022-23Q2,6000,"
                          "\"£150,000\",below_target,worsening,worsening,not_compared,,"
                          "\"Said \"\"no\"\", then\nleft <script>alert(1)</script>\"\r\n");
    //  Raw numbers, empty for null; a formula-looking note is defused;
    //  a negative number is still a number.
    CHECK_CONTAINS (body, ",FY2021-22Q2,49.5,FY2022-23Q1,46,FY2022-23Q2,73,50%,on_target,improved,improved,"
                          "similar,77.3,\"'=HYPERLINK(\"\"x\"\")\"\r\n");
    CHECK_CONTAINS (body, "Other,pi-9,Contacts,ASC,count,FY2021-22Q2,,FY2022-23Q1,,FY2022-23Q2,-5,,no_target,"
                          "higher,cannot_compare,not_compared,,\r\n");
    //  Header plus three rows; the only bare LF is inside the quoted note.
    CHECK_INT (check_occurrences (body, "\r\n"), 4);
    CHECK_INT (check_occurrences (body, "\n"), 5);
    free (body);
    json_decref (doc);
}

static void
test_csv_other_reports (void)
{
    json_t *doc = s_progress ();
    char *body = s_render (doc, "csv", NULL);
    CHECK_STR (body, "domain,indicator,name,target,FY2022-23,FY2022-23 footnote,FY2023-24,FY2023-24 footnote,"
                     "FY2024-25,FY2024-25 footnote\r\n"
                     "Start well,pi-1,\"Vaccination, age 2\",95%,92.1,,,not available: published in arrears,"
                     "113.8,snapshot 2025-03-24\r\n");
    free (body);
    json_decref (doc);

    doc = s_exceptions ();
    body = s_render (doc, "csv", NULL);
    CHECK_STR (body, "indicator,name,owner,unit,period,value,target,status,short_trend,annual_trend,commentary\r\n"
                     "pi-2257,Health check income,Public Health,pounds,FY2022-23Q2,6000,\"£150,000\","
                     "below_target,worsening,worsening,\"Newest: recovery plan, agreed\nOlder: \"\"delays\"\"\"\r\n");
    free (body);
    json_decref (doc);

    doc = s_indicator ();
    body = s_render (doc, "csv", NULL);
    CHECK (body && strncmp (body, "indicator,org_unit,breakdown,period,value,ci_low,ci_high,numerator,denominator,"
                                  "status,spc_mean,spc_lcl,spc_ucl,special_cause,spc_rule\r\n", 130) == 0);
    CHECK_CONTAINS (body, "\r\npi-2133,dudley,total,FY2021-22Q1,49,,,49,100,below_target,50,40,60,false,\r\n");
    CHECK_CONTAINS (body, "\r\npi-2133,dudley,total,FY2021-22Q4,65,,,65,100,on_target,50,40,60,true,outside_limits\r\n");
    CHECK_INT (check_occurrences (body, "\r\n"), 5);
    free (body);
    json_decref (doc);
}

//  The entry of bundle whose resource has type and id.
static json_t *
s_resource (json_t *bundle, const char *type, const char *id)
{
    size_t i;
    json_t *entry;
    json_array_foreach (json_object_get (bundle, "entry"), i, entry) {
        json_t *r = json_object_get (entry, "resource");
        if (strcmp (json_string_value (json_object_get (r, "resourceType")), type) == 0
            && strcmp (json_string_value (json_object_get (r, "id")), id) == 0)
            return r;
    }
    return NULL;
}

//  The value at a dotted path ("group.0.measureScore.value"); numbers
//  index arrays.  NULL when any step is missing.
static json_t *
s_get (json_t *root, const char *path)
{
    char step [64];
    while (root && *path) {
        size_t n = strcspn (path, ".");
        snprintf (step, sizeof step, "%.*s", (int) n, path);
        if (json_is_array (root))
            root = json_array_get (root, (size_t) atoi (step));
        else
            root = json_object_get (root, step);
        path += n + (path [n] == '.');
    }
    return root;
}

static const char *
s_str (json_t *root, const char *path)
{
    return json_string_value (s_get (root, path));
}

static double
s_num (json_t *root, const char *path)
{
    json_t *v = s_get (root, path);
    return json_is_number (v) ? json_number_value (v) : NAN;
}

static void
test_fhir_scorecard (void)
{
    json_t *doc = s_scorecard ();
    const char *type = NULL;
    char *body = s_render (doc, "fhir", &type);
    CHECK_STR (type, "application/fhir+json");
    json_t *bundle = body ? json_loads (body, 0, NULL) : NULL;
    CHECK (bundle != NULL);
    CHECK_STR (s_str (bundle, "resourceType"), "Bundle");
    CHECK_STR (s_str (bundle, "type"), "collection");
    CHECK_STR (s_str (bundle, "timestamp"), "2023-01-25T10:00:00Z");
    //  Three Measures and three MeasureReports.
    CHECK_INT (json_array_size (json_object_get (bundle, "entry")), 6);
    CHECK_STR (s_str (bundle, "entry.0.fullUrl"), "https://carewatch.example/fhir/Measure/pi-2257");

    json_t *m = s_resource (bundle, "Measure", "pi-2257");
    CHECK (m != NULL);
    CHECK_STR (s_str (m, "url"), "https://carewatch.example/fhir/Measure/pi-2257");
    CHECK_STR (s_str (m, "status"), "active");
    CHECK_STR (s_str (m, "name"), "PI_2257");
    CHECK_STR (s_str (m, "title"), "PI 2257 Income from health checks");
    CHECK_STR (s_str (m, "scoring.coding.0.system"), "http://terminology.hl7.org/CodeSystem/measure-scoring");
    CHECK_STR (s_str (m, "scoring.coding.0.code"), "continuous-variable");
    CHECK_STR (s_str (m, "improvementNotation.coding.0.system"),
               "http://terminology.hl7.org/CodeSystem/measure-improvement-notation");
    CHECK_STR (s_str (m, "improvementNotation.coding.0.code"), "increase");
    m = s_resource (bundle, "Measure", "pi-2133");
    CHECK_STR (s_str (m, "scoring.coding.0.code"), "proportion");
    m = s_resource (bundle, "Measure", "pi-9");
    CHECK (m && !json_object_get (m, "improvementNotation"));

    json_t *r = s_resource (bundle, "MeasureReport", "pi-2133-dudley-FY2022-23Q2");
    CHECK (r != NULL);
    CHECK_STR (s_str (r, "status"), "complete");
    CHECK_STR (s_str (r, "type"), "summary");
    CHECK_STR (s_str (r, "measure"), "https://carewatch.example/fhir/Measure/pi-2133");
    CHECK_STR (s_str (r, "period.start"), "2022-07-01");
    CHECK_STR (s_str (r, "period.end"), "2022-09-30");
    CHECK_STR (s_str (r, "date"), "2023-01-25T10:00:00Z");
    CHECK_STR (s_str (r, "subject.identifier.system"), "https://carewatch.example/org-unit");
    CHECK_STR (s_str (r, "subject.identifier.value"), "dudley");
    CHECK_STR (s_str (r, "subject.display"), "Dudley");
    CHECK_STR (s_str (r, "group.0.population.0.code.coding.0.system"),
               "http://terminology.hl7.org/CodeSystem/measure-population");
    CHECK_STR (s_str (r, "group.0.population.0.code.coding.0.code"), "numerator");
    CHECK_INT (json_integer_value (s_get (r, "group.0.population.0.count")), 73);
    CHECK_STR (s_str (r, "group.0.population.1.code.coding.0.code"), "denominator");
    CHECK_INT (json_integer_value (s_get (r, "group.0.population.1.count")), 100);
    CHECK_NEAR (s_num (r, "group.0.measureScore.value"), 73, 1e-12);
    CHECK_STR (s_str (r, "group.0.measureScore.unit"), "%");
    CHECK_STR (s_str (r, "group.0.measureScore.code"), "%");
    CHECK_STR (s_str (r, "improvementNotation.coding.0.code"), "increase");

    //  Pounds: no populations, GBP; the neutral count has stratifiers.
    r = s_resource (bundle, "MeasureReport", "pi-2257-dudley-FY2022-23Q2");
    CHECK (r && !s_get (r, "group.0.population"));
    CHECK_NEAR (s_num (r, "group.0.measureScore.value"), 6000, 1e-12);
    CHECK_STR (s_str (r, "group.0.measureScore.code"), "GBP");
    r = s_resource (bundle, "MeasureReport", "pi-9-dudley-FY2022-23Q2");
    CHECK (r && !json_object_get (r, "improvementNotation"));
    CHECK_STR (s_str (r, "group.0.stratifier.0.code.0.text"), "breakdown");
    CHECK_STR (s_str (r, "group.0.stratifier.0.stratum.0.value.coding.0.code"), "imd_q1");
    CHECK_NEAR (s_num (r, "group.0.stratifier.0.stratum.0.measureScore.value"), 3, 1e-12);
    CHECK_STR (s_str (r, "group.0.stratifier.0.stratum.1.value.text"), "imd_q5");
    json_decref (bundle);
    free (body);
    json_decref (doc);
}

static void
test_fhir_indicator (void)
{
    json_t *doc = s_indicator ();
    json_t *indicator = json_object_get (doc, "indicator");
    char *body = s_render (doc, "fhir", NULL);
    json_t *bundle = body ? json_loads (body, 0, NULL) : NULL;
    //  One Measure, four series points, one child area.
    CHECK_INT (json_array_size (json_object_get (bundle, "entry")), 6);
    json_t *m = s_resource (bundle, "Measure", "pi-2133");
    CHECK_STR (s_str (m, "description"), "numerator / denominator x 100");
    json_t *r = s_resource (bundle, "MeasureReport", "pi-2133-dudley-FY2021-22Q1");
    CHECK_STR (s_str (r, "period.start"), "2021-04-01");
    CHECK_STR (s_str (r, "period.end"), "2021-06-30");
    CHECK_NEAR (s_num (r, "group.0.measureScore.value"), 49, 1e-12);
    CHECK (!s_get (r, "group.0.stratifier"));
    //  The deprivation breakdown rides on the latest period.
    r = s_resource (bundle, "MeasureReport", "pi-2133-dudley-FY2021-22Q4");
    CHECK_STR (s_str (r, "period.start"), "2022-01-01");
    CHECK_STR (s_str (r, "group.0.stratifier.0.code.0.coding.0.code"), "deprivation");
    CHECK_STR (s_str (r, "group.0.stratifier.0.stratum.0.value.coding.0.code"), "imd_q1");
    CHECK_NEAR (s_num (r, "group.0.stratifier.0.stratum.1.measureScore.value"), 44, 1e-12);
    r = s_resource (bundle, "MeasureReport", "pi-2133-dudley-north-FY2021-22Q4");
    CHECK_STR (s_str (r, "subject.identifier.value"), "dudley-north");
    CHECK_STR (s_str (r, "subject.display"), "Dudley North");
    CHECK_NEAR (s_num (r, "group.0.measureScore.value"), 70, 1e-12);
    json_decref (bundle);
    free (body);

    //  Lower is better reads "decrease"; a missing value keeps its report
    //  with a data-absent-reason; a non-total series is a stratum.
    json_object_set_new (indicator, "polarity", json_string ("lower_better"));
    json_object_set_new (json_array_get (json_object_get (doc, "series"), 1), "value", json_null ());
    json_object_set_new (doc, "breakdown", json_string ("imd_q1"));
    body = s_render (doc, "fhir", NULL);
    bundle = body ? json_loads (body, 0, NULL) : NULL;
    m = s_resource (bundle, "Measure", "pi-2133");
    CHECK_STR (s_str (m, "improvementNotation.coding.0.code"), "decrease");
    r = s_resource (bundle, "MeasureReport", "pi-2133-dudley-FY2021-22Q2-imd-q1");
    CHECK (r && !s_get (r, "group.0.measureScore"));
    CHECK_STR (s_str (r, "group.0.stratifier.0.stratum.0.value.coding.0.code"), "imd_q1");
    CHECK_STR (s_str (r, "group.0.stratifier.0.stratum.0.measureScore.extension.0.url"),
               "http://hl7.org/fhir/StructureDefinition/data-absent-reason");
    json_decref (bundle);
    free (body);

    //  A period that is not a period code cannot become a FHIR period.
    json_object_set_new (json_array_get (json_object_get (doc, "series"), 0), "period", json_string ("soon"));
    char *out = NULL, err [256] = "";
    CHECK_INT (export_render (doc, "fhir", &out, NULL, NULL, err, sizeof err), -1);
    CHECK_CONTAINS (err, "period 'soon' of pi-2133");
    json_decref (doc);

    //  Progress and exceptions make bundles too.
    doc = s_progress ();
    body = s_render (doc, "fhir", NULL);
    bundle = body ? json_loads (body, 0, NULL) : NULL;
    CHECK_INT (json_array_size (json_object_get (bundle, "entry")), 4);
    r = s_resource (bundle, "MeasureReport", "pi-1-dudley-FY2024-25");
    CHECK_STR (s_str (r, "period.start"), "2024-04-01");
    CHECK_STR (s_str (r, "period.end"), "2025-03-31");
    json_decref (bundle);
    free (body);
    json_decref (doc);
    doc = s_exceptions ();
    body = s_render (doc, "fhir", NULL);
    bundle = body ? json_loads (body, 0, NULL) : NULL;
    CHECK_INT (json_array_size (json_object_get (bundle, "entry")), 4);
    json_decref (bundle);
    free (body);
    json_decref (doc);
}

//  No fetched asset: no URL at all, no src, no stylesheet link, no script.
static void
s_self_contained (const char *html)
{
    CHECK (html && !strstr (html, "http://"));
    CHECK (html && !strstr (html, "https://"));
    CHECK (html && !strstr (html, "src="));
    CHECK (html && !strstr (html, "href="));
    CHECK (html && !strstr (html, "<link"));
    CHECK (html && !strstr (html, "<script"));
    CHECK (html && !strstr (html, "@import"));
    CHECK (html && !strstr (html, "url("));
    CHECK (html && strncmp (html, "<!DOCTYPE html>", 15) == 0);
    CHECK_CONTAINS (html, "</html>");
    CHECK_CONTAINS (html, "<style>");
}

static void
test_html_scorecard (void)
{
    json_t *doc = s_scorecard ();
    const char *type = NULL;
    char *html = s_render (doc, "html", &type);
    CHECK_STR (type, "text/html; charset=utf-8");
    s_self_contained (html);
    CHECK_CONTAINS (html, "@media print");
    CHECK_CONTAINS (html, "<title>Scorecard Q2 2022/23 – Dudley</title>");
    //  Dashboard figures above the table.
    CHECK_CONTAINS (html, "id=\"due\">8<");
    CHECK_CONTAINS (html, "id=\"reported\">8<");
    CHECK_CONTAINS (html, "id=\"missing\">0<");
    CHECK_CONTAINS (html, "id=\"on-target\">7<");
    CHECK_CONTAINS (html, "id=\"tolerance\">0<");
    CHECK_CONTAINS (html, "id=\"below-target\">1<");
    CHECK_CONTAINS (html, "id=\"improved\">6<");
    CHECK_CONTAINS (html, "id=\"consistent\">0<");
    CHECK_CONTAINS (html, "id=\"worsening\">2<");
    CHECK_CONTAINS (html, "id=\"annual-worsening\">4<");
    CHECK (html && strstr (html, "id=\"due\"") < strstr (html, "<table"));
    //  Column headings are period labels.
    CHECK_CONTAINS (html, ">Q2 2021/22</th>");
    CHECK_CONTAINS (html, ">Q2 2022/23</th>");
    //  A row a browser test can read.
    CHECK_CONTAINS (html, "<tr class=\"kpi st-below_target\" data-indicator=\"pi-2257\">");
    CHECK_CONTAINS (html, "<td class=\"current num\" data-value=\"6000\">£6,000</td>");
    CHECK_CONTAINS (html, "<td class=\"last-year num\" data-value=\"410400\">£410,400</td>");
    CHECK_CONTAINS (html, "<td class=\"previous num\" data-value=\"135000\">£135,000</td>");
    CHECK_CONTAINS (html, "<td class=\"target\">£150,000</td>");
    CHECK_CONTAINS (html, "<td class=\"status st-below_target\"><span class=\"sym\" aria-hidden=\"true\">▲</span>"
                          " Below target</td>");
    CHECK_CONTAINS (html, "<td class=\"short-trend tr-worsening\"><span class=\"sym\" aria-hidden=\"true\">↘</span>"
                          " Worsening</td>");
    CHECK_CONTAINS (html, "<td class=\"current num\" data-value=\"73\">73.0%</td>");
    CHECK_CONTAINS (html, "<td class=\"last-year num\" data-value=\"49.5\">49.5%</td>");
    CHECK_CONTAINS (html, "★</span> On target");
    CHECK_CONTAINS (html, "<td class=\"annual-trend tr-improved\"><span class=\"sym\" aria-hidden=\"true\">↗</span>"
                          " Improved</td>");
    CHECK_CONTAINS (html, "↑</span> Higher");
    CHECK_CONTAINS (html, "<td class=\"current num\" data-value=\"-5\">-5</td>");
    CHECK_CONTAINS (html, "<td class=\"last-year num\">–</td>");
    CHECK_CONTAINS (html, "77.3% England 19/20");
    //  The note is escaped, never live.
    CHECK_CONTAINS (html, "Said &quot;no&quot;, then\nleft &lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK_CONTAINS (html, "=HYPERLINK(&quot;x&quot;)");
    //  A sparkline for each row with a series (pi-9 has none).
    CHECK_INT (check_occurrences (html, "<svg class=\"sparkline\""), 2);
    CHECK_CONTAINS (html, "aria-label=\"Trend over 3 periods, Q4 2021/22 to Q2 2022/23\"");
    free (html);
    json_decref (doc);
}

static void
test_html_detail (void)
{
    json_t *doc = s_indicator ();
    char *html = s_render (doc, "html", NULL);
    s_self_contained (html);
    CHECK_INT (check_occurrences (html, "<svg class=\"spc\""), 1);
    //  65 is beyond the upper limit and higher is better: blue.
    CHECK_INT (check_occurrences (html, "class=\"pt improving\""), 1);
    CHECK_INT (check_occurrences (html, "class=\"pt common\""), 3);
    CHECK_CONTAINS (html, "<line class=\"target\"");
    CHECK_CONTAINS (html, "<line class=\"ucl\"");
    CHECK_CONTAINS (html, "see &lt;notes&gt;");
    CHECK_CONTAINS (html, "Special cause improving");
    CHECK_CONTAINS (html, "Hit and miss");
    CHECK_CONTAINS (html, "<tr class=\"point\" data-period=\"FY2021-22Q4\">");
    CHECK_CONTAINS (html, "Outside limits");
    CHECK_CONTAINS (html, "seed 001, line 3806");
    CHECK_CONTAINS (html, "Dudley North");
    CHECK_CONTAINS (html, "id=\"gap\">11.0%</span> (ratio 1.25)");
    free (html);

    //  A stated variation wins over the side of the mean: concerning.
    json_object_set_new (json_array_get (json_object_get (doc, "series"), 3), "variation",
                         json_string ("special_cause_concerning"));
    html = s_render (doc, "html", NULL);
    CHECK_INT (check_occurrences (html, "class=\"pt concerning\""), 1);
    CHECK_INT (check_occurrences (html, "class=\"pt improving\""), 0);
    free (html);
    json_decref (doc);

    doc = s_exceptions ();
    html = s_render (doc, "html", NULL);
    s_self_contained (html);
    CHECK_CONTAINS (html, "<section class=\"exception\" data-indicator=\"pi-2257\">");
    CHECK_CONTAINS (html, "id=\"exception-count\">1<");
    CHECK_INT (check_occurrences (html, "<svg class=\"spc\""), 1);
    CHECK_CONTAINS (html, "<dd class=\"current\" data-value=\"6000\">£6,000</dd>");
    CHECK_CONTAINS (html, "▲</span> Below target");
    CHECK_CONTAINS (html, "£1,236,000");
    CHECK_CONTAINS (html, "Older: &quot;delays&quot;");
    free (html);
    json_decref (doc);

    doc = s_progress ();
    html = s_render (doc, "html", NULL);
    s_self_contained (html);
    CHECK_CONTAINS (html, "<tr class=\"kpi\" data-indicator=\"pi-1\">");
    CHECK_CONTAINS (html, "data-period=\"FY2022-23\" data-value=\"92.1\"><span class=\"value\">92.1%</span>");
    CHECK_CONTAINS (html, "○</span> Missing");
    CHECK_CONTAINS (html, "not available: published in arrears");
    CHECK_CONTAINS (html, ">2024/25</th>");
    CHECK_CONTAINS (html, "<li>Figures are provisional</li>");
    free (html);
    json_decref (doc);
}

static void
test_format (void)
{
    char b [FIGURE_MAX];
    CHECK_STR (figure_value (73, "percent", b, sizeof b), "73.0%");
    CHECK_STR (figure_value (92.14, "percent", b, sizeof b), "92.1%");
    CHECK_STR (figure_value (150000, "pounds", b, sizeof b), "£150,000");
    CHECK_STR (figure_value (1236000, "pounds", b, sizeof b), "£1,236,000");
    CHECK_STR (figure_value (12.5, "pounds", b, sizeof b), "£12.50");
    CHECK_STR (figure_value (-2500, "pounds", b, sizeof b), "-£2,500");
    CHECK_STR (figure_value (1234567, "count", b, sizeof b), "1,234,567");
    CHECK_STR (figure_value (999, "count", b, sizeof b), "999");
    CHECK_STR (figure_value (-1234, "count", b, sizeof b), "-1,234");
    CHECK_STR (figure_value (2.35, "number", b, sizeof b), "2.35");
    CHECK_STR (figure_value (1234.56, "per_100000", b, sizeof b), "1,234.6");
    CHECK_STR (figure_value (8, "per_1000", b, sizeof b), "8.0");
    CHECK_STR (figure_value (1.254, "ratio", b, sizeof b), "1.25");
    CHECK_STR (figure_value (79.44, "years", b, sizeof b), "79.4 years");
    CHECK_STR (figure_value (12, "days", b, sizeof b), "12 days");
    CHECK_STR (figure_value (1, "days", b, sizeof b), "1 day");
    CHECK_STR (figure_value (2.5, "percentage_points", b, sizeof b), "2.5 pp");
    CHECK_STR (figure_value (-0.04, "percent", b, sizeof b), "0.0%");
    CHECK_STR (figure_value (NAN, "percent", b, sizeof b), "–");
    CHECK_STR (figure_value (3, NULL, b, sizeof b), "3");
}

int
main (void)
{
    test_refusals ();
    test_json_round_trip ();
    test_csv_scorecard ();
    test_csv_other_reports ();
    test_fhir_scorecard ();
    test_fhir_indicator ();
    test_html_scorecard ();
    test_html_detail ();
    test_format ();
    return check_done ("test_export_render");
}
