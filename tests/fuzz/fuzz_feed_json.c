/*  fuzz_feed_json: a JSON feed as a partner sends it (HTTP body or a
    SubmitFeed), through feed_parse_json and then the intake pipeline
    without its database (fuzz_intake.c).  */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_intake.h"

#define S_MAX_ROWS 200

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    json_object_seed (1);       //  the same key order on every run
    fuzz_intake_ref ();
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    feed_t feed;
    char err [512];
    err [0] = 0;
    if (feed_parse_json ((const char *) data, size, "ohid", S_MAX_ROWS, &feed, err, sizeof err)) {
        FUZZ_CHECK (err [0] && feed.batch == NULL && feed.bad == NULL && feed.nissues == 0);
        FUZZ_CHECK (fuzz_utf8_valid (err, strlen (err)));
        return 0;
    }
    FUZZ_CHECK (strcmp (feed.batch->format, "json") == 0);
    fuzz_feed_check (&feed, S_MAX_ROWS);
    fuzz_intake_process (&feed, S_MAX_ROWS);
    feed_clear (&feed);
    feed_clear (&feed);         //  safe to call twice
    return 0;
}
