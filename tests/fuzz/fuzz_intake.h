/*  fuzz_intake: what the fuzz harnesses share for intake.  A small
    hand-built reference (as in tests/unit/test_intake_validate.c, with
    the data elements the seed corpus uses) and the intake pipeline of
    intake_service.c without its database: batch checks, content hash,
    row validation, warnings and the receipt in its JSON and protobuf
    forms.  Every step checks the promises its header makes and traps
    (__builtin_trap) when one is broken, so libFuzzer reports it.  */
#ifndef CAREWATCH_FUZZ_INTAKE_H
#define CAREWATCH_FUZZ_INTAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "intake_feed.h"
#include "intake_ref.h"

#define FUZZ_CHECK(cond) do { if (!(cond)) __builtin_trap (); } while (0)

//  The reference every intake harness validates against; built once,
//  never freed (libFuzzer keeps the process).
const intake_ref_t *fuzz_intake_ref (void);

//  True when len bytes at s are well-formed UTF-8.
bool fuzz_utf8_valid (const char *s, size_t len);

//  Checks a feed as the parsers return it: row numbers in range, every
//  issue's row marked bad, text fields within their bounds and not split
//  inside a character, issue texts clean UTF-8 without control bytes.
void fuzz_feed_check (const feed_t *feed, size_t max_rows);

//  Runs feed through the pipeline once per sample partner (one that may
//  send everything, one limited to some elements and org levels, one
//  that is unknown).  The feed's batch is left as it came.
void fuzz_intake_process (feed_t *feed, size_t max_rows);

#endif
