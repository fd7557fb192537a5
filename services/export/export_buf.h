/*  export_buf: a growable text buffer the export renderers append to.

    Appends never fail loudly: when an allocation fails the buffer is
    marked failed, later appends are ignored and export_buf_take returns
    NULL, so a renderer checks once at the end instead of after every
    line.  A zeroed export_buf_t (EXPORT_BUF_INIT) is an empty buffer.
*/
#ifndef CAREWATCH_EXPORT_BUF_H
#define CAREWATCH_EXPORT_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;                 //  text, NUL-terminated once anything is appended
    size_t len;                 //  bytes used, not counting the NUL
    size_t cap;                 //  bytes allocated
    bool failed;                //  an allocation failed; appends are ignored
} export_buf_t;

#define EXPORT_BUF_INIT { NULL, 0, 0, false }

//  Appends text (NULL appends nothing).
void export_buf_append (export_buf_t *self, const char *text);

//  Appends the first n bytes of text.
void export_buf_appendn (export_buf_t *self, const char *text, size_t n);

//  Appends printf-style formatted text.
void export_buf_printf (export_buf_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Appends text with &, <, >, " and ' escaped as HTML/XML entities, so
//  the result is safe both as element content and inside a quoted
//  attribute.  NULL appends nothing.
void export_buf_html (export_buf_t *self, const char *text);

//  Appends a number in the shortest form that reads back as the same
//  double ("73", "49.5", "0.1", "1e+21"); NAN or infinity appends nothing.
void export_buf_number (export_buf_t *self, double value);

//  Hands the text over: returns it (an empty buffer gives ""), stores its
//  length in *len when len is not NULL and leaves the buffer empty.  The
//  caller frees the result.  Returns NULL, freeing everything, when an
//  allocation failed at any point.
char *export_buf_take (export_buf_t *self, size_t *len);

//  Frees the text and leaves the buffer empty; safe on an empty buffer.
void export_buf_free (export_buf_t *self);

#endif
