/*  intake_feed_cases.h: what the two feed test files share
    (test_intake_feed.c: JSON, issue limits, robustness;
    test_intake_csv.c: CSV): parsing a document as partner "P1" and the
    checks on the batch it gives.  Static inline, so each file takes only
    what it uses.  */
#ifndef CAREWATCH_INTAKE_FEED_CASES_H
#define CAREWATCH_INTAKE_FEED_CASES_H

#include "check.h"
#include "intake_feed.h"

#include <stdint.h>
#include <stdlib.h>

#define HEADER "data_element,org_unit,period"

static char s_err [256];

static inline int
s_json (const char *doc, size_t max_rows, feed_t *feed)
{
    return feed_parse_json (doc, strlen (doc), "P1", max_rows, feed, s_err, sizeof s_err);
}

static inline int
s_csv (const char *doc, size_t max_rows, feed_t *feed)
{
    return feed_parse_csv (doc, strlen (doc), "P1", "key-1", false, max_rows, feed, s_err,
                           sizeof s_err);
}

static inline Carewatch__V1__Observation *
s_obs (const feed_t *feed, size_t row)
{
    return feed->batch->observations [row - 1];
}

//  The issue for row and field, or NULL.
static inline const feed_issue_t *
s_issue (const feed_t *feed, uint32_t row, const char *field)
{
    for (size_t i = 0; i < feed->nissues; i++)
        if (feed->issues [i].row == row && strcmp (feed->issues [i].field, field) == 0)
            return &feed->issues [i];
    return NULL;
}

#define CHECK_ISSUE(feed, row, field, want) do { const feed_issue_t *i_ = s_issue (feed, row, field); \
    CHECK (i_ != NULL); if (i_) CHECK_STR (i_->code, want); } while (0)

//  A document that fails as a whole leaves nothing to free and says why.
#define CHECK_FAILS(call, feed, want) do { CHECK_INT (call, -1); CHECK (!(feed)->batch); \
    CHECK (!(feed)->bad); CHECK_INT ((feed)->nissues, 0); CHECK_CONTAINS (s_err, want); } while (0)

static inline bool
s_is_empty (const char *s)
{
    return s == protobuf_c_empty_string;
}

//  A batch that packs and unpacks to itself is one the rest of carewatch can use.
static inline void
s_check_packs (const feed_t *feed)
{
    CHECK (protobuf_c_message_check (&feed->batch->base));
    size_t size = protobuf_c_message_get_packed_size (&feed->batch->base);
    uint8_t *buf = malloc (size ? size : 1);
    protobuf_c_message_pack (&feed->batch->base, buf);
    Carewatch__V1__SubmitBatch *copy = carewatch__v1__submit_batch__unpack (NULL, size, buf);
    CHECK (copy != NULL);
    if (copy)
        CHECK_INT (copy->n_observations, feed->batch->n_observations);
    carewatch__v1__submit_batch__free_unpacked (copy, NULL);
    free (buf);
}

#endif
