/*  webhook: what a webhook URL may be.  carewatch POSTs alerts to URLs
    that subscribers give it, so a URL is a way to make carewatch send a
    request somewhere: to keep that from reaching the partnership's own
    internal services (blind SSRF), a webhook may not resolve to a
    loopback, link-local, private, shared (CGNAT), multicast or
    unspecified address unless the operator lists that network in
    CAREWATCH_WEBHOOK_ALLOW.  The gateway and the CLI check a URL when a
    subscription is made; alert checks the address it actually connects
    to on every delivery, since a name can resolve elsewhere later.  */
#ifndef CAREWATCH_WEBHOOK_H
#define CAREWATCH_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

//  Checks an allow list: CIDRs (IPv4 or IPv6) separated by commas, or "".
//  Returns 0, or -1 with the bad entry named in err.
int webhook_allow_check (const char *allow, char *err, size_t errlen);

//  True when carewatch may send to addr: a public address, or one inside
//  a network of allow.  Writes the reason it may not into why (e.g.
//  "127.0.0.1 is a loopback address") when why is not NULL.
bool webhook_addr_ok (const struct sockaddr *addr, const char *allow, char *why, size_t whylen);

//  Checks a webhook subscription: url an http(s) URL of at most 2,000
//  characters with a host, secret at least 16 characters.  With resolve,
//  the host is looked up and every address must pass webhook_addr_ok (a
//  name that does not resolve now is let through: delivery checks again).
//  Returns 0, or -1 with a reason in err.
int webhook_check (const char *url, const char *secret, const char *allow, bool resolve,
                   char *err, size_t errlen);

//  The webhook signature header value for body: "sha256=" and the hex
//  HMAC-SHA256 of body with secret.  out holds at least 72 bytes.
void webhook_sign (const char *secret, const unsigned char *body, size_t len, char *out, size_t outlen);

#endif
