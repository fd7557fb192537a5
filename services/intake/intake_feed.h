/*  intake_feed: JSON and CSV feeds parsed into the one batch shape that
    the validation core checks (a carewatch.v1.SubmitBatch), so all three
    formats (JSON, CSV, protobuf) are validated by the same code.

    JSON:  {"batch_key": "...", "atomic": false, "observations": [
             {"data_element": "...", "org_unit": "...", "period": "...",
              "breakdown": "...", "numerator": n, "denominator": d,
              "value": v, "note": "...", "status": "...",
              "snapshot_date": "YYYY-MM-DD", "ci_low": l, "ci_high": h,
              "assessment": "..."}, ...]}
    CSV:   a header row naming the same columns (any order, unknown
           columns refused), RFC 4180 quoting, UTF-8, CRLF or LF line
           ends; an empty cell is an absent field.

    A row that cannot be read (a number that is not a number, a field of
    the wrong JSON type, a CSV row with the wrong number of cells) is kept
    in the batch at its position, marked bad, with an issue naming its
    1-based row, the field and the reason, so row numbers in the receipt
    match the partner's file.  A document that cannot be read at all (not
    JSON, no header, not UTF-8) fails as a whole.  */
#ifndef CAREWATCH_INTAKE_FEED_H
#define CAREWATCH_INTAKE_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include "carewatch.pb-c.h"

//  Bounds on the text fields of an observation (bytes).
#define FEED_MAX_CODE   64      //  data_element, org_unit, breakdown, partner
#define FEED_MAX_PERIOD 32
#define FEED_MAX_NOTE   2000
#define FEED_MAX_KEY    200     //  batch_key
#define FEED_MAX_STATUS 32
#define FEED_MAX_ASSESSMENT 64

//  A parse records at most this many issues (then one "too_many_issues");
//  rows past it are still marked in bad[].  Bounds the memory a hostile
//  feed of bad rows can cost.
#define FEED_MAX_ISSUES 10000

typedef struct {
    uint32_t row;               //  1-based row (CSV: data row, header not counted)
    char field [32];            //  field at fault ("" for the whole row)
    char code [40];             //  stable code, e.g. "not_a_number"
    char message [256];         //  human reason
} feed_issue_t;

typedef struct {
    Carewatch__V1__SubmitBatch *batch;  //  the parsed batch (malloc'd; free with
                                        //  protobuf_c_message_free_unpacked (&batch->base, NULL))
    bool *bad;                  //  bad[i]: row i+1 could not be read
    feed_issue_t *issues;       //  read errors, in row order
    size_t nissues;
    size_t cap_issues;
} feed_t;

//  Parses a JSON feed of len bytes.  partner is copied into the batch.
//  Returns 0 and fills *out (release with feed_clear), or -1 with a
//  reason in err (the document as a whole is unreadable, or it has more
//  than max_rows observations).  *out is overwritten, not freed, and is
//  left empty on -1.  Row issue codes: not_an_object, unknown_field
//  (one per row, naming the first), not_a_string, not_a_number, too_long
//  (the text is kept cut to its bound), incomplete_ci (only one of
//  ci_low / ci_high), too_many_issues.
int feed_parse_json (const char *data, size_t len, const char *partner, size_t max_rows,
                     feed_t *out, char *err, size_t errlen);

//  Parses a CSV feed; batch_key and atomic come from outside the file
//  (an HTTP header, a command-line flag).  Returns as feed_parse_json;
//  also wrong_cell_count (an empty line other than at the end of the file
//  is a row with this issue).  Cells are trimmed of spaces and tabs,
//  except note.  Byte offsets in err are 0-based from the start of data.
int feed_parse_csv (const char *data, size_t len, const char *partner, const char *batch_key,
                    bool atomic, size_t max_rows, feed_t *out, char *err, size_t errlen);

//  Adds an issue for row (1-based); dropped if out of memory.
void feed_add_issue (feed_t *self, uint32_t row, const char *field, const char *code,
                     const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));

//  Frees what a parse put in *self and zeroes it; safe to call twice.
void feed_clear (feed_t *self);

#endif
