/*  svgchart: sparklines and SPC charts as inline SVG.  */
#include "svgchart.h"
#include "figure.h"

#include <math.h>
#include <string.h>

#define S_LINE_COLOUR   "#7b7d7d"
#define S_SPARK_COLOUR  "#005eb8"
#define S_GUTTER        6.0

//  Which horizontal level of an SPC point a line follows.
typedef enum { S_MEAN, S_LCL, S_UCL } s_level_t;

static bool
s_frame_valid (const svgchart_frame_t *frame)
{
    return frame && isfinite (frame->left) && isfinite (frame->top) && isfinite (frame->width)
        && isfinite (frame->height) && isfinite (frame->min) && isfinite (frame->max);
}

static double
s_x (const svgchart_frame_t *frame, size_t i, size_t n)
{
    if (n < 2)
        return frame->left + frame->width / 2.0;
    return frame->left + (double) i * frame->width / (double) (n - 1);
}

static double
s_y (const svgchart_frame_t *frame, double value)
{
    if (frame->max == frame->min)
        return frame->top + frame->height / 2.0;
    return frame->top + frame->height - (value - frame->min) / (frame->max - frame->min) * frame->height;
}

int
svgchart_points (const double *values, size_t n, const svgchart_frame_t *frame,
                     svgchart_point_t *out)
{
    if (n > 0 && (!values || !out))
        return -1;
    if (!s_frame_valid (frame))
        return -1;
    for (size_t i = 0; i < n; i++) {
        out [i].x = s_x (frame, i, n);
        out [i].present = !isnan (values [i]);
        out [i].y = out [i].present ? s_y (frame, values [i]) : NAN;
    }
    return 0;
}

const char *
svgchart_cause_name (svgchart_cause_t cause)
{
    switch (cause) {
        case SVGCHART_CAUSE_IMPROVING:  return "improving";
        case SVGCHART_CAUSE_CONCERNING: return "concerning";
        case SVGCHART_CAUSE_NEUTRAL:    return "neutral";
        default:                            return "common";
    }
}

static const char *
s_cause_colour (svgchart_cause_t cause)
{
    switch (cause) {
        case SVGCHART_CAUSE_IMPROVING:  return SVGCHART_IMPROVING;
        case SVGCHART_CAUSE_CONCERNING: return SVGCHART_CONCERNING;
        case SVGCHART_CAUSE_NEUTRAL:    return SVGCHART_NEUTRAL;
        default:                            return SVGCHART_COMMON;
    }
}

void
svgchart_open (htmlbuf_t *buf, const char *cls, double width, double height, const char *title)
{
    htmlbuf_printf (buf, "<svg class=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                            " role=\"img\" aria-label=\"", cls, width, height, width, height);
    htmlbuf_html (buf, title);
    htmlbuf_append (buf, "\"><title>");
    htmlbuf_html (buf, title);
    htmlbuf_append (buf, "</title>");
}

//  Appends one polyline per run of present values, and a dot of radius
//  dot_r (0: none) for a run of one.  The values come from values when it
//  is not NULL, otherwise from points [i].value.
static void
s_runs (htmlbuf_t *buf, const double *values, const svgchart_spc_point_t *points, size_t n,
        const svgchart_frame_t *frame, const char *cls, const char *colour, double stroke, double dot_r)
{
    size_t i = 0;
    while (i < n) {
        double v = values ? values [i] : points [i].value;
        if (isnan (v)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < n && !isnan (values ? values [j + 1] : points [j + 1].value))
            j++;
        if (j == i) {
            if (dot_r > 0)
                htmlbuf_printf (buf, "<circle class=\"dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>",
                                   s_x (frame, i, n), s_y (frame, v), dot_r, colour);
        }
        else {
            htmlbuf_printf (buf, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\""
                                    " stroke-linejoin=\"round\" points=\"", cls, colour, stroke);
            for (size_t k = i; k <= j; k++)
                htmlbuf_printf (buf, "%s%.1f,%.1f", k > i ? " " : "", s_x (frame, k, n),
                                   s_y (frame, values ? values [k] : points [k].value));
            htmlbuf_append (buf, "\"/>");
        }
        i = j + 1;
    }
}

int
svgchart_sparkline_frame (const double *values, size_t n, double width, double height,
                              svgchart_frame_t *frame)
{
    const double inset = SVGCHART_SPARK_INSET;
    frame->left = inset;
    frame->top = inset;
    frame->width = width - 2 * inset;
    frame->height = height - 2 * inset;
    frame->min = frame->max = 0;
    if (!(frame->width > 0 && frame->height > 0) || (n > 0 && !values))
        return -1;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (isnan (values [i]))
            continue;
        if (!any || values [i] < frame->min)
            frame->min = values [i];
        if (!any || values [i] > frame->max)
            frame->max = values [i];
        any = true;
    }
    return any ? 0 : -1;
}

int
svgchart_sparkline (htmlbuf_t *buf, const double *values, size_t n, double width,
                        double height, const char *title)
{
    if (!buf || (n > 0 && !values))
        return -1;
    if (!(width > 2 * SVGCHART_SPARK_INSET && height > 2 * SVGCHART_SPARK_INSET))
        return -1;
    svgchart_frame_t frame;
    bool any = svgchart_sparkline_frame (values, n, width, height, &frame) == 0;
    svgchart_open (buf, "sparkline", width, height, title ? title : "trend");
    if (any) {
        s_runs (buf, values, NULL, n, &frame, "line", S_SPARK_COLOUR, 1.5, 1.2);
        size_t last = n;
        while (last > 0 && isnan (values [last - 1]))
            last--;
        htmlbuf_printf (buf, "<circle class=\"last\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>",
                           s_x (&frame, last - 1, n), s_y (&frame, values [last - 1]), S_SPARK_COLOUR);
    }
    htmlbuf_append (buf, "</svg>");
    return buf->failed ? -1 : 0;
}

static double
s_level (const svgchart_spc_point_t *point, s_level_t level)
{
    return level == S_MEAN ? point->mean : level == S_LCL ? point->lcl : point->ucl;
}

void
svgchart_widen (double value, double *lo, double *hi, bool *any)
{
    if (!isfinite (value))
        return;
    if (!*any || value < *lo)
        *lo = value;
    if (!*any || value > *hi)
        *hi = value;
    *any = true;
}

//  The lowest and highest figure the chart draws; false when none.
static bool
s_spc_extent (const svgchart_spc_point_t *points, size_t n, double target, double *lo, double *hi)
{
    bool any = false;
    *lo = *hi = 0;
    for (size_t i = 0; i < n; i++) {
        svgchart_widen (points [i].value, lo, hi, &any);
        svgchart_widen (points [i].mean, lo, hi, &any);
        svgchart_widen (points [i].lcl, lo, hi, &any);
        svgchart_widen (points [i].ucl, lo, hi, &any);
    }
    svgchart_widen (target, lo, hi, &any);
    return any;
}

int
svgchart_spc_frame (const svgchart_spc_point_t *points, size_t n,
                        const svgchart_spc_options_t *options, svgchart_frame_t *frame)
{
    if (!options || !frame || (n > 0 && !points))
        return -1;
    frame->left = SVGCHART_SPC_LEFT;
    frame->top = SVGCHART_SPC_TOP;
    frame->width = options->width - SVGCHART_SPC_LEFT - SVGCHART_SPC_RIGHT;
    frame->height = options->height - SVGCHART_SPC_TOP - SVGCHART_SPC_BOTTOM;
    double lo, hi;
    if (!s_spc_extent (points, n, options->target, &lo, &hi)) {
        lo = 0;
        hi = 1;
    }
    double pad = hi > lo ? 0.05 * (hi - lo) : lo != 0 ? 0.1 * fabs (lo) : 1.0;
    frame->min = lo - pad;
    frame->max = hi + pad;
    return frame->width > 0 && frame->height > 0 ? 0 : -1;
}

//  Appends a horizontal line for each run of points sharing one level.
static void
s_spc_level (htmlbuf_t *buf, const svgchart_spc_point_t *points, size_t n,
             const svgchart_frame_t *frame, s_level_t level, const char *cls, const char *dash)
{
    double half = (n > 1 ? frame->width / (double) (n - 1) : frame->width) / 4.0;
    size_t i = 0;
    while (i < n) {
        double v = s_level (&points [i], level);
        if (!isfinite (v)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j + 1 < n && fabs (s_level (&points [j + 1], level) - v) <= 1e-9 * fmax (1.0, fabs (v)))
            j++;
        double x1 = s_x (frame, i, n), x2 = s_x (frame, j, n);
        if (j == i) {
            x1 = fmax (frame->left, x1 - half);
            x2 = fmin (frame->left + frame->width, x2 + half);
        }
        htmlbuf_printf (buf, "<line class=\"%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                                " stroke=\"%s\" stroke-width=\"1.2\"%s%s%s/>",
                           cls, x1, s_y (frame, v), x2, s_y (frame, v), level == S_MEAN ? "#231f20" : S_LINE_COLOUR,
                           dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
        i = j + 1;
    }
}

static void
s_spc_axes (htmlbuf_t *buf, const svgchart_spc_point_t *points, size_t n,
            const svgchart_frame_t *frame, const svgchart_spc_options_t *options)
{
    char text [FIGURE_MAX];
    double lo, hi, right = frame->left + frame->width, bottom = frame->top + frame->height;
    //  The axes stand S_GUTTER clear of the plot so the end dots do not
    //  sit on them.
    double axis_x = frame->left - S_GUTTER, axis_y = bottom + S_GUTTER;
    htmlbuf_printf (buf, "<rect class=\"plot\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                            " fill=\"#f7f7f7\"/>", axis_x, frame->top - S_GUTTER, frame->width + 2 * S_GUTTER,
                       frame->height + 2 * S_GUTTER);
    htmlbuf_printf (buf, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#4c6272\"/>",
                       axis_x, frame->top - S_GUTTER, axis_x, axis_y);
    htmlbuf_printf (buf, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#4c6272\"/>",
                       axis_x, axis_y, right + S_GUTTER, axis_y);
    if (s_spc_extent (points, n, options->target, &lo, &hi)) {
        const char *cls [2] = { "y-min", "y-max" };
        double at [2] = { lo, hi };
        for (int k = 0; k < (hi > lo ? 2 : 1); k++) {
            double y = s_y (frame, at [k]);
            htmlbuf_printf (buf, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                                    " stroke=\"#d8dde0\"/>", axis_x, y, right + S_GUTTER, y);
            htmlbuf_printf (buf, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">",
                               cls [k], axis_x - 4, y + 4);
            htmlbuf_html (buf, figure_value (at [k], options->unit, text, sizeof text));
            htmlbuf_append (buf, "</text>");
        }
    }
    if (n == 0)
        return;
    double label_y = axis_y + 14;
    if (points [0].period) {
        htmlbuf_printf (buf, "<text class=\"x-start\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"11\">",
                           s_x (frame, 0, n), label_y, n == 1 ? "middle" : "start");
        htmlbuf_html (buf, points [0].period);
        htmlbuf_append (buf, "</text>");
    }
    if (n > 1 && points [n - 1].period) {
        htmlbuf_printf (buf, "<text class=\"x-end\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">",
                           s_x (frame, n - 1, n), label_y);
        htmlbuf_html (buf, points [n - 1].period);
        htmlbuf_append (buf, "</text>");
    }
}

int
svgchart_spc (htmlbuf_t *buf, const svgchart_spc_point_t *points, size_t n,
                  const svgchart_spc_options_t *options)
{
    svgchart_frame_t frame;
    if (!buf || svgchart_spc_frame (points, n, options, &frame))
        return -1;
    char text [FIGURE_MAX];
    svgchart_open (buf, "spc", options->width, options->height, options->title ? options->title : "SPC chart");
    s_spc_axes (buf, points, n, &frame, options);
    s_spc_level (buf, points, n, &frame, S_UCL, "ucl", "5 4");
    s_spc_level (buf, points, n, &frame, S_LCL, "lcl", "5 4");
    s_spc_level (buf, points, n, &frame, S_MEAN, "mean", NULL);
    if (isfinite (options->target)) {
        double y = s_y (&frame, options->target);
        htmlbuf_printf (buf, "<line class=\"target\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
                                " stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"8 3\"><title>target ",
                           frame.left, y, frame.left + frame.width, y, SVGCHART_TARGET);
        htmlbuf_html (buf, figure_value (options->target, options->unit, text, sizeof text));
        htmlbuf_append (buf, "</title></line>");
    }
    s_runs (buf, NULL, points, n, &frame, "data", S_LINE_COLOUR, 1.5, 0);
    for (size_t i = 0; i < n; i++) {
        if (isnan (points [i].value))
            continue;
        bool special = points [i].cause != SVGCHART_CAUSE_COMMON;
        htmlbuf_printf (buf, "<circle class=\"pt %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>",
                           svgchart_cause_name (points [i].cause), s_x (&frame, i, n),
                           s_y (&frame, points [i].value), special ? "4.5" : "3.5", s_cause_colour (points [i].cause));
        if (points [i].period) {
            htmlbuf_html (buf, points [i].period);
            htmlbuf_append (buf, ": ");
        }
        htmlbuf_html (buf, figure_value (points [i].value, options->unit, text, sizeof text));
        if (special) {
            htmlbuf_append (buf, " (special cause, ");
            htmlbuf_append (buf, svgchart_cause_name (points [i].cause));
            htmlbuf_append (buf, ")");
        }
        htmlbuf_append (buf, "</title></circle>");
    }
    htmlbuf_append (buf, "</svg>");
    return buf->failed ? -1 : 0;
}
