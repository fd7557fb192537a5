/*  db: libpq helper with reconnect and parameterised statements only.  */
#include "db.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct _db_t {
    PGconn *conn;           //  current connection, or NULL
    char *conninfo;         //  what to connect to
    char app [64];          //  application_name
    char options [64];      //  "-c statement_timeout=..."
    int backoff_ms;         //  wait after the last failed reconnect attempt
    int64_t next_attempt_ms;    //  monotonic ms before which no attempt is made
    int connects;           //  successful connections so far
    const db_stmt_t *prepared [DB_MAX_PREPARED];    //  prepared on this connection
    int nprepared;
    int prepared_on;        //  the connection (connects) they were prepared on
};

int
db_resolve_url (const char *url, char *out, size_t outlen, char *err, size_t errlen)
{
    if (url && *url) {
        snprintf (out, outlen, "%s", url);
        return 0;
    }
    FILE *f = fopen ("var/database.url", "r");
    if (!f || !fgets (out, (int) outlen, f)) {
        if (f)
            fclose (f);
        snprintf (err, errlen, "CAREWATCH_DATABASE_URL is unset and no embedded server "
                  "is running here (start one with scripts/pg.sh start)");
        return -1;
    }
    fclose (f);
    out [strcspn (out, "\r\n")] = '\0';
    return 0;
}

static void
s_notice (void *arg, const char *message)
{
    char text [512];
    snprintf (text, sizeof text, "%s", message);
    text [strcspn (text, "\n")] = '\0';
    log_debug ("db_notice", "{s:s}", "message", text);
}

db_t *
db_new (const char *conninfo, const char *app, int timeout_ms)
{
    db_t *self = calloc (1, sizeof *self);
    self->conninfo = strdup (conninfo);
    snprintf (self->app, sizeof self->app, "carewatch-%s", app ? app : "client");
    snprintf (self->options, sizeof self->options, "-c statement_timeout=%d", timeout_ms);
    self->backoff_ms = 0;
    return self;
}

void
db_destroy (db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    db_t *self = *self_p;
    if (self->conn)
        PQfinish (self->conn);
    free (self->conninfo);
    free (self);
    *self_p = NULL;
}

static int
s_connect_once (db_t *self, char *err, size_t errlen)
{
    if (self->conn) {
        PQfinish (self->conn);
        self->conn = NULL;
    }
    const char *keys [] = { "dbname", "application_name", "options", "connect_timeout", NULL };
    const char *vals [] = { self->conninfo, self->app, self->options, "5", NULL };
    PGconn *conn = PQconnectdbParams (keys, vals, 1);
    if (PQstatus (conn) != CONNECTION_OK) {
        snprintf (err, errlen, "%s", PQerrorMessage (conn));
        err [strcspn (err, "\n")] = '\0';
        PQfinish (conn);
        return -1;
    }
    PQsetNoticeProcessor (conn, s_notice, NULL);
    self->conn = conn;
    self->connects++;
    self->backoff_ms = 0;
    return 0;
}

static int64_t
s_now_ms (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
db_connect (db_t *self, int wait_ms, char *err, size_t errlen)
{
    int64_t deadline = s_now_ms () + wait_ms;
    int backoff = 50;
    while (true) {
        if (s_connect_once (self, err, errlen) == 0) {
            if (self->connects > 1)
                log_info ("db_reconnected", "{s:i}", "connects", self->connects);
            return 0;
        }
        if (s_now_ms () + backoff > deadline)
            return -1;
        usleep ((useconds_t) backoff * 1000);
        backoff = backoff * 2 > 2000 ? 2000 : backoff * 2;
    }
}

bool
db_ok (db_t *self)
{
    return self->conn && PQstatus (self->conn) == CONNECTION_OK;
}

//  Brings a lost connection back.  Attempts are spaced by a growing wait
//  (capped at 2 s), but the caller is never made to sleep: between
//  attempts it fails at once, so a service whose database is down still
//  answers Ping and notices SIGTERM, and tries again on its next tick.
static int
s_ensure (db_t *self, char *err, size_t errlen)
{
    if (db_ok (self))
        return 0;
    int64_t now = s_now_ms ();
    if (now < self->next_attempt_ms) {
        snprintf (err, errlen, "database unavailable; next reconnect attempt in %d ms",
                  (int) (self->next_attempt_ms - now));
        return -1;
    }
    if (s_connect_once (self, err, errlen) == 0) {
        log_info ("db_reconnected", "{s:i}", "connects", self->connects);
        self->next_attempt_ms = 0;
        return 0;
    }
    self->backoff_ms = self->backoff_ms ? self->backoff_ms * 2 : 100;
    if (self->backoff_ms > 2000)
        self->backoff_ms = 2000;
    self->next_attempt_ms = s_now_ms () + self->backoff_ms;
    return -1;
}

//  The result's status against what the caller expects; on a mismatch the
//  result is freed and err says why.
static PGresult *
s_check_result (db_t *self, PGresult *res, db_expect_t expect, char *err, size_t errlen)
{
    ExecStatusType want = expect == DB_TUPLES ? PGRES_TUPLES_OK : PGRES_COMMAND_OK;
    ExecStatusType got = PQresultStatus (res);
    if (got == want)
        return res;
    const char *msg = PQresultErrorMessage (res);
    if (got == PGRES_TUPLES_OK || got == PGRES_COMMAND_OK)
        snprintf (err, errlen, "statement returned %s, expected %s", PQresStatus (got), PQresStatus (want));
    else
        snprintf (err, errlen, "%s", msg && *msg ? msg : PQerrorMessage (self->conn));
    err [strcspn (err, "\n")] = '\0';
    PQclear (res);
    if (PQstatus (self->conn) != CONNECTION_OK)
        log_warn ("db_connection_lost", "{s:s}", "error", err);
    return NULL;
}

PGresult *
db_exec (db_t *self, const char *sql, int nparams, const char *const *params,
         db_expect_t expect, char *err, size_t errlen)
{
    if (s_ensure (self, err, errlen))
        return NULL;
    PGresult *res = PQexecParams (self->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    return s_check_result (self, res, expect, err, errlen);
}

PGresult *
db_exec_stmt (db_t *self, const db_stmt_t *stmt, const char *const *params, db_expect_t expect,
              char *err, size_t errlen)
{
    if (s_ensure (self, err, errlen))
        return NULL;
    //  A new connection has none of the old one's statements.
    if (self->prepared_on != self->connects) {
        self->nprepared = 0;
        self->prepared_on = self->connects;
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        int i = 0;
        while (i < self->nprepared && self->prepared [i] != stmt)
            i++;
        if (i == self->nprepared) {
            if (self->nprepared == DB_MAX_PREPARED)
                return db_exec (self, stmt->sql, stmt->nparams, params, expect, err, errlen);
            PGresult *p = PQprepare (self->conn, stmt->name, stmt->sql, stmt->nparams, NULL);
            if (!(p = s_check_result (self, p, DB_COMMAND, err, errlen)))
                return NULL;
            PQclear (p);
            self->prepared [i = self->nprepared++] = stmt;
        }
        PGresult *res = PQexecPrepared (self->conn, stmt->name, stmt->nparams, params, NULL, NULL, 0);
        //  The server forgot it (DEALLOCATE, a pooler): prepare it again, once.
        const char *state = PQresultErrorField (res, PG_DIAG_SQLSTATE);
        if (attempt == 0 && state && strcmp (state, "26000") == 0) {
            PQclear (res);
            self->prepared [i] = self->prepared [--self->nprepared];
            continue;
        }
        return s_check_result (self, res, expect, err, errlen);
    }
    return NULL;
}

int
db_run (db_t *self, const char *sql, int nparams, const char *const *params,
        char *err, size_t errlen)
{
    PGresult *res = db_exec (self, sql, nparams, params, DB_COMMAND, err, errlen);
    if (!res) {
        //  A statement with RETURNING or a SELECT is fine too.
        return -1;
    }
    PQclear (res);
    return 0;
}

int
db_run_stmt (db_t *self, const db_stmt_t *stmt, const char *const *params, char *err, size_t errlen)
{
    PGresult *res = db_exec_stmt (self, stmt, params, DB_COMMAND, err, errlen);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

int
db_rows (db_t *self, const char *sql, int nparams, const char *const *params,
         char *err, size_t errlen)
{
    PGresult *res = db_exec (self, sql, nparams, params, DB_TUPLES, err, errlen);
    if (!res)
        return -1;
    int n = PQntuples (res);
    PQclear (res);
    return n;
}

int
db_ping (db_t *self)
{
    char err [256];
    bool was_ok = db_ok (self);
    PGresult *res = db_exec (self, "select 1", 0, NULL, DB_TUPLES, err, sizeof err);
    //  A connection the server dropped (a restart) looks fine until it is
    //  used: that is a stale connection, not a database that is down, so
    //  the answer is the one a fresh connection gets.
    if (!res && was_ok && !db_ok (self))
        res = db_exec (self, "select 1", 0, NULL, DB_TUPLES, err, sizeof err);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

PGconn *
db_conn (db_t *self)
{
    char err [256];
    return s_ensure (self, err, sizeof err) == 0 ? self->conn : NULL;
}

int
db_connects (db_t *self)
{
    return self->connects;
}
