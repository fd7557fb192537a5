/*  sample_figures: the seed checks of it_sample (sample_figures.h).  */
#include "check.h"
#include "sample_figures.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_directorate_dashboards (json_t *ph);

// ---------------------------------------------------------------------
//  The corporate KPI scorecard, Q2 2022/23 (seed 001)

static json_t *
s_scorecard_row (json_t *doc, const char *indicator)
{
    size_t i, j;
    json_t *g, *row;
    json_array_foreach (json_object_get (doc, "groups"), i, g)
        json_array_foreach (json_object_get (g, "rows"), j, row)
            if (strcmp (sample_str (row, "indicator"), indicator) == 0)
                return row;
    return NULL;
}

int
sample_scorecard (json_t *expected, json_t *seed)
{
    int figures = 0;
    json_t *ex = json_object_get (expected, "corporate_kpi_scorecard_q2_2022_23");
    char path [128];
    snprintf (path, sizeof path, "/v1/scorecards/%s?format=json", sample_str (ex, "period"));
    json_t *doc = sample_get_json (path, sample_reader);
    if (!doc)
        return 0;
    CHECK_STR (sample_str (doc, "report"), "scorecard");
    json_t *period = json_object_get (doc, "period");
    CHECK_STR (sample_str (period, "code"), "FY2022-23Q2");
    CHECK_STR (sample_str (period, "previous"), "FY2022-23Q1");
    CHECK_STR (sample_str (period, "last_year"), "FY2021-22Q2");
    size_t i;
    json_t *kpi;
    CHECK_INT (json_array_size (json_object_get (seed, "kpis")), 8);
    json_array_foreach (json_object_get (seed, "kpis"), i, kpi) {
        const char *code = sample_str (kpi, "indicator");
        json_t *row = s_scorecard_row (doc, code), *values = json_object_get (kpi, "values"),
               *want = json_object_get (kpi, "expected");
        check_count++;
        if (!row) {
            check_failures++;
            fprintf (stderr, "scorecard: no row for %s\n", code);
            continue;
        }
        const char *cols [3][2] = { { "last_year", "FY2021-22Q2" }, { "previous", "FY2022-23Q1" },
                                    { "current", "FY2022-23Q2" } };
        for (int c = 0; c < 3; c++) {
            json_t *cell = json_object_get (row, cols [c][0]);
            CHECK_STR (sample_str (cell, "period"), cols [c][1]);
            CHECK (json_is_number (json_object_get (cell, "value")));
            CHECK_NEAR (sample_num (cell, "value"), sample_num (values, cols [c][1]), 1e-9);
            figures++;
        }
        //  The sparkline ends with the card's period and holds the three
        //  seed figures at their places (it comes from its own statement,
        //  sent while the rows are built).
        json_t *series = json_object_get (row, "series");
        size_t n = json_array_size (series);
        CHECK (n >= 3 && n <= 8);
        for (int c = 0; c < 3 && n >= 3; c++) {
            json_t *point = json_array_get (series, n - 1 - (size_t) (c == 0 ? 4 : c == 1 ? 1 : 0));
            if (c == 0 && n < 5)
                continue;
            CHECK_STR (sample_str (point, "period"), cols [c][1]);
            CHECK_NEAR (sample_num (point, "value"), sample_num (values, cols [c][1]), 1e-9);
        }
        CHECK_NEAR (sample_num (json_object_get (row, "target"), "value"), sample_num (kpi, "target"), 1e-9);
        CHECK_STR (sample_str (row, "status"), sample_str (want, "score"));
        CHECK_STR (sample_str (row, "short_trend"), sample_str (want, "short_trend"));
        CHECK_STR (sample_str (row, "annual_trend"), sample_str (want, "annual_trend"));
        figures += 4;
        if (strcmp (sample_str (row, "status"), sample_str (want, "score")) || strcmp (sample_str (row, "short_trend"),
            sample_str (want, "short_trend")) || strcmp (sample_str (row, "annual_trend"), sample_str (want, "annual_trend")))
            fprintf (stderr, "  (%s, seed 001 line %lld)\n", code,
                     json_integer_value (json_object_get (json_object_get (kpi, "lines"), "row")));
    }
    //  The England comparators printed beside PI 2133, PI 501 and (copied)
    //  PI 2134: "77.3% England 19/20" shows as "England 77.3 (2019/20)".
    const char *k;
    json_t *b;
    json_object_foreach (json_object_get (ex, "england_benchmarks"), k, b) {
        json_t *row = s_scorecard_row (doc, k);
        char want [64];
        snprintf (want, sizeof want, "England %g (2019/20)", sample_num (b, "value"));
        CHECK_STR (row ? sample_str (row, "benchmark_text") : "(no row)", want);
        figures++;
    }
    CHECK_STR (sample_str (s_scorecard_row (doc, "pi-2134"), "benchmark_text"), "England 77.3 (2019/20)");
    //  The Public Health dashboard (pi-1441, pi-2257, pi-2074, pi-2260).
    json_t *dash = json_object_get (seed, "dashboard"), *annual = json_object_get (dash, "annual");
    const char *names [3] = { "improved", "consistent", "worsening" };
    int short_n [3] = { 0 }, annual_n [3] = { 0 }, on = 0, tol = 0, below = 0, reported = 0, due = 0;
    json_t *ind;
    json_array_foreach (json_object_get (dash, "indicators"), i, ind) {
        json_t *row = s_scorecard_row (doc, json_string_value (ind));
        if (!row)
            continue;
        due++;
        reported += json_is_number (json_object_get (json_object_get (row, "current"), "value"));
        for (int t = 0; t < 3; t++) {
            short_n [t] += strcmp (sample_str (row, "short_trend"), names [t]) == 0;
            annual_n [t] += strcmp (sample_str (row, "annual_trend"), names [t]) == 0;
        }
        on += strcmp (sample_str (row, "status"), "on_target") == 0;
        tol += strcmp (sample_str (row, "status"), "tolerance") == 0;
        below += strcmp (sample_str (row, "status"), "below_target") == 0;
    }
    for (int t = 0; t < 3; t++) {
        CHECK_INT (short_n [t], json_integer_value (json_object_get (dash, names [t])));
        CHECK_INT (annual_n [t], json_integer_value (json_object_get (annual, names [t])));
    }
    CHECK_INT (due, json_integer_value (json_object_get (dash, "due")));
    CHECK_INT (reported, json_integer_value (json_object_get (dash, "reported")));
    CHECK_INT (on, json_integer_value (json_object_get (dash, "on_target")));
    CHECK_INT (tol, json_integer_value (json_object_get (dash, "tolerance")));
    CHECK_INT (below, json_integer_value (json_object_get (dash, "below_target")));
    figures += 11;
    json_decref (doc);
    figures += s_directorate_dashboards (dash);
    return figures;
}

//  The directorate dashboards of seed 001 as carewatch counts them: the
//  scorecard's "dashboard" block filtered by owner.  A directorate takes
//  in its services (pi-2257 is "Public Health and Wellbeing (Trading
//  Standards)", pi-2074 "(Environmental Health)"), and an indicator is
//  not due before its series begins, so the whole Q2 2022/23 scorecard
//  has none missing, as the report has none (lines 3767-3769, 4099-4101).
static int
s_directorate_dashboards (json_t *ph)
{
    json_t *asc = json_object_get (ph, "adult_social_care");
    struct { const char *owner; json_t *want; } d [2] = {
        { "Public%20Health%20and%20Wellbeing", ph }, { "Adult%20Social%20Care", asc } };
    int figures = 0;
    for (int k = 0; k < 2; k++) {
        char path [256];
        snprintf (path, sizeof path, "/v1/scorecards/FY2022-23Q2?format=json&owner=%s", d [k].owner);
        json_t *doc = sample_get_json (path, sample_reader), *dash = json_object_get (doc, "dashboard");
        const char *keys [] = { "due", "reported", "missing", "on_target", "tolerance", "below_target" };
        for (size_t i = 0; i < 6; i++) {
            json_t *want = json_object_get (d [k].want, keys [i]);
            if (!json_is_integer (want))
                continue;       //  a chart whose numbers the extraction lost
            check_count++;
            if (json_integer_value (json_object_get (dash, keys [i])) != json_integer_value (want)) {
                check_failures++;
                fprintf (stderr, "%s dashboard %s = %lld, want %lld (seed 001)\n", d [k].owner, keys [i],
                         (long long) json_integer_value (json_object_get (dash, keys [i])),
                         (long long) json_integer_value (want));
            }
            figures++;
        }
        json_decref (doc);
    }
    //  The trends of the Public Health dashboard.
    json_t *doc = sample_get_json ("/v1/scorecards/FY2022-23Q2?format=json&owner=Public%20Health%20and%20Wellbeing",
                              sample_reader);
    json_t *dash = json_object_get (doc, "dashboard");
    const char *names [3] = { "improved", "consistent", "worsening" };
    for (int t = 0; t < 3; t++) {
        CHECK_INT (json_integer_value (json_object_get (json_object_get (dash, "short_trend"), names [t])),
                   json_integer_value (json_object_get (ph, names [t])));
        CHECK_INT (json_integer_value (json_object_get (json_object_get (dash, "annual_trend"), names [t])),
                   json_integer_value (json_object_get (json_object_get (ph, "annual"), names [t])));
        figures += 2;
    }
    json_decref (doc);
    //  A service alone is just its own indicator.
    doc = sample_get_json ("/v1/scorecards/FY2022-23Q2?format=json&owner=Public%20Health%20and%20Wellbeing"
                      "%20(Trading%20Standards)", sample_reader);
    CHECK_INT (json_integer_value (json_object_get (json_object_get (doc, "dashboard"), "due")), 1);
    json_decref (doc);
    //  The whole quarter: nothing missing, as in the report.
    doc = sample_get_json ("/v1/scorecards/FY2022-23Q2?format=json", sample_reader);
    dash = json_object_get (doc, "dashboard");
    printf ("Q2 2022/23 scorecard: due %lld, reported %lld, missing %lld\n",
            (long long) json_integer_value (json_object_get (dash, "due")),
            (long long) json_integer_value (json_object_get (dash, "reported")),
            (long long) json_integer_value (json_object_get (dash, "missing")));
    CHECK_INT (json_integer_value (json_object_get (dash, "missing")), 0);
    size_t g, r;
    json_t *group, *row;
    json_array_foreach (json_object_get (doc, "groups"), g, group)
        json_array_foreach (json_object_get (group, "rows"), r, row)
            if (!json_is_number (json_object_get (json_object_get (row, "current"), "value")))
                fprintf (stderr, "missing in Q2 2022/23: %s (%s)\n", sample_str (row, "indicator"), sample_str (row, "name"));
    json_decref (doc);
    return figures + 2;
}

// ---------------------------------------------------------------------
//  Seed 000's "Our progress" table

static json_t *
s_progress_cell (json_t *doc, const char *indicator, const char *period, json_t **row_out)
{
    size_t i, j;
    json_t *row, *cell;
    *row_out = NULL;
    json_array_foreach (json_object_get (doc, "rows"), i, row)
        if (strcmp (sample_str (row, "indicator"), indicator) == 0) {
            *row_out = row;
            json_array_foreach (json_object_get (row, "values"), j, cell)
                if (strcmp (sample_str (cell, "period"), period) == 0)
                    return cell;
        }
    return NULL;
}

//  Seed 000's childhood vaccinations for 2024/25 (lines 308-321), scored
//  as the report scores them: a figure printed at the 95% target meets it
//  (PCV first dose 95%, the 24-month booster 95.0%, which the practices
//  add up to 94.995%), the other twelve are below.
int
sample_vaccination_statuses (json_t *expected)
{
    size_t i;
    json_t *x;
    int on = 0, below = 0, figures = 0;
    json_array_foreach (json_object_get (expected, "progress_table_seed000"), i, x) {
        const char *ind = sample_str (x, "indicator");
        if (strncmp (ind, "vacc-", 5) || strcmp (sample_str (x, "period"), "FY2024-25")
        ||  !json_is_number (json_object_get (x, "value")))
            continue;
        const char *want = sample_num (x, "value") >= 95 ? "on_target" : "below_target";
        char path [256];
        snprintf (path, sizeof path, "/v1/indicators/%s/values?org_unit=dudley&breakdown=total&from=FY2024-25"
                  "&to=FY2024-25", ind);
        json_t *v = sample_get_json (path, sample_reader);
        const char *got = sample_str (json_array_get (v, 0), "status");
        check_count++;
        if (strcmp (got, want)) {
            check_failures++;
            fprintf (stderr, "%s FY2024-25 status %s, want %s (printed \"%s\", seed 000 line %lld)\n", ind, got, want,
                     sample_str (x, "printed"), (long long) json_integer_value (json_object_get (x, "line")));
        }
        on += strcmp (got, "on_target") == 0;
        below += strcmp (got, "below_target") == 0;
        figures++;
        json_decref (v);
    }
    CHECK_INT (on, 2);
    CHECK_INT (below, 12);
    return figures;
}

int
sample_progress (json_t *expected)
{
    int figures = 0;
    json_t *doc = sample_get_json ("/v1/progress?format=json&period=FY2024-25", sample_reader);
    if (!doc)
        return 0;
    json_t *years = json_object_get (doc, "years");
    CHECK_STR (json_string_value (json_array_get (years, 0)), "FY2022-23");
    CHECK_STR (json_string_value (json_array_get (years, 1)), "FY2023-24");
    CHECK_STR (json_string_value (json_array_get (years, 2)), "FY2024-25");
    json_t *place = json_object_get (json_object_get (expected, "synthetic"), "place_yearly");
    size_t i;
    json_t *x;
    json_array_foreach (json_object_get (expected, "progress_table_seed000"), i, x) {
        const char *ind = sample_str (x, "indicator"), *period = sample_str (x, "period");
        json_t *row, *cell = s_progress_cell (doc, ind, period, &row);
        json_t *syn = json_object_get (json_object_get (place, ind), period);
        bool printed = json_is_number (json_object_get (x, "value"));
        char where [160];
        snprintf (where, sizeof where, "%s %s (seed 000 line %lld)", ind, period,
                  json_integer_value (json_object_get (x, "line")));
        if (!row) {
            //  Only a row the seed leaves blank in every column may be
            //  absent (early cancer detection: calendar years, footnoted).
            check_count++;
            if (printed) {
                check_failures++;
                fprintf (stderr, "progress: no row for %s\n", where);
            }
            continue;
        }
        check_count++;
        if (!cell) {
            check_failures++;
            fprintf (stderr, "progress: no %s column for %s\n", period, where);
            continue;
        }
        double got = sample_num (cell, "value");
        bool have = json_is_number (json_object_get (cell, "value"));
        if (printed && json_object_get (x, "dudley_numerator")) {
            //  Aggregated from the synthetic practices: the published
            //  figure at one decimal, from exactly the calibrated counts.
            double want = sample_num (x, "value");
            check_count++;
            if (!have || fabs (round (got * 10) / 10 - want) > 1e-9) {
                check_failures++;
                fprintf (stderr, "progress %s = %.6g, want %s (printed %s)\n", where, got,
                         have ? "it to round to" : "a value", sample_str (x, "printed"));
            }
            char path [256];
            snprintf (path, sizeof path, "/v1/indicators/%s/values?org_unit=dudley&breakdown=total&from=%s&to=%s",
                      ind, period, period);
            json_t *v = sample_get_json (path, sample_reader), *v0 = json_array_get (v, 0);
            CHECK_INT (json_array_size (v), 1);
            CHECK_NEAR (sample_num (v0, "numerator"), sample_num (x, "dudley_numerator"), 1e-9);
            CHECK_NEAR (sample_num (v0, "denominator"), sample_num (x, "dudley_denominator"), 1e-9);
            CHECK_NEAR (sample_num (v0, "value"), got, 1e-9);
            json_decref (v);
        }
        else if (printed) {
            check_count++;
            if (!have || fabs (got - sample_num (x, "value")) > 1e-9) {
                check_failures++;
                fprintf (stderr, "progress %s = %s%.10g, want %.10g (printed \"%s\")\n", where, have ? "" : "(null) ",
                         got, sample_num (x, "value"), sample_str (x, "printed"));
            }
        }
        else if (syn) {
            //  Blank in the seed; the synthetic series fills the year.
            CHECK (have);
            CHECK_NEAR (got, sample_num (syn, "value"), 5e-5);
        }
        else {
            check_count++;
            if (have) {
                check_failures++;
                fprintf (stderr, "progress %s = %g, but the seed leaves it blank\n", where, got);
            }
        }
        figures++;
        json_t *foot = json_object_get (x, "footnote");
        if (foot) {
            CHECK_STR (sample_str (cell, "footnote"), json_string_value (foot));
            figures++;
        }
        //  The 2024/25 target column.
        json_t *target = json_object_get (row, "target");
        const char *ttext = json_string_value (json_object_get (x, "target_text"));
        if (ttext) {
            double lo, hi;
            CHECK_STR (sample_str (target, "text"), ttext);
            if (sscanf (ttext, "%lf-%lf%%", &lo, &hi) == 2) {
                CHECK_STR (sample_str (target, "kind"), "range");
                CHECK_NEAR (sample_num (target, "lower"), lo, 1e-9);
                CHECK_NEAR (sample_num (target, "upper"), hi, 1e-9);
            }
            else {
                CHECK_STR (sample_str (target, "kind"), "min");
                CHECK_NEAR (sample_num (target, "value"), atof (ttext), 1e-9);
            }
            figures++;
        }
        else if (json_object_get (x, "target_elsewhere")) {
            //  Hypertension: blank cell, 80% in the narrative (line 146).
            CHECK_NEAR (sample_num (target, "value"), atof (sample_str (x, "target_elsewhere")), 1e-9);
            figures++;
        }
    }
    json_decref (doc);
    return figures;
}

// ---------------------------------------------------------------------
//  The health inequalities tables (seed 003 Figs 5-7)

int
sample_inequalities (json_t *expected)
{
    int figures = 0;
    size_t i;
    json_t *x;
    const char *orgs [3][2] = { { "dudley", "dudley" }, { "west-midlands", "west_midlands" },
                                { "england", "england" } };
    bool default_checked = false;
    json_array_foreach (json_object_get (expected, "health_inequalities"), i, x) {
        const char *ind = sample_str (x, "indicator"), *period = sample_str (x, "period");
        for (int o = 0; o < 3; o++) {
            json_t *want = json_object_get (x, orgs [o][1]);
            if (!json_is_number (want))
                continue;       //  a blank West Midlands cell
            char path [256];
            snprintf (path, sizeof path, "/v1/indicators/%s/values?org_unit=%s&breakdown=total", ind, orgs [o][0]);
            json_t *vals = sample_get_json (path, sample_reader), *v, *found = NULL;
            size_t j;
            json_array_foreach (vals, j, v)
                if (strcmp (sample_str (v, "period"), period) == 0)
                    found = v;
            check_count++;
            if (!found || fabs (sample_num (found, "value") - json_number_value (want)) > 1e-9) {
                check_failures++;
                fprintf (stderr, "%s %s %s = %g, want %g (seed 003 line %lld)\n", ind, orgs [o][0], period,
                         found ? sample_num (found, "value") : -1, json_number_value (want),
                         json_integer_value (json_object_get (x, "line")));
            }
            figures++;
            if (found && o == 2 && !default_checked) {
                default_checked = true;
                //  Without org_unit the values are Dudley's (the documented
                //  default); "*" gives every org unit.
                snprintf (path, sizeof path, "/v1/indicators/%s/values?breakdown=total", ind);
                json_t *plain = sample_get_json (path, sample_reader), *all;
                size_t k;
                json_array_foreach (plain, k, all)
                    CHECK_STR (sample_str (all, "org_unit"), "dudley");
                CHECK (json_array_size (plain) > 0);
                snprintf (path, sizeof path, "/v1/indicators/%s/values?breakdown=total&org_unit=*", ind);
                json_t *every = sample_get_json (path, sample_reader);
                bool england = false;
                json_array_foreach (every, k, all)
                    england = england || strcmp (sample_str (all, "org_unit"), "england") == 0;
                CHECK (england);
                printf ("values of %s: the default is Dudley's %zu, org_unit=* gives %zu\n", ind,
                        json_array_size (plain), json_array_size (every));
                json_decref (every);
                json_decref (plain);
            }
            if (found && o == 0) {
                //  "Dudley compared to England", as rated.
                char rating [64];
                snprintf (rating, sizeof rating, "%s", sample_str (x, "dudley_compared_to_england"));
                for (char *c = rating; *c; c++)
                    *c = *c == ' ' ? '_' : (char) (*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
                CHECK_STR (sample_str (found, "benchmark"), rating);
                figures++;
            }
            json_decref (vals);
        }
    }
    return figures;
}

