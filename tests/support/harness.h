/*  harness: runs real carewatch processes against a real PostgreSQL for
    the integration tests.

    The test PostgreSQL cluster is started by the ctest fixture
    (scripts/pg.sh start NAME); each test gets its own fresh database and
    its own free TCP ports, so tests can run side by side and beside a
    running `make run`.  */
#ifndef CAREWATCH_HARNESS_H
#define CAREWATCH_HARNESS_H

#include <stdbool.h>
#include <sys/types.h>
#include "db.h"

#define HARNESS_MAX_PROCS 16

typedef struct {
    char name [64];             //  the test's name (logs, database)
    char db_url [512];          //  its own database
    char intake [64];           //  endpoints on free ports
    char calc [64];
    char calc_events [64];
    char calc_control [64];
    char alert_stream [64];
    char alert_control [64];
    char export_ [64];
    char gateway_control [64];
    int http_port;
    pid_t pids [HARNESS_MAX_PROCS];   //  processes started
    char procs [HARNESS_MAX_PROCS][32];
    int nprocs;
} harness_t;

//  Creates a fresh database and picks free ports.  Returns 0 or -1
//  (after printing why).
int harness_init (harness_t *self, const char *name);

//  A free TCP port below the kernel's ephemeral range, never the same one
//  twice in a process.  A port from bind(0) lies in that range, and the
//  local end of any outgoing connection (or one in TIME_WAIT) could take
//  it again before the service binds it.  Returns -1 when none is found.
int harness_free_port (void);

//  Exports the harness's CAREWATCH_* variables into this process's
//  environment (children inherit them).
void harness_export (harness_t *self);

//  The endpoints and database of one installation under test, as
//  harness_setenv takes them (the benchmarks fill theirs too).
typedef struct {
    const char *db_url, *intake, *calc, *calc_events, *calc_control;
    const char *alert_stream, *alert_control, *export_, *gateway_control;
    int http_port;
    const char *log_level;
} harness_setup_t;

//  Sets the CAREWATCH_* variables a service reads for setup, and allows
//  webhooks to loopback (where tests and benchmarks run their receivers).
void harness_setenv (const harness_setup_t *setup);

//  Starts carewatch-<service> with the harness environment; its stderr
//  goes to <build>/tests/logs/<name>-<service>.log.  Returns its pid or -1.
pid_t harness_start (harness_t *self, const char *service);

//  The control endpoint that answers Ping for a service.
const char *harness_endpoint (harness_t *self, const char *service);

//  Pings endpoint until a Pong arrives or timeout_ms passes.  Returns 0
//  when answered; fills database_ok when not NULL.
int harness_ping (const char *endpoint, int timeout_ms, bool *database_ok, char *service, size_t len);

//  Sends sig to a started service and waits up to timeout_ms.  Returns its
//  exit status (128+signal when killed by a signal), or -1 on timeout
//  (the process is then killed).
int harness_stop (harness_t *self, const char *service, int sig, int timeout_ms);

//  Stops every process still running (SIGKILL) and reaps them.
void harness_cleanup (harness_t *self);

//  Runs a shell command; returns its exit status.
int harness_sh (const char *fmt, ...);

//  An HTTP answer; body is NUL-terminated, the caller frees it.
typedef struct {
    long status;                //  0 when no answer came
    char *body;
    size_t len;
} harness_resp_t;

//  GET (body NULL) or POST body (len bytes, as content_type) to
//  http://127.0.0.1:port path, with "Authorization: Bearer key" unless
//  key is NULL; a minute at most.  Needs curl_global_init first.
harness_resp_t harness_http (int port, const char *path, const char *key, const char *content_type,
                             const char *body, size_t len);

//  A TCP connection to 127.0.0.1:port from the loopback address src (NULL:
//  any), for tests that speak raw HTTP.  Returns the socket, or -1.
int harness_connect (const char *src, int port);

//  In a forked child: stderr to log (appended, or truncated first), then
//  exec exe.  Never returns (exits 127 when exec fails).
void harness_exec (const char *exe, const char *log, bool truncate) __attribute__ ((noreturn));

//  Milliseconds on the monotonic clock.
long long harness_now_ms (void);

//  The first value of the first row of sql on db: "(none)" when there is
//  no row, "(error)" (after printing why) on an error.  The text is good
//  until the next call.
const char *harness_query (db_t *db, const char *sql);

//  Polls sql on db until it returns want or timeout_ms passes (then
//  prints what it last saw).  Returns true when it did.
bool harness_wait_for (db_t *db, const char *sql, const char *want, int timeout_ms);

//  Path of a built binary ("carewatch", "carewatch-intake", ...).
const char *harness_bin (const char *name, char *buf, size_t len);

#endif
