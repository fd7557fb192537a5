/*  webhook: URL and address checks for webhook delivery.  */
#include "webhook.h"
#include "utf8.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sodium.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  One network: 16 address bytes (IPv4 as IPv4-mapped IPv6) and a prefix
//  length over them.
typedef struct {
    unsigned char net [16];
    int bits;
} s_cidr_t;

static void
s_mapped (const struct in_addr *a4, unsigned char out [16])
{
    memset (out, 0, 10);
    out [10] = out [11] = 0xFF;
    memcpy (out + 12, a4, 4);
}

static bool
s_in (const unsigned char addr [16], const s_cidr_t *c)
{
    int full = c->bits / 8, rest = c->bits % 8;
    if (memcmp (addr, c->net, (size_t) full))
        return false;
    if (rest && ((addr [full] ^ c->net [full]) & (0xFF << (8 - rest))))
        return false;
    return true;
}

//  Parses "a.b.c.d/n", "x::y/n" or a bare address.  Returns 0 or -1.
static int
s_parse_cidr (const char *text, size_t len, s_cidr_t *out)
{
    char buf [64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy (buf, text, len);
    buf [len] = '\0';
    char *slash = strchr (buf, '/');
    long bits = -1;
    if (slash) {
        *slash = '\0';
        char *end;
        bits = strtol (slash + 1, &end, 10);
        if (*end || end == slash + 1)
            return -1;
    }
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton (AF_INET, buf, &a4) == 1) {
        if (bits > 32)
            return -1;
        s_mapped (&a4, out->net);
        out->bits = bits < 0 ? 128 : 96 + (int) bits;
    }
    else if (inet_pton (AF_INET6, buf, &a6) == 1) {
        if (bits > 128)
            return -1;
        memcpy (out->net, &a6, 16);
        out->bits = bits < 0 ? 128 : (int) bits;
    }
    else
        return -1;
    return 0;
}

int
webhook_allow_check (const char *allow, char *err, size_t errlen)
{
    const char *p = allow;
    while (p && *p) {
        size_t n = strcspn (p, ",");
        s_cidr_t c;
        if (s_parse_cidr (p, n, &c)) {
            snprintf (err, errlen, "CAREWATCH_WEBHOOK_ALLOW: '%.*s' is not a network like 10.1.0.0/16 or fd00::/8",
                      (int) (n > 64 ? 64 : n), p);
            return -1;
        }
        p += n + (p [n] == ',');
    }
    return 0;
}

//  The networks a webhook may not reach, and what each is.
static const struct { const char *cidr; const char *what; } s_blocked [] = {
    { "0.0.0.0/8", "an unspecified" }, { "10.0.0.0/8", "a private" }, { "100.64.0.0/10", "a shared (CGNAT)" },
    { "127.0.0.0/8", "a loopback" }, { "169.254.0.0/16", "a link-local" }, { "172.16.0.0/12", "a private" },
    { "192.0.0.0/24", "a special-purpose" }, { "192.168.0.0/16", "a private" }, { "198.18.0.0/15", "a benchmarking" },
    { "224.0.0.0/3", "a multicast or reserved" }, { "::/128", "an unspecified" }, { "::1/128", "a loopback" },
    { "64:ff9b::/96", "a NAT64" }, { "fc00::/7", "a private (unique local)" }, { "fe80::/10", "a link-local" },
    { "ff00::/8", "a multicast" },
};

bool
webhook_addr_ok (const struct sockaddr *addr, const char *allow, char *why, size_t whylen)
{
    unsigned char a [16];
    char shown [INET6_ADDRSTRLEN] = "?";
    if (addr->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *) addr;
        s_mapped (&s4->sin_addr, a);
        inet_ntop (AF_INET, &s4->sin_addr, shown, sizeof shown);
    }
    else if (addr->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *) addr;
        memcpy (a, &s6->sin6_addr, 16);
        inet_ntop (AF_INET6, &s6->sin6_addr, shown, sizeof shown);
    }
    else {
        if (why)
            snprintf (why, whylen, "the address is not IPv4 or IPv6");
        return false;
    }
    //  The operator's own list wins.
    for (const char *p = allow; p && *p;) {
        size_t n = strcspn (p, ",");
        s_cidr_t c;
        if (s_parse_cidr (p, n, &c) == 0 && s_in (a, &c))
            return true;
        p += n + (p [n] == ',');
    }
    for (size_t i = 0; i < sizeof s_blocked / sizeof s_blocked [0]; i++) {
        s_cidr_t c;
        s_parse_cidr (s_blocked [i].cidr, strlen (s_blocked [i].cidr), &c);
        //  An IPv4 network also covers its IPv4-mapped IPv6 form, which
        //  s_mapped gives both the same bytes.
        if (s_in (a, &c)) {
            if (why)
                snprintf (why, whylen, "%s is %s address", shown, s_blocked [i].what);
            return false;
        }
    }
    return true;
}

int
webhook_check (const char *url, const char *secret, const char *allow, bool resolve, char *err, size_t errlen)
{
    const char *rest = !url ? NULL : strncmp (url, "https://", 8) == 0 ? url + 8
                     : strncmp (url, "http://", 7) == 0 ? url + 7 : NULL;
    if (!rest || strlen (url) > 2000 || !utf8_clean (url) || strpbrk (url, " \t\r\n")) {
        snprintf (err, errlen, "a webhook needs an http(s) url of at most 2,000 characters, without spaces");
        return -1;
    }
    if (!secret || strlen (secret) < 16 || strlen (secret) > 500) {
        snprintf (err, errlen, "a webhook needs a secret of 16 to 500 characters to sign its deliveries with");
        return -1;
    }
    //  The host: between the scheme and the first / ? or #, without a
    //  user (refused: it would hide the host from a reader) or a port.
    size_t alen = strcspn (rest, "/?#");
    if (memchr (rest, '@', alen)) {
        snprintf (err, errlen, "a webhook url may not carry a user name or password before the host");
        return -1;
    }
    char host [256];
    const char *h = rest;
    size_t hlen;
    if (*h == '[') {
        const char *close = memchr (h, ']', alen);
        if (!close) {
            snprintf (err, errlen, "the webhook url's IPv6 host has no closing ]");
            return -1;
        }
        h++;
        hlen = (size_t) (close - h);
    }
    else {
        const char *colon = memchr (h, ':', alen);
        hlen = colon ? (size_t) (colon - h) : alen;
    }
    if (hlen == 0 || hlen >= sizeof host) {
        snprintf (err, errlen, "the webhook url has no host");
        return -1;
    }
    memcpy (host, h, hlen);
    host [hlen] = '\0';
    if (!resolve)
        return 0;
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res = NULL;
    if (getaddrinfo (host, NULL, &hints, &res) != 0)
        return 0;               //  not resolvable now: delivery checks when it is
    int rc = 0;
    for (struct addrinfo *ai = res; ai && rc == 0; ai = ai->ai_next) {
        char why [160];
        if (!webhook_addr_ok (ai->ai_addr, allow, why, sizeof why)) {
            snprintf (err, errlen, "the webhook host %s resolves to %s, and carewatch does not send to loopback,"
                      " link-local or private addresses unless CAREWATCH_WEBHOOK_ALLOW lists the network", host, why);
            rc = -1;
        }
    }
    freeaddrinfo (res);
    return rc;
}

void
webhook_sign (const char *secret, const unsigned char *body, size_t len, char *out, size_t outlen)
{
    unsigned char mac [crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init (&st, (const unsigned char *) secret, strlen (secret));
    crypto_auth_hmacsha256_update (&st, body, len);
    crypto_auth_hmacsha256_final (&st, mac);
    char hex [2 * sizeof mac + 1];
    sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
    snprintf (out, outlen, "sha256=%s", hex);
}
