/*  export_render: turns a report document (docs/export-documents.md)
    into the format a caller asked for.

      json  application/json                 the document itself, compact
      csv   text/csv; charset=utf-8          RFC 4180, one header row
      fhir  application/fhir+json            a FHIR R4 Bundle (collection)
                                             of Measure and MeasureReport
      html  text/html; charset=utf-8         one self-contained page with
                                             inline CSS and SVG charts

    Numbers in json, csv and fhir are raw: the shortest text that reads
    back as the same double for csv; 15 significant digits for json and
    fhir (Jansson's default of 17 would print 92.1 as 92.099999999999994),
    so a value typed with up to 15 digits survives exactly.  html formats
    them for people (figure.h).

    Pure functions over the document: no I/O, no global state.  The
    renderers borrow doc and never change it.
*/
#ifndef CAREWATCH_EXPORT_RENDER_H
#define CAREWATCH_EXPORT_RENDER_H

#include <jansson.h>
#include <stddef.h>

#include "htmlbuf.h"
#include "export_doc.h"

//  Canonical bases of the FHIR resources and identifiers we publish.
#define EXPORT_FHIR_BASE        "https://carewatch.example/fhir"
#define EXPORT_FHIR_ORG_SYSTEM  "https://carewatch.example/org-unit"

//  Renders doc as format ("json", "csv", "fhir" or "html").  On success
//  returns 0 and sets *body to a new NUL-terminated text the caller
//  frees, *len to its length (without the NUL) and *content_type to a
//  static string.  Returns -1 with a lowercase reason in err, *body NULL,
//  when the format is unknown, the document is not of a known shape, or
//  memory runs out.
int export_render (json_t *doc, const char *format, char **body, size_t *len,
                   const char **content_type, char *err, size_t errlen);

//  The renderers behind export_render, for a document export_doc_check
//  found to be of kind.  Each appends to out and returns 0, or -1 with a
//  reason in err (out may then hold a partial text the caller frees).
int export_render_csv (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen);
int export_render_fhir (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen);
int export_render_html (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen);

//  The FHIR Bundle for doc as a new JSON value the caller owns (what
//  export_render_fhir serialises), or NULL with a reason in err.
json_t *export_render_fhir_bundle (json_t *doc, export_doc_kind_t kind, char *err, size_t errlen);

#endif
