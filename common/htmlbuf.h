/*  htmlbuf: a growable text buffer the HTML renderers (export, the gateway web pages) append to.

    Appends never fail loudly: when an allocation fails the buffer is
    marked failed, later appends are ignored and htmlbuf_take returns
    NULL, so a renderer checks once at the end instead of after every
    line.  A zeroed htmlbuf_t (HTMLBUF_INIT) is an empty buffer.
*/
#ifndef CAREWATCH_HTMLBUF_H
#define CAREWATCH_HTMLBUF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;                 //  text, NUL-terminated once anything is appended
    size_t len;                 //  bytes used, not counting the NUL
    size_t cap;                 //  bytes allocated
    bool failed;                //  an allocation failed; appends are ignored
} htmlbuf_t;

#define HTMLBUF_INIT { NULL, 0, 0, false }

//  Appends text (NULL appends nothing).
void htmlbuf_append (htmlbuf_t *self, const char *text);

//  Appends the first n bytes of text.
void htmlbuf_appendn (htmlbuf_t *self, const char *text, size_t n);

//  Appends printf-style formatted text.
void htmlbuf_printf (htmlbuf_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  Appends text with &, <, >, " and ' escaped as HTML/XML entities, so
//  the result is safe both as element content and inside a quoted
//  attribute.  NULL appends nothing.
void htmlbuf_html (htmlbuf_t *self, const char *text);

//  Appends text as one RFC 4180 CSV field: quoted (its quotes doubled)
//  when it holds a comma, a double quote, CR or LF, and with a leading
//  apostrophe when it begins with =, +, -, @, tab or CR, so a spreadsheet
//  does not run it as a formula (OWASP "CSV injection").  NULL appends
//  nothing (an empty field).
void htmlbuf_csv (htmlbuf_t *self, const char *text);

//  Appends a number in the shortest form that reads back as the same
//  double ("73", "49.5", "0.1", "1e+21"); NAN or infinity appends nothing.
void htmlbuf_number (htmlbuf_t *self, double value);

//  Appends value as JSON text (json_dump_callback with flags), with no
//  intermediate string.  Returns 0, or -1 when jansson refused it.
int htmlbuf_json (htmlbuf_t *self, const json_t *value, size_t flags);

//  Hands the text over: returns it (an empty buffer gives ""), stores its
//  length in *len when len is not NULL and leaves the buffer empty.  The
//  caller frees the result.  Returns NULL, freeing everything, when an
//  allocation failed at any point.
char *htmlbuf_take (htmlbuf_t *self, size_t *len);

//  Frees the text and leaves the buffer empty; safe on an empty buffer.
void htmlbuf_free (htmlbuf_t *self);

#endif
