/*  htmlbuf: growable text buffer.  */
#include "htmlbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Makes room for more bytes plus the NUL; false once the buffer failed.
static bool
s_reserve (htmlbuf_t *self, size_t more)
{
    if (self->failed)
        return false;
    if (self->len + more + 1 <= self->cap)
        return true;
    size_t cap = self->cap ? self->cap : 1024;
    while (self->len + more + 1 > cap) {
        if (cap > ((size_t) -1) / 2) {
            self->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *data = realloc (self->data, cap);
    if (!data) {
        self->failed = true;
        return false;
    }
    self->data = data;
    self->cap = cap;
    return true;
}

void
htmlbuf_appendn (htmlbuf_t *self, const char *text, size_t n)
{
    if (!text || !s_reserve (self, n))
        return;
    memcpy (self->data + self->len, text, n);
    self->len += n;
    self->data [self->len] = '\0';
}

static int
s_json_out (const char *text, size_t n, void *self)
{
    htmlbuf_appendn (self, text, n);
    return ((htmlbuf_t *) self)->failed ? -1 : 0;
}

int
htmlbuf_json (htmlbuf_t *self, const json_t *value, size_t flags)
{
    return value && json_dump_callback (value, s_json_out, self, flags) == 0 && !self->failed ? 0 : -1;
}

void
htmlbuf_append (htmlbuf_t *self, const char *text)
{
    if (text)
        htmlbuf_appendn (self, text, strlen (text));
}

void
htmlbuf_printf (htmlbuf_t *self, const char *format, ...)
{
    char small [256];
    va_list args;
    va_start (args, format);
    int n = vsnprintf (small, sizeof small, format, args);
    va_end (args);
    if (n < 0) {
        self->failed = true;
        return;
    }
    if ((size_t) n < sizeof small) {
        htmlbuf_appendn (self, small, (size_t) n);
        return;
    }
    if (!s_reserve (self, (size_t) n))
        return;
    va_start (args, format);
    vsnprintf (self->data + self->len, (size_t) n + 1, format, args);
    va_end (args);
    self->len += (size_t) n;
}

void
htmlbuf_csv (htmlbuf_t *self, const char *text)
{
    if (!text)
        return;
    const char *guard = *text && strchr ("=+-@\t\r", *text) ? "'" : "";
    if (!strpbrk (text, ",\"\r\n")) {
        htmlbuf_append (self, guard);
        htmlbuf_append (self, text);
        return;
    }
    htmlbuf_append (self, "\"");
    htmlbuf_append (self, guard);
    for (const char *run = text;;) {
        const char *quote = strchr (run, '"');
        if (!quote) {
            htmlbuf_append (self, run);
            break;
        }
        htmlbuf_appendn (self, run, (size_t) (quote - run) + 1);
        htmlbuf_append (self, "\"");
        run = quote + 1;
    }
    htmlbuf_append (self, "\"");
}

void
htmlbuf_html (htmlbuf_t *self, const char *text)
{
    if (!text)
        return;
    const char *run = text;
    for (const char *c = text; *c; c++) {
        const char *entity = NULL;
        switch (*c) {
            case '&': entity = "&amp;"; break;
            case '<': entity = "&lt;"; break;
            case '>': entity = "&gt;"; break;
            case '"': entity = "&quot;"; break;
            case '\'': entity = "&#39;"; break;
            default: continue;
        }
        htmlbuf_appendn (self, run, (size_t) (c - run));
        htmlbuf_append (self, entity);
        run = c + 1;
    }
    htmlbuf_append (self, run);
}

void
htmlbuf_number (htmlbuf_t *self, double value)
{
    if (!isfinite (value))
        return;
    //  %.15g reproduces any value typed with 15 significant digits or
    //  fewer; only when it does not read back is the full %.17g needed.
    char text [40];
    snprintf (text, sizeof text, "%.15g", value);
    if (strtod (text, NULL) != value)
        snprintf (text, sizeof text, "%.17g", value);
    htmlbuf_append (self, text);
}

char *
htmlbuf_take (htmlbuf_t *self, size_t *len)
{
    if (self->failed) {
        htmlbuf_free (self);
        self->failed = false;
        return NULL;
    }
    if (!self->data && !s_reserve (self, 0)) {
        self->failed = false;
        return NULL;
    }
    if (self->len == 0)
        self->data [0] = '\0';
    char *text = self->data;
    if (len)
        *len = self->len;
    self->data = NULL;
    self->len = self->cap = 0;
    return text;
}

void
htmlbuf_free (htmlbuf_t *self)
{
    free (self->data);
    self->data = NULL;
    self->len = self->cap = 0;
}
