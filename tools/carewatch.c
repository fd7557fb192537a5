/*  carewatch: the command-line tool.

    carewatch migrate              apply migrations and reference data
    carewatch ping ENDPOINT        ask a service for its Pong
    carewatch config               print the settings table
    carewatch push FILE ...        submit a JSON or CSV feed over ZMQ
    carewatch recompute            rebuild every indicator value
    carewatch subscribe ...        subscriptions, alerts, silences, the alert stream
    carewatch receive ...          a local webhook receiver that checks signatures
*/
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const cli_command_t s_commands [] = {
    { "migrate", cli_migrate, "apply migrations and reference data to the database" },
    { "ping", cli_ping, "ENDPOINT [--timeout MS]: ping a service over ZMQ" },
    { "config", cli_config, "print the configuration table (Markdown)" },
    { "push", cli_push, "FILE --partner CODE [--endpoint E] [--batch-key K] [--atomic]: submit a feed" },
    { "recompute", cli_recompute, "rebuild every indicator value from the observations" },
    { "subscribe", cli_subscribe, "--subscriber NAME (--webhook URL --secret S | --zmq) [--filter JSON]" },
    { "subscriptions", cli_subscriptions, "list active subscriptions (secrets are not shown)" },
    { "unsubscribe", cli_unsubscribe, "ID: stop a subscription" },
    { "alerts", cli_alerts, "[--all]: list firing alerts (or all)" },
    { "silence", cli_silence, "PATTERN UNTIL REASON BY: mute matching alerts" },
    { "tail", cli_tail, "[ENDPOINT]: print the alert stream live" },
    { "status", cli_status, "[--quiet] [--drained]: what is held; exit 0 once calc and alert (and the outbox) have caught up" },
    { "link", cli_link, "PATH?ARGS [--ttl S]: a signed read-only report URL for a browser" },
    { "curve-keygen", cli_curve_keygen, "NAME: a CURVE key pair for intake or a partner (NAME, NAME_secret)" },
    { "curve-key", cli_curve_key, "add PARTNER KEY|CERT, revoke KEY, list: the partner keys intake lets in (CURVE)" },
    { "key", cli_key, "create --role R [--partner P] | revoke ID | list: API keys (stored hashed)" },
    { "receive", cli_receive, "--port P --secret S [--fail-first N] [--log F]: a webhook receiver" },
};

static void
s_usage (FILE *out)
{
    fprintf (out, "usage: carewatch COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands [0]; i++)
        fprintf (out, "  %-14s %s\n", s_commands [i].name, s_commands [i].help);
}

int
main (int argc, char **argv)
{
    if (argc < 2 || strcmp (argv [1], "--help") == 0 || strcmp (argv [1], "help") == 0) {
        s_usage (argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands [0]; i++)
        if (strcmp (argv [1], s_commands [i].name) == 0)
            return s_commands [i].fn (argc - 1, argv + 1);
    fprintf (stderr, "carewatch: unknown command '%s'\n", argv [1]);
    s_usage (stderr);
    return 2;
}
