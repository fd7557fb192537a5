/*  figure: figures for people.  */
#include "figure.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

char *
figure_grouped (double value, int decimals, char *buf, size_t buflen)
{
    char plain [FIGURE_MAX];
    if (!isfinite (value) || fabs (value) >= 1e18) {
        snprintf (buf, buflen, "%.*g", 6, value);
        return buf;
    }
    snprintf (plain, sizeof plain, "%.*f", decimals, fabs (value));
    //  "-0.0" is not a figure anyone wants to read.
    bool negative = value < 0 && strspn (plain, "0.") != strlen (plain);
    const char *dot = strchr (plain, '.');
    size_t digits = dot ? (size_t) (dot - plain) : strlen (plain);
    char out [FIGURE_MAX * 2];
    size_t o = 0;
    if (negative)
        out [o++] = '-';
    for (size_t i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0)
            out [o++] = ',';
        out [o++] = plain [i];
    }
    snprintf (out + o, sizeof out - o, "%s", dot ? dot : "");
    snprintf (buf, buflen, "%s", out);
    return buf;
}

static bool
s_whole (double value)
{
    return fabs (value - round (value)) < 0.005;
}

//  Up to max_decimals, dropping trailing zeros ("2.5", not "2.50").
static char *
s_trimmed (double value, int max_decimals, char *buf, size_t buflen)
{
    figure_grouped (value, s_whole (value) ? 0 : max_decimals, buf, buflen);
    if (strchr (buf, '.')) {
        size_t n = strlen (buf);
        while (n > 0 && buf [n - 1] == '0')
            buf [--n] = '\0';
        if (n > 0 && buf [n - 1] == '.')
            buf [--n] = '\0';
    }
    return buf;
}

char *
figure_value (double value, const char *unit, char *buf, size_t buflen)
{
    char n [FIGURE_MAX];
    if (isnan (value)) {
        snprintf (buf, buflen, "–");
        return buf;
    }
    if (!unit)
        unit = "number";
    if (strcmp (unit, "percent") == 0)
        snprintf (buf, buflen, "%s%%", figure_grouped (value, 1, n, sizeof n));
    else
    if (strcmp (unit, "percentage_points") == 0)
        snprintf (buf, buflen, "%s pp", figure_grouped (value, 1, n, sizeof n));
    else
    if (strcmp (unit, "pounds") == 0) {
        figure_grouped (fabs (value), s_whole (value) ? 0 : 2, n, sizeof n);
        snprintf (buf, buflen, "%s£%s", value < 0 && strcmp (n, "0") ? "-" : "", n);
    }
    else
    if (strncmp (unit, "per_", 4) == 0)
        figure_grouped (value, 1, buf, buflen);
    else
    if (strcmp (unit, "ratio") == 0)
        figure_grouped (value, 2, buf, buflen);
    else
    if (strcmp (unit, "years") == 0 || strcmp (unit, "days") == 0 || strcmp (unit, "weeks") == 0
        || strcmp (unit, "minutes") == 0) {
        figure_grouped (value, s_whole (value) ? 0 : 1, n, sizeof n);
        //  "1 days" reads wrong: drop the plural s for exactly one.
        bool one = strcmp (n, "1") == 0;
        snprintf (buf, buflen, "%s %.*s", n, (int) strlen (unit) - (one ? 1 : 0), unit);
    }
    else
        s_trimmed (value, 2, buf, buflen);
    return buf;
}
