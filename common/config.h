/*  config: carewatch's settings, read from environment variables.

    Every setting is one row of a declarative table (config.c) with its
    name, default and bounds, so the README's configuration table and the
    code cannot drift apart: `carewatch config` prints the table.  */
#ifndef CAREWATCH_CONFIG_H
#define CAREWATCH_CONFIG_H

#include <stddef.h>

typedef struct {
    char database_url[1024];    //  libpq conninfo; "" = the embedded server
    char intake_endpoint[256];  //  partner-facing ROUTER (SubmitBatch, Ping)
    char calc_endpoint[256];    //  calc's PULL socket for BatchCommitted
    char calc_events[256];      //  calc's PUB socket for IndicatorChanged
    char calc_control[256];     //  calc's ROUTER for Ping
    char alert_stream[256];     //  alert's PUB stream for subscribers
    char alert_control[256];    //  alert's ROUTER for Ping
    char export_endpoint[256];  //  export's ROUTER (ExportRequest, Ping)
    char gateway_control[256];  //  gateway's ROUTER for Ping
    int http_port;              //  gateway HTTP port
    char log_level[16];         //  debug, info, warn, error
    long max_message_bytes;     //  largest ZMQ message accepted
    long max_batch_rows;        //  most observations in one batch
    long calc_batches_per_pass; //  most batches one calc pass claims
    long calc_fingerprint_mb;   //  largest table of written-value fingerprints
    long max_body_bytes;        //  largest HTTP body accepted
    int db_timeout_ms;          //  statement timeout for every query
    int db_wait_ms;             //  how long a starting service waits for the database
    char public_url [256];      //  the gateway's address, for links in alerts
    int webhook_retry_ms;       //  first retry delay; doubles each attempt
    int webhook_max_attempts;   //  attempts before a notification is dead
    int webhook_timeout_ms;     //  total time allowed for one POST
    int missing_check_ms;       //  how often "data due but missing" is checked
    int gateway_timeout_ms;     //  how long the gateway waits for intake and export
    char curve_public [64];     //  intake's CURVE public key (Z85); "" = CURVE off
    char curve_secret [64];     //  intake's CURVE secret key (Z85)
    char gateway_curve_public [64]; //  the gateway's CURVE key pair, for talking to intake
    char gateway_curve_secret [64];
    char http_bind [64];        //  address the gateway listens on
    char webhook_allow [512];   //  private networks webhooks may reach anyway (CIDRs)
} config_t;

//  Fills *self from the environment with defaults for what is unset.
//  Returns 0, or -1 with err naming the variable, the bad value and what
//  is allowed.
int config_load (config_t *self, char *err, size_t errlen);

//  Parses an integer setting: the whole text must be a number between
//  min and max.  Returns 0 or -1 with a reason in err.
int config_parse_long (const char *name, const char *text, long min, long max,
                       long *out, char *err, size_t errlen);

//  Checks a ZMQ endpoint: tcp://host:port, ipc://path or inproc://name.
//  Returns 0 or -1 with a reason in err.
int config_check_endpoint (const char *name, const char *text, char *err, size_t errlen);

//  Prints the settings table (name, default, meaning) as Markdown rows.
void config_print_table (void);

#endif
