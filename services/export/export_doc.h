/*  export_doc: reading the report documents of docs/export-documents.md.

    The renderers read documents through these accessors, which treat a
    missing key, a null and a value of the wrong type alike as "absent",
    so one odd field renders as a blank rather than a crash.  The shape
    that a renderer relies on (the arrays it walks) is checked once, up
    front, by export_doc_check.
*/
#ifndef CAREWATCH_EXPORT_DOC_H
#define CAREWATCH_EXPORT_DOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

//  The four report kinds.
typedef enum {
    EXPORT_DOC_SCORECARD = 1,   //  quarterly scorecard
    EXPORT_DOC_PROGRESS,        //  "Our progress" table
    EXPORT_DOC_EXCEPTIONS,      //  below-target exception reports
    EXPORT_DOC_INDICATOR        //  one indicator in detail
} export_doc_kind_t;

//  Checks that doc is an object with a known "report" and the arrays
//  that report walks (scorecard: groups[].rows[] objects; progress:
//  years[] strings and rows[] objects, each row's values an array if
//  present; exceptions: items[] objects; indicator: an indicator object
//  with a code and series[] objects).  Returns the kind, or 0 with a
//  lowercase reason in err.
export_doc_kind_t export_doc_check (json_t *doc, char *err, size_t errlen);

//  The string at key of object, or NULL when absent, null or not a
//  string.  Borrowed from the document.
const char *export_doc_str (json_t *object, const char *key);

//  The number at key of object (integer or real), or NAN when absent,
//  null or not a number.
double export_doc_num (json_t *object, const char *key);

//  The object at key of object, or NULL when absent or not an object.
json_t *export_doc_obj (json_t *object, const char *key);

//  The array at key of object, or NULL when absent or not an array.
json_t *export_doc_arr (json_t *object, const char *key);

//  The entry of a progress row's values for year: the one whose period
//  is year, else (for entries without a period) the one at index.
//  NULL when there is none.  Borrowed.
json_t *export_doc_year_value (json_t *row, const char *year, size_t index);

//  The number of a JSON value (integer or real), or NAN for anything else.
double export_doc_number_of (json_t *value);

#endif
