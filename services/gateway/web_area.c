/*  web_area: one place, PCN or practice.  The way up and down the tree;
    a spine chart of every indicator the area has a figure for (its value
    against the spread of the areas at its level, Dudley's value as the
    line); the SPC summary matrix (variation by assurance); and the
    alerts firing for it.  */
#include "web.h"
#include "gateway_store.h"
#include "period.h"
#include "svgchart.h"
#include "verdict.h"

#include <math.h>
#include <string.h>

static const char *s_variations [] = { "special_cause_improving", "special_cause_concerning", "special_cause_neutral",
                                       "common_cause", "not_assessed" };
static const char *s_assurances [] = { "consistently_passing", "hit_and_miss", "consistently_failing", "none" };

//  Up (ancestors up to the place) and down (the children).
static int
s_tree (htmlbuf_t *b, gw_req_t *req, const char *area)
{
    const char *p [1] = { area };
    PGresult *r = web_query_stmt (req, &web_tree_sql, p);
    if (!r)
        return -1;
    htmlbuf_append (b, "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><ol id=\"crumbs\">");
    int down = 0;
    for (int i = PQntuples (r) - 1; i >= 0; i--) {
        if (strcmp (PQgetvalue (r, i, 3), "up"))
            continue;
        bool self = strcmp (PQgetvalue (r, i, 0), area) == 0;
        htmlbuf_printf (b, "<li data-area=\"%s\" data-level=\"%s\"><a href=\"/ui/areas/%s\"%s>", PQgetvalue (r, i, 0),
                        PQgetvalue (r, i, 2), PQgetvalue (r, i, 0), self ? " aria-current=\"page\"" : "");
        htmlbuf_html (b, PQgetvalue (r, i, 1));
        htmlbuf_append (b, "</a></li>");
    }
    htmlbuf_append (b, "</ol></nav>");
    for (int i = 0; i < PQntuples (r); i++)
        down += strcmp (PQgetvalue (r, i, 3), "down") == 0;
    if (down) {
        htmlbuf_append (b, "<details class=\"children\" open><summary>Drill down</summary><ul id=\"children\">");
        for (int i = 0; i < PQntuples (r); i++) {
            if (strcmp (PQgetvalue (r, i, 3), "down"))
                continue;
            htmlbuf_printf (b, "<li data-area=\"%s\"><a href=\"/ui/areas/%s\">", PQgetvalue (r, i, 0), PQgetvalue (r, i, 0));
            htmlbuf_html (b, PQgetvalue (r, i, 1));
            htmlbuf_append (b, "</a></li>");
        }
        htmlbuf_append (b, "</ul></details>");
    }
    PQclear (r);
    return 0;
}

static PGresult *
s_spine_rows (gw_req_t *req, const char *area, const char *level, const char *end)
{
    const char *p [3] = { area, end, level };
    return web_query_stmt (req, &web_spine_rows_sql, p);
}

static void
s_matrix (htmlbuf_t *b, const PGresult *r)
{
    int counts [5][4] = { { 0 } };
    for (int i = 0; i < PQntuples (r); i++)
        for (int v = 0; v < 5; v++)
            for (int a = 0; a < 4; a++)
                counts [v][a] += strcmp (PQgetvalue (r, i, 9), s_variations [v]) == 0
                              && strcmp (PQgetvalue (r, i, 10), s_assurances [a]) == 0;
    htmlbuf_append (b, "<section aria-labelledby=\"matrix-h\"><h2 id=\"matrix-h\">SPC summary</h2><table class=\"matrix\""
                       " id=\"spc-matrix\"><thead><tr><th scope=\"col\">Variation \\ assurance</th>");
    for (int a = 0; a < 4; a++) {
        htmlbuf_printf (b, "<th scope=\"col\" data-assurance=\"%s\">", s_assurances [a]);
        svgchart_icon (b, "assurance", s_assurances [a], false);
        htmlbuf_printf (b, " %s</th>", verdict_words (s_assurances [a]));
    }
    htmlbuf_append (b, "</tr></thead><tbody>");
    for (int v = 0; v < 5; v++) {
        htmlbuf_printf (b, "<tr><th scope=\"row\" data-variation=\"%s\">", s_variations [v]);
        svgchart_icon (b, "variation", s_variations [v], v != 1);
        htmlbuf_printf (b, " %s</th>", verdict_words (s_variations [v]));
        for (int a = 0; a < 4; a++)
            htmlbuf_printf (b, "<td class=\"num\" data-variation=\"%s\" data-assurance=\"%s\">%d</td>", s_variations [v],
                            s_assurances [a], counts [v][a]);
        htmlbuf_append (b, "</tr>");
    }
    htmlbuf_append (b, "</tbody></table></section>");
}

static void
s_spine (htmlbuf_t *b, const PGresult *r, const char *area)
{
    htmlbuf_append (b, "<section aria-labelledby=\"spine-h\"><h2 id=\"spine-h\">Every indicator: spine chart</h2>"
                       "<p class=\"meta\">The bar is the spread of the areas at this level (lightest: lowest to highest;"
                       " darker: the middle half); the line is Dudley; the dot is this area, better to the right.</p>"
                       "<div class=\"scroll\"><table class=\"data spine\" id=\"spine\"><thead><tr><th scope=\"col\">Indicator"
                       "</th><th scope=\"col\">Period</th><th scope=\"col\">Value</th><th scope=\"col\">Status</th>"
                       "<th scope=\"col\">Dudley</th><th scope=\"col\">England</th><th scope=\"col\">Spread</th></tr>"
                       "</thead><tbody>");
    const char *domain = "";
    char label [64];
    for (int i = 0; i < PQntuples (r); i++) {
        const char *unit = PQgetvalue (r, i, 3);
        if (strcmp (domain, PQgetvalue (r, i, 0))) {
            domain = PQgetvalue (r, i, 0);
            htmlbuf_append (b, "<tr class=\"domain\"><th scope=\"rowgroup\" colspan=\"7\">");
            htmlbuf_html (b, domain);
            htmlbuf_append (b, "</th></tr>");
        }
        htmlbuf_append (b, "<tr data-indicator=\"");
        htmlbuf_html (b, PQgetvalue (r, i, 1));
        htmlbuf_append (b, "\"><th scope=\"row\"><a href=\"/ui/indicators/");
        web_url (b, PQgetvalue (r, i, 1));
        htmlbuf_printf (b, "?area=%s\">", area);
        htmlbuf_html (b, PQgetvalue (r, i, 2));
        htmlbuf_printf (b, "</a></th><td data-period=\"%s\">", PQgetvalue (r, i, 5));
        htmlbuf_html (b, period_label (PQgetvalue (r, i, 5), label, sizeof label));
        htmlbuf_append (b, "</td><td class=\"value\">");
        web_figure (b, web_num (r, i, 6), unit);
        htmlbuf_append (b, "</td><td>");
        web_verdict (b, PQgetvalue (r, i, 7));
        htmlbuf_append (b, "</td><td>");
        web_figure (b, web_num (r, i, 11), unit);
        htmlbuf_append (b, "</td><td>");
        web_figure (b, web_num (r, i, 12), unit);
        htmlbuf_append (b, "</td><td>");
        svgchart_spine_t sp = { web_num (r, i, 6), web_num (r, i, 13), web_num (r, i, 14), web_num (r, i, 15),
                                web_num (r, i, 16), web_num (r, i, 11), strcmp (PQgetvalue (r, i, 4), "lower_better") == 0,
                                PQgetvalue (r, i, 7), "spread of areas, Dudley and this area" };
        svgchart_spine (b, &sp, 160, 18);
        htmlbuf_append (b, "</td></tr>");
    }
    htmlbuf_append (b, "</tbody></table></div></section>");
}

static void
s_alerts (htmlbuf_t *b, gw_req_t *req, const char *area)
{
    const char *p [1] = { area };
    PGresult *r = web_query_stmt (req, &web_alerts_sql, p);
    if (!r)
        return;
    htmlbuf_printf (b, "<section aria-labelledby=\"alerts-h\"><h2 id=\"alerts-h\">Alerts firing (%d)</h2>", PQntuples (r));
    if (PQntuples (r)) {
        htmlbuf_append (b, "<table class=\"data\" id=\"area-alerts\"><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">"
                           "Indicator</th><th scope=\"col\">Period</th><th scope=\"col\">Severity</th><th scope=\"col\">"
                           "Since</th></tr></thead><tbody>");
        for (int i = 0; i < PQntuples (r); i++) {
            htmlbuf_append (b, "<tr><td>");
            htmlbuf_html (b, PQgetvalue (r, i, 0));
            htmlbuf_append (b, "</td><td><a href=\"/ui/indicators/");
            web_url (b, PQgetvalue (r, i, 1));
            htmlbuf_printf (b, "?area=%s\">", area);
            htmlbuf_html (b, *PQgetvalue (r, i, 2) ? PQgetvalue (r, i, 2) : PQgetvalue (r, i, 1));
            htmlbuf_append (b, "</a></td><td>");
            for (int c = 3; c < 6; c++) {
                htmlbuf_html (b, PQgetvalue (r, i, c));
                htmlbuf_append (b, c < 5 ? "</td><td>" : "</td></tr>");
            }
        }
        htmlbuf_append (b, "</tbody></table>");
    }
    htmlbuf_append (b, "</section>");
    PQclear (r);
}

void
web_area (gw_req_t *req)
{
    const char *area = req->params [0];
    char as_at [32], end [16];
    const char *p [1] = { area };
    //  code, name, level, parent
    PGresult *a = web_query_row (req, &web_area_lookup_sql, p, "There is no such area. Pick one from the overview.");
    if (!a)
        return;
    PGresult *r = NULL;
    if (web_as_at (req, as_at, sizeof as_at, end, sizeof end) == 0)
        r = s_spine_rows (req, area, PQgetvalue (a, 0, 2), end);
    if (!r) {
        PQclear (a);
        return;
    }
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, PQgetvalue (a, 0, 1), "areas");
    htmlbuf_printf (&b, "<p class=\"meta\" id=\"area-level\" data-level=\"%s\">", PQgetvalue (a, 0, 2));
    htmlbuf_html (&b, PQgetvalue (a, 0, 2));
    htmlbuf_printf (&b, " · %d indicators with a figure</p>", PQntuples (r));
    if (s_tree (&b, req, area) == 0) {
        char action [300];
        snprintf (action, sizeof action, "/ui/areas/%s", area);
        web_period_picker (&b, req, action, as_at, NULL);
        s_matrix (&b, r);
        s_alerts (&b, req, area);
        s_spine (&b, r, area);
        web_finish (&b, req);
    }
    else
        htmlbuf_free (&b);
    PQclear (r);
    PQclear (a);
}
