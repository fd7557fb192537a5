/*  intake_feed: JSON and CSV feeds read into a SubmitBatch.

    Both readers share one per-row path (s_row_begin, s_set_text,
    s_set_number, s_row_end) so a field means the same thing and fails
    with the same code whichever format it came in.  Nothing here trusts
    a size from the input before checking it against the caller's limits:
    text is copied only up to its bound, CSV cells beyond the header's
    width are counted but not stored, and the number of issues is capped.  */
#include "intake_feed.h"
#include "utf8.h"

#include <assert.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef Carewatch__V1__Observation s_obs_t;

//  The fields of an observation, in the order of the proto.
enum {
    F_DATA_ELEMENT, F_ORG_UNIT, F_PERIOD, F_BREAKDOWN, F_NUMERATOR, F_DENOMINATOR, F_VALUE,
    F_NOTE, F_STATUS, F_SNAPSHOT_DATE, F_CI_LOW, F_CI_HIGH, F_ASSESSMENT, F_COUNT
};

typedef struct {
    const char *name;           //  JSON key and CSV column
    bool number;                //  a double, else text
    size_t max;                 //  text: bound in bytes
    size_t off;                 //  offset of the char * or double in the observation
    size_t has_off;             //  offset of the has_ flag; 0 for the ci pair (set per row)
} s_field_t;

#define S_TEXT(name, max) { #name, false, max, offsetof (s_obs_t, name), 0 }
#define S_NUMBER(name, has) { #name, true, 0, offsetof (s_obs_t, name), has }

static const s_field_t s_fields [F_COUNT] = {
    S_TEXT (data_element, FEED_MAX_CODE),
    S_TEXT (org_unit, FEED_MAX_CODE),
    S_TEXT (period, FEED_MAX_PERIOD),
    S_TEXT (breakdown, FEED_MAX_CODE),
    S_NUMBER (numerator, offsetof (s_obs_t, has_numerator)),
    S_NUMBER (denominator, offsetof (s_obs_t, has_denominator)),
    S_NUMBER (value, offsetof (s_obs_t, has_value)),
    S_TEXT (note, FEED_MAX_NOTE),
    S_TEXT (status, FEED_MAX_STATUS),
    S_TEXT (snapshot_date, FEED_MAX_PERIOD),    //  a date is shorter than any period code
    S_NUMBER (ci_low, 0),
    S_NUMBER (ci_high, 0),
    S_TEXT (assessment, FEED_MAX_ASSESSMENT),
};

static int
s_field_find (const char *name, size_t len)
{
    for (int f = 0; f < F_COUNT; f++)
        if (strlen (s_fields [f].name) == len && memcmp (s_fields [f].name, name, len) == 0)
            return f;
    return -1;
}


//  Longest prefix of s (avail bytes, valid UTF-8) of at most max bytes
//  that does not split a character.
static size_t
s_utf8_cut (const char *s, size_t avail, size_t max)
{
    if (avail <= max)
        return avail;
    size_t n = max;
    while (n > 0 && ((unsigned char) s [n] & 0xC0) == 0x80)
        n--;
    return n;
}

//  Makes a message safe to log and to put in a protobuf string: control
//  bytes and bytes that are not UTF-8 (input quoted in it, or a character
//  split by snprintf's truncation) become '?'.
static void
s_sanitize (char *s)
{
    unsigned char *u = (unsigned char *) s;
    size_t len = strlen (s);
    for (size_t i = 0; i < len;) {
        size_t n = u [i] < 0x20 || u [i] == 0x7F ? 0 : utf8_seq (u + i, len - i);
        if (n)
            i += n;
        else
            u [i++] = '?';
    }
}

//  A short quotable excerpt of input text, for messages.
static const char *
s_snip (char *dst, size_t cap, const char *s, size_t len)
{
    size_t n = s_utf8_cut (s, len, 40);
    snprintf (dst, cap, "%.*s%s", (int) n, s, n < len ? "..." : "");
    return dst;
}

//  ---------------------------------------------------------------------
//  Errors and issues

static int s_fail (char *err, size_t errlen, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

//  Writes the reason a whole document failed; returns -1.
static int
s_fail (char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list args;
        va_start (args, fmt);
        vsnprintf (err, errlen, fmt, args);
        va_end (args);
        s_sanitize (err);
    }
    return -1;
}

static int
s_issue_add_v (feed_t *self, uint32_t row, const char *field, const char *code, const char *fmt,
               va_list args)
{
    if (self->nissues == self->cap_issues) {
        size_t cap = self->cap_issues ? self->cap_issues * 2 : 16;
        feed_issue_t *issues = realloc (self->issues, cap * sizeof *issues);
        if (!issues)
            return -1;
        self->issues = issues;
        self->cap_issues = cap;
    }
    feed_issue_t *issue = &self->issues [self->nissues++];
    issue->row = row;
    snprintf (issue->field, sizeof issue->field, "%s", field ? field : "");
    snprintf (issue->code, sizeof issue->code, "%s", code ? code : "");
    vsnprintf (issue->message, sizeof issue->message, fmt, args);
    s_sanitize (issue->field);
    s_sanitize (issue->message);
    return 0;
}

void
feed_add_issue (feed_t *self, uint32_t row, const char *field, const char *code, const char *fmt,
                ...)
{
    assert (self);
    va_list args;
    va_start (args, fmt);
    (void) s_issue_add_v (self, row, field, code, fmt, args);   //  out of memory: dropped
    va_end (args);
}

void
feed_clear (feed_t *self)
{
    if (!self)
        return;
    if (self->batch)
        protobuf_c_message_free_unpacked (&self->batch->base, NULL);
    free (self->bad);
    free (self->issues);
    memset (self, 0, sizeof *self);
}

//  ---------------------------------------------------------------------
//  Building the batch, one row at a time

typedef struct {
    feed_t *feed;               //  what we fill
    size_t cap;                 //  slots in batch->observations and feed->bad
    s_obs_t *obs;               //  the row being read
    uint32_t row;               //  its 1-based number
    unsigned seen;              //  bit f: field f was present (maybe unreadable)
    bool bad;                   //  the row has a read error
} s_ctx_t;

static int
s_grow (s_ctx_t *ctx, size_t want)
{
    if (want <= ctx->cap)
        return 0;
    Carewatch__V1__SubmitBatch *batch = ctx->feed->batch;
    s_obs_t **rows = realloc (batch->observations, want * sizeof *rows);
    if (!rows)
        return -1;
    batch->observations = rows;
    bool *bad = realloc (ctx->feed->bad, want * sizeof *bad);
    if (!bad)
        return -1;
    ctx->feed->bad = bad;
    ctx->cap = want;
    return 0;
}

static int
s_batch_start (s_ctx_t *ctx, feed_t *feed, const char *partner, const char *batch_key,
               bool atomic, const char *format, size_t rows)
{
    memset (ctx, 0, sizeof *ctx);
    ctx->feed = feed;
    Carewatch__V1__SubmitBatch *batch = malloc (sizeof *batch);
    if (!batch)
        return -1;
    *batch = (Carewatch__V1__SubmitBatch) CAREWATCH__V1__SUBMIT_BATCH__INIT;
    feed->batch = batch;
    batch->atomic = atomic;
    //  A failed strdup leaves NULL, which free_unpacked skips
    if (partner && *partner && !(batch->partner = strdup (partner)))
        return -1;
    if (!(batch->batch_key = strdup (batch_key)) || !(batch->format = strdup (format)))
        return -1;
    return s_grow (ctx, rows);
}

static int
s_row_begin (s_ctx_t *ctx)
{
    Carewatch__V1__SubmitBatch *batch = ctx->feed->batch;
    if (batch->n_observations == ctx->cap && s_grow (ctx, ctx->cap ? ctx->cap * 2 : 256))
        return -1;
    s_obs_t *obs = malloc (sizeof *obs);
    if (!obs)
        return -1;
    *obs = (s_obs_t) CAREWATCH__V1__OBSERVATION__INIT;
    ctx->feed->bad [batch->n_observations] = false;
    batch->observations [batch->n_observations++] = obs;
    ctx->obs = obs;
    ctx->row = (uint32_t) batch->n_observations;
    ctx->seen = 0;
    ctx->bad = false;
    return 0;
}

static int s_row_issue (s_ctx_t *ctx, const char *field, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

//  Marks the current row bad and records why.  A hostile feed can make
//  an issue from every few bytes, so past FEED_MAX_ISSUES only the rows
//  are marked.  Returns -1 only when out of memory.
static int
s_row_issue (s_ctx_t *ctx, const char *field, const char *code, const char *fmt, ...)
{
    ctx->bad = true;
    feed_t *feed = ctx->feed;
    if (feed->nissues > FEED_MAX_ISSUES)
        return 0;
    if (feed->nissues == FEED_MAX_ISSUES) {
        feed_add_issue (feed, ctx->row, "", "too_many_issues",
                        "more than %d read errors; the rest are not listed", FEED_MAX_ISSUES);
        return 0;               //  out of memory here, the next issue tries again
    }
    va_list args;
    va_start (args, fmt);
    int rc = s_issue_add_v (feed, ctx->row, field, code, fmt, args);
    va_end (args);
    return rc;
}

static int
s_set_number (s_ctx_t *ctx, int f, double v)
{
    const s_field_t *fd = &s_fields [f];
    *(double *) ((char *) ctx->obs + fd->off) = v;
    if (fd->has_off)
        *(protobuf_c_boolean *) ((char *) ctx->obs + fd->has_off) = 1;
    return 0;
}

//  Stores len bytes of text (total: the field's full length, which may be
//  more than we were given); over the bound it is a read error and only
//  the bound is kept.
static int
s_set_text (s_ctx_t *ctx, int f, const char *s, size_t len, size_t total)
{
    const s_field_t *fd = &s_fields [f];
    if (total > fd->max) {
        if (s_row_issue (ctx, fd->name, "too_long", "%s is %zu bytes, over the limit of %zu",
                         fd->name, total, fd->max))
            return -1;
        len = s_utf8_cut (s, len, fd->max);
    }
    char *copy = malloc (len + 1);
    if (!copy)
        return -1;
    memcpy (copy, s, len);
    copy [len] = 0;
    *(char **) ((char *) ctx->obs + fd->off) = copy;
    return 0;
}

static int
s_row_end (s_ctx_t *ctx)
{
    bool low = ctx->seen & (1u << F_CI_LOW), high = ctx->seen & (1u << F_CI_HIGH);
    //  The proto has one flag for the pair, so half an interval cannot pass on
    if (low != high
        && s_row_issue (ctx, low ? "ci_high" : "ci_low", "incomplete_ci", "%s given without %s",
                        low ? "ci_low" : "ci_high", low ? "ci_high" : "ci_low"))
        return -1;
    ctx->obs->has_ci = low && high;
    ctx->feed->bad [ctx->row - 1] = ctx->bad;
    return 0;
}

static int
s_check_key (const char *key, char *err, size_t errlen)
{
    size_t len = key ? strlen (key) : 0;
    if (len == 0)
        return s_fail (err, errlen, "batch_key is required");
    if (len > FEED_MAX_KEY)
        return s_fail (err, errlen, "batch_key is %zu bytes, over the limit of %d", len, FEED_MAX_KEY);
    if (utf8_invalid_at ((const unsigned char *) key, len) < len)
        return s_fail (err, errlen, "batch_key is not valid UTF-8");
    return 0;
}

//  ---------------------------------------------------------------------
//  JSON

static const char *
s_json_type (const json_t *v)
{
    return json_is_object (v) ? "an object" : json_is_array (v) ? "an array"
         : json_is_string (v) ? "a string" : json_is_number (v) ? "a number"
         : json_is_boolean (v) ? "a boolean" : "null";
}

static int
s_json_unknown (s_ctx_t *ctx, json_t *item)
{
    const char *key, *first = NULL;
    json_t *value;
    size_t count = 0;
    json_object_foreach (item, key, value) {
        if (s_field_find (key, strlen (key)) < 0 && count++ == 0)
            first = key;
    }
    if (!first)
        return 0;
    //  One issue per row however many: an object of a million keys must
    //  not cost a million issues
    char snip [64], more [40] = "";
    if (count > 1)
        snprintf (more, sizeof more, " and %zu more", count - 1);
    return s_row_issue (ctx, first, "unknown_field", "unknown field \"%s\"%s",
                        s_snip (snip, sizeof snip, first, strlen (first)), more);
}

static int
s_json_row (s_ctx_t *ctx, json_t *item)
{
    if (s_row_begin (ctx))
        return -1;
    if (!json_is_object (item)) {
        if (s_row_issue (ctx, "", "not_an_object", "observation must be a JSON object, got %s",
                         s_json_type (item)))
            return -1;
        return s_row_end (ctx);
    }
    size_t known = 0;
    for (int f = 0; f < F_COUNT; f++) {
        const s_field_t *fd = &s_fields [f];
        json_t *v = json_object_get (item, fd->name);
        if (!v)
            continue;
        known++;
        if (json_is_null (v))
            continue;
        ctx->seen |= 1u << f;
        int rc;
        if (fd->number)
            rc = json_is_number (v)
                     ? s_set_number (ctx, f, json_number_value (v))
                     : s_row_issue (ctx, fd->name, "not_a_number", "%s must be a number, got %s",
                                    fd->name, s_json_type (v));
        else if (json_is_string (v))
            rc = s_set_text (ctx, f, json_string_value (v), json_string_length (v),
                             json_string_length (v));
        else
            rc = s_row_issue (ctx, fd->name, "not_a_string", "%s must be a string, got %s",
                              fd->name, s_json_type (v));
        if (rc)
            return -1;
    }
    if (known < json_object_size (item) && s_json_unknown (ctx, item))
        return -1;
    return s_row_end (ctx);
}

int
feed_parse_json (const char *data, size_t len, const char *partner, size_t max_rows, feed_t *out,
                 char *err, size_t errlen)
{
    assert (out);
    memset (out, 0, sizeof *out);
    if (err && errlen)
        err [0] = 0;
    json_error_t jerr;
    //  Integers as reals: a 20-digit count is a number to us, not a parse error
    json_auto_t *root = json_loadb (data ? data : "", data ? len : 0,
                                    JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
    if (!root)
        return s_fail (err, errlen, "not valid JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                       jerr.column);
    if (!json_is_object (root))
        return s_fail (err, errlen, "the document must be a JSON object, got %s",
                       s_json_type (root));
    const char *key;
    json_t *value;
    json_object_foreach (root, key, value) {
        if (strcmp (key, "batch_key") && strcmp (key, "atomic") && strcmp (key, "observations")) {
            char snip [64];
            return s_fail (err, errlen,
                           "unknown top-level key \"%s\" (expected batch_key, atomic, observations)",
                           s_snip (snip, sizeof snip, key, strlen (key)));
        }
    }
    json_t *rows = json_object_get (root, "observations");
    if (!rows || json_is_null (rows))
        return s_fail (err, errlen, "observations is required");
    if (!json_is_array (rows))
        return s_fail (err, errlen, "observations must be an array, got %s", s_json_type (rows));
    json_t *jkey = json_object_get (root, "batch_key");
    if (jkey && !json_is_null (jkey) && !json_is_string (jkey))
        return s_fail (err, errlen, "batch_key must be a string, got %s", s_json_type (jkey));
    const char *batch_key = jkey ? json_string_value (jkey) : NULL;
    if (s_check_key (batch_key, err, errlen))
        return -1;
    json_t *atomic = json_object_get (root, "atomic");
    if (atomic && !json_is_null (atomic) && !json_is_boolean (atomic))
        return s_fail (err, errlen, "atomic must be true or false, got %s", s_json_type (atomic));

    size_t n = json_array_size (rows);
    if (n > max_rows)
        return s_fail (err, errlen, "batch has %zu observations, over the limit of %zu", n, max_rows);
    s_ctx_t ctx;
    int rc = s_batch_start (&ctx, out, partner, batch_key, atomic && json_is_true (atomic), "json", n);
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = s_json_row (&ctx, json_array_get (rows, i));
    if (rc) {
        feed_clear (out);
        return s_fail (err, errlen, "out of memory");
    }
    return 0;
}

//  ---------------------------------------------------------------------
//  CSV

//  A record keeps at most one more cell than there are columns (enough
//  to find a duplicate or unknown header name) and at most CSV_CELL_CAP
//  bytes of each: the rest is counted, never stored, so a hostile line
//  costs no memory.
#define CSV_MAX_CELLS (F_COUNT + 1)
#define CSV_CELL_CAP  (FEED_MAX_NOTE + 48)

typedef struct {
    size_t len;                 //  bytes stored in text
    size_t full;                //  bytes in the cell
} s_cell_t;

typedef struct {
    const char *p;              //  next byte to read
    const char *end;            //  one past the last byte
    size_t line;                //  physical line of p, 1-based
    size_t quote_line;          //  line where an unterminated quote began
    size_t ncells;              //  cells in the record just read
    bool blank;                 //  that record was an empty line
    s_cell_t cells [CSV_MAX_CELLS];
    char text [CSV_MAX_CELLS][CSV_CELL_CAP];
} s_csv_t;

//  Reads one RFC 4180 record.  Returns 1, 0 at the end of the data, or
//  -1 on a quote that never closes.  Lenient where the RFC is silent: a
//  quote inside an unquoted cell, or text after a closing quote, is kept
//  as it is; a lone CR also ends a record.
static int
s_csv_record (s_csv_t *self)
{
    const char *p = self->p, *end = self->end;
    if (p >= end)
        return 0;
    self->ncells = 0;
    bool quoted = false;
    for (;;) {
        const char *start = p;
        char *dst = self->ncells < CSV_MAX_CELLS ? self->text [self->ncells] : NULL;
        size_t n = 0, quote_line = 0;
        bool in_quotes = false;
        for (; p < end; p++) {
            char c = *p;
            if (in_quotes) {
                if (c == '"' && p + 1 < end && p [1] == '"')
                    p++;                //  "" is a literal quote
                else if (c == '"') {
                    in_quotes = false;
                    continue;
                }
                else if (c == '\n')
                    self->line++;
            }
            else if (c == ',' || c == '\n' || c == '\r')
                break;
            else if (c == '"' && p == start) {
                in_quotes = quoted = true;
                quote_line = self->line;
                continue;
            }
            if (dst && n < CSV_CELL_CAP)
                dst [n] = c;
            n++;
        }
        if (in_quotes) {
            self->quote_line = quote_line;
            self->p = p;
            return -1;
        }
        if (dst) {
            self->cells [self->ncells].len = n < CSV_CELL_CAP ? n : CSV_CELL_CAP;
            self->cells [self->ncells].full = n;
        }
        self->ncells++;
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end) {
            if (*p++ == '\r' && p < end && *p == '\n')
                p++;
            self->line++;
        }
        break;
    }
    self->blank = self->ncells == 1 && self->cells [0].full == 0 && !quoted;
    self->p = p;
    return 1;
}

static void
s_trim (const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len && ((*s) [*len - 1] == ' ' || (*s) [*len - 1] == '\t'))
        (*len)--;
}

//  0: a finite number in *v; 1: not a number; 2: out of range.  Only
//  decimal notation: strtod alone would also take "nan", "inf" and hex.
static int
s_csv_number (const char *s, size_t len, double *v)
{
    char buf [128];
    if (len == 0 || len >= sizeof buf)
        return 1;
    for (size_t i = 0; i < len; i++) {
        char c = s [i];
        if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E'))
            return 1;
    }
    memcpy (buf, s, len);
    buf [len] = 0;
    char *stop;
    double d = strtod (buf, &stop);
    if (stop != buf + len)
        return 1;
    if (isinf (d))
        return 2;
    *v = d;
    return 0;
}

static int
s_csv_cell (s_ctx_t *ctx, int f, const char *text, const s_cell_t *cell)
{
    const s_field_t *fd = &s_fields [f];
    const char *s = text;
    size_t len = cell->len;
    bool cut = cell->full > cell->len;
    if (f != F_NOTE)            //  spreadsheets pad codes; a note is the partner's prose
        s_trim (&s, &len);
    if (len == 0 && !cut)
        return 0;               //  empty: absent
    ctx->seen |= 1u << f;
    if (!fd->number)
        return s_set_text (ctx, f, s, len, cut ? cell->full : len);
    double v;
    int rc = cut ? 1 : s_csv_number (s, len, &v);
    if (rc == 0)
        return s_set_number (ctx, f, v);
    char snip [64];
    return s_row_issue (ctx, fd->name, "not_a_number", "%s \"%s\" is %s", fd->name,
                        s_snip (snip, sizeof snip, s, len),
                        rc == 2 ? "out of range" : "not a number");
}

//  A data row; rd NULL for an empty line that is not at the end.
static int
s_csv_row (s_ctx_t *ctx, const s_csv_t *rd, const int *columns, size_t ncols)
{
    if (s_row_begin (ctx))
        return -1;
    int rc = 0;
    if (!rd)
        rc = s_row_issue (ctx, "", "wrong_cell_count", "row is empty, header has %zu", ncols);
    else if (rd->ncells != ncols)
        rc = s_row_issue (ctx, "", "wrong_cell_count", "row has %zu cell%s, header has %zu",
                          rd->ncells, rd->ncells == 1 ? "" : "s", ncols);
    else
        for (size_t i = 0; i < ncols && rc == 0; i++)
            rc = s_csv_cell (ctx, columns [i], rd->text [i], &rd->cells [i]);
    return rc ? -1 : s_row_end (ctx);
}

static int
s_csv_header (s_csv_t *rd, int *columns, size_t *ncols, char *err, size_t errlen)
{
    int rc = s_csv_record (rd);
    if (rc == 0)
        return s_fail (err, errlen, "empty file: expected a header row");
    if (rc < 0)
        return s_fail (err, errlen, "unterminated quote in the header row (line %zu)",
                       rd->quote_line);
    if (rd->blank)
        return s_fail (err, errlen, "the header row is empty");
    unsigned seen = 0;
    size_t kept = rd->ncells < CSV_MAX_CELLS ? rd->ncells : CSV_MAX_CELLS;
    for (size_t i = 0; i < kept; i++) {
        const char *name = rd->text [i];
        size_t len = rd->cells [i].len;
        s_trim (&name, &len);
        int f = rd->cells [i].full > rd->cells [i].len ? -1 : s_field_find (name, len);
        char snip [64];
        if (f < 0)
            return s_fail (err, errlen, "unknown column \"%s\" in the header (column %zu)",
                           s_snip (snip, sizeof snip, name, len), i + 1);
        if (seen & (1u << f))
            return s_fail (err, errlen, "duplicate column \"%s\" in the header (column %zu)",
                           s_fields [f].name, i + 1);
        seen |= 1u << f;
        columns [i] = f;
    }
    //  F_COUNT + 1 names cannot all be distinct and known
    assert (kept == rd->ncells);
    const int required [] = { F_DATA_ELEMENT, F_ORG_UNIT, F_PERIOD };
    for (size_t i = 0; i < sizeof required / sizeof required [0]; i++)
        if (!(seen & (1u << required [i])))
            return s_fail (err, errlen, "the header lacks the required column %s",
                           s_fields [required [i]].name);
    *ncols = kept;
    return 0;
}

int
feed_parse_csv (const char *data, size_t len, const char *partner, const char *batch_key,
                bool atomic, size_t max_rows, feed_t *out, char *err, size_t errlen)
{
    assert (out);
    memset (out, 0, sizeof *out);
    if (err && errlen)
        err [0] = 0;
    if (!data)
        data = "", len = 0;
    if (s_check_key (batch_key, err, errlen))
        return -1;
    size_t bad_at = utf8_invalid_at ((const unsigned char *) data, len);
    if (bad_at < len)
        return s_fail (err, errlen, "not valid UTF-8 at byte %zu", bad_at);
    //  A NUL would silently cut the text it sits in short
    const char *nul = len ? memchr (data, 0, len) : NULL;
    if (nul)
        return s_fail (err, errlen, "NUL byte at byte %zu", (size_t) (nul - data));

    s_csv_t *rd = malloc (sizeof *rd);
    if (!rd)
        return s_fail (err, errlen, "out of memory");
    rd->p = data;
    rd->end = data + len;
    rd->line = 1;
    if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
        rd->p += 3;
    int columns [CSV_MAX_CELLS];
    size_t ncols = 0;
    int rc = s_csv_header (rd, columns, &ncols, err, errlen);
    s_ctx_t ctx;
    if (rc == 0 && s_batch_start (&ctx, out, partner, batch_key, atomic, "csv", 0))
        rc = s_fail (err, errlen, "out of memory");

    //  Empty lines become rows only when a record follows them: a
    //  trailing empty line is an editor's habit, not an observation.
    //  Past max_rows we only count, to say how many there were.
    size_t nrows = 0, blanks = 0;
    while (rc == 0) {
        int got = s_csv_record (rd);
        if (got == 0)
            break;
        if (got < 0) {
            rc = s_fail (err, errlen, "unterminated quote in row %zu (line %zu)",
                         nrows + blanks + 1, rd->quote_line);
            break;
        }
        if (rd->blank) {
            blanks++;
            continue;
        }
        for (; blanks > 0 && rc == 0; blanks--)
            if (++nrows <= max_rows)
                rc = s_csv_row (&ctx, NULL, columns, ncols);
        if (rc == 0 && ++nrows <= max_rows)
            rc = s_csv_row (&ctx, rd, columns, ncols);
        if (rc)
            rc = s_fail (err, errlen, "out of memory");
    }
    if (rc == 0 && nrows > max_rows)
        rc = s_fail (err, errlen, "batch has %zu observations, over the limit of %zu", nrows,
                     max_rows);
    free (rd);
    if (rc)
        feed_clear (out);
    return rc;
}
