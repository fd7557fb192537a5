/*  export_query: builds the report documents (docs/export-documents.md)
    from PostgreSQL.  Each returns a new JSON document the caller owns,
    or NULL with a reason in err and a status: 404 when the period,
    indicator or org unit does not exist, 400 for a bad argument, 500 for
    a database failure.  */
#ifndef CAREWATCH_EXPORT_QUERY_H
#define CAREWATCH_EXPORT_QUERY_H

#include <jansson.h>
#include "db.h"

typedef struct {
    const char *period;         //  period code (any alias); progress: the latest year, or NULL
    const char *org_unit;       //  default "dudley"
    const char *owner;          //  filter, or NULL
    const char *domain;         //  filter, or NULL
    const char *indicator;      //  for the indicator report
    const char *breakdown;      //  for the indicator report; default "total"
} export_params_t;

json_t *export_scorecard (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen);
json_t *export_progress (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen);
json_t *export_exceptions (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen);
json_t *export_indicator (db_t *db, const export_params_t *p, int *status, char *err, size_t errlen);


#endif
