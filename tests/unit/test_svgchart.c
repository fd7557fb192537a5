/*  test_svgchart: the geometry of the SVG charts on known series,
    gaps in a sparkline, and the marks of an SPC chart.

    Mapping (svgchart.h): x = left + i * width / (n - 1),
    y = top + height - (v - min) / (max - min) * height.
*/
#include "check.h"
#include "svgchart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(a) (sizeof (a) / sizeof ((a) [0]))

static void
test_points_known_series (void)
{
    //  10, 20, 30 in a 100 x 50 box over 10..30: the ends on the edges,
    //  20 in the middle both ways.
    double values [] = { 10, 20, 30 };
    svgchart_frame_t frame = { .left = 0, .top = 0, .width = 100, .height = 50, .min = 10, .max = 30 };
    svgchart_point_t pts [3];
    CHECK_INT (svgchart_points (values, 3, &frame, pts), 0);
    CHECK_NEAR (pts [0].x, 0, 1e-9);
    CHECK_NEAR (pts [0].y, 50, 1e-9);
    CHECK_NEAR (pts [1].x, 50, 1e-9);
    CHECK_NEAR (pts [1].y, 25, 1e-9);
    CHECK_NEAR (pts [2].x, 100, 1e-9);
    CHECK_NEAR (pts [2].y, 0, 1e-9);
    CHECK (pts [0].present && pts [1].present && pts [2].present);

    //  Offset frame: 25 over 0..100 in a box at (10, 20) of 200 x 40
    //  is x = 10 + 1 * 200 / 4 = 60, y = 20 + 40 - 0.25 * 40 = 50.
    double five [] = { 0, 25, NAN, 75, 100 };
    svgchart_frame_t offset = { 10, 20, 200, 40, 0, 100 };
    svgchart_point_t p5 [5];
    CHECK_INT (svgchart_points (five, 5, &offset, p5), 0);
    CHECK_NEAR (p5 [1].x, 60, 1e-9);
    CHECK_NEAR (p5 [1].y, 50, 1e-9);
    CHECK (!p5 [2].present);
    CHECK_NEAR (p5 [2].x, 110, 1e-9);
    CHECK_NEAR (p5 [4].y, 20, 1e-9);

    //  One point, or a flat range: the middle.
    double one [] = { 7 };
    svgchart_frame_t flat = { 0, 0, 100, 50, 7, 7 };
    CHECK_INT (svgchart_points (one, 1, &flat, pts), 0);
    CHECK_NEAR (pts [0].x, 50, 1e-9);
    CHECK_NEAR (pts [0].y, 25, 1e-9);

    CHECK_INT (svgchart_points (NULL, 3, &frame, pts), -1);
    frame.max = NAN;
    CHECK_INT (svgchart_points (values, 3, &frame, pts), -1);
}

static void
test_sparkline_geometry (void)
{
    //  A 106 x 56 sparkline is the 100 x 50 box above inset by 3.
    double values [] = { 10, 20, 30 };
    svgchart_frame_t frame;
    CHECK_INT (svgchart_sparkline_frame (values, 3, 106, 56, &frame), 0);
    CHECK_NEAR (frame.left, 3, 1e-9);
    CHECK_NEAR (frame.top, 3, 1e-9);
    CHECK_NEAR (frame.width, 100, 1e-9);
    CHECK_NEAR (frame.height, 50, 1e-9);
    CHECK_NEAR (frame.min, 10, 1e-9);
    CHECK_NEAR (frame.max, 30, 1e-9);

    htmlbuf_t buf = HTMLBUF_INIT;
    CHECK_INT (svgchart_sparkline (&buf, values, 3, 106, 56, "PI <1> & co"), 0);
    CHECK_CONTAINS (buf.data, "<svg class=\"sparkline\" width=\"106\" height=\"56\" viewBox=\"0 0 106 56\"");
    CHECK_CONTAINS (buf.data, "points=\"3.0,53.0 53.0,28.0 103.0,3.0\"");
    CHECK_CONTAINS (buf.data, "<circle class=\"last\" cx=\"103.0\" cy=\"3.0\"");
    CHECK_CONTAINS (buf.data, "<title>PI &lt;1&gt; &amp; co</title>");
    CHECK (!strstr (buf.data, "<1>"));
    CHECK (!strstr (buf.data, "http"));
    CHECK_INT (check_occurrences (buf.data, "<polyline"), 1);
    CHECK (strlen (buf.data) >= 6 && strcmp (buf.data + strlen (buf.data) - 6, "</svg>") == 0);
    htmlbuf_free (&buf);
}

static void
test_sparkline_gaps (void)
{
    //  10, -, 30, 40, -: x = 3 + 25 i; range 10..40 over 50 px.
    //  10 stands alone (a dot at 3,53); 30 and 40 make one line
    //  (y(30) = 53 - 20/30 * 50 = 19.67); the last mark is on 40, not on
    //  the missing end.
    double values [] = { 10, NAN, 30, 40, NAN };
    htmlbuf_t buf = HTMLBUF_INIT;
    CHECK_INT (svgchart_sparkline (&buf, values, N_OF (values), 106, 56, NULL), 0);
    CHECK_INT (check_occurrences (buf.data, "<polyline"), 1);
    CHECK_CONTAINS (buf.data, "points=\"53.0,19.7 78.0,3.0\"");
    CHECK_CONTAINS (buf.data, "<circle class=\"dot\" cx=\"3.0\" cy=\"53.0\"");
    CHECK_CONTAINS (buf.data, "<circle class=\"last\" cx=\"78.0\" cy=\"3.0\"");
    CHECK_CONTAINS (buf.data, "<title>trend</title>");
    htmlbuf_free (&buf);

    //  A gap in the middle of a line splits it in two.
    double split [] = { 1, 2, NAN, 3, 4 };
    CHECK_INT (svgchart_sparkline (&buf, split, N_OF (split), 106, 56, "x"), 0);
    CHECK_INT (check_occurrences (buf.data, "<polyline"), 2);
    CHECK_INT (check_occurrences (buf.data, "class=\"dot\""), 0);
    htmlbuf_free (&buf);

    //  Nothing to draw: an empty, titled box; still valid.
    double none [] = { NAN, NAN };
    CHECK_INT (svgchart_sparkline (&buf, none, 2, 106, 56, "empty"), 0);
    CHECK_INT (check_occurrences (buf.data, "<polyline"), 0);
    CHECK_INT (check_occurrences (buf.data, "<circle"), 0);
    CHECK_CONTAINS (buf.data, "</svg>");
    htmlbuf_free (&buf);
    CHECK_INT (svgchart_sparkline (&buf, NULL, 0, 106, 56, "empty"), 0);
    htmlbuf_free (&buf);

    CHECK_INT (svgchart_sparkline (NULL, values, 3, 106, 56, NULL), -1);
    CHECK_INT (svgchart_sparkline (&buf, values, 3, 6, 56, NULL), -1);
    CHECK_INT (svgchart_sparkline (&buf, NULL, 3, 106, 56, NULL), -1);
    htmlbuf_free (&buf);
}

static void
test_spc_marks (void)
{
    //  Mean 10, limits 5..15; one point above the upper limit (improving),
    //  one below the lower (concerning), the rest common cause; target 12.
    double values [] = { 9, 11, 10, 16, 9, 3, 10, 11 };
    const char *periods [] = { "Q1 2021/22", "Q2", "Q3", "Q4", "Q1", "Q2", "Q3", "Q2 2023/24" };
    svgchart_spc_point_t pts [8];
    for (size_t i = 0; i < 8; i++)
        pts [i] = (svgchart_spc_point_t) { periods [i], values [i], 10, 5, 15, SVGCHART_CAUSE_COMMON };
    pts [3].cause = SVGCHART_CAUSE_IMPROVING;
    pts [5].cause = SVGCHART_CAUSE_CONCERNING;
    svgchart_spc_options_t opts = { .width = 640, .height = 260, .title = "PI 1 <SPC>", .unit = "percent",
                                        .target = 12 };

    //  The range is 3..16 widened by 5 % of 13 each side.
    svgchart_frame_t frame;
    CHECK_INT (svgchart_spc_frame (pts, 8, &opts, &frame), 0);
    CHECK_NEAR (frame.min, 3 - 0.65, 1e-9);
    CHECK_NEAR (frame.max, 16 + 0.65, 1e-9);
    CHECK_NEAR (frame.left, SVGCHART_SPC_LEFT, 1e-9);
    CHECK_NEAR (frame.width, 640 - SVGCHART_SPC_LEFT - SVGCHART_SPC_RIGHT, 1e-9);
    CHECK_NEAR (frame.height, 260 - SVGCHART_SPC_TOP - SVGCHART_SPC_BOTTOM, 1e-9);

    htmlbuf_t buf = HTMLBUF_INIT;
    CHECK_INT (svgchart_spc (&buf, pts, 8, &opts), 0);
    const char *svg = buf.data;
    CHECK_CONTAINS (svg, "<svg class=\"spc\" width=\"640\" height=\"260\"");
    CHECK_CONTAINS (svg, "<title>PI 1 &lt;SPC&gt;</title>");
    CHECK_INT (check_occurrences (svg, "class=\"pt common\""), 6);
    CHECK_INT (check_occurrences (svg, "class=\"pt improving\""), 1);
    CHECK_INT (check_occurrences (svg, "class=\"pt concerning\""), 1);
    CHECK_INT (check_occurrences (svg, "class=\"pt neutral\""), 0);
    CHECK_CONTAINS (svg, "fill=\"" SVGCHART_IMPROVING "\"");
    CHECK_CONTAINS (svg, "fill=\"" SVGCHART_CONCERNING "\"");
    CHECK_CONTAINS (svg, "(special cause, improving)");
    CHECK_INT (check_occurrences (svg, "<line class=\"mean\""), 1);
    CHECK_INT (check_occurrences (svg, "<line class=\"ucl\""), 1);
    CHECK_INT (check_occurrences (svg, "<line class=\"lcl\""), 1);
    CHECK_CONTAINS (svg, "class=\"ucl\"");
    CHECK_CONTAINS (svg, "stroke-dasharray=\"5 4\"");
    CHECK_CONTAINS (svg, "<line class=\"target\"");
    CHECK_CONTAINS (svg, "<title>target 12.0%</title>");
    CHECK_CONTAINS (svg, ">3.0%</text>");
    CHECK_CONTAINS (svg, ">16.0%</text>");
    CHECK_CONTAINS (svg, "<text class=\"x-start\"");
    CHECK_CONTAINS (svg, ">Q1 2021/22</text>");
    CHECK_CONTAINS (svg, ">Q2 2023/24</text>");
    CHECK (!strstr (svg, "http"));

    //  The improving dot sits where svgchart_points puts value 16.
    svgchart_point_t mapped [8];
    CHECK_INT (svgchart_points (values, 8, &frame, mapped), 0);
    char want [96];
    snprintf (want, sizeof want, "class=\"pt improving\" cx=\"%.1f\" cy=\"%.1f\"", mapped [3].x, mapped [3].y);
    CHECK_CONTAINS (svg, want);
    CHECK_NEAR (mapped [3].y, SVGCHART_SPC_TOP + 0.65 / 14.3 * frame.height, 1e-9);
    htmlbuf_free (&buf);
}

static void
test_spc_rebase_and_gaps (void)
{
    //  A rebase after four points: two mean lines and two pairs of limits;
    //  a missing value breaks the data line and has no dot; a neutral
    //  special cause is purple.
    svgchart_spc_point_t pts [8];
    for (size_t i = 0; i < 8; i++)
        pts [i] = (svgchart_spc_point_t) { NULL, i < 4 ? 10.0 + (double) (i % 2) : 20.0 + (double) (i % 2),
                                               i < 4 ? 10.5 : 20.5, i < 4 ? 8 : 18, i < 4 ? 13 : 23,
                                               SVGCHART_CAUSE_COMMON };
    pts [2].value = NAN;
    pts [6].cause = SVGCHART_CAUSE_NEUTRAL;
    svgchart_spc_options_t opts = { .width = 400, .height = 200, .title = NULL, .unit = NULL, .target = NAN };
    htmlbuf_t buf = HTMLBUF_INIT;
    CHECK_INT (svgchart_spc (&buf, pts, 8, &opts), 0);
    CHECK_INT (check_occurrences (buf.data, "<line class=\"mean\""), 2);
    CHECK_INT (check_occurrences (buf.data, "<line class=\"ucl\""), 2);
    CHECK_INT (check_occurrences (buf.data, "<polyline class=\"data\""), 2);
    CHECK_INT (check_occurrences (buf.data, "class=\"pt "), 7);
    CHECK_INT (check_occurrences (buf.data, "class=\"pt neutral\""), 1);
    CHECK_CONTAINS (buf.data, "fill=\"" SVGCHART_NEUTRAL "\"");
    CHECK_CONTAINS (buf.data, "<title>SPC chart</title>");
    CHECK (!strstr (buf.data, "class=\"target\""));
    CHECK (!strstr (buf.data, "x-start"));
    htmlbuf_free (&buf);

    //  No limits at all (a run chart of recent values) still draws.
    svgchart_spc_point_t bare [3] = {
        { "a", 1, NAN, NAN, NAN, SVGCHART_CAUSE_COMMON }, { "b", 2, NAN, NAN, NAN, SVGCHART_CAUSE_COMMON },
        { "c", 3, NAN, NAN, NAN, SVGCHART_CAUSE_COMMON } };
    CHECK_INT (svgchart_spc (&buf, bare, 3, &opts), 0);
    CHECK (!strstr (buf.data, "class=\"mean\""));
    CHECK_INT (check_occurrences (buf.data, "class=\"pt common\""), 3);
    htmlbuf_free (&buf);

    //  Too small, or nothing to hold the text.
    opts.width = 50;
    CHECK_INT (svgchart_spc (&buf, bare, 3, &opts), -1);
    CHECK_INT (svgchart_spc (NULL, bare, 3, &opts), -1);
    CHECK_INT (svgchart_spc (&buf, bare, 3, NULL), -1);
    htmlbuf_free (&buf);
}

static void
test_buf (void)
{
    htmlbuf_t buf = HTMLBUF_INIT;
    size_t len = 99;
    char *text = htmlbuf_take (&buf, &len);
    CHECK_STR (text, "");
    CHECK_INT (len, 0);
    free (text);
    //  Past the first allocation and the printf stack buffer.
    for (int i = 0; i < 300; i++)
        htmlbuf_printf (&buf, "%04d", i);
    htmlbuf_printf (&buf, "%s", "");
    char big [600];
    memset (big, 'x', sizeof big - 1);
    big [sizeof big - 1] = '\0';
    htmlbuf_printf (&buf, "[%s]", big);
    CHECK_INT (buf.len, 1200 + 601);
    CHECK (strncmp (buf.data, "000000010002", 12) == 0);
    htmlbuf_free (&buf);
    htmlbuf_html (&buf, "a<b>&\"c'");
    CHECK_STR (buf.data, "a&lt;b&gt;&amp;&quot;c&#39;");
    htmlbuf_free (&buf);
    htmlbuf_number (&buf, 73);
    htmlbuf_append (&buf, " ");
    htmlbuf_number (&buf, 92.1);
    htmlbuf_append (&buf, " ");
    htmlbuf_number (&buf, 0.1 + 0.2);
    htmlbuf_append (&buf, " ");
    htmlbuf_number (&buf, NAN);
    CHECK_STR (buf.data, "73 92.1 0.30000000000000004 ");
    htmlbuf_free (&buf);
    htmlbuf_free (&buf);
}

//  The web pages' charts: funnel limits by the formula, zones, bars,
//  whiskers, the spine's direction, icons.
static void
s_compare_charts (void)
{
    //  p = 0.9, n = 100: se = 0.03; 95%: 0.9 -/+ 1.96 * 0.03.
    double lo, hi;
    CHECK_INT (svgchart_funnel_limits (0.9, 100, 1.96, &lo, &hi), 0);
    CHECK_NEAR (lo, 0.8412, 1e-12);
    CHECK_NEAR (hi, 0.9588, 1e-12);
    CHECK_INT (svgchart_funnel_limits (0.99, 4, 3.09, &lo, &hi), 0);
    CHECK_NEAR (hi, 1.0, 0);                    //  clipped
    CHECK_INT (svgchart_funnel_limits (0.5, 0, 1.96, &lo, &hi), -1);
    CHECK_INT (svgchart_funnel_limits (1.5, 10, 1.96, &lo, &hi), -1);
    //  Zones: 99.8% is 0.9 -/+ 0.0927.
    CHECK_INT (svgchart_funnel_zone (0.9, 90, 100), 0);
    CHECK_INT (svgchart_funnel_zone (0.9, 83, 100), -1);
    CHECK_INT (svgchart_funnel_zone (0.9, 80, 100), -2);
    CHECK_INT (svgchart_funnel_zone (0.9, 97, 100), 1);
    CHECK_INT (svgchart_funnel_zone (0.9, 100, 100), 2);
    htmlbuf_t buf = HTMLBUF_INIT;
    svgchart_funnel_point_t fp [3] = { { "A", 90, 100 }, { "B", 80, 100 }, { "C", 5, 0 } };
    CHECK_INT (svgchart_funnel (&buf, fp, 3, &(svgchart_funnel_options_t) { 600, 300, "f", "percent", 0.9, 100 }), 0);
    CHECK_INT (check_occurrences (buf.data, "class=\"pt in\""), 1);
    CHECK_INT (check_occurrences (buf.data, "class=\"pt out998\""), 1);
    CHECK_INT (check_occurrences (buf.data, "<circle"), 2);      //  no denominator: not drawn
    CHECK_INT (check_occurrences (buf.data, "class=\"limit"), 4);
    htmlbuf_free (&buf);
    //  Bars from zero; a missing value has no bar and says so.
    svgchart_bar_t bars [3] = { { "A", 50, 40, 60, "better" }, { "B", NAN, NAN, NAN, NULL }, { "C", 25, NAN, NAN, "worse" } };
    CHECK_INT (svgchart_bars (&buf, bars, 3, &(svgchart_bars_options_t) { 600, "b", "percent", 30, "Dudley" }), 0);
    CHECK_INT (check_occurrences (buf.data, "<rect class=\"bar"), 2);
    CHECK_INT (check_occurrences (buf.data, "no value"), 1);
    CHECK_INT (check_occurrences (buf.data, "class=\"ci\""), 1);
    CHECK_INT (check_occurrences (buf.data, "class=\"reference\""), 1);
    //  Range 0..63 (60 and 5%) over x 230..530: A's bar is 50/63 of 300 wide.
    char want [64];
    snprintf (want, sizeof want, "x=\"230.0\" y=\"6.0\" width=\"%.1f\"", 50.0 / 63.0 * 300.0);
    CHECK_CONTAINS (buf.data, want);
    CHECK_INT (svgchart_bars (&buf, bars, 3, &(svgchart_bars_options_t) { 200, "b", NULL, NAN, NULL }), -1);
    htmlbuf_free (&buf);
    //  Trend: one whisker per point with an interval; target and England.
    svgchart_trend_point_t tp [3] = { { "Q1", 10, 8, 12, 11 }, { "Q2", NAN, NAN, NAN, 11 }, { "Q3", 14, 12, 16, NAN } };
    CHECK_INT (svgchart_trend (&buf, tp, 3, &(svgchart_trend_options_t) { 600, 240, "t", "percent", 13, "England" }), 0);
    CHECK_INT (check_occurrences (buf.data, "class=\"ci\""), 2);
    CHECK_INT (check_occurrences (buf.data, "class=\"pt\""), 2);
    CHECK_INT (check_occurrences (buf.data, "class=\"target\""), 1);
    CHECK_INT (check_occurrences (buf.data, "class=\"reference\""), 1);
    CHECK_CONTAINS (buf.data, "(95% CI 12.0% to 16.0%)");
    htmlbuf_free (&buf);
    //  Spine: better to the right, whichever way the figure runs.
    svgchart_spine_t sp = { 10, 0, 5, 15, 20, 10, false, "on_target", "s" };
    CHECK_INT (svgchart_spine (&buf, &sp, 104, 10), 0);
    const char *c = strstr (buf.data, "<circle");
    double x_high = c ? atof (strstr (c, "cx=\"") + 4) : NAN;
    htmlbuf_free (&buf);
    sp.value = 18;
    svgchart_spine (&buf, &sp, 104, 10);
    c = strstr (buf.data, "<circle");
    CHECK (c && atof (strstr (c, "cx=\"") + 4) > x_high);
    htmlbuf_free (&buf);
    sp.lower_better = true;
    svgchart_spine (&buf, &sp, 104, 10);
    c = strstr (buf.data, "<circle");
    CHECK (c && atof (strstr (c, "cx=\"") + 4) < x_high);
    htmlbuf_free (&buf);
    //  Icons: known names draw with their letter and words; others nothing.
    CHECK_INT (svgchart_icon (&buf, "assurance", "consistently_failing", false), 0);
    CHECK_CONTAINS (buf.data, ">F</text>");
    CHECK_CONTAINS (buf.data, "consistently failing");
    CHECK_INT (svgchart_icon (&buf, "variation", "special_cause_improving", true), 0);
    CHECK_CONTAINS (buf.data, ">H</text>");
    size_t len = buf.len;
    CHECK_INT (svgchart_icon (&buf, "variation", "made_up", true), -1);
    CHECK_INT (buf.len, len);
    htmlbuf_free (&buf);
}

int
main (void)
{
    test_points_known_series ();
    test_sparkline_geometry ();
    test_sparkline_gaps ();
    test_spc_marks ();
    test_spc_rebase_and_gaps ();
    test_buf ();
    s_compare_charts ();
    return check_done ("test_svgchart");
}
