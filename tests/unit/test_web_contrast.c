/*  The web pages' colours meet WCAG 2.1 AA: text (ink, links, muted
    text) on every background a page uses (the verdict colours of the
    cells, white, the page) has a contrast ratio of at least 4.5:1.  The
    colours are read from the stylesheet compiled into the gateway
    (web/app.css, embedded), so a colour changed there is checked here.  */
#include "check.h"
#include "embedded.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  The value of custom property name (e.g. "--ink") as 0xRRGGBB, or -1.
static long
s_var (const char *css, const char *name)
{
    char want [64];
    snprintf (want, sizeof want, "%s:", name);
    const char *at = strstr (css, want);
    if (!at)
        return -1;
    at += strlen (want);
    while (*at == ' ')
        at++;
    return *at == '#' && strspn (at + 1, "0123456789abcdefABCDEF") >= 6 ? strtol (at + 1, NULL, 16) : -1;
}

static double
s_channel (long rgb, int shift)
{
    double c = (double) ((rgb >> shift) & 0xff) / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

//  WCAG relative luminance and contrast ratio.
static double
s_luminance (long rgb)
{
    return 0.2126 * s_channel (rgb, 16) + 0.7152 * s_channel (rgb, 8) + 0.0722 * s_channel (rgb, 0);
}

static double
s_contrast (long a, long b)
{
    double la = s_luminance (a), lb = s_luminance (b);
    return (fmax (la, lb) + 0.05) / (fmin (la, lb) + 0.05);
}

int
main (void)
{
    //  The formula on known pairs: black on white 21:1, equal colours 1:1.
    CHECK_NEAR (s_contrast (0x000000, 0xffffff), 21.0, 1e-9);
    CHECK_NEAR (s_contrast (0x767676, 0xffffff), 4.54, 0.01);
    CHECK_NEAR (s_contrast (0x123456, 0x123456), 1.0, 1e-12);
    const char *css = NULL;
    for (const embedded_file_t *f = embedded_web; f->name; f++)
        if (strcmp (f->name, "app.css") == 0)
            css = f->text;
    CHECK (css != NULL);
    if (!css)
        return check_done ("test_web_contrast");
    const char *texts [] = { "--ink", "--link" };
    const char *backs [] = { "--good", "--tol", "--bad", "--none", "--bg", "--better", "--similar", "--worse" };
    for (size_t t = 0; t < 2; t++)
        for (size_t b = 0; b < sizeof backs / sizeof backs [0]; b++) {
            long fg = s_var (css, texts [t]), bg = s_var (css, backs [b]);
            CHECK (fg >= 0 && bg >= 0);
            double ratio = s_contrast (fg, bg);
            if (ratio < 4.5)
                fprintf (stderr, "%s on %s: %.2f:1\n", texts [t], backs [b], ratio);
            CHECK (ratio >= 4.5);
        }
    long muted = s_var (css, "--muted");
    CHECK (s_contrast (muted, 0xffffff) >= 4.5);
    CHECK (s_contrast (muted, s_var (css, "--bg")) >= 4.5);
    //  White on the link colour (the buttons).
    CHECK (s_contrast (0xffffff, s_var (css, "--link")) >= 4.5);
    return check_done ("test_web_contrast");
}
