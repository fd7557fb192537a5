/*  svgchart_compare: the web pages' charts (trend with intervals, bars,
    funnel, spine, Making Data Count icons).  */
#include "svgchart.h"
#include "figure.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_AXIS      "#4c6272"
#define S_GRID      "#d8dde0"
#define S_LINE      "#005eb8"
#define S_WHISKER   "#425563"
#define S_REFERENCE "#212b32"

//  Maps v from lo..hi onto a..b (the middle when lo == hi).
static double
s_map (double v, double lo, double hi, double a, double b)
{
    return hi == lo ? (a + b) / 2.0 : a + (v - lo) / (hi - lo) * (b - a);
}

//  Pads a range 5 % each side (a flat one by 10 % of its value, or 1).
static void
s_pad (double *lo, double *hi)
{
    double span = *hi - *lo;
    if (span <= 0)
        span = fabs (*lo) > 0 ? fabs (*lo) * 0.2 : 2.0;
    *lo -= span * 0.05;
    *hi += span * 0.05;
}

static void
s_label (htmlbuf_t *buf, const char *cls, double x, double y, const char *anchor, const char *text)
{
    htmlbuf_printf (buf, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"11\">", cls, x, y,
                    anchor);
    htmlbuf_html (buf, text);
    htmlbuf_append (buf, "</text>");
}

static void
s_hline (htmlbuf_t *buf, const char *cls, double x1, double x2, double y, const char *colour, const char *dash)
{
    htmlbuf_printf (buf, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s%s%s/>",
                    cls, x1, y, x2, y, colour, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
}

// ---------------------------------------------------------------------
//  Trend

static void
s_trend_axes (htmlbuf_t *buf, const svgchart_trend_point_t *points, size_t n, const svgchart_trend_options_t *o,
              double lo, double hi, double left, double top, double right, double bottom)
{
    char text [FIGURE_MAX];
    htmlbuf_printf (buf, "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f7f7f7\"/>",
                    left - 6, top - 6, right - left + 12, bottom - top + 12);
    s_hline (buf, "axis", left - 6, right + 6, bottom + 6, S_AXIS, NULL);
    double at [2] = { lo, hi };
    const char *cls [2] = { "y-min", "y-max" };
    for (int k = 0; k < 2; k++) {
        double y = s_map (at [k], lo, hi, bottom, top);
        s_hline (buf, "grid", left - 6, right + 6, y, S_GRID, NULL);
        s_label (buf, cls [k], left - 10, y + 4, "end", figure_value (at [k], o->unit, text, sizeof text));
    }
    if (n && points [0].period)
        s_label (buf, "x-start", n == 1 ? (left + right) / 2 : left, bottom + 20, n == 1 ? "middle" : "start",
                 points [0].period);
    if (n > 1 && points [n - 1].period)
        s_label (buf, "x-end", right, bottom + 20, "end", points [n - 1].period);
}

int
svgchart_trend (htmlbuf_t *buf, const svgchart_trend_point_t *points, size_t n, const svgchart_trend_options_t *o)
{
    if (!buf || !o || (n && !points))
        return -1;
    double left = SVGCHART_SPC_LEFT, top = SVGCHART_SPC_TOP;
    double right = o->width - SVGCHART_SPC_RIGHT, bottom = o->height - SVGCHART_SPC_BOTTOM;
    if (right <= left || bottom <= top)
        return -1;
    double lo = 0, hi = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        svgchart_widen (points [i].value, &lo, &hi, &any);
        svgchart_widen (points [i].lo, &lo, &hi, &any);
        svgchart_widen (points [i].hi, &lo, &hi, &any);
        if (o->reference_name)
            svgchart_widen (points [i].reference, &lo, &hi, &any);
    }
    svgchart_widen (o->target, &lo, &hi, &any);
    s_pad (&lo, &hi);
    char text [FIGURE_MAX];
    svgchart_open (buf, "trend", o->width, o->height, o->title ? o->title : "trend");
    s_trend_axes (buf, points, n, o, lo, hi, left, top, right, bottom);
    if (isfinite (o->target)) {
        double y = s_map (o->target, lo, hi, bottom, top);
        htmlbuf_printf (buf, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                        " stroke-width=\"1.5\" stroke-dasharray=\"8 3\"><title>target ", left, y, right, y,
                        SVGCHART_TARGET);
        htmlbuf_html (buf, figure_value (o->target, o->unit, text, sizeof text));
        htmlbuf_append (buf, "</title></line>");
    }
    //  x of point i; the reference and the values as polylines.
#define S_X(i) (n < 2 ? (left + right) / 2 : left + (double) (i) * (right - left) / (double) (n - 1))
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0 && !o->reference_name)
            continue;
        htmlbuf_printf (buf, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"",
                        pass ? "values" : "reference", pass ? S_LINE : S_REFERENCE, pass ? "2" : "1.5",
                        pass ? "" : " stroke-dasharray=\"2 3\"");
        bool first = true;
        for (size_t i = 0; i < n; i++) {
            double v = pass ? points [i].value : points [i].reference;
            if (!isfinite (v))
                continue;
            htmlbuf_printf (buf, "%s%.1f,%.1f", first ? "" : " ", S_X (i), s_map (v, lo, hi, bottom, top));
            first = false;
        }
        htmlbuf_append (buf, "\"/>");
    }
    for (size_t i = 0; i < n; i++) {
        const svgchart_trend_point_t *p = &points [i];
        if (isfinite (p->lo) && isfinite (p->hi))
            htmlbuf_printf (buf, "<line class=\"ci\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
                            S_X (i), s_map (p->lo, lo, hi, bottom, top), S_X (i), s_map (p->hi, lo, hi, bottom, top),
                            S_WHISKER);
        if (!isfinite (p->value))
            continue;
        htmlbuf_printf (buf, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>", S_X (i),
                        s_map (p->value, lo, hi, bottom, top), S_LINE);
        if (p->period) {
            htmlbuf_html (buf, p->period);
            htmlbuf_append (buf, ": ");
        }
        htmlbuf_html (buf, figure_value (p->value, o->unit, text, sizeof text));
        if (isfinite (p->lo) && isfinite (p->hi)) {
            htmlbuf_append (buf, " (95% CI ");
            htmlbuf_html (buf, figure_value (p->lo, o->unit, text, sizeof text));
            htmlbuf_append (buf, " to ");
            htmlbuf_html (buf, figure_value (p->hi, o->unit, text, sizeof text));
            htmlbuf_append (buf, ")");
        }
        htmlbuf_append (buf, "</title></circle>");
    }
#undef S_X
    htmlbuf_append (buf, "</svg>");
    return buf->failed ? -1 : 0;
}

// ---------------------------------------------------------------------
//  Bars

int
svgchart_bars (htmlbuf_t *buf, const svgchart_bar_t *bars, size_t n, const svgchart_bars_options_t *o)
{
    if (!buf || !o || (n && !bars) || o->width <= SVGCHART_BAR_LABEL + 40)
        return -1;
    double lo = 0, hi = 0;
    bool any = true;
    for (size_t i = 0; i < n; i++) {
        svgchart_widen (bars [i].value, &lo, &hi, &any);
        svgchart_widen (bars [i].lo, &lo, &hi, &any);
        svgchart_widen (bars [i].hi, &lo, &hi, &any);
    }
    svgchart_widen (o->reference, &lo, &hi, &any);
    hi += (hi - lo) * 0.05;
    double left = SVGCHART_BAR_LABEL, right = o->width - 70, height = (double) n * SVGCHART_BAR_ROW + 24;
    char text [FIGURE_MAX];
    svgchart_open (buf, "bars", o->width, height, o->title ? o->title : "comparison");
    double zero = s_map (0, lo, hi, left, right);
    for (size_t i = 0; i < n; i++) {
        const svgchart_bar_t *b = &bars [i];
        double y = (double) i * SVGCHART_BAR_ROW + 4;
        s_label (buf, "label", left - 6, y + 13, "end", b->label ? b->label : "");
        if (!isfinite (b->value)) {
            s_label (buf, "none", left + 4, y + 13, "start", "no value");
            continue;
        }
        double x = s_map (b->value, lo, hi, left, right);
        htmlbuf_printf (buf, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\"><title>",
                        b->cls ? b->cls : "", fmin (x, zero), y + 2, fabs (x - zero));
        htmlbuf_html (buf, b->label ? b->label : "");
        htmlbuf_append (buf, ": ");
        htmlbuf_html (buf, figure_value (b->value, o->unit, text, sizeof text));
        htmlbuf_append (buf, "</title></rect>");
        if (isfinite (b->lo) && isfinite (b->hi)) {
            double a = s_map (b->lo, lo, hi, left, right), c = s_map (b->hi, lo, hi, left, right);
            htmlbuf_printf (buf, "<path class=\"ci\" d=\"M%.1f %.1fH%.1fM%.1f %.1fv8M%.1f %.1fv8\" stroke=\"%s\""
                            " fill=\"none\"/>", a, y + 9, c, a, y + 5, c, y + 5, S_WHISKER);
        }
        s_label (buf, "value", right + 64, y + 13, "end", figure_value (b->value, o->unit, text, sizeof text));
    }
    if (isfinite (o->reference)) {
        double x = s_map (o->reference, lo, hi, left, right);
        htmlbuf_printf (buf, "<line class=\"reference\" x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                        " stroke-width=\"1.5\" stroke-dasharray=\"4 2\"><title>", x, x, height - 18, S_REFERENCE);
        htmlbuf_html (buf, o->reference_name ? o->reference_name : "reference");
        htmlbuf_append (buf, " ");
        htmlbuf_html (buf, figure_value (o->reference, o->unit, text, sizeof text));
        htmlbuf_append (buf, "</title></line>");
        s_label (buf, "reference-label", x, height - 4, "middle", o->reference_name ? o->reference_name : "");
    }
    htmlbuf_append (buf, "</svg>");
    return buf->failed ? -1 : 0;
}

// ---------------------------------------------------------------------
//  Funnel

int
svgchart_funnel_limits (double p, double n, double z, double *lo, double *hi)
{
    if (!(n > 0) || !(p >= 0 && p <= 1))
        return -1;
    double se = sqrt (p * (1 - p) / n);
    *lo = fmax (0.0, p - z * se);
    *hi = fmin (1.0, p + z * se);
    return 0;
}

int
svgchart_funnel_zone (double p, double numerator, double denominator)
{
    double lo95, hi95, lo998, hi998;
    if (svgchart_funnel_limits (p, denominator, 1.96, &lo95, &hi95)
    ||  svgchart_funnel_limits (p, denominator, 3.09, &lo998, &hi998))
        return 0;
    double v = numerator / denominator;
    return v > hi998 ? 2 : v < lo998 ? -2 : v > hi95 ? 1 : v < lo95 ? -1 : 0;
}

int
svgchart_funnel (htmlbuf_t *buf, const svgchart_funnel_point_t *points, size_t n, const svgchart_funnel_options_t *o)
{
    if (!buf || !o || (n && !points) || !(o->centre >= 0 && o->centre <= 1))
        return -1;
    double left = SVGCHART_SPC_LEFT, top = SVGCHART_SPC_TOP;
    double right = o->width - SVGCHART_SPC_RIGHT, bottom = o->height - SVGCHART_SPC_BOTTOM;
    if (right <= left || bottom <= top)
        return -1;
    double nmax = 0, lo = o->centre, hi = o->centre;
    bool any = true;
    for (size_t i = 0; i < n; i++)
        if (points [i].denominator > 0) {
            nmax = fmax (nmax, points [i].denominator);
            svgchart_widen (points [i].numerator / points [i].denominator, &lo, &hi, &any);
        }
    if (nmax <= 0)
        nmax = 1;
    double nmin = nmax / 40, l = NAN, h = NAN;
    svgchart_funnel_limits (o->centre, nmin, 3.09, &l, &h);
    svgchart_widen (l, &lo, &hi, &any);
    svgchart_widen (h, &lo, &hi, &any);
    s_pad (&lo, &hi);
    lo = fmax (lo, 0.0);
    hi = fmin (hi, 1.0);
    double m = o->multiplier > 0 ? o->multiplier : 1;
    char text [FIGURE_MAX];
    svgchart_open (buf, "funnel", o->width, o->height, o->title ? o->title : "funnel plot");
    htmlbuf_printf (buf, "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#f7f7f7\"/>",
                    left, top, right - left, bottom - top);
    s_label (buf, "y-min", left - 6, bottom + 4, "end", figure_value (lo * m, o->unit, text, sizeof text));
    s_label (buf, "y-max", left - 6, top + 8, "end", figure_value (hi * m, o->unit, text, sizeof text));
    s_label (buf, "x-label", (left + right) / 2, bottom + 22, "middle", "denominator (people) →");
    s_hline (buf, "centre", left, right, s_map (o->centre, lo, hi, bottom, top), S_REFERENCE, NULL);
    const double zs [2] = { 1.96, 3.09 };
    for (int k = 0; k < 2; k++)
        for (int side = 0; side < 2; side++) {
            htmlbuf_printf (buf, "<polyline class=\"limit l%s\" fill=\"none\" stroke=\"%s\" stroke-dasharray=\"%s\""
                            " points=\"", k ? "998" : "95", S_WHISKER, k ? "6 3" : "2 2");
            for (int s = 0; s <= 40; s++) {
                double nn = nmin + (nmax - nmin) * s / 40.0;
                svgchart_funnel_limits (o->centre, nn, zs [k], &l, &h);
                htmlbuf_printf (buf, "%s%.1f,%.1f", s ? " " : "", s_map (nn, 0, nmax, left, right),
                                s_map (side ? h : l, lo, hi, bottom, top));
            }
            htmlbuf_append (buf, "\"/>");
        }
    for (size_t i = 0; i < n; i++) {
        const svgchart_funnel_point_t *p = &points [i];
        if (!(p->denominator > 0))
            continue;
        int zone = svgchart_funnel_zone (o->centre, p->numerator, p->denominator);
        double v = p->numerator / p->denominator;
        htmlbuf_printf (buf, "<circle class=\"pt %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\"><title>",
                        zone == 0 ? "in" : abs (zone) == 1 ? "out95" : "out998",
                        s_map (p->denominator, 0, nmax, left, right), s_map (v, lo, hi, bottom, top));
        htmlbuf_html (buf, p->label ? p->label : "");
        htmlbuf_append (buf, ": ");
        htmlbuf_html (buf, figure_value (v * m, o->unit, text, sizeof text));
        htmlbuf_printf (buf, " of %.0f", p->denominator);
        htmlbuf_append (buf, "</title></circle>");
    }
    htmlbuf_append (buf, "</svg>");
    return buf->failed ? -1 : 0;
}

// ---------------------------------------------------------------------
//  Spine and icons

int
svgchart_spine (htmlbuf_t *buf, const svgchart_spine_t *sp, double width, double height)
{
    if (!buf || !sp || width < 20 || height < 8)
        return -1;
    double lo = 0, hi = 0;
    bool any = false;
    svgchart_widen (sp->min, &lo, &hi, &any);
    svgchart_widen (sp->max, &lo, &hi, &any);
    svgchart_widen (sp->value, &lo, &hi, &any);
    svgchart_widen (sp->reference, &lo, &hi, &any);
    s_pad (&lo, &hi);
    //  Better is to the right: a lower-is-better axis runs high to low.
    double a = 4, b = width - 4;
    if (sp->lower_better) {
        double t = a;
        a = b;
        b = t;
    }
    svgchart_open (buf, "spine", width, height, sp->title ? sp->title : "spine chart");
    if (isfinite (sp->min) && isfinite (sp->max)) {
        double x1 = s_map (sp->min, lo, hi, a, b), x2 = s_map (sp->max, lo, hi, a, b);
        htmlbuf_printf (buf, "<rect class=\"range\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                        fmin (x1, x2), height * 0.25, fabs (x2 - x1), height * 0.5);
    }
    if (isfinite (sp->q1) && isfinite (sp->q3)) {
        double x1 = s_map (sp->q1, lo, hi, a, b), x2 = s_map (sp->q3, lo, hi, a, b);
        htmlbuf_printf (buf, "<rect class=\"iqr\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
                        fmin (x1, x2), height * 0.25, fabs (x2 - x1), height * 0.5);
    }
    if (isfinite (sp->reference)) {
        double x = s_map (sp->reference, lo, hi, a, b);
        htmlbuf_printf (buf, "<line class=\"reference\" x1=\"%.1f\" y1=\"1\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                        " stroke-width=\"2\"/>", x, x, height - 1, S_REFERENCE);
    }
    if (isfinite (sp->value))
        htmlbuf_printf (buf, "<circle class=\"pt %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"/>", sp->cls ? sp->cls : "",
                        s_map (sp->value, lo, hi, a, b), height / 2, height * 0.3);
    htmlbuf_append (buf, "</svg>");
    return buf->failed ? -1 : 0;
}

int
svgchart_icon (htmlbuf_t *buf, const char *kind, const char *name, bool high)
{
    static const struct {
        const char *kind, *name, *colour, *letter;
    } icons [] = {
        { "variation", "common_cause", SVGCHART_COMMON, "~" },
        { "variation", "special_cause_improving", SVGCHART_IMPROVING, NULL },
        { "variation", "special_cause_concerning", SVGCHART_CONCERNING, NULL },
        { "variation", "special_cause_neutral", SVGCHART_NEUTRAL, NULL },
        { "assurance", "consistently_passing", SVGCHART_IMPROVING, "P" },
        { "assurance", "consistently_failing", SVGCHART_CONCERNING, "F" },
        { "assurance", "hit_and_miss", SVGCHART_COMMON, "?" },
    };
    if (!buf || !kind || !name)
        return -1;
    for (size_t i = 0; i < sizeof icons / sizeof icons [0]; i++) {
        if (strcmp (kind, icons [i].kind) || strcmp (name, icons [i].name))
            continue;
        const char *letter = icons [i].letter ? icons [i].letter : high ? "H" : "L";
        char title [96];
        snprintf (title, sizeof title, "%s: %s%s", kind, name, icons [i].letter ? "" : high ? " (high)" : " (low)");
        for (char *c = title; *c; c++)
            if (*c == '_')
                *c = ' ';
        htmlbuf_printf (buf, "<svg class=\"icon %s %s\" width=\"28\" height=\"28\" viewBox=\"0 0 28 28\" role=\"img\""
                        " aria-label=\"%s\"><title>%s</title><circle cx=\"14\" cy=\"14\" r=\"12.5\" fill=\"#fff\""
                        " stroke=\"%s\" stroke-width=\"3\"/><text x=\"14\" y=\"19\" text-anchor=\"middle\""
                        " font-size=\"14\" font-weight=\"bold\" fill=\"#212b32\">%s</text></svg>",
                        kind, name, title, title, icons [i].colour, letter);
        return buf->failed ? -1 : 0;
    }
    return -1;
}
