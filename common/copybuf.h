/*  copybuf: rows for PostgreSQL's COPY ... FROM STDIN in text format,
    built in memory and streamed in chunks.  Bulk data moves with COPY.  */
#ifndef CAREWATCH_COPYBUF_H
#define CAREWATCH_COPYBUF_H

#include <stdbool.h>
#include <stddef.h>
#include "db.h"

typedef struct {
    char *data;                 //  buffered rows
    size_t len;                 //  bytes used
    size_t cap;                 //  bytes allocated
    bool row_open;              //  a field was added to the current row
    size_t rows;                //  rows ended so far
} copybuf_t;

//  Appends a text field (NULL = SQL NULL), escaping backslash, tab,
//  newline and carriage return.
void copybuf_text (copybuf_t *self, const char *text);

//  Appends a number with round-trip precision; NAN = SQL NULL.
void copybuf_num (copybuf_t *self, double value);

//  Appends an integer.
void copybuf_int (copybuf_t *self, long long value);

//  Ends the current row.
void copybuf_end_row (copybuf_t *self);

//  Runs copy_sql ("copy t (...) from stdin") and sends the buffer.  The
//  buffer is emptied.  Returns 0 or -1 with the server's reason in err.
int copybuf_send (copybuf_t *self, db_t *db, const char *copy_sql, char *err, size_t errlen);

//  Frees the buffer.
void copybuf_free (copybuf_t *self);

#endif
