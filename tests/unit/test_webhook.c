/*  webhook and utf8: what a webhook may reach, URL checks, allow lists;
    UTF-8 validity and escaping of text from outside.  */
#include "check.h"
#include "utf8.h"
#include "webhook.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static bool
s_ok (const char *ip, const char *allow)
{
    struct sockaddr_storage ss = { 0 };
    if (strchr (ip, ':')) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *) &ss;
        a->sin6_family = AF_INET6;
        inet_pton (AF_INET6, ip, &a->sin6_addr);
    }
    else {
        struct sockaddr_in *a = (struct sockaddr_in *) &ss;
        a->sin_family = AF_INET;
        inet_pton (AF_INET, ip, &a->sin_addr);
    }
    return webhook_addr_ok ((struct sockaddr *) &ss, allow, NULL, 0);
}

int
main (void)
{
    //  Public addresses pass; loopback, link-local, private, CGNAT,
    //  multicast, unspecified and their IPv6 and IPv4-mapped forms do not.
    CHECK (s_ok ("93.184.216.34", ""));
    CHECK (s_ok ("2606:2800:220:1::1", ""));
    const char *inside [] = { "127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.10",
                              "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1",
                              "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "ff02::1" };
    for (size_t i = 0; i < sizeof inside / sizeof inside [0]; i++)
        CHECK (!s_ok (inside [i], ""));
    CHECK (s_ok ("172.32.0.1", ""));
    CHECK (s_ok ("11.0.0.1", ""));
    char why [160];
    struct sockaddr_in a = { .sin_family = AF_INET };
    inet_pton (AF_INET, "169.254.169.254", &a.sin_addr);
    CHECK (!webhook_addr_ok ((struct sockaddr *) &a, "", why, sizeof why));
    CHECK_STR (why, "169.254.169.254 is a link-local address");
    //  The operator's allow list opens just its networks.
    CHECK (s_ok ("127.0.0.1", "127.0.0.1/32"));
    CHECK (!s_ok ("127.0.0.2", "127.0.0.1/32"));
    CHECK (s_ok ("10.1.200.3", "192.168.0.0/16,10.1.0.0/16"));
    CHECK (!s_ok ("10.2.0.1", "192.168.0.0/16,10.1.0.0/16"));
    CHECK (s_ok ("fd00::5", "fd00::/8"));
    CHECK (s_ok ("::ffff:10.1.0.9", "10.1.0.0/16"));
    char err [400];
    CHECK_INT (webhook_allow_check ("", err, sizeof err), 0);
    CHECK_INT (webhook_allow_check ("10.0.0.0/8,fd00::/8,127.0.0.1", err, sizeof err), 0);
    CHECK_INT (webhook_allow_check ("10.0.0.0/33", err, sizeof err), -1);
    CHECK_CONTAINS (err, "10.0.0.0/33");
    CHECK_INT (webhook_allow_check ("intranet", err, sizeof err), -1);
    //  URLs.
    const char *secret = "0123456789abcdef";
    CHECK_INT (webhook_check ("https://example.org/hook", secret, "", false, err, sizeof err), 0);
    CHECK_INT (webhook_check ("ftp://example.org/hook", secret, "", false, err, sizeof err), -1);
    CHECK_INT (webhook_check ("https://example.org/hook", "short", "", false, err, sizeof err), -1);
    CHECK_CONTAINS (err, "secret");
    CHECK_INT (webhook_check ("https://user:pw@example.org/", secret, "", false, err, sizeof err), -1);
    CHECK_INT (webhook_check ("https:///nohost", secret, "", false, err, sizeof err), -1);
    CHECK_INT (webhook_check ("http://exa mple.org/", secret, "", false, err, sizeof err), -1);
    CHECK_INT (webhook_check ("http://169.254.169.254/latest", secret, "", true, err, sizeof err), -1);
    CHECK_CONTAINS (err, "link-local");
    CHECK_INT (webhook_check ("http://[::1]:8080/x", secret, "", true, err, sizeof err), -1);
    CHECK_CONTAINS (err, "loopback");
    CHECK_INT (webhook_check ("http://127.0.0.1:8099/x", secret, "127.0.0.1/32", true, err, sizeof err), 0);
    CHECK_INT (webhook_check ("http://localhost:8099/x", secret, "", true, err, sizeof err), -1);

    //  UTF-8: what Jansson and PostgreSQL accept, and escapes for the rest.
    CHECK (utf8_clean ("Dudley \xe2\x86\x97 improved, caf\xc3\xa9"));
    CHECK (utf8_clean ("tab\tand\r\nnewlines"));
    CHECK (!utf8_clean ("\xff"));
    CHECK (!utf8_clean ("\xc0\xae"));                   //  overlong '.'
    CHECK (!utf8_clean ("\xed\xa0\x80"));               //  a surrogate
    CHECK (!utf8_clean ("\xf4\x90\x80\x80"));           //  past U+10FFFF
    CHECK (!utf8_clean ("bell\x07"));
    CHECK_INT (utf8_invalid_at ((const unsigned char *) "abc\xff", 4), 3);
    CHECK_INT (utf8_invalid_at ((const unsigned char *) "abcdefghij\xe2\x86", 12), 10);
    char out [32];
    CHECK_STR (utf8_escape ("/\xff\xfe", 3, out, sizeof out), "/\\xFF\\xFE");
    CHECK_STR (utf8_escape ("caf\xc3\xa9\n", 6, out, sizeof out), "caf\xc3\xa9\n");
    CHECK_STR (utf8_escape ("a\0b", 3, out, sizeof out), "a\\x00b");
    CHECK (utf8_clean (utf8_escape ("\xc0\xae\x01\x7f", 4, out, sizeof out)));
    //  Cut at a character, marked.
    char small [12];
    utf8_escape ("\xe2\x86\x97\xe2\x86\x97\xe2\x86\x97\xe2\x86\x97", 12, small, sizeof small);
    CHECK (utf8_clean (small));
    CHECK_CONTAINS (small, "...");
    return check_done ("test_webhook");
}
