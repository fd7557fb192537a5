/*  migrate: brings a database up to the schema and reference data this
    binary carries.

    Numbered SQL files from db/migrations are applied in order, once each,
    and recorded in schema_migrations; then the reference files from
    db/reference (org units, breakdowns, partners, the indicator catalogue)
    are upserted when their content changed.  An advisory lock makes two
    concurrent runs safe: the second waits and then finds nothing to do.  */
#ifndef CAREWATCH_MIGRATE_H
#define CAREWATCH_MIGRATE_H

#include "db.h"

typedef struct {
    int applied;            //  migrations applied by this run
    int present;            //  migrations already recorded before
    int references_loaded;  //  reference files (re)loaded by this run
} migrate_report_t;

//  Runs the migrations and reference loads.  Returns 0 and fills *report
//  (may be NULL), or -1 with the failing file and reason in err; a failed
//  migration is rolled back whole.
int migrate_run (db_t *db, migrate_report_t *report, char *err, size_t errlen);

#endif
