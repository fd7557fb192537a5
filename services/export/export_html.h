/*  export_html: the pieces the HTML reports are built from.

    One self-contained page per report: inline CSS (with a print
    stylesheet), inline SVG, no script, no font, no link or image to
    fetch; a Content-Security-Policy meta tag forbids any that slip in.
    Everything taken from a document is HTML-escaped.

    Verdicts are shown three ways, so neither colour vision nor a
    monochrome print is needed to read them: a symbol, a word and a
    colour.  Status: ★ on target, ◆ tolerance, ▲ below target, ○ missing,
    – no target.  Trends are already polarity-adjusted in the document,
    so the arrow says better or worse rather than up or down, as the
    council's own report does: ↗ improved, → consistent, ↘ worsening;
    for a neutral indicator ↑ higher, ↓ lower; – cannot compare.

    Stable hooks for tests and scrapers: classes st-<status> and
    tr-<trend> on verdict cells, data-value with the raw number on figure
    cells, data-indicator on the rows and sections of an indicator.
*/
#ifndef CAREWATCH_EXPORT_HTML_H
#define CAREWATCH_EXPORT_HTML_H

#include <jansson.h>

#include "htmlbuf.h"

//  Appends the doctype, head (title, CSS) and the page header: the
//  document's title as h1 and a line with org unit, subtitle (may be
//  NULL), filters and generation time.  report names the body class.
void export_html_page_open (htmlbuf_t *out, json_t *doc, const char *report, const char *subtitle);

//  Closes what export_html_page_open opened.
void export_html_page_close (htmlbuf_t *out);

//  Appends a status verdict as <span class="sym">★</span> On target.
void export_html_status (htmlbuf_t *out, const char *status);

//  Appends a trend verdict as <span class="sym">↗</span> Improved.
void export_html_trend (htmlbuf_t *out, const char *trend);

//  Appends a figure formatted by unit (figure_value).
void export_html_value (htmlbuf_t *out, double value, const char *unit);

//  Appends a <td> of class cls (with " num") holding a figure, with its
//  raw number in data-value when present.
void export_html_value_cell (htmlbuf_t *out, const char *cls, double value, const char *unit);

//  Appends text with its underscores as spaces and the first letter
//  capitalised ("hit_and_miss" -> "Hit and miss"), escaped.
void export_html_words (htmlbuf_t *out, const char *text);

//  Appends a period's label ("Q2 2022/23" for FY2022-23Q2), escaped.
void export_html_period (htmlbuf_t *out, const char *code);

//  The target line worth drawing on a chart: the value of a min, max or
//  zero target object, NAN for none or a range.
double export_html_target_line (json_t *target);

//  The bodies of the detail reports (export_html_detail.c): everything
//  between export_html_page_open and export_html_page_close.
void export_html_exceptions (htmlbuf_t *out, json_t *doc);
void export_html_indicator (htmlbuf_t *out, json_t *doc);

#endif
