/*  calc_store: the statements calc runs, named and prepared once per
    connection (db.h, db_exec_stmt).  */
#ifndef CAREWATCH_CALC_STORE_H
#define CAREWATCH_CALC_STORE_H

#include "db.h"

//  calc_engine.c
extern const db_stmt_t calc_indicators_load_sql;
extern const db_stmt_t calc_targets_load_sql;
//  calc_service.c
extern const db_stmt_t calc_group_lock_sql;
extern const db_stmt_t calc_group_lock_shared_sql;
extern const db_stmt_t calc_batches_pending_sql;
extern const db_stmt_t calc_batch_series_sql;
extern const db_stmt_t calc_batches_done_sql;
extern const db_stmt_t calc_recompute_lock_sql;
//  calc_engine.c: the run's temp tables and COPY targets (not prepared),
//  and its writes.
extern const char *const calc_out_table_ddl;
extern const char *const calc_spc_table_ddl;
extern const char *const calc_out_copy;
extern const char *const calc_spc_copy;
extern const db_stmt_t calc_points_upsert_sql;
extern const db_stmt_t calc_points_upsert_returning_sql;
extern const db_stmt_t calc_unchanged_delete_sql;
extern const db_stmt_t calc_spc_delete_sql;
extern const db_stmt_t calc_spc_upsert_sql;
extern const db_stmt_t calc_high_water_sql;

#endif
