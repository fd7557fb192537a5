/*  alert_store: the statements alert runs, named and prepared once per
    connection (db.h, db_exec_stmt).  */
#ifndef CAREWATCH_ALERT_STORE_H
#define CAREWATCH_ALERT_STORE_H

#include "db.h"

//  alert_engine.c
extern const db_stmt_t alert_rules_load_sql;
extern const db_stmt_t alert_subscriptions_active_sql;
extern const db_stmt_t alert_series_overdue_sql;
extern const db_stmt_t alert_parent_firing_sql;
extern const db_stmt_t alert_notification_add_sql;
extern const db_stmt_t alert_upsert_sql;
extern const db_stmt_t alert_transition_add_sql;
extern const db_stmt_t alert_series_latest_sql;

//  alert_series_latest_sql's columns, by name (a row per period, latest first).
enum {
    SERIES_PERIOD, SERIES_VALUE, SERIES_STATUS, SERIES_SHORT_TREND, SERIES_ANNUAL_TREND, SERIES_BENCHMARK,
    SERIES_ENGLAND, SERIES_VARIATION, SERIES_ASSURANCE, SERIES_CI_LOW, SERIES_CI_HIGH, SERIES_NAME, SERIES_DOMAIN,
    SERIES_OWNER, SERIES_UNIT, SERIES_POLARITY, SERIES_TARGET_KIND, SERIES_TARGET_TEXT, SERIES_NOTE,
    SERIES_ALERT_OVERRIDES, SERIES_COLUMNS
};
extern const db_stmt_t alert_series_states_sql;
extern const db_stmt_t alert_lock_sql;
extern const db_stmt_t alert_silences_active_sql;
extern const db_stmt_t alert_changes_since_sql;
extern const db_stmt_t alert_offset_set_sql;
extern const db_stmt_t alert_expected_series_sql;
extern const db_stmt_t alert_reported_units_sql;
extern const db_stmt_t alert_unit_missing_resolve_sql;
extern const db_stmt_t alert_feed_missing_firing_sql;
extern const db_stmt_t alert_feed_state_sql;
extern const db_stmt_t alert_batches_since_sql;
extern const db_stmt_t alert_batches_offset_set_sql;
extern const db_stmt_t alert_repeats_due_sql;
//  alert_deliver.c
extern const db_stmt_t alert_notifications_delivered_sql;
extern const db_stmt_t alert_notifications_retry_sql;

#endif
