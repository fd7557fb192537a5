/*  export_html_detail: the exception and indicator reports in HTML,
    each with SPC charts ("Making Data Count" style).  */
#include "calc_assess.h"
#include "svgchart.h"
#include "period.h"
#include "export_doc.h"
#include "figure.h"
#include "export_html.h"
#include "export_query.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_CHART_WIDTH   640.0
#define S_CHART_HEIGHT  260.0
#define S_LABEL_MAX     32

//  The colour of a point.  A "variation" the document states wins;
//  otherwise a special cause point is judged by which side of its mean
//  it lies and the polarity.  (For a trend this is a guess: the early
//  points of a rising trend can sit below the mean.)
static svgchart_cause_t
s_cause (json_t *point, const char *polarity)
{
    const char *variation = export_doc_str (point, "variation");
    if (variation) {
        if (strcmp (variation, calc_variation_name (CALC_VARIATION_SPECIAL_IMPROVING)) == 0)
            return SVGCHART_CAUSE_IMPROVING;
        if (strcmp (variation, calc_variation_name (CALC_VARIATION_SPECIAL_CONCERNING)) == 0)
            return SVGCHART_CAUSE_CONCERNING;
        if (strcmp (variation, calc_variation_name (CALC_VARIATION_SPECIAL_NEUTRAL)) == 0)
            return SVGCHART_CAUSE_NEUTRAL;
        return SVGCHART_CAUSE_COMMON;
    }
    if (!json_is_true (json_object_get (point, "special_cause")))
        return SVGCHART_CAUSE_COMMON;
    double value = export_doc_num (point, "value"), mean = export_doc_num (point, "spc_mean");
    int side = value > mean ? 1 : value < mean ? -1 : 0;
    int good = polarity && strcmp (polarity, "higher_better") == 0 ? 1
             : polarity && strcmp (polarity, "lower_better") == 0 ? -1 : 0;
    if (side == 0 || good == 0)
        return SVGCHART_CAUSE_NEUTRAL;
    return side == good ? SVGCHART_CAUSE_IMPROVING : SVGCHART_CAUSE_CONCERNING;
}

//  Appends an SPC chart of series (objects with period, value and, when
//  present, spc_mean, spc_lcl, spc_ucl, special_cause, variation).
static void
s_chart (htmlbuf_t *out, json_t *series, const char *unit, const char *polarity, double target,
         const char *title)
{
    size_t n = json_array_size (series);
    svgchart_spc_point_t *points = calloc (n ? n : 1, sizeof *points);
    char (*labels) [S_LABEL_MAX] = calloc (n ? n : 1, sizeof *labels);
    if (!points || !labels) {
        out->failed = true;
        free (points);
        free (labels);
        return;
    }
    size_t i;
    json_t *point;
    json_array_foreach (series, i, point) {
        const char *period = export_doc_str (point, "period");
        if (period)
            period_label (period, labels [i], S_LABEL_MAX);
        points [i] = (svgchart_spc_point_t) {
            .period = period ? labels [i] : NULL, .value = export_doc_num (point, "value"),
            .mean = export_doc_num (point, "spc_mean"), .lcl = export_doc_num (point, "spc_lcl"),
            .ucl = export_doc_num (point, "spc_ucl"), .cause = s_cause (point, polarity) };
    }
    svgchart_spc_options_t options = {
        .width = S_CHART_WIDTH, .height = S_CHART_HEIGHT, .title = title, .unit = unit, .target = target };
    htmlbuf_append (out, "<figure class=\"spc-chart\">");
    svgchart_spc (out, points, n, &options);
    htmlbuf_append (out, "<figcaption>Dots: grey common cause, blue special cause improving, orange special"
                            " cause concerning, purple special cause (no preferred direction). Solid line: mean;"
                            " dashed grey: process limits; dashed red: target.</figcaption></figure>");
    free (points);
    free (labels);
}

static void
s_fact (htmlbuf_t *out, const char *term, const char *cls, const char *text)
{
    if (!text || !*text)
        return;
    htmlbuf_printf (out, "<dt>%s</dt><dd class=\"%s\">", term, cls);
    htmlbuf_html (out, text);
    htmlbuf_append (out, "</dd>");
}

static void
s_verdict_fact (htmlbuf_t *out, const char *term, const char *cls, const char *prefix, const char *value,
                bool status)
{
    htmlbuf_printf (out, "<dt>%s</dt><dd class=\"%s %s", term, cls, prefix);
    htmlbuf_html (out, value ? value : "unknown");
    htmlbuf_append (out, "\">");
    if (status)
        export_html_status (out, value);
    else
        export_html_trend (out, value);
    htmlbuf_append (out, "</dd>");
}

static void
s_exception (htmlbuf_t *out, json_t *item)
{
    const char *unit = export_doc_str (item, "unit"), *name = export_doc_str (item, "name");
    json_t *current = export_doc_obj (item, "current"), *target = export_doc_obj (item, "target");
    htmlbuf_append (out, "<section class=\"exception\" data-indicator=\"");
    htmlbuf_html (out, export_doc_str (item, "indicator"));
    htmlbuf_append (out, "\"><h2>");
    htmlbuf_html (out, name);
    htmlbuf_append (out, "</h2><dl class=\"facts\">");
    s_fact (out, "Owner", "owner", export_doc_str (item, "owner"));
    htmlbuf_append (out, "<dt>Current");
    if (export_doc_str (current, "period")) {
        htmlbuf_append (out, " (");
        export_html_period (out, export_doc_str (current, "period"));
        htmlbuf_append (out, ")");
    }
    double value = export_doc_num (current, "value");
    htmlbuf_append (out, "</dt><dd class=\"current\"");
    if (isfinite (value)) {
        htmlbuf_append (out, " data-value=\"");
        htmlbuf_number (out, value);
        htmlbuf_append (out, "\"");
    }
    htmlbuf_append (out, ">");
    export_html_value (out, value, unit);
    htmlbuf_append (out, "</dd>");
    s_fact (out, "Target", "target", export_doc_str (target, "text"));
    s_verdict_fact (out, "Status", "status", "st-", export_doc_str (item, "status"), true);
    s_verdict_fact (out, "Short-term trend", "short-trend", "tr-", export_doc_str (item, "short_trend"), false);
    s_verdict_fact (out, "Annual trend", "annual-trend", "tr-", export_doc_str (item, "annual_trend"), false);
    htmlbuf_append (out, "</dl>");
    json_t *recent = export_doc_arr (item, "last_periods");
    if (json_array_size (recent)) {
        htmlbuf_t title = HTMLBUF_INIT;
        htmlbuf_printf (&title, "%s: recent periods", name ? name : "indicator");
        s_chart (out, recent, unit, export_doc_str (item, "polarity"), export_html_target_line (target), title.data);
        htmlbuf_free (&title);
        htmlbuf_append (out, "<table class=\"recent\"><thead><tr><th scope=\"col\">Period</th>"
                                "<th scope=\"col\" class=\"num\">Value</th><th scope=\"col\">Status</th></tr>"
                                "</thead><tbody>");
        size_t i;
        json_t *point;
        json_array_foreach (recent, i, point) {
            const char *status = export_doc_str (point, "status");
            htmlbuf_append (out, "<tr><td>");
            export_html_period (out, export_doc_str (point, "period"));
            htmlbuf_append (out, "</td>");
            export_html_value_cell (out, "value", export_doc_num (point, "value"), unit);
            htmlbuf_append (out, "<td class=\"status st-");
            htmlbuf_html (out, status ? status : "unknown");
            htmlbuf_append (out, "\">");
            export_html_status (out, status);
            htmlbuf_append (out, "</td></tr>");
        }
        htmlbuf_append (out, "</tbody></table>");
    }
    json_t *commentary = export_doc_arr (item, "commentary");
    if (json_array_size (commentary)) {
        htmlbuf_append (out, "<h3>Commentary</h3><ul class=\"commentary\">");
        size_t i;
        json_t *note;
        json_array_foreach (commentary, i, note)
            if (json_is_string (note)) {
                htmlbuf_append (out, "<li>");
                htmlbuf_html (out, json_string_value (note));
                htmlbuf_append (out, "</li>");
            }
        htmlbuf_append (out, "</ul>");
    }
    htmlbuf_append (out, "</section>\n");
}

void
export_html_exceptions (htmlbuf_t *out, json_t *doc)
{
    json_t *items = json_object_get (doc, "items");
    htmlbuf_printf (out, "<p class=\"legend\"><span id=\"exception-count\">%zu</span> indicator%s below"
                            " target.</p>\n", json_array_size (items), json_array_size (items) == 1 ? "" : "s");
    size_t i;
    json_t *item;
    json_array_foreach (items, i, item)
        s_exception (out, item);
}

static const char *
s_polarity_words (const char *polarity)
{
    if (!polarity)
        return NULL;
    if (strcmp (polarity, "higher_better") == 0)
        return "Higher is better";
    if (strcmp (polarity, "lower_better") == 0)
        return "Lower is better";
    if (strcmp (polarity, "neutral") == 0)
        return "Neither direction is better";
    return polarity;
}

static void
s_about (htmlbuf_t *out, json_t *doc, json_t *indicator)
{
    char source [96] = "";
    json_t *src = export_doc_obj (indicator, "source");
    if (export_doc_str (src, "seed"))
        snprintf (source, sizeof source, "seed %.32s%s%.0f", export_doc_str (src, "seed"),
                  isfinite (export_doc_num (src, "line")) ? ", line " : "",
                  isfinite (export_doc_num (src, "line")) ? export_doc_num (src, "line") : 0.0);
    htmlbuf_append (out, "<section class=\"about\" data-indicator=\"");
    htmlbuf_html (out, export_doc_str (indicator, "code"));
    htmlbuf_append (out, "\"><dl class=\"facts\">");
    s_fact (out, "Code", "code", export_doc_str (indicator, "code"));
    s_fact (out, "Name", "name", export_doc_str (indicator, "name"));
    s_fact (out, "Domain", "domain", export_doc_str (indicator, "domain"));
    s_fact (out, "Owner", "owner", export_doc_str (indicator, "owner"));
    s_fact (out, "Unit", "unit", export_doc_str (indicator, "unit"));
    s_fact (out, "Polarity", "polarity", s_polarity_words (export_doc_str (indicator, "polarity")));
    s_fact (out, "Breakdown", "breakdown", export_doc_str (doc, "breakdown"));
    s_fact (out, "Calculation", "calculation", export_doc_str (indicator, "calculation"));
    s_fact (out, "Source", "source", source);
    s_fact (out, "Notes", "notes", export_doc_str (indicator, "notes"));
    htmlbuf_append (out, "</dl></section>\n");
    json_t *targets = export_doc_arr (indicator, "targets");
    if (!json_array_size (targets))
        return;
    htmlbuf_append (out, "<h2>Targets</h2><table class=\"targets\"><thead><tr><th scope=\"col\">From</th>"
                            "<th scope=\"col\">Kind</th><th scope=\"col\">Target</th></tr></thead><tbody>");
    size_t i;
    json_t *target;
    json_array_foreach (targets, i, target) {
        htmlbuf_append (out, "<tr><td>");
        export_html_period (out, export_doc_str (target, "from"));
        htmlbuf_append (out, "</td><td>");
        export_html_words (out, export_doc_str (target, "kind"));
        htmlbuf_append (out, "</td><td class=\"target\">");
        const char *text = export_doc_str (target, "text");
        if (text)
            htmlbuf_html (out, text);
        else
            export_html_value (out, export_doc_num (target, "value"), export_doc_str (indicator, "unit"));
        htmlbuf_append (out, "</td></tr>");
    }
    htmlbuf_append (out, "</tbody></table>\n");
}

static void
s_series_table (htmlbuf_t *out, json_t *series, const char *unit)
{
    htmlbuf_append (out, "<h2>Series</h2><table class=\"series\"><thead><tr><th scope=\"col\">Period</th>"
                            "<th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">95% CI</th>"
                            "<th scope=\"col\" class=\"num\">Numerator</th><th scope=\"col\" class=\"num\">"
                            "Denominator</th><th scope=\"col\">Status</th><th scope=\"col\">Special cause</th>"
                            "</tr></thead><tbody>\n");
    size_t i;
    json_t *point;
    json_array_foreach (series, i, point) {
        const char *status = export_doc_str (point, "status");
        double lo = export_doc_num (point, "ci_low"), hi = export_doc_num (point, "ci_high");
        htmlbuf_append (out, "<tr class=\"point\" data-period=\"");
        htmlbuf_html (out, export_doc_str (point, "period"));
        htmlbuf_append (out, "\"><td>");
        export_html_period (out, export_doc_str (point, "period"));
        htmlbuf_append (out, "</td>");
        export_html_value_cell (out, "value", export_doc_num (point, "value"), unit);
        htmlbuf_append (out, "<td class=\"ci num\">");
        if (isfinite (lo) && isfinite (hi)) {
            export_html_value (out, lo, unit);
            htmlbuf_append (out, " – ");
            export_html_value (out, hi, unit);
        }
        htmlbuf_append (out, "</td>");
        export_html_value_cell (out, "numerator", export_doc_num (point, "numerator"), "count");
        export_html_value_cell (out, "denominator", export_doc_num (point, "denominator"), "count");
        htmlbuf_append (out, "<td class=\"status st-");
        htmlbuf_html (out, status ? status : "unknown");
        htmlbuf_append (out, "\">");
        export_html_status (out, status);
        htmlbuf_append (out, "</td><td class=\"spc\">");
        if (json_is_true (json_object_get (point, "special_cause")))
            export_html_words (out, export_doc_str (point, "spc_rule") ? export_doc_str (point, "spc_rule") : "yes");
        htmlbuf_append (out, "</td></tr>\n");
    }
    htmlbuf_append (out, "</tbody></table>\n");
}

static void
s_breakdowns (htmlbuf_t *out, json_t *breakdowns, const char *unit)
{
    json_t *children = export_doc_arr (breakdowns, "children"), *dep = export_doc_arr (breakdowns, "deprivation");
    json_t *gap = export_doc_obj (breakdowns, "gap");
    if (!json_array_size (children) && !json_array_size (dep) && !gap)
        return;
    htmlbuf_append (out, "<h2>Breakdowns");
    if (export_doc_str (breakdowns, "period")) {
        htmlbuf_append (out, " (");
        export_html_period (out, export_doc_str (breakdowns, "period"));
        htmlbuf_append (out, ")");
    }
    htmlbuf_append (out, "</h2>\n");
    size_t i;
    json_t *row;
    if (json_array_size (children)) {
        htmlbuf_append (out, "<table class=\"children\"><thead><tr><th scope=\"col\">Area</th>"
                                "<th scope=\"col\" class=\"num\">Value</th><th scope=\"col\" class=\"num\">95% CI"
                                "</th></tr></thead><tbody>");
        json_array_foreach (children, i, row) {
            double lo = export_doc_num (row, "ci_low"), hi = export_doc_num (row, "ci_high");
            htmlbuf_append (out, "<tr data-org-unit=\"");
            htmlbuf_html (out, export_doc_str (row, "org_unit"));
            htmlbuf_append (out, "\"><td>");
            htmlbuf_html (out, export_doc_str (row, "name"));
            htmlbuf_append (out, "</td>");
            export_html_value_cell (out, "value", export_doc_num (row, "value"), unit);
            htmlbuf_append (out, "<td class=\"ci num\">");
            if (isfinite (lo) && isfinite (hi)) {
                export_html_value (out, lo, unit);
                htmlbuf_append (out, " – ");
                export_html_value (out, hi, unit);
            }
            htmlbuf_append (out, "</td></tr>");
        }
        htmlbuf_append (out, "</tbody></table>\n");
    }
    if (json_array_size (dep)) {
        htmlbuf_append (out, "<table class=\"deprivation\"><thead><tr><th scope=\"col\">Deprivation</th>"
                                "<th scope=\"col\" class=\"num\">Rank (1 = most deprived)</th>"
                                "<th scope=\"col\" class=\"num\">Value</th></tr></thead><tbody>");
        json_array_foreach (dep, i, row) {
            htmlbuf_append (out, "<tr data-breakdown=\"");
            htmlbuf_html (out, export_doc_str (row, "breakdown"));
            htmlbuf_append (out, "\"><td>");
            htmlbuf_html (out, export_doc_str (row, "breakdown"));
            htmlbuf_append (out, "</td>");
            export_html_value_cell (out, "rank", export_doc_num (row, "rank"), "count");
            export_html_value_cell (out, "value", export_doc_num (row, "value"), unit);
            htmlbuf_append (out, "</tr>");
        }
        htmlbuf_append (out, "</tbody></table>\n");
    }
    if (gap && isfinite (export_doc_num (gap, "value"))) {
        char ratio [FIGURE_MAX];
        htmlbuf_append (out, "<p class=\"gap\">Gap between most and least deprived: <span id=\"gap\">");
        export_html_value (out, export_doc_num (gap, "value"), unit);
        htmlbuf_append (out, "</span>");
        if (isfinite (export_doc_num (gap, "ratio")))
            htmlbuf_printf (out, " (ratio %s)", figure_grouped (export_doc_num (gap, "ratio"), 2, ratio,
                                                                        sizeof ratio));
        htmlbuf_append (out, "</p>\n");
    }
}

void
export_html_indicator (htmlbuf_t *out, json_t *doc)
{
    json_t *indicator = export_doc_obj (doc, "indicator"), *series = json_object_get (doc, "series");
    json_t *spc = export_doc_obj (doc, "spc");
    const char *unit = export_doc_str (indicator, "unit"), *name = export_doc_str (indicator, "name");
    s_about (out, doc, indicator);
    json_t *targets = export_doc_arr (indicator, "targets");
    double target = export_html_target_line (json_array_get (targets, json_array_size (targets) - 1));
    htmlbuf_append (out, "<h2>Statistical process control</h2>");
    if (spc) {
        htmlbuf_append (out, "<p class=\"spc-verdict\"><span class=\"variation\">");
        export_html_words (out, export_doc_str (spc, "variation") ? export_doc_str (spc, "variation") : "no variation");
        htmlbuf_append (out, "</span>; assurance: <span class=\"assurance\">");
        export_html_words (out, export_doc_str (spc, "assurance") ? export_doc_str (spc, "assurance") : "none");
        htmlbuf_append (out, "</span>");
        if (json_is_true (json_object_get (spc, "trial")))
            htmlbuf_append (out, " (trial limits: fewer points than a baseline needs)");
        htmlbuf_append (out, ".</p>");
    }
    htmlbuf_t title = HTMLBUF_INIT;
    htmlbuf_printf (&title, "%s: SPC chart", name ? name : "indicator");
    s_chart (out, series, unit, export_doc_str (indicator, "polarity"), target, title.data);
    htmlbuf_free (&title);
    s_series_table (out, series, unit);
    s_breakdowns (out, export_doc_obj (doc, "breakdowns"), unit);
}
