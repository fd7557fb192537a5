/*  export_html: page frame, verdicts and figures for the HTML reports.  */
#include "export_html.h"
#include "verdict.h"
#include "export_doc.h"
#include "figure.h"
#include "export_query.h"
#include "period.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

//  NHS identity colours; amber text is darkened to keep its contrast.
static const char s_css [] =
    ":root{--blue:#005eb8;--green:#007f3b;--amber:#ffb81c;--red:#d5281b;--grey:#768692;--ink:#212b32;"
    "--muted:#4c6272;--rule:#d8dde0}"
    "*{box-sizing:border-box}"
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;color:var(--ink);"
    "margin:0 auto;padding:1.5rem;max-width:80rem;line-height:1.4}"
    "h1{font-size:1.6rem;margin:0 0 .25rem}"
    "h2{font-size:1.2rem;margin:1.75rem 0 .5rem;padding-bottom:.2rem;border-bottom:2px solid var(--blue)}"
    "h3{font-size:1rem;margin:1.25rem 0 .4rem}"
    ".meta,.legend,figcaption,.owner,.footnote{color:var(--muted)}"
    ".meta{margin:0 0 1rem}"
    ".dashboard{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}"
    ".dashboard .panel{border:1px solid var(--rule);border-radius:4px;padding:.5rem .75rem}"
    ".dashboard h2{font-size:.9rem;margin:0 0 .35rem;border:0;padding:0}"
    ".dashboard .counts{display:flex;gap:.9rem;margin:0}"
    ".dashboard .count{text-align:center;min-width:4.5rem}"
    ".dashboard .n{display:block;font-size:1.6rem;font-weight:700}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.25rem 0 1rem}"
    "th,td{border-bottom:1px solid var(--rule);padding:.35rem .5rem;text-align:left;vertical-align:top}"
    "thead th{border-bottom:2px solid var(--ink);font-size:.8rem}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".owner{display:block;font-size:.8rem}"
    ".sym{font-weight:700;margin-right:.2em}"
    ".st-on_target{color:var(--green)}.st-tolerance{color:#8a5a00}.st-below_target{color:var(--red)}"
    ".st-missing,.st-no_target{color:var(--grey)}"
    ".tr-improved{color:var(--green)}.tr-worsening{color:var(--red)}"
    "tr.kpi.st-below_target th{box-shadow:inset 4px 0 var(--red)}"
    "tr.kpi.st-tolerance th{box-shadow:inset 4px 0 var(--amber)}"
    "tr.kpi.st-on_target th{box-shadow:inset 4px 0 var(--green)}"
    "tr.note td{font-size:.85rem;color:var(--muted);padding-top:0}"
    "tr.note td,.commentary li,.notes{white-space:pre-line}"
    "tr.domain th{background:#f0f4f5}"
    ".footnote{display:block;font-size:.75rem}"
    ".legend{font-size:.85rem}"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}"
    "dl.facts dt{font-weight:600}dl.facts dd{margin:0}"
    "figure{margin:.5rem 0 1rem}svg{display:block;max-width:100%;height:auto}"
    "svg text{font-family:inherit;fill:var(--muted)}"
    "section.exception{border-top:1px solid var(--rule);margin-top:1rem}"
    "footer{margin-top:2rem;font-size:.8rem;color:var(--muted)}"
    "@media print{body{padding:0;max-width:none;font-size:9.5pt}"
    "@page{size:A4 landscape;margin:12mm}"
    "thead{display:table-header-group}tr,figure,.dashboard .panel{break-inside:avoid}"
    "h2,h3{break-after:avoid}section.exception{break-before:page}"
    "section.exception:first-of-type{break-before:auto}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

void
export_html_words (htmlbuf_t *out, const char *text)
{
    if (!text)
        return;
    htmlbuf_t words = HTMLBUF_INIT;
    htmlbuf_append (&words, text);
    for (size_t i = 0; i < words.len; i++)
        if (words.data [i] == '_')
            words.data [i] = ' ';
    if (words.len)
        words.data [0] = (char) toupper ((unsigned char) words.data [0]);
    htmlbuf_html (out, words.data);
    htmlbuf_free (&words);
}

void
export_html_period (htmlbuf_t *out, const char *code)
{
    char label [64];
    if (code)
        htmlbuf_html (out, period_label (code, label, sizeof label));
}

void
export_html_page_open (htmlbuf_t *out, json_t *doc, const char *report, const char *subtitle)
{
    const char *title = export_doc_str (doc, "title");
    json_t *org = export_doc_obj (doc, "org_unit"), *filters = export_doc_obj (doc, "filters");
    htmlbuf_append (out, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
                            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                            " style-src 'unsafe-inline'; img-src data:\"><title>");
    htmlbuf_html (out, title ? title : report);
    htmlbuf_append (out, "</title><style>");
    htmlbuf_append (out, s_css);
    htmlbuf_printf (out, "</style></head>\n<body class=\"report-%s\"><header><h1>", report);
    htmlbuf_html (out, title ? title : report);
    htmlbuf_append (out, "</h1><p class=\"meta\">");
    const char *org_name = export_doc_str (org, "name");
    if (org_name) {
        htmlbuf_append (out, "<span class=\"org-unit\">");
        htmlbuf_html (out, org_name);
        htmlbuf_append (out, "</span>");
    }
    if (subtitle) {
        htmlbuf_append (out, org_name ? " · " : "");
        htmlbuf_html (out, subtitle);
    }
    const char *keys [2] = { "owner", "domain" };
    for (int k = 0; k < 2; k++) {
        const char *value = export_doc_str (filters, keys [k]);
        if (value) {
            htmlbuf_printf (out, " · <span class=\"filter\">%s: ", keys [k]);
            htmlbuf_html (out, value);
            htmlbuf_append (out, "</span>");
        }
    }
    htmlbuf_append (out, "</p></header>\n<main>");
}

void
export_html_page_close (htmlbuf_t *out)
{
    htmlbuf_append (out, "</main>\n<footer><p>Produced by carewatch. Key: ★ on target, ◆ tolerance,"
                            " ▲ below target, ○ missing; ↗ improved, → consistent, ↘ worsening"
                            " (the arrow shows better or worse, whichever way the figure moved).</p>"
                            "</footer></body></html>\n");
}

static void
s_verdict (htmlbuf_t *out, const char *name)
{
    const char *words = verdict_words (name);
    if (words)
        htmlbuf_printf (out, "<span class=\"sym\" aria-hidden=\"true\">%s</span> %s", verdict_symbol (name), words);
    else
        export_html_words (out, name ? name : "–");
}

void
export_html_status (htmlbuf_t *out, const char *status)
{
    s_verdict (out, status);
}

void
export_html_trend (htmlbuf_t *out, const char *trend)
{
    s_verdict (out, trend);
}

void
export_html_value (htmlbuf_t *out, double value, const char *unit)
{
    char text [FIGURE_MAX];
    htmlbuf_html (out, figure_value (value, unit, text, sizeof text));
}

void
export_html_value_cell (htmlbuf_t *out, const char *cls, double value, const char *unit)
{
    htmlbuf_printf (out, "<td class=\"%s num\"", cls);
    if (isfinite (value)) {
        htmlbuf_append (out, " data-value=\"");
        htmlbuf_number (out, value);
        htmlbuf_append (out, "\"");
    }
    htmlbuf_append (out, ">");
    export_html_value (out, value, unit);
    htmlbuf_append (out, "</td>");
}

double
export_html_target_line (json_t *target)
{
    const char *kind = export_doc_str (target, "kind");
    if (!kind)
        return NAN;
    if (strcmp (kind, "zero") == 0)
        return 0.0;
    if (strcmp (kind, "min") == 0 || strcmp (kind, "max") == 0)
        return export_doc_num (target, "value");
    return NAN;
}
