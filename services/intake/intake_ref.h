/*  intake_ref: the reference data intake validates against, held in
    memory: data elements (kind, unit, frequency), org units and their
    tree, breakdowns, and which partner may send which data element for
    which org units.  Loaded from PostgreSQL, or built by hand in tests.  */
#ifndef CAREWATCH_INTAKE_REF_H
#define CAREWATCH_INTAKE_REF_H

#include <stdbool.h>
#include "db.h"
#include "period.h"

typedef struct _intake_ref_t intake_ref_t;

typedef enum { DE_FRACTION = 1, DE_COUNT, DE_VALUE } de_kind_t;

typedef struct {
    de_kind_t kind;             //  what an observation carries
    period_type_t frequency;    //  the period type it is reported for
    bool percent;               //  a proportion: 0..100, numerator <= denominator
    bool percent_like;          //  a percentage that may pass 100 (occupancy): warn above 100
} de_info_t;

intake_ref_t *intake_ref_new (void);
void intake_ref_destroy (intake_ref_t **self_p);

//  Loads everything from the database into a new reference.  Returns
//  NULL with a reason in err.
intake_ref_t *intake_ref_load (db_t *db, char *err, size_t errlen);

//  Builders (tests and the loader).  kind: "fraction", "count", "value";
//  frequency: a period_type_name; unit: e.g. "percent".  Return 0, or -1
//  when a name is not known.
int intake_ref_add_data_element (intake_ref_t *self, const char *code, const char *kind,
                                 const char *unit, const char *frequency);
void intake_ref_add_org_unit (intake_ref_t *self, const char *code, const char *level,
                              const char *parent);
void intake_ref_add_breakdown (intake_ref_t *self, const char *code);
void intake_ref_add_partner (intake_ref_t *self, const char *code);
//  levels: comma-separated org levels, or NULL for any level.
void intake_ref_add_scope (intake_ref_t *self, const char *partner, const char *org_unit,
                           bool descendants, const char *levels);
//  data_element NULL: every data element.
void intake_ref_add_grant (intake_ref_t *self, const char *partner, const char *data_element);

//  Lookups.  Return NULL / false when unknown.
const de_info_t *intake_ref_data_element (const intake_ref_t *self, const char *code);
bool intake_ref_has_org_unit (const intake_ref_t *self, const char *code);
bool intake_ref_has_breakdown (const intake_ref_t *self, const char *code);
bool intake_ref_has_partner (const intake_ref_t *self, const char *code);

//  True when partner may send data_element at all (for some org unit).
bool intake_ref_may_send (const intake_ref_t *self, const char *partner, const char *data_element);

//  True when partner may send data_element for org_unit.
bool intake_ref_permits (const intake_ref_t *self, const char *partner,
                         const char *data_element, const char *org_unit);

#endif
