/*  gateway_store: the statements the gateway runs, named and prepared
    once per connection (db.h, db_exec_stmt).  */
#ifndef CAREWATCH_GATEWAY_STORE_H
#define CAREWATCH_GATEWAY_STORE_H

#include "db.h"

//  gateway_routes.c
extern const db_stmt_t gateway_get_batch_sql;
extern const db_stmt_t gateway_indicator_known_sql;
extern const db_stmt_t gateway_values_sql;
extern const db_stmt_t gateway_delete_subscription_sql;
extern const db_stmt_t gateway_indicators_sql;
extern const db_stmt_t gateway_indicator_sql;
extern const db_stmt_t gateway_alerts_sql;
extern const db_stmt_t gateway_subscriptions_sql;
//  gateway_http.c
extern const db_stmt_t gateway_metrics_sql;
//  web_page.c
extern const db_stmt_t web_as_at_sql;
//  web_overview.c
extern const db_stmt_t web_rug_columns_sql;
extern const db_stmt_t web_rug_rows_sql;
extern const db_stmt_t web_domains_sql;
//  web_indicator.c
extern const db_stmt_t web_series_sql;
extern const db_stmt_t web_area_lookup_sql;
extern const db_stmt_t web_definition_sql;
extern const db_stmt_t web_compare_sql;
extern const db_stmt_t web_inequalities_sql;
extern const db_stmt_t web_warnings_sql;
//  web_area.c
extern const db_stmt_t web_tree_sql;
extern const db_stmt_t web_spine_rows_sql;
extern const db_stmt_t web_alerts_sql;
//  web_manage.c
extern const db_stmt_t web_firing_sql;
extern const db_stmt_t web_resolved_sql;
extern const db_stmt_t web_silences_active_sql;
extern const db_stmt_t web_subscriptions_listed_sql;
extern const db_stmt_t web_silence_end_sql;
extern const db_stmt_t web_batches_sql;
extern const db_stmt_t web_keys_listed_sql;
extern const db_stmt_t web_feeds_due_sql;
extern const db_stmt_t web_feed_completeness_sql;

#endif
