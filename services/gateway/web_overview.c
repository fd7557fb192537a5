/*  web_overview: the home page, a "tartan rug" of indicators (rows, by
    domain) against areas (columns: England, the region, Dudley and its
    PCNs).  Each cell is the area's latest value as at the chosen period,
    coloured by its status against target or by its comparison with
    England, and always with the symbol and a word as well.  */
#include "web.h"
#include "gateway_store.h"
#include "verdict.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#define S_MAX_COLS 16

typedef struct {
    char code [72];
    char name [128];
} s_col_t;

static int
s_columns (gw_req_t *req, s_col_t *cols)
{
    PGresult *r = web_query_stmt (req, &web_rug_columns_sql, NULL);
    if (!r)
        return -1;
    int n = 0;
    for (int i = 0; i < PQntuples (r) && n < S_MAX_COLS; i++, n++) {
        snprintf (cols [n].code, sizeof cols [n].code, "%s", PQgetvalue (r, i, 0));
        snprintf (cols [n].name, sizeof cols [n].name, "%s", PQgetvalue (r, i, 1));
    }
    PQclear (r);
    return n;
}

//  One row per indicator with a figure in any column as at the date:
//  domain, code, name, unit, then the cells as {org: [period, value,
//  status, benchmark]}.
static PGresult *
s_rows (gw_req_t *req, const char *end)
{
    const char *p [4] = { end, gateway_arg (req, "domain"), gateway_arg (req, "owner"), web_code_arg (req, "status", NULL) };
    return web_query_stmt (req, &web_rug_rows_sql, p);
}

static void
s_filters (htmlbuf_t *b, gw_req_t *req, const char *as_at)
{
    htmlbuf_append (b, "<form class=\"filters\" method=\"get\" action=\"/ui/\"><input type=\"hidden\" name=\"as_at\" value=\"");
    htmlbuf_html (b, as_at);
    htmlbuf_append (b, "\"><label>Domain <select name=\"domain\" class=\"autosubmit\"><option value=\"\">All</option>");
    PGresult *r = web_query_stmt (req, &web_domains_sql, NULL);
    const char *domain = gateway_arg (req, "domain");
    for (int i = 0; r && i < PQntuples (r); i++) {
        htmlbuf_append (b, "<option");
        if (domain && strcmp (domain, PQgetvalue (r, i, 0)) == 0)
            htmlbuf_append (b, " selected");
        htmlbuf_append (b, ">");
        htmlbuf_html (b, PQgetvalue (r, i, 0));
        htmlbuf_append (b, "</option>");
    }
    if (r)
        PQclear (r);
    htmlbuf_append (b, "</select></label> <label>Owner <input name=\"owner\" size=\"18\" value=\"");
    htmlbuf_html (b, gateway_arg (req, "owner"));
    htmlbuf_append (b, "\"></label> <label>Dudley status <select name=\"status\" class=\"autosubmit\"><option value=\"\">Any</option>");
    const char *statuses [] = { "on_target", "tolerance", "below_target", "missing", "no_target" };
    const char *st = gateway_arg (req, "status");
    for (int i = 0; i < 5; i++)
        htmlbuf_printf (b, "<option value=\"%s\"%s>%s</option>", statuses [i],
                        st && strcmp (st, statuses [i]) == 0 ? " selected" : "", verdict_words (statuses [i]));
    const char *colour = gateway_arg (req, "colour");
    bool bench = colour && strcmp (colour, "benchmark") == 0;
    htmlbuf_printf (b, "</select></label> <label>Colour by <select name=\"colour\" class=\"autosubmit\">"
                    "<option value=\"status\"%s>status against target</option><option value=\"benchmark\"%s>"
                    "comparison with England</option></select></label> <button type=\"submit\">Filter</button></form>",
                    bench ? "" : " selected", bench ? " selected" : "");
}

static void
s_cell (htmlbuf_t *b, json_t *cell, const char *code, const char *org, const char *unit, bool bench)
{
    if (!cell) {
        htmlbuf_printf (b, "<td class=\"cell empty\" data-area=\"%s\"><span class=\"sr\">no figure</span></td>", org);
        return;
    }
    const char *period = json_string_value (json_array_get (cell, 0));
    json_t *value = json_array_get (cell, 1);
    const char *status = json_string_value (json_array_get (cell, 2));
    const char *benchmark = json_string_value (json_array_get (cell, 3));
    const char *verdict = bench ? benchmark : status;
    htmlbuf_printf (b, "<td class=\"cell c-%s\" data-area=\"%s\" data-period=\"", verdict ? verdict : "none", org);
    htmlbuf_html (b, period);
    htmlbuf_append (b, "\"><a href=\"/ui/indicators/");
    web_url (b, code);
    htmlbuf_printf (b, "?area=%s\">", org);
    web_figure (b, json_is_number (value) ? json_number_value (value) : NAN, unit);
    htmlbuf_printf (b, " <span class=\"sym\" title=\"%s\">%s</span><span class=\"sr\"> ", verdict_words (verdict) ?: "",
                    verdict_symbol (verdict));
    htmlbuf_html (b, verdict_words (verdict) ? verdict_words (verdict) : "");
    htmlbuf_append (b, "</span></a></td>");
}

void
web_overview (gw_req_t *req)
{
    char as_at [32], end [16];
    s_col_t cols [S_MAX_COLS];
    if (web_as_at (req, as_at, sizeof as_at, end, sizeof end))
        return;
    int ncols = s_columns (req, cols);
    if (ncols < 0)
        return;
    PGresult *r = s_rows (req, end);
    if (!r)
        return;
    const char *colour = gateway_arg (req, "colour");
    bool bench = colour && strcmp (colour, "benchmark") == 0;
    htmlbuf_t b = HTMLBUF_INIT;
    web_open (&b, req, "Indicators by area", "overview");
    const char *keep [] = { "domain", "owner", "status", "colour", NULL };
    web_period_picker (&b, req, "/ui/", as_at, keep);
    s_filters (&b, req, as_at);
    htmlbuf_printf (&b, "<p class=\"meta\">%d indicators with a figure; each cell is the latest figure up to the end"
                    " of the period chosen, coloured by %s.</p>", PQntuples (r),
                    bench ? "comparison with England" : "status against target");
    htmlbuf_append (&b, "<div class=\"scroll\"><table class=\"rug\" id=\"rug\"><caption class=\"sr\">Indicators (rows)"
                        " by area (columns)</caption><thead><tr><th scope=\"col\">Indicator</th>");
    for (int c = 0; c < ncols; c++) {
        htmlbuf_printf (&b, "<th scope=\"col\" data-area=\"%s\"><a href=\"/ui/areas/%s\">", cols [c].code, cols [c].code);
        htmlbuf_html (&b, cols [c].name);
        htmlbuf_append (&b, "</a></th>");
    }
    htmlbuf_append (&b, "</tr></thead><tbody>");
    const char *domain = "";
    for (int i = 0; i < PQntuples (r); i++) {
        if (strcmp (domain, PQgetvalue (r, i, 0))) {
            domain = PQgetvalue (r, i, 0);
            htmlbuf_printf (&b, "<tr class=\"domain\"><th scope=\"rowgroup\" colspan=\"%d\">", ncols + 1);
            htmlbuf_html (&b, domain);
            htmlbuf_append (&b, "</th></tr>");
        }
        const char *code = PQgetvalue (r, i, 1);
        htmlbuf_append (&b, "<tr data-indicator=\"");
        htmlbuf_html (&b, code);
        htmlbuf_append (&b, "\"><th scope=\"row\"><a href=\"/ui/indicators/");
        web_url (&b, code);
        htmlbuf_append (&b, "\">");
        htmlbuf_html (&b, PQgetvalue (r, i, 2));
        htmlbuf_append (&b, "</a></th>");
        json_t *cells = json_loads (PQgetvalue (r, i, 4), 0, NULL);
        for (int c = 0; c < ncols; c++)
            s_cell (&b, json_object_get (cells, cols [c].code), code, cols [c].code, PQgetvalue (r, i, 3), bench);
        json_decref (cells);
        htmlbuf_append (&b, "</tr>");
    }
    htmlbuf_append (&b, "</tbody></table></div>");
    PQclear (r);
    web_finish (&b, req);
}
