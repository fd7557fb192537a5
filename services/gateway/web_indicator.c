/*  web_indicator: one indicator for one area.  The trend with 95%
    intervals, target and England; the SPC chart with its variation and
    assurance icons; the area's peers as bars with intervals and as a
    funnel plot; inequalities by breakdown with the gap; the definition,
    source and data-quality warnings; and the figures shown, as a table
    and as CSV or JSON (web_indicator_data writes exactly the table's
    rows), or FHIR through the export service.  */
#include "web.h"
#include "gateway_store.h"
#include "figure.h"
#include "period.h"
#include "svgchart.h"
#include "verdict.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_POINTS 400

//  The columns of the series query, in order (the table and downloads).
static const char *s_series_cols [] = { "period", "value", "ci_low", "ci_high", "numerator", "denominator", "status",
                                        "benchmark", "england_value", "target" };
enum { C_PERIOD, C_VALUE, C_LO, C_HI, C_NUM, C_DEN, C_STATUS, C_BENCH, C_ENGLAND, C_TARGET, C_VARIATION, C_ASSURANCE,
       C_MEAN, C_LCL, C_UCL, C_NOTE, C_DIFFERS, C_PUBLISHED, C_SHORT };

static PGresult *
s_series (gw_req_t *req, const char *code, const char *area, const char *breakdown)
{
    const char *p [3] = { code, area, breakdown };
    return web_query_stmt (req, &web_series_sql, p);
}

//  The area (code, name, level, parent), or NULL with a 404 or 503 page.
static PGresult *
s_area (gw_req_t *req, const char *area)
{
    const char *p [1] = { area };
    return web_query_row (req, &web_area_lookup_sql, p, "There is no such area. Pick one from the overview.");
}

static PGresult *
s_definition (gw_req_t *req, const char *code)
{
    const char *p [1] = { code };
    return web_query_row (req, &web_definition_sql, p,
                          "That indicator is not in the catalogue. Pick one from the overview.");
}

// ---------------------------------------------------------------------
//  Sections

static void
s_header (htmlbuf_t *b, const PGresult *def, const PGresult *area, const char *breakdown)
{
    htmlbuf_append (b, "<p class=\"meta\"><span class=\"domain\">");
    htmlbuf_html (b, PQgetvalue (def, 0, 2));
    htmlbuf_append (b, "</span> · owner ");
    htmlbuf_html (b, PQgetvalue (def, 0, 3));
    htmlbuf_append (b, " · ");
    htmlbuf_html (b, PQgetvalue (def, 0, 6));
    htmlbuf_append (b, " · ");
    htmlbuf_html (b, strcmp (PQgetvalue (def, 0, 5), "higher_better") == 0 ? "higher is better"
                   : strcmp (PQgetvalue (def, 0, 5), "lower_better") == 0 ? "lower is better" : "neither higher nor lower is better");
    htmlbuf_append (b, "</p><nav class=\"crumbs\" aria-label=\"Area\"><a href=\"/ui/areas/");
    htmlbuf_html (b, PQgetvalue (area, 0, 0));
    htmlbuf_append (b, "\" id=\"area-name\" data-area=\"");
    htmlbuf_html (b, PQgetvalue (area, 0, 0));
    htmlbuf_append (b, "\">");
    htmlbuf_html (b, PQgetvalue (area, 0, 1));
    htmlbuf_append (b, "</a>");
    if (strcmp (breakdown, "total")) {
        htmlbuf_append (b, " · breakdown ");
        htmlbuf_html (b, breakdown);
    }
    htmlbuf_append (b, "</nav>");
}

static void
s_latest (htmlbuf_t *b, const PGresult *s, const char *unit)
{
    int n = PQntuples (s), i = n - 1;
    if (n == 0) {
        htmlbuf_append (b, "<p class=\"empty\">No figures for this area yet.</p>");
        return;
    }
    char label [64];
    htmlbuf_append (b, "<section class=\"latest\" aria-labelledby=\"latest-h\"><h2 id=\"latest-h\">Latest: ");
    htmlbuf_html (b, period_label (PQgetvalue (s, i, C_PERIOD), label, sizeof label));
    htmlbuf_append (b, "</h2><p class=\"big\" id=\"latest-value\">");
    web_figure (b, web_num (s, i, C_VALUE), unit);
    htmlbuf_append (b, "</p><ul class=\"verdicts\"><li>");
    web_verdict (b, PQgetvalue (s, i, C_STATUS));
    htmlbuf_append (b, "</li><li>");
    web_verdict (b, PQgetvalue (s, i, C_BENCH));
    htmlbuf_append (b, "</li><li>");
    web_verdict (b, PQgetvalue (s, i, C_SHORT));
    htmlbuf_append (b, " since the period before</li></ul></section>");
}

static void
s_charts (htmlbuf_t *b, const PGresult *s, const char *unit, const char *name)
{
    int n = PQntuples (s) < S_MAX_POINTS ? PQntuples (s) : S_MAX_POINTS;
    int first = PQntuples (s) - n;
    svgchart_trend_point_t tp [S_MAX_POINTS];
    svgchart_spc_point_t sp [S_MAX_POINTS];
    char labels [S_MAX_POINTS][32];
    double target = NAN;
    for (int k = 0; k < n; k++) {
        int i = first + k;
        period_label (PQgetvalue (s, i, C_PERIOD), labels [k], sizeof labels [k]);
        tp [k] = (svgchart_trend_point_t) { labels [k], web_num (s, i, C_VALUE), web_num (s, i, C_LO),
                                            web_num (s, i, C_HI), web_num (s, i, C_ENGLAND) };
        const char *var = web_text (s, i, C_VARIATION);
        sp [k] = (svgchart_spc_point_t) { labels [k], web_num (s, i, C_VALUE), web_num (s, i, C_MEAN),
                                          web_num (s, i, C_LCL), web_num (s, i, C_UCL),
                                          !var ? SVGCHART_CAUSE_COMMON
                                          : strcmp (var, "special_cause_improving") == 0 ? SVGCHART_CAUSE_IMPROVING
                                          : strcmp (var, "special_cause_concerning") == 0 ? SVGCHART_CAUSE_CONCERNING
                                          : strcmp (var, "special_cause_neutral") == 0 ? SVGCHART_CAUSE_NEUTRAL
                                          : SVGCHART_CAUSE_COMMON };
        if (isfinite (web_num (s, i, C_TARGET)))
            target = web_num (s, i, C_TARGET);
    }
    bool england = false;
    for (int k = 0; k < n; k++)
        england = england || isfinite (tp [k].reference);
    char title [300];
    snprintf (title, sizeof title, "Trend of %s with 95%% intervals%s%s", name, isfinite (target) ? ", target" : "",
              england ? " and England" : "");
    htmlbuf_append (b, "<section aria-labelledby=\"trend-h\"><h2 id=\"trend-h\">Trend</h2><figure>");
    svgchart_trend (b, tp, (size_t) n, &(svgchart_trend_options_t) { 720, 260, title, unit, target,
                                                                    england ? "England" : NULL });
    htmlbuf_append (b, "<figcaption>Blue: this area, with 95% intervals as whiskers; dashed red: the target; dotted:"
                       " England.</figcaption></figure></section>");
    snprintf (title, sizeof title, "Statistical process control chart of %s", name);
    htmlbuf_append (b, "<section aria-labelledby=\"spc-h\"><h2 id=\"spc-h\">Statistical process control</h2>");
    if (n > 0) {
        int i = first + n - 1;
        const char *var = web_text (s, i, C_VARIATION), *ass = web_text (s, i, C_ASSURANCE);
        bool high = isfinite (web_num (s, i, C_MEAN)) && web_num (s, i, C_VALUE) > web_num (s, i, C_MEAN);
        htmlbuf_append (b, "<div class=\"icons\" id=\"spc-icons\">");
        if (var && svgchart_icon (b, "variation", var, high) == 0)
            web_verdict (b, var);
        if (ass && svgchart_icon (b, "assurance", ass, false) == 0)
            web_verdict (b, ass);
        htmlbuf_append (b, "</div>");
    }
    htmlbuf_append (b, "<figure>");
    svgchart_spc (b, sp, (size_t) n, &(svgchart_spc_options_t) { 720, 260, title, unit, target });
    htmlbuf_append (b, "<figcaption>Grey: common cause; blue: special cause improving; orange: special cause"
                       " concerning; purple: special cause, neither. Solid: mean; dashed: process limits.</figcaption>"
                       "</figure></section>");
}

static void
s_table (htmlbuf_t *b, const PGresult *s, const char *unit, const char *code, const char *area, const char *breakdown)
{
    htmlbuf_append (b, "<section aria-labelledby=\"data-h\"><h2 id=\"data-h\">The figures</h2><p class=\"downloads\">Download"
                       " exactly these rows: ");
    const char *formats [] = { "csv", "json" };
    for (int f = 0; f < 2; f++) {
        htmlbuf_append (b, "<a class=\"download\" id=\"download-");
        htmlbuf_append (b, formats [f]);
        htmlbuf_append (b, "\" href=\"/ui/indicators/");
        web_url (b, code);
        htmlbuf_printf (b, "/data?format=%s&amp;area=%s&amp;breakdown=%s\">%s</a> · ", formats [f], area, breakdown,
                        f ? "JSON" : "CSV");
    }
    htmlbuf_append (b, "<a class=\"download\" id=\"download-fhir\" href=\"/ui/indicators/");
    web_url (b, code);
    htmlbuf_printf (b, "/report?format=fhir&amp;org_unit=%s&amp;breakdown=%s\">FHIR</a></p>", area, breakdown);
    htmlbuf_append (b, "<div class=\"scroll\"><table class=\"data\" id=\"figures\"><thead><tr>");
    const char *heads [] = { "Period", "Value", "95% CI low", "95% CI high", "Numerator", "Denominator", "Status",
                             "Compared with England", "England", "Target" };
    for (int c = 0; c < 10; c++)
        htmlbuf_printf (b, "<th scope=\"col\" data-col=\"%s\">%s</th>", s_series_cols [c], heads [c]);
    htmlbuf_append (b, "</tr></thead><tbody>");
    char label [64];
    for (int i = PQntuples (s) - 1; i >= 0; i--) {
        htmlbuf_append (b, "<tr data-period=\"");
        htmlbuf_html (b, PQgetvalue (s, i, C_PERIOD));
        htmlbuf_append (b, "\"><th scope=\"row\">");
        htmlbuf_html (b, period_label (PQgetvalue (s, i, C_PERIOD), label, sizeof label));
        htmlbuf_append (b, "</th>");
        for (int c = C_VALUE; c <= C_TARGET; c++) {
            htmlbuf_printf (b, "<td data-col=\"%s\">", s_series_cols [c]);
            if (c == C_STATUS || c == C_BENCH)
                web_verdict (b, PQgetvalue (s, i, c));
            else
                web_figure (b, web_num (s, i, c), c == C_NUM || c == C_DEN ? "count" : unit);
            htmlbuf_append (b, "</td>");
        }
        htmlbuf_append (b, "</tr>");
    }
    htmlbuf_append (b, "</tbody></table></div></section>");
}

//  The compared areas as a table: name (linking to the area's page for
//  the indicator), value, and how it stands against the area.
static void
s_compare_table (htmlbuf_t *b, const PGresult *r, const svgchart_bar_t *bars, const char *code, const char *unit,
                 const char *area_name)
{
    int n = PQntuples (r);
    htmlbuf_append (b, "<table class=\"data\" id=\"compare\"><thead><tr><th scope=\"col\">Area</th><th scope=\"col\">"
                       "Value</th><th scope=\"col\">Against ");
    htmlbuf_html (b, area_name);
    htmlbuf_append (b, "</th></tr></thead><tbody>");
    for (int i = 0; i < n; i++) {
        htmlbuf_printf (b, "<tr data-area=\"%s\"><th scope=\"row\"><a href=\"/ui/indicators/", PQgetvalue (r, i, 0));
        web_url (b, code);
        htmlbuf_printf (b, "?area=%s\">", PQgetvalue (r, i, 0));
        htmlbuf_html (b, PQgetvalue (r, i, 1));
        htmlbuf_append (b, "</a></th><td>");
        web_figure (b, bars [i].value, unit);
        htmlbuf_printf (b, "</td><td class=\"c-%s\">%s</td></tr>", bars [i].cls,
                        strcmp (bars [i].cls, "none") ? bars [i].cls : "no value");
    }
    htmlbuf_append (b, "</tbody></table>");
}

//  Peers: the area's children (Dudley: its PCNs, or all its practices
//  with compare=practices; a PCN: its practices), or a practice's
//  siblings; all at the latest period of the area's series.
static void
s_compare (htmlbuf_t *b, gw_req_t *req, const PGresult *def, const PGresult *area, const PGresult *s)
{
    if (PQntuples (s) == 0)
        return;
    const char *code = PQgetvalue (def, 0, 0), *unit = PQgetvalue (def, 0, 4), *level = PQgetvalue (area, 0, 2);
    const char *compare = gateway_arg (req, "compare");
    bool practices = compare && strcmp (compare, "practices") == 0;
    const char *period = PQgetvalue (s, PQntuples (s) - 1, C_PERIOD);
    const char *parent = strcmp (level, "practice") == 0 ? PQgetvalue (area, 0, 3) : PQgetvalue (area, 0, 0);
    const char *p [4] = { code, period, parent, strcmp (level, "place") == 0 && practices ? "all" : NULL };
    PGresult *r = web_query_stmt (req, &web_compare_sql, p);
    if (!r)
        return;
    int n = PQntuples (r);
    double ref = web_num (s, PQntuples (s) - 1, C_VALUE);
    bool lower = strcmp (PQgetvalue (def, 0, 5), "lower_better") == 0, neutral = strcmp (PQgetvalue (def, 0, 5), "neutral") == 0;
    char label [64];
    htmlbuf_append (b, "<section aria-labelledby=\"compare-h\"><h2 id=\"compare-h\">Compare areas, ");
    htmlbuf_html (b, period_label (period, label, sizeof label));
    htmlbuf_append (b, "</h2>");
    if (strcmp (level, "place") == 0)
        htmlbuf_printf (b, "<p><a href=\"?area=%s&amp;compare=%s\">%s</a></p>", PQgetvalue (area, 0, 0),
                        practices ? "pcns" : "practices", practices ? "Compare the PCNs" : "Compare all practices");
    bool any = false;
    for (int i = 0; i < n; i++)
        any = any || !PQgetisnull (r, i, 2);
    if (!any) {
        htmlbuf_append (b, "<p class=\"empty\">No figures for the areas below this one for that period.</p></section>");
        PQclear (r);
        return;
    }
    svgchart_bar_t *bars = calloc ((size_t) n + 1, sizeof *bars);
    svgchart_funnel_point_t *fp = calloc ((size_t) n + 1, sizeof *fp);
    double sum_num = 0, sum_den = 0;
    for (int i = 0; bars && fp && i < n; i++) {
        double v = web_num (r, i, 2), lo = web_num (r, i, 3), hi = web_num (r, i, 4);
        //  Above or below the area's own value by the whole interval.
        //  (a peer with no figure: no bar, and "no value" in the table)
        int side = isfinite (lo) && isfinite (ref) && lo > ref ? 1 : isfinite (hi) && isfinite (ref) && hi < ref ? -1 : 0;
        bars [i] = (svgchart_bar_t) { PQgetvalue (r, i, 1), v, lo, hi,
                                      !isfinite (v) ? "none" : side == 0 ? "similar" : neutral ? (side > 0 ? "higher" : "lower")
                                      : (side > 0) != lower ? "better" : "worse" };
        fp [i] = (svgchart_funnel_point_t) { PQgetvalue (r, i, 1), web_num (r, i, 5), web_num (r, i, 6) };
        if (isfinite (fp [i].numerator) && fp [i].denominator > 0) {
            sum_num += fp [i].numerator;
            sum_den += fp [i].denominator;
        }
    }
    if (bars && n) {
        htmlbuf_append (b, "<figure>");
        svgchart_bars (b, bars, (size_t) n, &(svgchart_bars_options_t) { 720, "Areas compared, sorted by value", unit,
                                                                         ref, PQgetvalue (area, 0, 1) });
        htmlbuf_append (b, "<figcaption>Bars sorted by value with 95% intervals; the dashed line is ");
        htmlbuf_html (b, PQgetvalue (area, 0, 1));
        htmlbuf_append (b, ". A bar is better or worse when its whole interval is on one side of it.</figcaption></figure>");
        s_compare_table (b, r, bars, code, unit, PQgetvalue (area, 0, 1));
    }
    if (fp && sum_den > 0 && strcmp (PQgetvalue (def, 0, 7), "proportion") == 0) {
        htmlbuf_append (b, "<h3>Funnel plot</h3><figure>");
        svgchart_funnel (b, fp, (size_t) n, &(svgchart_funnel_options_t) { 720, 300, "Funnel plot of the areas", unit,
                                                                           sum_num / sum_den, web_num (def, 0, 8) });
        htmlbuf_append (b, "<figcaption>Each area's value against its denominator; the solid line is the pooled value,"
                           " dotted and dashed lines the 95% and 99.8% control limits.</figcaption></figure>");
    }
    free (bars);
    free (fp);
    htmlbuf_append (b, "</section>");
    PQclear (r);
}

//  Inequalities: the area's breakdowns at their latest period, a bar
//  chart per dimension and the gap between its highest and lowest.
static void
s_inequalities (htmlbuf_t *b, gw_req_t *req, const PGresult *def, const char *area)
{
    const char *p [2] = { PQgetvalue (def, 0, 0), area };
    PGresult *r = web_query_stmt (req, &web_inequalities_sql, p);
    if (!r)
        return;
    const char *unit = PQgetvalue (def, 0, 4);
    htmlbuf_append (b, "<section aria-labelledby=\"ineq-h\"><h2 id=\"ineq-h\">Inequalities</h2>");
    if (PQntuples (r) == 0)
        htmlbuf_append (b, "<p class=\"empty\">No breakdown (deprivation, ethnicity, sex, age) is held for this area.</p>");
    char label [64], ta [FIGURE_MAX], tb [FIGURE_MAX];
    for (int i = 0; i < PQntuples (r);) {
        int j = i;
        while (j < PQntuples (r) && strcmp (PQgetvalue (r, j, 0), PQgetvalue (r, i, 0)) == 0)
            j++;
        svgchart_bar_t bars [64];
        int n = 0, hi = -1, lo = -1;
        for (int k = i; k < j && n < 64; k++, n++) {
            bars [n] = (svgchart_bar_t) { PQgetvalue (r, k, 1), web_num (r, k, 2), web_num (r, k, 3), web_num (r, k, 4), NULL };
            if (isfinite (bars [n].value) && (hi < 0 || bars [n].value > bars [hi].value))
                hi = n;
            if (isfinite (bars [n].value) && (lo < 0 || bars [n].value < bars [lo].value))
                lo = n;
        }
        htmlbuf_append (b, "<h3>By ");
        htmlbuf_html (b, PQgetvalue (r, i, 0));
        htmlbuf_append (b, ", ");
        htmlbuf_html (b, period_label (PQgetvalue (r, i, 5), label, sizeof label));
        htmlbuf_append (b, "</h3><figure>");
        svgchart_bars (b, bars, (size_t) n, &(svgchart_bars_options_t) { 720, "Values by group", unit, NAN, NULL });
        htmlbuf_append (b, "</figure>");
        if (hi >= 0 && lo >= 0 && hi != lo) {
            htmlbuf_append (b, "<p class=\"gap\" data-dimension=\"");
            htmlbuf_html (b, PQgetvalue (r, i, 0));
            htmlbuf_append (b, "\">Gap: <strong>");
            web_figure (b, bars [hi].value - bars [lo].value, strcmp (unit, "percent") == 0 ? "percentage_points" : unit);
            htmlbuf_append (b, "</strong> between ");
            htmlbuf_html (b, bars [hi].label);
            htmlbuf_printf (b, " (%s) and ", figure_value (bars [hi].value, unit, ta, sizeof ta));
            htmlbuf_html (b, bars [lo].label);
            htmlbuf_printf (b, " (%s).</p>", figure_value (bars [lo].value, unit, tb, sizeof tb));
        }
        i = j;
    }
    htmlbuf_append (b, "</section>");
    PQclear (r);
}

//  The definition, its source in the seed documents, the targets, and
//  what looked wrong in the data: the warnings intake gave for rows of
//  this indicator's element and the notes carried with its figures.
static void
s_about (htmlbuf_t *b, gw_req_t *req, const PGresult *def, const PGresult *s)
{
    htmlbuf_append (b, "<section aria-labelledby=\"about-h\"><h2 id=\"about-h\">Definition and source</h2><dl class=\"about\">"
                       "<dt>Code</dt><dd>");
    htmlbuf_html (b, PQgetvalue (def, 0, 0));
    htmlbuf_append (b, "</dd><dt>Calculation</dt><dd>");
    htmlbuf_html (b, PQgetvalue (def, 0, 7));
    htmlbuf_append (b, ", unit ");
    htmlbuf_html (b, PQgetvalue (def, 0, 4));
    htmlbuf_append (b, "</dd><dt>Target</dt><dd>");
    htmlbuf_html (b, web_text (def, 0, 13) ? web_text (def, 0, 13) : "none");
    htmlbuf_append (b, "</dd><dt>Source</dt><dd id=\"source\">");
    htmlbuf_html (b, web_text (def, 0, 12) ? web_text (def, 0, 12) : "");
    if (web_text (def, 0, 10)) {
        htmlbuf_append (b, " (seed ");
        htmlbuf_html (b, PQgetvalue (def, 0, 10));
        htmlbuf_append (b, ", line ");
        htmlbuf_html (b, web_text (def, 0, 11) ? web_text (def, 0, 11) : "?");
        htmlbuf_append (b, ")");
    }
    htmlbuf_append (b, "</dd><dt>Notes</dt><dd>");
    htmlbuf_html (b, PQgetvalue (def, 0, 9));
    htmlbuf_append (b, "</dd></dl><h3>Data quality</h3><ul class=\"warnings\" id=\"warnings\">");
    int shown = 0;
    //  A warning names its batch row; in a batch where every row was
    //  written (none rejected or unchanged), row n is the batch's n-th
    //  observation.  Elsewhere only a warning that names the element counts,
    //  as a whole code ("pi-22" is not in "pi-2257" nor "pi-22-england").
    char pattern [200] = "(^|[^a-z0-9-])";
    size_t n = strlen (pattern);
    for (const char *c = PQgetvalue (def, 0, 14); *c && n + 20 < sizeof pattern; c++) {
        if (!isalnum ((unsigned char) *c))
            pattern [n++] = '\\';
        pattern [n++] = *c;
    }
    snprintf (pattern + n, sizeof pattern - n, "([^a-z0-9-]|$)");
    const char *p [3] = { PQgetvalue (def, 0, 14), PQgetvalue (def, 0, 15), pattern };
    PGresult *w = web_query_stmt (req, &web_warnings_sql, p);
    for (int i = 0; w && i < PQntuples (w); i++, shown++) {
        htmlbuf_append (b, "<li>");
        htmlbuf_html (b, PQgetvalue (w, i, 1));
        htmlbuf_append (b, " <span class=\"meta\">(batch ");
        htmlbuf_html (b, PQgetvalue (w, i, 0));
        htmlbuf_append (b, ")</span></li>");
    }
    if (w)
        PQclear (w);
    char label [64];
    for (int i = 0; i < PQntuples (s); i++) {
        bool differs = strcmp (PQgetvalue (s, i, C_DIFFERS), "t") == 0;
        if (!web_text (s, i, C_NOTE) && !differs)
            continue;
        shown++;
        htmlbuf_append (b, "<li>");
        htmlbuf_html (b, period_label (PQgetvalue (s, i, C_PERIOD), label, sizeof label));
        htmlbuf_append (b, ": ");
        if (web_text (s, i, C_NOTE))
            htmlbuf_html (b, PQgetvalue (s, i, C_NOTE));
        if (differs) {
            htmlbuf_append (b, " the published comparison with England (");
            htmlbuf_html (b, PQgetvalue (s, i, C_PUBLISHED));
            htmlbuf_append (b, ") differs from carewatch's own by the 95% interval (");
            htmlbuf_html (b, PQgetvalue (s, i, C_BENCH));
            htmlbuf_append (b, ")");
        }
        htmlbuf_append (b, "</li>");
    }
    if (!shown)
        htmlbuf_append (b, "<li>No warnings.</li>");
    htmlbuf_append (b, "</ul></section>");
}

void
web_indicator (gw_req_t *req)
{
    const char *area_code = web_code_arg (req, "area", "dudley"), *breakdown = web_code_arg (req, "breakdown", "total");
    PGresult *def = s_definition (req, req->params [0]);
    if (!def)
        return;
    PGresult *area = s_area (req, area_code), *s = area ? s_series (req, req->params [0], area_code, breakdown) : NULL;
    if (!s) {
        PQclear (def);
        if (area)
            PQclear (area);
        return;
    }
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, PQgetvalue (def, 0, 1), "overview");
    s_header (&b, def, area, breakdown);
    s_latest (&b, s, PQgetvalue (def, 0, 4));
    s_charts (&b, s, PQgetvalue (def, 0, 4), PQgetvalue (def, 0, 1));
    s_compare (&b, req, def, area, s);
    s_inequalities (&b, req, def, area_code);
    s_table (&b, s, PQgetvalue (def, 0, 4), PQgetvalue (def, 0, 0), area_code, breakdown);
    s_about (&b, req, def, s);
    web_finish (&b, req);
    PQclear (def);
    PQclear (area);
    PQclear (s);
}

//  CSV: a header, then per row the raw figures (empty when missing), the
//  same rows and columns as the page's table, oldest first.
static void
s_csv (htmlbuf_t *b, const PGresult *s, const char *code, const char *area, const char *breakdown)
{
    htmlbuf_append (b, "indicator,area,breakdown");
    for (int c = 0; c <= C_TARGET; c++)
        htmlbuf_printf (b, ",%s", s_series_cols [c]);
    htmlbuf_append (b, "\r\n");
    for (int i = 0; i < PQntuples (s); i++) {
        htmlbuf_csv (b, code);
        htmlbuf_printf (b, ",%s,%s", area, breakdown);
        for (int c = 0; c <= C_TARGET; c++) {
            double v = web_num (s, i, c);
            htmlbuf_append (b, ",");
            if (c == C_PERIOD || c == C_STATUS || c == C_BENCH)
                htmlbuf_csv (b, PQgetvalue (s, i, c));
            else if (isfinite (v))
                htmlbuf_number (b, v);
        }
        htmlbuf_append (b, "\r\n");
    }
}

void
web_indicator_data (gw_req_t *req)
{
    const char *format = gateway_arg (req, "format") ?: "csv";
    const char *area = web_code_arg (req, "area", "dudley"), *breakdown = web_code_arg (req, "breakdown", "total");
    if (strcmp (format, "csv") && strcmp (format, "json")) {
        gateway_problem (req, 400, "Bad Request", "format must be csv or json (FHIR: the report link)");
        return;
    }
    PGresult *def = s_definition (req, req->params [0]);
    if (!def)
        return;
    PGresult *s = s_series (req, req->params [0], area, breakdown);
    if (!s) {
        PQclear (def);
        return;
    }
    const char *code = PQgetvalue (def, 0, 0);
    if (strcmp (format, "json") == 0) {
        json_t *rows = json_array ();
        for (int i = 0; i < PQntuples (s); i++) {
            json_t *row = json_pack ("{s:s, s:s, s:s}", "indicator", code, "area", area, "breakdown", breakdown);
            for (int c = 0; c <= C_TARGET; c++) {
                double v = web_num (s, i, c);
                json_object_set_new (row, s_series_cols [c], c == C_PERIOD || c == C_STATUS || c == C_BENCH
                                     ? json_string (PQgetvalue (s, i, c)) : isfinite (v) ? json_real (v) : json_null ());
            }
            json_array_append_new (rows, row);
        }
        gateway_json (req, 200, rows);
    }
    else {
        htmlbuf_t b = HTMLBUF_INIT;
        s_csv (&b, s, code, area, breakdown);
        size_t len;
        char *text = htmlbuf_take (&b, &len);
        gateway_html (req, 200, text, len);
        if (text)
            req->content_type = "text/csv; charset=utf-8";
    }
    //  The file's name from the codes, with anything but [A-Za-z0-9._-] as "_".
    char name [200];
    snprintf (name, sizeof name, "%s-%s-%s.%s", code, area, breakdown, format);
    for (char *c = name; *c; c++)
        if (!strchr ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", *c))
            *c = '_';
    gateway_set_header (req, "Content-Disposition", "attachment; filename=\"%s\"", name);
    PQclear (def);
    PQclear (s);
}
