/*  cli: the carewatch tool's subcommands.  Each takes its own argv
    (argv[0] is the subcommand) and returns the process exit status:
    0 success, 1 failure, 2 usage error.  */
#ifndef CAREWATCH_CLI_H
#define CAREWATCH_CLI_H

typedef int (cli_fn) (int argc, char **argv);

typedef struct {
    const char *name;   //  subcommand
    cli_fn *fn;         //  what runs it
    const char *help;   //  one line of usage
} cli_command_t;

//  Connects to the configured database for subcommand who (the embedded
//  one when CAREWATCH_DATABASE_URL is unset).  Returns the connection, or
//  NULL after printing why.  timeout_ms: the statement timeout.
struct _db_t *cli_db (const char *who, int timeout_ms);

int cli_migrate (int argc, char **argv);
int cli_ping (int argc, char **argv);
int cli_config (int argc, char **argv);
int cli_push (int argc, char **argv);
int cli_recompute (int argc, char **argv);
int cli_subscribe (int argc, char **argv);
int cli_subscriptions (int argc, char **argv);
int cli_unsubscribe (int argc, char **argv);
int cli_alerts (int argc, char **argv);
int cli_silence (int argc, char **argv);
int cli_tail (int argc, char **argv);
int cli_receive (int argc, char **argv);
int cli_key (int argc, char **argv);
int cli_status (int argc, char **argv);
int cli_link (int argc, char **argv);
int cli_curve_keygen (int argc, char **argv);
int cli_curve_key (int argc, char **argv);

#endif
