/*  config: environment settings as one declarative table.  */
#include "config.h"
#include "webhook.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { S_STRING, S_ENDPOINT, S_LONG, S_LEVEL } s_kind_t;

typedef struct {
    const char *name;       //  environment variable
    s_kind_t kind;          //  how to check it
    const char *def;        //  default text
    long min, max;          //  bounds for S_LONG
    size_t offset;          //  where in config_t
    size_t size;            //  field size for strings
    const char *help;       //  one line for the README table
} s_setting_t;

#define STR(f) offsetof (config_t, f), sizeof (((config_t *) 0)->f)
#define NUM(f) offsetof (config_t, f), sizeof (((config_t *) 0)->f)

static const s_setting_t s_settings [] = {
    { "CAREWATCH_DATABASE_URL", S_STRING, "", 0, 0, STR (database_url),
      "PostgreSQL conninfo or URL; unset = the embedded server under var/" },
    { "CAREWATCH_INTAKE_ENDPOINT", S_ENDPOINT, "tcp://127.0.0.1:5551", 0, 0, STR (intake_endpoint),
      "intake's partner-facing ROUTER socket (SubmitBatch, Ping)" },
    { "CAREWATCH_CALC_ENDPOINT", S_ENDPOINT, "tcp://127.0.0.1:5552", 0, 0, STR (calc_endpoint),
      "calc's PULL socket; intake pushes BatchCommitted to it" },
    { "CAREWATCH_CALC_EVENTS", S_ENDPOINT, "tcp://127.0.0.1:5553", 0, 0, STR (calc_events),
      "calc's PUB socket for IndicatorChanged" },
    { "CAREWATCH_ALERT_STREAM", S_ENDPOINT, "tcp://127.0.0.1:5554", 0, 0, STR (alert_stream),
      "alert's PUB stream, one topic per domain and indicator" },
    { "CAREWATCH_EXPORT_ENDPOINT", S_ENDPOINT, "tcp://127.0.0.1:5555", 0, 0, STR (export_endpoint),
      "export's ROUTER socket (ExportRequest, Ping)" },
    { "CAREWATCH_CALC_CONTROL", S_ENDPOINT, "tcp://127.0.0.1:5562", 0, 0, STR (calc_control),
      "calc's control ROUTER (Ping)" },
    { "CAREWATCH_ALERT_CONTROL", S_ENDPOINT, "tcp://127.0.0.1:5564", 0, 0, STR (alert_control),
      "alert's control ROUTER (Ping)" },
    { "CAREWATCH_GATEWAY_CONTROL", S_ENDPOINT, "tcp://127.0.0.1:5565", 0, 0, STR (gateway_control),
      "gateway's control ROUTER (Ping)" },
    { "CAREWATCH_HTTP_PORT", S_LONG, "8080", 1, 65535, NUM (http_port),
      "gateway HTTP port" },
    { "CAREWATCH_LOG_LEVEL", S_LEVEL, "info", 0, 0, STR (log_level),
      "debug, info, warn or error" },
    { "CAREWATCH_MAX_MESSAGE_BYTES", S_LONG, "67108864", 1024, 1073741824, NUM (max_message_bytes),
      "largest ZMQ message a service accepts" },
    { "CAREWATCH_MAX_BATCH_ROWS", S_LONG, "100000", 1, 10000000, NUM (max_batch_rows),
      "most observations in one batch" },
    { "CAREWATCH_CALC_BATCHES_PER_PASS", S_LONG, "200", 1, 100000, NUM (calc_batches_per_pass),
      "most batches one calc pass claims; lower it to spread a backlog over several calc workers" },
    { "CAREWATCH_CALC_FINGERPRINT_MB", S_LONG, "64", 1, 65536, NUM (calc_fingerprint_mb),
      "most memory calc spends remembering what it wrote (16 bytes a value); values past it are rewritten each pass" },
    { "CAREWATCH_MAX_BODY_BYTES", S_LONG, "33554432", 1024, 1073741824, NUM (max_body_bytes),
      "largest HTTP request body the gateway accepts" },
    { "CAREWATCH_DB_TIMEOUT_MS", S_LONG, "30000", 100, 3600000, NUM (db_timeout_ms),
      "statement timeout for every query" },
    { "CAREWATCH_DB_WAIT_MS", S_LONG, "30000", 0, 3600000, NUM (db_wait_ms),
      "how long a starting service waits for PostgreSQL" },
    { "CAREWATCH_PUBLIC_URL", S_STRING, "http://127.0.0.1:8080", 0, 0, STR (public_url),
      "the gateway's address as readers reach it (links in alerts)" },
    { "CAREWATCH_WEBHOOK_RETRY_MS", S_LONG, "2000", 10, 3600000, NUM (webhook_retry_ms),
      "first webhook retry delay; doubles each attempt (with jitter), capped at 1 hour" },
    { "CAREWATCH_WEBHOOK_MAX_ATTEMPTS", S_LONG, "10", 1, 1000, NUM (webhook_max_attempts),
      "webhook attempts before a notification is marked dead" },
    { "CAREWATCH_WEBHOOK_TIMEOUT_MS", S_LONG, "5000", 100, 600000, NUM (webhook_timeout_ms),
      "total time allowed for one webhook POST (connect: a fifth of it)" },
    { "CAREWATCH_MISSING_CHECK_MS", S_LONG, "60000", 100, 86400000, NUM (missing_check_ms),
      "how often alert checks for data that is due but missing" },
    { "CAREWATCH_GATEWAY_TIMEOUT_MS", S_LONG, "30000", 100, 600000, NUM (gateway_timeout_ms),
      "how long the gateway waits for intake or export before answering 503" },
    { "CAREWATCH_INTAKE_CURVE_PUBLIC", S_STRING, "", 0, 0, STR (curve_public),
      "intake's CURVE public key (Z85, 40 characters); set with the secret to turn CURVE on" },
    { "CAREWATCH_INTAKE_CURVE_SECRET", S_STRING, "", 0, 0, STR (curve_secret),
      "intake's CURVE secret key (Z85); see carewatch curve-keygen" },
    { "CAREWATCH_GATEWAY_CURVE_PUBLIC", S_STRING, "", 0, 0, STR (gateway_curve_public),
      "the gateway's own CURVE public key (Z85): intake lets it submit for any partner whose API key it checked" },
    { "CAREWATCH_GATEWAY_CURVE_SECRET", S_STRING, "", 0, 0, STR (gateway_curve_secret),
      "the gateway's CURVE secret key (Z85); needed when intake has CURVE on" },
    { "CAREWATCH_HTTP_BIND", S_STRING, "127.0.0.1", 0, 0, STR (http_bind),
      "address the gateway listens on (an IPv4 or IPv6 address; 0.0.0.0 for every interface)" },
    { "CAREWATCH_WEBHOOK_ALLOW", S_STRING, "", 0, 0, STR (webhook_allow),
      "private networks webhooks may still reach, as CIDRs (e.g. 127.0.0.1/32,10.1.0.0/16); others that are loopback, link-local or private are refused" },
};

int
config_parse_long (const char *name, const char *text, long min, long max,
                   long *out, char *err, size_t errlen)
{
    char *end = NULL;
    errno = 0;
    long v = strtol (text, &end, 10);
    if (errno || end == text || *end != '\0' || v < min || v > max) {
        snprintf (err, errlen, "%s: '%.64s' is not a whole number between %ld and %ld",
                  name, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int
config_check_endpoint (const char *name, const char *text, char *err, size_t errlen)
{
    if (strncmp (text, "ipc://", 6) == 0 && text [6])
        return 0;
    if (strncmp (text, "inproc://", 9) == 0 && text [9])
        return 0;
    if (strncmp (text, "tcp://", 6) == 0) {
        const char *colon = strrchr (text + 6, ':');
        long port;
        char perr [128];
        if (colon && colon > text + 6
        &&  (strcmp (colon + 1, "*") == 0
             || config_parse_long (name, colon + 1, 1, 65535, &port, perr, sizeof perr) == 0))
            return 0;
    }
    snprintf (err, errlen, "%s: '%.128s' is not an endpoint like tcp://127.0.0.1:5551, "
              "ipc://path or inproc://name", name, text);
    return -1;
}

int
config_load (config_t *self, char *err, size_t errlen)
{
    memset (self, 0, sizeof *self);
    for (size_t i = 0; i < sizeof s_settings / sizeof s_settings [0]; i++) {
        const s_setting_t *s = &s_settings [i];
        const char *text = getenv (s->name);
        if (!text || !*text)
            text = s->def;
        char *field = (char *) self + s->offset;
        if (s->kind == S_LONG) {
            long v;
            if (config_parse_long (s->name, text, s->min, s->max, &v, err, errlen))
                return -1;
            if (s->size == sizeof (int))
                *(int *) field = (int) v;
            else
                *(long *) field = v;
            continue;
        }
        if (strlen (text) >= s->size) {
            snprintf (err, errlen, "%s: value is longer than %zu characters", s->name, s->size - 1);
            return -1;
        }
        if (s->kind == S_ENDPOINT && config_check_endpoint (s->name, text, err, errlen))
            return -1;
        if (s->kind == S_LEVEL
        &&  strcmp (text, "debug") && strcmp (text, "info")
        &&  strcmp (text, "warn") && strcmp (text, "error")) {
            snprintf (err, errlen, "%s: '%.32s' is not one of debug, info, warn, error", s->name, text);
            return -1;
        }
        strcpy (field, text);
    }
    //  CURVE is all or nothing: both keys, 40-character Z85 each.
    const char *pairs [2][3] = {
        { self->curve_public, self->curve_secret, "CAREWATCH_INTAKE_CURVE" },
        { self->gateway_curve_public, self->gateway_curve_secret, "CAREWATCH_GATEWAY_CURVE" },
    };
    for (int i = 0; i < 2; i++)
        if ((pairs [i][0][0] || pairs [i][1][0]) && (strlen (pairs [i][0]) != 40 || strlen (pairs [i][1]) != 40)) {
            snprintf (err, errlen, "%s_PUBLIC and %s_SECRET must both be 40-character Z85 keys"
                      " (carewatch curve-keygen makes a pair)", pairs [i][2], pairs [i][2]);
            return -1;
        }
    struct in6_addr a6;
    struct in_addr a4;
    if (inet_pton (AF_INET, self->http_bind, &a4) != 1 && inet_pton (AF_INET6, self->http_bind, &a6) != 1) {
        snprintf (err, errlen, "CAREWATCH_HTTP_BIND: '%.64s' is not an IPv4 or IPv6 address", self->http_bind);
        return -1;
    }
    if (webhook_allow_check (self->webhook_allow, err, errlen))
        return -1;
    return 0;
}

void
config_print_table (void)
{
    printf ("| variable | default | meaning |\n|---|---|---|\n");
    for (size_t i = 0; i < sizeof s_settings / sizeof s_settings [0]; i++)
        printf ("| `%s` | `%s` | %s |\n", s_settings [i].name,
                s_settings [i].def [0] ? s_settings [i].def : "(unset)", s_settings [i].help);
}
