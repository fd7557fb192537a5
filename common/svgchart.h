/*  svgchart: small inline SVG charts for the HTML reports and web pages.

    Geometry.  A chart maps values into a plot frame (left, top, width,
    height in pixels; SVG y grows downwards) over a value range min..max:
        x(i) = left + i * width / (n - 1)        (n == 1: left + width / 2)
        y(v) = top + height - (v - min) / (max - min) * height
                                                 (max == min: top + height / 2)
    so the first point sits on the left edge, the last on the right edge,
    min on the bottom edge and max on the top edge.  Coordinates are
    written with one decimal.  svgchart_points computes them, so a
    test can check a known series against the SVG text.

    Sparkline: the frame is the box inset by SVGCHART_SPARK_INSET on
    every side (room for the marker), the range is the series' own
    min..max.  Present values are joined by a polyline; a missing value
    (NAN) breaks the line, and a present value with no present neighbour
    is drawn as a dot.  The last present value is marked with a circle.

    SPC chart ("Making Data Count" style): the frame leaves margins for
    the axis labels (SVGCHART_SPC_LEFT/RIGHT/TOP/BOTTOM); the axes
    are drawn a few pixels outside the frame.  The range
    covers the values, means, limits and target, widened by 5 % of the
    span on each side (a flat series: +/- 1, or 10 % of the value).
    Values are joined by a grey line with one dot per point: grey for
    common cause, blue for special cause improving, orange for special
    cause concerning, purple for special cause neutral.  The mean is a
    solid line and the process limits dashed, each drawn level across a
    run of points with the same value, so a rebased chart steps.  An
    optional target is a red dashed line.  The y axis is labelled with
    the lowest and highest figure drawn (formatted by unit, as
    figure_value does), the x axis with the first and last period.

    The SVG is for inline use in HTML5: no xmlns, no external reference.
    A <title> (and aria-label) carries the accessible description.  All
    text is escaped.  Pure functions: nothing but the buffer is touched.
*/
#ifndef CAREWATCH_SVGCHART_H
#define CAREWATCH_SVGCHART_H

#include <stdbool.h>
#include <stddef.h>

#include "htmlbuf.h"

//  Sparkline inset and SPC margins, in pixels.
#define SVGCHART_SPARK_INSET  3.0
#define SVGCHART_SPC_LEFT     76.0
#define SVGCHART_SPC_RIGHT    16.0
#define SVGCHART_SPC_TOP      12.0
#define SVGCHART_SPC_BOTTOM   28.0

//  Dot colours ("Making Data Count").
#define SVGCHART_COMMON      "#a6a6a6"
#define SVGCHART_IMPROVING   "#289de0"
#define SVGCHART_CONCERNING  "#fab428"
#define SVGCHART_NEUTRAL     "#490092"
#define SVGCHART_TARGET      "#de1b1b"

//  Where values land: the plot area and the value range it shows.
typedef struct {
    double left;                //  x of the first point
    double top;                 //  y of max
    double width;               //  x span, first point to last
    double height;              //  y span, max to min
    double min;                 //  value on the bottom edge
    double max;                 //  value on the top edge
} svgchart_frame_t;

//  One mapped point.
typedef struct {
    double x;                   //  pixels from the left
    double y;                   //  pixels from the top
    bool present;               //  false for a missing value (x still set)
} svgchart_point_t;

//  What a special cause point says ("Making Data Count" icons).
typedef enum {
    SVGCHART_CAUSE_COMMON = 0,      //  common cause: grey
    SVGCHART_CAUSE_IMPROVING,       //  special cause, good side: blue
    SVGCHART_CAUSE_CONCERNING,      //  special cause, bad side: orange
    SVGCHART_CAUSE_NEUTRAL          //  special cause, no good side: purple
} svgchart_cause_t;

//  One point of an SPC chart.  Strings are borrowed.
typedef struct {
    const char *period;         //  label for the axis and tooltip; may be NULL
    double value;               //  NAN = missing
    double mean;                //  centre line at this point; NAN = none
    double lcl;                 //  lower process limit; NAN = none
    double ucl;                 //  upper process limit; NAN = none
    svgchart_cause_t cause; //  dot colour
} svgchart_spc_point_t;

//  Options of an SPC chart.  Strings are borrowed.
typedef struct {
    double width;               //  SVG width in pixels (> margins)
    double height;              //  SVG height in pixels (> margins)
    const char *title;          //  accessible title; NULL = "SPC chart"
    const char *unit;           //  for axis labels and tooltips; NULL = plain
    double target;              //  target line; NAN = none
} svgchart_spc_options_t;

//  Maps values [0..n) into frame as the header describes, writing n
//  points into out.  A NAN value gives present = false.  Returns 0, or
//  -1 when an argument is NULL (with n > 0) or the frame is not finite.
int svgchart_points (const double *values, size_t n, const svgchart_frame_t *frame,
                         svgchart_point_t *out);

//  The frame a sparkline of width x height uses for values [0..n).
//  Returns 0, or -1 when the box is too small or no value is present
//  (the frame is still set, with min = max = 0).
int svgchart_sparkline_frame (const double *values, size_t n, double width, double height,
                                  svgchart_frame_t *frame);

//  Appends a sparkline <svg class="sparkline"> of values [0..n) (NAN =
//  missing) sized width x height, with title as its accessible name
//  (NULL: "trend").  No present value draws an empty box.  Returns 0, or
//  -1 when buf is NULL, values is NULL with n > 0, or the box is smaller
//  than twice the inset.
int svgchart_sparkline (htmlbuf_t *buf, const double *values, size_t n, double width,
                            double height, const char *title);

//  The frame an SPC chart of points [0..n) uses.  Returns 0, or -1 when
//  the size leaves no plot area.
int svgchart_spc_frame (const svgchart_spc_point_t *points, size_t n,
                            const svgchart_spc_options_t *options, svgchart_frame_t *frame);

//  Appends an SPC chart <svg class="spc"> of points [0..n).  Returns 0,
//  or -1 when buf, options or (with n > 0) points is NULL or the size
//  leaves no plot area.
int svgchart_spc (htmlbuf_t *buf, const svgchart_spc_point_t *points, size_t n,
                      const svgchart_spc_options_t *options);

//  Widens lo..hi to take in value (a NAN or infinity is left out); *any
//  says whether the range holds anything yet, and is set.
void svgchart_widen (double value, double *lo, double *hi, bool *any);

//  Opens an <svg class="cls"> of width x height whose accessible name
//  (aria-label and <title>) is title; the caller appends the drawing and
//  "</svg>".
void svgchart_open (htmlbuf_t *buf, const char *cls, double width, double height, const char *title);

// ---------------------------------------------------------------------
//  The web pages' charts (svgchart_compare.c).  Same conventions: inline
//  SVG, a viewBox so CSS can scale it to a phone, every mark with a
//  <title> giving its figure, classes as hooks.

//  One point of a trend chart.  Strings are borrowed.
typedef struct {
    const char *period;         //  label; may be NULL
    double value;               //  NAN = missing
    double lo, hi;              //  95% interval; NAN = none
    double reference;           //  a comparator's value (England); NAN = none
} svgchart_trend_point_t;

typedef struct {
    double width, height;       //  pixels (> the SPC margins, which it shares)
    const char *title;          //  accessible title
    const char *unit;           //  for labels
    double target;              //  target line; NAN = none
    const char *reference_name; //  "England"; NULL = no reference line
} svgchart_trend_options_t;

//  Appends a trend <svg class="trend">: the values joined by a line, each
//  with its interval as a whisker, the reference as a dotted line and the
//  target dashed.  The frame is the SPC chart's (margins, range widened
//  5 %) over values, intervals, reference and target.  Returns 0 or -1
//  (NULL buf/options, points NULL with n > 0, no plot area).
int svgchart_trend (htmlbuf_t *buf, const svgchart_trend_point_t *points, size_t n,
                    const svgchart_trend_options_t *options);

//  One bar of a compare chart.  Strings are borrowed.
typedef struct {
    const char *label;          //  the area's name
    double value;               //  NAN = no value (no bar)
    double lo, hi;              //  95% interval; NAN = none
    const char *cls;            //  class of the bar: "better", "similar", "worse", or NULL
} svgchart_bar_t;

typedef struct {
    double width;               //  pixels; the height follows from the rows
    const char *title;
    const char *unit;
    double reference;           //  a vertical line (the parent's value); NAN = none
    const char *reference_name;
} svgchart_bars_options_t;

//  Pixels per bar row, and the left column kept for labels.
#define SVGCHART_BAR_ROW 22.0
#define SVGCHART_BAR_LABEL 230.0

//  Appends horizontal bars <svg class="bars"> in the order given, each
//  with its interval, from zero (or the lowest value when below zero) to
//  the highest value or interval end.  Returns 0 or -1.
int svgchart_bars (htmlbuf_t *buf, const svgchart_bar_t *bars, size_t n, const svgchart_bars_options_t *options);

//  One area of a funnel plot.
typedef struct {
    const char *label;
    double numerator, denominator;      //  the denominator > 0 to be drawn
} svgchart_funnel_point_t;

typedef struct {
    double width, height;
    const char *title;
    const char *unit;
    double centre;              //  the pooled proportion (0..1) the funnel is about
    double multiplier;          //  100 for a percentage
} svgchart_funnel_options_t;

//  Control limits of a funnel plot for a proportion: the normal
//  approximation p +/- z sqrt (p (1 - p) / n), clipped to 0..1 (z = 1.96
//  for 95%, 3.09 for 99.8%).  Returns 0, or -1 when n <= 0 or p is
//  outside 0..1.
int svgchart_funnel_limits (double p, double n, double z, double *lo, double *hi);

//  Where a point falls: 0 inside the 95% limits, +1/-1 above/below them
//  but inside 99.8%, +2/-2 beyond 99.8%.
int svgchart_funnel_zone (double p, double numerator, double denominator);

//  Appends a funnel plot <svg class="funnel">: the value of each area
//  against its denominator, the centre line and the 95% and 99.8%
//  limits.  Each point's class is "in", "out95" or "out998".  Returns 0
//  or -1.
int svgchart_funnel (htmlbuf_t *buf, const svgchart_funnel_point_t *points, size_t n,
                     const svgchart_funnel_options_t *options);

//  One row of a spine chart: an area's value against the spread of its
//  peers (lowest, quartiles, highest) and a reference (Dudley).
typedef struct {
    double value;               //  the area's value (NAN = none)
    double min, q1, q3, max;    //  peers' spread; NAN = none
    double reference;           //  NAN = none
    bool lower_better;          //  flips the axis so better is always to the right
    const char *cls;            //  class of the value's mark
    const char *title;          //  accessible title
} svgchart_spine_t;

//  Appends a spine <svg class="spine"> width x height.  Returns 0 or -1.
int svgchart_spine (htmlbuf_t *buf, const svgchart_spine_t *spine, double width, double height);

//  Appends a "Making Data Count" icon (28 x 28): for variation,
//  kind "variation" and name a calc variation (special_cause_improving,
//  ...), with high true when the special cause is on the high side; for
//  assurance, kind "assurance" and name consistently_passing,
//  consistently_failing or hit_and_miss.  Returns 0, or -1 for an
//  unknown name (nothing appended).
int svgchart_icon (htmlbuf_t *buf, const char *kind, const char *name, bool high);

//  Name of a cause as the SVG class uses it: "common", "improving",
//  "concerning", "neutral".  Static string.
const char *svgchart_cause_name (svgchart_cause_t cause);

#endif
