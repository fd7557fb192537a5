/*  export_render_csv: report documents as RFC 4180 CSV.

    One header row, CRLF after every row, a field quoted when it holds a
    comma, a double quote, CR or LF, with quotes doubled.  Numbers are
    raw (htmlbuf_number); a missing one is an empty field.

    A text field that begins with =, +, -, @, tab or CR gets a leading
    apostrophe: spreadsheets would otherwise run a note such as
    "=HYPERLINK(...)" as a formula (OWASP "CSV injection").  Numbers are
    never touched, so a negative value stays a number.
*/
#include "period.h"
#include "export_render.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    htmlbuf_t *out;          //  where the text goes
    bool row_open;              //  a field was written on this row
} s_csv_t;

static void
s_sep (s_csv_t *self)
{
    if (self->row_open)
        htmlbuf_append (self->out, ",");
    self->row_open = true;
}

static void
s_end_row (s_csv_t *self)
{
    htmlbuf_append (self->out, "\r\n");
    self->row_open = false;
}

//  A text field; NULL is an empty field.
static void
s_text (s_csv_t *self, const char *text)
{
    s_sep (self);
    htmlbuf_csv (self->out, text);
}

//  Any JSON value as a field: strings as text, numbers raw, booleans as
//  true/false, null or absent empty.
static void
s_value (s_csv_t *self, json_t *value)
{
    if (json_is_string (value))
        s_text (self, json_string_value (value));
    else
    if (json_is_integer (value)) {
        s_sep (self);
        htmlbuf_printf (self->out, "%" JSON_INTEGER_FORMAT, json_integer_value (value));
    }
    else
    if (json_is_real (value)) {
        s_sep (self);
        htmlbuf_number (self->out, json_real_value (value));
    }
    else
    if (json_is_boolean (value))
        s_text (self, json_is_true (value) ? "true" : "false");
    else
        s_text (self, NULL);
}

static void
s_field (s_csv_t *self, json_t *object, const char *key)
{
    s_value (self, json_object_get (object, key));
}

static void
s_header (s_csv_t *self, const char *const *names)
{
    for (; *names; names++)
        s_text (self, *names);
    s_end_row (self);
}

static void
s_scorecard (s_csv_t *self, json_t *doc)
{
    static const char *const header [] = {
        "domain", "indicator", "name", "owner", "unit", "last_year_period", "last_year_value",
        "previous_period", "previous_value", "current_period", "current_value", "target", "status",
        "short_trend", "annual_trend", "benchmark", "england", "note", NULL };
    s_header (self, header);
    size_t g, r;
    json_t *group, *row;
    json_array_foreach (json_object_get (doc, "groups"), g, group)
        json_array_foreach (json_object_get (group, "rows"), r, row) {
            s_field (self, group, "domain");
            s_field (self, row, "indicator");
            s_field (self, row, "name");
            s_field (self, row, "owner");
            s_field (self, row, "unit");
            const char *when [3] = { "last_year", "previous", "current" };
            for (int k = 0; k < 3; k++) {
                s_field (self, export_doc_obj (row, when [k]), "period");
                s_field (self, export_doc_obj (row, when [k]), "value");
            }
            s_field (self, export_doc_obj (row, "target"), "text");
            s_field (self, row, "status");
            s_field (self, row, "short_trend");
            s_field (self, row, "annual_trend");
            s_field (self, row, "benchmark");
            s_field (self, row, "england");
            s_field (self, row, "note");
            s_end_row (self);
        }
}

static void
s_progress (s_csv_t *self, json_t *doc)
{
    json_t *years = json_object_get (doc, "years");
    static const char *const header [] = { "domain", "indicator", "name", "target", NULL };
    for (const char *const *h = header; *h; h++)
        s_text (self, *h);
    size_t y, r;
    json_t *year, *row;
    json_array_foreach (years, y, year) {
        s_text (self, json_string_value (year));
        htmlbuf_t name = HTMLBUF_INIT;
        htmlbuf_printf (&name, "%s footnote", json_string_value (year));
        s_text (self, name.data);
        htmlbuf_free (&name);
    }
    s_end_row (self);
    json_array_foreach (json_object_get (doc, "rows"), r, row) {
        s_field (self, row, "domain");
        s_field (self, row, "indicator");
        s_field (self, row, "name");
        s_field (self, export_doc_obj (row, "target"), "text");
        json_array_foreach (years, y, year) {
            json_t *value = export_doc_year_value (row, json_string_value (year), y);
            s_field (self, value, "value");
            s_field (self, value, "footnote");
        }
        s_end_row (self);
    }
}

static void
s_exceptions (s_csv_t *self, json_t *doc)
{
    static const char *const header [] = {
        "indicator", "name", "owner", "unit", "period", "value", "target", "status", "short_trend",
        "annual_trend", "commentary", NULL };
    s_header (self, header);
    size_t i, c;
    json_t *item, *note;
    json_array_foreach (json_object_get (doc, "items"), i, item) {
        s_field (self, item, "indicator");
        s_field (self, item, "name");
        s_field (self, item, "owner");
        s_field (self, item, "unit");
        s_field (self, export_doc_obj (item, "current"), "period");
        s_field (self, export_doc_obj (item, "current"), "value");
        s_field (self, export_doc_obj (item, "target"), "text");
        s_field (self, item, "status");
        s_field (self, item, "short_trend");
        s_field (self, item, "annual_trend");
        //  Newest first, one note a line, in one quoted field.
        htmlbuf_t notes = HTMLBUF_INIT;
        json_array_foreach (export_doc_arr (item, "commentary"), c, note)
            if (json_is_string (note)) {
                htmlbuf_append (&notes, notes.len ? "\n" : "");
                htmlbuf_append (&notes, json_string_value (note));
            }
        s_text (self, notes.data);
        htmlbuf_free (&notes);
        s_end_row (self);
    }
}

static void
s_indicator (s_csv_t *self, json_t *doc)
{
    static const char *const header [] = {
        "indicator", "org_unit", "breakdown", "period", "value", "ci_low", "ci_high", "numerator",
        "denominator", "status", "spc_mean", "spc_lcl", "spc_ucl", "special_cause", "spc_rule", NULL };
    static const char *const fields [] = {
        "period", "value", "ci_low", "ci_high", "numerator", "denominator", "status", "spc_mean",
        "spc_lcl", "spc_ucl", "special_cause", "spc_rule", NULL };
    s_header (self, header);
    const char *code = export_doc_str (export_doc_obj (doc, "indicator"), "code");
    const char *org = export_doc_str (export_doc_obj (doc, "org_unit"), "code");
    size_t i;
    json_t *point;
    json_array_foreach (json_object_get (doc, "series"), i, point) {
        s_text (self, code);
        s_text (self, org);
        s_field (self, doc, "breakdown");
        for (const char *const *f = fields; *f; f++)
            s_field (self, point, *f);
        s_end_row (self);
    }
}

int
export_render_csv (json_t *doc, export_doc_kind_t kind, htmlbuf_t *out, char *err, size_t errlen)
{
    s_csv_t csv = { out, false };
    switch (kind) {
        case EXPORT_DOC_SCORECARD:  s_scorecard (&csv, doc); break;
        case EXPORT_DOC_PROGRESS:   s_progress (&csv, doc); break;
        case EXPORT_DOC_EXCEPTIONS: s_exceptions (&csv, doc); break;
        case EXPORT_DOC_INDICATOR:  s_indicator (&csv, doc); break;
        default:
            snprintf (err, errlen, "csv: unknown report kind %d", (int) kind);
            return -1;
    }
    return 0;
}
