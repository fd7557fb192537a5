/*  export_render: picks the renderer for a format.  */
#include "export_render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (s_renderer_fn) (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen);

static int
s_render_json (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen)
{
    if (htmlbuf_json (out, doc, JSON_COMPACT | JSON_REAL_PRECISION (15))) {
        snprintf (err, errlen, "cannot serialise the document as json");
        return -1;
    }
    return 0;
}

static const struct {
    const char *name;               //  format as the caller names it
    const char *content_type;       //  HTTP Content-Type of the body
    s_renderer_fn *render;          //  the renderer
} s_formats [] = {
    { "json", "application/json", s_render_json },
    { "csv", "text/csv; charset=utf-8", export_render_csv },
    { "fhir", "application/fhir+json", export_render_fhir },
    { "html", "text/html; charset=utf-8", export_render_html },
};

int
export_render (json_t *doc, const char *format, char **body, size_t *len,
               const char **content_type, char *err, size_t errlen)
{
    *body = NULL;
    if (len)
        *len = 0;
    size_t f = 0, count = sizeof s_formats / sizeof s_formats [0];
    while (f < count && !(format && strcmp (format, s_formats [f].name) == 0))
        f++;
    if (f == count) {
        snprintf (err, errlen, "unknown format '%.32s' (want json, csv, fhir or html)", format ? format : "");
        return -1;
    }
    export_doc_kind_t kind = export_doc_check (doc, err, errlen);
    if (!kind)
        return -1;
    htmlbuf_t out = HTMLBUF_INIT;
    if (s_formats [f].render (doc, kind, &out, err, errlen)) {
        htmlbuf_free (&out);
        return -1;
    }
    *body = htmlbuf_take (&out, len);
    if (!*body) {
        snprintf (err, errlen, "out of memory rendering %s", s_formats [f].name);
        return -1;
    }
    if (content_type)
        *content_type = s_formats [f].content_type;
    return 0;
}
