/*  intake_validate: the one validation core every feed format goes
    through.  Pure: reference data in, row errors out; no I/O.

    Every rule has its own stable code, and every error names the 1-based
    row, the field and the reason:
      missing_field              data_element, org_unit or period is empty
      too_long                   a text field over its bound
      unknown_data_element       not in the catalogue
      unknown_org_unit           not in the org tree
      unknown_breakdown          not a known breakdown category
      bad_period                 the period does not parse
      period_frequency           the period's type is not the data element's frequency
      not_permitted              the partner may not send this data element or org unit
      bad_status                 status is not final, provisional, not_available or snapshot
      bad_snapshot_date          a snapshot without a valid YYYY-MM-DD date
      missing_note               not_available without the reason in note
      not_finite                 NaN or infinity
      negative_number            below zero
      missing_value              no figure where one is required
      value_not_allowed          value given where numerator/denominator are required
      fraction_not_allowed       numerator/denominator given where a value is required
      zero_denominator           a fraction with denominator 0
      numerator_over_denominator for a proportion
      percent_out_of_range       a percentage outside 0-100
      bad_interval               ci_low/ci_high inconsistent with the value
      duplicate_key              the same (data element, org unit, period,
                                 breakdown) twice in one batch
*/
#ifndef CAREWATCH_INTAKE_VALIDATE_H
#define CAREWATCH_INTAKE_VALIDATE_H

#include "intake_feed.h"
#include "intake_ref.h"
#include "period.h"

typedef struct {
    period_t period;                    //  the parsed period
    char period_code [PERIOD_CODE_MAX]; //  its canonical code
    const char *breakdown;              //  "total" when the row gave none
    period_day_t snapshot;              //  snapshot date, or 0
} intake_row_t;

//  Checks the batch as a whole: a known partner and a usable batch key.
//  Returns 0, or -1 with a stable code ("unknown_partner", "bad_batch_key",
//  "batch_too_large", "empty_batch") and a message.
int intake_validate_batch (const intake_ref_t *ref, const Carewatch__V1__SubmitBatch *batch,
                           size_t max_rows, char *code, size_t codelen, char *msg, size_t msglen);

//  Validates each row not already marked bad: appends an error to feed for
//  every rule broken (first error per field), marks the row bad, and fills
//  rows[i] for the good ones.  rows has one entry per observation.
//  Returns the number of bad rows.
size_t intake_validate_rows (const intake_ref_t *ref, feed_t *feed, intake_row_t *rows);

//  Data-quality warnings that the batch alone can show; the rows are kept.
//      percent_over_100       a percentage (of capacity) above 100
//      same_as_other_element  the same figure as another data element for the
//                             same org unit and period in this batch: the
//                             seeds' "benchmark copied from the row above"
//  Calls warn for each; returns the number found.
typedef void (intake_warn_fn) (void *arg, uint32_t row, const char *field, const char *code,
                               const char *message);
size_t intake_warn_rows (const intake_ref_t *ref, const feed_t *feed, const intake_row_t *rows,
                         intake_warn_fn *warn, void *arg);

#endif
