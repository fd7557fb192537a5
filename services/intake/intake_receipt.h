/*  intake_receipt: what a partner hears back about a batch: counts, and
    every rejected row and warning with its row, field, code and reason.
    Kept as JSON in batches.receipt so a replayed batch gets the very same
    receipt back.  */
#ifndef CAREWATCH_INTAKE_RECEIPT_H
#define CAREWATCH_INTAKE_RECEIPT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "intake_feed.h"

typedef struct {
    int64_t batch_id;           //  0 when nothing was written
    char batch_key [FEED_MAX_KEY + 1];
    char status [16];           //  committed, rejected, replayed, refused
    uint32_t accepted;          //  rows written or unchanged
    uint32_t rejected;          //  rows refused
    uint32_t new_count;         //  first value for their key
    uint32_t revised_count;     //  a different value superseding an earlier one
    uint32_t unchanged_count;   //  the same value sent again
    uint64_t sequence;          //  commit sequence given to calc
    bool replayed;              //  an identical batch was already committed
    feed_issue_t *errors;       //  owned; row 0 = the batch as a whole
    size_t nerrors;
    feed_issue_t *warnings;     //  owned
    size_t nwarnings;
} intake_receipt_t;

//  Refuses the whole batch: status "refused", one error on row 0.
void intake_receipt_refuse (intake_receipt_t *self, const char *batch_key,
                            const char *code, const char *message);

//  Takes the feed's errors (sorted by row) into the receipt.
void intake_receipt_take_errors (intake_receipt_t *self, feed_t *feed);

//  Appends a warning.
void intake_receipt_warn (intake_receipt_t *self, uint32_t row, const char *field,
                          const char *code, const char *message);

//  JSON form (receipt_json of the protobuf form), a new reference the
//  caller owns.
json_t *intake_receipt_to_json (const intake_receipt_t *self);

//  Reads the JSON form back.  Returns 0 or -1.
int intake_receipt_from_json (intake_receipt_t *self, json_t *json);

//  Protobuf form; *out borrows from self and its arrays, which the caller
//  frees with intake_receipt_pb_free (not the strings).
void intake_receipt_to_pb (const intake_receipt_t *self, Carewatch__V1__BatchReceipt *out);
void intake_receipt_pb_free (Carewatch__V1__BatchReceipt *pb);

//  Frees the arrays and zeroes the receipt.
void intake_receipt_clear (intake_receipt_t *self);

#endif
