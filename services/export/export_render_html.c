/*  export_render_html: scorecard and progress reports as one HTML page,
    and the dispatch to the detail reports (export_html_detail.c).  */
#include "calc_assess.h"
#include "svgchart.h"
#include "period.h"
#include "export_html.h"
#include "export_query.h"
#include "export_render.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_SPARK_WIDTH   120.0
#define S_SPARK_HEIGHT  28.0
#define S_SPARK_MAX     16

//  Dashboard cards: element id, document key, caption.
typedef struct {
    const char *id;             //  element id of the figure
    const char *key;            //  key in the dashboard object
    const char *caption;        //  words under the figure
} s_card_t;

static void
s_panel (htmlbuf_t *out, const char *heading, json_t *counts, const s_card_t *cards, size_t n)
{
    htmlbuf_append (out, "<div class=\"panel\"><h2>");
    htmlbuf_html (out, heading);
    htmlbuf_append (out, "</h2><p class=\"counts\">");
    for (size_t i = 0; i < n; i++) {
        json_t *count = json_object_get (counts, cards [i].key);
        htmlbuf_printf (out, "<span class=\"count\"><span class=\"n\" id=\"%s\">", cards [i].id);
        if (json_is_number (count))
            htmlbuf_number (out, json_number_value (count));
        else
            htmlbuf_append (out, "–");
        htmlbuf_printf (out, "</span>%s</span>", cards [i].caption);
    }
    htmlbuf_append (out, "</p></div>");
}

static void
s_dashboard (htmlbuf_t *out, json_t *dashboard)
{
    static const s_card_t reporting [] = {
        { "due", "due", "due" }, { "reported", "reported", "reported" }, { "missing", "missing", "missing" } };
    static const s_card_t status [] = {
        { "on-target", "on_target", "★ on target" }, { "tolerance", "tolerance", "◆ tolerance" },
        { "below-target", "below_target", "▲ below target" }, { "no-target", "no_target", "– no target" } };
    static const s_card_t short_trend [] = {
        { "improved", "improved", "↗ improved" }, { "consistent", "consistent", "→ consistent" },
        { "worsening", "worsening", "↘ worsening" }, { "cannot-compare", "cannot_compare", "– cannot compare" } };
    static const s_card_t annual_trend [] = {
        { "annual-improved", "improved", "↗ improved" }, { "annual-consistent", "consistent", "→ consistent" },
        { "annual-worsening", "worsening", "↘ worsening" },
        { "annual-cannot-compare", "cannot_compare", "– cannot compare" } };
    if (!dashboard)
        return;
    htmlbuf_append (out, "<section class=\"dashboard\" aria-label=\"Dashboard\">");
    s_panel (out, "Indicators", dashboard, reporting, 3);
    s_panel (out, "Against target", dashboard, status, 4);
    s_panel (out, "Short-term trend", export_doc_obj (dashboard, "short_trend"), short_trend, 4);
    s_panel (out, "Annual trend", export_doc_obj (dashboard, "annual_trend"), annual_trend, 4);
    htmlbuf_append (out, "</section>\n");
}

//  The target as printed: its text, else its value formatted.
static void
s_target (htmlbuf_t *out, json_t *target, const char *unit)
{
    const char *text = export_doc_str (target, "text");
    if (text && *text)
        htmlbuf_html (out, text);
    else
    if (isfinite (export_doc_num (target, "value")))
        export_html_value (out, export_doc_num (target, "value"), unit);
    else
        htmlbuf_append (out, "–");
}

static void
s_sparkline (htmlbuf_t *out, json_t *row, const char *unit)
{
    json_t *series = export_doc_arr (row, "series");
    size_t n = json_array_size (series), first = n > S_SPARK_MAX ? n - S_SPARK_MAX : 0;
    double values [S_SPARK_MAX];
    for (size_t i = first; i < n; i++)
        values [i - first] = export_doc_num (json_array_get (series, i), "value");
    if (n == first)
        return;
    //  The title tells a screen reader what the line shows.
    htmlbuf_t title = HTMLBUF_INIT;
    const char *from = export_doc_str (json_array_get (series, first), "period");
    const char *to = export_doc_str (json_array_get (series, n - 1), "period");
    char from_label [64] = "", to_label [64] = "";
    if (from && to) {
        period_label (from, from_label, sizeof from_label);
        period_label (to, to_label, sizeof to_label);
    }
    htmlbuf_printf (&title, "Trend over %zu periods%s%s%s%s", n - first, *from_label ? ", " : "", from_label,
                       *to_label ? " to " : "", to_label);
    svgchart_sparkline (out, values, n - first, S_SPARK_WIDTH, S_SPARK_HEIGHT, title.data);
    htmlbuf_free (&title);
}

static void
s_scorecard_row (htmlbuf_t *out, json_t *row)
{
    const char *unit = export_doc_str (row, "unit"), *status = export_doc_str (row, "status");
    const char *short_trend = export_doc_str (row, "short_trend"), *annual = export_doc_str (row, "annual_trend");
    htmlbuf_append (out, "<tr class=\"kpi st-");
    htmlbuf_html (out, status ? status : "unknown");
    htmlbuf_append (out, "\" data-indicator=\"");
    htmlbuf_html (out, export_doc_str (row, "indicator"));
    htmlbuf_append (out, "\"><th scope=\"row\" class=\"indicator\"><span class=\"name\">");
    htmlbuf_html (out, export_doc_str (row, "name"));
    htmlbuf_append (out, "</span><span class=\"owner\">");
    htmlbuf_html (out, export_doc_str (row, "owner"));
    htmlbuf_append (out, "</span></th>");
    export_html_value_cell (out, "last-year", export_doc_num (export_doc_obj (row, "last_year"), "value"), unit);
    export_html_value_cell (out, "previous", export_doc_num (export_doc_obj (row, "previous"), "value"), unit);
    export_html_value_cell (out, "current", export_doc_num (export_doc_obj (row, "current"), "value"), unit);
    htmlbuf_append (out, "<td class=\"target\">");
    s_target (out, export_doc_obj (row, "target"), unit);
    htmlbuf_append (out, "</td><td class=\"status st-");
    htmlbuf_html (out, status ? status : "unknown");
    htmlbuf_append (out, "\">");
    export_html_status (out, status);
    htmlbuf_append (out, "</td><td class=\"short-trend tr-");
    htmlbuf_html (out, short_trend ? short_trend : "unknown");
    htmlbuf_append (out, "\">");
    export_html_trend (out, short_trend);
    htmlbuf_append (out, "</td><td class=\"annual-trend tr-");
    htmlbuf_html (out, annual ? annual : "unknown");
    htmlbuf_append (out, "\">");
    export_html_trend (out, annual);
    htmlbuf_append (out, "</td><td class=\"benchmark\">");
    const char *benchmark = export_doc_str (row, "benchmark_text");
    if (benchmark && *benchmark)
        htmlbuf_html (out, benchmark);
    else
    if (export_doc_str (row, "benchmark") && strcmp (export_doc_str (row, "benchmark"), calc_benchmark_name (CALC_BENCHMARK_NOT_COMPARED)) != 0)
        export_html_words (out, export_doc_str (row, "benchmark"));
    htmlbuf_append (out, "</td><td class=\"chart\">");
    s_sparkline (out, row, unit);
    htmlbuf_append (out, "</td></tr>\n");
    const char *note = export_doc_str (row, "note");
    if (note && *note) {
        htmlbuf_append (out, "<tr class=\"note\" data-indicator=\"");
        htmlbuf_html (out, export_doc_str (row, "indicator"));
        htmlbuf_append (out, "\"><td></td><td colspan=\"9\">");
        htmlbuf_html (out, note);
        htmlbuf_append (out, "</td></tr>\n");
    }
}

static void
s_scorecard (htmlbuf_t *out, json_t *doc)
{
    json_t *period = export_doc_obj (doc, "period");
    s_dashboard (out, export_doc_obj (doc, "dashboard"));
    htmlbuf_append (out, "<p class=\"legend\">Short-term trend compares with the previous period, annual"
                            " trend with the same period a year earlier. Arrows show better (↗) or worse (↘)"
                            " whichever way the figure moved.</p>\n");
    const char *heads [3] = { "last_year", "previous", "code" };
    size_t g, r;
    json_t *group, *row;
    json_array_foreach (json_object_get (doc, "groups"), g, group) {
        htmlbuf_append (out, "<section class=\"domain\"><h2>");
        htmlbuf_html (out, export_doc_str (group, "domain"));
        htmlbuf_append (out, "</h2><table class=\"scorecard\"><thead><tr><th scope=\"col\">Indicator</th>");
        for (int k = 0; k < 3; k++) {
            htmlbuf_append (out, "<th scope=\"col\" class=\"num\">");
            export_html_period (out, export_doc_str (period, heads [k]));
            htmlbuf_append (out, "</th>");
        }
        htmlbuf_append (out, "<th scope=\"col\">Target</th><th scope=\"col\">Status</th>"
                                "<th scope=\"col\">Short-term trend</th><th scope=\"col\">Annual trend</th>"
                                "<th scope=\"col\">Benchmark</th><th scope=\"col\">Recent periods</th></tr></thead><tbody>\n");
        json_array_foreach (json_object_get (group, "rows"), r, row)
            s_scorecard_row (out, row);
        htmlbuf_append (out, "</tbody></table></section>\n");
    }
}

static void
s_progress (htmlbuf_t *out, json_t *doc)
{
    json_t *years = json_object_get (doc, "years");
    htmlbuf_append (out, "<table class=\"progress\"><thead><tr><th scope=\"col\">Indicator</th>"
                            "<th scope=\"col\">Target</th>");
    size_t y, r;
    json_t *year, *row;
    json_array_foreach (years, y, year) {
        htmlbuf_append (out, "<th scope=\"col\" class=\"num\">");
        export_html_period (out, json_string_value (year));
        htmlbuf_append (out, "</th>");
    }
    htmlbuf_append (out, "</tr></thead><tbody>\n");
    const char *domain = NULL;
    json_array_foreach (json_object_get (doc, "rows"), r, row) {
        const char *d = export_doc_str (row, "domain"), *unit = export_doc_str (row, "unit");
        if (d && (!domain || strcmp (d, domain) != 0)) {
            htmlbuf_printf (out, "<tr class=\"domain\"><th colspan=\"%zu\">", json_array_size (years) + 2);
            htmlbuf_html (out, d);
            htmlbuf_append (out, "</th></tr>\n");
        }
        domain = d;
        htmlbuf_append (out, "<tr class=\"kpi\" data-indicator=\"");
        htmlbuf_html (out, export_doc_str (row, "indicator"));
        htmlbuf_append (out, "\"><th scope=\"row\" class=\"indicator\">");
        htmlbuf_html (out, export_doc_str (row, "name"));
        htmlbuf_append (out, "</th><td class=\"target\">");
        s_target (out, export_doc_obj (row, "target"), unit);
        htmlbuf_append (out, "</td>");
        json_array_foreach (years, y, year) {
            json_t *value = export_doc_year_value (row, json_string_value (year), y);
            const char *status = export_doc_str (value, "status");
            double v = export_doc_num (value, "value");
            htmlbuf_append (out, "<td class=\"year num st-");
            htmlbuf_html (out, status ? status : "missing");
            htmlbuf_append (out, "\" data-period=\"");
            htmlbuf_html (out, json_string_value (year));
            htmlbuf_append (out, "\"");
            if (isfinite (v)) {
                htmlbuf_append (out, " data-value=\"");
                htmlbuf_number (out, v);
                htmlbuf_append (out, "\"");
            }
            htmlbuf_append (out, "><span class=\"value\">");
            export_html_value (out, v, unit);
            htmlbuf_append (out, "</span> <span class=\"status\">");
            export_html_status (out, status ? status : "missing");
            htmlbuf_append (out, "</span>");
            const char *footnote = export_doc_str (value, "footnote");
            if (footnote && *footnote) {
                htmlbuf_append (out, "<span class=\"footnote\">");
                htmlbuf_html (out, footnote);
                htmlbuf_append (out, "</span>");
            }
            htmlbuf_append (out, "</td>");
        }
        htmlbuf_append (out, "</tr>\n");
    }
    htmlbuf_append (out, "</tbody></table>\n");
    json_t *footnotes = export_doc_arr (doc, "footnotes");
    if (json_array_size (footnotes)) {
        htmlbuf_append (out, "<ol class=\"footnotes\">");
        json_array_foreach (footnotes, y, year)
            if (json_is_string (year)) {
                htmlbuf_append (out, "<li>");
                htmlbuf_html (out, json_string_value (year));
                htmlbuf_append (out, "</li>");
            }
        htmlbuf_append (out, "</ol>\n");
    }
}

int
export_render_html (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen)
{
    json_t *period = export_doc_obj (doc, "period");
    const char *subtitle = export_doc_str (period, "label");
    switch (kind) {
        case EXPORT_DOC_SCORECARD:
            export_html_page_open (out, doc, "scorecard", subtitle);
            s_scorecard (out, doc);
            break;
        case EXPORT_DOC_PROGRESS:
            export_html_page_open (out, doc, "progress", NULL);
            s_progress (out, doc);
            break;
        case EXPORT_DOC_EXCEPTIONS:
            export_html_page_open (out, doc, "exceptions", subtitle);
            export_html_exceptions (out, doc);
            break;
        case EXPORT_DOC_INDICATOR:
            export_html_page_open (out, doc, "indicator", NULL);
            export_html_indicator (out, doc);
            break;
        default:
            snprintf (err, errlen, "html: unknown report kind %d", (int) kind);
            return -1;
    }
    export_html_page_close (out);
    return 0;
}
