/*  copybuf: COPY text format.  */
#include "copybuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
s_reserve (copybuf_t *self, size_t more)
{
    if (self->len + more <= self->cap)
        return;
    size_t cap = self->cap ? self->cap : 1 << 16;
    while (self->len + more > cap)
        cap *= 2;
    self->data = realloc (self->data, cap);
    self->cap = cap;
}

static void
s_sep (copybuf_t *self)
{
    s_reserve (self, 1);
    if (self->row_open)
        self->data [self->len++] = '\t';
    self->row_open = true;
}

void
copybuf_text (copybuf_t *self, const char *text)
{
    s_sep (self);
    if (!text) {
        s_reserve (self, 2);
        memcpy (self->data + self->len, "\\N", 2);
        self->len += 2;
        return;
    }
    size_t n = strlen (text);
    s_reserve (self, 2 * n);
    char *out = self->data + self->len;
    for (const char *c = text; *c; c++)
        switch (*c) {
            case '\\': *out++ = '\\'; *out++ = '\\'; break;
            case '\t': *out++ = '\\'; *out++ = 't'; break;
            case '\n': *out++ = '\\'; *out++ = 'n'; break;
            case '\r': *out++ = '\\'; *out++ = 'r'; break;
            default: *out++ = *c;
        }
    self->len = (size_t) (out - self->data);
}

void
copybuf_num (copybuf_t *self, double value)
{
    if (isnan (value)) {
        copybuf_text (self, NULL);
        return;
    }
    s_sep (self);
    s_reserve (self, 32);
    self->len += (size_t) snprintf (self->data + self->len, 32, "%.17g", value);
}

void
copybuf_int (copybuf_t *self, long long value)
{
    s_sep (self);
    s_reserve (self, 24);
    self->len += (size_t) snprintf (self->data + self->len, 24, "%lld", value);
}

void
copybuf_end_row (copybuf_t *self)
{
    s_reserve (self, 1);
    self->data [self->len++] = '\n';
    self->row_open = false;
    self->rows++;
}

int
copybuf_send (copybuf_t *self, db_t *db, const char *copy_sql, char *err, size_t errlen)
{
    PGconn *conn = db_conn (db);
    if (!conn) {
        snprintf (err, errlen, "database is not reachable");
        return -1;
    }
    PGresult *r = PQexec (conn, copy_sql);
    if (PQresultStatus (r) != PGRES_COPY_IN) {
        snprintf (err, errlen, "copy: %s", PQresultErrorMessage (r));
        err [strcspn (err, "\n")] = '\0';
        PQclear (r);
        return -1;
    }
    PQclear (r);
    int ok = 1;
    for (size_t off = 0; ok == 1 && off < self->len; off += 1 << 20) {
        size_t chunk = self->len - off < (1 << 20) ? self->len - off : (1 << 20);
        ok = PQputCopyData (conn, self->data + off, (int) chunk);
    }
    ok = ok == 1 && PQputCopyEnd (conn, NULL) == 1;
    int rc = 0;
    while ((r = PQgetResult (conn))) {
        if (PQresultStatus (r) != PGRES_COMMAND_OK && rc == 0) {
            snprintf (err, errlen, "copy: %s", PQresultErrorMessage (r));
            err [strcspn (err, "\n")] = '\0';
            rc = -1;
        }
        PQclear (r);
    }
    if (!ok && rc == 0) {
        snprintf (err, errlen, "copy: %s", PQerrorMessage (conn));
        rc = -1;
    }
    self->len = 0;
    self->row_open = false;
    return rc;
}

void
copybuf_free (copybuf_t *self)
{
    free (self->data);
    memset (self, 0, sizeof *self);
}
