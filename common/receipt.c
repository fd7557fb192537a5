/*  receipt: one JSON and one text form of a batch receipt.  */
#include "receipt.h"
#include "utf8.h"

#include <string.h>

//  A text from a receipt, valid UTF-8 for Jansson.
static json_t *
s_text (const char *text)
{
    char buf [2048];
    text = text ? text : "";
    return json_string (utf8_clean (text) ? text : utf8_escape (text, strlen (text), buf, sizeof buf));
}

static json_t *
s_issues (Carewatch__V1__RowIssue **items, size_t n)
{
    json_t *a = json_array ();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new (a, json_pack ("{s:i, s:o, s:o, s:o}", "row", (int) items [i]->row,
                               "field", s_text (items [i]->field), "code", s_text (items [i]->code),
                               "message", s_text (items [i]->message)));
    return a;
}

json_t *
receipt_json (const Carewatch__V1__BatchReceipt *r)
{
    return json_pack ("{s:I, s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:I, s:b, s:o, s:o}",
                      "batch_id", (json_int_t) r->batch_id, "batch_key", s_text (r->batch_key),
                      "status", s_text (r->status), "accepted", (int) r->accepted,
                      "rejected", (int) r->rejected, "new", (int) r->new_count,
                      "revised", (int) r->revised_count, "unchanged", (int) r->unchanged_count,
                      "sequence", (json_int_t) r->sequence, "replayed", r->replayed,
                      "errors", s_issues (r->errors, r->n_errors),
                      "warnings", s_issues (r->warnings, r->n_warnings));
}

void
receipt_print (const Carewatch__V1__BatchReceipt *r, FILE *out)
{
    fprintf (out, "batch %s: %s%s\n", r->batch_key, r->status, r->replayed ? " (sent before; nothing written)" : "");
    if (r->batch_id)
        fprintf (out, "  batch id %lld, sequence %llu\n", (long long) r->batch_id,
                 (unsigned long long) r->sequence);
    fprintf (out, "  accepted %u (new %u, revised %u, unchanged %u), rejected %u\n",
             r->accepted, r->new_count, r->revised_count, r->unchanged_count, r->rejected);
    for (size_t i = 0; i < r->n_errors; i++) {
        const Carewatch__V1__RowIssue *e = r->errors [i];
        if (e->row)
            fprintf (out, "  error   row %u, %s: %s (%s)\n", e->row, e->field, e->message, e->code);
        else
            fprintf (out, "  error   batch: %s (%s)\n", e->message, e->code);
    }
    for (size_t i = 0; i < r->n_warnings; i++) {
        const Carewatch__V1__RowIssue *w = r->warnings [i];
        fprintf (out, "  warning row %u, %s: %s (%s)\n", w->row, w->field, w->message, w->code);
    }
}

