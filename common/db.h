/*  db: a libpq connection that survives server restarts.

    Every statement is parameterised (PQexecParams); the caller states the
    result shape it expects.  When the server goes away the next call
    reconnects, waiting with capped exponential backoff, so a service that
    meets a database restart carries on by itself.  */
#ifndef CAREWATCH_DB_H
#define CAREWATCH_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct _db_t db_t;

typedef enum {
    DB_COMMAND,     //  expect PGRES_COMMAND_OK (INSERT/UPDATE without RETURNING)
    DB_TUPLES       //  expect PGRES_TUPLES_OK (SELECT, ... RETURNING)
} db_expect_t;

//  Resolves the database URL: url when not empty, else the embedded
//  server's URL written by scripts/pg.sh to var/database.url under the
//  current directory.  Returns 0 or -1 with a reason in err.
int db_resolve_url (const char *url, char *out, size_t outlen, char *err, size_t errlen);

//  Creates a handle for conninfo (a URL or key=value string) with a
//  statement timeout; app names the connection in pg_stat_activity.
//  Does not connect yet.  Returns a new db_t the caller destroys.
db_t *db_new (const char *conninfo, const char *app, int timeout_ms);

//  Closes the connection and frees *self_p; NULL-safe, nulls the pointer.
void db_destroy (db_t **self_p);

//  Connects, retrying with backoff for up to wait_ms.  Returns 0 or -1
//  with the last error in err.
int db_connect (db_t *self, int wait_ms, char *err, size_t errlen);

//  True when the connection is up (a cheap check, no round trip).
bool db_ok (db_t *self);

//  Runs sql with nparams text parameters (NULL entries are SQL NULL).
//  Reconnects first if the connection was lost.  Returns a result of the
//  expected shape that the caller frees with PQclear, or NULL with the
//  server's message in err.
PGresult *db_exec (db_t *self, const char *sql, int nparams,
                   const char *const *params, db_expect_t expect,
                   char *err, size_t errlen);

//  A named statement: prepared on a connection the first time it runs
//  there, and run by name after that (no parsing or planning per call).
//  Statements are static: a store module declares one per query.
typedef struct {
    const char *name;       //  unique in the process, e.g. "export_card_rows"
    const char *sql;
    int nparams;
} db_stmt_t;

#define DB_MAX_PREPARED 64  //  statements kept prepared per connection

//  Runs stmt with its parameters as db_exec does, preparing it first on
//  a connection that has not seen it (again after a reconnect).
PGresult *db_exec_stmt (db_t *self, const db_stmt_t *stmt, const char *const *params, db_expect_t expect,
                        char *err, size_t errlen);

//  Runs stmt (no rows back) as db_run does.  Returns 0 or -1 with err.
int db_run_stmt (db_t *self, const db_stmt_t *stmt, const char *const *params, char *err, size_t errlen);

//  Runs a statement and frees the result.  Returns 0 or -1 with err set.
int db_run (db_t *self, const char *sql, int nparams, const char *const *params,
            char *err, size_t errlen);

//  Runs a statement that returns rows (an UPDATE ... RETURNING) and frees
//  the result.  Returns how many rows it returned, or -1 with err set.
int db_rows (db_t *self, const char *sql, int nparams, const char *const *params,
             char *err, size_t errlen);

//  Runs "select 1".  Returns 0 when the server answered.
int db_ping (db_t *self);

//  The raw connection for COPY and async work, or NULL when down.
PGconn *db_conn (db_t *self);

//  Number of times the handle has (re)connected.
int db_connects (db_t *self);

#endif
