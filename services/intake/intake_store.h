/*  intake_store: commits a validated batch to PostgreSQL.

    One transaction per batch.  The batch row is written first (its
    unique (partner, batch_key) makes a replay or a concurrent duplicate
    visible), the good rows go into a session temp table with COPY, and
    from there they are classified against the current observations:
    new (first value for the key), revised (a different value supersedes
    the current one, which stays as history) or unchanged (the same value
    sent again: nothing written).  Warnings that need history (a value far
    outside its own series, a denominator that jumps) are worked out in
    the same transaction.  */
#ifndef CAREWATCH_INTAKE_STORE_H
#define CAREWATCH_INTAKE_STORE_H

#include "db.h"
#include "intake_feed.h"
#include "intake_receipt.h"
#include "intake_validate.h"

typedef struct {
    double denominator_change;  //  warn when a denominator moves more than this fraction (0.5)
    double jump_sigmas;         //  warn when a value is this many SDs from its history (4)
    int jump_min_points;        //  ... with at least this many earlier points (4)
    int jump_window;            //  ... of its last this many earlier points (36)
} intake_store_options_t;

//  The content hash of a batch: SHA-256 of its protobuf form with the
//  arrival format cleared, so the same rows sent as JSON, CSV or protobuf
//  hash alike.  out holds 32 bytes.
void intake_store_hash (const Carewatch__V1__SubmitBatch *batch, unsigned char out [32]);

//  Looks for an earlier batch with the same partner and key.  Returns 1
//  and fills *receipt (replayed) when one with the same content exists,
//  2 with a refusal in *receipt when the key was used for other content,
//  0 when there is none, -1 on a database error (err).
int intake_store_replay (db_t *db, const char *partner, const char *batch_key,
                         const unsigned char hash [32], intake_receipt_t *receipt,
                         char *err, size_t errlen);

//  Commits the good rows of feed (rows from intake_validate_rows) and
//  fills *receipt (which already holds the row errors).  Returns 0, 1 when
//  a concurrent submission of the same key won (call intake_store_replay
//  again), or -1 on a database error (err): nothing is then written.
int intake_store_commit (db_t *db, feed_t *feed, const intake_row_t *rows,
                         const unsigned char hash [32], const intake_store_options_t *opts,
                         intake_receipt_t *receipt, char *err, size_t errlen);

#endif
