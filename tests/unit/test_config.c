/*  config: defaults, overrides and clear errors for bad values.  */
#include "check.h"
#include "config.h"

#include <stdlib.h>

int
main (void)
{
    config_t c;
    char err [256] = "";
    unsetenv ("CAREWATCH_HTTP_PORT");
    unsetenv ("CAREWATCH_INTAKE_ENDPOINT");
    unsetenv ("CAREWATCH_DATABASE_URL");
    CHECK_INT (config_load (&c, err, sizeof err), 0);
    CHECK_INT (c.http_port, 8080);
    CHECK_STR (c.intake_endpoint, "tcp://127.0.0.1:5551");
    CHECK_STR (c.alert_stream, "tcp://127.0.0.1:5554");
    CHECK_STR (c.database_url, "");
    CHECK_INT (c.max_batch_rows, 100000);

    setenv ("CAREWATCH_HTTP_PORT", "9090", 1);
    setenv ("CAREWATCH_INTAKE_ENDPOINT", "ipc:///tmp/intake", 1);
    CHECK_INT (config_load (&c, err, sizeof err), 0);
    CHECK_INT (c.http_port, 9090);
    CHECK_STR (c.intake_endpoint, "ipc:///tmp/intake");

    //  Bad values name the variable, the value and what is allowed.
    setenv ("CAREWATCH_HTTP_PORT", "80x", 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    CHECK_STR (err, "CAREWATCH_HTTP_PORT: '80x' is not a whole number between 1 and 65535");
    setenv ("CAREWATCH_HTTP_PORT", "70000", 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    CHECK_CONTAINS (err, "'70000'");
    setenv ("CAREWATCH_HTTP_PORT", "8080", 1);

    setenv ("CAREWATCH_INTAKE_ENDPOINT", "localhost:5551", 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    CHECK_CONTAINS (err, "CAREWATCH_INTAKE_ENDPOINT: 'localhost:5551' is not an endpoint");
    setenv ("CAREWATCH_INTAKE_ENDPOINT", "tcp://127.0.0.1:99999", 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    setenv ("CAREWATCH_INTAKE_ENDPOINT", "tcp://*:5551", 1);
    CHECK_INT (config_load (&c, err, sizeof err), 0);
    unsetenv ("CAREWATCH_INTAKE_ENDPOINT");

    setenv ("CAREWATCH_LOG_LEVEL", "loud", 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    CHECK_CONTAINS (err, "CAREWATCH_LOG_LEVEL: 'loud' is not one of debug, info, warn, error");
    unsetenv ("CAREWATCH_LOG_LEVEL");

    setenv ("CAREWATCH_MAX_BATCH_ROWS", "0", 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    unsetenv ("CAREWATCH_MAX_BATCH_ROWS");

    //  An over-long value is refused, not truncated.
    char big [2000];
    memset (big, 'a', sizeof big - 1);
    big [sizeof big - 1] = '\0';
    setenv ("CAREWATCH_DATABASE_URL", big, 1);
    CHECK_INT (config_load (&c, err, sizeof err), -1);
    CHECK_CONTAINS (err, "CAREWATCH_DATABASE_URL: value is longer than");
    unsetenv ("CAREWATCH_DATABASE_URL");

    long v;
    CHECK_INT (config_parse_long ("X", "-5", -10, 10, &v, err, sizeof err), 0);
    CHECK_INT (v, -5);
    CHECK_INT (config_parse_long ("X", "", 0, 10, &v, err, sizeof err), -1);
    CHECK_INT (config_parse_long ("X", "99999999999999999999", 0, 10, &v, err, sizeof err), -1);
    return check_done ("test_config");
}
