/*  receipt: a batch receipt (carewatch.v1.BatchReceipt) as JSON and as
    text.  One encoder for every place a receipt is shown: intake stores
    the JSON in batches.receipt (so a replay answers the very same), the
    gateway answers POST /v1/batches with it, `carewatch push` prints the
    text.  */
#ifndef CAREWATCH_RECEIPT_H
#define CAREWATCH_RECEIPT_H

#include <jansson.h>
#include <stdio.h>
#include "carewatch.pb-c.h"

//  The JSON form (docs/openapi.yaml, Receipt): a new reference, or NULL
//  when memory runs out.  Texts that are not valid UTF-8 are escaped.
json_t *receipt_json (const Carewatch__V1__BatchReceipt *r);

//  The human form, as `carewatch push` prints it.
void receipt_print (const Carewatch__V1__BatchReceipt *r, FILE *out);

#endif
