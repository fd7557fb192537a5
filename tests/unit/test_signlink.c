/*  signlink: the canonical form a signed link's HMAC covers.  Order of
    arguments does not matter; every name, value and the path count; no
    value can pass for more arguments (the re-scoping attack of a
    newline-joined form).  */
#include "check.h"
#include "signlink.h"

#include <string.h>

static void
s_sign (const char *path, const char *const *names, const char *const *values, size_t n, char out [65])
{
    signlink_sign ("secret-0123456789", path, names, values, n, out);
}

int
main (void)
{
    char a [65], b [65];
    const char *n1 [] = { "format", "expires", "sig" }, *v1 [] = { "html", "1900000000", "ignored" };
    const char *n2 [] = { "expires", "format" }, *v2 [] = { "1900000000", "html" };
    s_sign ("/v1/scorecards/FY2022-23Q2", n1, v1, 3, a);
    s_sign ("/v1/scorecards/FY2022-23Q2", n2, v2, 2, b);
    CHECK_STR (a, b);                   //  order and sig do not count
    CHECK_INT (strlen (a), 64);
    const char *v3 [] = { "1900000000", "csv" };
    s_sign ("/v1/scorecards/FY2022-23Q2", n2, v3, 2, b);
    CHECK (strcmp (a, b) != 0);
    s_sign ("/v1/scorecards/FY2022-23Q3", n2, v2, 2, b);
    CHECK (strcmp (a, b) != 0);
    //  One argument holding "\nformat=html" is not two arguments, nor
    //  "&format=html", nor "=" moved between name and value.
    const char *n4 [] = { "expires" }, *v4 [] = { "1900000000\nformat=html" };
    const char *v5 [] = { "1900000000&format=html" };
    char c [65], d [65], e [65];
    s_sign ("/v1/scorecards/FY2022-23Q2", n4, v4, 1, c);
    s_sign ("/v1/scorecards/FY2022-23Q2", n4, v5, 1, d);
    CHECK (strcmp (a, c) != 0);
    CHECK (strcmp (a, d) != 0);
    const char *n6 [] = { "expires=1900000000&format" }, *v6 [] = { "html" };
    s_sign ("/v1/scorecards/FY2022-23Q2", n6, v6, 1, e);
    CHECK (strcmp (a, e) != 0);
    //  A path that holds '?' cannot pose as arguments either.
    const char *none [] = { NULL };
    s_sign ("/v1/scorecards/FY2022-23Q2?expires=1900000000&format=html", none, none, 0, e);
    CHECK (strcmp (a, e) != 0);
    //  Percent-encoding: unreserved characters stay, the rest are %XX.
    char enc [64];
    CHECK_INT (signlink_encode (enc, "a-b_c.d~e f&g=h\n\xc3\xa9"), 30);
    CHECK_STR (enc, "a-b_c.d~e%20f%26g%3Dh%0A%C3%A9");
    return check_done ("test_signlink");
}
