/*  fuzz_export_render: a report document (docs/export-documents.md)
    rendered in every format.  The documents come from export_query.c,
    not from the HTTP client, but they carry text partners sent (notes,
    codes, names) and whatever shape the database gives; GET
    /v1/scorecards/... returns what these renderers make of it.

    Checks: a render either fails with a reason and no body, or gives a
    NUL-terminated body of the stated length and a content type; json
    and fhir bodies are JSON; an html body holds only the tags the
    renderer writes (every input text is escaped); the document is not
    changed ("the renderers borrow doc and never change it").  */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export_render.h"

#define S_CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    json_object_seed (1);
    return 0;
}

//  The tags the html renderer writes.  Input text is escaped, so any
//  other tag in a page came from the document: markup injection.
static const char *const s_tags [] = {
    "!DOCTYPE", "body", "circle", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "head", "header", "html", "li", "line", "main", "meta", "ol", "p", "polyline",
    "rect", "section", "span", "style", "svg", "table", "tbody", "td", "text", "th", "thead",
    "title", "tr", "ul"
};

static bool
s_tags_known (const char *html, size_t len)
{
    for (const char *lt = memchr (html, '<', len); lt; lt = memchr (lt + 1, '<', len - (size_t) (lt + 1 - html))) {
        const char *name = lt + 1 + (lt [1] == '/');
        size_t n = strcspn (name, " >/\n");
        bool known = false;
        for (size_t t = 0; !known && t < sizeof s_tags / sizeof s_tags [0]; t++)
            known = strlen (s_tags [t]) == n && strncmp (name, s_tags [t], n) == 0;
        if (!known)
            return false;
    }
    return true;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb ((const char *) data, size, 0, NULL);
    if (!doc)
        return 0;
    json_t *copy = json_deep_copy (doc);
    static const char *const formats [] = { "json", "csv", "fhir", "html", "xml" };
    for (size_t f = 0; f < sizeof formats / sizeof formats [0]; f++) {
        char *body = (char *) "not set";
        size_t len = 12345;
        const char *type = NULL;
        char err [256];
        err [0] = 0;
        if (export_render (doc, formats [f], &body, &len, &type, err, sizeof err)) {
            S_CHECK (body == NULL && err [0] && strlen (err) < sizeof err);
            continue;
        }
        S_CHECK (f < 4 && body && type && strlen (body) == len);
        if (f == 0 || f == 2) {
            json_error_t jerr;
            json_t *back = json_loadb (body, len, 0, &jerr);
            S_CHECK (back);
            json_decref (back);
        }
        if (f == 3)
            S_CHECK (s_tags_known (body, len));
        free (body);
        S_CHECK (json_equal (doc, copy));
    }
    json_decref (copy);
    json_decref (doc);
    return 0;
}
