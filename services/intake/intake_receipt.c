/*  intake_receipt: receipts in three forms.  */
#include "intake_receipt.h"
#include "receipt.h"

#include <stdlib.h>
#include <string.h>

static void
s_push (feed_issue_t **items, size_t *n, const feed_issue_t *issue)
{
    //  Grow in powers of two.
    if ((*n & (*n - 1)) == 0)
        *items = realloc (*items, (*n ? *n * 2 : 4) * sizeof **items);
    (*items) [(*n)++] = *issue;
}

static void
s_issue (feed_issue_t *i, uint32_t row, const char *field, const char *code, const char *message)
{
    memset (i, 0, sizeof *i);
    i->row = row;
    snprintf (i->field, sizeof i->field, "%s", field ? field : "");
    snprintf (i->code, sizeof i->code, "%s", code ? code : "");
    snprintf (i->message, sizeof i->message, "%s", message ? message : "");
}

void
intake_receipt_refuse (intake_receipt_t *self, const char *batch_key, const char *code, const char *message)
{
    snprintf (self->batch_key, sizeof self->batch_key, "%s", batch_key ? batch_key : "");
    snprintf (self->status, sizeof self->status, "refused");
    feed_issue_t i;
    s_issue (&i, 0, "batch", code, message);
    s_push (&self->errors, &self->nerrors, &i);
}

static int
s_by_row (const void *a, const void *b)
{
    const feed_issue_t *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    //  Same row: keep the order they were found in (address order).
    return x < y ? -1 : x > y;
}

void
intake_receipt_take_errors (intake_receipt_t *self, feed_t *feed)
{
    if (feed->nissues)
        qsort (feed->issues, feed->nissues, sizeof *feed->issues, s_by_row);
    for (size_t i = 0; i < feed->nissues; i++)
        s_push (&self->errors, &self->nerrors, &feed->issues [i]);
}

void
intake_receipt_warn (intake_receipt_t *self, uint32_t row, const char *field,
                     const char *code, const char *message)
{
    feed_issue_t i;
    s_issue (&i, row, field, code, message);
    s_push (&self->warnings, &self->nwarnings, &i);
}

json_t *
intake_receipt_to_json (const intake_receipt_t *self)
{
    //  One encoder for every receipt shown anywhere (receipt.h).
    Carewatch__V1__BatchReceipt pb;
    intake_receipt_to_pb (self, &pb);
    json_t *json = receipt_json (&pb);
    intake_receipt_pb_free (&pb);
    return json;
}

static void
s_issues_from (json_t *a, feed_issue_t **items, size_t *n)
{
    size_t i;
    json_t *v;
    json_array_foreach (a, i, v) {
        feed_issue_t issue;
        s_issue (&issue, (uint32_t) json_integer_value (json_object_get (v, "row")),
                 json_string_value (json_object_get (v, "field")),
                 json_string_value (json_object_get (v, "code")),
                 json_string_value (json_object_get (v, "message")));
        s_push (items, n, &issue);
    }
}

int
intake_receipt_from_json (intake_receipt_t *self, json_t *json)
{
    memset (self, 0, sizeof *self);
    json_int_t id = 0, seq = 0;
    int acc = 0, rej = 0, nw = 0, rev = 0, unch = 0, replayed = 0;
    const char *key = "", *status = "";
    json_t *errors = NULL, *warnings = NULL;
    if (json_unpack (json, "{s:I, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:I, s:b, s:o, s:o}",
                     "batch_id", &id, "batch_key", &key, "status", &status, "accepted", &acc,
                     "rejected", &rej, "new", &nw, "revised", &rev, "unchanged", &unch,
                     "sequence", &seq, "replayed", &replayed, "errors", &errors, "warnings", &warnings))
        return -1;
    self->batch_id = id;
    snprintf (self->batch_key, sizeof self->batch_key, "%s", key);
    snprintf (self->status, sizeof self->status, "%s", status);
    self->accepted = (uint32_t) acc;
    self->rejected = (uint32_t) rej;
    self->new_count = (uint32_t) nw;
    self->revised_count = (uint32_t) rev;
    self->unchanged_count = (uint32_t) unch;
    self->sequence = (uint64_t) seq;
    self->replayed = replayed;
    s_issues_from (errors, &self->errors, &self->nerrors);
    s_issues_from (warnings, &self->warnings, &self->nwarnings);
    return 0;
}

static Carewatch__V1__RowIssue **
s_issues_pb (const feed_issue_t *items, size_t n)
{
    if (!n)
        return NULL;
    //  One block: the pointer array, then the structs.
    Carewatch__V1__RowIssue **ptrs = malloc (n * (sizeof *ptrs + sizeof **ptrs));
    Carewatch__V1__RowIssue *block = (Carewatch__V1__RowIssue *) (ptrs + n);
    for (size_t i = 0; i < n; i++) {
        carewatch__v1__row_issue__init (&block [i]);
        block [i].row = items [i].row;
        block [i].field = (char *) items [i].field;
        block [i].code = (char *) items [i].code;
        block [i].message = (char *) items [i].message;
        ptrs [i] = &block [i];
    }
    return ptrs;
}

void
intake_receipt_to_pb (const intake_receipt_t *self, Carewatch__V1__BatchReceipt *out)
{
    carewatch__v1__batch_receipt__init (out);
    out->batch_id = self->batch_id;
    out->batch_key = (char *) self->batch_key;
    out->accepted = self->accepted;
    out->rejected = self->rejected;
    out->new_count = self->new_count;
    out->revised_count = self->revised_count;
    out->unchanged_count = self->unchanged_count;
    out->replayed = self->replayed;
    out->status = (char *) self->status;
    out->sequence = self->sequence;
    out->n_errors = self->nerrors;
    out->errors = s_issues_pb (self->errors, self->nerrors);
    out->n_warnings = self->nwarnings;
    out->warnings = s_issues_pb (self->warnings, self->nwarnings);
}

void
intake_receipt_pb_free (Carewatch__V1__BatchReceipt *pb)
{
    free (pb->errors);
    free (pb->warnings);
    pb->errors = pb->warnings = NULL;
    pb->n_errors = pb->n_warnings = 0;
}

void
intake_receipt_clear (intake_receipt_t *self)
{
    free (self->errors);
    free (self->warnings);
    memset (self, 0, sizeof *self);
}
