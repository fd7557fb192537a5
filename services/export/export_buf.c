/*  export_buf: growable text buffer.  */
#include "export_buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

//  Makes room for more bytes plus the NUL; false once the buffer failed.
static bool
s_reserve (export_buf_t *self, size_t more)
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
export_buf_appendn (export_buf_t *self, const char *text, size_t n)
{
    if (!text || !s_reserve (self, n))
        return;
    memcpy (self->data + self->len, text, n);
    self->len += n;
    self->data [self->len] = '\0';
}

void
export_buf_append (export_buf_t *self, const char *text)
{
    if (text)
        export_buf_appendn (self, text, strlen (text));
}

void
export_buf_printf (export_buf_t *self, const char *format, ...)
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
        export_buf_appendn (self, small, (size_t) n);
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
export_buf_html (export_buf_t *self, const char *text)
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
        export_buf_appendn (self, run, (size_t) (c - run));
        export_buf_append (self, entity);
        run = c + 1;
    }
    export_buf_append (self, run);
}

void
export_buf_number (export_buf_t *self, double value)
{
    if (!isfinite (value))
        return;
    //  %.15g reproduces any value typed with 15 significant digits or
    //  fewer; only when it does not read back is the full %.17g needed.
    char text [40];
    snprintf (text, sizeof text, "%.15g", value);
    if (strtod (text, NULL) != value)
        snprintf (text, sizeof text, "%.17g", value);
    export_buf_append (self, text);
}

char *
export_buf_take (export_buf_t *self, size_t *len)
{
    if (self->failed) {
        export_buf_free (self);
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
export_buf_free (export_buf_t *self)
{
    free (self->data);
    self->data = NULL;
    self->len = self->cap = 0;
}
